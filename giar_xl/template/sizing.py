"""Column widths and row heights for screen and print, worked out from the text alone.

A spreadsheet stores column widths in "characters" of the workbook's default
font, and what one character is depends on the program and the fonts it has:
7 pixels (5.25 pt) with Calibri 11 in Excel and WPS, about 7 pt in LibreOffice
where Calibri is missing and DejaVu Sans stands in. Row heights are stored in
points, and neither Excel nor LibreOffice recomputes a stored height when it
opens a file. So both are set here, each for the unfavourable case:

- widths for the wide unit, so that a text column never runs past the edge of
  an A4 page (LibreOffice cannot shrink a single column to the page);
- heights for the narrow unit (more lines) and the tallest line of the fonts
  the sheets fall back to (Noto CJK: 1.45 em), so that no text is cut off.

Heights are written without ``customHeight``: Excel and WPS still fit the row
again when the clerk edits its text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.worksheet import Worksheet

from ..text import display_width

A4_SHORT_PT, A4_LONG_PT = 595.3, 841.9
SIDE_MARGIN_IN = 0.5
UNIT_PT_WIDE = 7.0  # one width unit where the default font is replaced (LibreOffice, DejaVu Sans)
UNIT_PX_NARROW = 7  # one width unit in Excel and WPS (Calibri 11 at 96 dpi: 7 pixels)
LINE_EM = 1.45  # line height of Noto Sans/Serif CJK, the tallest of the fonts in play
CELL_PAD_PT = 4.0  # room above and below the text in a cell
MIN_ROW_PT = 15.0  # Excel's default row height
MAX_ROW_PT = 409.5  # Excel's largest row height


def print_width_pt(landscape: bool) -> float:
    """The printable width of an A4 page with the template's side margins."""
    return (A4_LONG_PT if landscape else A4_SHORT_PT) - 2 * 72 * SIDE_MARGIN_IN


def width_to_fill(landscape: bool = False, reserve_pt: float = 6.0) -> int:
    """The largest column width (units) that still fits the printable width in every program."""
    return math.floor((print_width_pt(landscape) - reserve_pt) / UNIT_PT_WIDE)


def text_width_pt(width_units: float) -> float:
    """Room for text in a column (or columns) ``width_units`` wide, in the narrow unit."""
    # the stored width includes the cell's padding; the text keeps about 2 pt from each side
    return math.trunc(width_units * UNIT_PX_NARROW) * 0.75 - 4.0


def line_count(text: str, width_units: float, size_pt: float) -> int:
    """Lines ``text`` wraps to: each paragraph by its display width, CJK characters one em each."""
    per_line = max(1, math.floor(text_width_pt(width_units) / (size_pt / 2)))  # in columns
    lines = 0
    for para in (text or "").split("\n"):
        lines += max(1, math.ceil(display_width(para) / per_line))
    return lines


def text_height(text: str, width_units: float, size_pt: float) -> float:
    """The row height (pt) that shows all of ``text`` in a wrapped cell."""
    return line_count(text, width_units, size_pt) * size_pt * LINE_EM + CELL_PAD_PT


def fitting_size(text: str, width_units: float, sizes: Iterable[float]) -> float:
    """The first of ``sizes`` (largest first) at which ``text`` fits in the tallest row."""
    sizes = list(sizes)
    for size in sizes:
        if text_height(text, width_units, size) <= MAX_ROW_PT:
            return size
    return sizes[-1]


def fitted_row(ws: Worksheet, row: int, height: float) -> RowDimension:
    """A row dimension with ``height`` but not marked custom (Excel may fit it again on edit)."""
    ht = round(min(MAX_ROW_PT, max(MIN_ROW_PT, height)) * 4) / 4  # quarter points, as Excel does
    return _FittedRow(ws, index=row, ht=ht)


def set_height(ws: Worksheet, row: int, height: float) -> None:
    """Give ``row`` a height without marking it custom (Excel may fit it again on edit)."""
    ws.row_dimensions[row] = fitted_row(ws, row, height)


_LITERAL = re.compile(r'"((?:[^"]|"")*)"')


def _shown(value: object) -> str:
    """The text a cell shows, as far as its height goes; a formula by its longest literal."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith("="):
        literals = [m.replace('""', '"') for m in _LITERAL.findall(text)]
        return max(literals, key=len, default="") + "0000"  # room for a computed number
    return text


def column_width(ws: Worksheet, col: int) -> float:
    w = ws.column_dimensions[get_column_letter(col)].width
    return w if w else 8.43  # Excel's default column width


def cell_height(cell: Cell, width_units: float) -> float:
    """The height (pt) a cell's text needs in ``width_units`` of width (0: no text)."""
    text = _shown(getattr(cell, "value", None))
    if not text:
        return 0.0
    size = float(cell.font.sz or 11)
    if cell.alignment is not None and cell.alignment.wrap_text:
        return text_height(text, width_units, size)
    return text_height(text.split("\n")[0], 10_000, size)


def row_needs(ws: Worksheet, cells: Iterable[Cell] | None = None) -> dict[int, float]:
    """Row → the height (pt) its cells' text needs, from their fonts, widths and wrapping.

    ``cells``: the cells to look at (default: every cell of the used range). A cell
    merged over several rows shares what it needs among them.
    """
    spans = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    need: dict[int, float] = {}
    tall: list[tuple[int, int, float]] = []  # cells spanning rows: (first, last, height)
    if cells is None:
        cells = (cell for row in ws.iter_rows() for cell in row)
    for cell in cells:
        if not hasattr(cell, "column") or not _shown(getattr(cell, "value", None)):
            continue
        m = spans.get((cell.row, cell.column))
        first_col, last_col = (m.min_col, m.max_col) if m else (cell.column, cell.column)
        last_row = m.max_row if m else cell.row
        h = cell_height(cell, sum(column_width(ws, c) for c in range(first_col, last_col + 1)))
        if last_row > cell.row:
            tall.append((cell.row, last_row, h))
        else:
            need[cell.row] = max(need.get(cell.row, 0.0), h)
    for first, last, h in tall:  # a label spanning rows: its rows share what it needs
        rows = range(first, last + 1)
        have = sum(need.get(r, MIN_ROW_PT) for r in rows)
        if have < h:
            extra = (h - have) / len(rows)
            for r in rows:
                need[r] = need.get(r, MIN_ROW_PT) + extra
    return need


class _FittedRow(RowDimension):
    """A row dimension written with ``ht`` but no ``customHeight``."""

    @property
    def customHeight(self) -> bool:  # noqa: N802 (the OOXML attribute's name)
        return False
