"""Plain text: the report as a readable document, its tables drawn for a monospace display.

- the title centred, each section heading on its own line between blank lines;
- one paragraph a line (an editor wraps it), indented two full-width spaces, as
  Chinese documents are; numbered sub-heads on lines of their own;
- tables as grid tables (``+----+`` and ``|``), merged cells drawn merged, every
  cell's text wrapped inside its column; numbers right-aligned;
- the signature (agency and date) at the right, when a publication date is set.

Widths are counted in display columns: a Chinese character (and the full-width
punctuation Chinese fonts draw wide) takes two, a digit or Latin letter one
(``giar_xl.text.display_width``), so the columns line up in Notepad with 宋体,
in WPS, or in any editor with a CJK monospace font.

``giar-xl import`` reads this text back (``importer/gridtext.py``).
"""

from __future__ import annotations

import math

from ..report import Report
from ..spec import GridCell, TableSpec
from ..text import char_columns, display_width
from .common import (cell_text, clean, fit_column_widths, narrative_blocks, report_title,
                     signature_lines)

WIDTH = 100  # display columns of a table, the centred title and the signature
INDENT = "\u3000\u3000"  # two full-width spaces: a paragraph's first-line indent
CORNER, ACROSS, DOWN = "+", "-", "|"
PLACEHOLDER = None  # the second column of a wide character on the canvas


def render_text(report: Report) -> str:
    lines: list[str] = [_centred(report_title(report))]
    for section in report.spec.sections:
        lines += ["", section.heading, ""]
        if section.table is not None:
            lines += render_table(report, section.table)
            continue
        for block in narrative_blocks(report, section):
            if block.subhead:
                lines.append(INDENT + clean(block.subhead))
            lines.extend(INDENT + clean(p) for p in block.paragraphs)
    sig = signature_lines(report)
    if sig:
        lines.append("")
        lines += [_right(s) for s in sig]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def export_text(report: Report, unclean: dict | None = None) -> bytes:
    # plain text has no metadata to hold the unclean mark; the command says so on screen
    return render_text(report).encode("utf-8")


def _centred(text: str) -> str:
    return " " * max(0, (WIDTH - display_width(text)) // 2) + text


def _right(text: str) -> str:
    # four full-width characters in from the right edge, as the Word signature (右空四字)
    return " " * max(0, WIDTH - 8 - display_width(text)) + text


# ------------------------------------------------------------------ tables
MIN_COLUMN = 4  # display columns: two Chinese characters, "总计", a four-digit number


def table_width(table: TableSpec) -> int:
    """WIDTH, or wider where the table's columns would otherwise get less than two characters."""
    return max(WIDTH, table.n_cols * (MIN_COLUMN + 3) + 1)


def column_widths(report: Report, table: TableSpec, width: int) -> list[int]:
    """Text width (display columns, without the one-space padding) of each column."""
    inner = width - (table.n_cols + 1)  # the vertical rules
    raw = fit_column_widths(report, table, inner, 2, 2)
    out = [math.floor(w) for w in raw]
    # the columns left over go to the largest remainders, leftmost first on a tie
    order = sorted(range(table.n_cols), key=lambda c: (-(raw[c] - out[c]), c))
    for c in order[:max(0, inner - sum(out))]:
        out[c] += 1
    return [max(2, w - 2) for w in out]


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` display columns; Latin words and numbers are kept whole."""
    out: list[str] = []
    for para in text.split("\n") or [""]:
        line, used = "", 0
        for token in _tokens(para):
            w = display_width(token)
            if token == " " and not line:
                continue
            if used + w > width and line:
                out.append(line.rstrip())
                line, used = "", 0
                if token == " ":
                    continue
            while w > width:  # a word longer than the column: broken where it must be
                head = _fit(token, width)
                out.append(head)
                token = token[len(head):]
                w = display_width(token)
            line += token
            used += w
        out.append(line.rstrip())
    return out


def _tokens(text: str) -> list[str]:
    """Runs of ASCII letters and digits stay together; every other character stands alone."""
    out: list[str] = []
    for ch in text:
        if out and ch.isascii() and ch.isalnum() and out[-1][-1:].isascii() and out[-1][-1:].isalnum():
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _fit(token: str, width: int) -> str:
    used, n = 0, 0
    for ch in token:
        if used + char_columns(ch) > width:
            break
        used += char_columns(ch)
        n += 1
    return token[:max(1, n)]


_ALIGN = {"value": "right", "label": "left"}


def render_table(report: Report, table: TableSpec) -> list[str]:
    cw = column_widths(report, table, table_width(table))
    # x of each vertical rule (display columns)
    xs = [0]
    for w in cw:
        xs.append(xs[-1] + w + 3)
    texts = {id(g): wrap(clean(cell_text(report, g)).strip(), _span_width(cw, g)) for g in table.grid}
    heights = [1] * table.n_rows
    for g in table.grid:
        if g.rowspan == 1:
            heights[g.r] = max(heights[g.r], len(texts[id(g)]))
    for g in sorted(table.grid, key=lambda g: g.rowspan):
        if g.rowspan > 1:  # a merged cell also has the rules between its rows for text
            have = sum(heights[g.r:g.r + g.rowspan]) + g.rowspan - 1
            if have < len(texts[id(g)]):
                heights[g.r + g.rowspan - 1] += len(texts[id(g)]) - have
    ys = [0]
    for h in heights:
        ys.append(ys[-1] + h + 1)
    canvas = [[" "] * (xs[-1] + 1) for _ in range(ys[-1] + 1)]
    for g in table.grid:  # the rules first, then every cell's corners over them
        top, bottom = ys[g.r], ys[g.r + g.rowspan]
        left, right = xs[g.c], xs[g.c + g.colspan]
        for x in range(left + 1, right):
            canvas[top][x] = canvas[bottom][x] = ACROSS
        for y in range(top + 1, bottom):
            canvas[y][left] = canvas[y][right] = DOWN
    for g in table.grid:
        top, bottom = ys[g.r], ys[g.r + g.rowspan]
        left, right = xs[g.c], xs[g.c + g.colspan]
        for y, x in ((top, left), (top, right), (bottom, left), (bottom, right)):
            canvas[y][x] = CORNER
        lines = texts[id(g)]
        room = bottom - top - 1
        first = top + 1 + (room - len(lines)) // 2  # centred vertically
        inner = right - left - 3
        for i, line in enumerate(lines):
            _put(canvas, first + i, left + 2, _aligned(line, inner, _ALIGN.get(g.role, "center")))
    return ["".join(ch for ch in row if ch is not PLACEHOLDER).rstrip() for row in canvas]


def _span_width(cw: list[int], g: GridCell) -> int:
    return sum(cw[g.c:g.c + g.colspan]) + 3 * (g.colspan - 1)


def _aligned(text: str, width: int, how: str) -> str:
    gap = max(0, width - display_width(text))
    if how == "right":
        return " " * gap + text
    if how == "center":
        return " " * (gap // 2) + text
    return text


def _put(canvas: list[list], y: int, x: int, text: str) -> None:
    for ch in text:
        if char_columns(ch) == 0:  # a combining mark rides on the character before it
            if x > 0 and isinstance(canvas[y][x - 1], str):
                canvas[y][x - 1] += ch
            continue
        canvas[y][x] = ch
        if char_columns(ch) == 2:
            canvas[y][x + 1] = PLACEHOLDER
        x += char_columns(ch)
