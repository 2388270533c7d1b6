"""Fonts, fills, borders and cell-range helpers for the standard workbook."""

from __future__ import annotations

from itertools import groupby

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

SONG = "宋体"
HEI = "黑体"
FANGSONG = "仿宋"

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name=HEI, size=14, bold=True)
HEADER_FONT = Font(name=SONG, size=10, bold=True)
LABEL_FONT = Font(name=SONG, size=10)
VALUE_FONT = Font(name=SONG, size=11)
HINT_FONT = Font(name=SONG, size=9, color="666666")
TEXT_FONT = Font(name=FANGSONG, size=12)


def text_font(size: float) -> Font:
    """The narrative text font at another size (a long part is set smaller to fit its row)."""
    return Font(name=FANGSONG, size=size)


STATUS_FONT = Font(name=SONG, size=9, bold=True)

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FORMULA_FILL = PatternFill("solid", fgColor="EDEDED")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
# fills of conditional formats carry the colour twice: Excel and WPS paint a differential
# fill's background colour, LibreOffice its foreground colour
BAD_FILL = PatternFill("solid", fgColor="FFFFC7CE", bgColor="FFFFC7CE")
BLANK_FILL = PatternFill("solid", fgColor="FFFFE699", bgColor="FFFFE699")

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT_WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def rectangles(addresses: list[str]) -> list[str]:
    """Cover A1 addresses with few rectangular ranges ("D6:I28"), in reading order."""
    cells = sorted((r, column_index_from_string(c))
                   for c, r in (coordinate_from_string(a) for a in addresses))
    runs: list[tuple[int, int, int]] = []  # (row, first col, last col)
    for row, group in groupby(cells, key=lambda x: x[0]):
        cols = [c for _, c in group]
        start = prev = cols[0]
        for c in cols[1:] + [None]:
            if c is not None and c == prev + 1:
                prev = c
                continue
            runs.append((row, start, prev))
            if c is not None:
                start = prev = c
    rects: list[list[int]] = []  # [top, bottom, first col, last col]
    for row, c0, c1 in runs:
        for rect in rects:
            if rect[1] == row - 1 and rect[2] == c0 and rect[3] == c1:
                rect[1] = row
                break
        else:
            rects.append([row, row, c0, c1])
    out = []
    for top, bottom, c0, c1 in rects:
        a, b = f"{get_column_letter(c0)}{top}", f"{get_column_letter(c1)}{bottom}"
        out.append(a if a == b else f"{a}:{b}")
    return out
