"""County totals of tables 二–四, one file at a time.

Each file is read and checked in a worker process (``batch.map_files``: every
core, results in file order), which sends back only its input figures and a few
counts; the parent adds them to running sums in file order. Only the sums and one
small status row per file are kept, so memory does not grow with the number of
units. Only input cells are summed; every total of the county
workbook is the template's own formula over the summed inputs, so a sum of
balanced units is balanced by construction and the county workbook passes the
checker.

A unit is not summed (and is listed) when its report has 错误 findings (unless
forced), when it is for another year, or when the same unit was already summed
from another file (a clerk sending "某镇.xlsx" and "某镇(1).xlsx").
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..batch import WorkerDied, map_files
from ..checker import check
from ..checker.narrative import report_year
from ..errors import GiarError
from ..inputs import load_report
from ..report import Report
from ..spec import DEFAULT_FORMAT
from ..spec.format2021 import t3_id
from ..text import readable_path
from .match import expand_inputs, junk_reason, stem_key
from .progress import progress
from .units import Unit, assign_filenames, unit_key

SUMMED = "已汇总"
SUMMED_OUTSIDE = "已汇总（名单外）"
FORCED = "有错误，已强制汇总"
REFUSED = "有错误，未汇总"
UNREADABLE = "无法读取"
MISSING = "未交"
DUPLICATE = "重复提交，未汇总"
OTHER_YEAR = "年度不符，未汇总"
IGNORED = "已忽略"
COUNTED = (SUMMED, SUMMED_OUTSIDE, FORCED)
# figures shown per unit in the status sheet: the ones a county office eyeballs first
KEY_FIGURES = (t3_id("R1", "total"), t3_id("R25", "total"), "t4.review.total")


@dataclass
class StatusRow:
    """One file or one missing unit, as the status sheet lists it."""

    unit: str | None  # the unit's name (from the list, else the report's 机关名称)
    file: str | None
    state: str
    year: int | str | None = None
    errors: int | None = None
    warnings: int | None = None
    note: str = ""
    figures: dict[str, float | int | None] = field(default_factory=dict)
    key: str | None = None  # unit key the file was counted under (for duplicates)

    @property
    def counted(self) -> bool:
        return self.state in COUNTED


@dataclass
class Totals:
    """Running sums of the input cells for one report year."""

    units: int = 0
    counts: dict[str, int | float] = field(default_factory=dict)
    amounts: dict[str, list[float]] = field(default_factory=dict)
    # last year's figures kept in the units' workbooks, summed where every unit has one
    previous: dict[str, list[float]] = field(default_factory=dict)

    def add(self, report: Report) -> None:
        self.add_figures(input_figures(report), report.previous)

    def add_figures(self, inputs: dict[str, int | float | None], previous: dict) -> None:
        """One unit: its input cells (``input_figures``) and last year's figures it carries."""
        self.units += 1
        for cid, v in previous.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                self.previous.setdefault(cid, []).append(v)
        for c in DEFAULT_FORMAT.value_cells:
            if not c.is_input:
                continue
            v = inputs.get(c.id)
            if v is None or not math.isfinite(v):
                continue  # only a forced unit can get here; its findings say why
            if c.kind == "amount":
                self.amounts.setdefault(c.id, []).append(v)  # one cell: fsum at the end
            else:
                self.counts[c.id] = self.counts.get(c.id, 0) + v

    def previous_totals(self) -> dict[str, int | float]:
        """Last year's county figures, only where all summed units carried one (else no check)."""
        return {cid: _tidy(math.fsum(vs)) for cid, vs in self.previous.items() if len(vs) == self.units}

    def value(self, cid: str) -> int | float:
        if cid in self.amounts:
            return _tidy(math.fsum(self.amounts[cid]))
        v = self.counts.get(cid, 0)
        return int(v) if isinstance(v, float) and v.is_integer() else v


def input_figures(report: Report) -> dict[str, int | float | None]:
    """The numbers of a report's input cells, as the county sums them."""
    return {c.id: report.number(c.id) for c in DEFAULT_FORMAT.value_cells if c.is_input}


def _tidy(total: float) -> int | float:
    total = round(total, 6)  # 万元 with ≤ 4 decimals: drop float noise
    return int(total) if total.is_integer() else total


@dataclass
class Aggregation:
    rows: list[StatusRow]
    year: int | None
    totals: Totals
    units_file: str | None = None
    forced: bool = False

    def count(self, *states: str) -> int:
        return sum(1 for r in self.rows if r.state in states)

    @property
    def complete(self) -> bool:
        return all(r.state in (SUMMED, IGNORED) for r in self.rows)

    @property
    def exit_code(self) -> int:
        # as validate: 2 when a file could not be read, 1 for 错误 or a unit missing from the total
        if self.count(UNREADABLE):
            return 2
        return 0 if self.complete and not any(r.errors for r in self.rows) else 1


class UnitIndex:
    """This year's files to the units list: by 机关名称, then by file name."""

    def __init__(self, units: list[Unit]):
        self.units = units
        self.by_key = {unit_key(u.name): u for u in units}
        names = assign_filenames(units)
        self.by_stem = {stem_key(names[u.name]): u for u in units}
        self.by_stem.update({stem_key(u.name): u for u in units})

    def find(self, agency: str | None, path: Path) -> Unit | None:
        return (self.by_key.get(unit_key(agency)) if agency else None) \
            or self.by_key.get(stem_key(path)) or self.by_stem.get(stem_key(path))


def _first_error(findings: list) -> str:
    errors = [f for f in findings if f.severity == "错误"]
    if not errors:
        return ""
    f = errors[0]
    where = " ".join(x for x in (f.sheet, f.cell) if x)
    more = f"（共 {len(errors)} 处错误）" if len(errors) > 1 else ""
    return f"{where + '：' if where else ''}{f.message}{more}"


def aggregate(sources: list[str | Path], *, units: list[Unit] | None = None,
              year: int | None = None, force: bool = False,
              exclude: tuple[Path, ...] = (), jobs: int | None = None) -> Aggregation:
    files = expand_inputs(sources, exclude)
    # newest first: when a unit sent a file twice, the first one met (the latest) counts
    files.sort(key=lambda f: (-_mtime(f), str(f)))
    if not files:
        raise GiarError("没有找到要汇总的文件。", file=", ".join(str(s) for s in sources))
    index = UnitIndex(units) if units else None
    rows: list[StatusRow] = []
    by_year: dict[int | None, Totals] = {}
    first_file: dict[tuple[str, int | None], str] = {}
    # read and checked in worker processes, in file order; placed and summed here, in the same order
    checked = map_files(check_unit, [f for f in files if not junk_reason(f)], jobs, on_error=_unit_failed)
    try:
        with progress(files, "汇总") as bar:
            for f in bar:
                junk = junk_reason(f)
                if junk:
                    rows.append(StatusRow(None, readable_path(f), IGNORED, note=junk))
                    continue
                rows.append(_one(f, next(checked), index, force, by_year, first_file))
    finally:
        checked.close()  # on Ctrl-C: the workers stop now
    chosen = year if year is not None else _majority_year(rows)
    for r in rows:
        if r.counted and report_year(r.year) != chosen:
            r.note = f"报告年度为 {r.year or '空'}，汇总年度为 {chosen}；" + r.note
            r.state = OTHER_YEAR
    if index is not None:
        returned = {r.key for r in rows if r.key}
        for u in units or []:
            if unit_key(u.name) not in returned:
                rows.append(StatusRow(u.name, None, MISSING, note=f"单位名单第 {u.row} 行"))
    return Aggregation(rows, chosen, by_year.get(chosen, Totals()), forced=force)


@dataclass
class Checked:
    """One file as a worker read and checked it: what the county needs, not the report."""

    unreadable: str | None = None  # why the file could not be read
    check_failed: str | None = None  # why the checker stopped on it
    agency: str | None = None
    year: int | str | None = None
    is_aggregate: bool = False  # a county workbook giar-xl made
    errors: int = 0
    warnings: int = 0
    first_error: str = ""
    figures: dict[str, float | int | None] = field(default_factory=dict)
    inputs: dict[str, int | float | None] = field(default_factory=dict)
    previous: dict = field(default_factory=dict)


def check_unit(f: Path) -> Checked:
    """Read and check one unit's file (runs in a worker process)."""
    try:
        report = load_report(f)
    except Exception as e:  # one damaged file must not stop a county's run
        return _unit_failed(f, e)
    if isinstance(report.meta.get("aggregate"), dict):
        return Checked(agency=report.agency, is_aggregate=True)
    try:
        findings = check(report)
    except Exception as e:  # a checker bug on one odd file is listed, not fatal
        return Checked(agency=report.agency, check_failed=f"校验时出错（{type(e).__name__}: {e}）")
    errors = sum(1 for x in findings if x.severity == "错误")
    return Checked(agency=report.agency, year=report.year, errors=errors, warnings=len(findings) - errors,
                   first_error=_first_error(findings),
                   figures={cid: report.number(cid) for cid in KEY_FIGURES},
                   inputs=input_figures(report), previous=report.previous)


def _unit_failed(f: Path, e: BaseException) -> Checked:
    if isinstance(e, GiarError):
        return Checked(unreadable=e.message)
    if isinstance(e, WorkerDied):
        return Checked(unreadable=str(e))
    return Checked(unreadable=f"文件已损坏或格式异常（{type(e).__name__}）")


def _one(f: Path, c: Checked, index: UnitIndex | None, force: bool, by_year: dict[int | None, Totals],
         first_file: dict[tuple[str, int | None], str]) -> StatusRow:
    if c.unreadable is not None:
        unit = index.find(None, f) if index else None  # so the unit is not also listed as 未交
        return StatusRow(unit.name if unit else None, readable_path(f), UNREADABLE, note=c.unreadable,
                         key=unit_key(unit.name) if unit else None)
    if c.is_aggregate:
        return StatusRow(c.agency, readable_path(f), IGNORED, note="这是 giar-xl 生成的汇总工作簿，不重复计入")
    if c.check_failed is not None:
        return StatusRow(c.agency, readable_path(f), UNREADABLE, note=c.check_failed)
    row = StatusRow(c.agency, readable_path(f), SUMMED, year=c.year, errors=c.errors,
                    warnings=c.warnings, note=c.first_error, figures=c.figures)
    unit = index.find(c.agency, f) if index else None
    if unit is not None:
        row.unit, row.key = unit.name, unit_key(unit.name)
        if unit_key(c.agency) != row.key:
            row.note = f"封面机关名称为“{c.agency or '空'}”，按文件名对应；" + row.note
    else:
        row.key = unit_key(c.agency) or stem_key(f)
        if index is not None:
            row.state = SUMMED_OUTSIDE
    y = report_year(c.year)
    if (row.key, y) in first_file:
        row.state, row.note = DUPLICATE, f"与“{first_file[(row.key, y)]}”是同一单位；" + row.note
        row.key = None  # the first file stands for the unit
        return row
    # the newest file stands for the unit even when it is refused: an older clean copy
    # is what the unit replaced, not a fallback to sum instead
    first_file[(row.key, y)] = readable_path(f.name)
    if c.errors and not force:
        row.state = REFUSED
        return row
    if c.errors:
        row.state = FORCED
    by_year.setdefault(y, Totals()).add_figures(c.inputs, c.previous)
    return row


def _mtime(f: Path) -> float:
    try:
        return f.stat().st_mtime
    except OSError:
        return 0.0


def _majority_year(rows: list[StatusRow]) -> int | None:
    years = Counter(report_year(r.year) for r in rows if r.counted)
    years.pop(None, None)
    return years.most_common(1)[0][0] if years else None


# ------------------------------------------------------------------ county report
def county_report(agg: Aggregation, name: str | None = None) -> Report:
    """The summed tables as a Report: inputs summed, totals left to the template's formulas."""
    spec = DEFAULT_FORMAT
    n = agg.totals.units
    report = Report.empty(spec, agency=f"{name or '全部单位'}（{n} 个单位汇总）", year=agg.year)
    report.values = {c.id: agg.totals.value(c.id) for c in spec.value_cells if c.is_input}
    report.texts.update(_summary_texts(agg.totals, n))
    report.previous = agg.totals.previous_totals()
    report.meta = {"aggregate": {"units": n, "files": len(agg.rows), "forced": agg.forced,
                                 "incomplete": not agg.complete, "generator": f"giar-xl {__version__}"}}
    return report


def total_of(totals: Totals, cid: str) -> int | float:
    """A total as the template's formula computes it (the county report leaves totals to formulas)."""
    vc = DEFAULT_FORMAT.value_cell(cid)
    if vc.is_input:
        return totals.value(cid)
    return sum(total_of(totals, x) for x in vc.formula_of)


def _summary_texts(t: Totals, n: int) -> dict[str, str]:
    """Sentences that state the summed figures, so the narrative checks pass on true statements."""
    see = "见各单位年度报告。"
    v = lambda cid: total_of(t, cid)  # noqa: E731
    return {
        "s1.intro": f"本工作簿汇总了 {n} 个单位报送的年度报告数据，表二至表四为各单位数字之和；"
                    "文字部分为汇总说明，正文请依据各单位报告撰写。",
        "s1.active": f"主动公开方面，各单位本年制发规章 {v('t2.regulation.issued')} 件、"
                     f"行政规范性文件 {v('t2.normative.issued')} 件，详细情况{see}",
        "s1.request": f"依申请公开方面，本年新收政府信息公开申请 {v(t3_id('R1', 'total'))} 件，"
                      f"上年结转 {v(t3_id('R2', 'total'))} 件，办理完毕 {v(t3_id('R24', 'total'))} 件，"
                      f"结转下年度继续办理 {v(t3_id('R25', 'total'))} 件。"
                      f"政府信息公开行政复议 {v('t4.review.total')} 件，"
                      f"行政诉讼 {v('t4.direct.total') + v('t4.after_review.total')} 件。",
        "s1.management": f"政府信息管理情况{see}",
        "s1.platform": f"政府信息公开平台建设情况{see}",
        "s1.supervision": f"监督保障情况{see}",
        "s5.problems": f"存在的主要问题{see}",
        "s5.rectification": f"上年度问题整改情况{see}",
        "s5.measures": f"改进措施{see}",
        "s6.fees": f"各单位信息处理费收取情况{see}",
    }
