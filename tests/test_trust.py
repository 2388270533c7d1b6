"""Issue 11: verdicts that were wrong, each rebuilt from data — no false 错误 on a correct
report, no wrong figure published, and the finding on the cell a person would fix."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli
from giar_xl.checker import check
from giar_xl.checker.cases import (CASE_TODAY, as_read_from_workbook, base_previous, base_report,
                                   fill_totals)
from giar_xl.county.distribute import new_report
from giar_xl.county.units import Unit
from giar_xl.layout import places
from giar_xl.libreoffice import convert
from giar_xl.reader import read_workbook
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.spec.format2021 import t3_id
from giar_xl.template import build_workbook

SPEC = DEFAULT_FORMAT
WHERE = places(SPEC)


def codes(findings, severity=None):
    return [(f.code, f.cell) for f in findings if severity is None or f.severity == severity]


def book_of(report: Report, path: Path) -> Path:
    build_workbook(path, report)
    return path


def typed(path: Path, edits: dict[str, object]) -> Path:
    """What a clerk types into the workbook (ids → values or formulas), saved by openpyxl."""
    wb = openpyxl.load_workbook(path)
    for cid, value in edits.items():
        wb[WHERE[cid].sheet][WHERE[cid].address] = value
    wb.save(path)
    return path


# ---------------------------------------------------------------- fee amounts
@settings(max_examples=200, deadline=None)
@given(st.integers(819_200, 99_999_999))
def test_an_amount_to_the_fen_is_never_an_error(cents):
    """Half of all 2-decimal amounts from 8192 万元 up read as 12 decimals before the fix."""
    r = base_report()
    r.values["t2.fee.amount"] = cents / 100
    assert not [f for f in check(r, today=CASE_TODAY) if f.code == "V07"], cents / 100


@pytest.mark.parametrize("amount", [18651.06, 12345.6789, 9116.36, 5949.088667, 0.000001])
def test_real_fee_figures_pass_as_data_and_in_the_workbook(amount, tmp_path):
    r = base_report()
    r.values["t2.fee.amount"] = amount
    assert [f for f in check(r, today=CASE_TODAY) if f.code.startswith("V")] == []
    back = read_workbook(book_of(r, tmp_path / "fee.xlsx"))
    assert back.values["t2.fee.amount"] == amount
    assert [f for f in check(back, today=CASE_TODAY) if f.code.startswith("V")] == []


def test_below_a_fen_or_in_yuan_is_a_hint_never_an_error():
    r = base_report()
    r.values["t2.fee.amount"] = 1.2345678
    (v07,) = check(r, today=CASE_TODAY)
    assert (v07.code, v07.severity) == ("V07", "提示") and "7 位小数" in v07.message
    r.values["t2.fee.amount"] = 125000
    (v08,) = check(r, today=CASE_TODAY)
    assert (v08.code, v08.severity) == ("V08", "提示")


# ---------------------------------------------------------------- stale totals
def _edit_cached(path: Path, cid: str, value: int) -> None:
    """Change the stored result of a formula cell, as manual calculation would leave it."""
    p = WHERE[cid]
    wb = openpyxl.load_workbook(path, read_only=True)
    member = f"xl/worksheets/sheet{wb.sheetnames.index(p.sheet) + 1}.xml"
    wb.close()
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[member].decode()
    xml, n = re.subn(rf'(<c r="{p.address}"[^>]*>\s*<f[^>]*>[^<]*</f>\s*<v>)[^<]*(</v>)',
                     rf"\g<1>{value}\g<2>", xml)
    assert n == 1, "LibreOffice stores a result for every formula"
    parts[member] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)


@pytest.mark.slow
def test_a_stale_total_is_reported_with_both_numbers_and_never_published(tmp_path):
    r = base_report()
    for vc in SPEC.value_cells:
        if not vc.is_input:
            del r.values[vc.id]
    saved = convert(book_of(r, tmp_path / "clerk.xlsx"), "xlsx", tmp_path / "lo")
    right = read_workbook(saved).values[t3_id("R1", "total")]
    assert right == 4
    _edit_cached(saved, t3_id("R1", "total"), 99)

    code, out, _ = run_cli("validate", saved, "--format", "json")
    (f04,) = [f for f in json.loads(out)["files"][0]["findings"] if f["code"] == "F04"]
    assert (f04["cell"], f04["expected"], f04["actual"]) == ("J6", 4, 99)
    assert "99" in f04["message"] and "4" in f04["message"]
    assert code == 0  # a hint: the figures checked and exported are the recomputed ones

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert run_cli("export", saved, "--to", "json,html,txt,docx", "-o", out_dir)[0] == 0
    doc = json.loads((out_dir / "clerk.json").read_text("utf-8"))
    assert doc["values"][t3_id("R1", "total")] == 4
    html = (out_dir / "clerk.html").read_text("utf-8")
    row = html[html.index("一、本年新收政府信息公开申请数量"):]
    row = row[:row.index("</tr>")]
    assert re.findall(r">(\d+)<", row)[-1] == "4" and ">99<" not in html
    txt = (out_dir / "clerk.txt").read_text("utf-8")
    assert " 99 " not in txt and "99" not in txt.split("一、本年新收政府信息公开申请数量")[1].split("\n")[0]
    with zipfile.ZipFile(out_dir / "clerk.docx") as z:
        assert ">99<" not in z.read("word/document.xml").decode()
    # the county's sum and the year-on-year comparison take the same figure
    code, out, _ = run_cli("diff", saved, saved)
    assert "99" not in out


def test_a_total_formula_that_counts_a_cell_twice_is_altered(tmp_path):
    book = typed(book_of(base_report(), tmp_path / "b.xlsx"),
                 {t3_id("R24", "natural"): "=SUM(D8:D28,D8)"})
    found = check(read_workbook(book), today=CASE_TODAY)
    assert ("F03", "D29") in codes(found, "错误")
    # written differently but the same sum: intact
    book2 = typed(book_of(base_report(), tmp_path / "c.xlsx"),
                  {t3_id("R1", "total"): "=D6+E6+F6+G6+H6+I6"})
    assert check(read_workbook(book2), today=CASE_TODAY) == []


# ---------------------------------------------------------------- formulas and dates in inputs
def test_a_formula_typed_into_an_input_is_evaluated_not_blank(tmp_path):
    book = typed(book_of(base_report(), tmp_path / "b.xlsx"), {"t2.licensing.decisions": "=10+2"})
    r = read_workbook(book)
    assert r.values["t2.licensing.decisions"] == 12
    (f05,) = check(r, today=CASE_TODAY)
    assert (f05.code, f05.cell, f05.severity) == ("F05", "B9", "提示") and "=10+2" in f05.message


def test_a_formula_the_checker_cannot_confirm_is_never_trusted(tmp_path):
    book = typed(book_of(base_report(), tmp_path / "b.xlsx"),
                 {"t2.licensing.decisions": "=VLOOKUP(1,A1:B2,2,FALSE)"})
    (f06,) = check(read_workbook(book), today=CASE_TODAY)
    assert (f06.code, f06.cell, f06.severity) == ("F06", "B9", "错误") and "VLOOKUP" in f06.message


def test_dates_typed_into_numbers_and_the_year_are_named(tmp_path):
    book = typed(book_of(base_report(), tmp_path / "b.xlsx"),
                 {"t2.penalty.decisions": date(2024, 3, 1), "cover.year": date(2025, 1, 1)})
    found = check(read_workbook(book), today=CASE_TODAY)
    by_code = {f.code: f for f in found}
    assert "2024-03-01" in by_code["V09"].message and by_code["V09"].cell == "B12"
    assert "日期 2025-01-01" in by_code["C02"].message


# ---------------------------------------------------------------- a blank among a total's terms
def test_a_blank_term_is_reported_once_and_the_total_compared_with_it_as_zero(tmp_path):
    r = base_report()
    r.values["t3.new.business"] = None  # the total J6 was typed as 3 (+ 0 for the blank)
    r.values["t3.new.total"] = 3
    r.values["t3.disclosed.business"] = 0
    fill_totals_keeping(r, {"t3.new.total"})
    found = check(r, today=CASE_TODAY)
    assert codes(found, "错误") == [("V01", "E6")]


def test_a_blank_term_under_typed_totals_in_the_workbook_is_one_blank_not_f01s(tmp_path):
    # D8 left blank; the clerk typed the totals over their formulas, counting the blank as 0
    r = base_report()
    r.values["t3.disclosed.natural"] = None
    r.values["t3.new.natural"] = 1  # 1 + 1 = 0 + 1 + 1 + 0 … the column still balances
    for vc in SPEC.value_cells:
        if not vc.is_input:
            del r.values[vc.id]  # the template's formulas, then the clerk types over three
    book = book_of(r, tmp_path / "b.xlsx")
    book = typed(book, {"t3.disclosed.total": 1, t3_id("R24", "total"): 3, t3_id("R1", "total"): 2})
    found = check(read_workbook(book), today=CASE_TODAY)
    assert codes(found, "错误") == [("V01", "D8")]
    assert sorted(c for c, _ in codes(found, "提示") if c.startswith("F")) == ["F02", "F02", "F02"]


def fill_totals_keeping(r: Report, keep: set[str]) -> None:
    kept = {k: r.values[k] for k in keep}
    for vc in SPEC.value_cells:
        if vc.is_input and r.values.get(vc.id) is None:
            r.values[vc.id], blank = 0, vc.id
    fill_totals(r)
    r.values[blank] = None
    r.values.update(kept)


def test_template_data_keeps_a_total_the_data_leaves_blank(tmp_path):
    r = base_report()
    r.values[t3_id("R1", "total")] = None
    back = read_workbook(book_of(r, tmp_path / "b.xlsx"))
    assert back.cells[t3_id("R1", "total")].formula is None
    assert back.values[t3_id("R1", "total")] is None
    assert ("V01", "J6") in codes(check(back, today=CASE_TODAY), "错误")


# ---------------------------------------------------------------- narrative
def test_section_one_topics_are_recognised_by_their_usual_phrasings():
    r = base_report()
    r.texts["s1.request"] = ""
    r.texts["s1.intro"] += "本年度收到政府信息公开申请4件，均已依法作出答复。"
    assert check(r, today=CASE_TODAY) == []
    # a sub-head worded freely is still read as the topic's own part
    from giar_xl.importer.sections import match_part
    assert match_part("依法依规答复政府信息公开申请", SPEC.sections[0].parts).id == "s1.request"
    # only a loose word: a hint to check, not an error
    r.texts["s1.intro"] = "本年度继续做好各项工作。"
    r.texts["s1.request"] = base_report().texts["s1.request"]
    r.texts["s1.management"] = ""
    r.texts["s1.active"] += "进一步规范工作流程。"
    found = check(r, today=CASE_TODAY)
    assert [(f.code, f.severity, f.id) for f in found] == [("N07", "提示", "s1.management")]


@pytest.mark.parametrize("said, right", [
    ("本年度新收政府信息公开申请4件", True), ("本年度新收政府信息公开申请5件", False),
    ("本年度共新收政府信息公开申请5件", False), ("共收到政府信息公开申请4件", True),
    ("共收到政府信息公开申请5件", True),  # new 4 + carried 1
    ("共收到政府信息公开申请6件", False), ("本年受理政府信息公开申请5件", True),
    ("本年受理政府信息公开申请7件", False), ("共收到行政复议申请3件", None),
])
def test_numbers_quoted_in_the_usual_phrasings_are_compared(said, right):
    r = base_report()
    r.texts["s1.request"] = f"依申请公开方面，{said}，均已按时答复。"
    found = [f for f in check(r, today=CASE_TODAY) if f.code == "N04"]
    if right is None:  # a figure about reviews, not applications: not compared with 本年新收
        assert not [f for f in found if "收到行政复议" in f.message]
    else:
        assert (found == []) == right, [f.message for f in found]


# ---------------------------------------------------------------- last year's file and the year
@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 broken", b"not a workbook at all"])
def test_a_bad_previous_file_is_a_finding_and_this_year_is_still_checked(content, tmp_path):
    book = book_of(base_report(), tmp_path / "本年.xlsx")
    bad = tmp_path / "上年.xlsx"
    bad.write_bytes(content)
    code, out, err = run_cli("validate", book, "--previous", bad, "--format", "json")
    assert code == 0, err
    (result,) = json.loads(out)["files"]
    assert [f["code"] for f in result["findings"]] == ["Y06"]
    assert "上年.xlsx" in result["findings"][0]["message"]


def test_a_2019_format_previous_report_is_a_finding(tmp_path):
    old = tmp_path / "2019版.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "本年新制作数量"
    wb.save(old)
    book = book_of(base_report(), tmp_path / "本年.xlsx")
    code, out, _ = run_cli("validate", book, "--previous", old)
    assert code == 0 and "Y06" in out and "2019" in out


def test_a_workbook_for_another_year_is_named_from_its_own_record(tmp_path):
    r = new_report(Unit("某某镇人民政府", 2), 2025)
    r.values.update({k: v for k, v in base_report().values.items() if SPEC.value_cell(k).is_input})
    r.texts.update(base_report().texts)
    r.year = 2024  # the clerk changed the cover year
    found = check(read_workbook(book_of(r, tmp_path / "b.xlsx")), today=CASE_TODAY)
    (c08,) = [f for f in found if f.code == "C08"]
    assert (c08.severity, c08.cell, c08.expected, c08.actual) == ("错误", "B4", 2025, 2024)


def test_last_years_workbook_sent_back_blames_itself_not_last_year(tmp_path):
    last = base_previous()
    sent_back = base_previous()  # the same 2024 report, sent again for 2025
    found = check(sent_back, last, today=CASE_TODAY)
    year_codes = [f.code for f in found if f.code in ("Y04", "Y05")]
    assert year_codes == ["Y05"]  # never "上年报告的年度应为 2023": last year's file is right
    (y05,) = [f for f in found if f.code == "Y05"]
    assert y05.severity == "错误" and "本文件可能是上年的报告" in y05.message


# ---------------------------------------------------------------- the cell to fix
def _workbook_report(**values) -> Report:
    r = as_read_from_workbook(base_report())
    r.values.update(values)
    fill_totals(r)
    return r


def test_a_balance_error_names_the_cell_the_evidence_points_at():
    # D8 予以公开 typed 4 for 2: 本年新收 4, 上年结转 1 and 结转下年度 0 are quoted in the text,
    # the other result rows hold 1 each and cannot give up 2 — only D8 balances the table
    found = check(_workbook_report(**{"t3.disclosed.natural": 4}), base_previous(), today=CASE_TODAY)
    (i1,) = [f for f in found if f.severity == "错误"]
    assert (i1.code, i1.cell, i1.expected, i1.actual) == ("I1", "D8", 2, 4)
    assert "D6 + D7 = 4，而 D29 + D30 = 6" in i1.message and i1.suspects == ()
    assert set(i1.cells) >= {"D6", "D7", "D29", "D30"}


def test_last_years_carry_over_speaks_for_the_carried_figure():
    # 上年结转 typed 3 where last year carried 1: with last year's report, D7 is the culprit
    r = _workbook_report(**{"t3.carried.natural": 3})
    r.texts["s1.request"] = ""
    (i1,) = [f for f in check(r, base_previous(), today=CASE_TODAY) if f.code == "I1"]
    assert (i1.cell, i1.expected, i1.actual) == ("D7", 1, 3)


def test_no_negative_or_fractional_value_is_ever_proposed():
    r = _workbook_report(**{"t3.carry_forward.natural": 3})  # 3 + 1 ≠ 4 + 3
    r.texts["s1.request"] = ""
    (i1,) = [f for f in check(r, today=CASE_TODAY) if f.code == "I1"]
    assert i1.expected is None and i1.cell == "D31"  # the column's live check cell
    assert "D30" in i1.suspects and "D6" in i1.suspects
    # D18 (本机关不掌握, 1) cannot drop by 3: never a suspect
    assert "D18" not in i1.suspects and "请核对" in i1.message


def test_a_published_total_column_typed_wrong_is_blamed_not_the_inputs():
    """nyn-2025 as printed: 自然人 1 where every 总计 is 0 — the totals are wrong."""
    r = Report.empty(SPEC, agency="某某县农业农村局", year=2025)
    r.texts.update(base_report().texts)
    r.texts["s1.request"] = "本年度共收到政府信息公开申请1份，已按时答复。"
    for cid in ("t3.new.natural", "t3.unable_not_held.natural", "t3.results_total.natural"):
        r.values[cid] = 1
    found = [f for f in check(r, today=CASE_TODAY) if f.severity == "错误"]
    assert sorted(f.cell for f in found) == ["J18", "J29", "J6"]
    assert all(f.code == "I2" and f.expected == 1 and f.actual == 0 for f in found)


def test_the_same_words_reach_the_annotated_copy(tmp_path):
    book = typed(book_of(base_report(), tmp_path / "b.xlsx"), {"t3.disclosed.natural": 4})
    found = check(read_workbook(book), base_previous(), today=CASE_TODAY)
    (i1,) = [f for f in found if f.code == "I1"]
    out = tmp_path / "annotated.xlsx"
    code, _, err = run_cli("validate", book, "--annotate", out)
    wb = openpyxl.load_workbook(out)
    texts = [str(c.value) for row in wb["校验结果"].iter_rows() for c in row if c.value]
    assert any("D6 + D7 = 4，而 D29 + D30 = 6" in t for t in texts), texts
    assert any("D8" in t for t in texts)
