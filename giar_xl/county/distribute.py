"""One prefilled workbook per unit, with last year's carry-over where last year's report is known.

Prefilled: 机关名称 and 年度 on the cover; with last year's report, row R2
(二、上年结转) of table 三, column by column, from last year's R25
(四、结转下年度继续办理), and last year's figures kept in the workbook
(``Report.previous``) for the checker's continuity rules (Y01 carry-over,
Y02 现行有效件数). R2 stays an input cell: a reorganised body may have to
correct it, and the checker then says so as a 提示, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..checker.context import CheckContext
from ..checker.narrative import report_year
from ..errors import GiarError
from ..fileio import check_folder, make_folder
from ..report import Report
from ..spec import DEFAULT_FORMAT
from ..spec.format2021 import T3_COLUMNS, t3_id
from ..template import build_workbook
from ..text import readable_path
from .match import Entry, Match, PreviousIndex
from .progress import progress
from .units import Unit, assign_filenames

INPUT_COLUMNS = tuple((key, label) for key, label in T3_COLUMNS if key != "total")


@dataclass
class Outcome:
    unit: Unit
    path: Path
    match: Match | None = None  # None when no previous reports were given
    notes: list[str] = field(default_factory=list)

    @property
    def carried(self) -> bool:
        return self.match is not None and self.match.entry is not None


@dataclass
class Distribution:
    outcomes: list[Outcome]
    unused_previous: list[Entry] = field(default_factory=list)
    unreadable_previous: list[tuple[Path, str]] = field(default_factory=list)


def new_report(unit: Unit, year: int) -> Report:
    """An empty report for the unit: inputs 0, totals left to the template's formulas."""
    spec = DEFAULT_FORMAT
    report = Report.empty(spec, agency=unit.name, year=year)
    for c in spec.value_cells:
        if not c.is_input:
            del report.values[c.id]  # not given: the workbook computes it
    report.meta = {"unit": unit.name, "distributed_for": year}
    if unit.code:
        report.meta["unit_code"] = unit.code
    return report


def carry_over(report: Report, last: Report) -> list[str]:
    """Prefill R2 from last year's R25 and keep last year's figures; return notes for the clerk."""
    notes: list[str] = []
    last_ctx = CheckContext(last)
    for col, label in INPUT_COLUMNS:
        v = last_ctx.claimed(t3_id("R25", col))
        if v is None:
            raw = last.values.get(t3_id("R25", col))
            notes.append(f"上年“结转下年度继续办理”的“{label}”栏不是数字（{raw!r}），本栏上年结转未预填")
            continue
        report.values[t3_id("R2", col)] = v
    report.previous = {c.id: v for c in last.spec.value_cells
                       if (v := last_ctx.claimed(c.id)) is not None}
    this_year, last_year = report_year(report.year), report_year(last.year)
    if this_year is not None and last_year != this_year - 1:
        notes.append(f"上年报告的年度是 {last.year}，不是 {this_year - 1}，请核对是否用错了文件")
    return notes


def plan_paths(units: list[Unit], out_dir: Path, force: bool) -> dict[str, Path]:
    names = assign_filenames(units)
    paths = {u.name: out_dir / names[u.name] for u in units}
    if out_dir.exists() and not out_dir.is_dir():
        raise GiarError("输出路径是一个文件，应是文件夹。", file=str(out_dir))
    check_folder(out_dir, create_ok=True)
    existing = [p for p in paths.values() if p.exists()]
    if existing and not force:
        sample = "、".join(readable_path(p.name) for p in existing[:3])
        raise GiarError(f"输出文件夹中已有 {len(existing)} 个同名工作簿（如 {sample}），未覆盖任何文件；"
                        "如需覆盖请加 --force。", file=str(out_dir))
    return paths


def distribute(units: list[Unit], year: int, out_dir: str | Path, *,
               previous: PreviousIndex | None = None, force: bool = False) -> Distribution:
    out = Path(out_dir)
    paths = plan_paths(units, out, force)  # every check before the first file is written
    make_folder(out)
    outcomes: list[Outcome] = []
    with progress(units, "生成工作簿") as bar:
        for unit in bar:
            outcome = Outcome(unit, paths[unit.name])
            report = new_report(unit, year)
            if previous is not None:
                outcome.match = previous.find(unit.name, paths[unit.name], alias=unit.previous_name)
                entry = outcome.match.entry
                if entry is not None:
                    try:
                        last = previous.load(entry)
                    except GiarError as e:
                        outcome.match = Match(None, problem=f"上年报告“{readable_path(entry.path.name)}”无法读取：{e.message}")
                    else:
                        outcome.notes += carry_over(report, last)
                        report.meta.update({"previous_file": readable_path(entry.path.name),
                                            "previous_agency": last.agency or "",
                                            "previous_match": outcome.match.how or ""})
            build_workbook(outcome.path, report, force=force)
            outcomes.append(outcome)
    return Distribution(outcomes,
                        previous.unused() if previous is not None else [],
                        previous.unreadable if previous is not None else [])
