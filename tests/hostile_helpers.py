"""Builders of hostile and damaged files for the tests/test_hostile_*.py modules.

Every file is made from the template builder's own output, patched at the
byte, XML-part or zip level, so the damage is exactly the one named.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from giar_xl.template import build_workbook

from conftest import balanced_report

MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
T3 = "三、依申请公开"
T3_PART = "xl/worksheets/sheet4.xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sha(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def workbook_bytes(seed: int = 1, report=None) -> bytes:
    return build_workbook(None, report if report is not None else balanced_report(seed))


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def zip_parts(parts: dict[str, bytes], level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def with_part(data: bytes, name: str, body: bytes, level: int = 6) -> bytes:
    parts = parts_of(data)
    parts[name] = body
    return zip_parts(parts, level)


def patch_cell(data: bytes, address: str, new_xml: str, part: str = T3_PART) -> bytes:
    """Replace one <c> element of a sheet part (the builder writes one per address)."""
    parts = parts_of(data)
    body = parts[part].decode()
    pattern = re.compile(r'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % address)
    assert pattern.search(body), address
    parts[part] = pattern.sub(new_xml, body, count=1).encode()
    return zip_parts(parts)


def billion_laughs(root: bytes = b"worksheet") -> bytes:
    ents = b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"lol") * 10)
                    for i in range(1, 10))
    return (b'<?xml version="1.0"?><!DOCTYPE %s [%s]><%s %s><sheetData><row r="6">'
            b'<c r="D6" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></%s>'
            % (root, ents, root, MAIN_NS, root))


def external_entity(root: bytes = b"worksheet") -> bytes:
    return (b'<?xml version="1.0"?><!DOCTYPE %s [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<%s %s><sheetData><row r="6"><c r="D6" t="inlineStr"><is><t>&xxe;</t></is></c>'
            b"</row></sheetData></%s>" % (root, root, MAIN_NS, root))


def zip_bomb_part(inflated: int) -> bytes:
    return b"<worksheet>" + b" " * inflated + b"</worksheet>"


def write_zip_bomb(path: Path, good: bytes, inflated: int) -> Path:
    """The workbook with its 表三 sheet part inflating to ``inflated`` bytes of spaces, written
    in chunks (a file of a few MB; the bytes never exist in memory at once)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, body in parts_of(good).items():
            if name != T3_PART:
                z.writestr(name, body)
                continue
            with z.open(name, "w", force_zip64=True) as fh:
                fh.write(b"<worksheet>")
                chunk = b" " * (64 * 2**20)
                for _ in range(inflated // len(chunk)):
                    fh.write(chunk)
                fh.write(b"</worksheet>")
    return path


def million_rows(rows: int = 1_000_000) -> bytes:
    # rows without addresses keep the part under the size limit, so the cell limit is what refuses it
    return (b"<worksheet " + MAIN_NS + b"><sheetData>" + b"<row><c><v>1</v></c></row>" * rows
            + b"</sheetData></worksheet>")


def ole_file(encrypted: bool = False) -> bytes:
    """The head of a compound file (.xls/.et); an encrypted .xlsx is one with an EncryptedPackage stream."""
    body = OLE_MAGIC + b"\x00" * 504
    if encrypted:
        body += "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le")
    return body + b"\x00" * 2048


def encrypted(good: bytes) -> bytes:
    """The workbook saved with an opening password (Agile encryption, as Excel does), when
    msoffcrypto-tool is installed; else the compound-file shape such a file has."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return ole_file(encrypted=True)
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good)).encrypt("密码123", out)
    return out.getvalue()


def bad_files(good: bytes) -> dict[str, bytes]:
    """Name → bytes of every 'this is not a workbook I can read' case of issue 8."""
    return {
        "不是压缩包.xlsx": "这只是一段文字，扩展名却是 xlsx。\n".encode() * 20,
        "截断.xlsx": good[: len(good) // 2],
        "空文件.xlsx": b"",
        "缺目录.xlsx": good[:-22],  # end of central directory record cut off
        "旧版.xls": ole_file(),
        "二进制.xlsb": good,  # the suffix alone decides: Excel's binary workbook
        "WPS表格.et": ole_file(),
        "改名的xls.xlsx": ole_file(),
        "有密码.xlsx": encrypted(good),
    }


# what the message must say for each case, beyond the file's name
ADVICE = {
    "不是压缩包.xlsx": "不是 .xlsx",
    "截断.xlsx": "损坏",
    "空文件.xlsx": "空的",
    "缺目录.xlsx": "损坏",
    "旧版.xls": "另存为",
    "二进制.xlsb": "另存为",
    "WPS表格.et": "另存为",
    "改名的xls.xlsx": "另存为",
    "有密码.xlsx": "密码",
}


# ------------------------------------------------------------------ bounded children
MEMORY_CAP = 768 * 2**20  # address space of the child: a few times what a normal run needs
TIME_LIMIT = 15.0  # seconds per command, child start-up included (2 shared cores)
CAPPED_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from giar_xl.cli import main
main(sys.argv[1:])
"""


def run_capped(*args) -> tuple[int, str, float]:
    """``giar-xl ARGS`` in a child whose address space is capped: (exit code, output, seconds).

    An unbounded run ends in MemoryError there instead of swapping the machine.
    """
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CAPPED_CHILD.format(cap=MEMORY_CAP), *map(str, args)],
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start
