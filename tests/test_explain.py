"""A clerk explains a 提示 inside the workbook (issue 12): 已说明 in every output; 错误 stay errors."""

from __future__ import annotations

import json

import openpyxl
import pytest

from giar_xl.checker import check
from giar_xl.explain import from_rows, place_of
from giar_xl.reader import read_workbook
from giar_xl.results import HEADER, RESULTS_SHEET, result_rows
from giar_xl.spec.format2021 import t3_id
from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli

REASON = "本年度报告尚在审批，发布后补填。"


def faulty():
    r = balanced_report(3)
    r.values[t3_id("R1", "natural")] += 1  # I1: an error
    r.values[t3_id("R1", "total")] += 1
    r.published = None  # C07: a 提示
    return r


def annotated(tmp_path):
    src = tmp_path / "报告.xlsx"
    build_workbook(src, faulty())
    copy = tmp_path / "报告-校验.xlsx"
    code, _, err = run_cli("validate", src, "--annotate", copy)
    assert code == 1, err
    return src, copy


def write_beside(copy, out, rules: dict[str, str]):
    """Type a reason in the 单位说明 column beside the findings of the given rules."""
    wb = openpyxl.load_workbook(copy)
    ws = wb[RESULTS_SHEET]
    col = HEADER.index("单位说明") + 1
    for r in range(4, ws.max_row + 1):
        code = str(ws.cell(r, 3).value or "")[:3]
        if code in rules:
            ws.cell(r, col).value = rules[code]
    wb.save(out)
    return out


def test_an_explained_hint_is_shown_as_explained_and_the_error_stays(tmp_path):
    src, copy = annotated(tmp_path)
    back = write_beside(copy, tmp_path / "交回.xlsx", {"C07": REASON, "I1 ": "数字没错"})
    findings = check(read_workbook(back))
    c07 = next(f for f in findings if f.code == "C07")
    i1 = next(f for f in findings if f.code == "I1")
    assert c07.explained and c07.explanation == REASON
    assert i1.severity == "错误" and not i1.explained and i1.explanation == "数字没错"
    code, out, _ = run_cli("validate", back)
    assert code == 1  # the explained error still fails
    assert "提示（已说明） C07" in out and f"单位说明：{REASON}" in out
    assert "单位说明（错误仍须改正）：数字没错" in out and "（已说明 1 处）" in out
    code, out, _ = run_cli("validate", back, "--format", "json")
    doc = json.loads(out)
    assert doc["stats"]["explained"] == 1 and doc["files"][0]["stats"]["explained"] == 1
    # the original (never explained) shows nothing of the kind, and no key in JSON
    code, out, _ = run_cli("validate", src, "--format", "json")
    doc = json.loads(out)
    assert "explained" not in doc["stats"] and all("explanation" not in f for f in doc["files"][0]["findings"])


def test_annotating_again_keeps_what_the_clerk_wrote(tmp_path):
    _, copy = annotated(tmp_path)
    back = write_beside(copy, tmp_path / "交回.xlsx", {"C07": REASON})
    again = tmp_path / "再次.xlsx"
    code, _, err = run_cli("validate", back, "--annotate", again)
    assert code == 1, err
    ws = openpyxl.load_workbook(again)[RESULTS_SHEET]
    rows = {str(ws.cell(r, 3).value)[:3]: (ws.cell(r, 2).value, ws.cell(r, 7).value)
            for r in range(4, ws.max_row + 1)}
    assert rows["C07"] == ("提示（已说明）", REASON)
    assert "已说明 1 个" in ws["A1"].value
    assert "单位说明" in ws["A2"].value  # how to answer a 提示, on the sheet itself


def test_a_sheet_named_explanation_keyed_by_rule_and_cell(tmp_path):
    src = tmp_path / "报告.xlsx"
    build_workbook(src, faulty())
    wb = openpyxl.load_workbook(src)
    ws = wb.create_sheet("说明")
    ws.append(["规则", "位置", "说明"])
    ws.append(["C07", "B5", REASON])  # the cell alone: any sheet
    ws.append(["N06", "", "本单位不是人民政府的工作部门。"])  # the rule everywhere
    ws.append(["C06", "封面!B9", "不相关的单元格"])
    wb.save(src)
    findings = check(read_workbook(src))
    assert next(f for f in findings if f.code == "C07").explanation == REASON
    n06 = [f for f in findings if f.code == "N06"]
    assert n06 and all(f.explained for f in n06)


@pytest.mark.parametrize("value, formula, want", [
    ("封面!B5", None, ("封面", "B5")),
    (None, '=HYPERLINK("#\'一、总体情况\'!A14","一、总体情况!A14")', ("一、总体情况", "A14")),
    (None, '=HYPERLINK("#\'O\'\'Brien\'!C3","x")', ("O'Brien", "C3")),
    ("B5", None, (None, "B5")),
    ("封面", None, ("封面", None)),
    ("", None, (None, None)),
])
def test_positions_as_the_results_sheet_writes_them(value, formula, want):
    assert place_of(value, formula) == want


def test_the_results_rows_read_back_into_the_same_keys():
    findings = check(faulty())  # no workbook: no cells, keys by rule and sheet
    rows = result_rows(findings)
    for row in rows[3:]:
        row[-1] = "理由"
    keyed = from_rows([[(v, v if isinstance(v, str) and v.startswith("=") else None) for v in row]
                       for row in rows])
    assert len(keyed) == len({(f.code, f.sheet, f.cell) for f in findings})


def test_the_button_keeps_the_clerks_reasons_when_it_checks_again(tmp_path):
    """The 校验 button rewrites the results sheet: the 单位说明 typed there survive the rerun."""
    import re

    xw = pytest.importorskip("xlwings")
    from giar_xl.button import check_book

    _, copy = annotated(tmp_path)
    back = write_beside(copy, tmp_path / "交回.xlsx", {"C07": REASON})
    values = openpyxl.load_workbook(back, data_only=True)
    formulas = openpyxl.load_workbook(back)
    sheets = []
    for ws in values.worksheets:
        rows = []
        for row, frow in zip(ws.iter_rows(), formulas[ws.title].iter_rows()):
            out = []
            for c, f in zip(row, frow):
                v = c.value
                m = re.match(r'=HYPERLINK\("[^"]*","([^"]*)"\)', str(f.value or ""))
                out.append(m.group(1) if m else ("" if v is None else v))  # Excel sends what it shows
            rows.append(out)
        sheets.append({"name": ws.title, "values": rows, "pictures": [], "tables": []})
    payload = {"client": "Microsoft Office Scripts", "version": xw.__version__,
               "book": {"name": "交回.xlsx", "active_sheet_index": 0, "selection": "A1"}, "sheets": sheets}
    book = xw.Book(json=payload)
    summary = check_book(book)
    assert "已说明 1 个" in summary
    names = [s["name"] for s in sheets]
    writes = [a for a in book.json()["actions"] if a["func"] == "setValues"
              and names[a["sheet_position"]] == RESULTS_SHEET]
    rows = writes[0]["values"]
    c07 = next(r for r in rows[3:] if str(r[2]).startswith("C07"))
    assert c07[1] == "提示（已说明）" and c07[6] == REASON
