"""Read grid tables (``+----+`` and ``|``) in plain text, such as ``export --to txt`` writes.

A table is a block of lines from a border line (``+---+---+``) to the next
line that is not part of it; its cells are found as rectangles (the way
reStructuredText's grid tables are read), so merged cells come back merged.
Widths are counted in display columns (``giar_xl.text.char_columns``), the
unit the exporter draws in.

The result is the shape both other readers give (``document.py``): rows of
cell texts, a cell reaching down from an earlier row giving one empty entry,
a column covered by a cell spanning columns giving none.
"""

from __future__ import annotations

import re

from ..text import char_columns
from .document import Block, Para, Row, TableBlock

_BORDER = re.compile(r"^\+(?:-+\+)+$")
_PAD = ""  # the second column of a wide character


def is_border(line: str) -> bool:
    return bool(_BORDER.match(line.rstrip()))


def has_grid_tables(lines: list[str]) -> bool:
    return any(is_border(line) for line in lines)


def read_grid_document(lines: list[str]) -> list[Block]:
    """Paragraphs (one a non-blank line) and grid tables, in order."""
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if is_border(lines[i]):
            j = i + 1
            while j < len(lines) and lines[j].rstrip().startswith(("+", "|")):
                j += 1
            while j > i + 1 and not is_border(lines[j - 1]):
                j -= 1  # the table ends with its last border line
            table = parse_grid(lines[i:j], f"第 {i + 1} 行起的表格", i + 1)
            if table is not None:
                blocks.append(table)
                i = j
                continue
        if lines[i].strip():
            blocks.append(Para(lines[i].strip(), f"第 {i + 1} 行"))
        i += 1
    return blocks


def _slots(line: str) -> list[str]:
    out: list[str] = []
    for ch in line.rstrip():
        w = char_columns(ch)
        if w == 0:
            if out:
                out[-1] += ch
            continue
        out.append(ch)
        if w == 2:
            out.append(_PAD)
    return out


def parse_grid(lines: list[str], pos: str, first_line: int = 1) -> TableBlock | None:
    """The table drawn by ``lines`` (first and last are border lines); None if it is not one."""
    grid = [_slots(line) for line in lines]
    width = max(len(row) for row in grid)
    grid = [row + [" "] * (width - len(row)) for row in grid]
    bottom, right = len(grid) - 1, width - 1
    if bottom < 2 or grid[0][right] != "+" or grid[bottom][right] != "+":
        return None
    covered = [[False] * width for _ in grid]
    cells: list[tuple[int, int, int, int]] = []
    corners = [(0, 0)]
    while corners:
        top, left = corners.pop(0)
        if top >= bottom or left >= right or covered[top + 1][left + 1]:
            continue
        found = _scan_cell(grid, top, left)
        if found is None:
            continue
        cell_bottom, cell_right = found
        for y in range(top + 1, cell_bottom):
            for x in range(left + 1, cell_right):
                covered[y][x] = True
        cells.append((top, left, cell_bottom, cell_right))
        corners += [(top, cell_right), (cell_bottom, left)]
        corners.sort()
    if not cells or not all(covered[y][x] for y in range(1, bottom)
                            for x in range(1, right) if grid[y][x] not in "+-|"):
        return None  # not a table: some text lies outside every cell
    tops = sorted({c[0] for c in cells})
    lefts = sorted({c[1] for c in cells})
    rows: list[Row] = []
    for r, y in enumerate(tops):
        entries: list[str] = []
        for x in lefts:
            cell = next(((t, lf, b, rt) for t, lf, b, rt in cells if t <= y < b and lf <= x < rt),
                        None)
            if cell is None or cell[1] != x:
                continue  # inside a cell spanning columns
            entries.append(_text(grid, *cell) if cell[0] == y else "")
        rows.append(Row(entries, f"第 {first_line + y} 行"))
    return TableBlock(rows, pos)


def _scan_cell(grid: list[list[str]], top: int, left: int) -> tuple[int, int] | None:
    """The bottom-right corner of the cell whose top-left corner is (top, left)."""
    if grid[top][left] != "+":
        return None
    for x in range(left + 1, len(grid[top])):
        ch = grid[top][x]
        if ch == "+":
            bottom = _scan_down(grid, top, left, x)
            if bottom is not None:
                return bottom, x
        elif ch != "-":
            return None
    return None


def _scan_down(grid: list[list[str]], top: int, left: int, right: int) -> int | None:
    for y in range(top + 1, len(grid)):
        ch = grid[y][right]
        if ch == "+":
            if _closed(grid, top, left, y, right):
                return y
        elif ch != "|":
            return None
    return None


def _closed(grid: list[list[str]], top: int, left: int, bottom: int, right: int) -> bool:
    """The bottom edge and the left edge of the rectangle are drawn."""
    if grid[bottom][left] != "+":
        return False
    if any(grid[bottom][x] not in "-+" for x in range(left + 1, right)):
        return False
    return all(grid[y][left] in "|+" for y in range(top + 1, bottom))


def _text(grid: list[list[str]], top: int, left: int, bottom: int, right: int) -> str:
    """A cell's text: its lines stripped and joined (a Latin word wrapped by the exporter is
    kept whole, so two lines join with a space only between Latin letters or digits)."""
    out = ""
    for y in range(top + 1, bottom):
        line = "".join(grid[y][left + 1:right]).strip()
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out
