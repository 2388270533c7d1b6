"""The neutral shape both readers (HTML page, copied text) turn a published report into.

A ``Document`` is the article as a sequence of blocks: paragraphs and tables
(rows of cell texts, in reading order, no spans). Everything after that —
finding sections, matching table rows to the spec, parsing numbers — works on
this shape only, so the HTML and the text reader cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..report import RawValue
from ..text import normalise_label


@dataclass
class Para:
    text: str
    pos: str  # where it is in the source, in words ("第 12 行", "第 3 段")


@dataclass
class Row:
    cells: list[str]
    pos: str


@dataclass
class TableBlock:
    rows: list[Row]
    pos: str
    # False for a table rebuilt from a PDF page without borders: a header centred over
    # two rows is read where it sits, so the order of the headers says nothing
    ordered_headers: bool = True


Block = Para | TableBlock

_ZERO = re.compile(r"^\s*[0０]+(?:[.．][0０]+)?\s*$")


def spanned(text: str) -> str | None:
    """What a cell merged down over several rows says for each row it covers: a printed 0
    over three rows is 0 in each (counts are never negative, so a zero sum is zero
    everywhere); any other figure cannot be shared out and says nothing (the rows stay
    blank, and the checker asks for their figures)."""
    return "0" if _ZERO.match(text or "") else None


@dataclass
class Document:
    blocks: list[Block]
    source: str
    # titles the page declares outside the article (meta ArticleTitle, <h1>, <title>), best first
    titles: list[str] = field(default_factory=list)
    published: str | None = None  # from the page's own metadata (meta PubDate), ISO date
    notes: list[dict] = field(default_factory=list)  # problems met while reading the file


def note(severity: str, position: str, message: str) -> dict:
    """An import note: what could not be read as it stands, and where."""
    return {"severity": severity, "position": position, "message": message}


# labels are compared by the project's one normalisation (giar_xl.text)
norm = normalise_label


# ------------------------------------------------------------------ values
# what clerks write in a cell meaning "nothing": kept as text so the checker reports it
_DASH_CHARS = set("/／-－—–―\\")
_NIL_WORDS = {"无", "空", "×"}
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def _canonical_digits(token: str) -> str:
    return unicodedata.normalize("NFKC", token).replace("\u2212", "-")


def parse_value(text: str) -> RawValue:
    """A table cell as the report model holds it: number, None for blank, else the raw text."""
    tokens = (text or "").split()
    if not tokens:
        return None
    if len(tokens) == 1:
        tok = _canonical_digits(tokens[0])
        if _NUMBER.match(tok):
            tok = tok.replace(",", "")
            return float(tok) if "." in tok else int(tok)
    # several numbers in one cell, "2件", "/" …: not for us to interpret
    return " ".join(tokens)


def is_value_like(text: str) -> bool:
    """Could this cell be a value cell (number, blank, or a dash-like "nothing")?"""
    v = parse_value(text)
    if v is None or isinstance(v, (int, float)):
        return True
    s = norm(v)
    return bool(s) and (all(ch in _DASH_CHARS for ch in s) or s in _NIL_WORDS)


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in unicodedata.normalize("NFKC", text or ""))
