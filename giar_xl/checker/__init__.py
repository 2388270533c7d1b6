"""The checker: every rule of the catalogue over one report, in one pass.

``check(report, previous)`` is pure: it reads no file and sees no spreadsheet
object, only the Report (with the reader's provenance where there is one).
"""

from __future__ import annotations

from datetime import date

from .. import explain
from ..report import Report
from . import narrative as _narrative  # noqa: F401  (registers the text kinds)
from .catalogue import BY_CODE, RULES
from .context import CheckContext, a1_key
from .findings import CheckResult, Finding, Summary, count_severities, summarize
from .kinds import KINDS
from .render import render_json, render_text
from .rule import Rule


def check(report: Report, previous: Report | None = None, *,
          today: date | None = None, rules: tuple[Rule, ...] = RULES,
          previous_error: str | None = None) -> list[Finding]:
    """Every finding of every rule, ordered by sheet (workbook order) and cell.

    ``previous_error``: last year's file was given but could not be read (why, in Chinese).
    """
    ctx = CheckContext(report, previous, today or date.today(), previous_error)
    found: list[Finding] = []
    for rule in rules:
        found.extend(KINDS[rule.kind](ctx, rule))
    # the clerk's written reasons ride on the findings into every output
    return explain.apply(sort_findings(found, report), report.explanations)


def sort_findings(findings: list[Finding], report: Report) -> list[Finding]:
    spec = report.spec
    order = {spec.cover_sheet: 0}
    for i, section in enumerate(spec.sections, start=1):
        order[section.sheet] = i
    code_order = {r.code: i for i, r in enumerate(RULES)}

    def key(f: Finding) -> tuple:
        return (f.sheet is not None, order.get(f.sheet, len(order)), f.sheet or "",
                a1_key(f.cell), code_order.get(f.code, 0))

    return sorted(findings, key=key)


__all__ = ["BY_CODE", "CheckResult", "Finding", "RULES", "Rule", "Summary", "check",
           "count_severities", "render_json", "render_text", "summarize"]
