"""County totals of tables 二–四 over the units the per-unit view counts.

Each file is read and checked once (``collect.examine``); whose it is, which of a
unit's files stands for it and whether it counts is the view's business
(``view.build_view``). Only input cells are summed; every total of the county
workbook is the template's own formula over the summed inputs, so a sum of
balanced units is balanced by construction and the county workbook passes the
checker. Units with 错误 are summed only when asked (``include_errors``): that is a
different thing from overwriting an output (``--force``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .. import __version__
from ..errors import GiarError
from ..formula import exact, plain_number
from ..report import Report
from ..spec import DEFAULT_FORMAT
from ..spec.format2021 import t3_id
from .collect import examine_all
from .identity import UnitIndex
from .indicators import figure
from .mapping import Mapping
from .match import iter_inputs, named
from .units import Unit
from .view import CountyView, build_view


@dataclass
class Totals:
    """Running sums of the input cells for one report year, exact (``Fraction``: amounts in
    万元 add up to the fen as typed, never to float noise)."""

    units: int = 0
    sums: dict[str, Fraction] = field(default_factory=dict)
    # last year's figures kept in the units' workbooks, summed where every unit has one
    previous: dict[str, list[Fraction]] = field(default_factory=dict)

    def add(self, report: Report) -> None:
        self.add_values(report.values, report.previous)

    def add_values(self, values: dict[str, object], previous: dict[str, object]) -> None:
        self.units += 1
        for cid, v in previous.items():
            x = exact(v)
            if x is not None:
                self.previous.setdefault(cid, []).append(x)
        for c in DEFAULT_FORMAT.value_cells:
            if not c.is_input:
                continue
            x = exact(values.get(c.id))
            if x is None:
                continue  # only a unit counted with its errors can get here; its findings say why
            self.sums[c.id] = self.sums.get(c.id, Fraction(0)) + x

    def previous_totals(self) -> dict[str, int | float]:
        """Last year's county figures, only where all summed units carried one (else no check)."""
        return {cid: plain_number(sum(vs, Fraction(0))) for cid, vs in self.previous.items()
                if len(vs) == self.units}

    def value(self, cid: str) -> int | float:
        return plain_number(self.sums.get(cid, Fraction(0)))

    def values(self) -> dict[str, int | float]:
        return {c.id: self.value(c.id) for c in DEFAULT_FORMAT.value_cells if c.is_input}


@dataclass
class Aggregation:
    view: CountyView
    totals: Totals
    name: str | None = None  # the county, as the office names it (--name)
    previous: Report | None = None  # last year's county summary (--previous)
    previous_source: str | None = None

    @property
    def year(self) -> int | None:
        return self.view.year

    @property
    def include_errors(self) -> bool:
        return self.view.include_errors

    @property
    def complete(self) -> bool:
        return self.view.complete

    @property
    def exit_code(self) -> int:
        return self.view.exit_code


def aggregate(sources: list[str | Path], *, units: list[Unit] | UnitIndex | None = None,
              year: int | None = None, include_errors: bool = False,
              mapping: Mapping | None = None, exclude: tuple[Path, ...] = (),
              name: str | None = None, jobs: int | None = None) -> Aggregation:
    items = named(sources, iter_inputs(sources, exclude))
    if not items:
        raise GiarError("没有找到要汇总的文件。", file=", ".join(str(s) for s in sources))
    index = units if isinstance(units, UnitIndex) or units is None else \
        UnitIndex(units, extra_prefixes=(name,) if name else ())
    facts = examine_all(items, label="汇总", jobs=jobs)
    del items
    view = build_view(facts, index=index, mapping=mapping, year=year, include_errors=include_errors)
    totals = Totals()
    for u in view.counted:
        totals.add_values(*u.facts.figures())
    return Aggregation(view, totals, name)


# ------------------------------------------------------------------ county report
def county_report(agg: Aggregation, name: str | None = None) -> Report:
    """The summed tables as a Report: inputs summed, totals left to the template's formulas."""
    spec = DEFAULT_FORMAT
    n = agg.totals.units
    name = name or agg.name
    report = Report.empty(spec, agency=f"{name or '全部单位'}（{n} 个单位汇总）", year=agg.year)
    report.values = agg.totals.values()
    report.texts.update(_summary_texts(agg.totals, n))
    if agg.previous is not None:
        # last year's county summary: the county's own continuity (上年结转, 现行有效件数)
        report.previous = {c.id: v for c in spec.value_cells
                           if (v := agg.previous.number(c.id)) is not None}
    else:
        report.previous = agg.totals.previous_totals()
    report.meta = {"aggregate": {"units": n, "files": len(agg.view.files),
                                 "include_errors": agg.include_errors,
                                 "incomplete": not agg.complete, "generator": f"giar-xl {__version__}"}}
    return report


def _summary_texts(t: Totals, n: int) -> dict[str, str]:
    """Sentences that state the summed figures, so the narrative checks pass on true statements."""
    see = "见各单位年度报告。"
    values = t.values()
    v = lambda cid: figure(values, cid)  # noqa: E731
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
