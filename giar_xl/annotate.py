"""``validate --annotate``: a copy of the workbook with the "校验结果" sheet and coloured cells.

For WPS, LibreOffice and anyone without Python in Excel. The original file is
never changed; an .xlsm stays an .xlsm with its VBA project and buttons.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .bounded import bounded_package
from .errors import GiarError, UnreadableInput
from .fileio import check_writable, write_bytes
from .layout import BINDING_SHEET
from .ooxml import reproducible
from .results import (COLUMN_WIDTHS, COLOURED_CELL, RESULTS_SHEET, colour_plan, dump_coloured,
                      load_coloured, restore_colour, result_rows)
from .safety import write_value
from .text import readable_path


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
    if binding is not None:
        for sheet, address in load_coloured(binding[COLOURED_CELL[1]].value):
            if sheet in wb.sheetnames:
                _fill(wb[sheet][address], restore_colour(sheet, address))
    plan = colour_plan(findings, wb.sheetnames)
    for (sheet, address), colour in plan.items():
        _fill(wb[sheet][address], colour)
    if binding is not None:
        binding[COLOURED_CELL[1]] = dump_coloured(list(plan))
    if RESULTS_SHEET in wb.sheetnames:
        del wb[RESULTS_SHEET]
    ws = wb.create_sheet(RESULTS_SHEET)
    for r, row in enumerate(result_rows(findings, readable_path(src.name)), start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            if isinstance(value, str) and value.startswith("=HYPERLINK("):
                cell.value = value  # our own link formula
                cell.font = Font(color="0563C1", underline="single")
            else:
                write_value(cell, value)
    ws["A1"].font = Font(bold=True, size=12)
    for c in range(1, len(COLUMN_WIDTHS) + 1):
        ws.cell(3, c).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(c)].width = COLUMN_WIDTHS[c - 1]
    ws.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    return write_bytes(out, reproducible(buf.getvalue()), force=force)


def _fill(cell: Any, colour: str | None) -> None:
    cell.fill = PatternFill("solid", fgColor=colour.lstrip("#")) if colour else PatternFill(None)
