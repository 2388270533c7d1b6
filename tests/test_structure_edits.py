"""One structural change, one finding (issue 18).

A clerk inserts or deletes a row or a column inside a table. The spreadsheet program moves
the cells, the formulas, the defined names and the merged ranges with it; the checker must
say what happened once, at the right place ("表三 D 列后插入了 1 列"), with what it blocks,
and not report every label, merge and cell that moved along. The edits are made the way
Excel makes them (``excel_edits``) and, in the slow tests, by LibreOffice itself.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import openpyxl
import pytest

from giar_xl.checker import check
from giar_xl.checker.cases import CASE_TODAY, base_previous
from giar_xl.libreoffice import soffice
from giar_xl.reader import read_workbook
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import build_workbook

from giar_xl.checker.cases import Case

from excel_edits import edit
from test_checker_workbook import filled

SPEC = DEFAULT_FORMAT
T2, T3, T4 = (SPEC.section_of_table(k).sheet for k in ("t2", "t3", "t4"))

# (sheet, axis, index, n): what the clerk did; the one finding it must give: cell, words
EDITS = {
    "t3 insert a column after D": ((T3, "col", 5, 1), "E3", ["表三", "D 列", "自然人", "插入了 1 列"]),
    "t3 insert two columns after I": ((T3, "col", 10, 2), "J3", ["表三", "I 列", "插入了 2 列"]),
    "t3 delete column E": ((T3, "col", 5, -1), "E3", ["表三", "E 列", "商业企业", "删除", "25 个数字"]),
    "t3 delete column D": ((T3, "col", 4, -1), "D3", ["表三", "D 列", "自然人", "删除"]),
    "t3 insert a row after 11": ((T3, "row", 12, 1), "A12", ["表三", "第 11 行", "后插入了 1 行"]),
    "t3 insert a row in a merged group": ((T3, "row", 10, 1), "A10", ["表三", "第 9 行"]),
    "t3 delete row 12": ((T3, "row", 12, -1), "A12", ["表三", "第 12 行", "三安全一稳定", "删除",
                                                      "7 个数字"]),
    "t3 delete a header row": ((T3, "row", 5, -1), "A5", ["表三", "第 5 行", "删除"]),
    "t3 insert a row above the table": ((T3, "row", 2, 1), "A3", ["表三", "上方", "插入了 1 行"]),
    "t2 insert a row after 9": ((T2, "row", 10, 1), "A10", ["表二", "第 9 行", "行政许可"]),
    "t2 delete column C": ((T2, "col", 3, -1), "C3", ["表二", "C 列", "本年废止件数", "删除"]),
    "t4 insert a column after E": ((T4, "col", 6, 1), "F3", ["表四", "E 列", "插入了 1 列"]),
    "t4 delete row 6": ((T4, "row", 6, -1), "A6", ["表四", "第 6 行", "删除", "15 个数字"]),
}


def damaged(tmp: Path, *edits: tuple) -> Path:
    path = tmp / "book.xlsx"
    build_workbook(path, filled(Case("base")))
    wb = openpyxl.load_workbook(path)
    for sheet, axis, at, n in edits:
        edit(wb, sheet, axis, at, n)
    wb.save(path)
    return path


def findings_of(path: Path) -> list:
    return check(read_workbook(path), base_previous(), today=CASE_TODAY)


def one_structural_finding(found: list, sheet: str, cell: str, words: list[str]) -> None:
    shown = [(f.code, f.cell, f.message) for f in found]
    assert [f.code for f in found] == ["S05"], shown
    f = found[0]
    assert (f.sheet, f.cell) == (sheet, cell), shown
    for w in words:
        assert w in f.message, (w, f.message)


@pytest.mark.parametrize("name", list(EDITS))
def test_one_edit_gives_one_finding(name, tmp_path):
    (sheet, axis, at, n), cell, words = EDITS[name]
    one_structural_finding(findings_of(damaged(tmp_path, (sheet, axis, at, n))), sheet, cell, words)


def test_a_merge_that_only_grew_is_not_called_split(tmp_path):
    found = findings_of(damaged(tmp_path, (T3, "row", 12, 1)))
    assert not any("拆开" in f.message for f in found), [(f.code, f.message) for f in found]


def test_a_merge_really_split_is_still_reported(tmp_path):
    path = damaged(tmp_path, (T3, "row", 12, 1))
    wb = openpyxl.load_workbook(path)
    wb[T3].unmerge_cells("B10:B18")  # （三）不予公开, grown by the inserted row, now split
    wb.save(path)
    found = findings_of(path)
    assert sorted(f.code for f in found) == ["S05", "S08"], [(f.code, f.message) for f in found]
    split = next(f for f in found if f.code == "S08")
    assert split.cell == "B10" and "B10:B18" in split.message


def test_two_edits_are_two_findings(tmp_path):
    found = findings_of(damaged(tmp_path, (T3, "col", 5, 1), (T3, "row", 12, -1)))
    assert [f.code for f in found] == ["S05", "S05"], [(f.code, f.message) for f in found]


def test_a_label_changed_in_a_moved_table_is_still_reported(tmp_path):
    path = damaged(tmp_path, (T3, "col", 5, 1))
    wb = openpyxl.load_workbook(path)
    wb[T3]["F5"] = "企业"  # 商业企业, now in F after the inserted column
    wb.save(path)
    found = findings_of(path)
    assert sorted((f.code, f.cell) for f in found) == [("S04", "F5"), ("S05", "E3")], \
        [(f.code, f.cell, f.message) for f in found]


def test_a_moved_table_without_names_is_read_where_it_now_is(tmp_path):
    """Names lost (a copied sheet) and a row inserted: the reader finds the rows by their labels,
    so the balance sees the clerk's figures, not the row above them."""
    (tmp_path / "plain").mkdir()
    (tmp_path / "moved").mkdir()
    plain = read_workbook(damaged(tmp_path / "plain"))
    path = damaged(tmp_path / "moved", (T3, "row", 12, 1))
    wb = openpyxl.load_workbook(path)
    for name in [n for n in wb.defined_names if n.startswith("giar_t3_")]:
        del wb.defined_names[name]
    wb.save(path)
    report = read_workbook(path)
    assert {k: v for k, v in report.values.items() if k.startswith("t3.")} == \
        {k: v for k, v in plain.values.items() if k.startswith("t3.")}
    found = check(report, base_previous(), today=CASE_TODAY)
    assert [f.code for f in found] == ["S05"], [(f.code, f.cell, f.message) for f in found]


# ------------------------------------------------------------------ LibreOffice itself
MACRO = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Edit(src As String, dst As String, sheetName As String, what As String, idx As Integer)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), &quot;_blank&quot;, 0, args())
  sh = doc.Sheets.getByName(sheetName)
  sh.unprotect(&quot;&quot;)
  If what = &quot;inscol&quot; Then sh.Columns.insertByIndex(idx, 1)
  If what = &quot;delcol&quot; Then sh.Columns.removeByIndex(idx, 1)
  If what = &quot;insrow&quot; Then sh.Rows.insertByIndex(idx, 1)
  If what = &quot;delrow&quot; Then sh.Rows.removeByIndex(idx, 1)
  sh.protect(&quot;&quot;)
  Dim out(0) As New com.sun.star.beans.PropertyValue
  out(0).Name = &quot;FilterName&quot;
  out(0).Value = &quot;Calc MS Excel 2007 XML&quot;
  doc.storeToURL(ConvertToURL(dst), out())
  doc.close(True)
End Sub
</script:module>
"""


def lo_env(folder):
    """LibreOffice leaves a lu*.tmp folder in TMPDIR after --terminate_after_init: keep it in ours."""
    return dict(os.environ, TMPDIR=str(folder))


@pytest.fixture(scope="module")
def libreoffice_profile(tmp_path_factory):
    """A LibreOffice profile whose Standard library holds the editing macro above."""
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--terminate_after_init"], capture_output=True, timeout=180, check=True,
                   env=lo_env(profile))
    (profile / "user" / "basic" / "Standard" / "Module1.xba").write_text(MACRO, "utf-8")
    return profile


@pytest.mark.slow
@pytest.mark.parametrize("what, index, cell, words", [
    ("inscol", 4, "E3", ["D 列", "插入了 1 列"]),
    ("delcol", 4, "E3", ["E 列", "删除"]),
    ("insrow", 11, "A12", ["第 11 行", "插入了 1 行"]),
    ("delrow", 11, "A12", ["第 12 行", "删除"]),
])
def test_edits_made_by_libreoffice(libreoffice_profile, tmp_path, what, index, cell, words):
    src = tmp_path / "base.xlsx"
    build_workbook(src, filled(Case("base")))
    out = tmp_path / f"{what}.xlsx"
    macro = f'macro:///Standard.Module1.Edit("{src}","{out}","{T3}","{what}",{index})'
    subprocess.run([soffice(), f"-env:UserInstallation={libreoffice_profile.as_uri()}", "--headless",
                    macro], capture_output=True, timeout=180, env=lo_env(tmp_path))
    assert out.exists()
    one_structural_finding(findings_of(out), T3, cell, ["表三", *words])
