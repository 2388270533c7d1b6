"""What every renderer shares: the title, the narrative blocks, number formatting, grid walking.

The renderers never type a label of the format: headings, sub-heads and table
cells all come from ``report.spec``. This module turns the spec plus a Report
into plain structures (strings, lists) that the HTML, Word and text renderers
lay out in their own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..formula import as_typed
from ..report import Report
from ..spec import GridCell, SectionSpec, TableSpec, numbered_headings
from ..spec.model import CHINESE_NUMERALS
from ..text import display_width, parse_date, strip_control

def report_title(report: Report) -> str:
    """"<机关名称><年度>年政府信息公开工作年度报告"; missing parts are left out, not invented."""
    agency = clean(report.agency or "").strip()
    year = clean(str(report.year)).strip() if report.year not in (None, "") else ""
    return f"{agency}{year + '年' if year else ''}{report.spec.document_title}"


@dataclass(frozen=True)
class Block:
    """One narrative part as printed: an optional numbered sub-head and its paragraphs."""

    part_id: str
    subhead: str | None  # e.g. "（一）主动公开"; None for an untitled intro
    paragraphs: tuple[str, ...]


clean = strip_control  # every text printed in HTML or Word passes through it

def _paragraphs(text: str) -> list[str]:
    # clerks type one paragraph per line (Word's manual line break \x0b too, which
    # splitlines honours); blank lines and leading full-width spaces (their manual
    # indent) are layout, which each renderer redoes
    lines = (clean(ln).strip().lstrip("\u3000").strip() for ln in text.splitlines())
    return [ln for ln in lines if ln]


def _strip_own_subhead(paragraphs: list[str], label: str) -> list[str]:
    """Drop a sub-head the clerk already typed ("（一）主动公开：…") so it is not printed twice."""
    if not paragraphs or not label:
        return paragraphs
    pat = re.compile(r"^(?:[（(][" + CHINESE_NUMERALS + r"]+[）)]\s*)?" + re.escape(label)
                     + r"\s*(?:[：:。.]\s*|$)")
    m = pat.match(paragraphs[0])
    if not m:
        return paragraphs
    rest = paragraphs[0][m.end():].strip()
    kept = ([rest] if rest else []) + paragraphs[1:]
    return kept or paragraphs  # a part that says only its own label keeps it


def narrative_blocks(report: Report, section: SectionSpec) -> list[Block]:
    """The non-empty parts of a narrative section, titled parts numbered （一）（二）… in order.

    Numbering runs over the parts that are printed, so an empty 上年度问题整改情况
    does not leave a gap between （一） and （三）. A lone titled part gets no
    sub-head: a "（一）" with no "（二）" is wrong in an official document, and the
    section heading already names it (the published 2024 example prints its
    section 六 fee sentence that way).
    """
    filled = []
    for part in section.parts:
        paras = _strip_own_subhead(_paragraphs(report.texts.get(part.id) or ""), part.label)
        if paras:
            filled.append((part, paras))
    heads = numbered_headings(section.parts, {part.id for part, _ in filled})
    if len(heads) < 2:
        heads = {}
    return [Block(part.id, heads.get(part.id), tuple(paras)) for part, paras in filled]


def format_value(value: object) -> str:
    """A table value as printed: numbers as typed (every decimal the checker saw), blanks empty."""
    if value is None:
        return ""
    if isinstance(value, bool):  # not a number in this model; show what it is
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # exactly the figure checked: 5949.088667 万元 stays 5949.088667 (no rounding, no noise)
        return format(as_typed(value), "f")
    return str(value).strip()


def cell_text(report: Report, cell: GridCell) -> str:
    return clean(format_value(report.values.get(cell.value))) if cell.value else cell.text


@lru_cache(maxsize=None)
def grid_rows(table: TableSpec) -> tuple[tuple[GridCell, ...], ...]:
    """The grid's cells row by row, each row in column order (the order HTML and Word need)."""
    rows: list[list[GridCell]] = [[] for _ in range(table.n_rows)]
    for g in table.grid:
        rows[g.r].append(g)
    return tuple(tuple(sorted(r, key=lambda g: g.c)) for r in rows)


@lru_cache(maxsize=None)
def occupancy(table: TableSpec) -> tuple[tuple[GridCell, ...], ...]:
    """For every (row, column) of the table, the GridCell that covers it (spans expanded)."""
    occ: list[list[GridCell | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    for g in table.grid:
        for r in range(g.r, g.r + g.rowspan):
            for c in range(g.c, g.c + g.colspan):
                if occ[r][c] is not None:
                    raise ValueError(f"{table.key}: cell ({r},{c}) covered twice")
                occ[r][c] = g
    for r, row in enumerate(occ):
        for c, g in enumerate(row):
            if g is None:
                raise ValueError(f"{table.key}: cell ({r},{c}) not covered")
    return tuple(tuple(row) for row in occ)  # type: ignore[arg-type]


@lru_cache(maxsize=None)
def header_row_count(table: TableSpec) -> int:
    """Leading rows made only of column headers (and the printed note): they repeat across pages.

    Table 二 starts with a block title, not a header, so it has none: repeating
    "第二十条第（一）项" above the 第（八）项 block on the next page would mislead.
    """
    n = 0
    for row in grid_rows(table):
        if row and all(g.role in ("header", "note") for g in row):
            n += 1
        else:
            break
    return n


def text_row_entries(table: TableSpec, r: int) -> list[GridCell | None]:
    """Row ``r`` the way a web page's table reads when copied as text.

    A cell starting in this row gives its entry; a cell reaching down from an
    earlier row (rowspan) gives one empty entry (None); a column covered by a
    colspan gives nothing. This is the shape of the published
    tests/fixtures/shizhuang-2024.txt, whose source page wrote empty cells where
    our grid has row spans.
    """
    occ = occupancy(table)[r]
    out: list[GridCell | None] = []
    c = 0
    while c < table.n_cols:
        g = occ[c]
        out.append(g if g.r == r else None)
        c = g.c + g.colspan
    return out


def signature_lines(report: Report) -> list[str]:
    """落款 (agency and date) printed at the end, only once a publication date is set."""
    if not report.published:
        return []
    return [x for x in (clean(report.agency or "").strip(), clean(chinese_date(report.published)))
            if x]


def chinese_date(value: str) -> str:
    """"2026-01-20" → "2026年1月20日", the way official documents date themselves."""
    d = parse_date(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else str(value).strip()


def text_width(text: str) -> float:
    """Width in ems: a CJK character is one em, a digit or Latin letter about half."""
    return display_width(text) / 2


def fit_column_widths(report: Report, table: TableSpec, total: float, em: float,
                      padding: float, narrow: float = 0.5) -> list[float]:
    """Column widths (same unit as ``total``) in the spec's proportions, widened where a number needs it.

    A fixed-layout Word table wraps "37618" into "3761/8" when its column is too
    narrow, which reads as two numbers. Each value column gets at least the width
    of its longest number; the width comes from columns with room to spare
    (label columns first: their text wraps harmlessly). If there is not enough
    room at all, every column shrinks in proportion to what it needs. ``narrow``
    is the width of a digit or Latin letter in ems (0.5 in Times New Roman; the
    faces that stand in for it elsewhere are wider).
    """
    weight = sum(table.col_widths)
    widths = [total * w / weight for w in table.col_widths]
    need = [2 * em + padding] * table.n_cols  # two characters: the narrowest header column
    floor_label = 3 * em + padding
    has_value = [False] * table.n_cols
    for g in table.grid:
        if g.value and g.colspan == 1:
            has_value[g.c] = True
            text = cell_text(report, g)
            wide = sum(1 for ch in text if display_width(ch) == 2)
            need[g.c] = max(need[g.c], (wide + narrow * (len(text) - wide)) * em + padding)
    floors = [need[c] if has_value[c] else max(need[c], floor_label) for c in range(table.n_cols)]
    deficit = sum(max(0.0, floors[c] - widths[c]) for c in range(table.n_cols))
    if deficit <= 0:
        return widths
    spare = [max(0.0, widths[c] - floors[c]) for c in range(table.n_cols)]
    if sum(spare) < deficit:
        scale = total / sum(floors)
        return [f * scale for f in floors]
    # label columns give first; value columns with short numbers give the rest
    out = [max(widths[c], floors[c]) for c in range(table.n_cols)]
    for donors in ([c for c in range(table.n_cols) if not has_value[c]],
                   [c for c in range(table.n_cols) if has_value[c]]):
        pool = sum(spare[c] for c in donors)
        if pool <= 0 or deficit <= 0:
            continue
        take = min(deficit, pool)
        for c in donors:
            out[c] -= take * spare[c] / pool
        deficit -= take
    return out


# The start of every HTML page the project writes (report, county overview, year-on-year diff):
# a Jinja template fragment; each page adds its own title, styles and body.
HTML_HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="giar-xl {{ version }}">
"""
