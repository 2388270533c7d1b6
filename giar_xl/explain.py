"""A clerk's written explanation of a 提示, kept inside the workbook.

A 提示 may be right (a year with no applications, a fee waived); the national practice is
to accept it with a written reason. The clerk writes the reason where the finding is
shown — the "单位说明" column of the 校验结果 sheet (written by the 校验 button and by
``validate --annotate``) — or, in any workbook, on a sheet named "说明" with the columns
规则 (code), 位置 (``封面!B5``, ``B5`` or empty for the whole rule) and 说明.

The reader collects them (``explanations_from``) into ``Report.explanations``; the
checker attaches each to its finding (``apply``), so that every output — the command
line, JSON, the results sheet, the county's tables — shows an explained 提示 as 已说明
with its text. An explained 错误 keeps its text but stays an error: it must be fixed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Any

RESULTS_SHEET = "校验结果"  # also results.RESULTS_SHEET (results imports the checker's renderers)
EXPLAIN_COLUMN = "单位说明"
EXPLAIN_SHEET = "说明"
RULE_HEADERS = ("规则", "规则编号", "编号")
PLACE_HEADERS = ("位置", "单元格")
TEXT_HEADERS = ("说明", "单位说明", "原因")
MAX_EXPLANATIONS = 2000  # far above any report's findings; a sheet pasted full of text is cut
MAX_TEXT = 2000
MAX_COLUMNS = 40  # the results sheet has 7; a cell far to the right is not part of it
_CODE = re.compile(r"^\s*([A-Z]\d{1,3})(?![0-9])")
_LINK = re.compile(r"HYPERLINK\(\s*\"#(?:'((?:[^']|'')+)'|([^!\"]+))!\$?([A-Z]{1,3})\$?(\d+)\"")
_PLACE = re.compile(r"^(?:(.+)!)?\$?([A-Z]{1,3})\$?([1-9]\d{0,6})$")

# (rule code, sheet or None for any, cell or None for any) → the clerk's text
Key = tuple[str, str | None, str | None]


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def place_of(value: Any, formula: str | None = None) -> tuple[str | None, str | None]:
    """(sheet, cell) from a 位置 cell: the link formula's target, or text like "封面!B5"."""
    if formula:
        m = _LINK.search(formula)
        if m:
            sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
            return sheet, f"{m.group(3)}{m.group(4)}"
    text = _text(value)
    if not text:
        return None, None
    m = _PLACE.match(text.replace(" ", ""))
    if m:
        return (m.group(1) or None), f"{m.group(2)}{m.group(3)}"
    return text, None  # a finding on a whole sheet shows the sheet's name only


def from_rows(rows: Iterable[Sequence[tuple[Any, str | None]]],
              text_headers: tuple[str, ...] = (EXPLAIN_COLUMN,)) -> dict[Key, str]:
    """Explanations in a sheet's rows of (value, formula) pairs: the results sheet or a 说明 sheet.

    The header row is found by its words, so rows the clerk inserted above it do not matter.
    On the results sheet only 单位说明 is the clerk's (its 说明 is the finding's own text).
    """
    out: dict[Key, str] = {}
    cols: tuple[int, int, int] | None = None
    for row in rows:
        texts = [_text(v) for v, _ in row]
        if cols is None:
            rule = next((i for i, t in enumerate(texts) if t in RULE_HEADERS), None)
            place = next((i for i, t in enumerate(texts) if t in PLACE_HEADERS), None)
            said = next((i for h in text_headers for i, t in enumerate(texts) if t == h), None)
            if rule is not None and said is not None:
                cols = (rule, place if place is not None else -1, said)
            continue
        rule, place, said = cols
        cell = lambda i: row[i] if 0 <= i < len(row) else (None, None)  # noqa: E731
        text = _text(cell(said)[0])[:MAX_TEXT]
        code = _CODE.match(_text(cell(rule)[0]))
        if not text or not code:
            continue
        sheet, address = place_of(*cell(place)) if place >= 0 else (None, None)
        out[(code.group(1), sheet, address)] = text
        if len(out) >= MAX_EXPLANATIONS:
            break
    return out


def explanations_from(sheets: dict[str, Any]) -> dict[Key, str]:
    """Explanations in a workbook's cells (``xlsx.SheetData`` by name): results sheet, then 说明 sheet."""
    from .a1 import column_index, split

    out: dict[Key, str] = {}
    for name, headers in ((RESULTS_SHEET, (EXPLAIN_COLUMN,)), (EXPLAIN_SHEET, (EXPLAIN_COLUMN, *TEXT_HEADERS))):
        sheet = sheets.get(name)
        if sheet is None or not sheet.cells:
            continue
        grid: dict[int, dict[int, tuple[Any, str | None]]] = {}
        for address, c in sheet.cells.items():
            col, row = split(address)
            if column_index(col) > MAX_COLUMNS:
                continue
            grid.setdefault(row, {})[column_index(col)] = (c.value, c.formula)
        rows = []
        for r in sorted(grid):
            width = max(grid[r])
            rows.append([grid[r].get(i, (None, None)) for i in range(1, width + 1)])
        for key, text in from_rows(rows, headers).items():
            out.setdefault(key, text)
    return out


def explanation_for(finding: Any, explanations: dict[Key, str]) -> str | None:
    exact = explanations.get((finding.code, finding.sheet, finding.cell))
    if exact is not None:
        return exact
    for (code, sheet, cell), text in explanations.items():
        if code == finding.code and sheet in (None, finding.sheet) and cell in (None, finding.cell):
            return text
    return None


def apply(findings: list[Any], explanations: dict[Key, str]) -> list[Any]:
    """The findings with the clerk's explanation attached where one was written."""
    if not explanations:
        return findings
    out = []
    for f in findings:
        text = explanation_for(f, explanations)
        out.append(dataclasses.replace(f, explanation=text) if text else f)
    return out


def is_explained(finding: Any) -> bool:
    """An explained 提示 (an explained 错误 is still an error)."""
    return finding.severity == "提示" and bool(getattr(finding, "explanation", None))
