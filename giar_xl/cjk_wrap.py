"""Line breaking for Chinese text in a terminal: display width and where a line may end.

A Chinese character takes two columns; a line may break between two Chinese characters
(there are no spaces), but never before closing punctuation ("，", "）"), never after
opening punctuation ("（"), never inside a word, number, option or file name in Latin
letters, and never inside a short bracketed group or a short command ("（其次按文件名）",
"giar-xl schema findings").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

OPENING = set("（「『【〔《〈“‘([{")
CLOSING = set("）」』】〕》〉”’)]}，。、；：！？…,.;:!?%")
PAIRS = {"（": "）", "(": ")", "[": "]", "【": "】", "「": "」", "『": "』", "“": "”", "《": "》",
         "〔": "〕", "〈": "〉"}
MAX_GROUP = 24  # columns: a bracketed group this short is never split across lines


def char_width(ch: str) -> int:
    """Columns a character takes in a terminal: 2 for Chinese (and ambiguous-width) characters."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def text_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def _is_ascii(ch: str) -> bool:
    return "!" <= ch <= "~"


def _protected(text: str) -> set[int]:
    """Indexes a line may not start at: inside short bracketed groups and short commands.

    "（其次文件名）" and "giar-xl schema findings" stay on one line when they fit in
    ``MAX_GROUP`` columns; longer ones break where they must.
    """
    out: set[int] = set()
    for m in re.finditer(r"[!-~]+(?: [!-~]+)+", text):
        if text_width(m.group()) <= MAX_GROUP:
            out.update(range(m.start() + 1, m.end()))
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in PAIRS:
            stack.append(i)
        elif stack and ch == PAIRS[text[stack[-1]]]:
            start = stack.pop()
            if text_width(text[start:i + 1]) <= MAX_GROUP:
                out.update(range(start + 1, i + 1))
    return out


def _may_break_before(text: str, i: int, protected: set[int]) -> bool:
    """May a line end just before text[i] (text[i] and text[i-1] not spaces)?"""
    if i in protected:
        return False
    a, b = text[i - 1], text[i]
    if _is_ascii(a) and _is_ascii(b):
        return False  # words, option names, file names and numbers stay whole
    return b not in CLOSING and a not in OPENING


def wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """Lines of at most ``width`` columns (indent included), broken where Chinese allows it."""
    protected = _protected(text)
    lines: list[str] = []
    indent = initial_indent
    i, n = 0, len(text)
    while i < n and text[i].isspace():
        i += 1
    while i < n:
        room = max(width - text_width(indent), 1)
        used, j, last_break = 0, i, None
        while j < n:
            ch = text[j]
            if ch.isspace():
                if j not in protected:
                    last_break = j
            elif j > i and not text[j - 1].isspace() and _may_break_before(text, j, protected):
                last_break = j
            if used + char_width(ch) > room:
                break
            used += char_width(ch)
            j += 1
        if j >= n:
            end = n
        elif last_break is not None and last_break > i:
            end = last_break
        else:
            end = max(j, i + 1)  # nothing breakable fits: cut where the room ends
        lines.append(indent + text[i:end].rstrip())
        i = end
        while i < n and text[i].isspace():
            i += 1
        indent = subsequent_indent
    return lines or [initial_indent.rstrip()]


def join_lines(lines: Sequence[str]) -> str:
    """One paragraph from its source lines: no space is put between Chinese characters."""
    out = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if out and _is_ascii(out[-1]) and _is_ascii(line[0]):
            out += " "
        out += line
    return out


def paragraphs(text: str) -> list[tuple[bool, list[str]]]:
    """(keep lines as written, lines) per paragraph; a paragraph led by a "\\b" line is kept."""
    out: list[tuple[bool, list[str]]] = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.splitlines()
        if lines and lines[0].strip() == "\b":
            out.append((True, lines[1:]))
        else:
            out.append((False, lines))
    return out
