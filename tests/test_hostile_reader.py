"""Hostile workbooks: bounded time and memory, a Chinese refusal naming the file, never a traceback."""

from __future__ import annotations

import resource
import time
import zipfile

import pytest

from giar_xl.errors import UnreadableInput
from giar_xl.reader import read_workbook
from giar_xl.template import build_workbook
from giar_xl.xlsx import MAX_CELLS_PER_SHEET, MAX_PART_BYTES

SHEET = "xl/worksheets/sheet4.xml"  # table 三


@pytest.fixture(scope="module")
def template_bytes():
    return build_workbook()


def replace_part(src: bytes, tmp_path, name: str, body: bytes, level: int = 9):
    import io

    out = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(io.BytesIO(src)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, body if info.filename == name else zin.read(info.filename))
    return out


def refused(path, words):
    start = time.perf_counter()
    with pytest.raises(UnreadableInput) as e:
        read_workbook(path)
    assert time.perf_counter() - start < 10
    assert words in str(e.value) and path.name in str(e.value)
    return e.value


def test_zip_bomb_is_refused_before_inflating(template_bytes, tmp_path):
    # a sheet that inflates to 4 × the part limit from a few hundred kilobytes
    bomb = b"<worksheet>" + b" " * (4 * MAX_PART_BYTES) + b"</worksheet>"
    path = replace_part(template_bytes, tmp_path, SHEET, bomb)
    assert path.stat().st_size < 1_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    refused(path, "压缩炸弹")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 3 * MAX_PART_BYTES / 2**20  # never the inflated size


def test_a_million_used_rows_is_refused(template_bytes, tmp_path):
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 1_000_001))
    body = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>" + rows + b"</sheetData></worksheet>")
    assert len(body) < MAX_PART_BYTES * 2
    path = replace_part(template_bytes, tmp_path, SHEET, body[:MAX_PART_BYTES - 100] + b"</row></sheetData></worksheet>"
                        if len(body) > MAX_PART_BYTES else body)
    e = refused(path, str(MAX_CELLS_PER_SHEET))
    assert e.sheet == "三、依申请公开"


def test_billion_laughs_is_refused(template_bytes, tmp_path):
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<sheetData><row r="6"><c r="D6" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
           b"</sheetData></worksheet>")
    path = replace_part(template_bytes, tmp_path, SHEET, lol)
    refused(path, "DTD")


def test_external_entity_is_refused(template_bytes, tmp_path):
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<sheetData><row r="6"><c r="D6" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
           b"</sheetData></worksheet>")
    path = replace_part(template_bytes, tmp_path, SHEET, xxe)
    refused(path, "DTD")


def test_openpyxl_uses_defusedxml():
    """openpyxl (used to write annotated copies) parses with defusedxml when it is installed."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_broken_xml_is_named(template_bytes, tmp_path):
    path = replace_part(template_bytes, tmp_path, SHEET, b"<worksheet><sheetData><row>")
    e = refused(path, "不是有效的 XML")
    assert e.sheet == "三、依申请公开"
