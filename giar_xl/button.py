"""The "校验" button: one Python entry for every xlwings route.

- Classic ``RunPython`` (the .xlsm's macro): ``run()`` uses ``xw.Book.caller()``.
- xlwings Server (``RunServerPython`` / Office.js): ``server_entry(payload)`` returns the actions.
- xlwings Lite (``@script`` inside the workbook): call ``check_book(book)``.

``check_book`` keeps to what all of them support: read values once, write the
results in bulk, set range colours, add a sheet, alert. It never writes to the
clerk's own values: only the "校验结果" sheet, the colours of offending cells
(restored to the template's fill on the next run) and one cell of the hidden
``_giar`` sheet that remembers which cells it coloured.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .a1 import column_index, column_letter, split
from .errors import GiarError
from .explain import EXPLAIN_SHEET
from .layout import BINDING_SHEET, places
from .reader import report_from_data
from .results import (COLOURED_CELL, RESULTS_SHEET, colour_plan, dump_coloured, load_coloured,
                      restore_colour, result_rows, summary_text)
from .spec import DEFAULT_FORMAT
from .xlsx import RawCell, SheetData, WorkbookData

TITLE = "政府信息公开年报校验"
EXTRA_ROWS = 30
NO_FILL = "#FFFFFF"  # read a little below the layout, so inserted rows are still seen


def run() -> None:
    """Entry of the workbook's macro (RunPython)."""
    import xlwings as xw

    check_book(xw.Book.caller())


def server_entry(payload: dict) -> dict:
    """Entry for xlwings Server: the request's book JSON in, the actions out."""
    import xlwings as xw

    book = xw.Book(json=payload)
    check_book(book)
    return book.json()


def _extent(sheet: str) -> str:
    spec = DEFAULT_FORMAT
    if sheet == BINDING_SHEET:
        return "A1:F8"
    rows, cols = 1, 1
    for p in places(spec).values():
        if p.sheet == sheet:
            col, row = split(p.address)
            rows = max(rows, row)
            cols = max(cols, column_index(col))
    return f"A1:{column_letter(cols + 2)}{rows + EXTRA_ROWS}"


def _cell_value(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if v == "":
        return None
    return v


def read_book(book: Any) -> tuple[WorkbookData, dict[str, Any]]:
    """Read each relevant sheet's values once into the reader's cell model."""
    spec = DEFAULT_FORMAT
    wanted = {spec.cover_sheet, BINDING_SHEET} | {s.sheet for s in spec.sections}
    # where the clerk explains a 提示 (giar_xl.explain): read as far as the sheet is used
    explained = {RESULTS_SHEET, EXPLAIN_SHEET}
    sheets: dict[str, SheetData] = {}
    order = []
    handles = {}
    for sh in book.sheets:
        order.append(sh.name)
        handles[sh.name] = sh
        if sh.name not in wanted | explained:
            continue
        if sh.name in explained:
            used = sh.used_range
            values, top, left = used.options(ndim=2).value, used.row, used.column
        else:
            values, top, left = sh.range(_extent(sh.name)).value, 1, 1
        data = SheetData(sh.name, "visible")
        for r, row in enumerate(values or [], start=top):
            for c, v in enumerate(row if isinstance(row, list) else [row], start=left):
                v = _cell_value(v)
                if v is not None:
                    data.cells[f"{column_letter(c)}{r}"] = RawCell(
                        value=v, has_value=True, is_date=isinstance(v, (dt.date, dt.datetime)))
        sheets[sh.name] = data
    return WorkbookData(book.name, sheets, order, {}, values_only=True), handles


def check_book(book: Any) -> str:
    """Check the open workbook, show the results in it, and return the summary text."""
    from .checker import check

    data, handles = read_book(book)
    try:
        report = report_from_data(data)
    except GiarError as e:
        message = f"{e.message}\n\n未做任何修改。"
        book.app.alert(message, title=TITLE)
        return message
    findings = check(report)
    _clear_old_colours(book, data, handles)
    plan = colour_plan(findings, list(handles))
    for (sheet, address), colour in plan.items():
        handles[sheet].range(address).color = colour
    if BINDING_SHEET in handles:
        handles[BINDING_SHEET].range(COLOURED_CELL[1]).value = dump_coloured(list(plan))
    results = handles.get(RESULTS_SHEET)
    if results is None:
        results = book.sheets.add(name=RESULTS_SHEET, after=book.sheets[len(book.sheets) - 1])
    else:
        results.clear_contents()
    rows = result_rows(findings, book.name)
    results.range(f"A1:{column_letter(len(rows[0]))}{len(rows)}").value = rows
    results.activate()  # the clerk lands on the results, as in the annotated copy
    summary = summary_text(findings)
    book.app.alert(summary + ("" if not findings else "\n详见“校验结果”工作表。"), title=TITLE)
    return summary


def _clear_old_colours(book: Any, data: WorkbookData, handles: dict[str, Any]) -> None:
    binding = data.sheets.get(BINDING_SHEET)
    if binding is None:
        return
    old = binding.cells.get(COLOURED_CELL[1])
    for sheet, address in load_coloured(old.value if old else None):
        if sheet in handles:
            # xlwings' VBA client (RunServerPython) can only set a colour: it converts "#RRGGBB"
            # with HexToRgb, and None stops it ("Invalid use of Null"). The cells the template
            # leaves unfilled are bordered text boxes, where white looks the same as no fill.
            colour = restore_colour(sheet, address) or NO_FILL
            handles[sheet].range(address).color = colour
