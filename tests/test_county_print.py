"""The county's summary as the office prints it (issue 12): LibreOffice for the workbook,
Chromium for the overview page; the pages are read back with poppler.
"""

from __future__ import annotations

import subprocess

import openpyxl
import pytest

from giar_xl.chromium import chromium, print_pdf
from giar_xl.libreoffice import convert, soffice

from conftest import run_cli
from county_mess import EXPECTED_STATUS, OUTSIDE_UNIT, UNITS
from rendered import flat, page_texts, words

pytestmark = pytest.mark.slow
COUNTED = [u for u, s in EXPECTED_STATUS.items() if s == "已交"]
# each added sheet's title (after "测试县2025年度 "), in the workbook's order, and its orientation
SHEETS = (("汇总表", "政府信息公开工作年度报告汇总表", False), ("各单位情况", "各单位报送情况", True),
          ("指标", "各单位指标", True), ("分类小计", "按单位类型小计", True), ("同比", "与上年对比", False),
          ("发布情况", "各单位年度报告发布情况", False), ("文件清单", "收到的文件", True),
          ("单位说明", "单位对提示的说明", True))


@pytest.fixture(scope="module")
def printed(mess_county, tmp_path_factory):
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    c = mess_county
    tmp = tmp_path_factory.mktemp("county-print")
    book = tmp / "全县汇总.xlsx"
    code, out, err = run_cli("aggregate", c.returns, "--units", c.units_csv, "--name", "测试县",
                             "--previous", c.last_summary, "-o", book)
    assert code == 2, err
    pdf = convert(book, "pdf", tmp / "pdf")
    pages, found = words(pdf)
    return {"book": book, "pdf": pdf, "pages": pages, "words": found, "texts": page_texts(pdf), "tmp": tmp}


def sheet_pages(printed) -> dict[str, list[int]]:
    """Pages (0-based) of each added sheet: from its title's page to the next title's."""
    texts = [flat(t) for t in printed["texts"]]
    starts = []
    for name, title, _ in SHEETS:
        page = next(i for i, t in enumerate(texts) if flat(title) in t and
                    all(i > s for _, s in starts))
        starts.append((name, page))
    standard = next(i for i, t in enumerate(texts) if "汇总数据" in t and i > starts[-1][1])
    bounds = [s for _, s in starts] + [standard]
    return {name: list(range(bounds[k], bounds[k + 1])) for k, (name, _) in enumerate(starts)}


def test_every_sheet_prints_on_a4_in_its_orientation_and_nothing_is_cut_off(printed):
    pages, found = printed["pages"], printed["words"]
    for p in pages:  # A4: 595 × 842 points, either way round
        assert sorted((round(p.width), round(p.height))) == [595, 842], p
    for w in found:  # no word runs off its page
        page = pages[w.page - 1]
        assert 0 <= w.x0 and w.x1 <= page.width + 0.5 and w.y1 <= page.height + 0.5, w
    where = sheet_pages(printed)
    wb = openpyxl.load_workbook(printed["book"])
    for name, _, landscape in SHEETS:
        ws = wb[name]
        assert int(ws.page_setup.paperSize) == 9
        assert (ws.page_setup.orientation == "landscape") == landscape, name
        for i in where[name]:
            assert (pages[i].width > pages[i].height) == landscape, (name, i)
    # a one-page cover; the long tables on a few pages each, not dozens of slivers
    assert len(where["汇总表"]) <= 2 and len(where["各单位情况"]) <= 4, where
    assert len(pages) <= 40


def test_long_tables_repeat_their_header_and_keep_every_column(printed):
    texts = printed["texts"]
    where = sheet_pages(printed)
    for name, headers in (("各单位情况", ("序号", "单位", "状态", "计入", "文件", "说明")),
                          ("指标", ("序号", "单位", "依申请总量", "公开率", "纠错率")),
                          ("文件清单", ("序号", "文件", "单位", "用途", "线索和说明"))):
        for i in where[name]:
            assert all(h in texts[i] for h in headers), (name, i, texts[i][:300])
    units = flat("".join(texts[i] for i in where["各单位情况"]))
    for unit in [u for u, _ in UNITS] + [OUTSIDE_UNIT]:
        assert flat(unit) in units, unit
    # the last column's long notes are printed whole (wrapped, never cut)
    rows = openpyxl.load_workbook(printed["book"])["各单位情况"]
    notes = [rows.cell(r, 9).value for r in range(3, rows.max_row + 1) if rows.cell(r, 9).value]
    assert notes and all(flat(n) in units for n in notes)
    indicators = flat("".join(texts[i] for i in where["指标"]))
    assert all(flat(u) in indicators for u in COUNTED)


def test_the_charts_are_drawn(printed):
    text = flat("".join(printed["texts"]))
    assert flat("依申请总量（按单位类型）") in text and flat("主要数字：上年与本年") in text


# ------------------------------------------------------------------ the overview page
@pytest.fixture(scope="module")
def page(printed):
    if chromium() is None:
        pytest.skip("Chromium is not installed")
    html = printed["book"].with_suffix(".html")
    pdf = print_pdf(html, printed["tmp"] / "overview.pdf")
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages, found = words(pdf)
    return {"html": html.read_text("utf-8"), "pdf": pdf, "raw": raw, "pages": pages, "words": found}


def name_cells(name: str, found) -> list[list[str]]:
    """The printed lines of each occurrence of ``name`` that stands in a cell of its own.

    pdftotext gives a cell's line as one word (no spaces in Chinese); a wrapped cell is the
    same left edge, line under line.
    """
    out = []
    for i, w in enumerate(found):
        if not (len(w.text) >= 2 and name.startswith(w.text)):
            continue
        joined, prev, lines = w.text, w, [w.text]
        while joined != name:
            below = [x for x in found if x.page == w.page and abs(x.x0 - w.x0) < 1.5
                     and 0 < x.y0 - prev.y0 < 2.5 * (prev.y1 - prev.y0)]
            nxt = min(below, key=lambda x: x.y0, default=None)
            if nxt is None or not name.startswith(joined + nxt.text):
                break
            joined, prev = joined + nxt.text, nxt
            lines.append(nxt.text)
        if joined == name:
            out.append(lines)
    return out


def test_the_page_prints_on_a4_landscape_with_names_not_cut_into_single_characters(page):
    for p in page["pages"]:
        assert (round(p.width), round(p.height)) == (842, 595), p
    for w in page["words"]:
        assert w.x1 <= page["pages"][w.page - 1].width + 0.5, w
    for unit in [u for u, _ in UNITS]:
        shown = name_cells(unit, page["words"])
        assert shown, unit
        for lines in shown:  # at most two lines, and never a character left alone on one
            assert len(lines) <= 2 and min(len(x) for x in lines) >= 2, (unit, lines)


def test_the_page_has_inline_charts_and_no_script(page):
    html = page["html"]
    assert "<script" not in html.lower() and "<svg" in html and "src=" not in html
    assert html.count("<svg") == 3
    text = flat(page["raw"])
    assert flat("各单位状态（个）") in text and flat("依申请总量（件，按单位类型）") in text
    for unit in COUNTED:
        assert flat(unit) in text
