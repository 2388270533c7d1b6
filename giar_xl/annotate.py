"""``validate --annotate``: a copy of the workbook with the "校验结果" sheet and coloured cells.

For WPS, LibreOffice and anyone without Python in Excel. The original file is
never changed; an .xlsm stays an .xlsm with its VBA project and buttons.

The copy opens on the results sheet, which prints on A4 (landscape, its header
row on every page). A cell's own conditional format would paint over the colour
given here (the template marks blank or non-numeric cells yellow, so a blank
error would look like a hint): the coloured cells are taken out of those rules'
ranges, and given back on the next run.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from .bounded import bounded_package
from .errors import GiarError, UnreadableInput
from .fileio import check_writable, write_bytes
from .layout import BINDING_SHEET
from .ooxml import reproducible
from .results import (COLUMN_WIDTHS, COLOURED_CELL, HEADER_ROW, RESULTS_SHEET, WRAPPED_COLUMNS,
                      colour_plan, dump_coloured, load_coloured, restore_colour, result_rows,
                      uncovered_rules)
from .safety import write_value
from .text import readable_path
from .template import sizing


def check_target(source: str | Path, output: str | Path, force: bool) -> None:
    """Refuse a bad output before any work is done."""
    src, out = Path(source), Path(output)
    if src.resolve() == out.resolve():
        raise GiarError("标注结果不能写回原文件，请指定另一个输出文件。", file=str(out))
    if out.suffix.lower() != src.suffix.lower():
        raise GiarError(f"输出文件的扩展名应与原文件一致（{src.suffix}），以免丢失宏和按钮。", file=str(out))
    check_writable(out, force)


def annotate(source: str | Path, findings: Sequence[Any], output: str | Path, *,
             force: bool = False) -> Path:
    src, out = Path(source), Path(output)
    check_target(src, out, force)
    package = bounded_package(src)  # validate's limits, clipped ranges, capped styles
    try:
        wb = openpyxl.load_workbook(src if package is None else io.BytesIO(package),
                                    keep_vba=src.suffix.lower() == ".xlsm")
    except Exception as e:  # openpyxl raises many types on damaged files
        if isinstance(e, DefusedXmlException) or isinstance(e.__cause__, DefusedXmlException):
            raise UnreadableInput("工作簿中含有 DTD/实体声明，这不是正常的工作簿内容，已拒绝标注。",
                                  file=str(src)) from None
        raise UnreadableInput(f"无法打开工作簿进行标注（{type(e).__name__}）。", file=str(src)) from None
    binding = wb[BINDING_SHEET] if BINDING_SHEET in wb.sheetnames else None
    restored: list[tuple[str, str]] = []
    if binding is not None:
        for sheet, address in load_coloured(binding[COLOURED_CELL[1]].value):
            if sheet in wb.sheetnames:
                _fill(wb[sheet][address], restore_colour(sheet, address))
                restored.append((sheet, address))
    plan = colour_plan(findings, wb.sheetnames)
    for (sheet, address), colour in plan.items():
        _fill(wb[sheet][address], colour)
    for ws in wb.worksheets:
        _uncover(ws, restored, plan)
    if binding is not None:
        binding[COLOURED_CELL[1]] = dump_coloured(list(plan))
    if RESULTS_SHEET in wb.sheetnames:
        del wb[RESULTS_SHEET]
    ws = wb.create_sheet(RESULTS_SHEET)
    _results_sheet(ws, findings, readable_path(src.name))
    # the copy opens on the results
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    wb.active = wb.worksheets.index(ws)
    ws.sheet_view.tabSelected = True
    buf = io.BytesIO()
    wb.save(buf)
    return write_bytes(out, reproducible(buf.getvalue()), force=force)


def _results_sheet(ws: Any, findings: Sequence[Any], source: str) -> None:
    for r, row in enumerate(result_rows(findings, source), start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            if isinstance(value, str) and value.startswith("=HYPERLINK("):
                cell.value = value  # our own link formula
                cell.font = Font(color="0563C1", underline="single")
            else:
                write_value(cell, value)
            if r > HEADER_ROW and c in WRAPPED_COLUMNS:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif r > HEADER_ROW:
                cell.alignment = Alignment(vertical="top")
    ws["A1"].font = Font(bold=True, size=12)
    if ws["A2"].value:  # how to answer a 提示: across the page, wrapped
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMN_WIDTHS))
        ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        ws["A2"].font = Font(color="7F6000")
    for c in range(1, len(COLUMN_WIDTHS) + 1):
        ws.cell(HEADER_ROW, c).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(c)].width = COLUMN_WIDTHS[c - 1]
    # the clerk's column stands out: it is the one cell of a row meant to be typed in
    ws.cell(HEADER_ROW, len(COLUMN_WIDTHS)).fill = PatternFill("solid", fgColor="FFF2CC")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    need = sizing.row_needs(ws)
    for r in range(2, ws.max_row + 1):
        if r != HEADER_ROW:
            sizing.set_height(ws, r, need.get(r, sizing.MIN_ROW_PT))
    # A4 landscape, the header row on every page, the columns at 100 % (they fit the page)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_margins.left = ws.page_margins.right = sizing.SIDE_MARGIN_IN
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _uncover(ws: Any, restored: list[tuple[str, str]], plan: dict[tuple[str, str], str]) -> None:
    """Take this run's coloured cells out of the sheet's blank-cell rules (and give back the last run's)."""
    rules = [(str(cf.sqref), list(cf.rules)) for cf in ws.conditional_formatting]
    mine = {a for s, a in plan if s == ws.title}
    back = {a for s, a in restored if s == ws.title}
    new = uncovered_rules(ws.title, rules, mine, back)
    if new is None:
        return
    ws.conditional_formatting = ConditionalFormattingList()
    for sqref, rule in new:
        ws.conditional_formatting.add(sqref, rule)


def _fill(cell: Any, colour: str | None) -> None:
    cell.fill = PatternFill("solid", fgColor=colour.lstrip("#")) if colour else PatternFill(None)
