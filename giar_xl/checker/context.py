"""What every rule kind sees: the report, where each id sits, and the table as it stands.

The table "as it stands" (``claimed``) is what a reader of the printed report
sees: input cells as typed; a total whose template formula is intact is
recomputed here from its inputs (never the workbook's cached value, which
openpyxl-written files do not have); a total typed over by hand is the typed
number; a total whose formula was altered is unknown (the formula rule reports it).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..layout import Place, _compact as compact_refs, expected_formula, places
from ..report import Report
from ..spec import FormatSpec, ValueCell
from .findings import Finding

Number = int | float
_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]+)$")


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
        return f"{value:.10g}"
    if isinstance(value, int):
        return str(value)
    return f"“{value}”"


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def plain(value: Any) -> Any:
    """A JSON scalar for Finding.expected/actual (integral floats become ints)."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if value is None or isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    return str(value)


def a1_key(address: str | None) -> tuple[int, int]:
    """Sort key (row, column) of an A1 address; unknown addresses last."""
    m = _A1.match(address or "")
    if not m:
        return (10**9, 10**9)
    letters, row = m.groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return (int(row), col)


@dataclass
class CheckContext:
    report: Report
    previous: Report | None = None
    today: date = field(default_factory=date.today)

    def __post_init__(self) -> None:
        self.spec: FormatSpec = self.report.spec
        self.places: dict[str, Place] = places(self.spec)
        # provenance: the report came from a workbook and names its cells
        self.from_workbook = bool(self.report.cells)
        self._claimed: dict[str, Number | None] = {}

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

    # ------------------------------------------------------------ formulas
    def formula_state(self, vc: ValueCell) -> str:
        """For a derived cell: "intact", "overwritten", "altered", or "data" (no workbook)."""
        rec = self.report.cells.get(vc.id)
        if rec is None:
            return "data"
        if rec.formula is None:
            return "overwritten"
        if normalise_formula(rec.formula) == normalise_formula(self.expected_formula(vc)):
            return "intact"
        return "altered"

    def expected_formula(self, vc: ValueCell) -> str | None:
        """The template's formula, with its terms where they now are: Excel rewrites
        formulas when rows are inserted (that move is reported once, as structure)."""
        standard = expected_formula(self.spec, vc.id)
        terms = [self.locate(x) for x in vc.formula_of]
        if all(self.places[x].address == a for x, (_, a) in zip(vc.formula_of, terms)):
            return standard
        if any(a is None or s != self.locate(vc.id)[0] for s, a in terms):
            return standard
        return "=SUM(" + compact_refs([a for _, a in terms]) + ")"

    def recomputed(self, vc: ValueCell) -> Number | None:
        """A derived cell's value from its formula's terms as they stand."""
        terms = [self.claimed(x) for x in vc.formula_of]
        if any(t is None for t in terms):
            return None
        return tidy_sum(terms)

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
            elif state == "altered":
                out = None
            else:
                out = self.report.number(cid)
        if out is not None and not is_number(out):
            out = None
        self._claimed[cid] = out
        return out

    def is_checked_value(self, vc: ValueCell) -> bool:
        """Whether the cell's content is the clerk's own entry (inputs, and totals in plain data)."""
        return vc.is_input or self.formula_state(vc) == "data"

    # ------------------------------------------------------------ texts
    def section_text(self, section_key: str) -> str:
        section = next(s for s in self.spec.sections if s.key == section_key)
        return "\n".join(self.report.texts.get(p.id) or "" for p in section.parts)

    def finding(self, rule: Any, *, rid: str | None = None, sheet: str | None = None,
                cell: str | None = None, row_label: str | None = None,
                col_label: str | None = None, expected: Any = None, actual: Any = None,
                rule_text: str | None = None, **words: Any) -> Finding:
        if rid is not None:
            s, c = self.locate(rid)
            sheet, cell = sheet or s, cell or c
            rl, cl = self.labels(rid)
            row_label, col_label = row_label or rl, col_label or cl
        fill = {"expected": show(expected), "actual": show(actual), **words}
        return Finding(code=rule.code, name=rule.name, severity=rule.severity,
                       message=rule.template.format(**fill), sheet=sheet, cell=cell,
                       row_label=row_label, col_label=col_label, expected=plain(expected),
                       actual=plain(actual), rule_text=rule_text or rule.rule_text, id=rid)


def tidy_sum(terms: list[Number]) -> Number:
    """Sum without float noise (0.1 + 0.2 → 0.3): fees carry at most a few decimals."""
    total = math.fsum(terms)
    if all(isinstance(t, int) for t in terms):
        return int(total)
    return round(total, 9)
