"""Make PDFs that imitate published reports, from data, in the test (no committed binaries).

A tiny page layout over reportlab (BSD): A4 pages with a running head and a
"第 N 页 共 M 页" foot, a centred title, headings, wrapped paragraphs with a
two-character indent, and tables laid out from a grid of cells with spans —
ruled (every border drawn) or borderless (no line at all). A table that does
not fit goes on over the next page, with or without its header rows repeated;
a label too long for its column wraps over several lines, and in a borderless
table the numbers sit on the middle line of their row, as Word centres them.
The font is reportlab's built-in STSong-Light (a CID font needing no file),
which is what many office PDFs reference without embedding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from giar_xl.export.common import format_value
from giar_xl.report import Report
from giar_xl.spec import TableSpec

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
W, H = A4
LEFT, RIGHT, TOP, BOTTOM = 80.0, W - 75.0, 100.0, H - 95.0
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@dataclass
class Cell:
    text: str
    r: int
    c: int
    rowspan: int = 1
    colspan: int = 1
    align: str = "center"  # "left", "center", "right"


@dataclass
class Grid:
    cells: list[Cell]
    widths: list[float]  # column widths in points
    header_rows: int = 0  # rows repeated on each page when asked

    @property
    def n_rows(self) -> int:
        return max(c.r + c.rowspan for c in self.cells)


def spec_grid(report: Report, table: TableSpec, widths: list[float], *, full_width: bool = False,
              blank: set[str] = frozenset()) -> Grid:
    """A table of the format as printed from ``report`` (labels from the spec, never retyped)."""
    cells = []
    for g in table.grid:
        if g.value:
            text = "" if g.value in blank else format_value(report.values.get(g.value))
            if full_width:
                text = text.translate(FULL_WIDTH)
            cells.append(Cell(text, g.r, g.c, g.rowspan, g.colspan, "right"))
        else:
            cells.append(Cell(g.text, g.r, g.c, g.rowspan, g.colspan,
                              "left" if g.role == "label" else "center"))
    first_value_row = min(g.r for g in table.grid if g.value)
    titles = [g.r for g in table.grid if g.role == "title"]
    return Grid(cells, widths, header_rows=0 if titles else first_value_row)


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for ch in para:
            if cur and pdfmetrics.stringWidth(cur + ch, FONT, size) > width:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        lines.append(cur)
    return lines


@dataclass
class PdfMaker:
    path: str
    running_head: str | None = "政府信息公开专栏"
    page_foot: bool = True
    size: float = 12.0
    pages: list[list[tuple]] = field(default_factory=lambda: [[]])
    y: float = TOP

    # ------------------------------------------------------------ flow
    def _need(self, height: float) -> None:
        if self.y + height > BOTTOM:
            self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = TOP

    def _text(self, x: float, y: float, s: str, size: float | None = None) -> None:
        self.pages[-1].append(("text", x, y, s, size or self.size))

    def title(self, text: str) -> None:
        size = 18
        for line in _wrap(text, RIGHT - LEFT, size):
            self._need(size * 1.6)
            w = pdfmetrics.stringWidth(line, FONT, size)
            self._text((LEFT + RIGHT - w) / 2, self.y + size, line, size)
            self.y += size * 1.6
        self.y += self.size

    def heading(self, text: str) -> None:
        self._need(self.size * 2)
        self._text(LEFT + 2 * self.size, self.y + self.size, text)
        self.y += self.size * 1.8

    def paragraph(self, text: str, indent: int = 2, align: str = "left") -> None:
        first = indent * self.size
        lines = _wrap(text, RIGHT - LEFT - first, self.size)
        rest = _wrap("".join(lines[1:]), RIGHT - LEFT, self.size) if len(lines) > 1 else []
        for i, line in enumerate(lines[:1] + rest):
            self._need(self.size * 1.8)
            x = LEFT + (first if i == 0 else 0)
            if align == "right":
                x = RIGHT - 4 * self.size - pdfmetrics.stringWidth(line, FONT, self.size)
            self._text(x, self.y + self.size, line)
            self.y += self.size * 1.8

    def table(self, grid: Grid, *, ruled: bool = True, repeat_header: bool = True,
              size: float = 9.0, break_before_row: int | None = None) -> None:
        """Lay the grid out row by row, going on over the next page where it does not fit."""
        lead, pad = size * 1.3, 4.0
        xs = [LEFT]
        for w in grid.widths:
            xs.append(xs[-1] + w)
        wrapped = {id(c): _wrap(c.text, xs[c.c + c.colspan] - xs[c.c] - 2 * pad, size) for c in grid.cells}
        heights = [0.0] * grid.n_rows
        for c in sorted(grid.cells, key=lambda c: c.rowspan):
            need = len(wrapped[id(c)]) * lead + 2 * pad
            have = sum(heights[c.r:c.r + c.rowspan])
            if need > have:
                heights[c.r + c.rowspan - 1] += need - have
        head = list(range(grid.header_rows)) if repeat_header else []
        plan: list[list[int]] = [[]]  # the rows on each page
        y = self.y
        for r in range(grid.n_rows):
            if plan[-1] and (y + heights[r] > BOTTOM or r == break_before_row):
                plan.append(list(head) if r >= grid.header_rows else [])
                y = TOP + sum(heights[h] for h in plan[-1])
            plan[-1].append(r)
            y += heights[r]
        for k, rows in enumerate(plan):
            if k:
                self.new_page()
            for r in rows:
                self._row(grid, xs, heights, wrapped, r, rows, ruled, size, lead, pad)
        self.y += self.size

    def _row(self, grid, xs, heights, wrapped, r, rows, ruled, size, lead, pad) -> None:
        top = self.y
        for c in grid.cells:
            if not c.r <= r < c.r + c.rowspan:
                continue
            x0, x1 = xs[c.c], xs[c.c + c.colspan]
            here = [x for x in rows if c.r <= x < c.r + c.rowspan]  # its rows on this page
            if ruled:  # a merged cell is one box: inner row borders are not drawn through it
                self.pages[-1].append(("rect", x0, top, x1, top + heights[r], r == here[0], r == here[-1]))
            if r != c.r:
                continue
            lines = wrapped[id(c)]
            # a merged cell's text is centred over the part of it on this page
            span_h = sum(heights[x] for x in here)
            y = top + (span_h - len(lines) * lead) / 2 + size
            for line in lines:
                w = pdfmetrics.stringWidth(line, FONT, size)
                x = {"left": x0 + pad, "right": x1 - pad - w}.get(c.align, (x0 + x1 - w) / 2)
                self._text(x, y, line, size)
                y += lead
        self.y += heights[r]

    # ------------------------------------------------------------ output
    def save(self) -> None:
        cv = canvas.Canvas(self.path, pagesize=A4, invariant=1)
        n = len(self.pages)
        for k, items in enumerate(self.pages, 1):
            if self.running_head:
                cv.setFont(FONT, 9)
                cv.drawString(LEFT, H - 45, self.running_head)
                cv.line(LEFT, 52, RIGHT, 52)
            if self.page_foot:
                cv.setFont(FONT, 9)
                foot = f"第 {k} 页 共 {n} 页"
                cv.drawString((W - pdfmetrics.stringWidth(foot, FONT, 9)) / 2, 40, foot)
            cv.setLineWidth(0.6)
            for item in items:
                if item[0] == "text":
                    _, x, y, s, size = item
                    cv.setFont(FONT, size)
                    cv.drawString(x, H - y, s)
                else:
                    _, x0, top, x1, bottom, first, last = item
                    cv.line(x0, H - top, x0, H - bottom)
                    cv.line(x1, H - top, x1, H - bottom)
                    if first:
                        cv.line(x0, H - top, x1, H - top)
                    if last:
                        cv.line(x0, H - bottom, x1, H - bottom)
            cv.showPage()
        cv.save()


WIDTHS = {"t2": [170.0, 90.0, 90.0, 90.0], "t3": [40.0, 52.0, 96.0] + [36.0] * 7, "t4": [29.0] * 15}


def report_pdf(path, report: Report, *, ruled: bool = True, repeat_header: bool = True,
               full_width: bool = False, skip_tables: tuple[str, ...] = (),
               replace_tables: dict[str, Grid] | None = None, blank: set[str] = frozenset(),
               break_t3_before: int | None = None, running_head: str | None = "政府信息公开专栏") -> None:
    """The whole report as an office would print it: title, six sections, tables, signature."""
    from giar_xl.export.common import narrative_blocks, report_title, signature_lines

    pdf = PdfMaker(str(path), running_head=running_head)
    pdf.title(report_title(report))
    for section in report.spec.sections:
        pdf.heading(section.heading)
        if section.table is not None:
            key = section.table.key
            if key in skip_tables:
                continue
            grid = (replace_tables or {}).get(key) or spec_grid(report, section.table, WIDTHS[key],
                                                                full_width=full_width, blank=blank)
            pdf.table(grid, ruled=ruled, repeat_header=repeat_header,
                      break_before_row=break_t3_before if key == "t3" else None)
            continue
        for block in narrative_blocks(report, section):
            if block.subhead:
                pdf.paragraph(block.subhead)
            for para in block.paragraphs:
                pdf.paragraph(para)
    pdf.y += 2 * pdf.size
    for line in signature_lines(report):
        pdf.paragraph(line, indent=0, align="right")
    pdf.save()
