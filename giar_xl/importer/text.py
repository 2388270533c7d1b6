"""Read the text of a report copied from its web page.

Two shapes are seen when a page is copied as plain text:
- one cell per line, each cell line starting with a tab, rows separated by a
  blank line, a line break inside a cell continuing on the next line without a
  tab (tests/fixtures/shizhuang-2024.txt; also what ``export txt`` writes);
- one row per line, cells separated by tabs (what most browsers put on the
  clipboard).
The shape is recognised from the tab lines themselves. Text with grid tables
(``+----+``, what ``export --to txt`` writes) is read by ``gridtext.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UnreadableInput
from .document import Block, Document, Para, Row, TableBlock, note
from .gridtext import has_grid_tables, read_grid_document


def decode_text(raw: bytes, source: str) -> tuple[str, list[dict]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), []
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        # Windows Notepad in Chinese saves "ANSI", i.e. GBK: a common way these texts arrive
        return raw.decode("gb18030"), [note("提示", "文件编码", "文件不是 UTF-8 编码，已按 GBK（GB18030）读取。")]
    except UnicodeDecodeError:
        raise UnreadableInput("无法识别文件的文字编码（既不是 UTF-8，也不是 GBK）。", file=source) from None


def _cell_per_line(lines: list[str]) -> bool:
    tab_lines = [ln for ln in lines if "\t" in ln]
    if not tab_lines:
        return True
    single = sum(1 for ln in tab_lines if ln.startswith("\t") and ln.count("\t") == 1)
    return single >= 0.8 * len(tab_lines)


def read_text(raw: bytes, source: str, is_table_text: Callable[[str], bool]) -> Document:
    text, notes = decode_text(raw, source)
    if "\x00" in text:
        raise UnreadableInput("这不是文本文件（含有二进制内容）。", file=source)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if has_grid_tables(lines):
        blocks = read_grid_document(lines)
    else:
        blocks = (_read_cells(lines) if _cell_per_line(lines) else _read_rows(lines, is_table_text))
    return Document(blocks, source, notes=notes)


def _read_cells(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    table: TableBlock | None = None
    row: Row | None = None
    after_cell = False
    for i, line in enumerate(lines, 1):
        if line.startswith("\t"):
            if table is None:
                table = TableBlock([], f"第 {i} 行起的表格")
                blocks.append(table)
            if row is None:
                row = Row([], f"第 {i} 行")
                table.rows.append(row)
            row.cells.append(line[1:])
            after_cell = True
        elif not line.strip():
            row = None  # a blank line ends a table row
            after_cell = False
        elif after_cell and row is not None:
            row.cells[-1] += "\n" + line  # "商业\n企业": a line break inside a cell
        else:
            table, row = None, None
            blocks.append(Para(line.strip(), f"第 {i} 行"))
    return blocks


def _read_rows(lines: list[str], is_table_text: Callable[[str], bool]) -> list[Block]:
    blocks: list[Block] = []
    table: TableBlock | None = None
    for i, line in enumerate(lines, 1):
        if "\t" in line or (table is not None and line.strip() and is_table_text(line)):
            if table is None:
                table = TableBlock([], f"第 {i} 行起的表格")
                blocks.append(table)
            table.rows.append(Row(line.split("\t"), f"第 {i} 行"))
        elif line.strip():
            table = None
            blocks.append(Para(line.strip(), f"第 {i} 行"))
    return blocks
