"""Types that describe a report format as data.

A format (``FormatSpec``) is a list of sections; table sections hold a
``TableSpec`` (value cells plus the printed grid), narrative sections hold
``TextPart`` entries. Identities are stored once per family (``IdentitySpec``)
and expanded to one ``IdentityInstance`` per row or column that they bind.
Everything downstream (template, reader, schema, checker, exports, importer)
reads these objects; no module types a label of the format a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

ValueKind = Literal["count", "amount"]
Severity = Literal["错误", "提示"]
# How firmly the format asks for a text part. The word is printed after the part's heading in
# the workbook, and a blank part (its section not making up for it) costs what BLANK_COSTS says.
Need = Literal["必填", "应填", "选填"]
BLANK_COSTS: dict[str, Severity | None] = {"必填": "错误", "应填": "提示", "选填": None}


def _memo_hash(self) -> int:
    """The dataclass hash, computed once: specs are deep frozen trees, and hashing one
    on every ``lru_cache`` lookup (``layout.places(spec)``) dominated the checker's time."""
    h = self.__dict__.get("_hash")
    if h is None:
        h = hash(tuple(getattr(self, f.name) for f in fields(self)))
        object.__setattr__(self, "_hash", h)
    return h


@dataclass(frozen=True)
class TextPart:
    """One narrative field: a section part or a cover field."""

    id: str
    label: str  # the sub-head as printed, e.g. "（一）主动公开"; "" for an untitled intro
    hint: str  # what belongs there, shown to the clerk
    # 必填: the format requires it, a blank is an error; 应填: the format asks for it on a
    # reading not confirmed ([R] in docs/format.md), a blank is a hint; 选填: optional
    need: Need = "必填"
    # words any of which show that the section covers the part's topic (narrative rules,
    # and the importer's sub-head matching)
    keywords: tuple[str, ...] = ()
    # looser words that suggest the topic without showing it ("管理" is in every 管理局's
    # name): a section with only these gets a hint, not an error
    phrasings: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        """A blank is an error (N01); an 应填 part has its own hint rule."""
        return self.need == "必填"

    @property
    def blank_costs(self) -> Severity | None:
        return BLANK_COSTS[self.need]


@dataclass(frozen=True)
class ValueCell:
    """A number cell of a table: its id, labels, kind and, for a total, the cells it adds."""

    id: str
    table: str  # "t2", "t3", "t4"
    row: str  # row key within the table
    col: str  # column key within the table
    row_label: str  # the row's label(s) in words, e.g. "三、本年度办理结果 / （一）予以公开"
    col_label: str
    kind: ValueKind = "count"
    unit: str = "件"
    # ids summed by this cell's formula, or () for an input cell
    formula_of: tuple[str, ...] = ()

    @property
    def is_input(self) -> bool:
        return not self.formula_of


@dataclass(frozen=True)
class GridCell:
    """A cell of a table as the national format prints it.

    ``r``/``c`` are 0-based positions in the table's own grid; spans follow
    HTML semantics. ``value`` names a ValueCell id; otherwise ``text`` is a
    printed label. ``role`` tells renderers what the cell is.
    """

    r: int
    c: int
    text: str = ""
    value: str | None = None
    rowspan: int = 1
    colspan: int = 1
    role: Literal["title", "header", "label", "group", "note", "value", "blank"] = "label"


@dataclass(frozen=True)
class IdentitySpec:
    """A family of identities, stated once; its instances bind it to rows or columns."""

    code: str  # stable, e.g. "I1"
    table: str
    name: str  # readable name
    text: str  # the rule as printed in docs, e.g. "R1 + R2 = R24 + R25"
    severity: Severity = "错误"


@dataclass(frozen=True)
class IdentityInstance:
    """An identity bound to one row or column: the ids on each side."""

    spec: IdentitySpec
    scope: str  # the row or column it binds, in words, e.g. "自然人"
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    # the ValueCell id that a template formula computes from the rhs, if any;
    # None means the template carries a live status cell for this instance
    formula_cell: str | None = None

    @property
    def code(self) -> str:
        return self.spec.code


@dataclass(frozen=True)
class TableSpec:
    """A table of the format: its value cells and the printed grid."""

    key: str  # "t2"
    title: str  # section heading printed above the table
    cells: tuple[ValueCell, ...]
    grid: tuple[GridCell, ...]
    n_rows: int
    n_cols: int
    col_widths: tuple[float, ...]  # relative widths (Excel character units)
    note: str = ""

    __hash__ = _memo_hash

    def cell(self, cid: str) -> ValueCell:
        for c in self.cells:
            if c.id == cid:
                return c
        raise KeyError(cid)


@dataclass(frozen=True)
class SectionSpec:
    """A section of the report: its sheet, heading, text parts and table."""

    key: str  # "s1" … "s6"
    number: str  # "一"
    heading: str  # "一、总体情况"
    sheet: str  # worksheet name in the workbook
    kind: Literal["narrative", "table"]
    parts: tuple[TextPart, ...] = ()
    table: TableSpec | None = None


@dataclass(frozen=True)
class FormatSpec:
    """A report format: cover, sections and identities."""

    id: str  # "giar-2021"
    version: str  # template layout version, bumped on any layout change
    name: str
    source: str  # the notice that issued the format
    cover: tuple[TextPart, ...]
    cover_sheet: str
    sections: tuple[SectionSpec, ...]
    identities: tuple[IdentityInstance, ...]
    markers_2019: tuple[str, ...] = field(default=())
    # what the published document calls itself, after "<机关名称><年度>年"
    document_title: str = ""
    # figures that continue last year's report: (this year's cell, last year's cell); distribute
    # prefills them, and until the year's own figures are entered the live checks say so
    carried_over: tuple[tuple[str, str], ...] = ()

    __hash__ = _memo_hash

    @property
    def tables(self) -> tuple[TableSpec, ...]:
        return tuple(s.table for s in self.sections if s.table is not None)

    @property
    def value_cells(self) -> tuple[ValueCell, ...]:
        cells = self.__dict__.get("_vcells")  # computed once: the checker asks for it per rule
        if cells is None:
            cells = tuple(c for t in self.tables for c in t.cells)
            object.__setattr__(self, "_vcells", cells)
        return cells

    @property
    def text_parts(self) -> tuple[TextPart, ...]:
        return self.cover + tuple(p for s in self.sections for p in s.parts)

    def value_cell(self, cid: str) -> ValueCell:
        return self._value_index()[cid]

    def _value_index(self) -> dict[str, ValueCell]:
        idx = self.__dict__.get("_vidx")
        if idx is None:
            idx = {c.id: c for c in self.value_cells}
            object.__setattr__(self, "_vidx", idx)
        return idx

    def section_of_table(self, table_key: str) -> SectionSpec:
        for s in self.sections:
            if s.table is not None and s.table.key == table_key:
                return s
        raise KeyError(table_key)


CHINESE_NUMERALS = "一二三四五六七八九十"


def numbered_headings(parts: tuple[TextPart, ...], present: set[str] | None = None) -> dict[str, str]:
    """Sub-heads "（一）主动公开" … for titled parts, numbered in order.

    With ``present`` (ids of non-empty parts), only those are numbered, so a
    published report never skips a number.
    """
    out: dict[str, str] = {}
    n = 0
    for p in parts:
        if not p.label or (present is not None and p.id not in present):
            continue
        out[p.id] = f"（{CHINESE_NUMERALS[n]}）{p.label}"
        n += 1
    return out
