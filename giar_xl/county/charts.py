"""Bar charts as inline SVG for the overview page: no script, no external file, prints as drawn.

Labels come from clerks' files and the units list, so every text is escaped here; the
result is marked safe for the page's template only after that.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from html import escape

from markupsafe import Markup

from ..text import display_width

ROW_H = 22
BAR_H = 14
FONT_PX = 12
WIDTH = 640
OK_COLOUR, FLAG_COLOUR, MARK_COLOUR = "#5b9bd5", "#e0603a", "#c00000"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float | Fraction
    shown: str  # the value as written beside the bar
    flagged: bool = False


def _num(v: float) -> str:
    """Coordinates with one decimal, the same on every machine."""
    return f"{round(v, 1):.1f}".rstrip("0").rstrip(".")


def bar_chart(title: str, bars: list[Bar], *, mark: Fraction | float | None = None,
              mark_label: str = "", scale_max: float | None = None) -> Markup:
    """Horizontal bars, one per label, value written at the end; ``mark`` draws a threshold line."""
    label_w = min(220, max([display_width(b.label) for b in bars] + [4]) * FONT_PX // 2 + 12)
    value_w = max([display_width(b.shown) for b in bars] + [4]) * FONT_PX // 2 + 10
    plot_w = WIDTH - label_w - value_w
    top = 28
    height = top + ROW_H * max(1, len(bars)) + (18 if mark is not None else 6)
    peak = float(scale_max) if scale_max is not None else max([float(b.value) for b in bars] + [0])
    peak = peak or 1.0
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
           f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
           f'aria-label="{escape(title)}">',
           f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, b in enumerate(bars):
        y = top + i * ROW_H
        w = plot_w * float(b.value) / peak if b.value else 0
        colour = FLAG_COLOUR if b.flagged else OK_COLOUR
        out.append(f'<text x="{label_w - 6}" y="{_num(y + BAR_H - 2)}" font-size="{FONT_PX}" '
                   f'text-anchor="end">{escape(b.label)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{_num(w)}" height="{BAR_H}" fill="{colour}"/>')
        out.append(f'<text x="{_num(label_w + w + 4)}" y="{_num(y + BAR_H - 2)}" '
                   f'font-size="{FONT_PX}">{escape(b.shown)}</text>')
    if mark is not None:
        x = label_w + plot_w * float(mark) / peak
        bottom = top + ROW_H * len(bars)
        out.append(f'<line x1="{_num(x)}" y1="{top - 4}" x2="{_num(x)}" y2="{bottom}" '
                   f'stroke="{MARK_COLOUR}" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{_num(x)}" y="{bottom + 14}" font-size="11" fill="{MARK_COLOUR}" '
                   f'text-anchor="middle">{escape(mark_label)}</text>')
    out.append("</svg>")
    return Markup("\n".join(out))
