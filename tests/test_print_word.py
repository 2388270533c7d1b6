"""The Word file as LibreOffice prints it, and ``export --to pdf`` (issue 14).

Rendered once for the module: the bundled 2024 report (dated, so that it is
signed) through the command, the same report through ``export_report`` (for the
bytes), and a stress report (long text, five-digit numbers in table 三, which
then cannot fit one page) forced through the command despite its errors.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter

import pytest
from lxml import etree

from giar_xl.export import export_report
from giar_xl.export.common import narrative_blocks, report_title
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.text import display_width
from conftest import run_cli
from rendered import flat, fonts, info, page_count, page_texts, words

pytestmark = pytest.mark.slow
SPEC = DEFAULT_FORMAT
T3 = SPEC.sections[2].table
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DEMO_PAGES = 6  # the bundled report, signed: A4 pages as LibreOffice lays out the Word file


def stress_report(example):
    for c in SPEC.value_cells:
        if c.table == "t3":
            example.values[c.id] = 12345
    example.texts["s1.active"] = "全年主动公开政府信息一百余条，重点公开财政预决算等领域信息。" * 30
    return example


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    from giar_xl.examples import load_example

    tmp = tmp_path_factory.mktemp("word")
    demo = load_example()
    demo.published = "2025-01-20"
    demo_json = tmp / "史庄镇-2024.json"
    demo_json.write_text(demo.dumps(), "utf-8")
    code, out, err = run_cli("export", demo_json, "--to", "pdf", "--to", "docx", "-o", tmp / "demo")
    assert code == 0, err
    stress = stress_report(load_example())
    stress.published = "2025-01-20"
    stress_json = tmp / "stress.json"
    stress_json.write_text(stress.dumps(), "utf-8")
    code, out, err = run_cli("export", stress_json, "--to", "pdf", "--force", "-o", tmp / "stress")
    assert code == 0 and "已按 --force 强制导出" in err, err
    return {"demo": tmp / "demo" / "史庄镇-2024.pdf", "docx": tmp / "demo" / "史庄镇-2024.docx",
            "report": demo, "again": export_report(demo, "pdf"),
            "stress": tmp / "stress" / "stress.pdf", "stress_report": stress}


def test_fonts_are_embedded(pdfs):
    for key in ("demo", "stress"):
        found = fonts(pdfs[key])
        assert found and all(f["emb"] == "yes" for f in found), found


def test_page_count_of_the_demo_report(pdfs):
    assert page_count(pdfs["demo"]) == DEMO_PAGES
    assert info(pdfs["demo"])["Page size"].startswith("595.") and "A4" in info(pdfs["demo"])["Page size"]


def test_all_the_text_of_the_word_file_is_in_the_pdf(pdfs):
    with zipfile.ZipFile(pdfs["docx"]) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    source = flat("".join(t.text or "" for t in root.iter(f"{W}t")))
    printed = flat("".join(re.sub(r"—\s*\d+\s*—", "", p) for p in page_texts(pdfs["demo"])))
    missing = Counter(source) - Counter(printed)
    assert not missing, missing  # every character, as often as the document has it
    report = pdfs["report"]
    assert flat(report_title(report)) in printed
    for s in SPEC.sections:
        assert s.heading in printed
        if s.table is None:
            for block in narrative_blocks(report, s):
                for para in block.paragraphs:
                    assert flat(para) in printed, para[:20]
    assert printed.endswith(flat("获嘉县史庄镇2025年1月20日"))  # the signature, last


def _page_of(found, text: str) -> int:
    """The page of the word that begins ``text`` (a label's first line, however it wraps)."""
    pages = {w.page for w in found if w.text.startswith(text[:6])
             or (len(w.text) >= 3 and text.startswith(w.text))}
    assert len(pages) == 1, (text, pages)
    return pages.pop()


def _first_word(found, page: int):
    return min((w for w in found if w.page == page), key=lambda w: (round(w.y0), w.x0))


def test_each_table_sits_whole_on_a_page_with_its_heading(pdfs):
    _, found = words(pdfs["demo"])
    for s in SPEC.sections:
        if s.table is None:
            continue
        labels = [g.text for g in sorted(s.table.grid, key=lambda g: (g.r, g.c))
                  if g.role == "label"]
        heading = _page_of(found, s.heading)
        if labels:
            assert {_page_of(found, labels[0]), _page_of(found, labels[-1])} == {heading}, s.heading
    # table 三 would not fit below the text before it: it starts on a fresh page
    page = _page_of(found, T3.title)
    assert _first_word(found, page).text.startswith(T3.title[:6])


def test_a_table_longer_than_a_page_breaks_between_its_groups(pdfs):
    _, found = words(pdfs["stress"])
    heading = _page_of(found, T3.title)
    assert _first_word(found, heading).text.startswith(T3.title[:6])  # a fresh page
    pages = set()
    rows = {g.r: g.text for g in T3.grid if g.role == "label"}
    for g in T3.grid:  # the groups inside "三、本年度办理结果" (which spans the whole body)
        if g.role == "group" and g.rowspan > 1 and g.c > 0:
            first, last = rows[g.r], rows[g.r + g.rowspan - 1]
            on = {_page_of(found, first), _page_of(found, last)}
            assert len(on) == 1, (g.text, on)  # a merged label never splits
            pages |= on
    assert len(pages | {heading}) == 2, "the stress table should take two pages"
    # the header rows repeat on the second page
    second = max(pages | {heading})
    assert any(w.page == second and w.text.startswith("申请人情况") for w in found)


def test_28_characters_a_line_and_22_lines_a_page(pdfs):
    pages, found = words(pdfs["demo"])
    body_pages = [p.number for p in pages if p.number < _page_of(found, SPEC.sections[1].heading)]
    lines: dict[tuple[int, int], list] = {}
    for w in found:
        if w.page in body_pages:
            lines.setdefault((w.page, round(w.y0)), []).append(w)
    left = 28 / 25.4 * 72  # the type area: 28 mm and 26 mm margins
    right = pages[0].width - 26 / 25.4 * 72
    full = []
    for (page, y), ws in sorted(lines.items()):
        text = "".join(w.text for w in sorted(ws, key=lambda w: w.x0))
        # a full line of Chinese that is not a paragraph's indented first line (a comma
        # at its end may hang in the margin, as Word lets it)
        if (min(w.x0 for w in ws) < left + 4 and max(w.x1 for w in ws) > right - 8
                and all(display_width(ch) == 2 for ch in text)):
            full.append(text[:-1] if max(w.x1 for w in ws) > right + 4 else text)
    lengths = Counter(len(t) for t in full)
    assert sum(lengths.values()) >= 10
    # 28 a line; one fewer where the next character may not start a line (“ after 做到)
    assert lengths.most_common(1)[0][0] == 28 and max(lengths) == 28, full
    # the line pitch: 225 mm / 22
    top, bottom = 37 / 25.4 * 72, pages[0].height - 35 / 25.4 * 72  # the type area
    ys = sorted({y for (page, y) in lines if page == body_pages[-1] and top - 8 < y < bottom})
    steps = [b - a for a, b in zip(ys, ys[1:])]
    assert min(steps) == pytest.approx(225 / 25.4 * 72 / 22, abs=1.0)
    assert len(ys) <= 22


def test_pdf_bytes_are_reproducible(pdfs):
    assert pdfs["demo"].read_bytes() == pdfs["again"]


def test_metadata_and_forced_mark(pdfs):
    demo, stress = info(pdfs["demo"]), info(pdfs["stress"])
    assert demo["Title"] == report_title(pdfs["report"])
    assert "giar-xl-unclean" not in demo.get("Keywords", "")
    assert "giar-xl-unclean" in stress["Keywords"] and "errors=" in stress["Keywords"]
    assert "unclean" not in "".join(page_texts(pdfs["stress"]))  # metadata only, never on a page
