"""Workbooks damaged the way clerks damage them, through validate, export, aggregate and annotate.

Renamed, hidden and deleted sheets; merges broken; totals typed over as text;
cells holding #REF! or #DIV/0!; unit names and file names with characters
Windows forbids. Each is reported at its sheet and cell (exit 1 for 错误),
never a traceback, and the annotated copy stays a valid workbook.
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from openpyxl.formula import Tokenizer

from giar_xl.annotate import annotate
from giar_xl.checker import check
from giar_xl.layout import defined_name, places
from giar_xl.reader import read_workbook
from giar_xl.results import RESULTS_SHEET
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli
from hostile_helpers import T3, patch_cell, workbook_bytes

T4 = "四、复议诉讼"


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "good.xlsx"
    build_workbook(path, balanced_report(5))
    return path


def damaged(good, tmp_path, name, change):
    wb = openpyxl.load_workbook(good)
    change(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def findings_json(path):
    code, out, err = run_cli("validate", "--format", "json", path)
    assert "Traceback" not in out + err
    doc = json.loads(out)
    return code, [f for f in doc["files"][0]["findings"]]


def rename_with_names(wb, old, new):
    """What Excel does on renaming a sheet: the sheet and every defined name pointing at it."""
    wb[old].title = new
    quoted = "'" + new.replace("'", "''") + "'"
    for cid, p in places(DEFAULT_FORMAT).items():
        if p.sheet == old:
            col = "".join(ch for ch in p.address if ch.isalpha())
            wb.defined_names[defined_name(cid)].attr_text = f"{quoted}!${col}${p.address[len(col):]}"


def test_hidden_sheet_is_a_notice_and_still_exports(good, tmp_path):
    path = damaged(good, tmp_path, "hidden.xlsx", lambda wb: setattr(wb[T4], "sheet_state", "veryHidden"))
    code, fs = findings_json(path)
    assert any(f["sheet"] == T4 and "隐藏" in f["message"] for f in fs)
    assert code in (0, 1)
    code, out, err = run_cli("export", path, "--to", "html", "-o", tmp_path / "h.html")
    assert code == 0 and (tmp_path / "h.html").exists()


def test_deleted_sheet_is_an_error_everywhere(good, tmp_path):
    path = damaged(good, tmp_path, "deleted.xlsx", lambda wb: wb.remove(wb[T3]))
    code, fs = findings_json(path)
    assert code == 1
    assert any(f["severity"] == "错误" and f["sheet"] == T3 and "缺少" in f["message"] for f in fs)
    code, out, err = run_cli("export", path, "--to", "html", "-o", tmp_path / "d.html")
    assert code == 1 and not (tmp_path / "d.html").exists()
    code, out, err = run_cli("aggregate", path, "-o", tmp_path / "c.xlsx")
    assert code == 1 and "有错误的单位未计入汇总" in out and "缺少工作表" in out


def test_renamed_sheet_with_quotes_makes_a_valid_link_in_the_annotated_copy(good, tmp_path):
    odd = "表'三\"<script>"
    path = damaged(good, tmp_path, "renamed.xlsx", lambda wb: rename_with_names(wb, T3, odd))
    report = read_workbook(path)
    assert any(n.code == "renamed" and n.sheet == odd for n in report.structure)
    findings = check(report)
    assert any(f.sheet == odd for f in findings)
    out = annotate(path, findings, tmp_path / "标注.xlsx")
    ws = openpyxl.load_workbook(out)[RESULTS_SHEET]
    links = [c.value for c in ws["D"][3:] if isinstance(c.value, str) and c.value.startswith("=")]
    assert any(odd.replace('"', '""') in v for v in links)
    for formula in links:
        tokens = Tokenizer(formula).items
        funcs = [t.value for t in tokens if t.type == "FUNC" and t.subtype == "OPEN"]
        operands = [t for t in tokens if t.type == "OPERAND"]
        assert funcs == ["HYPERLINK("] and len(operands) == 2, formula
        assert all(t.subtype == "TEXT" for t in operands), formula


def test_broken_merges_are_noted_at_the_header(good, tmp_path):
    def unmerge(wb):
        for r in list(wb[T3].merged_cells.ranges):
            wb[T3].unmerge_cells(str(r))

    path = damaged(good, tmp_path, "merges.xlsx", unmerge)
    code, fs = findings_json(path)
    merges = [f for f in fs if f["sheet"] == T3 and "合并" in f["message"]]
    assert len(merges) >= 3 and all(f["cell"] for f in merges)
    annotate(path, [], tmp_path / "m.xlsx")  # a copy can still be written


def test_total_typed_over_as_text(good, tmp_path):
    path = damaged(good, tmp_path, "text.xlsx", lambda wb: wb[T3].__setitem__("J6", "六百二十二"))
    code, fs = findings_json(path)
    assert code == 1
    assert any(f["severity"] == "错误" and f["sheet"] == T3 and f["cell"] == "J6" for f in fs)


def test_total_typed_over_as_number_text(good, tmp_path):
    path = damaged(good, tmp_path, "numtext.xlsx", lambda wb: wb[T3].__setitem__("J6", "622"))
    code, fs = findings_json(path)
    assert code == 1 and any(f["cell"] == "J6" and f["severity"] == "错误" for f in fs)


@pytest.mark.parametrize("cell, xml", [
    ("D6", '<c r="D6" t="e"><v>#REF!</v></c>'),  # an input cell holding an error value
    ("D6", '<c r="D6" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),  # a formula typed into an input cell
    ("J6", '<c r="J6" t="e"><f>SUM(#REF!)</f><v>#REF!</v></c>'),  # what Excel leaves after deleting columns
])
def test_error_values_are_reported_at_their_cell(tmp_path, cell, xml):
    path = tmp_path / "错误值.xlsx"
    path.write_bytes(patch_cell(workbook_bytes(5), cell, xml))
    code, fs = findings_json(path)
    assert code == 1, fs
    assert any(f["severity"] == "错误" and f["sheet"] == T3 and f["cell"] == cell for f in fs), fs
    code, out, err = run_cli("export", path, "--to", "docx", "-o", tmp_path / "r.docx")
    assert code == 1 and not (tmp_path / "r.docx").exists()
    annotate(path, [], tmp_path / "a.xlsx")


def test_intact_total_with_an_error_result_is_a_stale_cache(tmp_path):
    """The template's SUM over numbers cannot give #DIV/0!: the stored result is stale (提示),
    the figure used is the recomputed one, so the report still balances."""
    path = tmp_path / "过期.xlsx"
    path.write_bytes(patch_cell(workbook_bytes(5), "J6", '<c r="J6" t="e"><f>SUM(D6:I6)</f><v>#DIV/0!</v></c>'))
    code, fs = findings_json(path)
    stale = [f for f in fs if f["cell"] == "J6"]
    assert [(f["code"], f["severity"], f["actual"]) for f in stale] == [("F04", "提示", "#DIV/0!")]
    assert not any(f["code"].startswith("I") for f in fs)


FORBIDDEN = '某镇<人民>:政府"/\\|?*'


def test_unit_name_with_windows_forbidden_characters(tmp_path):
    r = balanced_report(6, agency=FORBIDDEN)
    src = tmp_path / "unit.xlsx"
    build_workbook(src, r)
    code, out, err = run_cli("validate", src)
    assert code in (0, 1) and "Traceback" not in out + err
    code, out, err = run_cli("export", src, "--to", "html,docx,txt", "-o", tmp_path / "out")
    assert code == 0, out + err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["unit.docx", "unit.html", "unit.txt"]
    code, out, err = run_cli("aggregate", src, "-o", tmp_path / "c.xlsx")
    assert code == 0 and "已汇总 1 个单位" in out


def test_paths_with_windows_forbidden_characters(good, tmp_path):
    """Linux allows them: a file sent from elsewhere keeps its name, and messages quote it whole."""
    folder = tmp_path / 'a:b*c?"<d>|'
    folder.mkdir()
    path = folder / '某镇?年报*.xlsx'
    path.write_bytes(good.read_bytes())
    code, out, err = run_cli("validate", path)
    assert code in (0, 1) and str(path) in out
    code, out, err = run_cli("export", path, "--to", "html")
    assert code == 0 and (folder / '某镇?年报*.html').exists()
    bad = folder / '坏|文件.xlsx'
    bad.write_bytes(b"not a zip")
    code, out, err = run_cli("validate", bad)
    assert code == 2 and str(bad) in out


def test_distribute_makes_windows_safe_names_and_aggregate_finds_them_again(tmp_path):
    names = ["某镇<人民>政府", "CON", "某局:办公室", "某街道/社区?", "  某乡.  "]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["单位名称"])
    for n in names:
        w.writerow([n])
    units = tmp_path / "units.csv"
    units.write_text(buf.getvalue(), encoding="utf-8-sig")
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("distribute", units, "--year", "2025", "-o", out)
    assert code == 0, stdout + stderr
    made = sorted(p.name for p in out.iterdir())
    assert len(made) == len(names)
    reserved = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
    for name in made:
        assert not set('<>:"/\\|?*') & set(name), name
        assert name.split(".")[0].upper() not in reserved and not name.startswith((" ", "."))
    # fill each unit's workbook (its own 机关名称 stays on the cover) and aggregate by the list
    for p in out.iterdir():
        agency = read_workbook(p).agency
        r = balanced_report(7, agency=agency, year=2025)
        build_workbook(p, r, force=True)
    code, stdout, stderr = run_cli("aggregate", out, "--units", units, "-o", tmp_path / "c.xlsx")
    assert f"已汇总 {len(names)} 个单位" in stdout, stdout + stderr
    assert "未交" not in stdout
