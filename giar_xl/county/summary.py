"""What the office hands to its leadership: one model, shown by the workbook and the page.

Built once from an ``Aggregation``: the cover facts (county, year, units counted, date),
who is left out of the totals and why, each unit's key figures and indicators with the
ones outside their thresholds marked, subtotals by 单位类型, the change from last year,
and each unit's publication date against its statutory deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from ..checker.findings import Finding
from ..checker.narrative import report_year
from ..formula import exact, plain_number
from ..report import Report
from .aggregate import Aggregation
from .deadlines import (DEADLINES, NOT_DUE, Deadline, Publication, deadline_for, is_government_itself,
                        publication)
from .indicators import (INDICATORS, KEY_FIGURES, NEW, VOLUME_CHANGE, Number, figure, figures_sum,
                         key_figures)
from .status import HAS_ERRORS, MISSING
from .view import UnitRow

UNTYPED = "未分类"
CORRECTION = next(n for n, i in enumerate(INDICATORS) if i.key == "correction_rate")
NEW_AT = next(n for n, (_, ids) in enumerate(KEY_FIGURES) if ids == (NEW,))  # 依申请总量 among the key figures
# last year's county figures compared on the summary (with the indicators): (name, cell ids summed)
YEAR_ON_YEAR = KEY_FIGURES + (
    ("规章制发", ("t2.regulation.issued",)),
    ("规范性文件制发", ("t2.normative.issued",)),
    ("行政许可决定", ("t2.licensing.decisions",)),
    ("行政处罚决定", ("t2.penalty.decisions",)),
)


@dataclass(slots=True)
class UnitLine:
    """One unit on the summary: only what the pages show is kept (a line per unit of a
    province), worked out from its figures once; the figures stay packed in its facts."""

    row: UnitRow
    figures: tuple[Number, ...] | None = None  # the key figures (None: no readable report)
    terms: tuple[tuple[Number, Number], ...] = ()  # each indicator's (numerator, base)
    outside: tuple[str, ...] = ()  # keys of the indicators (and VOLUME_CHANGE) outside their limits
    last_new: Number | None = None  # last year's 依申请总量, carried in the workbook
    publication: Publication | None = None

    @property
    def new(self) -> Number | None:
        return self.figures[NEW_AT] if self.figures is not None else None

    @property
    def rates(self) -> dict[str, Fraction | None]:
        return {i.key: i.rate(*t) for i, t in zip(INDICATORS, self.terms)}

    @property
    def flags(self) -> dict[str, bool]:
        """Indicator key → True when outside its threshold."""
        return dict.fromkeys(self.outside, True)

    @property
    def cases(self) -> Number | None:
        """复议诉讼总计 (the correction rate's base)."""
        return self.terms[CORRECTION][1] if self.terms else None

    @property
    def corrected(self) -> Number | None:
        """Of them, 结果纠正."""
        return self.terms[CORRECTION][0] if self.terms else None

    @property
    def flagged(self) -> bool:
        return bool(self.outside)


@dataclass
class Group:
    """A 单位类型's subtotal over its counted units."""

    kind: str
    listed: int
    counted: int
    values: dict[str, Number]
    rates: dict[str, Fraction | None] = field(default_factory=dict)

    @property
    def figures(self) -> list[Number]:
        return key_figures(self.values)


@dataclass
class YearRow:
    name: str
    now: Number | Fraction | None
    last: Number | Fraction | None
    rate: bool = False  # a rate, not a count


@dataclass
class Summary:
    name: str  # the county
    year: int | None
    generated: dt.date
    listed: int
    counted: int
    lines: list[UnitLine]
    groups: list[Group]
    county: dict[str, Number]  # the county's summed inputs
    county_rates: dict[str, Fraction | None]
    year_rows: list[YearRow]  # empty without last year's summary
    previous_source: str | None
    include_errors: bool
    deadlines: tuple[Deadline, ...] = DEADLINES

    @property
    def left_out(self) -> list[UnitLine]:
        return [u for u in self.lines if not u.row.counted]

    @property
    def flagged(self) -> list[UnitLine]:
        return [u for u in self.lines if u.row.counted and u.flagged]

    def explanations(self) -> Iterator[tuple[UnitLine, Finding]]:
        """(unit, finding) for every finding a unit explained in its workbook, in unit order."""
        for u in self.lines:
            f = u.row.facts
            if f is not None and f.explanations:
                result = f.result
                yield from ((u, x) for x in result.findings if x.explanation) if result is not None else ()

    @property
    def explanation_count(self) -> int:
        return sum(u.row.facts.explanations for u in self.lines if u.row.facts is not None)

    def why_left_out(self, u: UnitLine) -> str:
        """The status and its reason in one line (the summary's list of units left out)."""
        head = "有错误，未计入（确需计入可加 --include-errors）" if u.row.status == HAS_ERRORS else u.row.status
        return f"{head}：{u.row.reason}" if u.row.reason else head


def _rates(values: dict[str, Number]) -> dict[str, Fraction | None]:
    return {i.key: i.value(values) for i in INDICATORS}


def summarise(agg: Aggregation, *, today: dt.date | None = None) -> Summary:
    view = agg.view
    lines: list[UnitLine] = []
    groups: dict[str, Group] = {}
    exact_sums: dict[str, dict[str, Fraction]] = {}
    for row in view.ordered():
        f = row.facts
        usable = f is not None and f.readable and row.status != MISSING
        line = UnitLine(row)
        values = None
        if usable:
            values, previous = f.figures()
            line.figures = tuple(key_figures(values))
            line.terms = tuple(i.terms(values) for i in INDICATORS)
            line.last_new = _last_year_new(previous)
            line.outside = tuple(i.key for i, t in zip(INDICATORS, line.terms) if i.judged(*t)) \
                + ((VOLUME_CHANGE.key,) if VOLUME_CHANGE.outside(line.new, line.last_new) else ())
        deadline = deadline_for(row.kind, row.unit is not None and is_government_itself(row.name))
        line.publication = (publication(f.published, report_year(f.year), deadline)
                            if usable else Publication(NOT_DUE, deadline))
        lines.append(line)
        if not row.listed and view.listed:
            continue
        kind = row.kind or UNTYPED
        g = groups.setdefault(kind, Group(kind, 0, 0, {}))
        g.listed += 1
        if row.counted and values is not None:
            g.counted += 1
            sums = exact_sums.setdefault(kind, {})
            for cid, v in values.items():
                x = exact(v)
                if x is not None:
                    sums[cid] = sums.get(cid, Fraction(0)) + x
    for kind, g in groups.items():  # summed exactly (万元 to the fen), stored as the report stores numbers
        g.values = {cid: plain_number(x) for cid, x in exact_sums.get(kind, {}).items()}
        g.rates = _rates(g.values)
    order = {u.unit.kind: u.unit.row for u in view.units if u.unit is not None and u.unit.kind}
    county = agg.totals.values()
    return Summary(
        name=agg.name or "全县", year=agg.year, generated=today or dt.date.today(),
        listed=sum(1 for u in view.units if u.listed) if view.listed else len(view.units),
        counted=agg.totals.units, lines=lines,
        groups=sorted(groups.values(), key=lambda g: (g.kind == UNTYPED, order.get(g.kind, 0), g.kind)),
        county=county, county_rates=_rates(county),
        year_rows=_year_rows(county, agg.previous), previous_source=agg.previous_source,
        include_errors=agg.include_errors)


def _last_year_new(previous: dict[str, Number]) -> Number | None:
    """Last year's 依申请总量 from the figures distribute carried into the workbook."""
    if NEW in previous:
        return previous[NEW]
    if any(k.startswith("t3.new.") for k in previous):
        return figure(previous, NEW)
    return None


def _year_rows(county: dict[str, Number], previous: Report | None) -> list[YearRow]:
    """The county this year beside last year's summary, figure by figure."""
    if previous is None:
        return []
    from ..spec import DEFAULT_FORMAT

    last = {c.id: v for c in DEFAULT_FORMAT.value_cells
            if c.is_input and (v := previous.number(c.id)) is not None}
    if not last:
        return []
    rows = [YearRow(name, figures_sum(county, ids), figures_sum(last, ids)) for name, ids in YEAR_ON_YEAR]
    for ind in INDICATORS:
        rows.append(YearRow(ind.name, ind.value(county), ind.value(last), rate=True))
    return rows
