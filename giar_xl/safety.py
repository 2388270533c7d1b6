"""Keep user text inert wherever it is written into a spreadsheet or CSV."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell

# Text starting with one of these becomes a formula when typed, pasted or opened as CSV
# in Excel, WPS or LibreOffice (formula injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def write_value(cell: Cell, value: Any) -> None:
    """Store ``value`` in ``cell``; text is always text, never a formula.

    openpyxl turns any string starting with "=" into a formula, so strings are
    forced to the string type; text that looks like a formula also gets the
    quote prefix, so editing the cell in Excel keeps it text.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True


def csv_safe(value: Any) -> Any:
    """A CSV field that a spreadsheet will not evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
