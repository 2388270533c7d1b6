"""Read a report published as PDF into a Document, from the text layer's geometry.

No model and no OCR: a PDF whose pages carry no text (a scan) is refused. The
page furniture (page numbers, running heads and feet) is dropped; ruled tables
are read cell by cell (``pdf_layout``), tables without borders from their lines
(``pdf_unruled``), and the remaining lines are joined into paragraphs: a line
starts a paragraph when it is indented or set off from the margin, when a
wider gap than the line pitch precedes it, or when the line above ended short
although the first word of this one would have fitted there.
"""

from __future__ import annotations

import io
import logging
import statistics
from collections import Counter
from collections.abc import Callable

from ..errors import UnreadableInput
from ..spec import SectionSpec
from .document import Block, Document, Para, Row, TableBlock, note
from .pdf_layout import Line, Page, drop_running_heads, inside, join_text, page_lines, ruled_tables
from .pdf_unruled import unruled_rows
from .sections import find_headings

MAX_PAGES = 200  # a report is a few pages; a larger PDF is the wrong file (docs/limits.md)
_CID = "(cid:"


def _open(raw: bytes, source: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    # pdfminer logs every font quirk it meets; the user sees our notes, not its log
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if not raw.lstrip()[:5].startswith(b"%PDF-"):
        raise UnreadableInput("不是 PDF 文件（文件头不对），可能是改了扩展名的其他文件。", file=source)
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        n = len(pdf.pages)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise UnreadableInput("PDF 设置了打开密码，无法读取。请取得无密码的文件后再导入。", file=source) from None
    except (PDFSyntaxError, Exception) as e:  # pdfminer raises many kinds on a damaged file
        raise UnreadableInput(f"PDF 文件已损坏，无法读取（{type(e).__name__}）。", file=source) from None
    if n > MAX_PAGES:
        pdf.close()
        raise UnreadableInput(f"PDF 超过 {MAX_PAGES} 页，不像是一份年度报告，已拒绝读取。", file=source)
    return pdf


def _pages(pdf, source: str, is_report_table: Callable[[list[str]], bool]) -> list[Page]:
    pages = []
    for k, pg in enumerate(pdf.pages, 1):
        try:
            chars = pg.chars
            page = Page(k, float(pg.width), float(pg.height), n_chars=len(chars),
                        n_images=len(pg.images))
            tables = [t for t in ruled_tables(pg, k) if is_report_table([c for r in t.rows for c in r])]
        except UnreadableInput:
            raise
        except Exception as e:  # a damaged page stream
            raise UnreadableInput(f"PDF 第 {k} 页已损坏，无法读取（{type(e).__name__}）。", file=source) from None
        page.tables = tables
        free = [c for c in chars if not any(inside(c, t.bbox) for t in tables)]
        page.lines = page_lines(free, k)
        pages.append(page)
    return pages


def _refuse_scans(pages: list[Page], source: str) -> list[dict]:
    text = sum(p.n_chars for p in pages)
    if text == 0:
        raise UnreadableInput("这个 PDF 没有文字层（是扫描件或图片），无法读取其中的文字和数字。"
                              "本工具不做文字识别：请向发布单位索取 Word 文档或网页版本，或对照原件在工作簿中填写。",
                              file=source)
    unreadable = sum(ln.text.count(_CID) for p in pages for ln in p.lines)
    if unreadable and unreadable * 5 >= max(1, text):
        raise UnreadableInput("这个 PDF 的字体没有文字编码表，提取出的文字是乱码，无法读取。"
                              "请向发布单位索取 Word 文档或网页版本。", file=source)
    return [note("错误", f"第 {p.number} 页", "这一页没有文字层（是扫描图片），其中的内容未导入。")
            for p in pages if p.n_chars == 0]


def read_pdf(raw: bytes, source: str, sections: tuple[SectionSpec, ...],
             is_report_table: Callable[[list[str]], bool], is_start: Callable[[str], bool],
             is_header: Callable[[str], bool]) -> Document:
    pdf = _open(raw, source)
    try:
        pages = _pages(pdf, source, is_report_table)
    finally:
        pdf.close()
    notes = _refuse_scans(pages, source)
    drop_running_heads(pages)
    items: list[tuple[int, float, object]] = []
    for p in pages:
        items += [(p.number, ln.top, ln) for ln in p.lines]
        items += [(p.number, t.top, t) for t in p.tables]
    items.sort(key=lambda it: (it[0], it[1]))
    lines = [it[2] for it in items if isinstance(it[2], Line)]

    # lines in the sections that hold tables 二–四, outside ruled tables, are a table
    # printed without borders when they name the format's rows or headers
    heads = find_headings([ln.text for ln in lines], sections)
    section_of: dict[int, int] = {}
    current = -1
    for i, ln in enumerate(lines):
        current = heads.get(i, current)
        section_of[id(ln)] = current if i not in heads else -2
    margins = _margins(lines, [t.bbox[0] for p in pages for t in p.tables],
                       [t.bbox[2] for p in pages for t in p.tables])
    blocks: list[Block] = []
    run: list[Line] = []  # lines waiting to become paragraphs or a borderless table
    n_tables = Counter()

    def flush() -> None:
        if not run:
            return
        in_table = [ln for ln in run if section_of[id(ln)] >= 0 and sections[section_of[id(ln)]].table]
        if in_table and len(in_table) == len(run) and is_report_table([c.text for ln in run for c in ln.cells]):
            for page in sorted({ln.page for ln in run}):
                on_page = [ln for ln in run if ln.page == page]
                n_tables[page] += 1
                block, found = unruled_rows(on_page, is_start, is_header,
                                            f"第 {page} 页第 {n_tables[page]} 个表格（无边框）")
                blocks.append(block)
                notes.extend(found)
        else:
            blocks.extend(_paragraphs(run, [ln for ln in run if section_of[id(ln)] == -2], margins))
        run.clear()

    for _, _, item in items:
        if isinstance(item, Line):
            if run and _kind(run[-1], section_of, sections) != _kind(item, section_of, sections):
                flush()
            run.append(item)
            continue
        flush()
        n_tables[item.page] += 1
        name = f"第 {item.page} 页第 {n_tables[item.page]} 个表格"
        blocks.append(TableBlock([Row(r, f"{name}第 {i} 行") for i, r in enumerate(item.rows, 1)], name))
    flush()
    # the Title property is not used: it is often a template's or "Microsoft Word - 文件名"
    return Document(blocks, source, notes=notes)


def _kind(ln: Line, section_of: dict[int, int], sections: tuple[SectionSpec, ...]) -> str:
    k = section_of[id(ln)]
    if k == -2:
        return "heading"
    return "table" if k >= 0 and sections[k].table is not None else "text"


def _margins(lines: list[Line], left_edges: list[float], right_edges: list[float]) -> tuple[float, float, float]:
    """The text block's left and right edges and the usual line pitch, from the whole document.

    The left edge is the smallest indent that two lines share (a single stray line
    further left is not the margin). The right edge is where justified lines end,
    when several end together near the rightmost text or table; otherwise the
    rightmost text or table itself (a report of short paragraphs has no full line).
    """
    if not lines:
        return 0.0, 0.0, 0.0
    xs = Counter(round(ln.x0) for ln in lines)
    shared = sorted(x for x, n in xs.items() if n >= 2 or xs.get(x + 1) or xs.get(x - 1))
    left = shared[0] if shared else min(xs)
    em = statistics.median(ln.size for ln in lines)
    # a report of one-line paragraphs has no line at the margin, only the two-character
    # indent of every first line: a table that starts two characters left of them shows it
    if left_edges and any(abs(left - x - 2 * em) <= 0.5 * em for x in left_edges):
        left = min(x for x in left_edges if abs(left - x - 2 * em) <= 0.5 * em)
    rightmost = max([ln.x1 for ln in lines] + right_edges)
    ends = Counter(round(ln.x1) for ln in lines)
    full = [x for x, n in ends.items()
            if n + ends.get(x + 1, 0) + ends.get(x - 1, 0) >= 2 and x >= rightmost - 2 * em]
    right = max(full) if full else rightmost
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:]) if b.page == a.page and b.top > a.top]
    return float(left), float(max(right, left + 1)), statistics.median(pitches) if pitches else 0.0


def _paragraphs(lines: list[Line], heads_of: list[Line], margins: tuple[float, float, float]) -> list[Para]:
    """Join wrapped lines into paragraphs."""
    if not lines:
        return []
    heads = {id(h) for h in heads_of}
    margin, right, pitch = margins
    out: list[Para] = []
    prev: Line | None = None
    for ln in lines:
        new = (prev is None or id(ln) in heads or id(prev) in heads
               or ln.x0 > margin + 0.5 * ln.size  # indented, centred or set right
               or (ln.page == prev.page and pitch and ln.top - prev.top > 1.3 * pitch)
               or _ended_short(prev, ln, right))
        if new:
            out.append(Para(ln.text, ln.pos))
        else:
            out[-1].text = join_text(out[-1].text, ln.text)
        prev = ln
    for p in out:
        p.text = " ".join(p.text.split())
    return out


def _ended_short(prev: Line, ln: Line, right: float) -> bool:
    """The line above stopped although this line's first word (plus slack) would have fitted."""
    first = ln.text[:1]
    k = 1
    while k < len(ln.text) and ln.text[k].isascii() and ln.text[k].isalnum() and first[-1:].isascii():
        k += 1
    width = ln.size * (k if not first.isascii() else 0.55 * k)
    return right - prev.x1 > width + 2.5 * ln.size

