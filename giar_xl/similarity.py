"""How alike two narratives are: one measure, one figure, for the checker and the county's diff.

The 2021 notice names 内容雷同 (a report copied from last year's) as a failing that leads to
accountability. A copied report changes its years and figures and is often re-typed, so the
measure compares the words only: spaces, line breaks, punctuation and digits are dropped,
and what remains is compared as sets of three-character pieces (the Dice coefficient of
character 3-grams). ``validate --previous`` (rule Y03) and ``diff`` both call ``similarity``
and print it with ``percent``; both call a section a copy by ``copied``.
"""

from __future__ import annotations

import math
import re

# the words of a text: no spaces, line breaks, punctuation, digits (years and figures change
# every year even in a copied report)
_NOT_WORDS = re.compile(r"[\s\d０-９\W_]+")
PIECE = 3  # characters per piece
SAME = 0.85  # at or above: the text is essentially last year's (内容雷同)
MIN_CHARS = 50  # words; below this a repeated text ("无。") is no sign of copying
HOW = "不计空格、标点、年份和数字，按连续三个字的片段比较，100% 为完全相同"


def words(text: str | None) -> str:
    return _NOT_WORDS.sub("", text or "")


def pieces(text: str | None, n: int = PIECE) -> set[str]:
    t = words(text)
    if 0 < len(t) < n:
        return {t}  # a text shorter than a piece is one piece
    return {t[i:i + n] for i in range(len(t) - n + 1)}


def similarity(a: str | None, b: str | None) -> float | None:
    """0 … 1: how much of the two texts' wording is shared; None when neither has words."""
    pa, pb = pieces(a), pieces(b)
    if not pa and not pb:
        return None
    if not pa or not pb:
        return 0.0
    return 2 * len(pa & pb) / (len(pa) + len(pb))


def percent(ratio: float) -> str:
    """The figure as printed: rounded down, so that 100% means the same wording."""
    return f"{math.floor(ratio * 100 + 1e-9)}%"


def copied(now: str | None, last: str | None) -> bool:
    """This year's text is last year's (long enough for that to mean copying)."""
    ratio = similarity(now, last)
    return ratio is not None and ratio >= SAME and len(words(now)) >= MIN_CHARS
