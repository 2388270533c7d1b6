"""The annotated copy (validate --annotate) as a clerk opens and prints it (issue 14).

The faulty book and its annotated copy are rendered once for the module by
LibreOffice; colours are read from the rendered pages' pixels.
"""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from lxml import etree

from giar_xl.checker import check
from giar_xl.layout import places
from giar_xl.libreoffice import convert
from giar_xl.reader import read_workbook
from giar_xl.results import ERROR_COLOUR, HEADER, RESULTS_SHEET
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.spec.format2021 import t3_id
from giar_xl.template import build_workbook
from conftest import balanced_report, run_cli
from rendered import flat, page_texts, pixel, words

pytestmark = pytest.mark.slow
SPEC = DEFAULT_FORMAT
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
SLASHED, BLANK = "t2.regulation.issued", "t2.penalty.decisions"


def faulty():
    r = balanced_report(5)
    r.values[t3_id("R25", "business")] += 1  # I1 fails in 商业企业
    r.values[t3_id("R25", "total")] += 1
    r.values[SLASHED] = "/"
    r.values[BLANK] = None
    for col in ("research", "nonprofit", "legal"):
        r.values[t3_id("R3", col)] = "/"
    for part in ("s1.platform", "s1.management", "s5.rectification", "s6.fees"):
        r.texts[part] = ""
    return r


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("annotated")
    src = tmp / "报告.xlsx"
    build_workbook(src, faulty())
    out = tmp / "报告-校验.xlsx"
    code, _, err = run_cli("validate", src, "--annotate", out)
    assert code == 1, err
    return {"src": src, "out": out, "findings": check(read_workbook(src)),
            "src_pdf": convert(src, "pdf", tmp / "src"), "out_pdf": convert(out, "pdf", tmp / "out"),
            "tmp": tmp}


def test_opens_on_the_results_sheet(copy):
    wb = openpyxl.load_workbook(copy["out"])
    assert wb.active.title == RESULTS_SHEET
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == [RESULTS_SHEET]
    with zipfile.ZipFile(copy["out"]) as z:
        book = etree.fromstring(z.read("xl/workbook.xml"))
    tab = int(book.find(".//m:workbookView", NS).get("activeTab"))
    names = [s.get("name") for s in book.iterfind(".//m:sheet", NS)]
    assert names[tab] == RESULTS_SHEET


def test_results_print_on_a4_with_their_header_on_every_page(copy):
    ws = openpyxl.load_workbook(copy["out"])[RESULTS_SHEET]
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows.replace("$", "") == "3:3"
    pages = [p for p in page_texts(copy["out_pdf"]) if "校验结果" in p or "应为 / 实为" in p]
    assert len(pages) >= 2, "the example should fill more than one page"
    for p in pages:
        assert all(h in p for h in HEADER), p[:200]
    said = column_text(copy["out_pdf"], "说明")
    assert all(flat(f.message) in said for f in copy["findings"])  # nothing cut off
    found_pages, found = words(copy["out_pdf"])
    for w in found:
        assert w.x1 <= found_pages[w.page - 1].width


def column_text(pdf, header: str) -> str:
    """The text printed in a column of the results sheet, page by page, top to bottom."""
    pages, found = words(pdf)
    out = []
    for page in pages:
        on = [w for w in found if w.page == page.number]
        first = next((w for w in on if w.text == HEADER[0]), None)
        if first is None:
            continue
        heads = sorted((w for w in on if abs(w.y0 - first.y0) < 2), key=lambda w: w.x0)
        head = next(w for w in heads if w.text == header)
        right = min((w.x0 for w in heads if w.x0 > head.x1 + 1), default=page.width)
        out += [w.text for w in sorted(on, key=lambda w: (w.y0, w.x0))
                if head.x0 - 1 <= w.x0 < right - 1 and w.y0 > head.y1]
    return flat("".join(out))


def test_each_explanation_names_its_row_and_column(copy):
    ws = openpyxl.load_workbook(copy["out"])[RESULTS_SHEET]
    text = column_text(copy["out_pdf"], "说明")
    for i, f in enumerate(copy["findings"], start=4):
        said = ws.cell(i, HEADER.index("说明") + 1).value
        labels = " / ".join(x for x in (f.row_label, f.col_label) if x)
        assert said == (f"{labels}：{f.message}" if labels else f.message)
        assert flat(said) in text
    slashed = places(SPEC)[SLASHED]
    assert flat("第二十条第（一）项 规章 / 本年制发件数：此格填了“/”") in text, slashed


def test_expected_and_actual_read_as_one_sentence(copy):
    text = flat("".join(page_texts(copy["out_pdf"])))
    assert "应为0，实为“/”" in text
    assert "应为0，实为空白" in text
    ws = openpyxl.load_workbook(copy["out"])[RESULTS_SHEET]
    column = [ws.cell(r, HEADER.index("应为 / 实为") + 1).value for r in range(4, ws.max_row + 1)]
    assert "应为 0，实为“/”" in column


def _cell_centre(found, page: int, label: str, header: str) -> tuple[float, float]:
    """The centre of the value cell in the row labelled ``label`` under column ``header``."""
    row = next(w for w in found if w.page == page and w.text == label)
    col = next(w for w in found if w.page == page and w.text == header)
    return (col.x0 + col.x1) / 2, (row.y0 + row.y1) / 2


def _is_red(rgb) -> bool:
    want = tuple(int(ERROR_COLOUR[i:i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= 12 for a, b in zip(rgb, want))


def _is_yellow(rgb) -> bool:
    r, g, b = rgb
    return r > 230 and 200 < g < 245 and b < 170


@pytest.mark.parametrize("label, header, where", [
    ("规章", "本年制发件数", "left"),  # "/" in the cell: painted yellow by the template's rule
    ("行政处罚", "本年处理决定数量", "centre"),  # a blank cell: painted yellow too
])
def test_an_errors_colour_wins_over_the_sheets_yellow(copy, label, header, where):
    shown = {}
    for key in ("src_pdf", "out_pdf"):
        pages, found = words(copy[key])
        page = next(w.page for w in found if w.text == "第二十条第（一）项")
        x, y = _cell_centre(found, page, label, header)
        if where == "left":  # beside the right-aligned "/": inside the cell, clear of the glyph
            x = next(w for w in found if w.page == page and w.text == "本年制发件数").x0
        shown[key] = pixel(copy[key], page, x, y, copy["tmp"])
    assert _is_yellow(shown["src_pdf"]), shown  # the original: the live yellow mark
    assert _is_red(shown["out_pdf"]), shown  # the copy: the error's colour


def test_annotating_the_copy_again_gives_the_yellow_rule_back(copy, tmp_path):
    wb = openpyxl.load_workbook(copy["out"])
    p = places(SPEC)[SLASHED]
    wb[p.sheet][p.address] = 0  # fixed in the copy
    fixed = tmp_path / "fixed.xlsx"
    wb.save(fixed)
    again = tmp_path / "again.xlsx"
    run_cli("validate", fixed, "--annotate", again)
    ws = openpyxl.load_workbook(again)[p.sheet]
    covered = {c for cf in ws.conditional_formatting for rule in cf.rules
               if rule.formula and rule.formula[0].startswith("NOT(ISNUMBER(")
               for c in str(cf.sqref).split()}
    cells = set()
    for rng in covered:
        a, _, b = rng.partition(":")
        cells |= {a} if not b else {
            f"{chr(c)}{r}" for c in range(ord(a[0]), ord(b[0]) + 1)
            for r in range(int(a[1:]), int(b[1:]) + 1)}
    assert p.address in cells  # no longer an error: the live check watches it again
    blank = places(SPEC)[BLANK]
    assert blank.address not in cells  # still an error: still out of the yellow rule
