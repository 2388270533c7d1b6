"""Findings for people (Chinese text, grouped by sheet in cell order) and for programs (JSON)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from .findings import CheckResult, Finding, Summary, summarize

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
    pieces: list[str] = []
    write_text(_as_results(results), pieces.append)
    return "".join(pieces)


class _Count:
    """Running totals of a run's files: nothing is kept per file."""

    def __init__(self) -> None:
        self.files = self.unreadable = self.errors = self.warnings = self.with_errors = 0
        self.explained = 0

    def add(self, r: CheckResult) -> None:
        self.files += 1
        if not r.readable:
            self.unreadable += 1
            return
        errors = r.errors
        self.errors += errors
        self.warnings += r.warnings
        self.with_errors += bool(errors)
        self.explained += r.explained

    def summary(self) -> Summary:
        return Summary(self.files, self.unreadable, self.errors, self.warnings, self.with_errors)


def write_text(results: Iterable[CheckResult], write: Callable[[str], Any],
               spool: IO[str] | None = None) -> Summary:
    """``render_text``, written file by file as results arrive; the summary table (one line
    per file) goes to ``spool`` (a temporary file for a batch) meanwhile and is written at
    the end. Returns the totals."""
    spool = io.StringIO() if spool is None else spool
    count = _Count()
    for r in results:
        write(("\n" if count.files else "") + "\n".join(render_file(r)) + "\n")
        spool.write(summary_row(r) + "\n")
        count.add(r)
    s = count.summary()
    if not count.files:
        write("\n")
    if count.files > 1:
        write("\n" + "\n".join(SUMMARY_HEAD) + "\n")
        _copy(spool, write)
        write(total_line(s) + "\n")
    return s


SUMMARY_HEAD = ("汇总：", f"  {'错误':>4} {'提示':>4}  文件")


def summary_row(r: CheckResult) -> str:
    if r.readable:
        return f"  {r.errors:>6} {r.warnings:>6}  {r.file}"
    return f"  {'—':>6} {'—':>6}  {r.file}（无法读取）"


def total_line(s: Summary) -> str:
    text = (f"合计：{s.files} 个文件，错误 {s.errors} 处，提示 {s.warnings} 处；"
            f"有错误的文件 {s.files_with_errors} 个")
    if s.unreadable:
        text += f"，无法读取 {s.unreadable} 个"
    return text + "。"


def _copy(spool: IO[str], write: Callable[[str], Any]) -> None:
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        write(chunk)


def results_json(results: CheckResult | Sequence[CheckResult] | Sequence[Finding]
                 ) -> dict[str, Any]:
    items = _as_results(results)
    return _document(summarize(items), [r.to_json() for r in items], sum(r.explained for r in items))


def _document(s: Summary, files: list[Any], explained: int = 0) -> dict[str, Any]:
    stats = {"files": s.files, "unreadable": s.unreadable, "errors": s.errors, "warnings": s.warnings}
    if explained:
        stats["explained"] = explained
    return {"valid": s.exit_code == 0, "stats": stats, "files": files}


def render_json(results: CheckResult | Sequence[CheckResult] | Sequence[Finding]) -> str:
    pieces: list[str] = []
    write_json(_as_results(results), pieces.append, io.StringIO())
    return "".join(pieces)


_MARK = "\x00files"


def write_json(results: Iterable[CheckResult], write: Callable[[str], Any], spool: IO[str]) -> Summary:
    """``render_json``, file by file: the totals come first in the document, so each file's
    object goes to ``spool`` (a temporary file for a batch) as it arrives, and the document
    is written around it at the end. Same bytes as ``json.dumps(results_json(…), indent=2)``."""
    count = _Count()
    for r in results:
        block = json.dumps(r.to_json(), ensure_ascii=False, indent=2)
        spool.write((",\n" if count.files else "") + "\n".join("    " + line for line in block.split("\n")))
        count.add(r)
    s = count.summary()
    text = json.dumps(_document(s, [_MARK] if count.files else [], count.explained), ensure_ascii=False, indent=2) + "\n"
    if not count.files:
        write(text)
        return s
    head, tail = text.split(f"    {json.dumps(_MARK)}")
    write(head)
    _copy(spool, write)
    write(tail)
    return s
