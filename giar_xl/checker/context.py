"""What every rule kind sees: the report, where each id sits, and the table as it stands.

The table "as it stands" (``claimed``) is what a reader of the printed report
sees: input cells as typed; a total whose template formula is intact is
recomputed here from its inputs (never the workbook's cached value, which
openpyxl-written files do not have); a total typed over by hand is the typed
number; a total whose formula was altered is unknown (the formula rule reports it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Any

from ..a1 import column_index, column_letter, split
from ..formula import Unsupported, as_typed, exact, parse, plain_number
from ..layout import Place, compact_refs, expected_formula, places, status_cells
from ..report import Report
from ..spec import FormatSpec, ValueCell
from .findings import Finding

Number = int | float


def normalise_formula(text: str | None) -> str:
    """Formula text compared loosely: LibreOffice and Excel differ in case, spaces and "$"."""
    if text is None:
        return ""
    t = text.strip().upper().replace(" ", "").replace("$", "")
    return t if t.startswith("=") else "=" + t


def show(value: Any) -> str:
    """A value as a clerk reads it in a message."""
    if value is None:
        return "空白"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return format(as_typed(value), "f") if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return str(value)
    return f"“{value}”"


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def plain(value: Any) -> Any:
    """A JSON scalar for Finding.expected/actual (integral floats become ints)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or Infinity
    if isinstance(value, float) and value == int(value):
        return int(value)
    if value is None or isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    return str(value)


@lru_cache(maxsize=4096)
def standard_formula(spec: FormatSpec, cid: str) -> str:
    """The template's formula for a cell, normalised (computed once per cell)."""
    return normalise_formula(expected_formula(spec, cid))


def a1_key(address: str | None) -> tuple[int, int]:
    """Sort key (row, column) of an A1 address; unknown addresses last."""
    try:
        letters, row = split(address or "")
    except ValueError:
        return (10**9, 10**9)
    return (row, column_index(letters))


@dataclass
class CheckContext:
    """One check's view of a report: where each id sits, formula states, the table as it stands."""

    report: Report
    previous: Report | None = None
    today: date = field(default_factory=date.today)
    # why last year's file, given, could not be read (the cross-year rules then say so)
    previous_error: str | None = None

    def balance(self) -> list[Any]:
        """Which cells explain the identities that fail (computed once per check; the
        balance module is loaded only when one fails)."""
        if self._balance is None:
            if holds_on_whole_numbers(self):
                self._balance = []
            else:
                from .balance import blames

                self._balance = blames(self)
        return self._balance

    def __post_init__(self) -> None:
        self.spec: FormatSpec = self.report.spec
        self.places: dict[str, Place] = places(self.spec)
        # provenance: the report came from a workbook and names its cells
        self.from_workbook = bool(self.report.cells)
        self._claimed: dict[str, Number | None] = {}
        self._states: dict[str, str] = {}
        self._balance: list[Any] | None = None
        self._checked_values: list[ValueCell] | None = None
        # (sheet, address) → id of every cell the reader located
        self.by_place: dict[tuple[str, str], str] = {(r.sheet, r.address): rid
                                                     for rid, r in self.report.cells.items()}

    # ------------------------------------------------------------ places
    def locate(self, rid: str) -> tuple[str | None, str | None]:
        rec = self.report.cells.get(rid)
        if rec is not None:
            return rec.sheet, rec.address
        place = self.places.get(rid)
        return (place.sheet, place.address) if place else (None, None)

    def labels(self, rid: str) -> tuple[str | None, str | None]:
        """Row and column labels in words for a value, text or cover id."""
        try:
            vc = self.spec.value_cell(rid)
            return vc.row_label, vc.col_label
        except KeyError:
            pass
        for part in self.spec.cover:
            if part.id == rid:
                return self.spec.cover_sheet, part.label
        for section in self.spec.sections:
            for part in section.parts:
                if part.id == rid:
                    return section.heading, part.label or "总述"
        return None, None

    def status_place(self, inst: Any) -> tuple[str | None, str | None]:
        """Where the template shows a relation's live check (the row under table 三), moved
        with the table when rows or columns were inserted."""
        for i, sheet, address in status_cells(self.spec):
            if i is inst:
                anchor = inst.rhs[-1]  # the table's last value row, in the same column
                std = self.places[anchor].address
                now_sheet, now = self.locate(anchor)
                if now is None:
                    return sheet, address
                (c0, r0), (c1, r1), (cs, rs) = split(std), split(now), split(address)
                return now_sheet, f"{column_letter(column_index(cs) + column_index(c1) - column_index(c0))}{rs + r1 - r0}"
        return None, None

    # ------------------------------------------------------------ formulas
    def unreadable(self, rid: str) -> bool:
        """A workbook whose reader could not find this id (sheet or cell deleted): the
        structure rules report that once; value and text rules stay silent about it."""
        return self.from_workbook and rid not in self.report.cells

    def formula_state(self, vc: ValueCell) -> str:
        """For a derived cell: "intact", "overwritten", "altered", "missing", "blocked" (a
        cell it adds up was deleted with its row or column: nothing can confirm it, the
        structure note says why), or "data" (a report without a workbook: the total is a
        number like any other)."""
        state = self._states.get(vc.id)
        if state is None:
            state = self._states[vc.id] = self._formula_state(vc)
        return state

    def _formula_state(self, vc: ValueCell) -> str:
        rec = self.report.cells.get(vc.id)
        if self.report.values_only and rec is not None:
            return "data"  # an open book's values through xlwings: no formula text to judge
        if rec is None:
            return "missing" if self.from_workbook else "data"
        if any(self.unreadable(x) for x in vc.formula_of):
            return "blocked"
        if rec.formula is None:
            return "overwritten"
        return "intact" if self.formula_intact(vc, rec.formula) else "altered"

    def formula_intact(self, vc: ValueCell, formula: str) -> bool:
        """The formula adds exactly the template's terms, each once: the template's SUM,
        the same SUM after Excel moved it (its ranges then also cover inserted blank
        cells, which add nothing) or another way of writing it (=D8+E8+…). A term
        counted twice, one left out or another cell of the report added is not intact."""
        if normalise_formula(formula) == standard_formula(self.spec, vc.id):
            return True
        sheet = self.locate(vc.id)[0]
        try:
            form = parse(formula, sheet or "")
        except Unsupported:
            return False
        if form.constant != 0:
            return False
        wanted = {self.locate(x): 1 for x in vc.formula_of}
        if any(a is None for _, a in wanted):
            return False
        got = form.coefficients()
        of_report = {ref: k for ref, k in got.items() if ref in self.by_place}
        if of_report != wanted:
            return False
        # cells outside the report (inserted rows, the margin) must add nothing
        rec = self.report.cells.get(vc.id)
        if len(of_report) == len(got) or rec is None or rec.computed is None:
            return len(of_report) == len(got)
        terms = [self.report.number(x) for x in vc.formula_of]
        return exact(rec.computed) == sum((exact(t) or 0 for t in terms), start=exact(0))

    def expected_formula(self, vc: ValueCell) -> str | None:
        """The template's formula, with its terms where they now are."""
        standard = expected_formula(self.spec, vc.id)
        terms = [self.locate(x) for x in vc.formula_of]
        if any(a is None for _, a in terms) or all(
                self.places[x].address == a for x, (_, a) in zip(vc.formula_of, terms)):
            return standard
        return "=SUM(" + compact_refs([a for _, a in terms]) + ")"

    def recomputed(self, vc: ValueCell) -> Number | None:
        """A derived cell's value from its formula's terms as they stand: a blank or a
        text term counts 0, as SUM counts it (the value rules report that term once);
        None only when a term's own formula cannot be confirmed."""
        terms = [self.claimed(x) for x in vc.formula_of]
        if any(t is None and not self.is_blank_or_text(x) for t, x in zip(terms, vc.formula_of)):
            return None
        return tidy_sum([t or 0 for t in terms])

    def is_blank_or_text(self, cid: str) -> bool:
        """An input that SUM skips: blank, "/", "无", a number stored as text."""
        vc = self.spec.value_cell(cid)
        if not vc.is_input or self.unreadable(cid):
            return False
        rec = self.report.cells.get(cid)
        if rec is not None and rec.formula is not None:
            return False  # an input holding a formula: its value or its problem is its own
        v = self.report.values.get(cid)
        return v is None or isinstance(v, str)

    def claimed(self, cid: str) -> Number | None:
        """The number the table shows in this cell, or None when it shows no number."""
        if cid in self._claimed:
            return self._claimed[cid]
        vc = self.spec.value_cell(cid)
        if vc.is_input:
            out = self.report.number(cid)
        else:
            state = self.formula_state(vc)
            if state == "intact":
                out = self.recomputed(vc)
            elif state in ("altered", "missing", "blocked"):
                out = None
            else:
                out = self.report.number(cid)
        if out is not None and not is_number(out):
            out = None
        self._claimed[cid] = out
        return out

    def checked_values(self) -> list[ValueCell]:
        """The value cells ``is_checked_value`` admits, in spec order (decided once per check)."""
        if self._checked_values is None:
            self._checked_values = [vc for vc in self.spec.value_cells if self.is_checked_value(vc)]
        return self._checked_values

    def is_checked_value(self, vc: ValueCell) -> bool:
        """Whether the cell's content is the clerk's own entry (inputs, and totals in plain
        data); an input whose formula cannot be evaluated is reported as that (F06) alone."""
        if self.unreadable(vc.id):
            return False
        rec = self.report.cells.get(vc.id)
        if rec is not None and rec.formula_problem is not None:
            return False
        if vc.is_input or self.formula_state(vc) == "data":
            return True
        # a total typed over with a blank or text: reported as that blank or text
        v = self.report.values.get(vc.id)
        return self.formula_state(vc) == "overwritten" and (v is None or isinstance(v, str))

    # ------------------------------------------------------------ texts
    def section_text(self, section_key: str) -> str:
        section = next(s for s in self.spec.sections if s.key == section_key)
        return "\n".join(self.report.texts.get(p.id) or "" for p in section.parts)

    def finding(self, rule: Any, *, rid: str | None = None, sheet: str | None = None,
                cell: str | None = None, row_label: str | None = None,
                col_label: str | None = None, expected: Any = None, actual: Any = None,
                rule_text: str | None = None, cells: tuple[str, ...] = (),
                suspects: tuple[str, ...] = (), **words: Any) -> Finding:
        if rid is not None:
            s, c = self.locate(rid)
            sheet, cell = sheet or s, cell or c
            rl, cl = self.labels(rid)
            row_label, col_label = row_label or rl, col_label or cl
        fill = {"expected": show(expected), "actual": show(actual), **words}
        return Finding(code=rule.code, name=rule.name, severity=rule.severity,
                       message=rule.template.format(**fill), sheet=sheet, cell=cell,
                       row_label=row_label, col_label=col_label, expected=plain(expected),
                       actual=plain(actual), rule_text=rule_text or rule.rule_text, id=rid,
                       cells=tuple(cells), suspects=tuple(suspects))


def holds_on_whole_numbers(ctx: CheckContext) -> bool:
    """Every identity holds, decided on the whole numbers the table shows: a clean book
    needs no model. Any cell without a whole number (a blank, text, an amount, an
    altered formula) leaves the decision to the model, which sees the same values."""
    for inst in ctx.spec.identities:
        total = 0
        for ids, sign in ((inst.lhs, 1), (inst.rhs, -1)):
            for cid in ids:
                v = None if ctx.unreadable(cid) else ctx.claimed(cid)
                if type(v) is not int:
                    return False
                total += sign * v
        if total:
            return False
    return True


def tidy_sum(terms: list[Number]) -> Number:
    """The exact sum of the figures as typed (0.1 + 0.2 is 0.3; never float noise): an int
    when whole."""
    return plain_number(sum((exact(t) for t in terms), start=Fraction(0)))
