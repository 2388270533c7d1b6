"""Where everything sits in the standard workbook, derived from the format spec.

The template builder writes by this layout and the reader reads by it (after
following the workbook's defined names, which move with inserted rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .a1 import a1, column_index, split
from .spec import FormatSpec, GridCell, IdentityInstance, SectionSpec, TableSpec

BINDING_SHEET = "_giar"
TITLE_ROW = 1
GRID_TOP = 3  # first row of a table's printed grid
NARRATIVE_TOP = 3  # first part row on a narrative sheet
COVER_FIRST_ROW = 3  # 机关名称 row on the cover
STATUS_LABEL = "勾稽检查"
BALANCED = "✓ 平衡"
UNBALANCED = "✗ 不平衡：差 "
NOT_NUMBER = "✗ 有空白或非数字"
PENDING = "○ 待填写"
# the live yellow mark of a blank or non-numeric input cell (conditional format, relative)
BLANK_RULE = "NOT(ISNUMBER({cell}))"


def grid_address(cell: GridCell, top: int = GRID_TOP) -> str:
    return a1(top + cell.r, 1 + cell.c)


def grid_range(cell: GridCell, top: int = GRID_TOP) -> str:
    end = a1(top + cell.r + cell.rowspan - 1, cell.c + cell.colspan)
    start = grid_address(cell, top)
    return start if start == end else f"{start}:{end}"


@dataclass(frozen=True)
class Place:
    """Where an id sits in the standard workbook, and what kind of cell it is."""

    id: str
    sheet: str
    address: str
    kind: str  # "value", "formula", "text", "cover"
    label: str


def defined_name(cid: str) -> str:
    """Workbook-level name bound to a cell id ("t3.new.natural" → "giar_t3_new_natural")."""
    return "giar_" + cid.replace(".", "_")


def table_sheet(spec: FormatSpec, table: TableSpec) -> str:
    return spec.section_of_table(table.key).sheet


def status_row(table: TableSpec) -> int:
    """The row of live status cells under a table (one row after the grid)."""
    return GRID_TOP + table.n_rows


@lru_cache(maxsize=None)
def places(spec: FormatSpec) -> dict[str, Place]:
    out: dict[str, Place] = {}
    for i, part in enumerate(spec.cover):
        out[part.id] = Place(part.id, spec.cover_sheet, a1(COVER_FIRST_ROW + i, 2), "cover",
                             part.label)
    for section in spec.sections:
        if section.table is not None:
            value_cells = {c.id: c for c in section.table.cells}
            for g in section.table.grid:
                if g.value is not None:
                    vc = value_cells[g.value]
                    out[g.value] = Place(g.value, section.sheet, grid_address(g),
                                         "value" if vc.is_input else "formula",
                                         f"{vc.row_label} / {vc.col_label}")
        for i, part in enumerate(section.parts):
            out[part.id] = Place(part.id, section.sheet, narrative_address(section, i), "text",
                                 part.label or "总述")
    return out


def narrative_address(section: SectionSpec, index: int) -> str:
    # each part: a heading row (label + hint), then the large input row
    return a1(NARRATIVE_TOP + 2 * index + 1, 1)


def narrative_heading_address(section: SectionSpec, index: int) -> str:
    return a1(NARRATIVE_TOP + 2 * index, 1)


def expected_formula(spec: FormatSpec, cid: str) -> str | None:
    """The template's formula for a derived cell, e.g. "=SUM(D6:I6)"; None for inputs."""
    vc = spec.value_cell(cid)
    if vc.is_input:
        return None
    where = places(spec)
    refs = [where[x].address for x in vc.formula_of]
    return "=SUM(" + compact_refs(refs) + ")"


def compact_refs(refs: list[str]) -> str:
    """Join addresses as ranges where they are contiguous in one row or column."""
    coords = [split(r) for r in refs]
    cols = [column_index(c) for c, _ in coords]
    rows = [r for _, r in coords]
    same_row = len(set(rows)) == 1 and cols == list(range(cols[0], cols[0] + len(cols)))
    same_col = len(set(cols)) == 1 and rows == list(range(rows[0], rows[0] + len(rows)))
    if len(refs) > 1 and (same_row or same_col):
        return f"{refs[0]}:{refs[-1]}"
    return ",".join(refs)


def status_cells(spec: FormatSpec) -> list[tuple[IdentityInstance, str, str]]:
    """(identity, sheet, address) of each live status cell: one per instance without a formula."""
    out = []
    where = places(spec)
    for inst in spec.identities:
        if inst.formula_cell is not None:
            continue
        table = next(t for t in spec.tables if t.key == inst.spec.table)
        col = where[inst.lhs[0]].address.rstrip("0123456789")
        out.append((inst, table_sheet(spec, table), f"{col}{status_row(table)}"))
    return out


def this_years(spec: FormatSpec, inst: IdentityInstance) -> tuple[str, ...]:
    """The relation's cells that only this year's own figures fill: not a carry-over."""
    carried = {this for this, _ in spec.carried_over}
    return tuple(x for x in inst.lhs + inst.rhs if x not in carried)


def status_formula(spec: FormatSpec, inst: IdentityInstance) -> str:
    """A plain-function status formula: works in Excel, WPS and LibreOffice.

    A relation that holds a carry-over (prefilled by distribute) is not out of balance while
    every one of this year's own cells is still 0: it is still to fill (``PENDING``).
    """
    where = places(spec)
    lhs = "+".join(where[x].address for x in inst.lhs)
    rhs = "+".join(where[x].address for x in inst.rhs)
    cells = ",".join(where[x].address for x in inst.lhs + inst.rhs)
    n = len(inst.lhs) + len(inst.rhs)
    unbalanced = f'"{UNBALANCED}"&ABS(({lhs})-({rhs}))'
    own = this_years(spec, inst)
    if len(own) < n:
        zero = ",".join(f"{where[x].address}=0" for x in own)
        unbalanced = f'IF(AND({zero}),"{PENDING}",{unbalanced})'
    return (f'=IF(COUNT({cells})<{n},"{NOT_NUMBER}",'
            f'IF(({lhs})=({rhs}),"{BALANCED}",{unbalanced}))')


def row_title(spec: FormatSpec, cid: str) -> str:
    """A value cell's row as its outermost label names it, without the item number:
    "本年新收政府信息公开申请数量"; R24 "本年度办理结果" (the group of the results)."""
    vc = spec.value_cell(cid)
    table = next(t for t in spec.tables if t.key == vc.table)
    row = next(g.r for g in table.grid if g.value == cid)
    labels = sorted((g for g in table.grid if g.role in ("label", "group")
                     and g.r <= row < g.r + g.rowspan), key=lambda g: g.c)
    return _ITEM.sub("", labels[0].text) if labels else vc.row_label


def pending_words(spec: FormatSpec, inst: IdentityInstance) -> str:
    """What is still to fill, e.g. "本年新收政府信息公开申请数量、本年度办理结果、… 待填写（… 已预填）"."""
    carried = [x for x in inst.lhs + inst.rhs if x not in this_years(spec, inst)]
    own = "、".join(dict.fromkeys(row_title(spec, x) for x in this_years(spec, inst)))
    done = "、".join(dict.fromkeys(row_title(spec, x) for x in carried))
    return f"{own}待填写（{done}已预填）"


_ITEM = re.compile(r"^([一二三四五六七八九十]+)、")


def row_words(spec: FormatSpec, cid: str) -> str:
    """How the format names a value cell's row in a sum: "一" for "一、本年新收…", else its label.

    The label is the row's own (rightmost) label in the printed grid, so table 三's
    R24 reads "（七）总计", not the group it sits in.
    """
    vc = spec.value_cell(cid)
    table = next(t for t in spec.tables if t.key == vc.table)
    row = next(g.r for g in table.grid if g.value == cid)
    labels = sorted((g for g in table.grid
                     if g.role == "label" and g.r <= row < g.r + g.rowspan), key=lambda g: g.c)
    label = labels[-1].text if labels else vc.row_label
    m = _ITEM.match(label)
    return m.group(1) if m else label


def identity_words(spec: FormatSpec, inst: IdentityInstance) -> str:
    """An identity in the format's own words, e.g. "一 + 二 = （七）总计 + 四"."""
    def side(ids: tuple[str, ...]) -> str:
        return " + ".join(row_words(spec, x) for x in ids)
    return f"{side(inst.lhs)} = {side(inst.rhs)}"
