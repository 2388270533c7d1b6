"""Read a report page as a government site serves it (or as Word exports it) into a Document.

The article is found as the smallest element holding the section headings,
so site navigation, footers and scripts stay out. Tables whose cells mention
a label of tables 二–四 become table blocks; other tables (page layout,
wrappers around the real table) are read through as text. The page is parsed
with lxml's HTML parser with network access off; HTML has no external
entities to resolve, and comments (Word's ``<!--[if …]-->``) are dropped.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

import lxml.etree
import lxml.html

from ..errors import UnreadableInput
from ..spec import SectionSpec
from .document import Block, Document, Para, Row, TableBlock, note, spanned
from .sections import heading_index

_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section",
          "article", "blockquote", "center", "header", "footer", "tr", "td", "th", "dl", "dt",
          "dd", "pre", "address", "figure", "figcaption", "caption", "form", "hr", "main",
          "nav", "aside", "table", "tbody", "thead", "tfoot"}
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GBK = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "x-cp936", "euc-cn", "hz-gb-2312"}
_BREAK = object()
# a line break in the page source between two Chinese characters is layout, not a space
_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s*\n\s*"
                      r"|\s*\n\s*(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def decode_html(raw: bytes, source: str) -> tuple[str, list[dict]]:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), []
    m = _CHARSET.search(raw[:16384])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in _GBK:
        declared = "gb18030"  # the superset: pages declaring gb2312 often hold GBK characters
    tries = [declared] if declared else []
    tries += [e for e in ("utf-8", "gb18030") if e not in tries]
    for enc in tries:
        try:
            codecs.lookup(enc)
            text = raw.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
        if enc == (declared or "utf-8"):
            return text, []
        why = f"网页声明的编码（{declared}）与内容不符" if declared else "网页没有声明编码，内容也不是 UTF-8"
        return text, [note("提示", "网页编码", f"{why}，已按 {enc.upper()} 读取。")]
    raise UnreadableInput("无法识别网页的文字编码（既不是 UTF-8，也不是 GBK）。", file=source)


def _parse(text: str, source: str) -> lxml.html.HtmlElement:
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                                  huge_tree=False, recover=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as e:
        raise UnreadableInput(f"无法解析网页：{e}", file=source) from None
    return root


def _meta(root: lxml.html.HtmlElement, name: str) -> str | None:
    for el in root.iter("meta"):
        if (el.get("name") or "").lower() == name.lower() and el.get("content"):
            return el.get("content").strip()
    return None


def _flat(el) -> str:
    return " ".join(el.text_content().split())


def read_html(raw: bytes, source: str, sections: tuple[SectionSpec, ...],
              is_report_table: Callable[[list[str]], bool]) -> Document:
    text, notes = decode_html(raw, source)
    root = _parse(text, source)
    titles = [t for t in (_meta(root, "ArticleTitle"),) if t]
    pub = _meta(root, "PubDate") or ""
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", pub)
    published = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None
    page_title = root.findtext(".//title")
    for el in [e for e in root.iter(*_DROP) if e.getparent() is not None]:
        el.drop_tree()
    titles += [_flat(h) for h in root.iter("h1")]
    titles += [page_title] if page_title else []
    article = _article(root, sections)
    walker = _Walker(is_report_table)
    walker.walk(article)
    walker.flush()
    return Document(walker.blocks, source, titles=[" ".join(t.split()) for t in titles],
                    published=published, notes=notes)


def _article(root, sections: tuple[SectionSpec, ...]):
    """The deepest element holding the most distinct section headings (the article body).

    Not simply the common ancestor of all heading-like lines: a sidebar link
    "一、总体情况说明" would then pull in the navigation and the footer.
    """
    found: dict[object, set[int]] = {}
    depth: dict[object, int] = {}
    for el in root.iter(*_BLOCK - {"table", "tbody", "thead", "tfoot", "tr"}):
        text = _flat(el)
        k = heading_index(text, sections, -1) if len(text) <= 40 else None
        if k is None:
            continue
        for anc in [el, *el.iterancestors()]:
            found.setdefault(anc, set()).add(k)
    if not found or max(len(v) for v in found.values()) < 2:
        body = root.find("body")
        return body if body is not None else root
    best = max(len(v) for v in found.values())
    for el in found:
        depth[el] = sum(1 for _ in el.iterancestors())
    return max((el for el, v in found.items() if len(v) == best), key=lambda el: depth[el])


class _Walker:
    def __init__(self, is_report_table: Callable[[list[str]], bool]):
        self.is_report_table = is_report_table
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.n_para = 0
        self.n_table = 0

    def flush(self) -> None:
        text = _clean("".join(self.buf))
        self.buf = []
        if text:
            self.n_para += 1
            self.blocks.append(Para(text, f"网页正文第 {self.n_para} 段"))

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and not el.xpath(".//table") and self._report_table(el):
            return
        if tag == "br":
            self.flush()
        elif tag in _BLOCK:
            self.flush()
        if el.text and tag:
            self.buf.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.buf.append(child.tail)
        if tag in _BLOCK:
            self.flush()

    def _report_table(self, table) -> bool:
        cells = _rows_with_spans(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"))
        if not self.is_report_table([c for row in cells for c in row]):
            return False
        self.flush()
        self.n_table += 1
        name = f"网页第 {self.n_table} 个表格"
        self.blocks.append(TableBlock([Row(c, f"{name}第 {i} 行") for i, c in enumerate(cells, 1)],
                                      name))
        return True


def _span(td, name: str) -> int:
    try:
        return max(1, min(int(td.get(name, "1")), 100))
    except ValueError:
        return 1


def _rows_with_spans(rows: list) -> list[list[str]]:
    """Cell texts row by row, as printed. A value merged down over several rows stands in
    each row it covers when the merge says so for each (a 0: see ``document.spanned``);
    otherwise the covered rows have no cell there, as before."""
    out: list[list[str]] = []
    carried: dict[int, tuple[int, str | None]] = {}  # column → (rows still covered, text)
    for tr in rows:
        covered = {c: text for c, (_, text) in carried.items()}
        carried = {c: (left - 1, text) for c, (left, text) in carried.items() if left > 1}
        placed: list[tuple[int, str]] = []
        col = 0
        for td in tr.xpath("./td|./th"):
            while col in covered:
                col += 1
            text, width, height = _cell_text(td), _span(td, "colspan"), _span(td, "rowspan")
            placed.append((col, text))
            if height > 1:
                for c in range(col, col + width):
                    carried[c] = (height - 1, spanned(text) if c == col else None)
            col += width
        placed += [(c, text) for c, text in covered.items() if text is not None]
        out.append([text for _, text in sorted(placed)])
    return out


def _cell_text(td) -> str:
    """A cell's text with its paragraphs on separate lines (labels are compared without them)."""
    lines: list[str] = [""]

    def rec(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br" or tag in _BLOCK:
            lines.append("")
        if el.text and tag:
            lines[-1] += el.text
        for child in el:
            rec(child)
            if child.tail:
                lines[-1] += child.tail
        if tag in _BLOCK:
            lines.append("")

    rec(td)
    return "\n".join(x for x in (" ".join(ln.split()) for ln in lines) if x)


def _clean(text: str) -> str:
    text = _CJK_GAP.sub("", text)
    return " ".join(text.split())
