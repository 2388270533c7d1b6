"""``validate --annotate`` has the memory and time bounds of ``validate`` (issue 15).

openpyxl, which writes the annotated copy, turns every cell of a merged range or of a
hyperlink's range into an object: one ``<mergeCell ref="K40:XFD1048576"/>`` in a 37 KB
file took 7 GB. It also builds one style object per ``<xf/>``: 590,000 of them took
1.4 GB and 33 s. The commands run in a child whose address space is capped, so an
unbounded run ends in MemoryError and fails the test.
"""

from __future__ import annotations

import re
import time

import openpyxl
import pytest

from giar_xl.annotate import annotate
from giar_xl.bounded import MAX_CLIPPED_ELEMENTS, MAX_RANGE_CELLS, MAX_STYLE_RECORDS, clip_ranges
from giar_xl.errors import UnreadableInput
from giar_xl.xlsx import MAX_CELLS_PER_SHEET

from hostile_helpers import TIME_LIMIT, T3, T3_PART, parts_of, run_capped, sha, workbook_bytes, zip_parts

HUGE = "K40:XFD1048576"


@pytest.fixture(scope="module")
def good() -> bytes:
    return workbook_bytes()


def with_sheet(good: bytes, edit) -> bytes:
    parts = parts_of(good)
    parts[T3_PART] = edit(parts[T3_PART].decode("utf-8")).encode("utf-8")
    return zip_parts(parts)


HOSTILE = {
    "merge": lambda s: s.replace("</mergeCells>", f'<mergeCell ref="{HUGE}"/></mergeCells>'),
    "hyperlink": lambda s: s.replace(
        "<printOptions", f'<hyperlinks><hyperlink ref="{HUGE}" location="\'封面\'!A1"/></hyperlinks><printOptions'),
    "conditional format": lambda s: s.replace(
        "<dataValidations", f'<conditionalFormatting sqref="A1 {HUGE}"><cfRule type="expression" dxfId="0" '
        'priority="99"><formula>TRUE</formula></cfRule></conditionalFormatting><dataValidations'),
    "data validation": lambda s: re.sub(
        r'<dataValidations count="(\d+)">',
        lambda m: f'<dataValidations count="{int(m.group(1)) + 1}"><dataValidation type="whole" '
                  f'sqref="{HUGE}"><formula1>0</formula1></dataValidation>', s),
    # the range written with character references, as a file crafted to slip past a text search
    "merge, escaped": lambda s: s.replace("</mergeCells>", '<mergeCell ref="&#75;40:XFD1048576"/></mergeCells>'),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_huge_ranges_are_clipped_to_the_used_area(good, tmp_path, kind):
    src = tmp_path / "范围.xlsx"
    src.write_bytes(with_sheet(good, HOSTILE[kind]))
    assert src.stat().st_size < 40_000
    before = sha(src)
    out = tmp_path / "标注.xlsx"
    code, text, seconds = run_capped("validate", src, "--annotate", out)
    assert code in (0, 1), text
    assert "Traceback" not in text and "MemoryError" not in text, text
    assert seconds < TIME_LIMIT, seconds
    assert sha(src) == before
    assert out.stat().st_size < 100_000
    ws = openpyxl.load_workbook(out)[T3]
    for rng in ws.merged_cells.ranges:
        assert rng.max_row <= ws.max_row and rng.max_col <= ws.max_column, rng
    for cf in ws.conditional_formatting:
        for rng in cf.sqref.ranges:
            assert rng.max_row <= ws.max_row and rng.max_col <= ws.max_column, rng
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert rng.max_row <= ws.max_row and rng.max_col <= ws.max_column, rng


def test_clip_ranges_keeps_what_is_inside():
    assert clip_ranges("A1:B2", 31, 10) == "A1:B2"
    assert clip_ranges("K40:XFD1048576", 31, 10) == ""
    assert clip_ranges("A1 C5:XFD1048576", 31, 10) == "A1 C5:J31"
    assert clip_ranges("$B$2:$C$1048576", 31, 10) == "B2:C31"
    assert clip_ranges("A:A", 31, 10) == "A1:A31"
    assert clip_ranges("3:3", 31, 10) == "A3:J3"


def test_template_ranges_are_untouched(good, tmp_path):
    """Clipping changes nothing in a workbook whose ranges lie in its used area."""
    src = tmp_path / "正常.xlsx"
    src.write_bytes(good)
    annotate(src, [], tmp_path / "标注.xlsx")
    a, b = openpyxl.load_workbook(src), openpyxl.load_workbook(tmp_path / "标注.xlsx")
    for ws in a.worksheets:
        other = b[ws.title]
        assert sorted(map(str, ws.merged_cells.ranges)) == sorted(map(str, other.merged_cells.ranges))
        assert sorted(str(cf.sqref) for cf in ws.conditional_formatting) == \
            sorted(str(cf.sqref) for cf in other.conditional_formatting)
        assert sorted(str(dv.sqref) for dv in ws.data_validations.dataValidation) == \
            sorted(str(dv.sqref) for dv in other.data_validations.dataValidation)


def test_sparse_sheet_with_a_huge_merge_is_refused(good, tmp_path):
    """Two cells at opposite corners make the used area the whole sheet: the range budget refuses."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远</t></is></c></row></sheetData>'
    src = tmp_path / "稀疏.xlsx"
    src.write_bytes(with_sheet(good, lambda s: HOSTILE["merge"](s).replace("</sheetData>", far)))
    out = tmp_path / "标注.xlsx"
    code, text, seconds = run_capped("validate", src, "--annotate", out)
    assert code == 2 and str(MAX_RANGE_CELLS) in text and "稀疏.xlsx" in text, text
    assert "Traceback" not in text and seconds < TIME_LIMIT
    assert not out.exists()


def test_formatted_rows_are_capped(good, tmp_path):
    """A height set on 580,000 empty rows (a 1.4 MB file) took 1 GB and 36 s in openpyxl."""
    rows = "".join(f'<row r="{i}" ht="20" customHeight="1"/>' for i in range(100, 580_000))
    src = tmp_path / "空行.xlsx"
    src.write_bytes(with_sheet(good, lambda s: s.replace("</sheetData>", rows + "</sheetData>")))
    out = tmp_path / "标注.xlsx"
    code, text, seconds = run_capped("validate", src, "--annotate", out)
    assert code == 2 and str(MAX_CELLS_PER_SHEET) in text and "行" in text, text
    assert "Traceback" not in text and seconds < TIME_LIMIT, (text, seconds)
    assert not out.exists()
    # a few thousand formatted rows are an ordinary sheet
    rows = "".join(f'<row r="{i}" ht="20" customHeight="1"/>' for i in range(100, 5_000))
    src.write_bytes(with_sheet(good, lambda s: s.replace("</sheetData>", rows + "</sheetData>")))
    annotate(src, [], out)
    assert openpyxl.load_workbook(out)[T3].row_dimensions[4000].height == 20


def test_a_huge_sheet_is_not_parsed_whole_to_clip_it(good, tmp_path):
    """Within validate's tag limit, a sheet of 500,000 elements is still a 400 MB tree: refused."""
    filler = "<x/>" * 500_000
    src = tmp_path / "大表.xlsx"
    src.write_bytes(with_sheet(good, lambda s: HOSTILE["merge"](s).replace("<sheetData>", filler + "<sheetData>")))
    out = tmp_path / "标注.xlsx"
    code, text, seconds = run_capped("validate", src, "--annotate", out)
    assert code == 2 and str(MAX_CLIPPED_ELEMENTS) in text, text
    assert "Traceback" not in text and seconds < TIME_LIMIT, (text, seconds)


def style_bloat(good: bytes, n: int) -> bytes:
    parts = parts_of(good)
    styles = parts["xl/styles.xml"].decode("utf-8")
    m = re.search(r'<cellXfs count="(\d+)">', styles)
    styles = (styles[:m.start()] + f'<cellXfs count="{int(m.group(1)) + n}">'
              + styles[m.end():].replace("</cellXfs>", "<xf/>" * n + "</cellXfs>"))
    parts["xl/styles.xml"] = styles.encode("utf-8")
    return zip_parts(parts, level=9)


def test_style_bloat_is_refused_fast(good, tmp_path):
    src = tmp_path / "样式.xlsx"
    src.write_bytes(style_bloat(good, 590_000))
    out = tmp_path / "标注.xlsx"
    code, text, seconds = run_capped("validate", src, "--annotate", out)
    assert code == 2 and str(MAX_STYLE_RECORDS) in text and "样式.xlsx" in text, text
    assert "Traceback" not in text and seconds < TIME_LIMIT
    assert not out.exists()
    start = time.perf_counter()  # the refusal itself, without the child's start-up
    with pytest.raises(UnreadableInput, match=str(MAX_STYLE_RECORDS)):
        annotate(src, [], out)
    assert time.perf_counter() - start < 3


def test_ordinary_style_counts_are_annotated(good, tmp_path):
    base = len(re.findall(rb"<(?:xf|font|fill|border|numFmt|dxf|cellStyle)\b",
                          parts_of(good)["xl/styles.xml"]))
    src = tmp_path / "样式.xlsx"
    src.write_bytes(style_bloat(good, 2_000))
    assert base + 2_000 < MAX_STYLE_RECORDS
    annotate(src, [], tmp_path / "标注.xlsx")
    assert (tmp_path / "标注.xlsx").exists()
