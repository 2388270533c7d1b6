"""Fuzz: valid workbooks mutated in their XML parts and their zip structure.

For every mutation, ``giar-xl validate`` (run in process) must end without a
traceback: exit 0 or 1 when the damage is harmless or only changes the report,
exit 2 with a Chinese message naming the file otherwise, and always quickly.
The reader itself may only return a report or raise ``GiarError``: any other
exception is a reader bug, even though validate would catch it for a batch.
The whole module stays under ~30 s (examples are few but varied; hypothesis
shrinks any failure to a minimal mutation).
"""

from __future__ import annotations

import os
import re
import struct
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from giar_xl.errors import GiarError
from giar_xl.reader import read_workbook

from conftest import run_cli
from hostile_helpers import parts_of, workbook_bytes, zip_parts

PER_EXAMPLE_SECONDS = 5.0
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# GIAR_FUZZ_EXAMPLES=2000 for a long, randomised hunt; the default run is fixed and short
_HUNT = int(os.environ.get("GIAR_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_HUNT or 55, deadline=None, derandomize=not _HUNT, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

BASE = workbook_bytes(11)
PARTS = parts_of(BASE)
XML_NAMES = sorted(n for n in PARTS if n.endswith((".xml", ".rels")))
# the parts the reader depends on are fuzzed more often than docProps or the theme
READ_NAMES = ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"] + \
             sorted(n for n in PARTS if n.startswith("xl/worksheets/"))
_DIR = Path()  # set by the module fixture: a folder under pytest's own temporary root


def check_validate(data: bytes, name: str = "变异.xlsx") -> None:
    path = _DIR / name
    path.write_bytes(data)
    start = time.perf_counter()
    try:
        read_workbook(path)
    except GiarError as e:
        assert CHINESE.search(e.message), e.message
        assert e.file and Path(e.file).name == name
    code, out, err = run_cli("validate", path)  # an exception here fails the test with its traceback
    seconds = time.perf_counter() - start
    text = out + err
    assert seconds < PER_EXAMPLE_SECONDS, seconds
    assert "Traceback" not in text
    assert code in (0, 1, 2), code
    if code == 2:
        assert name in text and "无法读取" in text, text
        assert "文件已损坏或格式异常，无法读取（" not in text, text  # validate's catch-all: a reader bug
        assert CHINESE.search(text.split("无法读取", 1)[1]), text


# ------------------------------------------------------------------ XML parts
part_names = st.one_of(st.sampled_from(READ_NAMES), st.sampled_from(XML_NAMES))


@FUZZ
@given(name=part_names, flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                                       min_size=1, max_size=8))
def test_byte_flips_in_a_part(name, flips):
    body = bytearray(PARTS[name])
    for where, value in flips:
        body[int(where * len(body))] = value
    check_validate(zip_parts({**PARTS, name: bytes(body)}))


@FUZZ
@given(name=part_names, keep=st.floats(0, 1, exclude_max=True))
def test_truncated_part(name, keep):
    body = PARTS[name]
    check_validate(zip_parts({**PARTS, name: body[: int(keep * len(body))]}))


@FUZZ
@given(name=part_names, picks=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=4),
       mode=st.sampled_from(["delete", "empty", "duplicate", "strip_attributes"]))
def test_element_surgery(name, picks, mode):
    root = etree.fromstring(PARTS[name])
    for pick in picks:
        elements = [el for el in root.iter() if el is not root and isinstance(el.tag, str)]
        if not elements:
            break
        el = elements[int(pick * len(elements))]
        parent = el.getparent()
        if mode == "delete":
            parent.remove(el)
        elif mode == "empty":
            el.clear()
        elif mode == "duplicate":
            parent.insert(parent.index(el), etree.fromstring(etree.tostring(el)))
        else:
            for key in list(el.attrib):
                del el.attrib[key]
    check_validate(zip_parts({**PARTS, name: etree.tostring(root, xml_declaration=True,
                                                             encoding="UTF-8", standalone=True)}))


@FUZZ
@given(name=st.sampled_from(READ_NAMES), value=st.sampled_from(
    ["-1", "999999999999999999999", "1e400", "NaN", "x", "", "A0", "ZZZZ1", "#REF!", "\u0000"]),
    attr=st.sampled_from(["r", "s", "t", "ref", "si", "numFmtId", "sheetId", "r:id", "state", "Target"]),
    pick=st.floats(0, 1, exclude_max=True))
def test_attribute_values(name, value, attr, pick):
    """Plausible-looking but wrong attribute values (addresses, style and string indexes, targets)."""
    body = PARTS[name].decode("utf-8")
    hits = [m.start(1) for m in re.finditer(r'\b%s="([^"]*)"' % re.escape(attr), body)]
    if not hits:
        return
    at = hits[int(pick * len(hits))]
    end = body.index('"', at)
    value = value.replace("\u0000", "&#0;")
    check_validate(zip_parts({**PARTS, name: (body[:at] + value + body[end:]).encode("utf-8")}))


# ------------------------------------------------------------------ zip structure
@FUZZ
@given(keep=st.floats(0, 1, exclude_max=True))
def test_truncated_file(keep):
    check_validate(BASE[: int(keep * len(BASE))])


@FUZZ
@given(dropped=st.sets(st.sampled_from(sorted(PARTS)), min_size=1, max_size=4))
def test_dropped_members(dropped):
    check_validate(zip_parts({n: b for n, b in PARTS.items() if n not in dropped}))


def _central_directory(data: bytes) -> tuple[int, int]:
    eocd = data.rindex(b"PK\x05\x06")
    size, offset = struct.unpack("<II", data[eocd + 12: eocd + 20])
    return offset, eocd


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1,
                      max_size=6), region=st.sampled_from(["central", "eocd", "local", "anywhere"]))
def test_corrupted_zip_structure(flips, region):
    data = bytearray(BASE)
    start, eocd = _central_directory(BASE)
    lo, hi = {"central": (start, eocd), "eocd": (eocd, len(data)), "local": (0, 64),
              "anywhere": (0, len(data))}[region]
    for where, value in flips:
        data[lo + int(where * (hi - lo))] = value
    check_validate(bytes(data))


@FUZZ
@given(order=st.permutations(sorted(PARTS)), stored=st.booleans(), junk=st.binary(max_size=64))
def test_reordered_stored_and_prefixed_archives(order, stored, junk):
    """Member order, no compression, and bytes before the archive (self-extractor style)."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as z:
        for n in order:
            z.writestr(n, PARTS[n])
    check_validate(b"PK" + junk + buf.getvalue() if junk else buf.getvalue())


def test_the_unmutated_workbook_is_clean():
    """The base of every mutation reads and checks: failures above come from the mutation."""
    code, out, _ = run_cli("validate", _write(BASE))
    assert code in (0, 1) and "无法读取" not in out


def _write(data: bytes) -> Path:
    path = _DIR / "base.xlsx"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module", autouse=True)
def _folder(tmp_path_factory):
    global _DIR
    _DIR = tmp_path_factory.mktemp("fuzz")
