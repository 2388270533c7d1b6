"""Keep user text inert wherever it is written into a spreadsheet (the project writes no CSV)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .text import strip_control

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

# Text starting with one of these becomes a formula when typed, pasted or opened as CSV
# in Excel, WPS or LibreOffice (formula injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def write_value(cell: "Cell", value: Any) -> None:
    """Store ``value`` in ``cell``; text is always text, never a formula.

    openpyxl turns any string starting with "=" into a formula, so strings are
    forced to the string type; text that looks like a formula also gets the
    quote prefix, so editing the cell in Excel keeps it text.
    """
    if isinstance(value, str):
        # OOXML reads "_x0041_" as an escaped character: escape a literal one
        value = _OOXML_ESCAPE.sub(r"_x005F_\1", strip_control(value))
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
