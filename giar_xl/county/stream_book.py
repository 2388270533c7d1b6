"""Save an openpyxl workbook whose long tables are written row by row as the file is saved.

openpyxl keeps every cell of a normal workbook in memory, with its style: a summary
workbook with a row per unit on four sheets held ≈17 KB per unit while it was built.
Here a sheet's long tables are kept as generators of cells (``Table``); openpyxl's own
worksheet writer writes the rest of the sheet, and this writer slips each table's rows
in at their place in ``sheetData`` as the generator makes them, so only one row of
cells exists at a time. The cells are ordinary openpyxl cells (detached: never stored in
the sheet), written by openpyxl's own cell writer, so the file is the same as if they
had been stored; row heights come from ``sizing`` as for every other row.

openpyxl's writer classes are not public API: openpyxl is pinned to 3.1 in
pyproject.toml, and tests/test_county_memory.py checks that a streamed sheet is byte for
byte what openpyxl writes for the same cells stored in the sheet.
"""

from __future__ import annotations

import heapq
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter

from openpyxl.cell.cell import Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import RowDimension, SheetDimension
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..template import sizing


@dataclass
class Table:
    """A table's data rows, made as they are written: rows ``top + 1`` … ``top + count``."""

    top: int  # the header row (written in the sheet as usual)
    count: int
    width: int  # columns
    rows: Iterable[list[Cell]]  # one list of cells per row, in order

    @property
    def last(self) -> int:
        return self.top + self.count

    def gap(self) -> range:
        return range(self.top + 1, self.last + 1)


def outside(tables: list[Table], last_row: int) -> list[tuple[int, int]]:
    """The row ranges (first, last) of a sheet not taken by its tables' data rows."""
    spans, row = [], 1
    for t in sorted(tables, key=lambda t: t.top):
        if row <= t.top:
            spans.append((row, t.top))
        row = t.last + 1
    if row <= last_row:
        spans.append((row, last_row))
    return spans


class _TableWriter(WorksheetWriter):
    """openpyxl's worksheet writer, with the tables' rows merged in as they are made."""

    def __init__(self, ws: Worksheet, tables: list[Table]):
        super().__init__(ws)
        self.tables = tables
        self.heights: dict[int, RowDimension] = {}

    def write_dimensions(self) -> None:
        ws = self.ws
        rows = max([ws.max_row, *(t.last for t in self.tables)])
        cols = max([ws.max_column, *(t.width for t in self.tables)])
        self.xf.send(SheetDimension(f"A1:{get_column_letter(cols)}{rows}").to_tree())

    def _made(self, t: Table) -> Iterator[tuple[int, list[Cell]]]:
        ws = self.ws
        widths: dict[int, float] = {}
        n = 0
        for n, cells in enumerate(t.rows, start=1):
            if n > t.count:
                break
            r = t.top + n
            need = sizing.MIN_ROW_PT
            for c in cells:
                if c.column not in widths:
                    widths[c.column] = sizing.column_width(ws, c.column)
                need = max(need, sizing.cell_height(c, widths[c.column]))
            self.heights[r] = sizing.fitted_row(ws, r, need)
            yield r, cells
        if n != t.count:  # the rows below would be written over, or left empty
            raise RuntimeError(f"{ws.title}: table at row {t.top} made {n} rows, expected {t.count}")

    def rows(self):  # type: ignore[override]
        gaps = [t.gap() for t in self.tables]
        stored = []
        for r, cells in super().rows():
            if any(r in g for g in gaps):
                if any(c._value is not None or c.has_style for c in cells):
                    raise RuntimeError(f"{self.ws.title}: row {r} is a table's, but has cells of its own")
                continue  # an empty cell someone touched (ws.cell()), or a stray row height
            stored.append((r, cells))
        return heapq.merge(stored, *(self._made(t) for t in self.tables), key=itemgetter(0))

    def write_row(self, xf, row, row_idx):  # type: ignore[override]
        height = self.heights.pop(row_idx, None)
        if height is None:
            return super().write_row(xf, row, row_idx)
        self.ws.row_dimensions[row_idx] = height
        try:
            super().write_row(xf, row, row_idx)
        finally:
            del self.ws.row_dimensions[row_idx]


class _BookWriter(ExcelWriter):
    def __init__(self, wb: Workbook, archive: zipfile.ZipFile, tables: dict[str, list[Table]]):
        super().__init__(wb, archive)
        self.tables = tables

    def write_worksheet(self, ws: Worksheet) -> None:
        tables = self.tables.get(ws.title)
        if not tables:
            return super().write_worksheet(ws)
        # ExcelWriter.write_worksheet, with the table writer
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _TableWriter(ws, tables)
        writer.write()
        ws._rels = writer._rels
        self._archive.write(writer.out, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()


def save(wb: Workbook, tables: dict[str, list[Table]]) -> bytes:
    """The workbook as .xlsx bytes, each sheet's ``tables`` (by sheet title) written into it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _BookWriter(wb, archive, tables).save()
    return buf.getvalue()
