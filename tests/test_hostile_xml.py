"""Entity expansion, external entities, zip bombs and a million rows, at every entry point.

Time and memory are bounded: the commands run in a child process whose address
space is capped (``RLIMIT_AS``), so inflating a 2 GiB sheet, or building a tree
of a million rows, would end in a MemoryError traceback and fail the test.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from defusedxml import DefusedXmlException

from giar_xl.annotate import annotate
from giar_xl.errors import UnreadableInput
from giar_xl.xlsx import MAX_CELLS_PER_SHEET, MAX_PART_BYTES, MAX_TAGS_PER_PART

from conftest import run_cli
from hostile_helpers import (MAIN_NS, MEMORY_CAP, T3, T3_PART, TIME_LIMIT, billion_laughs, external_entity,
                             million_rows, parts_of, run_capped, sha, with_part, workbook_bytes,
                             write_zip_bomb)

BOMB_INFLATED = 2 * 2**30  # the sheet inflates to 2 GiB
SECRET = "root:x:0:0"  # what /etc/passwd would leak


@pytest.fixture(scope="module")
def good() -> bytes:
    return workbook_bytes()


@pytest.fixture(scope="module")
def bombs(tmp_path_factory, good):
    """A 2 GiB zip bomb (a 2 MB file) and a sheet with a million used rows."""
    folder = tmp_path_factory.mktemp("bombs")
    bomb = write_zip_bomb(folder / "压缩炸弹.xlsx", good, BOMB_INFLATED)
    assert bomb.stat().st_size < 5 * 2**20
    rows = folder / "一百万行.xlsx"
    body = million_rows()
    assert len(body) < MAX_PART_BYTES  # the cell limit is what refuses it, not the part size
    rows.write_bytes(with_part(good, T3_PART, body))
    empty = folder / "空元素.xlsx"  # 30 MB of empty unknown elements: millions of tree nodes
    head, tail = b"<worksheet " + MAIN_NS + b"><sheetData>", b"</sheetData></worksheet>"
    room = MAX_PART_BYTES - len(head) - len(tail)
    empty.write_bytes(with_part(good, T3_PART, head + b"<x/>" * (room // 4) + tail, level=9))
    return {"bomb": bomb, "rows": rows, "elements": empty}


ANNOTATE_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from giar_xl.annotate import annotate
from giar_xl.errors import GiarError
try:
    annotate(sys.argv[1], [], sys.argv[2])
except GiarError as e:
    print(e)
    sys.exit(2)
"""


@pytest.mark.parametrize("kind, words", [("bomb", "压缩炸弹"), ("rows", str(MAX_CELLS_PER_SHEET)),
                                         ("elements", str(MAX_TAGS_PER_PART))])
def test_bounded_at_every_entry_point(bombs, kind, words, tmp_path):
    path = bombs[kind]
    before = sha(path)
    commands = [
        ("validate", path),
        ("export", path, "--to", "html", "-o", tmp_path / "r.html"),
        ("diff", path, path),
        ("aggregate", path, "-o", tmp_path / "county.xlsx"),
    ]
    for args in commands:
        code, text, seconds = run_capped(*args)
        assert code == 2, (args[0], text)
        assert "Traceback" not in text and "MemoryError" not in text, text
        assert path.name in text and words in text, (args[0], text)
        assert seconds < TIME_LIMIT, (args[0], seconds)
    assert not (tmp_path / "r.html").exists()
    proc = subprocess.run([sys.executable, "-c", ANNOTATE_CHILD.format(cap=MEMORY_CAP), str(path),
                           str(tmp_path / "标注.xlsx")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and words in proc.stdout, proc.stdout + proc.stderr
    assert not (tmp_path / "标注.xlsx").exists()
    assert sha(path) == before


def test_million_rows_is_refused_naming_the_sheet(bombs):
    code, out, _ = run_cli("validate", bombs["rows"])
    assert code == 2 and T3 in out


# ------------------------------------------------------------------ entities
XML_PARTS = [T3_PART, "xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels"]


@pytest.mark.parametrize("part", XML_PARTS)
@pytest.mark.parametrize("attack", [billion_laughs, external_entity])
def test_entities_refused_in_any_part(good, tmp_path, part, attack):
    root = {"xl/workbook.xml": b"workbook", "xl/styles.xml": b"styleSheet",
            "xl/_rels/workbook.xml.rels": b"Relationships"}.get(part, b"worksheet")
    path = tmp_path / "实体.xlsx"
    path.write_bytes(with_part(good, part, attack(root)))
    for args in (("validate", path), ("export", path, "--to", "html", "-o", tmp_path / "o.html"),
                 ("aggregate", path, "-o", tmp_path / "c.xlsx")):
        start = time.perf_counter()
        code, out, err = run_cli(*args)
        assert time.perf_counter() - start < 5
        assert code == 2, (args[0], out + err)
        assert "DTD" in out + err and "实体.xlsx" in out + err
        assert SECRET not in out + err
    assert not (tmp_path / "o.html").exists()
    with pytest.raises(UnreadableInput, match="DTD"):
        annotate(path, [], tmp_path / "a.xlsx")


def test_openpyxl_parses_with_defusedxml(good, tmp_path):
    """openpyxl (which writes annotated copies and reads units lists) parses sheets with defusedxml,
    and its other parts with lxml without resolving entities: nothing expands, nothing leaks."""
    import lxml.etree
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    path = tmp_path / "book.xlsx"
    path.write_bytes(with_part(good, T3_PART, billion_laughs()))
    with pytest.raises(ValueError) as e:
        openpyxl.load_workbook(path)
    assert isinstance(e.value.__cause__, DefusedXmlException)  # defusedxml's own refusal: it is in effect
    path.write_bytes(with_part(good, "xl/workbook.xml", billion_laughs(b"workbook")))
    start = time.perf_counter()
    with pytest.raises((DefusedXmlException, lxml.etree.XMLSyntaxError)):
        openpyxl.load_workbook(path)
    assert time.perf_counter() - start < 5


def test_entity_in_a_part_only_openpyxl_reads(good, tmp_path):
    """docProps/core.xml is not read by the strict reader; openpyxl reads it without resolving
    the entity, so an annotated copy never carries the file it names."""
    core = (b'<?xml version="1.0"?><!DOCTYPE cp:coreProperties [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&xxe;</dc:title>'
            b"</cp:coreProperties>")
    path = tmp_path / "属性.xlsx"
    path.write_bytes(with_part(good, "docProps/core.xml", core))
    code, out, _ = run_cli("validate", path)
    assert code in (0, 1)  # the report itself is readable
    target = tmp_path / "a.xlsx"
    try:
        annotate(path, [], target)
    except UnreadableInput as e:
        assert "属性.xlsx" in str(e) and SECRET not in str(e)
        assert not target.exists()
    else:
        for body in parts_of(target.read_bytes()).values():
            assert SECRET.encode() not in body


def test_units_list_with_entities_or_bomb(good, tmp_path):
    """The county's units list is read with openpyxl: entities and bombs get a reason, not a hang."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["单位名称"])
    wb.active.append(["某镇"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    data = plain.read_bytes()
    book = tmp_path / "单位.xlsx"
    book.write_bytes(workbook_bytes())
    for name, body in (("实体名单.xlsx", billion_laughs()),
                       ("炸弹名单.xlsx", b"<worksheet>" + b" " * (4 * MAX_PART_BYTES) + b"</worksheet>")):
        units = tmp_path / name
        units.write_bytes(with_part(data, "xl/worksheets/sheet1.xml", body, level=9))
        start = time.perf_counter()
        code, out, err = run_cli("aggregate", book, "--units", units, "-o", tmp_path / "c.xlsx")
        assert time.perf_counter() - start < 10
        assert code == 2 and name in out + err and "Traceback" not in out + err, out + err
        assert not (tmp_path / "c.xlsx").exists()


def test_external_entity_never_resolved_by_import(tmp_path):
    page = ('<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body>'
            "<h1>某镇人民政府2024年政府信息公开工作年度报告</h1><p>&xxe;</p></body></html>")
    path = tmp_path / "页面.html"
    path.write_text(page)
    code, out, err = run_cli("import", path, "-o", tmp_path / "r.json")
    assert SECRET not in out + err
    if (tmp_path / "r.json").exists():
        assert SECRET not in (tmp_path / "r.json").read_text()


def test_deeply_nested_html(tmp_path):
    path = tmp_path / "深.html"
    path.write_bytes(b"<html><body>" + b"<div>" * 200_000 + b"x" + b"</div>" * 200_000 + b"</body></html>")
    start = time.perf_counter()
    code, out, err = run_cli("import", path, "-o", tmp_path / "r.json")
    assert time.perf_counter() - start < 10
    assert code == 2 and "深.html" in err and "Traceback" not in out + err


def test_paths_are_never_followed_outside_the_zip(good, tmp_path):
    """A relationship pointing at ../../etc/passwd or an absolute path is just a missing part."""
    parts = parts_of(good)
    rels = parts["xl/_rels/workbook.xml.rels"].replace(b"/xl/worksheets/sheet4.xml", b"../../../../etc/passwd")
    path = tmp_path / "路径.xlsx"
    path.write_bytes(with_part(good, "xl/_rels/workbook.xml.rels", rels))
    code, out, _ = run_cli("validate", path)
    assert code in (1, 2) and SECRET not in out
    assert Path("/etc/passwd").exists()


@pytest.mark.parametrize("part, root", [("xl/styles.xml", b"styleSheet"), ("xl/workbook.xml", b"workbook"),
                                        ("xl/_rels/workbook.xml.rels", b"Relationships")])
def test_millions_of_elements_in_a_part_read_whole(good, tmp_path, part, root):
    """Parts parsed as one tree are counted before parsing: refused in well under a second."""
    body = b"<%s>" % root + b"<x/>" * (MAX_PART_BYTES // 4 - 10) + b"</%s>" % root
    path = tmp_path / "元素.xlsx"
    path.write_bytes(with_part(good, part, body, level=9))
    start = time.perf_counter()
    code, out, _ = run_cli("validate", path)
    assert time.perf_counter() - start < 3
    assert code == 2 and str(MAX_TAGS_PER_PART) in out and "元素.xlsx" in out


def test_annotate_bounds_parts_only_openpyxl_reads(good, tmp_path):
    """The theme is skipped by the strict reader but parsed whole by openpyxl: counted first."""
    body = b"<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">" + \
        b"<x/>" * (MAX_PART_BYTES // 4 - 40) + b"</a:theme>"
    path = tmp_path / "主题.xlsx"
    path.write_bytes(with_part(good, "xl/theme/theme1.xml", body, level=9))
    start = time.perf_counter()
    with pytest.raises(UnreadableInput, match=str(MAX_TAGS_PER_PART)):
        annotate(path, [], tmp_path / "a.xlsx")
    assert time.perf_counter() - start < 3
    assert not (tmp_path / "a.xlsx").exists()
