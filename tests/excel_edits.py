"""Insert or delete rows and columns in an openpyxl workbook the way Excel does it.

openpyxl's ``insert_rows``/``delete_cols``… move the cells only. Excel (and LibreOffice,
WPS) also rewrite every formula, defined name and merged range that refers to the sheet:
references below or right of the change move, ranges that span it grow or shrink, and a
reference to a deleted cell becomes #REF!. This module does the same, so that tests can
damage a workbook as a clerk's spreadsheet program would (tests/test_structure_edits.py
checks the same edits made by LibreOffice itself).
"""

from __future__ import annotations

import re

from openpyxl.utils import column_index_from_string, get_column_letter

# an optional sheet prefix, then a cell or a range: 'Sheet'!$D$6:$I$6, D6, $J8
_REF = re.compile(r"(?:(?:'((?:[^']|'')+)'|([^\W\d][\w.]*))!)?"
                  r"(\$?)([A-Z]{1,3})(\$?)([0-9]+)(?::(\$?)([A-Z]{1,3})(\$?)([0-9]+))?(?![\w(])")


def _move(index: int, at: int, n: int) -> int | None:
    """An index after inserting (n > 0) or deleting (n < 0) |n| lines at ``at``; None if deleted."""
    if n > 0:
        return index + n if index >= at else index
    if at <= index < at - n:
        return None
    return index + n if index >= at - n else index


def _span(lo: int, hi: int, at: int, n: int) -> tuple[int, int] | None:
    if n > 0:
        return _move(lo, at, n), _move(hi, at, n)
    kept = [i for i in range(lo, hi + 1) if _move(i, at, n) is not None]
    if not kept:
        return None
    return _move(kept[0], at, n), _move(kept[-1], at, n)


def _rewrite(text: str, sheet: str, own: bool, axis: str, at: int, n: int) -> str:
    """Every reference of ``text`` to ``sheet`` rewritten; ``own``: unqualified ones are too."""
    def one(m: re.Match) -> str:
        name = (m[1] or "").replace("''", "'") or m[2]
        if (name or None) != sheet and not (name is None and own):
            return m[0]
        prefix = m[0][:m.start(3) - m.start(0)]
        c1, r1 = column_index_from_string(m[4]), int(m[6])
        c2, r2 = (column_index_from_string(m[8]), int(m[10])) if m[8] else (c1, r1)
        if axis == "row":
            span = _span(r1, r2, at, n)
            if span is None:
                return prefix + "#REF!"
            r1, r2 = span
        else:
            span = _span(c1, c2, at, n)
            if span is None:
                return prefix + "#REF!"
            c1, c2 = span
        first = f"{m[3]}{get_column_letter(c1)}{m[5]}{r1}"
        if not m[8]:
            return prefix + first
        return prefix + first + f":{m[7]}{get_column_letter(c2)}{m[9]}{r2}"

    return _REF.sub(one, text)


def edit(wb, sheet: str, axis: str, at: int, n: int) -> None:
    """Insert (n > 0) or delete (n < 0) |n| rows or columns ("row"/"col") at index ``at``."""
    ws = wb[sheet]
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for m in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(m))
    if axis == "row":
        (ws.insert_rows if n > 0 else ws.delete_rows)(at, abs(n))
    else:
        (ws.insert_cols if n > 0 else ws.delete_cols)(at, abs(n))
    for other in wb.worksheets:
        for row in other.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.value = _rewrite(cell.value, sheet, other.title == sheet, axis, at, n)
    for name in wb.defined_names.values():
        name.attr_text = _rewrite(name.attr_text, sheet, False, axis, at, n)
    for r1, c1, r2, c2 in merges:
        if axis == "row":
            span = _span(r1, r2, at, n)
            box = None if span is None else (span[0], c1, span[1], c2)
        else:
            span = _span(c1, c2, at, n)
            box = None if span is None else (r1, span[0], r2, span[1])
        if box is not None and (box[0], box[1]) != (box[2], box[3]):
            ws.merge_cells(start_row=box[0], start_column=box[1], end_row=box[2], end_column=box[3])
