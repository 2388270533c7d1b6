"""The "校验结果" sheet and the cell colours, shared by the Excel button and ``--annotate``.

Both routes show the same rows and colour the same cells; only the writing differs
(xlwings actions in an open Excel, openpyxl on a copy of the file).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from openpyxl.utils import column_index_from_string

from . import explain
from .export.common import format_value
from .layout import BINDING_SHEET, BLANK_RULE, places
from .spec import DEFAULT_FORMAT, FormatSpec

RESULTS_SHEET = explain.RESULTS_SHEET
HEADER = ("序号", "级别", "规则", "位置", "说明", "应为 / 实为", explain.EXPLAIN_COLUMN)
# display columns on a landscape A4 page (see template/sizing.py: 109 fit in every program)
COLUMN_WIDTHS = (5, 6, 14, 14, 37, 15, 18)
WRAPPED_COLUMNS = (2, 3, 4, 5, 6, 7)  # 1-based: 级别 … 单位说明
HEADER_ROW = 3
# row 2: how the clerk answers a 提示 (the checker reads the column back: giar_xl.explain)
HOW_TO_EXPLAIN = (f"“提示”经核实无误的，请在“{explain.EXPLAIN_COLUMN}”列写明理由，保存后再报送（县里看到的是"
                  "“已说明”和您写的理由）；“错误”须改正，写了说明也仍是错误。")
ERROR_COLOUR = "#FFC7CE"  # red-ish: 错误
NOTICE_COLOUR = "#FFEB9C"  # yellow: 提示
# where the addresses coloured by the last run are kept, so the next run can clear them
COLOURED_CELL = (BINDING_SHEET, "B6")
# template fills, restored when a colour is cleared (see template/styles.py)
INPUT_FILL = "#FFFFFF"
FORMULA_FILL = "#EDEDED"
_ADDRESS = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6})$")


def summary_text(findings: Sequence[Any]) -> str:
    errors = sum(1 for f in findings if f.severity == "错误")
    notices = sum(1 for f in findings if f.severity == "提示")
    explained = sum(1 for f in findings if explain.is_explained(f))
    if not errors and not notices:
        return "校验通过"
    parts = []
    if errors:
        parts.append(f"{errors} 个错误")
    if notices:
        parts.append(f"{notices} 个提示" + (f"（已说明 {explained} 个）" if explained else ""))
    return "发现 " + "、".join(parts)


def _show(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    text = str(v)
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


def link(sheet: str | None, cell: str | None) -> str:
    """A HYPERLINK formula that jumps to the cell (works in Excel, WPS and LibreOffice)."""
    if not sheet:
        return ""
    # a renamed sheet's name is the clerk's text: quote it for the reference ('') and for the
    # formula's string literals (""), so it can neither break nor extend the formula
    target = "'" + sheet.replace("'", "''") + f"'!{cell or 'A1'}"
    shown = f"{sheet}!{cell}" if cell else sheet
    q = lambda t: t.replace('"', '""')  # noqa: E731
    return f'=HYPERLINK("#{q(target)}","{q(shown)}")'


def _quoted(v: Any) -> str:
    """A value as a sentence names it: numbers plainly, text in quotes, a blank as 空白."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return "空白"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return format_value(v)
    return f"“{v}”"


def expected_actual(f: Any) -> str:
    """ "应为 0，实为“/”": what the cell should hold and what it holds, read as one sentence."""
    parts = []
    if f.expected is not None:
        parts.append("应为 " + (format_value(f.expected)
                                if isinstance(f.expected, (int, float)) else str(f.expected)))
    if f.actual is not None or parts:
        parts.append("实为" + (" " if isinstance(f.actual, (int, float)) else "") + _quoted(f.actual))
    return "，".join(parts)


def result_rows(findings: Sequence[Any], source: str | None = None) -> list[list[Any]]:
    """All rows of the results sheet, from A1: summary line, blank, header, one row per finding.

    The explanation carries the row and column labels before the message, as the
    command line prints it.
    """
    from .checker.render import explanation

    title = f"校验结果：{summary_text(findings)}"
    if source:
        title += f"（{source}）"
    hint = HOW_TO_EXPLAIN if any(f.severity == "提示" for f in findings) else ""
    rows: list[list[Any]] = [[title] + [""] * (len(HEADER) - 1), [hint] + [""] * (len(HEADER) - 1),
                             list(HEADER)]
    for i, f in enumerate(findings, start=1):
        level = "提示（已说明）" if explain.is_explained(f) else f.severity
        rows.append([i, level, f"{f.code} {f.name}", link(f.sheet, f.cell),
                     _show(explanation(f)), _show(expected_actual(f)), _show(f.explanation)])
    return rows


def colour_plan(findings: Sequence[Any], sheets: Sequence[str]) -> dict[tuple[str, str], str]:
    """(sheet, address) → colour for each offending cell; 错误 wins over 提示 on one cell."""
    plan: dict[tuple[str, str], str] = {}
    for f in findings:
        if not f.sheet or not f.cell or f.sheet not in sheets or f.sheet == RESULTS_SHEET:
            continue
        key = (f.sheet, f.cell)
        if f.severity == "错误" or key not in plan:
            plan[key] = ERROR_COLOUR if f.severity == "错误" else NOTICE_COLOUR
    return plan


def restore_colour(sheet: str, address: str, spec: FormatSpec = DEFAULT_FORMAT) -> str | None:
    """The template's own fill of a cell (None: no fill)."""
    for p in places(spec).values():
        if p.sheet == sheet and p.address == address:
            return {"value": INPUT_FILL, "formula": FORMULA_FILL}.get(p.kind)
    return None


def dump_coloured(cells: Sequence[tuple[str, str]]) -> str:
    return json.dumps([list(c) for c in cells], ensure_ascii=False)


def load_coloured(text: Any) -> list[tuple[str, str]]:
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return []
    if not (isinstance(doc, list) and all(isinstance(x, list) and len(x) == 2 for x in doc)):
        return []
    # the memo sits in a cell anyone can edit: an address Excel would not take ("A0") is dropped
    return [(s, a) for s, a in doc if isinstance(s, str) and isinstance(a, str) and _is_address(a)]


def _is_address(text: str) -> bool:
    m = _ADDRESS.match(text)
    return bool(m) and column_index_from_string(m.group(1)) <= 16384 and int(m.group(2)) <= 1_048_576


def uncovered_rules(sheet: str, rules: Sequence[tuple[str, Sequence[Any]]], coloured: set[str],
                    given_back: set[str], spec: FormatSpec = DEFAULT_FORMAT
                    ) -> list[tuple[str, Any]] | None:
    """A sheet's conditional formats with the coloured cells out of the blank-cell rule.

    ``rules`` are the sheet's (range, rules) in order. The template's blank-cell rule
    (yellow, ``layout.BLANK_RULE``) paints over a cell's own fill, so a blank error
    coloured red would show yellow; its ranges lose ``coloured`` and get back
    ``given_back`` (cells coloured by the last run, restored now) where they are
    input cells of the template. Each remaining rectangle gets its own rule, its
    formula relative to its own top-left cell. Other rules stay as they are; all
    keep their order. None when nothing changes.
    """
    from copy import copy

    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import MultiCellRange

    from .template.styles import rectangles

    inputs = {p.address for p in places(spec).values() if p.sheet == sheet and p.kind == "value"}

    def is_blank_rule(sqref: str, rule: Any) -> bool:
        top_left = sqref.split()[0].split(":")[0]
        return list(rule.formula or []) == [BLANK_RULE.format(cell=top_left)]

    blank: set[str] = set()
    model = None
    for sqref, rs in rules:
        for rule in rs:
            if is_blank_rule(sqref, rule):
                model = model or rule
                blank |= {f"{get_column_letter(c)}{r}" for rng in MultiCellRange(sqref).ranges
                          for r, c in rng.cells}
    if model is None:
        return None
    keep = (blank - coloured) | (given_back & inputs - coloured)
    if keep == blank:
        return None
    out: list[tuple[str, Any]] = []
    placed = False
    for sqref, rs in rules:
        for rule in rs:
            if not is_blank_rule(sqref, rule):
                out.append((sqref, rule))
            elif not placed:
                placed = True
                for rect in rectangles(sorted(keep)):
                    new = copy(model)
                    new.formula = [BLANK_RULE.format(cell=rect.split(":")[0])]
                    out.append((rect, new))
    for i, (_, rule) in enumerate(out, start=1):
        rule.priority = i
    return out
