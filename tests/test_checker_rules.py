"""Every rule of the catalogue: its failing example triggers exactly that finding at the
right cell, its passing example triggers nothing; the bundled example has no 错误."""

from __future__ import annotations

from datetime import date

import pytest

from giar_xl.checker import RULES, check
from giar_xl.checker.cases import (CASE_TODAY, as_read_from_workbook, base_previous,
                                   base_report, run)
from giar_xl.checker.findings import ERROR, WARNING
from giar_xl.layout import places
from giar_xl.report import StructureNote
from giar_xl.spec import DEFAULT_FORMAT

IDS = [r.code for r in RULES]


def where(case) -> tuple[str | None, str | None]:
    if case.at is not None:
        p = places(DEFAULT_FORMAT)[case.at]
        return p.sheet, p.address
    if not case.notes:
        return None, None  # about another file (last year's): no cell of this one
    note = case.notes[0]
    return note[2], note[3]


def test_base_report_is_clean_as_data_and_as_workbook():
    assert check(base_report(), base_previous(), today=CASE_TODAY) == []
    assert check(as_read_from_workbook(base_report()), base_previous(), today=CASE_TODAY) == []


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_failing_example_triggers_exactly_this_rule_at_its_cell(rule):
    found = run(rule.fail)
    assert [f.code for f in found] == [rule.code], [(f.code, f.message) for f in found]
    f = found[0]
    assert (f.sheet, f.cell) == where(rule.fail)
    if rule.fail.at is not None:
        assert f.id == rule.fail.at
    assert f.severity == rule.severity and f.name == rule.name
    assert f.message and "{" not in f.message and f.rule_text


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_passing_example_triggers_nothing(rule):
    assert run(rule.passes) == []


def test_example_2024_has_no_error_and_warns_about_rectification(example_report):
    found = check(example_report, today=date(2025, 6, 1))
    assert [f for f in found if f.severity == ERROR] == []
    # the published page carries no date: the exports will have no signature (C07)
    assert [(f.code, f.id, f.severity) for f in found] == [
        ("C07", "cover.published", WARNING), ("N02", "s5.rectification", WARNING)]


def test_a_future_report_year_is_not_reported_again_through_the_publication_date():
    r = as_read_from_workbook(base_report())
    r.year = 2027  # C03; the publication date 2026-01-20 is then "before the year ended"
    assert [f.code for f in check(r, today=CASE_TODAY)] == ["C03"]


def test_finding_carries_labels_expected_actual_and_rule_text():
    r = as_read_from_workbook(base_report())
    r.values["t3.new.research"] = "/"
    (f,) = check(r, today=CASE_TODAY)
    assert f.to_json() == {
        "code": "V02", "name": "用符号代替 0", "severity": "错误",
        "message": "此格填了“/”；没有数据的请填 0。", "sheet": "三、依申请公开", "cell": "F6",
        "row_label": "一、本年新收政府信息公开申请数量", "col_label": "法人或其他组织 科研机构",
        "expected": 0, "actual": "/", "rule_text": "表二至表四的每个数据单元格都应填数字，没有的填 0",
        "id": "t3.new.research", "cells": [], "suspects": []}


def test_identity_message_lists_every_cell_and_names_the_cells_to_check():
    r = as_read_from_workbook(base_report())
    r.values["t3.carry_forward.business"] = 3  # R1 1 + R2 0 ≠ R24 1 + R25 3
    r.texts["s1.request"] = ""
    found = [f for f in check(r, today=CASE_TODAY) if f.code == "I1"]
    # 本年新收 4, 上年结转 3 or 结转下年度 0 would each balance, and nothing tells which: no
    # single cell is blamed (never row 四 by default), no impossible value is proposed (E8
    # cannot go to -2), and the finding sits on the column's live check cell under the table
    assert [(f.sheet, f.cell, f.expected, f.actual) for f in found] == [("三、依申请公开", "E31", None, None)]
    assert found[0].cells == ("E6", "E7", "E29", "E30", "J6", "J7", "J29", "J30")
    assert found[0].suspects == ("E6", "E7", "E30")
    assert found[0].message == ("商业企业列：E6 + E7 = 1，而 E29 + E30 = 4，相差 3；"
                                "总计列：J6 + J7 = 5，而 J29 + J30 = 8，相差 3。"
                                "无法确定是哪一格有误，请核对 E6、E7、E30。")
    # with last year's report, 上年结转 0 meets last year's 结转下年度 0: no longer a suspect
    (with_last,) = [f for f in check(r, base_previous(), today=CASE_TODAY) if f.code == "I1"]
    assert with_last.suspects == ("E6", "E30")


def test_every_finding_is_collected_in_one_pass_in_cell_order():
    r = as_read_from_workbook(base_report())
    for cid in ("t4.review.upheld", "t2.penalty.decisions", "t3.new.research", "t2.fee.amount"):
        r.values[cid] = "无"
    r.agency = ""
    found = check(r, today=CASE_TODAY)
    # the 复议 total counts "无" as 0 (as SUM does), so section 一's "行政复议1件" no longer
    # matches the table either
    assert [(f.sheet, f.cell) for f in found] == [
        ("封面", "B3"), ("一、总体情况", "A14"), ("二、主动公开", "B12"), ("二、主动公开", "B16"),
        ("三、依申请公开", "F6"), ("四、复议诉讼", "A6")]


def test_several_problems_in_one_cell_and_structure_notes_without_place():
    r = as_read_from_workbook(base_report())
    r.structure = [StructureNote("merge", "表头合并单元格被拆开了", "三、依申请公开", "A8:A29")]
    (f,) = check(r, today=CASE_TODAY)
    assert (f.code, f.cell, f.severity) == ("S08", "A8", WARNING)


def test_carry_over_uses_figures_kept_in_the_workbook_without_previous():
    r = base_report()
    r.previous = {"t3.carry_forward.natural": 5, "t2.normative.in_force": 4}
    (f,) = check(r, today=CASE_TODAY)
    assert (f.code, f.id, f.expected, f.actual) == ("Y01", "t3.carried.natural", 5, 1)


def test_typed_total_is_judged_against_recomputed_inputs_not_the_file():
    r = as_read_from_workbook(base_report())
    r.values["t3.disclosed.total"] = 99  # an intact formula: whatever value the file showed
    assert check(r, today=CASE_TODAY) == []


def test_format_2019_from_the_importer_meta():
    r = base_report()
    r.meta["format_detected"] = "2019"
    (f,) = check(r, today=CASE_TODAY)
    assert (f.code, f.severity, f.sheet) == ("S07", ERROR, None)


def test_unknown_format_year_and_blank_everything_do_not_crash():
    r = base_report()
    r.year, r.published = None, "去年"
    r.values = {k: None for k in r.values}
    r.texts = {k: "" for k in r.texts}
    found = check(r, today=CASE_TODAY)
    codes = {f.code for f in found}
    assert {"C02", "C05", "V01", "N01"} <= codes
    assert sum(f.code == "V01" for f in found) == len(DEFAULT_FORMAT.value_cells)


def test_values_that_are_not_numbers_in_disguise_are_text():
    r = base_report()
    r.values["t2.licensing.decisions"] = float("nan")
    r.values["t2.penalty.decisions"] = True
    r.values["t2.coercion.decisions"] = "１２"  # full-width digits typed as text
    found = check(r, today=CASE_TODAY)
    assert [(f.code, f.cell, f.actual) for f in found] == [
        ("V04", "B9", "nan"), ("V04", "B12", "True"), ("V03", "B13", "１２")]


@pytest.mark.parametrize("text, said", [
    ("本年新收政府信息公开申请数量为5件。", 5),
    ("本年新收到政府信息公开申请共计十二件，其中…", 12),
    ("本年新收政府信息公开申请５件。", 5),
    ("全年发生行政复议2起、行政诉讼0起。", 2),
])
def test_numbers_quoted_in_many_ways_are_read(text, said):
    r = base_report()
    r.texts["s1.request"] = text
    found = check(r, today=CASE_TODAY)
    assert [(f.code, f.actual) for f in found] == [("N04", said)]


@pytest.mark.parametrize("text", [
    "本年新收政府信息公开申请4件，均已办结。",
    "全年未发生政府信息公开行政复议、行政诉讼案件。",
    "本年新收政府信息公开申请四件。",
    "本年度行政复议、行政诉讼各0件。",
])
def test_text_that_agrees_or_quotes_nothing_is_quiet(text):
    r = base_report()
    r.texts["s1.request"] = text
    assert check(r, today=CASE_TODAY) == []


def test_copied_text_with_a_paragraph_added_is_still_alike_and_rewritten_text_is_not():
    from giar_xl.similarity import similarity

    last = " ".join(v for k, v in base_report().texts.items() if k.startswith("s1."))
    padded = last.replace("4件", "9件") + "此外，本年还开展了政务公开日活动。"
    assert similarity(padded, last) >= 0.85
    rewritten = " ".join(v for k, v in base_previous().texts.items() if k.startswith("s1."))
    assert similarity(rewritten, last) < 0.3


@pytest.mark.parametrize("published, code", [
    ("2026-01-20", None), ("2026年1月20日", None), ("2026/1/31", None), ("2026/2/1", "C06"),
    ("2026-02-30", "C05"), ("一月", "C05"), ("2026-07-01", "C05"), ("2026-04-01", "C06"),
])
def test_publication_dates(published, code):
    r = base_report()
    r.published = published
    assert [f.code for f in check(r, today=CASE_TODAY)] == ([code] if code else [])


@pytest.mark.parametrize("agency, published, late", [
    ("测试县人民政府", "2026-03-31", False), ("测试县人民政府", "2026-04-01", True),
    ("某某市某某区人民政府", "2026-03-20", False), ("某某自治州人民政府", "2026-03-20", False),
    ("测试县某某镇人民政府", "2026-03-20", True),  # a township is no county government
    ("测试县某某街道办事处", "2026-02-01", True), ("测试县教育局", "2026-01-31", False),
])
def test_the_deadline_is_the_one_the_county_summary_uses(agency, published, late):
    """C06 and the county's 发布情况 read one rule (county/deadlines.py): the same report is
    late in both or in neither."""
    from giar_xl.county.deadlines import LATE, deadline_for, publication

    r = base_report()
    r.agency, r.published = agency, published
    found = [f for f in check(r, today=CASE_TODAY) if f.code == "C06"]
    assert bool(found) == late
    county = publication(published, r.year, deadline_for(name=agency))
    assert (county.state == LATE) == late
    if found:
        assert found[0].expected == county.deadline.date_for(r.year).isoformat()


def test_a_department_publishes_by_31_january():
    r = base_report()
    r.agency, r.published = "测试县教育局", "2026-02-10"
    (f,) = check(r, today=CASE_TODAY)
    assert (f.code, f.expected) == ("C06", "2026-01-31")
