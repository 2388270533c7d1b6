"""The workbook as it prints: rendered by LibreOffice to PDF and read back (issue 14).

Two books are rendered once for the module: the bundled 2024 report, and the same
report with long narrative parts (1,000 and 1,300 characters, many paragraphs,
Latin text). Where a point is about what Excel reads (fills of conditional formats,
row heights, validation), the test reads the .xlsx XML.
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from lxml import etree

from giar_xl.layout import places
from giar_xl.libreoffice import convert
from giar_xl.reader import read_workbook
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import build_workbook
from giar_xl.template import sizing
from giar_xl.text import normalise_label
from rendered import flat, page_texts, words

pytestmark = pytest.mark.slow
SPEC = DEFAULT_FORMAT
NARRATIVE = [s for s in SPEC.sections if s.table is None]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
PARA = "本年度我镇认真贯彻落实政府信息公开条例，扎实推进政务公开工作，主动公开政府信息。"  # 40


def long_report(example):
    r = example
    r.texts["s1.active"] = (PARA * 25)[:1000]
    r.texts["s1.request"] = "\n".join([PARA * 3] * 8)
    r.texts["s5.problems"] = (PARA * 40)[:1300]
    r.texts["s6.other"] = "Latin text with digits 2024 and English words. " * 20
    return r


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    from giar_xl.examples import load_example

    tmp = tmp_path_factory.mktemp("print")
    out = {}
    for name, report in (("demo", load_example()), ("long", long_report(load_example()))):
        xlsx = tmp / f"{name}.xlsx"
        build_workbook(xlsx, report)
        out[name] = (xlsx, report, convert(xlsx, "pdf", tmp / "pdf"))
    return out


def sheet_xml(path, sheet: str) -> etree._Element:
    wb = openpyxl.load_workbook(path)
    index = wb.sheetnames.index(sheet) + 1  # openpyxl writes sheet1.xml … in order
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(f"xl/worksheets/sheet{index}.xml"))


@pytest.mark.parametrize("name", ["demo", "long"])
def test_no_page_is_cut_at_the_side(books, name):
    pages, found = words(books[name][2])
    assert found
    for w in found:
        page = pages[w.page - 1]
        assert w.x0 >= 0 and w.x1 <= page.width, (w.text, w.page, w.x1, page.width)


def test_text_columns_are_as_wide_as_the_portrait_page(books):
    path = books["demo"][0]
    wb = openpyxl.load_workbook(path)
    for s in NARRATIVE:
        ws = wb[s.sheet]
        assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
        width = ws.column_dimensions["A"].width
        # the wide unit (LibreOffice without Calibri) still fits between the margins …
        assert width * sizing.UNIT_PT_WIDE <= sizing.print_width_pt(False)
        # … and the column is not much narrower than the page
        assert width * sizing.UNIT_PT_WIDE >= sizing.print_width_pt(False) - 2 * sizing.UNIT_PT_WIDE
    # rendered: the text boxes reach across the page, no further
    pages, found = words(books["demo"][2])
    heading = {w.page for w in found if w.text.startswith(NARRATIVE[0].heading)}
    page = pages[min(heading) - 1]
    right = max(w.x1 for w in found if w.page == page.number)
    assert right > page.width * 0.75


def test_every_long_part_prints_whole(books):
    _, report, pdf = books["long"]
    text = flat("".join(page_texts(pdf)))
    for pid, value in report.texts.items():
        if value:
            assert flat(value) in text, pid


def test_text_rows_grow_with_their_text(books):
    path, report, _ = books["long"]
    where = places(SPEC)
    heights = {}
    for s in NARRATIVE:
        root = sheet_xml(path, s.sheet)
        rows = {int(r.get("r")): r for r in root.iterfind(".//m:row", NS)}
        for part in s.parts:
            row = rows[int(re.sub(r"[A-Z]", "", where[part.id].address))]
            # a height Excel may fit again on edit: never a custom (fixed) one
            assert row.get("customHeight") in (None, "0", "false"), part.id
            heights[part.id] = float(row.get("ht"))
            heading = rows[int(row.get("r")) - 1]  # the part's heading row
            assert heading.get("customHeight") in (None, "0", "false")
    assert heights["s1.active"] > heights["s1.management"] > sizing.MIN_ROW_PT
    assert heights["s1.request"] > 8 * 17  # eight paragraphs, a line each at least
    assert max(heights.values()) <= sizing.MAX_ROW_PT
    # the longest part is set smaller to fit Excel's tallest row
    wb = openpyxl.load_workbook(path)
    p = where["s5.problems"]
    assert wb[p.sheet][p.address].font.sz < 12
    assert read_workbook(path).texts == report.texts  # and the text itself is whole


def test_table_three_two_line_labels_do_not_overlap(books):
    t3 = SPEC.sections[2].table
    first, second = (g.text for g in t3.grid if g.text.startswith(("1.申请人", "2.申请人")))
    pages, found = words(books["demo"][2])
    anchor = next(w for w in found if w.text.startswith("1.申请人"))
    # the label column's lines: left-aligned at the same edge as the first label
    lines = sorted((w for w in found if w.page == anchor.page and abs(w.x0 - anchor.x0) < 1),
                   key=lambda w: w.y0)
    # the label column's lines from the start of the first label to the end of the second
    start = next(i for i, w in enumerate(lines) if w.text.startswith("1.申请人"))
    middle = next(i for i, w in enumerate(lines) if w.text.startswith("2.申请人"))
    one = [w for w in lines[start:middle] if not w.text.isdigit()]
    two = [w for w in lines[middle:] if not w.text.isdigit()]
    got_one = "".join(w.text for w in one)
    assert normalise_label(got_one) == normalise_label(first)
    assert normalise_label("".join(w.text for w in two)).startswith(normalise_label(second))
    assert max(w.y1 for w in one) <= min(w.y0 for w in two[:1]) + 0.5  # no overlap
    for a, b in zip(one, one[1:]):
        assert a.y1 <= b.y0 + 0.5


def test_conditional_fills_carry_foreground_and_background(books):
    with zipfile.ZipFile(books["demo"][0]) as z:
        styles = etree.fromstring(z.read("xl/styles.xml"))
    fills = styles.findall(".//m:dxfs/m:dxf/m:fill/m:patternFill", NS)
    assert len(fills) >= 2
    for f in fills:
        fg, bg = f.find("m:fgColor", NS), f.find("m:bgColor", NS)
        assert f.get("patternType") == "solid" and fg is not None and bg is not None
        assert fg.get("rgb") == bg.get("rgb") and fg.get("rgb").startswith("FF")


def test_check_row_speaks_the_formats_words(books):
    text = flat("".join(page_texts(books["demo"][2])))
    assert "勾稽检查（一+二=（七）总计+四）" in text
    assert "R1" not in text and "R24" not in text


def test_overview_prompt_says_it_once(books):
    pages = page_texts(books["demo"][2])
    for s in NARRATIVE:
        page = next(p for p in pages if s.heading in p)
        for line in page.splitlines():
            assert line.count("总述") <= 1, line
    assert any("总述（选填）" in p for p in pages)


def test_cover_tells_the_clerk_what_the_sheet_shows_first(books):
    cover = flat(page_texts(books["demo"][2])[0])
    assert "填表说明" in cover
    live = cover.index("表格下方的“勾稽检查”一行")
    assert live < cover.index("giar-xlvalidate")
    assert "✓平衡" in cover and "标黄" in cover


def test_publication_date_is_a_validated_date(books, tmp_path, example_report):
    root = sheet_xml(books["demo"][0], SPEC.cover_sheet)
    address = places(SPEC)["cover.published"].address
    dvs = [dv for dv in root.iterfind(".//m:dataValidation", NS) if address in dv.get("sqref").split()]
    assert len(dvs) == 1 and dvs[0].get("type") == "date" and dvs[0].get("allowBlank") == "1"
    assert dvs[0].findtext("m:formula1", namespaces=NS) == "DATE(2022,1,1)"
    # --data writes an ISO date as a real date, which reads back as the same text
    example_report.published = "2025-01-20"
    path = tmp_path / "dated.xlsx"
    build_workbook(path, example_report)
    cell = openpyxl.load_workbook(path)[SPEC.cover_sheet][address]
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    assert read_workbook(path).published == "2025-01-20"


def test_a_blank_publication_date_is_a_notice_and_export_says_so(tmp_path, example_report):
    from conftest import run_cli

    path = tmp_path / "undated.xlsx"
    build_workbook(path, example_report)
    code, out, err = run_cli("validate", path)
    assert code == 0 and "提示 C07 发布日期未填" in out
    code, out, err = run_cli("export", path, "--to", "html")
    assert code == 0 and "未填发布日期" in err and "没有落款" in err
