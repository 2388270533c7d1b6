"""One view of every unit: which file stands for it, its status, whether it is counted.

Built from the files' facts (``collect``), the units list (``identity.UnitIndex``) and
the officer's 对应表 (``mapping``). Rules:

- A file counts for a unit only when its clues agree (``identity.weigh``) or the 对应表
  says so. A conflict is counted for no one; the units it names show 冲突 until resolved.
- Files of another report year never compete with this year's: of a unit's files for
  the year, the newest (modification time) is used and the others listed. A unit whose
  only files are for another year is 年度不符 — caught from the workbook's own record
  (``distributed_for``) as well as its cover.
- The newest file stands for the unit even when it has errors or cannot be read: an
  older clean copy is what the unit replaced, not a fallback to count instead.
- A body outside the list is never counted; without a units list every body found is.
- A unit with 错误 is counted only when asked (``include_errors``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..checker.narrative import report_year
from .collect import FileFacts
from .identity import CONFLICT as V_CONFLICT
from .identity import COVER, FILE_NAME, LISTED, RECORD
from .identity import UnitIndex, Verdict, county_prefixes, name_keys, weigh
from .mapping import COUNT, EXCLUDE, RETURN, Decision, Mapping
from .match import stem_key
from .status import (CONFLICT, EXCLUDED, FILE_CONFLICT, FILE_OUTSIDE, HAS_ERRORS, IGNORED,
                     MISSING, OLDER, OTHER_YEAR, OUTSIDE, RESUBMIT, RETURNED, STATE_ORDER, STRAY,
                     SUBMITTED, UNREADABLE, USED, WRONG_YEAR)
from .units import Unit, unit_key

HOW = {RECORD: "按分发记录", FILE_NAME: "按文件名", COVER: "按封面机关名称", "对应表": "按对应表"}


@dataclass(slots=True)
class FileRow:
    """One input file and what became of it."""

    facts: FileFacts
    role: str = USED
    unit: str | None = None  # the unit it was placed with (a listed unit, or a body outside)
    verdict: Verdict | None = None
    decision: Decision | None = None
    note: str = ""

    @property
    def year_label(self) -> str:
        y = self.facts.year
        return "" if y is None else str(y)


@dataclass(slots=True)
class UnitRow:
    name: str
    unit: Unit | None  # None: a body outside the list, or found without a list
    status: str = MISSING
    counted: bool = False
    used: FileRow | None = None
    # tuples, mostly the shared empty one: a row per unit of a province is kept
    others: tuple[FileRow, ...] = ()
    conflicts: tuple[FileRow, ...] = ()  # conflict files naming this unit
    identified_by: str | None = None
    notes: list[str] = field(default_factory=list)
    reason: str = ""  # why the status, in one line (the first error, the year, why unreadable …)

    @property
    def listed(self) -> bool:
        return self.unit is not None

    @property
    def facts(self) -> FileFacts | None:
        return self.used.facts if self.used is not None else None

    def _result_count(self, what: str) -> int | None:
        f = self.facts
        return getattr(f, what) if f is not None and f.readable else None

    @property
    def errors(self) -> int | None:
        return self._result_count("errors")

    @property
    def warnings(self) -> int | None:
        return self._result_count("warnings")

    @property
    def explained(self) -> int | None:
        return self._result_count("explained")

    @property
    def note(self) -> str:
        return "；".join(n for n in self.notes if n)

    @property
    def kind(self) -> str | None:
        return self.unit.kind if self.unit is not None else None


@dataclass
class CountyView:
    year: int | None
    units: list[UnitRow]
    files: list[FileRow]
    listed: bool  # a units list was given
    include_errors: bool = False
    mapping_unused: list[Decision] = field(default_factory=list)

    def count(self, *states: str) -> int:
        return sum(1 for u in self.units if u.status in states)

    @property
    def counted(self) -> list[UnitRow]:
        return [u for u in self.units if u.counted]

    @property
    def conflicts(self) -> list[FileRow]:
        return [f for f in self.files if f.role == FILE_CONFLICT]

    @property
    def left_out(self) -> list[UnitRow]:
        """Units (listed or found) not in the totals, with their reason in ``status``/``note``."""
        return [u for u in self.units if not u.counted]

    @property
    def complete(self) -> bool:
        return all(u.status == SUBMITTED and u.counted for u in self.units) and not any(
            f.role in (FILE_CONFLICT, STRAY) for f in self.files)

    @property
    def exit_code(self) -> int:
        # as validate: 2 when a file could not be read, 1 for 错误 or any unit not in order
        if self.count(UNREADABLE) or any(f.role == STRAY for f in self.files):
            return 2
        errors = any(u.errors for u in self.units if u.status != OUTSIDE)
        return 0 if self.complete and not errors else 1

    def ordered(self) -> list[UnitRow]:
        """Problems first (what the office acts on), then the list's own order."""
        return sorted(self.units, key=lambda u: (STATE_ORDER.get(u.status, 99),
                                                 u.unit.row if u.unit else 10**9, u.name))


def majority_year(facts: list[FileFacts]) -> int | None:
    years = Counter(report_year(f.year) for f in facts if f.readable and not f.ignored)
    years.pop(None, None)
    if not years:
        return None
    top = max(years.values())
    return max(y for y, n in years.items() if n == top)  # a tie: the later year


def _year_ok(f: FileFacts, year: int | None) -> bool:
    if year is None or not f.readable:
        return True  # an unreadable file's year is unknown: it may be this year's
    recorded = report_year(f.record.get("distributed_for"))
    return report_year(f.year) == year and recorded in (None, year)


def _newest_first(rows: list[FileRow]) -> list[FileRow]:
    return sorted(rows, key=lambda r: (-r.facts.mtime, r.facts.name, r.facts.path))


def _year_note(f: FileFacts, year: int | None) -> str:
    recorded = report_year(f.record.get("distributed_for"))
    shown = report_year(f.year)
    parts = [f"封面报告年度为 {f.year if f.year not in (None, '') else '空'}"]
    if recorded is not None and recorded != shown:
        parts.append(f"工作簿是为 {recorded} 年度下发的")
    return "，".join(parts) + f"（本次为 {year} 年度）"


def _first_error(f: FileFacts) -> str:
    if f.result is None or not f.readable:
        return ""
    errors = [x for x in f.result.findings if x.severity == "错误"]
    if not errors:
        return ""
    x = errors[0]
    where = " ".join(v for v in (x.sheet, x.cell) if v)
    more = f"（共 {len(errors)} 处错误）" if len(errors) > 1 else ""
    return f"{where + '：' if where else ''}{x.message}{more}"


def _place(f: FileFacts, index: UnitIndex | None, mapping: Mapping | None) -> FileRow:
    row = FileRow(f)
    if f.ignored:
        row.role, row.note = IGNORED, f.ignored
        return row
    decision = mapping.for_file(f.path) if mapping is not None else None
    if index is not None:
        row.verdict = weigh(index.evidence(f.record if f.readable else None, f.name,
                                           f.agency if f.readable else None))
    if decision is not None:
        row.decision = decision
        if decision.action == EXCLUDE:
            row.role, row.note = EXCLUDED, decision.describe()
        else:
            row.unit = decision.unit
        return row
    if index is None:
        # no list: each body the files name is a unit of its own; a file that cannot be
        # read names no body (its file name is no evidence without a list to read it against)
        if not f.readable:
            row.role, row.note = STRAY, f.error or ""
            return row
        text = (f.record.get("unit") if isinstance(f.record.get("unit"), str) else None) or f.agency
        row.unit = (text or "").strip() or stem_key(f.name) or f.name
        return row
    v = row.verdict
    if v.kind == LISTED:
        row.unit = v.unit
    elif v.kind == V_CONFLICT:
        row.role = FILE_CONFLICT
        row.note = "；".join(e.describe() for e in v.evidence)
    elif not f.readable:
        row.role = STRAY
        row.note = f.error or ""
    else:
        row.role = FILE_OUTSIDE
        row.unit = (f.agency or "").strip() or str(f.record.get("unit") or "") or stem_key(f.name) or f.name
        row.note = "；".join(e.describe() for e in v.evidence)
    return row


def _group_key(name: str, prefixes: tuple[str, ...] = ()) -> str:
    keys = name_keys(name, prefixes)
    return keys[-1] if keys else unit_key(name)


def build_view(facts: list[FileFacts], *, index: UnitIndex | None = None,
               mapping: Mapping | None = None, year: int | None = None,
               include_errors: bool = False) -> CountyView:
    chosen = year if year is not None else majority_year(facts)
    files = [_place(f, index, mapping) for f in facts]
    listed = index is not None
    rows: dict[str, UnitRow] = {}
    if index is not None:
        for u in index.units:
            rows[u.name] = UnitRow(u.name, u)
    attributed: dict[str, list[FileRow]] = {}
    # bodies found without a list (or outside it) are told apart by their names, normalised
    # as the list's are: "交通运输局" and "某某县交通运输局" are one body
    found = [fr.unit for fr in files if fr.unit is not None and (index is None or fr.role == FILE_OUTSIDE)]
    prefixes = index.prefixes if index is not None else county_prefixes(found)
    for fr in files:
        if fr.unit is None or fr.role != USED and fr.role != FILE_OUTSIDE:
            continue
        if fr.role == FILE_OUTSIDE or index is None:
            key = _group_key(fr.unit, prefixes)
            key = "外:" + key if fr.role == FILE_OUTSIDE else key
            if key not in rows:
                rows[key] = UnitRow(fr.unit, None, OUTSIDE if fr.role == FILE_OUTSIDE else MISSING)
            attributed.setdefault(key, []).append(fr)
        else:
            attributed.setdefault(fr.unit, []).append(fr)
    for fr in files:
        if fr.role == FILE_CONFLICT and fr.verdict is not None:
            for name in fr.verdict.named:
                if name in rows:
                    rows[name].conflicts += (fr,)
    for key, row in rows.items():
        _settle(row, attributed.get(key, []), chosen, include_errors)
    view = CountyView(chosen, list(rows.values()), files, listed, include_errors,
                      mapping.unused() if mapping is not None else [])
    return view


def _settle(row: UnitRow, mine: list[FileRow], year: int | None, include_errors: bool) -> None:
    """Choose the unit's file, its status and whether it counts."""
    in_year = _newest_first([r for r in mine if _year_ok(r.facts, year)])
    other_year = _newest_first([r for r in mine if not _year_ok(r.facts, year)])
    outside = row.status == OUTSIDE
    if in_year:
        row.used = in_year[0]
        for r in in_year[1:]:
            r.role, r.note = OLDER, f"同一单位以较新的“{row.used.facts.name}”为准"
        for r in other_year:
            r.role, r.note = OTHER_YEAR, _year_note(r.facts, year)
    elif other_year:
        row.used = other_year[0]
        for r in other_year[1:]:
            r.role, r.note = OLDER, f"同一单位以较新的“{row.used.facts.name}”为准"
    used = row.used
    if used is None:
        if row.conflicts:
            row.status = CONFLICT
            row.reason = ("有文件可能是本单位的，但线索不一致，未计入："
                          + "、".join(f"“{c.facts.name}”" for c in row.conflicts) + "（见冲突清单）")
            row.notes.append(row.reason)
        else:
            row.status = MISSING
            row.reason = "未收到报告"
            if row.unit is not None:
                row.notes.append(f"单位名单第 {row.unit.row} 行")
        return
    f = used.facts
    if used.decision is not None:
        row.identified_by = "对应表"
        row.notes.append(used.decision.describe())
    elif used.verdict is not None and used.verdict.how is not None:
        row.identified_by = used.verdict.how
        if used.verdict.how != RECORD:
            row.notes.append(f"{HOW[used.verdict.how]}对应")
        row.notes += used.verdict.notes()
    if outside:
        used.role = FILE_OUTSIDE
        row.reason = "不在单位名单中，未计入；应计入的请把单位加进名单"
    elif used.decision is not None and used.decision.action == RETURN:
        used.role = RETURNED
        row.status = RESUBMIT
        row.reason = used.decision.reason or "对应表写明退回"
    elif not f.readable:
        row.status = UNREADABLE
        row.reason = f.error or ""
    elif not in_year:
        row.status = WRONG_YEAR
        used.role = OTHER_YEAR
        row.reason = _year_note(f, year)
    elif f.errors:
        row.status = HAS_ERRORS
        row.reason = _first_error(f)
    else:
        row.status = SUBMITTED
    if row.reason and row.reason not in row.notes:
        row.notes.append(row.reason)
    if used.decision is not None and used.decision.action == COUNT and used.verdict is not None:
        cover = next((e for e in used.verdict.evidence if e.source == COVER), None)
        if cover is not None and cover.unit != row.name:
            row.notes.append(f"封面机关名称为“{cover.text}”，请单位改正封面")
    if row.conflicts and row.status != CONFLICT:
        row.notes.append("另有线索不一致的文件也指向本单位：" + "、".join(f"“{c.facts.name}”" for c in row.conflicts))
    others = tuple(r for r in mine if r is not used)
    row.others = others
    if others:
        row.notes.append("未采用的文件：" + "、".join(f"“{r.facts.name}”（{r.role}）" for r in others))
    row.counted = not outside and (row.status == SUBMITTED or (row.status == HAS_ERRORS and include_errors))
