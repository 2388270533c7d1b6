"""Findings for people (Chinese text, grouped by sheet in cell order) and for programs (JSON)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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
    return f"错误 {r.errors} 处，提示 {r.warnings} 处。"


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
        lines.append(f"  {f.cell or '':<5} {f.severity} {f.code} {f.name}")
        lines.append(f"        {explanation(f)}")
        lines.append(f"        规则：{f.rule_text}")
    lines.append(f"小结：{file_line(r)}")
    return lines


def render_text(results: CheckResult | Sequence[CheckResult] | Sequence[Finding]) -> str:
    pieces: list[str] = []
    write_text(_as_results(results), pieces.append)
    return "".join(pieces)


@dataclass(frozen=True)
class Tally:
    """One file as the summary table and the totals count it (its findings already written)."""

    file: str
    readable: bool
    errors: int
    warnings: int

    @classmethod
    def of(cls, r: CheckResult) -> Tally:
        return cls(r.file, r.readable, r.errors, r.warnings)


def write_text(results: Iterable[CheckResult], write: Callable[[str], Any]) -> Summary:
    """``render_text``, written file by file as results arrive, the summary table at the end
    (one line per file); returns the totals."""
    tallies: list[Tally] = []
    for r in results:
        write(("\n" if tallies else "") + "\n".join(render_file(r)) + "\n")
        tallies.append(Tally.of(r))
    if not tallies:
        write("\n")
    if len(tallies) > 1:
        write("\n" + "\n".join(summary_table(tallies)) + "\n")
    return summarize(tallies)  # type: ignore[arg-type]


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
    return _document(summarize(items), [r.to_json() for r in items])


def _document(s: Summary, files: list[Any]) -> dict[str, Any]:
    return {"valid": s.exit_code == 0,
            "stats": {"files": s.files, "unreadable": s.unreadable, "errors": s.errors,
                      "warnings": s.warnings},
            "files": files}


def render_json(results: CheckResult | Sequence[CheckResult] | Sequence[Finding]) -> str:
    pieces: list[str] = []
    write_json(_as_results(results), pieces.append, io.StringIO())
    return "".join(pieces)


_MARK = "\x00files"


def write_json(results: Iterable[CheckResult], write: Callable[[str], Any], spool: IO[str]) -> Summary:
    """``render_json``, file by file: the totals come first in the document, so each file's
    object goes to ``spool`` (a temporary file for a batch) as it arrives, and the document
    is written around it at the end. Same bytes as ``json.dumps(results_json(…), indent=2)``."""
    tallies: list[Tally] = []
    for r in results:
        block = json.dumps(r.to_json(), ensure_ascii=False, indent=2)
        spool.write((",\n" if tallies else "") + "\n".join("    " + line for line in block.split("\n")))
        tallies.append(Tally.of(r))
    s = summarize(tallies)  # type: ignore[arg-type]
    text = json.dumps(_document(s, [_MARK] if tallies else []), ensure_ascii=False, indent=2) + "\n"
    if not tallies:
        write(text)
        return s
    head, tail = text.split(f"    {json.dumps(_MARK)}")
    write(head)
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        write(chunk)
    write(tail)
    return s
