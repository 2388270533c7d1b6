"""Word (.docx) in the conventions of Chinese official documents (GB/T 9704-2012).

A4; margins 37/35/28/26 mm (top/bottom/left/right); title in 2号小标宋, centred;
一级标题 黑体, 二级标题 楷体, body 仿宋 3号 (16 pt) with a two-character
first-line indent; 22 lines a page and 28 characters a line; page numbers
"— 1 —" in 4号宋体, odd pages right and even pages left, one character in from
the edge of the type area.

The grid: 28 characters of 16 pt are 448 pt, 6 pt more than the 156 mm type
area. Word's "lines and characters" grid squeezes them onto a 15.79 pt pitch,
but LibreOffice (which makes the PDF) gives every character wider than the
pitch two cells, 14 characters a line. So the document grid is a line grid
(22 lines, ``w:docGrid w:type="lines"``) and the body text is drawn at 98 %
width (``w:w``), which puts 28 characters on a line in Word, WPS and LibreOffice
alike. (Negative character spacing would too, but LibreOffice then drops a
comma that falls at the end of a full line.)

Tables are kept whole on one page when they fit one (every row kept with the
next: a table that would not fit below the text starts on a fresh page, its
heading with it); a longer table breaks only between merged groups, never
inside a merged label.

The tables are written as WordprocessingML directly from the spec grid: a cell
spanning columns is one ``w:tc`` with ``w:gridSpan``, a cell spanning rows is a
``w:vMerge`` restart followed by continuation cells, exactly what Word itself
writes. Building them through python-docx's cell API costs a scan of the whole
table per cell access; the direct form keeps export well under the 300 ms target.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, Twips

from ..ooxml import FIXED_TIME, reproducible
from ..report import Report
from ..text import display_width, parse_date
from ..spec import TableSpec
from .common import (cell_text, clean, fit_column_widths, header_row_count, narrative_blocks,
                     occupancy, report_title, signature_lines, text_width)
from .html import unclean_summary

PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TYPE_AREA_W_MM = 210 - 28 - 26  # 156 mm
TWIPS_PER_MM = 1440 / 25.4

LATIN = "Times New Roman"
BODY_FONT, TITLE_FONT, H1_FONT, H2_FONT, TABLE_FONT, PAGE_NO_FONT = (
    "仿宋", "方正小标宋简体", "黑体", "楷体", "宋体", "宋体")
BODY_PT, TITLE_PT, TABLE_PT, PAGE_NO_PT = 16, 22, 10.5, 14  # 三号, 二号, 五号, 四号
# 225 mm type height / 22 lines = 28.95 pt a line (GB/T 9704 §5.2.2: 22 lines × 28 characters)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH = Twips(579)
TYPE_AREA_H_PT = (297 - 37 - 35) * 72 / 25.4
EM_DASH = "\u2014"

STYLE_TITLE, STYLE_H1, STYLE_H2, STYLE_TABLE, STYLE_SIGNATURE, STYLE_PAGE_NO = (
    "报告标题", "一级标题", "二级标题", "表格文字", "落款", "页码")


def _fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    """Set explicit fonts and drop theme fonts, which would otherwise win over them."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr, val in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia),
                      ("w:cs", latin)):
        rfonts.set(qn(attr), val)


def _indent_chars(style, chars: int) -> None:
    """First-line indent in characters (w:firstLineChars), which Word and WPS honour over twips."""
    style.paragraph_format.first_line_indent = Pt(BODY_PT * chars / 100) if chars else Pt(0)
    ind = style.element.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), str(chars))


def _off_grid(style) -> None:
    """Keep a style's characters off the document grid (w:snapToGrid 0).

    The grid spaces every character of the body at 1/28 of the line; a 2号 title or
    五号 table text on it would be spread out to the body's pitch.
    """
    ppr = style.element.get_or_add_pPr()
    el = OxmlElement("w:snapToGrid")
    el.set(qn("w:val"), "0")
    ppr.append(el)


def _outline(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    ppr.append(el)


def _setup_styles(doc) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    # the document's default size is the body's: the grid's character pitch (w:charSpace)
    # is counted from it (LibreOffice reads it from here, Word from the Normal style)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing")).set(qn("w:after"), "0")

    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE_PITCH
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = True
    _indent_chars(normal, 200)
    _char_scale(normal, body_scale())

    def para_style(name: str, font: str, size: float, *, bold: bool = False) -> object:
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        st.quick_style = True
        st.font.size = Pt(size)
        st.font.bold = bold
        _fonts(st.element.get_or_add_rPr(), font)
        return st

    title = para_style(STYLE_TITLE, TITLE_FONT, TITLE_PT)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)  # a 22 pt face needs more than the body pitch
    title.paragraph_format.space_after = LINE_PITCH  # GB/T 9704: one blank line under the title
    title.paragraph_format.keep_with_next = True
    _indent_chars(title, 0)
    _off_grid(title)
    _char_scale(title, 100)
    for name, font, level in ((STYLE_H1, H1_FONT, 0), (STYLE_H2, H2_FONT, 1)):
        st = para_style(name, font, BODY_PT)
        st.paragraph_format.keep_with_next = True
        _outline(st, level)
    sig = para_style(STYLE_SIGNATURE, BODY_FONT, BODY_PT)
    sig.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sig.paragraph_format.right_indent = Pt(BODY_PT * 4)  # GB/T 9704 §7.3.5: 右空四字
    _indent_chars(sig, 0)

    table = para_style(STYLE_TABLE, TABLE_FONT, TABLE_PT)
    table.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    table.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table.paragraph_format.widow_control = False
    _indent_chars(table, 0)
    _off_grid(table)
    _char_scale(table, 100)
    page_no = para_style(STYLE_PAGE_NO, PAGE_NO_FONT, PAGE_NO_PT)
    # 4号半角宋体阿拉伯数字: the digits too are 宋体
    _fonts(page_no.element.get_or_add_rPr(), PAGE_NO_FONT, PAGE_NO_FONT)
    page_no.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _indent_chars(page_no, 0)
    _off_grid(page_no)
    _char_scale(page_no, 100)


def _page_number(paragraph, align, indent_side: str) -> None:
    paragraph.style = STYLE_PAGE_NO
    paragraph.alignment = align
    setattr(paragraph.paragraph_format, f"{indent_side}_indent", Pt(PAGE_NO_PT))  # 空一字
    paragraph.add_run(f"{EM_DASH} ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(f" {EM_DASH}")


def _setup_page(doc) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    for side, val in MARGINS.items():
        setattr(sec, f"{side}_margin", val)
    # the page number's line sits 7 mm below the type area (GB/T 9704 §7.5)
    sec.footer_distance = Mm(35 - 7 - 5)
    sec.header_distance = Mm(15)
    doc.settings.odd_and_even_pages_header_footer = True
    _document_grid(sec)
    _page_number(sec.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "right")
    _page_number(sec.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, "left")


def _document_grid(sec) -> None:
    """GB/T 9704 §5.2.2: 22 lines a page, as Word's document grid (see the module notes)."""
    grid = sec._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sec._sectPr.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))


def body_scale() -> int:
    """Character width (percent) that puts 28 body characters on a line."""
    pitch = TYPE_AREA_W_MM * 72 / 25.4 / CHARS_PER_LINE
    return math.floor(100 * pitch / BODY_PT)


def _char_scale(style, percent: int) -> None:
    rpr = style.element.get_or_add_rPr()
    el = rpr.find(qn("w:w"))
    if el is None:
        el = OxmlElement("w:w")
        rpr.append(el)
    el.set(qn("w:val"), str(percent))


CELL_MARGIN_TW = 57  # 1 mm each side: Word's default 1.9 mm leaves 15-column table 四 no room
_BORDERS = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
_JC = {"value": "right", "label": "left"}


def table_widths(report: Report, table: TableSpec) -> list[int]:
    """Column widths (twips) filling the type area."""
    total_tw = round(TYPE_AREA_W_MM * TWIPS_PER_MM)
    # em = the table font size in twips; padding = both cell margins plus a little air
    # digits at 0.65 em: Times New Roman's are 0.5 em, the faces standing in for it
    # (DejaVu Serif where LibreOffice makes the PDF on Linux) up to 0.64 em
    return [round(w) for w in fit_column_widths(report, table, total_tw, TABLE_PT * 20,
                                                2 * CELL_MARGIN_TW + 40, narrow=0.65)]


def _table_xml(report: Report, table: TableSpec, style_id: str) -> str:
    widths = table_widths(report, table)
    occ = occupancy(table)
    n_head = header_row_count(table)
    keep = kept_rows(report, table, widths)
    out = [f"<w:tbl {nsdecls('w')}><w:tblPr>"
           f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           f"<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
           f'<w:tblCellMar><w:left w:w="{CELL_MARGIN_TW}" w:type="dxa"/>'
           f'<w:right w:w="{CELL_MARGIN_TW}" w:type="dxa"/>'
           '</w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    for r in range(table.n_rows):
        # header rows repeat on every page; no row breaks across pages; kept rows stay
        # with the next one (see kept_rows)
        keep_next = "<w:keepNext/>" if r in keep else ""
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if r < n_head else "")
                   + "</w:trPr>")
        c = 0
        while c < table.n_cols:
            g = occ[r][c]
            span = f'<w:gridSpan w:val="{g.colspan}"/>' if g.colspan > 1 else ""
            width = sum(widths[g.c:g.c + g.colspan])
            starts = g.r == r
            vmerge = ""
            if g.rowspan > 1:
                vmerge = '<w:vMerge w:val="restart"/>' if starts else "<w:vMerge/>"
            text = clean(cell_text(report, g)) if starts else ""
            run = _runs(text, g.role == "group" and text_width(text) * TABLE_PT * 20 > width)
            jc = _JC.get(g.role, "center")
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{vmerge}'
                       f'<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>'
                       f'<w:pStyle w:val="{style_id}"/>{keep_next}<w:jc w:val="{jc}"/></w:pPr>{run}</w:p></w:tc>')
            c = g.c + g.colspan
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


_NUMBERED = re.compile(r"^（[一二三四五六七八九十]+）(?=.)")


def _runs(text: str, narrow: bool) -> str:
    """A cell's text; a numbered group label that must wrap breaks after its number."""
    if not text:
        return ""
    m = _NUMBERED.match(text) if narrow else None
    parts = [text[:m.end()], text[m.end():]] if m else [text]
    return "<w:r><w:br/></w:r>".join(
        f'<w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r>' for p in parts)


TABLE_LINE_PT = TABLE_PT * 1.45  # single spacing in the tallest CJK fallback font (Noto CJK)


def row_heights_pt(report: Report, table: TableSpec, widths: list[float]) -> list[float]:
    """Each row's height estimated from the texts and column widths (twips), in points."""
    pad = 2 * CELL_MARGIN_TW
    rows = [TABLE_LINE_PT] * table.n_rows
    for g in sorted(table.grid, key=lambda g: g.rowspan):
        room = (sum(widths[g.c:g.c + g.colspan]) - pad) / 20  # points
        per_line = max(1, math.floor(room / (TABLE_PT / 2)))  # display columns
        lines = max(1, math.ceil(display_width(clean(cell_text(report, g))) / per_line))
        need = lines * TABLE_LINE_PT
        span = range(g.r, g.r + g.rowspan)
        have = sum(rows[r] for r in span)
        if have < need:
            for r in span:
                rows[r] += (need - have) / g.rowspan
    return rows


def table_height_pt(report: Report, table: TableSpec, widths: list[float]) -> float:
    return sum(row_heights_pt(report, table, widths))


def fits_one_page(report: Report, table: TableSpec, widths: list[float]) -> bool:
    """Does the table, below its heading, fit the type area of one page?"""
    return table_height_pt(report, table, widths) + LINE_PITCH.pt <= TYPE_AREA_H_PT


def kept_rows(report: Report, table: TableSpec, widths: list[float]) -> set[int]:
    """Rows whose paragraphs are kept with the next row.

    A table that fits on a page (below its heading) is kept whole: it starts on a
    fresh page when it would not fit below the text. A longer one (which starts on
    a fresh page, see build_document) is kept only within its header and within
    its merged labels, so it breaks between groups. A merged label too tall to
    fit on a page (table 三's "三、本年度办理结果", which spans the whole body)
    is the one that must break; the groups inside it do not.
    """
    last = table.n_rows - 1
    if fits_one_page(report, table, widths):
        return set(range(last))
    heights = row_heights_pt(report, table, widths)
    n_head = header_row_count(table)
    room = TYPE_AREA_H_PT - sum(heights[:n_head])  # a page below the repeated header rows
    keep = set(range(n_head))
    for g in table.grid:
        if sum(heights[g.r:g.r + g.rowspan]) <= room:
            keep.update(range(g.r, g.r + g.rowspan - 1))
    return keep - {last}


def _core_properties(doc, report: Report, title: str, unclean: dict | None) -> None:
    cp = doc.core_properties
    now = document_time(report)
    cp.title = title
    cp.subject = report.spec.name
    cp.author = report.agency or ""
    cp.last_modified_by = "giar-xl"
    cp.keywords = report.spec.document_title
    cp.language = "zh-CN"
    cp.created = cp.modified = now
    cp.revision = 1
    cp.comments = ""
    cp.content_status = ""
    if unclean:
        # metadata only: Word shows it under 文件 > 信息 > 属性, never on the page
        cp.content_status = "giar-xl-unclean"
        cp.comments = unclean_summary(unclean)


TITLE_CHARS_PER_LINE = TYPE_AREA_W_MM / (TITLE_PT * 25.4 / 72)  # ≈ 20 full-width characters
BODY_CHARS_PER_LINE = TYPE_AREA_W_MM / (BODY_PT * 25.4 / 72)  # ≈ 28 (GB/T 9704: 28 a line)


def _title(paragraph, report: Report, title: str) -> None:
    """The title, broken after the agency name when it needs two lines.

    GB/T 9704 §7.3.1: a title over several lines breaks where the words stay whole;
    left to itself Word would strand "报告" alone on the second line.
    """
    agency = (report.agency or "").strip()
    if agency and title.startswith(agency) and text_width(title) > TITLE_CHARS_PER_LINE:
        paragraph.add_run(clean(agency)).add_break()
        paragraph.add_run(clean(title[len(agency):]))
    else:
        paragraph.add_run(clean(title))


def build_document(report: Report, unclean: dict | None = None):
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc)
    table_style_id = doc.styles[STYLE_TABLE].style_id
    title = report_title(report)
    body = doc.element.body
    # the default template starts with no paragraph; the title is the first
    _title(doc.add_paragraph(style=STYLE_TITLE), report, title)
    after_table = False
    for section in report.spec.sections:
        h = doc.add_paragraph(clean(section.heading), STYLE_H1)
        if after_table:
            h.paragraph_format.space_before = Pt(BODY_PT / 2)
        after_table = section.table is not None
        if section.table is not None:
            if not fits_one_page(report, section.table, table_widths(report, section.table)):
                h.paragraph_format.page_break_before = True  # it cannot fit below the text
            body._insert_tbl(parse_xml(_table_xml(report, section.table, table_style_id)))
            continue
        for block in narrative_blocks(report, section):
            if block.subhead:
                doc.add_paragraph(clean(block.subhead), STYLE_H2)
            for para in block.paragraphs:
                doc.add_paragraph(clean(para))
    sig = signature_lines(report)
    for i, line in enumerate(sig):
        p = doc.add_paragraph(clean(line), STYLE_SIGNATURE)
        if i == 0:
            p.paragraph_format.space_before = LINE_PITCH * 2
        if text_width(line) > BODY_CHARS_PER_LINE - 4:
            # a long agency name would wrap inside the 右空四字 indent: let it use the line
            p.paragraph_format.right_indent = Pt(0)
    _core_properties(doc, report, title, unclean)
    return doc


def document_time(report: Report) -> datetime:
    """The document's date: its publication date, so that the same report gives the same bytes."""
    day = parse_date(report.published)
    return datetime(day.year, day.month, day.day) if day else FIXED_TIME


def export_docx(report: Report, unclean: dict | None = None) -> bytes:
    buf = io.BytesIO()
    build_document(report, unclean).save(buf)
    return reproducible(buf.getvalue(), document_time(report))
