"""Word export: reopened with python-docx; tables, merges, fonts, page set-up; LibreOffice to PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from giar_xl.export import export_report
from giar_xl.export.common import header_row_count, report_title
from giar_xl.spec import DEFAULT_FORMAT
from test_export_grid import TABLES, distinct_report, expected_grid, spans_from_rows

SPEC = DEFAULT_FORMAT


def reopen(data: bytes):
    return docx.Document(io.BytesIO(data))


def east_asia_font(style) -> str | None:
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    return rfonts.get(qn("w:eastAsia"))


def close(a, b, tol=Mm(0.2)) -> bool:
    return abs(int(a) - int(b)) <= tol


def docx_rows(table) -> list[list[tuple[str, int, int]]]:
    """Rows of (text, rowspan, colspan) rebuilt from gridSpan / vMerge, as Word reads them."""
    raw = []  # per row: list of (start col, text, colspan, vmerge)
    for tr in table._tbl.tr_lst:
        c, row = 0, []
        for tc in tr.tc_lst:
            span = tc.grid_span
            row.append((c, "".join(t.text for t in tc.iter(qn("w:t"))), span, tc.vMerge))
            c += span
        raw.append(row)
    rows = []
    for r, row in enumerate(raw):
        out = []
        for c, text, span, vmerge in row:
            if vmerge == "continue":
                assert text == "", "a continuation cell carries no text"
                continue
            rowspan = 1
            if vmerge == "restart":
                while r + rowspan < len(raw) and any(
                        cc == c and vm == "continue" and sp == span
                        for cc, _, sp, vm in raw[r + rowspan]):
                    rowspan += 1
            out.append((text, rowspan, span))
        rows.append(out)
    return rows


def test_page_setup_is_a4_with_gbt9704_margins(balanced):
    d = reopen(export_report(balanced, "docx"))
    sec = d.sections[0]
    assert close(sec.page_width, Mm(210)) and close(sec.page_height, Mm(297))
    assert close(sec.top_margin, Mm(37)) and close(sec.bottom_margin, Mm(35))
    assert close(sec.left_margin, Mm(28)) and close(sec.right_margin, Mm(26))


def test_body_title_and_heading_fonts(example_report):
    d = reopen(export_report(example_report, "docx"))
    normal = d.styles["Normal"]
    assert east_asia_font(normal) == "仿宋" and normal.font.size == Pt(16)  # 仿宋 三号
    pf = normal.paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    ind = normal.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200" and pf.first_line_indent == Pt(32)
    # no theme font left to override the explicit ones
    defaults = d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert qn("w:eastAsiaTheme") not in defaults.find(qn("w:rPr")).find(qn("w:rFonts")).attrib

    first = d.paragraphs[0]
    assert first.text.replace("\n", "") == report_title(example_report)
    assert first.style.name == "报告标题"
    assert first.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asia_font(first.style) == "方正小标宋简体" and first.style.font.size == Pt(22)
    # the long title breaks after the agency name, not in the middle of a word
    assert first.text == "获嘉县史庄镇\n2024年政府信息公开工作年度报告"

    h1 = [p for p in d.paragraphs if p.style.name == "一级标题"]
    assert [p.text for p in h1] == [s.heading for s in SPEC.sections]
    assert east_asia_font(h1[0].style) == "黑体"
    h2 = [p.text for p in d.paragraphs if p.style.name == "二级标题"]
    assert h2[:2] == ["（一）主动公开", "（二）依申请公开"] and "（一）主要问题" in h2
    body = [p for p in d.paragraphs if p.style.name == "Normal"]
    assert body[0].text.startswith("2024年度，我镇政府信息公开工作")


def test_page_numbers_in_odd_and_even_footers(balanced):
    d = reopen(export_report(balanced, "docx"))
    assert d.settings.odd_and_even_pages_header_footer
    sec = d.sections[0]
    for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE" and p.alignment == align
        assert p.text.startswith("\u2014 ") and p.text.endswith(" \u2014")


def test_three_tables_with_rows_columns_and_merges():
    report = distinct_report()
    d = reopen(export_report(report, "docx"))
    assert len(d.tables) == 3
    for table, (key, spec_table) in zip(d.tables, TABLES.items()):
        assert len(table.rows) == spec_table.n_rows and len(table.columns) == spec_table.n_cols
        got = spans_from_rows(docx_rows(table))
        assert got == expected_grid(report, key)
        # python-docx's own view of the merges: every position of a merged cell is that cell
        for g in spec_table.grid:
            top = table.cell(g.r, g.c)
            for r in range(g.r, g.r + g.rowspan):
                for c in range(g.c, g.c + g.colspan):
                    assert table.cell(r, c)._tc is top._tc or (
                        table.cell(r, c).text == top.text and r > g.r)


def test_table_borders_header_rows_and_alignment():
    d = reopen(export_report(distinct_report(), "docx"))
    for table, spec_table in zip(d.tables, TABLES.values()):
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {qn(f"w:{s}") for s in ("top", "left", "bottom", "right", "insideH", "insideV")} \
            <= {b.tag for b in borders}
        assert all(b.get(qn("w:val")) == "single" for b in borders)
        n_head = header_row_count(spec_table)
        flags = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
                 for tr in table._tbl.tr_lst]
        assert flags == [i < n_head for i in range(spec_table.n_rows)]
        for g in spec_table.grid:
            if g.role == "value":
                assert table.cell(g.r, g.c).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
        style = table.cell(0, 0).paragraphs[0].style
        assert style.name == "表格文字" and east_asia_font(style) == "宋体"
    assert sum(1 for _ in d.tables[1]._tbl.iter(qn("w:tblHeader"))) == 3


def test_forced_export_is_marked_in_core_properties_only(balanced):
    clean = reopen(export_report(balanced, "docx"))
    forced = reopen(export_report(balanced, "docx", unclean={"errors": 1, "codes": ["I1"]}))
    assert clean.core_properties.content_status == ""
    assert forced.core_properties.content_status == "giar-xl-unclean"
    assert "errors=1" in forced.core_properties.comments
    assert [p.text for p in clean.paragraphs] == [p.text for p in forced.paragraphs]
    assert forced.core_properties.title == report_title(balanced)


def test_awkward_text_survives(example_report):
    example_report.agency = "<某>镇 & 局"
    example_report.texts["s1.intro"] = "含控制符\x01的一段\x0b第二段"
    d = reopen(export_report(example_report, "docx"))
    assert d.paragraphs[0].text.startswith("<某>镇 & 局")
    assert "含控制符的一段" in [p.text for p in d.paragraphs]


def test_signature_when_published(example_report):
    example_report.published = "2025-01-20"
    d = reopen(export_report(example_report, "docx"))
    sig = [p.text for p in d.paragraphs if p.style.name == "落款"]
    assert sig == ["获嘉县史庄镇", "2025年1月20日"]


@pytest.mark.slow
def test_libreoffice_converts_it_to_pdf(tmp_path, example_report):
    from giar_xl.libreoffice import convert, soffice

    if soffice() is None:
        pytest.fail("LibreOffice (soffice) is required for this test")
    src = tmp_path / "report.docx"
    src.write_bytes(export_report(example_report, "docx"))
    pdf = convert(src, "pdf", tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        for s in SPEC.sections:
            assert s.heading in text
        assert "行政诉讼" in text
        assert re.search("\u2014\\s*1\\s*\u2014", text)  # the page number "— 1 —"


def test_wide_numbers_get_wide_enough_columns():
    # 6-digit counts: the value columns widen (taking room from the label columns)
    # so that Word does not break "123456" over two lines
    report = distinct_report()
    for c in SPEC.value_cells:
        if c.table == "t3":
            report.values[c.id] = 123456
    d = reopen(export_report(report, "docx"))
    t3 = d.tables[1]
    grid = [int(g.get(qn("w:w"))) for g in t3._tbl.tblGrid.iter(qn("w:gridCol"))]
    type_area = Mm(156).twips
    assert abs(sum(grid) - type_area) <= 10
    six_digits = 6 * 0.5 * 10.5 * 20  # twips at 五号
    assert all(w >= six_digits for w in grid[3:])
    assert min(grid[:3]) >= 3 * 10.5 * 20  # labels keep three characters a line
    # with three-digit numbers the spec's proportions stand
    ex = reopen(export_report(distinct_report(), "docx")).tables[1]
    ex_grid = [int(g.get(qn("w:w"))) for g in ex._tbl.tblGrid.iter(qn("w:gridCol"))]
    weights = TABLES["t3"].col_widths
    assert ex_grid[2] / ex_grid[3] == pytest.approx(weights[2] / weights[3], rel=0.01)


def test_document_grid_of_22_lines_and_28_characters(example_report):
    d = reopen(export_report(example_report, "docx"))
    grid = d.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    assert Mm(225).twips / 579 == pytest.approx(22, abs=0.05)  # 22 lines in the type area
    normal = d.styles["Normal"]
    scale = int(normal.element.rPr.find(qn("w:w")).get(qn("w:val")))
    # 28 characters of 三号 at this width fit the 156 mm type area
    assert 28 * 16 * scale / 100 <= Mm(156).pt and 29 * 16 * scale / 100 > Mm(156).pt
    for name in ("报告标题", "表格文字", "页码"):  # kept off the body's grid, full width
        st = d.styles[name]
        assert st.element.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
        assert st.element.rPr.find(qn("w:w")).get(qn("w:val")) == "100"


def kept(table) -> list[bool]:
    """Per row: are its paragraphs kept with the next row, and is the row unsplittable."""
    out = []
    for tr in table._tbl.tr_lst:
        assert tr.trPr.find(qn("w:cantSplit")) is not None
        flags = {p.pPr.find(qn("w:keepNext")) is not None for p in tr.iter(qn("w:p"))}
        assert len(flags) == 1  # every paragraph of a row alike
        out.append(flags.pop())
    return out


def test_a_table_that_fits_a_page_is_kept_whole():
    d = reopen(export_report(distinct_report(), "docx"))
    for table, spec_table in zip(d.tables, TABLES.values()):
        assert kept(table) == [r < spec_table.n_rows - 1 for r in range(spec_table.n_rows)]
    # the heading above each table stays with it
    assert all(p.style.paragraph_format.keep_with_next for p in d.paragraphs
               if p.style.name == "一级标题")


def test_a_longer_table_breaks_only_between_merged_groups():
    from giar_xl.export.common import fit_column_widths
    from giar_xl.export.docx import TYPE_AREA_H_PT, table_height_pt

    report = distinct_report()
    for c in SPEC.value_cells:
        if c.table == "t3":
            report.values[c.id] = 123456
    t3 = TABLES["t3"]
    widths = fit_column_widths(report, t3, Mm(156).twips, 10.5 * 20, 2 * 57 + 40)
    assert table_height_pt(report, t3, widths) > TYPE_AREA_H_PT  # it cannot fit one page
    d = reopen(export_report(report, "docx"))
    flags = kept(d.tables[1])
    breaks = {r for r, keep in enumerate(flags) if not keep}
    assert breaks and t3.n_rows - 1 in breaks
    for g in t3.grid:  # no break inside a group, nor under the header
        if g.c > 0:  # (the group spanning the whole body, "三、本年度办理结果", must break)
            assert not breaks & set(range(g.r, g.r + g.rowspan - 1)), g.text
    assert not breaks & set(range(header_row_count(t3)))
    # and it starts on a fresh page, its heading with it
    heading = next(p for p in d.paragraphs if p.text == SPEC.sections[2].heading)
    assert heading.paragraph_format.page_break_before
    assert not next(p for p in d.paragraphs if p.text == SPEC.sections[1].heading
                    ).paragraph_format.page_break_before
