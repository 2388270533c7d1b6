"""One returned file, read and checked once: everything the county's view needs, as plain data.

``examine(path)`` is the per-file work of ``validate DIR --units`` and ``aggregate``. It
takes a path and returns a ``FileFacts`` of plain, picklable data (no workbook object, no
open file), so a pool of worker processes can run it and hand the results back in order.
Everything after it — whose file it is, which of a unit's files is used, the totals —
works on these facts alone.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checker.findings import CheckResult
from ..errors import GiarError
from ..report import Report
from ..spec import DEFAULT_FORMAT
from ..text import readable_path
from .identity import LISTED, UnitIndex, weigh
from .mapping import Mapping
from .match import LastYear, PreviousResolver, junk_reason

Number = int | float
INPUT_IDS = tuple(c.id for c in DEFAULT_FORMAT.value_cells if c.is_input)


@dataclass
class FileFacts:
    path: str  # as found (for reading it again: the annotated copy)
    shown: str  # the path as a person reads it
    name: str  # the file's name, as a person reads it
    mtime: float = 0.0
    ignored: str | None = None  # why the file is no report at all (a lock file, a county summary)
    result: CheckResult | None = None  # findings, or why the file could not be read
    agency: str | None = None
    year: Any = None  # the cover's 报告年度, as typed
    published: str | None = None
    record: dict[str, Any] = field(default_factory=dict)  # distribute's record (meta)
    values: dict[str, Number] = field(default_factory=dict)  # the input cells that hold numbers
    previous: dict[str, Number] = field(default_factory=dict)  # last year's figures it carries
    last_year: LastYear | None = None  # validate --previous: last year's file matched

    @property
    def readable(self) -> bool:
        return self.result is not None and self.result.readable

    @property
    def error(self) -> str | None:
        return self.result.error if self.result is not None else None


def _numbers(values: dict[str, Any], ids: tuple[str, ...] | None = None) -> dict[str, Number]:
    out: dict[str, Number] = {}
    for cid, v in values.items():
        if ids is not None and cid not in ids:
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            out[cid] = v
    return out


def _record(report: Report) -> dict[str, Any]:
    meta = report.meta if isinstance(report.meta, dict) else {}
    return {k: meta[k] for k in ("unit", "unit_code", "distributed_for") if k in meta
            and isinstance(meta[k], (str, int)) and not isinstance(meta[k], bool)}


def mtime_of(path: str | Path) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def examine(path: str | Path, previous: Report | None = None,
            resolver: PreviousResolver | None = None,
            previous_error: str | None = None, *, name: str | None = None,
            index: UnitIndex | None = None, mapping: Mapping | None = None) -> FileFacts:
    """Read and check one file; never raises for a bad file (the facts say why).

    ``name``: how the county's tables name the file (default: its file name).
    ``index``/``mapping``: the units list and 对应表, to find last year's report by the
    unit the file turns out to be when its own names do not find it.
    """
    from ..commands.validate import _reason, check_loaded, read_report

    p = Path(path)
    facts = FileFacts(str(p), readable_path(p), name or readable_path(p.name), mtime_of(p))
    junk = junk_reason(p)
    if junk:
        facts.ignored = junk
        return facts
    try:
        report = read_report(p)
    except GiarError as e:
        facts.result = CheckResult(facts.shown, error=_reason(e))
        return facts
    if isinstance(report.meta, dict) and isinstance(report.meta.get("aggregate"), dict):
        facts.ignored = "这是 giar-xl 生成的汇总工作簿，不重复计入"
        return facts
    if resolver is not None:
        unit = _listed_unit(report, facts.name, p, index, mapping) if index is not None else None
        previous, facts.last_year = resolver.lookup(report, p, unit)
    try:
        facts.result = check_loaded(report, p, previous, previous_error)
    except Exception as e:  # a checker bug on one odd file is listed, not fatal
        # the county's pages speak to the office: no exception names there; the detail goes to stderr
        print(f"giar-xl: {facts.shown}: {type(e).__name__}: {e}", file=sys.stderr)
        facts.result = CheckResult(facts.shown, error="校验程序处理此文件时出错，未能校验（请把此文件转给技术人员）")
        return facts
    facts.agency = report.agency
    facts.year = report.year
    facts.published = report.published
    facts.record = _record(report)
    facts.values = _numbers(report.values, INPUT_IDS)
    facts.previous = _numbers(report.previous)
    return facts


def _listed_unit(report: Report, name: str, path: Path, index: UnitIndex,
                 mapping: Mapping | None) -> tuple[str, str | None] | None:
    """(name, former name) of the listed unit a readable file belongs to, if its clues agree."""
    decision = mapping.for_file(path) if mapping is not None else None
    if decision is not None:
        unit_name = decision.unit
    else:
        verdict = weigh(index.evidence(_record(report), name, report.agency))
        unit_name = verdict.unit if verdict.kind == LISTED else None
    unit = index.by_unit.get(unit_name) if unit_name else None
    return (unit.name, unit.previous_name) if unit is not None else None


def examine_all(paths: list[Path], *, previous: Report | None = None,
                resolver: PreviousResolver | None = None, previous_error: str | None = None,
                label: str = "校验", names: dict[Path, str] | None = None,
                index: UnitIndex | None = None, mapping: Mapping | None = None) -> list[FileFacts]:
    """Every file's facts, in the order given (the one loop a process pool can take over)."""
    from .progress import progress

    names = names or {}
    out = []
    with progress(paths, label) as bar:
        for p in bar:
            out.append(examine(p, previous, resolver, previous_error, name=names.get(p),
                               index=index, mapping=mapping))
    if resolver is not None:
        for f in out:
            if f.last_year is not None:
                resolver.record(f.path, f.last_year)
    return out
