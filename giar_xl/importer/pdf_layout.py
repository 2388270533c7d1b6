"""The geometry of a PDF page: characters into lines and cells, ruled tables, running heads.

pdfplumber (on pdfminer.six, both MIT) gives every character with its box and
every drawn line and rectangle. From those this module rebuilds what the page
shows: text lines (characters sharing a baseline band), the cells of a line
(runs of characters separated by a gap wider than a character), and tables
drawn with ruling lines (pdfplumber's table finder over the strokes and thin
filled bars that draw borders; large filled areas such as a white page
background are not borders and are dropped first). Tables without ruling lines
are rebuilt from these lines by ``pdf_unruled``.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

# Chromium (Skia) and some Word versions map a glyph shared by a radical and an
# ideograph to the radical in the PDF's ToUnicode table: "人民" comes out as
# "⼈⺠". Kangxi radicals (U+2F00–U+2FD5) fold by NFKC; the CJK Radicals
# Supplement has no compatibility mapping, so the full-character forms that
# print exactly like a common ideograph are listed here (Unicode's
# EquivalentUnifiedIdeograph.txt; component-only forms such as 氵 are left alone).
_RADICAL_SUPPLEMENT = dict(zip(
    "⺝⺟⺠⺩⺼⻄⻅⻆⻉⻋⻑⻓⻔⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "月母民王月西见角贝车長长门青韦页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙龟"))
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_LATIN = re.compile(r"[0-9A-Za-z]")
BAND = 0.12  # running heads and page numbers live in the top and bottom 12 % of a page
_PAGE_NUMBER = re.compile(
    r"^[-—–－‒―~·\s]*(?:第\s*)?\d+\s*(?:页)?\s*(?:(?:/|／|of|共)\s*(?:共\s*)?\d+\s*页?)?[-—–－‒―~·\s]*$"
    r"|^第\s*\d+\s*页\s*[,，]?\s*共\s*\d+\s*页$|^(?:https?|file)://\S+.*$")


def _fold(ch: str) -> str:
    if ch in _RADICAL_SUPPLEMENT:
        return _RADICAL_SUPPLEMENT[ch]
    if "\u2f00" <= ch <= "\u2fdf" or "\ufb00" <= ch <= "\ufb06":  # Kangxi radicals; ﬁ ﬂ ligatures
        return unicodedata.normalize("NFKC", ch)
    return ch


def fix_glyphs(text: str) -> str:
    """Undo radical code points that stand for ordinary ideographs, and Latin ligatures."""
    if not any("\u2e80" <= ch <= "\u2fdf" or "\ufb00" <= ch <= "\ufb06" for ch in text):
        return text
    return "".join(_fold(ch) for ch in text)


@dataclass
class Cell:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Line:
    page: int  # 1-based
    number: int  # line number on the page, 1-based, counting running heads too
    cells: list[Cell]
    size: float  # median character size
    text: str = ""  # the line as read: cells joined (a space only between Latin words)

    @property
    def x0(self) -> float:
        return self.cells[0].x0

    @property
    def x1(self) -> float:
        return self.cells[-1].x1

    @property
    def top(self) -> float:
        return min(c.top for c in self.cells)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.cells)

    @property
    def pos(self) -> str:
        return f"第 {self.page} 页第 {self.number} 行"


@dataclass
class RuledTable:
    page: int
    top: float
    rows: list[list[str]]  # cells that start in each row (merged cells once, as HTML has them)
    bbox: tuple[float, float, float, float]


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[RuledTable] = field(default_factory=list)
    n_chars: int = 0
    n_images: int = 0


def join_text(left: str, right: str) -> str:
    """Join two pieces of one text: a space only where two Latin words meet."""
    if not left or not right:
        return left + right
    if _LATIN.match(left[-1]) and _LATIN.match(right[0]):
        return left + " " + right
    return left + right


def _line_text(chars: list[dict], size: float) -> list[Cell]:
    """The cells of one line: characters split where the gap is wider than about a character."""
    cells: list[Cell] = []
    buf: list[dict] = []
    text = ""

    def close() -> None:
        if buf and text.strip():
            cells.append(Cell(text.strip(), min(c["x0"] for c in buf), max(c["x1"] for c in buf),
                              min(c["top"] for c in buf), max(c["bottom"] for c in buf)))

    prev = None
    for ch in chars:
        t = fix_glyphs(ch["text"])
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            if gap > 0.9 * size:
                close()
                buf, text = [], ""
            elif t.strip() and text and not text.endswith(" ") and gap > 0.25 * size \
                    and _LATIN.match(text[-1]) and _LATIN.match(t[0]):
                text += " "  # a word space drawn as a gap, not as a space character
        if t.isspace():
            if text and not text.endswith(" "):
                text += " "
        else:
            buf.append(ch)
            text += t
        prev = ch if not t.isspace() else prev
    close()
    return cells


def page_lines(chars: list[dict], page: int) -> list[Line]:
    """Group characters into lines by their vertical band, top to bottom."""
    upright = [c for c in chars if c.get("upright", True) and c["text"]]
    upright.sort(key=lambda c: (round((c["top"] + c["bottom"]) / 2, 1), c["x0"]))
    groups: list[list[dict]] = []
    for ch in sorted(upright, key=lambda c: c["top"]):
        mid = (ch["top"] + ch["bottom"]) / 2
        for g in reversed(groups[-3:]):
            top, bottom = g[0]["_band"]
            if top <= mid <= bottom:
                g.append(ch)
                break
        else:
            ch = dict(ch)
            ch["_band"] = (ch["top"] + 0.25 * (ch["bottom"] - ch["top"]),
                           ch["bottom"] - 0.25 * (ch["bottom"] - ch["top"]))
            groups.append([ch])
    lines: list[Line] = []
    for g in groups:
        g.sort(key=lambda c: c["x0"])
        sizes = [c["bottom"] - c["top"] for c in g if not c["text"].isspace()] or [10.0]
        size = statistics.median(sizes)
        cells = _line_text(g, size)
        if cells:
            text = cells[0].text
            for a, b in zip(cells, cells[1:]):
                # a wide gap inside running text is a spacing the writer typed
                text = text + " " + b.text if b.x0 - a.x1 > 2 * size else join_text(text, b.text)
            lines.append(Line(page, 0, cells, size, text))
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    for i, ln in enumerate(lines, 1):
        ln.number = i
    return lines


def _is_border(obj: dict) -> bool:
    """Strokes and thin bars draw table borders; filled areas (backgrounds, shading) do not."""
    if obj.get("object_type") == "char":
        return True
    if obj.get("object_type") not in ("rect", "curve", "line"):
        return True
    if obj.get("object_type") == "line" or obj.get("stroke"):
        return True
    return min(obj["width"], obj["height"]) <= 2.5


TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}


def _closing_rules(edges: list[dict]) -> list[dict]:
    """Rules where a table broken over pages has none: its top or bottom edge on a new page.

    Browsers drop the top border of the first row on a continuation page (the
    border belongs to the row above, on the previous page), and some writers the
    bottom border at a page foot. Where two or more column rules start (or end)
    at one height with no horizontal rule there, that height is a row edge.
    """
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    out = []
    for key in ("top", "bottom"):
        ends: dict[int, list[dict]] = {}
        for e in vertical:
            ends.setdefault(round(e[key]), []).append(e)
        for y, group in ends.items():
            if len(group) < 2:
                continue
            x0, x1 = min(e["x0"] for e in group), max(e["x0"] for e in group)
            covered = any(abs(h["top"] - y) <= 1.5 and h["x0"] <= x0 + 1.5 and h["x1"] >= x1 - 1.5
                          for h in horizontal)
            # only the table's own top (bottom): no column rule there goes on above (below) it
            inner = any(x0 - 1 <= e["x0"] <= x1 + 1 and (e["top"] < y - 1.5 if key == "top"
                                                         else e["bottom"] > y + 1.5) for e in vertical)
            if not covered and not inner:
                at = statistics.median(e[key] for e in group)
                out.append({"object_type": "line", "x0": x0, "x1": x1, "top": at, "bottom": at,
                            "width": x1 - x0, "height": 0.0})
    return out


def ruled_tables(page, number: int) -> list[RuledTable]:
    """Tables drawn with ruling lines, each row as the cells that start in it."""
    out = []
    filtered = page.filter(_is_border)
    settings = dict(TABLE_SETTINGS)
    extra = _closing_rules(filtered.edges)
    if extra:
        settings["explicit_horizontal_lines"] = extra
    for t in filtered.find_tables(settings):
        rows = t.extract(x_tolerance=1.5, y_tolerance=3)
        if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2:
            continue  # a frame around text, not a table
        cells = [[fix_glyphs(c) for c in row if c is not None] for row in rows]
        out.append(RuledTable(number, t.bbox[1], cells, t.bbox))
    return out


def inside(line_or_char: dict | Line, bbox: tuple[float, float, float, float]) -> bool:
    if isinstance(line_or_char, Line):
        x0, top, x1, bottom = line_or_char.x0, line_or_char.top, line_or_char.x1, line_or_char.bottom
    else:
        x0, top, x1, bottom = (line_or_char["x0"], line_or_char["top"], line_or_char["x1"],
                               line_or_char["bottom"])
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    return bbox[0] - 1 <= cx <= bbox[2] + 1 and bbox[1] - 1 <= cy <= bbox[3] + 1


def _masked(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(unicodedata.normalize("NFKC", text).split()))


def drop_running_heads(pages: list[Page]) -> None:
    """Remove page numbers and running heads/feet (repeated in the page's margin band)."""
    seen: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for p in pages:
        for ln in p.lines:
            band = _band(ln, p)
            if band:
                seen.setdefault((band, _masked(ln.text)), []).append((p.number, ln.top))
    repeated = {k for k, v in seen.items() if len({n for n, _ in v}) >= 2
                and max(t for _, t in v) - min(t for _, t in v) <= 6}
    for p in pages:
        keep = []
        for ln in p.lines:
            band = _band(ln, p)
            if band and ((band, _masked(ln.text)) in repeated
                         or _PAGE_NUMBER.match(unicodedata.normalize("NFKC", ln.text).strip())):
                continue
            keep.append(ln)
        p.lines = keep


def _band(ln: Line, p: Page) -> str | None:
    if ln.bottom <= p.height * BAND:
        return "top"
    if ln.top >= p.height * (1 - BAND):
        return "bottom"
    return None
