"""Text handling shared by the reader, the checker, the exports and the importer."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from functools import lru_cache

# Quotes are dropped rather than unified: published labels mix “”, "" and none at all.
_QUOTES = dict.fromkeys(map(ord, "“”‘’\"'「」『』"), None)
_SPACE = re.compile(r"\s+")
# "1、属于国家秘密" and "1．属于国家秘密" both mean the format's "1.属于国家秘密"
_ITEM_NUMBER = re.compile(r"^(\d+)[、.．]")
# characters XML 1.0 (and so xlsx, docx, HTML) cannot carry; a paste from Word or a web
# page can bring them, and they have no glyph
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# UTF-16 halves: a pair is one character outside the BMP (an emoji, a rare CJK character);
# a lone half is damage no UTF-8 output can carry
_SURROGATE = re.compile("[\ud800-\udfff]")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def normalise_label(text: str | None) -> str:
    """A label reduced to what identifies it, for comparing printed labels.

    NFKC folds full-width brackets, digits and punctuation to half width; all
    whitespace goes (line breaks inside a cell split "商业\\n企业"); quotes go;
    an item number "1、" reads as "1.". Published copies mix "（一）" and "(一)",
    "“三安全一稳定”" and plain quotes.
    """
    if text is not None and len(text) <= SHORT_LABEL:
        return _normalise_short(text)  # labels recur in every workbook of a batch
    return _normalise(text)


SHORT_LABEL = 80


def _normalise(text: str | None) -> str:
    s = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    s = _SPACE.sub("", s)
    return _ITEM_NUMBER.sub(r"\1.", s)


_normalise_short = lru_cache(maxsize=8192)(_normalise)


def strip_control(text: str) -> str:
    return _CONTROL.sub("", text)


def fix_surrogates(text: str) -> str:
    """Join UTF-16 surrogate pairs into their character; replace a lone half with U+FFFD.

    The OOXML escape writes a character outside the BMP as two escapes (``_xD83D__xDE00_``),
    and JSON as two ``\\u`` escapes; decoded one by one they are two lone surrogates.
    """
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def decode_escaped(text: str) -> str:
    """Text whose bytes were not UTF-8, as Python hands it over (``surrogateescape``), decoded.

    A name from a Chinese-Windows zip, or a word typed in a GBK console, is GBK: each run is
    decoded as UTF-8, else as GBK (GB18030), else with U+FFFD for what is left.
    """
    if not _SURROGATE.search(text):
        return text
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:  # not from the file system: a lone half in typed text
        return fix_surrogates(text)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def readable_path(path: str | os.PathLike) -> str:
    """A path as a person should read it, for messages and for text written into outputs.

    Each part of the path is decoded on its own (``decode_escaped``): the folders may be
    UTF-8 and the file name GBK. The path itself stays as it was for opening the file.
    """
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if not _SURROGATE.search(text):
        return text
    return "/".join(decode_escaped(part) for part in text.split("/"))


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
