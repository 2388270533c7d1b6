"""docs/limits.md states the limits the code enforces, and each is enforced at its boundary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from giar_xl import bounded, xlsx
from giar_xl.county import units
from giar_xl.errors import UnreadableInput
from giar_xl.importer import MAX_IMPORT_BYTES
from giar_xl.importer.docx import MAX_PART_BYTES as DOCX_PART_BYTES, MAX_TOTAL_BYTES as DOCX_TOTAL_BYTES
from giar_xl.importer.pdf import MAX_PAGES as MAX_PDF_PAGES
from giar_xl.reader import read_workbook
from giar_xl.report import MAX_JSON_BYTES

from hostile_helpers import T3_PART, MAIN_NS, with_part, workbook_bytes

DOC = (Path(__file__).resolve().parent.parent / "docs" / "limits.md").read_text("utf-8")


def mb(n: int) -> str:
    assert n % 2**20 == 0
    return f"{n // 2**20} MB"


@pytest.mark.parametrize("stated", [
    mb(xlsx.MAX_FILE_BYTES), mb(xlsx.MAX_PART_BYTES), mb(xlsx.MAX_TOTAL_BYTES),
    f"{xlsx.MAX_CELLS_PER_SHEET} 个", f"{xlsx.MAX_TAGS_PER_PART} 个", mb(MAX_JSON_BYTES), mb(MAX_IMPORT_BYTES),
    f"{units.MAX_UNITS} 个单位", f"{units.MAX_NAME_CHARS} 个字符",
    f"{MAX_PDF_PAGES} 页", f"每个部件 {mb(DOCX_PART_BYTES)}", f"全部 {mb(DOCX_TOTAL_BYTES)}",
    f"{bounded.MAX_STYLE_RECORDS} 个", f"{bounded.MAX_RANGE_CELLS} 个", f"{bounded.MAX_CLIPPED_ELEMENTS} 个",
])
def test_doc_states_each_limit(stated):
    assert stated in DOC


def test_doc_has_no_stale_figures():
    stated = set(re.findall(r"(\d+) MB", DOC)) - {"1"}  # "不到 1 MB" describes real files
    enforced = {str(n // 2**20) for n in (xlsx.MAX_FILE_BYTES, xlsx.MAX_PART_BYTES, xlsx.MAX_TOTAL_BYTES,
                                          MAX_JSON_BYTES, MAX_IMPORT_BYTES)}
    assert stated <= enforced


def sheet_with_cells(n: int) -> bytes:
    return (b"<worksheet " + MAIN_NS + b"><sheetData>" + b"<row><c><v>1</v></c></row>" * n
            + b"</sheetData></worksheet>")


def test_cell_limit_is_exact(tmp_path):
    """The cell limit is a boundary, not a guess: at the limit the sheet is read, one more is refused."""
    path = tmp_path / "边界.xlsx"
    path.write_bytes(with_part(workbook_bytes(), T3_PART, sheet_with_cells(xlsx.MAX_CELLS_PER_SHEET)))
    read_workbook(path)  # the table's cells are gone, but the sheet is within the limit
    path.write_bytes(with_part(workbook_bytes(), T3_PART, sheet_with_cells(xlsx.MAX_CELLS_PER_SHEET + 1)))
    with pytest.raises(UnreadableInput, match=str(xlsx.MAX_CELLS_PER_SHEET)):
        read_workbook(path)


def test_part_limit_is_exact(tmp_path):
    path = tmp_path / "部件.xlsx"
    head, tail = b"<worksheet " + MAIN_NS + b"><sheetData>", b"</sheetData></worksheet>"
    room = xlsx.MAX_PART_BYTES - len(head) - len(tail)
    block = b"<row/>" + b" " * (2**20 - 6)  # text nodes under libxml2's 10 MB limit
    fits = head + block * (room // len(block)) + b" " * (room % len(block)) + tail
    assert len(fits) == xlsx.MAX_PART_BYTES
    path.write_bytes(with_part(workbook_bytes(), T3_PART, fits, level=1))
    read_workbook(path)
    path.write_bytes(with_part(workbook_bytes(), T3_PART, fits.replace(b"<sheetData>", b"<sheetData> "), level=1))
    with pytest.raises(UnreadableInput, match="压缩炸弹"):
        read_workbook(path)


def test_file_limit(tmp_path):
    path = tmp_path / "大.xlsx"
    path.write_bytes(workbook_bytes())
    with open(path, "r+b") as fh:  # a valid zip start, grown past the limit (sparse)
        fh.truncate(xlsx.MAX_FILE_BYTES + 1)
    with pytest.raises(UnreadableInput, match=mb(xlsx.MAX_FILE_BYTES)):
        read_workbook(path)
