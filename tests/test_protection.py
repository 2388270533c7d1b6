"""The workbook protects its own parts (issue 18): the marker sheet `_giar` is very hidden and
protected, the workbook's structure is locked (no password, like the sheets), and the 校验 button
and `validate --annotate` still work on such a book: the button's every action is one Excel
allows under that protection, and the annotated copy survives LibreOffice."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from giar_xl.annotate import annotate
from giar_xl.checker import check
from giar_xl.layout import BINDING_SHEET
from giar_xl.libreoffice import convert
from giar_xl.reader import read_workbook
from giar_xl.results import COLOURED_CELL, RESULTS_SHEET
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.spec.format2021 import t3_id
from giar_xl.template import build_workbook
from giar_xl.template.xlsm import build_xlsm

from conftest import balanced_report

ROOT = Path(__file__).resolve().parent.parent
SPEC = DEFAULT_FORMAT
STANDARD = [SPEC.cover_sheet] + [s.sheet for s in SPEC.sections]


def faulty():
    r = balanced_report(3)
    r.values[t3_id("R1", "natural")] += 2
    r.values[t3_id("R1", "total")] += 2
    r.values["t2.regulation.issued"] = "/"
    return r


@pytest.mark.parametrize("name", ["giar-2021.xlsx", "giar-2021.xlsm"])
def test_committed_templates_lock_their_structure_and_hide_the_marker_sheet(name):
    data = (ROOT / "workbook_templates" / name).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        workbook_xml = z.read("xl/workbook.xml").decode()
    lock = re.search(r"<workbookProtection\b[^>]*/?>", workbook_xml)
    assert lock and 'lockStructure="1"' in lock[0], workbook_xml[:600]
    assert "Password" not in lock[0] and "password" not in lock[0]  # a help, not a lock
    wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=name.endswith(".xlsm"))
    marker = wb[BINDING_SHEET]
    assert marker.sheet_state == "veryHidden"
    assert marker.protection.sheet and not marker.protection.password
    # the one cell the button and --annotate write on it (the coloured cells' memo) is open
    assert marker[COLOURED_CELL[1]].protection.locked is False
    assert sum(1 for row in marker.iter_rows() for c in row if not c.protection.locked) == 1
    for sheet in STANDARD:
        assert wb[sheet].protection.sheet and not wb[sheet].protection.password
        assert wb[sheet].sheet_state == "visible"
    # the results sheet is there from the start, so the button never has to add a sheet
    assert wb.sheetnames[-1] == RESULTS_SHEET and not wb[RESULTS_SHEET].protection.sheet


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """A faulty workbook as Excel would send it: recalculated (by LibreOffice)."""
    tmp = tmp_path_factory.mktemp("protected")
    src = tmp / "book.xlsx"
    build_workbook(src, faulty())
    return src, convert(src, "xlsx", tmp / "lo")


def allowed(wb: openpyxl.Workbook, action: dict, names: list[str]) -> bool:
    """Whether Excel lets a macro do this to a book protected as ``wb`` is (no password given)."""
    if action["func"] in ("addSheet", "setSheetName"):
        return not (wb.security and wb.security.lockStructure)
    position = action.get("sheet_position")
    ws = wb[names[position]] if position is not None else None
    if action["func"] == "setValues":
        if not ws.protection.sheet:
            return True
        rows = action["values"]
        r0, c0 = action["start_row"] + 1, action["start_column"] + 1
        return all(not ws.cell(r0 + i, c0 + j).protection.locked
                   for i, row in enumerate(rows) for j, _ in enumerate(row))
    if action["func"] == "sheetClearContents":
        return not ws.protection.sheet
    if action["func"] == "setRangeColor":
        return not ws.protection.sheet or not ws.protection.formatCells
    return action["func"] in ("alert", "activateSheet")


@pytest.mark.slow
def test_the_button_does_only_what_the_protection_allows(recalculated):
    xw = pytest.importorskip("xlwings")
    from test_button import payload_from

    from giar_xl.button import check_book

    src, out = recalculated
    wb = openpyxl.load_workbook(src)
    payload = payload_from(out)
    names = [s["name"] for s in payload["sheets"]]
    book = xw.Book(json=payload)
    summary = check_book(book)
    actions = book.json()["actions"]
    assert "错误" in summary and actions[-1]["func"] == "alert"
    refused = [a["func"] for a in actions if not allowed(wb, a, names)]
    assert not refused, refused
    results = names.index(RESULTS_SHEET)
    assert any(a["func"] == "setValues" and a["sheet_position"] == results for a in actions)


@pytest.mark.slow
def test_annotate_works_on_a_locked_book_and_the_copy_survives_libreoffice(recalculated, tmp_path):
    src, _ = recalculated
    findings = check(read_workbook(src))
    copy = annotate(src, findings, tmp_path / "标注.xlsx")
    wb = openpyxl.load_workbook(copy)
    assert wb.security.lockStructure and wb[BINDING_SHEET].sheet_state == "veryHidden"
    assert wb.sheetnames.count(RESULTS_SHEET) == 1 and wb.active.title == RESULTS_SHEET
    assert wb[RESULTS_SHEET]["A1"].value.startswith("校验结果：发现")
    # LibreOffice opens the locked copy and saves it again with its parts in place
    again = openpyxl.load_workbook(convert(copy, "xlsx", tmp_path / "lo"))
    assert again.sheetnames == wb.sheetnames
    # LibreOffice knows no "very hidden" and no structure lock without a password (it neither
    # enforces nor keeps lockStructure): the marker sheet stays hidden and protected
    assert again[BINDING_SHEET].sheet_state in ("hidden", "veryHidden")
    assert again[BINDING_SHEET].protection.sheet
    assert again[RESULTS_SHEET]["A1"].value == wb[RESULTS_SHEET]["A1"].value
    # and reads back as the same report, so a second run finds the same
    assert [(f.code, f.cell) for f in check(read_workbook(tmp_path / "lo" / "标注.xlsx"))] == \
        [(f.code, f.cell) for f in findings]


def test_the_macro_workbook_is_locked_too(tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsm()), keep_vba=True)
    assert wb.security.lockStructure and wb[BINDING_SHEET].sheet_state == "veryHidden"
