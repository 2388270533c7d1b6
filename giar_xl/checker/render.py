"""Findings for people (Chinese text, grouped by sheet in cell order) and for programs (JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .findings import CheckResult, Finding, summarize

NO_PLACE = "（整个文件）"


def _as_results(results: CheckResult | Sequence[CheckResult] | Sequence[Finding]
                ) -> list[CheckResult]:
    if isinstance(results, CheckResult):
        return [results]
    items = list(results)
    if items and isinstance(items[0], Finding):
        return [CheckResult(file="", findings=items)]  # type: ignore[arg-type]
    return items  # type: ignore[return-value]


def _where(f: Finding) -> str:
    labels = " / ".join(x for x in (f.row_label, f.col_label) if x)
    return f"{labels}：" if labels else ""


def explanation(f: Finding) -> str:
    """The finding in words with the row and column labels before it, as the command line shows it."""
    return f"{_where(f)}{f.message}"


def file_line(r: CheckResult) -> str:
    if not r.readable:
        return f"无法读取：{r.error}"
    if not r.findings:
        return "未发现问题。"
    explained = f"（已说明 {r.explained} 处）" if r.explained else ""
    return f"错误 {r.errors} 处，提示 {r.warnings} 处{explained}。"


def severity_label(f: Finding) -> str:
    return f"{f.severity}（已说明）" if f.explained else f.severity


def render_file(r: CheckResult) -> list[str]:
    lines: list[str] = []
    if r.file:
        lines.append(f"文件：{r.file}")
    if not r.readable:
        lines.append(f"  无法读取：{r.error}")
        return lines
    sheet: object = object()
    for f in r.findings:  # already in sheet and cell order (see checker.sort_findings)
        if f.sheet != sheet:
            sheet = f.sheet
            lines.append(f"【{f.sheet or NO_PLACE}】")
        lines.append(f"  {f.cell or '':<5} {severity_label(f)} {f.code} {f.name}")
        lines.append(f"        {explanation(f)}")
        lines.append(f"        规则：{f.rule_text}")
        if f.explanation:
            still = "" if f.explained else "（错误仍须改正）"
            lines.append(f"        单位说明{still}：{f.explanation}")
    lines.append(f"小结：{file_line(r)}")
    return lines


def render_text(results: CheckResult | Sequence[CheckResult] | Sequence[Finding]) -> str:
    items = _as_results(results)
    lines: list[str] = []
    for i, r in enumerate(items):
        if i:
            lines.append("")
        lines.extend(render_file(r))
    if len(items) > 1:
        lines.extend(["", *summary_table(items)])
    return "\n".join(lines) + "\n"


def summary_table(items: list[CheckResult]) -> list[str]:
    lines = ["汇总：", f"  {'错误':>4} {'提示':>4}  文件"]
    for r in items:
        if r.readable:
            lines.append(f"  {r.errors:>6} {r.warnings:>6}  {r.file}")
        else:
            lines.append(f"  {'—':>6} {'—':>6}  {r.file}（无法读取）")
    lines.append(total_line(items))
    return lines


def total_line(items: list[CheckResult]) -> str:
    s = summarize(items)
    text = (f"合计：{s.files} 个文件，错误 {s.errors} 处，提示 {s.warnings} 处；"
            f"有错误的文件 {s.files_with_errors} 个")
    if s.unreadable:
        text += f"，无法读取 {s.unreadable} 个"
    return text + "。"


def results_json(results: CheckResult | Sequence[CheckResult] | Sequence[Finding]
                 ) -> dict[str, Any]:
    items = _as_results(results)
    s = summarize(items)
    stats = {"files": s.files, "unreadable": s.unreadable, "errors": s.errors, "warnings": s.warnings}
    explained = sum(r.explained for r in items)
    if explained:
        stats["explained"] = explained
    return {"valid": s.exit_code == 0, "stats": stats, "files": [r.to_json() for r in items]}


def render_json(results: CheckResult | Sequence[CheckResult] | Sequence[Finding]) -> str:
    return json.dumps(results_json(results), ensure_ascii=False, indent=2) + "\n"
