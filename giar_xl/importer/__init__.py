"""Read a published report (web page, its copied text, PDF or Word) back into a ``Report``.

In the first year nobody has last year's workbook, only last year's report on
the website. ``import_report`` reads it: agency and year from the title, the
six sections' texts split into the spec's parts, every number of tables 二–四
at its row and column. What cannot be placed is listed, with its position, in
``report.meta["import_notes"]`` (dicts: severity, position, message); nothing
is dropped or guessed in silence.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import GiarError, UnreadableInput, os_reason
from ..report import Report
from ..spec import DEFAULT_FORMAT, FormatSpec
from ..text import readable_path
from .document import Document, Para, TableBlock, note
from .sections import find_headings, find_renumbered, parse_title, split_section, strip_signature
from .tables import TableReader

# a report page is well under 1 MB (a few MB with inline images); larger is the wrong file,
# and reading it would take minutes (docs/limits.md)
MAX_IMPORT_BYTES = 20 * 1024 * 1024
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
_SAVE_AS = "请在浏览器中打开报告网页，“另存为”“网页，仅 HTML”（.html）；或复制网页全文，粘贴到记事本后保存为 .txt。"
_SAVE_DOCX = "请在 Word 或 WPS 中打开，“另存为”Word 文档（.docx）后再导入。"
FOREIGN_SUFFIXES = {
    ".mht": "这是“单个文件网页”（.mht）。" + _SAVE_AS,
    ".mhtml": "这是“单个文件网页”（.mhtml）。" + _SAVE_AS,
    ".doc": "这是旧版 Word 文档（.doc）。" + _SAVE_DOCX,
    ".wps": "这是 WPS 文字文档（.wps）。" + _SAVE_DOCX,
    ".ofd": "暂不能读取 OFD 版式文件。请向发布单位索取 PDF、Word 文档或网页版本。",
    ".xlsx": "这是工作簿，不是已发布的报告；工作簿可直接用于校验和导出，无需导入。",
    ".json": "这已经是报告数据（.json），无需导入。",
}


class OldFormatReport(GiarError):
    """The page is a 2019-format report; the partly read report is attached for callers."""

    def __init__(self, report: Report, file: str | None = None):
        super().__init__("这是按 2019 年版格式（国办公开办函〔2019〕60号）编写的年度报告，表二的栏目与 2021 年版不同，"
                         "不能作为 2021 年版数据导入。请以 2021 年版格式的报告为准。", file=file)
        self.report = report


def import_report(path: str | Path, *, spec: FormatSpec = DEFAULT_FORMAT,
                  allow_2019: bool = False) -> Report:
    """Read a published report: page (.html), copied text (.txt), PDF (.pdf) or Word (.docx)."""
    p = Path(path)
    if not p.exists():
        raise UnreadableInput("文件不存在。", file=str(p))
    if p.is_dir():
        raise UnreadableInput("这是一个文件夹，不是文件。", file=str(p))
    if p.suffix.lower() in FOREIGN_SUFFIXES:
        raise UnreadableInput(FOREIGN_SUFFIXES[p.suffix.lower()], file=str(p))
    try:
        size = p.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise UnreadableInput(f"文件超过 {MAX_IMPORT_BYTES // 2**20} MB，不像是一份年度报告网页或文本，已拒绝读取。",
                                  file=str(p))
        raw = p.read_bytes()
    except OSError as e:
        raise UnreadableInput(f"无法读取（{os_reason(e)}）。", file=str(p)) from None
    reader = TableReader(spec)
    if p.suffix.lower() in PDF_SUFFIXES or raw[:5] == b"%PDF-":
        from .pdf import read_pdf

        doc = read_pdf(raw, str(p), spec.sections, reader.is_report_table, reader.is_label_start,
                       reader.is_header)
    elif p.suffix.lower() in DOCX_SUFFIXES:
        from .docx import read_docx

        doc = read_docx(raw, str(p), reader.is_report_table)
    elif _is_html(p, raw):
        from .html import read_html

        doc = read_html(raw, str(p), spec.sections, reader.is_report_table)
    else:
        from .text import read_text

        doc = read_text(raw, str(p), lambda line: reader.is_report_table([line]))
    report = build_report(doc, spec, reader)
    if report.meta.get("format_detected") == "2019" and not allow_2019:
        raise OldFormatReport(report, file=str(p))
    return report


def _is_html(p: Path, raw: bytes) -> bool:
    suffix = p.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return True
    if suffix in TEXT_SUFFIXES:
        return False
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<meta", b"<head", b"<body"))


def build_report(doc: Document, spec: FormatSpec = DEFAULT_FORMAT,
                 reader: TableReader | None = None) -> Report:
    reader = reader or TableReader(spec)
    notes = list(doc.notes)
    sections = spec.sections
    placed: list[tuple[int, Para | TableBlock]] = []
    paras = [b for b in doc.blocks if isinstance(b, Para)]
    lines = [p.text for p in paras]
    by_number = find_headings(lines, sections)
    renumbered = find_renumbered(lines, sections, by_number)
    for i, k in renumbered.items():
        notes.append(note("提示", paras[i].pos, f"章节标题“{paras[i].text}”的编号与国家格式不一致，"
                          f"按其文字归入“{sections[k].heading}”。"))
    headings = {id(paras[i]): k for i, k in {**by_number, **renumbered}.items()}
    found = set(headings.values())
    current = -1
    for block in doc.blocks:
        if id(block) in headings:
            current = headings[id(block)]
            continue
        placed.append((current, block))

    # title: the page's own metadata first, then the lines before section 一
    preamble = [b for k, b in placed if k < 0 and isinstance(b, Para)]
    title, title_paras = _title(doc.titles, preamble)
    agency, year = title if title else (None, None)
    if title is None:
        notes.append(note("错误", "标题", "未找到“<机关名称><年度>年政府信息公开工作年度报告”形式的标题，"
                          "机关名称和年度为空。"))

    paras_of: dict[int, list[Para]] = {k: [] for k in range(len(sections))}
    for k, block in placed:
        if isinstance(block, TableBlock):
            if k >= 0 and sections[k].table is None and not reader.is_report_table(
                    [c for r in block.rows for c in r.cells]):
                # tab-indented paragraphs in copied text look like one-cell rows
                paras_of[k] += [Para(" ".join(c.split()), r.pos) for r in block.rows
                                for c in r.cells if c.strip()]
                continue
            reader.read(block, sections[k].table.key if k >= 0 and sections[k].table else None)
        elif k >= 0:
            paras_of[k].append(block)

    signature: list[str] = []
    published = doc.published
    last = placed[-1][0] if placed else -1  # the section the document ends with
    if last >= 0 and sections[last].table is None:
        paras_of[last], signature, signed = strip_signature(paras_of[last], agency)
        published = published or signed

    for k, section in enumerate(sections):
        has_table = any(isinstance(b, TableBlock) and j == k for j, b in placed)
        if section.table is not None and paras_of[k] and not has_table and reader.is_report_table(
                [p.text for p in paras_of[k]]):
            # text copied without tabs: each cell on its own line, rows lost
            notes.append(note("提示", paras_of[k][0].pos, f"{section.heading}的表格没有表格结构"
                              "（每格一行、没有制表符），已按行标签逐行拆分读取，请核对。"))
            reader.read(reader.rows_from_cells(paras_of[k]), section.table.key)
            paras_of[k] = []

    texts = {p.id: "" for s in sections for p in s.parts}
    for k, section in enumerate(sections):
        if section.table is not None:
            for para in paras_of[k]:
                notes.append(note("提示", para.pos, f"{section.heading}中的文字未导入（表格章节只导入表格）："
                                  f"{para.text[:40]}"))
            continue
        if k not in found:
            notes.append(note("错误", section.heading, f"未找到“{section.heading}”一节，该节文字为空。"))
            continue
        split = split_section(section, paras_of[k])
        texts.update(split.texts)
        notes += split.notes

    values = reader.finish()
    notes += reader.notes
    if not found and not any(v is not None for v in values.values()):
        raise UnreadableInput("没有找到年度报告的章节标题（如“一、总体情况”）和表格，"
                              "这似乎不是一份政府信息公开工作年度报告。", file=doc.source)
    meta = {"imported_from": readable_path(Path(doc.source).name),
            "format_detected": "2019" if reader.is_2019 else "2021",
            "import_notes": notes}
    rest = [p.text for p in preamble if p not in title_paras]
    if rest:
        meta["preamble"] = "\n".join(rest)
    if signature:
        meta["signature"] = signature
    return Report(format_id=spec.id, agency=agency, year=year, published=published, texts=texts,
                  values=values, meta=meta, source=doc.source)


def _title(declared: list[str], preamble: list[Para]) -> tuple[tuple[str, int] | None, list[Para]]:
    """The title, and the preamble lines that print it (kept out of meta["preamble"])."""
    in_body, lines = None, []
    for i, para in enumerate(preamble[:6]):
        if parse_title(para.text):
            in_body, lines = parse_title(para.text), [para]
            break
        # a title set on two lines: agency, then "2020年度政府信息公开工作年度报告"
        if i + 1 < len(preamble) and parse_title(para.text + preamble[i + 1].text):
            in_body, lines = parse_title(para.text + preamble[i + 1].text), [para, preamble[i + 1]]
            break
    # meta ArticleTitle (filled by the site's content system) first, then the body, then <h1>, <title>
    for title in [parse_title(t) for t in declared[:1]] + [in_body] + [parse_title(t) for t in declared[1:]]:
        if title:
            return title, lines
    return None, lines


def format_note(n: dict) -> str:
    return f"[{n['severity']}] {n['position']}：{n['message']}"


__all__ = ["OldFormatReport", "build_report", "format_note", "import_report"]
