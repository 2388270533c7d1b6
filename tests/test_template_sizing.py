"""Row heights and column widths worked out from the text (template/sizing.py).

What they give in print is tested with LibreOffice in test_print_workbook.py; here,
the arithmetic and what docs/limits.md promises about long parts.
"""

from __future__ import annotations

import re
from pathlib import Path

from giar_xl.template import sizing
from giar_xl.template.builder import TEXT_SIZES

LIMITS = Path(__file__).resolve().parent.parent / "docs" / "limits.md"


def capacity(size: float, width: float) -> int:
    """The most Chinese characters a wrapped cell shows in Excel's tallest row."""
    n = 1
    while sizing.text_height("国" * (n + 1), width, size) <= sizing.MAX_ROW_PT:
        n += 1
    return n


def test_text_column_fills_the_page_in_every_program():
    w = sizing.width_to_fill()
    assert w * sizing.UNIT_PT_WIDE <= sizing.print_width_pt(False)  # LibreOffice's wide unit
    assert (w + 1) * sizing.UNIT_PT_WIDE > sizing.print_width_pt(False) - 6


def test_height_grows_with_text_and_paragraphs():
    w = sizing.width_to_fill()
    short = sizing.text_height("国" * 10, w, 12)
    assert short == sizing.text_height("国", w, 12)  # one line either way
    assert sizing.text_height("国" * 100, w, 12) > short
    assert sizing.text_height("国\n国\n国", w, 12) == 3 * 12 * sizing.LINE_EM + sizing.CELL_PAD_PT
    # Latin letters and digits take half the width of a Chinese character
    assert sizing.line_count("a" * 120, w, 12) < sizing.line_count("国" * 120, w, 12)


def test_long_parts_step_down_to_fit_and_the_limits_doc_says_how_far():
    w = sizing.width_to_fill()
    assert sizing.fitting_size("国" * 500, w, TEXT_SIZES) == TEXT_SIZES[0]
    assert sizing.fitting_size("国" * 1000, w, TEXT_SIZES) < TEXT_SIZES[0]
    assert sizing.fitting_size("国" * 5000, w, TEXT_SIZES) == TEXT_SIZES[-1]
    doc = LIMITS.read_text("utf-8")
    first, last = (int(x) for x in re.search(r"超过约 (\d+) 字时.*?约 (\d+) 字以内", doc, re.S).groups())
    assert abs(capacity(TEXT_SIZES[0], w) - first) <= 50
    assert abs(capacity(TEXT_SIZES[-1], w) - last) <= 50
    assert f"最小 {TEXT_SIZES[-1]:g} 磅" in doc
