"""Read a report published as a Word document (.docx) into a Document.

The body is walked in order through python-docx's element classes: paragraphs
become paragraphs (a manual line break starts a new one, as ``<br>`` does on a
page), tables keep their own structure. A merged cell is one cell, as in HTML:
``w:gridSpan`` is a single ``w:tc``, and the continuation cells of a vertical
merge (``w:vMerge`` without ``restart``) are skipped, so a row holds the cells
that start in it and the table reader finds labels and values as on a page.
Text is collected from every run, including those inside content controls,
smart tags, hyperlinks and tracked insertions; deleted text and field codes
are not text. Tables that hold other tables are page layout and are read
through. The zip is checked before it is opened: part sizes are bounded.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from ..errors import UnreadableInput
from .document import Block, Document, Para, Row, TableBlock, spanned

MAX_PART_BYTES = 30 * 1024 * 1024  # document.xml of a report is well under 1 MB
MAX_TOTAL_BYTES = 150 * 1024 * 1024  # all parts, images included, uncompressed
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {W + "del", W + "txbxContent", MC_FALLBACK, W + "instrText", W + "delText",
         W + "footnoteReference", W + "endnoteReference", W + "tbl"}


def _check_zip(raw: bytes, source: str) -> None:
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableInput("这是旧版 Word（.doc）或 WPS 文档，或设置了打开密码的 Word 文档。"
                              "请在 Word 或 WPS 中“另存为”Word 文档（.docx，无密码）后再导入。", file=source)
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError):
        raise UnreadableInput("文件已损坏或不是 Word 文档（.docx）（无法作为压缩包打开）。", file=source) from None
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise UnreadableInput("这不是 Word 文档（.docx）：压缩包中没有正文部件 word/document.xml。", file=source)
    if any(i.file_size > MAX_PART_BYTES for i in infos if i.filename.endswith(".xml")) \
            or sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise UnreadableInput("Word 文档解压后过大，不像是一份年度报告，已拒绝读取（可能是压缩炸弹）。", file=source)
    body = zf.read("word/document.xml")
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise UnreadableInput("Word 文档的正文含有 DTD/实体声明，这不是正常的文档内容，已拒绝读取。", file=source)


def read_docx(raw: bytes, source: str, is_report_table: Callable[[list[str]], bool]) -> Document:
    _check_zip(raw, source)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise UnreadableInput(f"Word 文档已损坏，无法读取（{type(e).__name__}）。", file=source) from None
    walker = _Walker(is_report_table)
    walker.container(document.element.body)
    return Document(walker.blocks, source)


def paragraph_lines(p) -> list[str]:
    """A paragraph's text, split at manual line breaks."""
    lines = [""]

    def rec(el) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP or not isinstance(tag, str):
                continue
            if tag == W + "t":
                lines[-1] += child.text or ""
            elif tag in (W + "tab", W + "ptab"):
                lines[-1] += "\t"
            elif tag in (W + "br", W + "cr"):
                lines.append("")
            elif tag == W + "noBreakHyphen":
                lines[-1] += "-"
            else:
                rec(child)

    rec(p)
    return lines


def cell_text(tc) -> str:
    out = []
    for el in tc.iter(W + "p"):  # the table holds no other table (see _Walker.table)
        if not any(a.tag == W + "txbxContent" for a in el.iterancestors()):
            out += [" ".join(ln.split()) for ln in paragraph_lines(el)]
    return "\n".join(x for x in out if x)


class _Walker:
    def __init__(self, is_report_table: Callable[[list[str]], bool]):
        self.is_report_table = is_report_table
        self.blocks: list[Block] = []
        self.n_para = 0
        self.n_table = 0

    def container(self, el) -> None:
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == W + "p":
                self.paragraph(child)
            elif tag == W + "tbl":
                self.table(child)
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "smartTag"):
                self.container(child)

    def paragraph(self, p) -> None:
        for line in paragraph_lines(p):
            text = " ".join(line.split())
            if text:
                self.n_para += 1
                self.blocks.append(Para(text, f"Word 文档第 {self.n_para} 段"))

    def table(self, tbl) -> None:
        if tbl.xpath(".//w:tbl"):
            for tc in tbl.iter(W + "tc"):
                if not any(a.tag == W + "tc" for a in tc.iterancestors() if tbl in a.iterancestors()):
                    self.container(tc)  # a layout table around the content
            return
        rows = []
        above: dict[int, str] = {}  # grid column → text of the cell a vertical merge began with
        for tr in tbl.tr_lst:
            cells = []
            col = 0
            for tc in tr.tc_lst:
                # a vertical merge's continuation cell: its text is the first cell's, which
                # stands in this row too only when it says so for each row (a 0)
                if tc.vMerge is not None and tc.vMerge != "restart":
                    shared = spanned(above.get(col, ""))
                    if shared is not None:
                        cells.append(shared)
                else:
                    above[col] = cell_text(tc)
                    cells.append(above[col])
                col += tc.grid_span
            rows.append(cells)
        if not self.is_report_table([c for r in rows for c in r]):
            for tr in tbl.tr_lst:  # a table used for layout (a signature block): read as text
                for tc in tr.tc_lst:
                    self.container(tc)
            return
        self.n_table += 1
        name = f"Word 文档第 {self.n_table} 个表格"
        self.blocks.append(TableBlock([Row(c, f"{name}第 {i} 行") for i, c in enumerate(rows, 1)], name))
