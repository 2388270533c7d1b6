"""Text handling shared by the reader, the checker, the exports and the importer."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Quotes are dropped rather than unified: published labels mix “”, "" and none at all.
_QUOTES = dict.fromkeys(map(ord, "“”‘’\"'「」『』"), None)
_SPACE = re.compile(r"\s+")
# "1、属于国家秘密" and "1．属于国家秘密" both mean the format's "1.属于国家秘密"
_ITEM_NUMBER = re.compile(r"^(\d+)[、.．]")
# characters XML 1.0 (and so xlsx, docx, HTML) cannot carry; a paste from Word or a web
# page can bring them, and they have no glyph
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def normalise_label(text: str | None) -> str:
    """A label reduced to what identifies it, for comparing printed labels.

    NFKC folds full-width brackets, digits and punctuation to half width; all
    whitespace goes (line breaks inside a cell split "商业\\n企业"); quotes go;
    an item number "1、" reads as "1.". Published copies mix "（一）" and "(一)",
    "“三安全一稳定”" and plain quotes.
    """
    s = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    s = _SPACE.sub("", s)
    return _ITEM_NUMBER.sub(r"\1.", s)


def strip_control(text: str) -> str:
    return _CONTROL.sub("", text)


def parse_date(value: object) -> dt.date | None:
    """"2026-01-20", "2026/1/20", "2026年1月20日" (or a date) → date; anything else → None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    m = _DATE.match(value)
    if not m:
        return None
    try:
        return dt.date(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def char_columns(ch: str) -> int:
    """Columns one character takes on a Chinese monospace display: 2 for wide, 1 for narrow.

    East Asian Wide and Fullwidth characters take two columns, and so do the
    Ambiguous ones (“”、—…·, circled digits): Chinese fonts (宋体, 仿宋, 黑体) and
    Chinese editors draw them full width, as the double-byte characters of GBK
    they are. Combining marks and control characters take none.
    """
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cc", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes on a Chinese monospace display (see ``char_columns``)."""
    return sum(char_columns(ch) for ch in text)
