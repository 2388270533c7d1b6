"""Rebuild the rows of a table printed without ruling lines, from its text lines.

With no borders the page still shows the table's two structures: columns (the
numbers of a column line up) and rows (a row label and its numbers). Row labels
may wrap over several lines, and the numbers may sit beside any of those lines
(top-aligned or centred cells). The label fragments are joined by what they
say, not by guesswork over distances: a fragment continues the one above it
in the same column when together they read as the start of a label the format
prints. Each line of numbers then belongs to the label whose lines it sits
beside. Blank cells are invisible without borders: a row with fewer numbers
than its neighbours gets its blanks only where the columns of the other rows
show exactly one place for them; otherwise the row keeps the numbers it has and
the table reader reports it as not placeable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .document import Row, TableBlock, is_value_like, norm, note
from .pdf_layout import Cell, Line, join_text


@dataclass
class _Label:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    last_line: int  # index of the last line it takes a fragment from
    used: bool = False


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0)) / max(1e-6, min(a1 - a0, b1 - b0))


def _labels(lines: list[Line], is_start: Callable[[str], bool]) -> list[_Label]:
    labels: list[_Label] = []
    for i, ln in enumerate(lines):
        for cell in ln.cells:
            if is_value_like(cell.text):
                continue
            host = None
            for lab in reversed(labels):
                if lab.last_line < i - 2:
                    break
                if (lab.last_line < i and _overlap(lab.x0, lab.x1, cell.x0, cell.x1) >= 0.5
                        and is_start(norm(join_text(lab.text, cell.text)))):
                    host = lab
                    break
            if host is not None:
                host.text = join_text(host.text, cell.text)
                host.x0, host.x1 = min(host.x0, cell.x0), max(host.x1, cell.x1)
                host.bottom, host.last_line = cell.bottom, i
            else:
                labels.append(_Label(cell.text, cell.x0, cell.x1, cell.top, cell.bottom, i))
    return labels


def _columns(rows: list[list[Cell]]) -> list[tuple[float, float]] | None:
    """The value columns of a run of rows: x-ranges that overlap from row to row."""
    spans = sorted((c.x0, c.x1) for r in rows for c in r)
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1] + 0.5:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    for r in rows:  # two numbers of one row in one column: the columns are not clear
        hits = [next(i for i, (a, b) in enumerate(cols) if a <= c.x0 <= b) for c in r]
        if len(hits) != len(set(hits)):
            return None
    return [(a, b) for a, b in cols]


def unruled_rows(lines: list[Line], is_start: Callable[[str], bool], is_header: Callable[[str], bool],
                 name: str) -> tuple[TableBlock, list[dict]]:
    """Rows (label cell, then value cells) of a borderless table, top to bottom."""
    notes: list[dict] = []
    labels = _labels(lines, is_start)
    entries: list[tuple[float, list[str], list[Cell], str]] = []  # (top, labels, values, pos)
    for ln in lines:
        values = [c for c in ln.cells if is_value_like(c.text)]
        if not values:
            continue
        mid = (ln.top + ln.bottom) / 2
        left = min(c.x0 for c in values)
        cover = [lab for lab in labels if lab.top - 2 <= mid <= lab.bottom + 2 and lab.x1 <= left + 1]
        label = max(cover, key=lambda lab: lab.x0, default=None)
        if label is not None:
            label.used = True
        entries.append((label.top if label else ln.top, [label.text] if label else [], values, ln.pos))
    for lab in labels:
        if not lab.used:
            entries.append((lab.top, [lab.text], [], _pos(lines, lab)))
    entries.sort(key=lambda e: e[0])

    # blanks: per run of rows between two header lines, by the columns the other rows show
    rows: list[Row] = []
    run: list[int] = []
    out: list[tuple[list[str], list[Cell] | list[str], str]] = [(lab, vals, pos) for _, lab, vals, pos in entries]

    def settle() -> None:
        value_rows = [out[i][1] for i in run if out[i][1]]
        cols = _columns(value_rows) if value_rows else None
        if not cols:
            return
        for i in run:
            lab, vals, pos = out[i]
            if vals and len(vals) < len(cols):
                filled = [""] * len(cols)
                for c in vals:
                    filled[next(k for k, (a, b) in enumerate(cols) if a <= c.x0 <= b)] = c
                out[i] = (lab, filled, pos)
                notes.append(note("提示", pos, f"无边框表格中这一行只有 {len(vals)} 个数，"
                                  f"按各列位置把其余 {len(cols) - len(vals)} 格读作空白，请核对。"))

    for i, (lab, vals, _) in enumerate(out):
        if not vals and lab and is_header(norm(lab[0])):
            settle()
            run = []
        else:
            run.append(i)
    settle()
    for lab, vals, pos in out:
        rows.append(Row(lab + [v.text if isinstance(v, Cell) else v for v in vals], pos))
    return TableBlock(rows, name, ordered_headers=False), notes


def _pos(lines: list[Line], lab: _Label) -> str:
    for ln in lines:
        if abs(ln.top - lab.top) < 1 or ln.top >= lab.top:
            return ln.pos
    return lines[-1].pos
