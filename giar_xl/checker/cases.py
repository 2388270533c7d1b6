"""Failing and passing examples of each rule, as data, applied to one clean base report.

Each rule of the catalogue carries a ``Case`` that must trigger exactly that
finding and one that must not trigger it. The same cases feed the generated
``docs/rules.md`` and the tests (on Report objects, and on real workbooks built
by the template builder and damaged with openpyxl).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..formula import FormulaError, Unsupported, evaluate, parse, plain_number
from ..layout import expected_formula, places
from ..report import CellRecord, Report, StructureNote
from ..spec import DEFAULT_FORMAT, FormatSpec

BASE_YEAR = 2025
# the examples are checked as on this day, so that docs and tests never age
CASE_TODAY = date(2026, 6, 30)
BASE_AGENCY = "测试县某某镇人民政府"
BASE_PUBLISHED = "2026-01-20"  # within the deadline of a government's 2025 report

# The base report: small, balanced, every narrative part written, its numbers quoted
# in section 一 agreeing with the tables, last year's figures continuing into this year.
BASE_INPUTS: dict[str, int | float] = {
    "t2.regulation.in_force": 2,
    "t2.normative.issued": 2, "t2.normative.repealed": 1, "t2.normative.in_force": 5,
    "t2.licensing.decisions": 12, "t2.penalty.decisions": 3, "t2.fee.amount": 1.25,
    "t3.new.natural": 3, "t3.carried.natural": 1, "t3.disclosed.natural": 2,
    "t3.partly.natural": 1, "t3.unable_not_held.natural": 1,
    "t3.new.business": 1, "t3.disclosed.business": 1,
    "t4.review.upheld": 1,
}
BASE_TEXTS = {
    "s1.intro": "本年度，我镇认真贯彻《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。",
    "s1.active": "全年主动公开政府信息一百余条，重点公开财政预决算、乡村振兴、社会救助等领域信息。",
    "s1.request": "依申请公开方面，本年新收政府信息公开申请4件，上年结转1件，均已按时答复，"
                  "结转下年度继续办理0件。",
    "s1.management": "健全信息发布审核和保密审查制度，加强政策文件管理。",
    "s1.platform": "持续维护政府网站信息公开专栏和政务新媒体平台。",
    "s1.supervision": "将政务公开纳入年度考核，主动接受社会评议和监督；全年发生政府信息公开行政复议1件、"
                      "行政诉讼0件，未发生责任追究情况。",
    "s5.intro": "",
    "s5.problems": "一是政策解读形式较为单一；二是部分栏目更新不够及时。",
    "s5.rectification": "针对上年度报告所列栏目更新不及时的问题，已建立每周巡查机制，整改到位。",
    "s5.measures": "加强业务培训，完善信息发布审核流程，丰富政策解读形式。",
    "s6.fees": "本年度未收取信息处理费。",
    "s6.other": "无。",
}
PREVIOUS_INPUTS: dict[str, int | float] = {
    "t2.regulation.in_force": 2, "t2.normative.in_force": 4,
    "t3.new.natural": 2, "t3.disclosed.natural": 1, "t3.carry_forward.natural": 1,
}
PREVIOUS_TEXTS = {
    "s1.active": "上一年度通过门户网站发布通知公告、人事信息和财政资金信息共八十条。",
    "s1.request": "上一年度收到的申请均在法定期限内办结。",
    "s1.management": "明确了信息发布的三级审核流程。",
    "s1.platform": "对镇政府门户网站栏目进行了优化调整。",
    "s1.supervision": "开展政务公开专题培训两次。",
    "s5.problems": "信息发布的及时性不足，部分栏目长期未更新。",
    "s5.rectification": "上上年度的问题已在本年全部整改。",
    "s5.measures": "明年将建立栏目巡查机制。",
    "s6.fees": "上一年度没有收取信息处理费。",
}


@dataclass(frozen=True)
class Case:
    """Edits to the base report (and to last year's), and where the finding must point."""

    says: str  # the example in words, for docs/rules.md
    values: dict[str, Any] = field(default_factory=dict)  # input cells: id → typed value
    texts: dict[str, str] = field(default_factory=dict)
    cover: dict[str, Any] = field(default_factory=dict)  # agency / year / published
    overwrite: dict[str, Any] = field(default_factory=dict)  # total formula typed over
    formulas: dict[str, str] = field(default_factory=dict)  # total formula altered
    cached: dict[str, Any] = field(default_factory=dict)  # stale cached value of a total
    # what the reader would note: (code, message, sheet, address, expected, actual)
    notes: tuple[tuple[str, str, str | None, str | None, str | None, str | None], ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    prev_values: dict[str, Any] = field(default_factory=dict)
    prev_texts: dict[str, str] = field(default_factory=dict)
    prev_year: int | None = None
    # True: as read from a workbook (formulas intact); False: a plain report JSON
    workbook: bool = True
    at: str | None = None  # the id (or "sheet!A1") the finding must point at
    previous_error: str | None = None  # last year's file could not be read
    # structure cases only: what to do to a real workbook (see tests/test_checker_workbook.py);
    # every other edit above maps onto the workbook by itself
    damage: tuple[tuple[Any, ...], ...] = ()


def fill_totals(report: Report) -> None:
    """Compute every derived cell from its terms, as a spreadsheet would."""
    done: dict[str, Any] = {}

    def value(cid: str) -> Any:
        if cid in done:
            return done[cid]
        vc = report.spec.value_cell(cid)
        v = report.values.get(cid) if vc.is_input else sum(value(x) for x in vc.formula_of)
        done[cid] = v
        return v

    for vc in report.spec.value_cells:
        if not vc.is_input:
            report.values[vc.id] = value(vc.id)


def base_report(spec: FormatSpec = DEFAULT_FORMAT) -> Report:
    r = Report.empty(spec, agency=BASE_AGENCY, year=BASE_YEAR)
    r.published = BASE_PUBLISHED
    r.values.update(BASE_INPUTS)
    r.texts.update(BASE_TEXTS)
    fill_totals(r)
    return r


def base_previous(spec: FormatSpec = DEFAULT_FORMAT) -> Report:
    r = Report.empty(spec, agency=BASE_AGENCY, year=BASE_YEAR - 1)
    r.values.update(PREVIOUS_INPUTS)
    r.texts.update(PREVIOUS_TEXTS)
    fill_totals(r)
    return r


def as_read_from_workbook(report: Report, source: str = "示例.xlsx") -> Report:
    """Give a report the provenance the reader would: every id at its template place."""
    spec = report.spec
    cells = {}
    for rid, place in places(spec).items():
        formula = None
        if place.kind == "formula":
            formula = expected_formula(spec, rid)
        cells[rid] = CellRecord(rid, place.sheet, place.address, formula=formula)
    report.cells = cells
    report.source = source
    return report


def build(case: Case) -> tuple[Report, Report]:
    """This year's and last year's report for a case (Report level, no file)."""
    r, prev = base_report(), base_previous()
    if case.workbook:
        as_read_from_workbook(r)
    r.values.update(case.values)
    for rid, typed in case.values.items():
        if isinstance(typed, date):  # a date typed into a number cell: its serial number
            r.values[rid] = (typed - date(1899, 12, 30)).days
            r.cells[rid] = replace(r.cells[rid], is_date=True)
    r.texts.update(case.texts)
    for key, value in case.cover.items():
        setattr(r, key, value)
    for rid, typed in case.overwrite.items():
        r.values[rid] = typed
        r.cells[rid] = replace(r.cells[rid], formula=None)
    for rid, text in case.formulas.items():
        r.cells[rid] = replace(r.cells[rid], formula=text)
        if r.spec.value_cell(rid).is_input:
            _evaluate_input_formula(r, rid)
    for rid, cached in case.cached.items():
        r.cells[rid] = replace(r.cells[rid], cached=cached, has_cache=True)
    r.structure = [StructureNote(*n) for n in case.notes]
    r.meta.update(case.meta)
    if case.workbook:
        fill_untouched_totals(r, case)
    else:
        fill_totals_json(r, case)
    prev.values.update(case.prev_values)
    prev.texts.update(case.prev_texts)
    if case.prev_year is not None:
        prev.year = case.prev_year
    return r, prev


def _evaluate_input_formula(r: Report, rid: str) -> None:
    """What the reader makes of a formula typed into an input cell (the cells it refers to
    are the report's own, at their template places)."""
    rec = r.cells[rid]
    at = {(c.sheet, c.address): cid for cid, c in r.cells.items()}
    try:
        value = plain_number(evaluate(parse(rec.formula or "", rec.sheet),
                                      lambda ref: r.values.get(at[ref]) if ref in at else None))
        r.cells[rid] = replace(rec, computed=value)
    except (Unsupported, FormulaError) as e:
        value = None
        r.cells[rid] = replace(rec, formula_problem=e.reason)
    r.values[rid] = value


def fill_untouched_totals(r: Report, case: Case) -> None:
    """A workbook's totals follow their inputs unless the case typed over them."""
    keep = {k: r.values[k] for k in case.overwrite}
    fill_totals_safe(r)
    r.values.update(keep)


def fill_totals_json(r: Report, case: Case) -> None:
    """A report JSON carries its totals as numbers: edited inputs carry through, except
    where the case sets a total itself (that is the inconsistency it shows)."""
    keep = {k: v for k, v in case.values.items() if not r.spec.value_cell(k).is_input}
    fill_totals_safe(r)
    r.values.update(keep)


def fill_totals_safe(r: Report) -> None:
    try:
        fill_totals(r)
    except TypeError:  # a blank or text term: leave the totals as they were
        pass


def run(case: Case) -> list:
    """The findings of a case, checked as on CASE_TODAY."""
    from . import check

    report, previous = build(case)
    return check(report, None if case.previous_error else previous, today=CASE_TODAY,
                 previous_error=case.previous_error)
