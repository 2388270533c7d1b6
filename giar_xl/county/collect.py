"""One returned file, read and checked once: everything the county's view needs, as plain data.

``examine(path)`` is the per-file work of ``validate DIR --units`` and ``aggregate``. It
takes a path and returns a ``FileFacts`` of plain, picklable data (no workbook object, no
open file), so a pool of worker processes can run it and hand the results back in order.
Everything after it — whose file it is, which of a unit's files is used, the totals —
works on these facts alone.
"""

from __future__ import annotations

import functools
import math
import os
import pickle
import tempfile
import threading
import weakref
import zlib
from collections.abc import Mapping as ReadOnly
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..checker.findings import CheckResult, Finding
from ..errors import GiarError
from ..report import Report
from ..spec import DEFAULT_FORMAT
from ..text import readable_path
from .identity import LISTED, UnitIndex, weigh
from .mapping import Mapping
from .match import LastYear, PreviousResolver, junk_reason

Number = int | float
INPUT_IDS = tuple(c.id for c in DEFAULT_FORMAT.value_cells if c.is_input)


@dataclass(slots=True)
class FileFacts:
    """One file, as the county's view needs it. Kept for every file of a run (10,000 in a
    province), so the bulky parts — the input figures, last year's figures and the
    findings — are kept packed (``pack``: ≈0.4 KB a file instead of ≈7 KB of dicts and
    objects), in a ``Spool`` once in the parent process, and unpacked only when asked for."""

    path: str  # as found (for reading it again: the annotated copy)
    shown: str  # the path as a person reads it
    name: str  # the file's name, as a person reads it
    mtime: float = 0.0
    ignored: str | None = None  # why the file is no report at all (a lock file, a county summary)
    checked: bool = False  # read and checked, or refused with ``error``
    error: str | None = None  # why the file could not be read
    errors: int = 0  # findings of severity 错误
    warnings: int = 0  # findings of severity 提示
    explained: int = 0  # 提示 the clerk explained (among ``warnings``)
    explanations: int = 0  # findings with the clerk's explanation (explained 提示, and 错误 explained in vain)
    agency: str | None = None
    year: Any = None  # the cover's 报告年度, as typed
    published: str | None = None
    meta: dict[str, Any] | None = None  # distribute's record, when the workbook has one: ``record``
    last_year: LastYear | None = None  # validate --previous: last year's file matched
    packed: bytes = b""  # (input figures, last year's figures, findings): ``pack``
    spool: Spool | None = None  # where ``packed`` went (``Spool.keep``): at ``offset``, ``length`` bytes
    offset: int = 0
    length: int = 0

    @property
    def record(self) -> ReadOnly[str, Any]:
        """distribute's record (unit, unit_code, distributed_for); empty when there is none."""
        return self.meta if self.meta is not None else _NO_RECORD

    def keep(self, result: CheckResult, values: dict[str, Number] | None = None,
             previous: dict[str, Number] | None = None) -> None:
        """Keep the check's outcome and the file's figures (``values``: input cells by id)."""
        self.checked, self.error = True, result.error
        self.errors, self.warnings, self.explained = result.errors, result.warnings, result.explained
        self.explanations = sum(1 for x in result.findings if x.explanation)
        self.packed = pack(values or {}, previous or {}, result.findings)

    def _unpacked(self) -> tuple[dict[str, Number], dict[str, Number], list[Finding]]:
        return unpack(self.packed if self.spool is None else self.spool.read(self.offset, self.length))

    @property
    def readable(self) -> bool:
        return self.checked and self.error is None

    @property
    def result(self) -> CheckResult | None:
        """The check's outcome, findings and all (None: the file was not checked)."""
        return CheckResult(self.shown, self._unpacked()[2], self.error) if self.checked else None

    def figures(self) -> tuple[dict[str, Number], dict[str, Number]]:
        """(``values``, ``previous``), unpacked once."""
        values, previous, _ = self._unpacked()
        return values, previous

    @property
    def values(self) -> dict[str, Number]:
        """The input cells that hold numbers, by cell id."""
        return self._unpacked()[0]

    @property
    def previous(self) -> dict[str, Number]:
        """Last year's figures the workbook carries (distribute's 上年结转 …)."""
        return self._unpacked()[1]


_NO_RECORD: ReadOnly[str, Any] = MappingProxyType({})


class Spool:
    """The packed part of a run's facts in an unnamed temporary file (removed when closed,
    or when the program ends): what the county keeps in memory per file is then its counts
    and names, not its figures and findings (≈0.4 KB a file; 4 MB for a province's 10,000)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="giar-xl-")
        self._end = 0
        self._lock = threading.Lock()
        weakref.finalize(self, self._file.close)

    def keep(self, facts: FileFacts) -> FileFacts:
        """Move ``facts.packed`` here (facts read back through the spool from now on)."""
        if facts.packed:
            with self._lock:
                self._file.seek(self._end)
                self._file.write(facts.packed)
                facts.spool, facts.offset, facts.length = self, self._end, len(facts.packed)
                self._end += len(facts.packed)
            facts.packed = b""
        return facts

    def read(self, offset: int, length: int) -> bytes:
        with self._lock:
            self._file.seek(offset)
            data = self._file.read(length)
        if len(data) != length:
            raise OSError(f"giar-xl 的临时文件已损坏（应读 {length} 字节，读到 {len(data)} 字节）")
        return data


_PICKLE = 5  # a fixed protocol: the workers and the parent run the same Python


@functools.cache
def _zdict() -> bytes:
    """What the findings of every file repeat — the rules' names, texts and message templates,
    a finding's pickled shape — as zlib's preset dictionary (its last 32 KB count)."""
    from ..checker.catalogue import RULES

    words = "".join(f"{r.code}{r.name}{r.rule_text}{r.template}{r.severity}" for r in RULES).encode()
    shape = pickle.dumps([Finding("", "", "", "", "", "", "", "", None, None, "")], protocol=_PICKLE)
    return (words + shape)[-32768:]


def pack(values: dict[str, Number], previous: dict[str, Number], findings: list[Finding]) -> bytes:
    if not values and not previous and not findings:
        return b""
    figures = tuple(values.get(cid) for cid in INPUT_IDS)  # aligned to the input cells: no keys kept
    z = zlib.compressobj(9, zdict=_zdict())
    return z.compress(pickle.dumps((figures, previous, findings), protocol=_PICKLE)) + z.flush()


def unpack(packed: bytes) -> tuple[dict[str, Number], dict[str, Number], list[Finding]]:
    if not packed:
        return {}, {}, []
    z = zlib.decompressobj(zdict=_zdict())
    figures, previous, findings = pickle.loads(z.decompress(packed) + z.flush())
    return {cid: v for cid, v in zip(INPUT_IDS, figures) if v is not None}, previous, findings


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
    from ..commands.validate import _reason, check_failed, check_loaded, read_report

    p = Path(path)
    facts = _facts(p, name)
    junk = junk_reason(p)
    if junk:
        facts.ignored = junk
        return facts
    try:
        report = read_report(p)
    except GiarError as e:
        facts.keep(CheckResult(facts.shown, error=_reason(e)))
        return facts
    if isinstance(report.meta, dict) and isinstance(report.meta.get("aggregate"), dict):
        facts.ignored = "这是 giar-xl 生成的汇总工作簿，不重复计入"
        return facts
    if resolver is not None:
        unit = _listed_unit(report, facts.name, p, index, mapping) if index is not None else None
        previous, facts.last_year = resolver.lookup(report, p, unit)
    try:
        result = check_loaded(report, p, previous, previous_error)
    except Exception as e:  # a checker bug on one odd file is listed, not fatal
        facts.keep(CheckResult(facts.shown, error=check_failed(p, e)))
        return facts
    facts.agency = report.agency
    facts.year = report.year
    facts.published = report.published
    facts.meta = _record(report) or None
    facts.keep(result, _numbers(report.values, INPUT_IDS), _numbers(report.previous))
    return facts


def _facts(p: Path, name: str | None) -> FileFacts:
    path, shown = str(p), readable_path(p)
    return FileFacts(path, path if shown == path else shown, name or readable_path(p.name), mtime_of(p))


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


class Examine:
    """``examine`` with this run's settings, sent once to each worker process (it pickles:
    last year's index, the units list and the 对应表 are plain data)."""

    def __init__(self, previous: Report | None, resolver: PreviousResolver | None,
                 previous_error: str | None, index: UnitIndex | None, mapping: Mapping | None):
        self.previous, self.resolver, self.previous_error = previous, resolver, previous_error
        self.index, self.mapping = index, mapping

    def __call__(self, item: tuple[str, str | None]) -> FileFacts:
        path, name = item
        return examine(path, self.previous, self.resolver, self.previous_error, name=name,
                       index=self.index, mapping=self.mapping)


def _failed(item: tuple[str, str | None], e: BaseException) -> FileFacts:
    """A file whose worker died (or whose facts would not come back): listed, never fatal."""
    from ..commands.validate import check_failed

    path, name = item
    facts = _facts(Path(path), name)
    facts.keep(CheckResult(facts.shown, error=check_failed(path, e)))
    return facts


def examine_all(items: list[tuple[str, str | None]], *, previous: Report | None = None,
                resolver: PreviousResolver | None = None, previous_error: str | None = None,
                label: str = "校验", index: UnitIndex | None = None, mapping: Mapping | None = None,
                jobs: int | None = None) -> list[FileFacts]:
    """Every file's facts, in the order given, read and checked on every core
    (``batch.map_files``; ``jobs`` worker processes, default the core count).

    ``items``: (path, name in the county's tables or None for the file's own), ``match.named``.
    """
    from ..batch import map_files
    from .progress import progress

    work = Examine(previous, resolver, previous_error, index, mapping)
    done = map_files(work, items, jobs, on_error=_failed)
    spool = Spool()
    out = []
    try:
        with progress(items, label) as bar:
            for _ in bar:
                out.append(spool.keep(next(done)))
    finally:
        done.close()  # Ctrl-C: the workers stop now
    if resolver is not None:
        for f in out:
            if f.last_year is not None:
                resolver.record(f.path, f.last_year)
    return out
