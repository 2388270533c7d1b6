"""A1 addresses without importing openpyxl (the reader and checker start faster without it)."""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def column_letter(index: int) -> str:
    """1 → "A", 27 → "AA"."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """"A" → 1, "AA" → 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


def is_address(text: str) -> bool:
    return _ADDRESS.match(text) is not None


def split(address: str) -> tuple[str, int]:
    """"D12" → ("D", 12)."""
    m = _ADDRESS.match(address)
    if m is None:
        raise ValueError(f"not an A1 address: {address!r}")
    return m.group(1).upper(), int(m.group(2))


def a1(row: int, col: int) -> str:
    """1-based row and column to an A1 address."""
    return f"{column_letter(col)}{row}"
