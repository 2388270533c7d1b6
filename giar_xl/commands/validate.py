"""giar-xl validate: check filled workbooks or report JSON documents against the rule catalogue."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import click

from ..batch import WorkerDied, map_files
from ..checker import check
from ..checker.findings import CheckResult, Summary
from ..checker.render import write_json, write_text
from ..county.match import LastYear, PreviousResolver, iter_inputs, junk_reason
from ..errors import GiarError, UnreadableInput
from ..fileio import atomic_path, check_writable
from ..inputs import load_report
from ..report import Report
from ..text import readable_path
from . import put_text

PROGRESS_FROM = 5  # files; fewer finish before a bar would be worth drawing


def _reason(e: GiarError) -> str:
    where = "，".join(x for x in (f"工作表“{e.sheet}”" if e.sheet else "",
                                  f"单元格 {e.cell}" if e.cell else "",
                                  f"字段 {e.field}" if e.field else "") if x)
    return (where + "：" if where else "") + e.message


def read_report(path: str | Path) -> Report:
    """``load_report``, with any failure of a damaged file as ``UnreadableInput`` (never a traceback)."""
    try:
        return load_report(path)
    except GiarError:
        raise
    except Exception as e:  # a damaged file must not stop a batch of 500
        raise UnreadableInput(f"文件已损坏或格式异常，无法读取（{type(e).__name__}: {e}）。",
                              file=str(path)) from None


def read_previous(path: str | Path | None) -> tuple[Report | None, str | None]:
    """Last year's report, or why it cannot be read: a bad last-year file is a finding on
    this year's report (Y06), never the end of the run."""
    if path is None:
        return None, None
    try:
        return read_report(path), None
    except GiarError as e:
        return None, f"{readable_path(e.file or path)}：{_reason(e)}"


def check_file(path: str, previous: Report | None,
               resolve: Callable[[Report, str], Report | None] | None = None,
               previous_error: str | None = None) -> CheckResult:
    """One file's result; a file that cannot be read becomes a result, not an exception.

    ``resolve`` picks last year's report per file (``--previous`` given a folder).
    Shared by the command line and ``giar-xl serve``.
    """
    try:
        report = read_report(path)
    except GiarError as e:
        return CheckResult(readable_path(path), error=_reason(e))
    if resolve is not None:
        previous = resolve(report, path)
    return check_loaded(report, path, previous, previous_error)


def check_loaded(report: Report, path: str | Path, previous: Report | None,
                 previous_error: str | None = None) -> CheckResult:
    """The result for a report already read (the county's per-file work reads it first)."""
    shown = readable_path(path)  # a GBK name from a Windows zip is shown decoded
    return CheckResult(shown, check(report, previous, previous_error=previous_error))


class FileCheck:
    """``check_file`` with this run's last-year settings, sent once to each worker process.

    With ``--previous DIR`` each call looks last year's report up (``PreviousResolver.lookup``)
    and hands back what it matched, or why not, for the parent to record in file order.
    """

    def __init__(self, previous: Report | None, resolve: PreviousResolver | None,
                 previous_error: str | None):
        self.previous, self.resolve, self.previous_error = previous, resolve, previous_error

    def __call__(self, path: str) -> tuple[CheckResult, LastYear | None]:
        if self.resolve is None:
            return check_file(path, self.previous, None, self.previous_error), None
        try:
            report = read_report(path)
        except GiarError as e:
            return CheckResult(readable_path(path), error=_reason(e)), None
        last, found = self.resolve.lookup(report, path)
        return check_loaded(report, path, last, self.previous_error), found


def check_failed(path: str | Path, e: BaseException) -> str:
    """Why a file has no result: its worker died, or the checker failed on it (a bug on an
    odd file). The clerk reads Chinese; the detail goes to stderr for whoever fixes it."""
    if isinstance(e, WorkerDied):
        return str(e)
    print(f"giar-xl：{readable_path(path)}：程序内部错误（供技术人员排查）：{type(e).__name__}: {e}",
          file=sys.stderr)
    return "校验程序处理此文件时出错，未能校验（请把此文件转给技术人员）"


def _check_failed(path: str, e: BaseException) -> tuple[CheckResult, None]:
    return CheckResult(readable_path(path), error=check_failed(path, e)), None


def _with_progress(results: Iterator[Any], total: int) -> Iterator[Any]:
    if total >= PROGRESS_FROM and sys.stderr.isatty():
        with click.progressbar(results, length=total, label="正在校验", file=sys.stderr,
                               item_show_func=lambda r: r[0].file if r else "") as bar:
            yield from bar
    else:
        yield from results


def check_files(paths: list[str], previous: Report | None, resolve: PreviousResolver | None,
                previous_error: str | None, jobs: int | None) -> Iterator[CheckResult]:
    """Every file's result in the order given, as the worker processes finish them
    (``batch.map_files``); last year's matches are recorded in ``resolve``."""
    done = map_files(FileCheck(previous, resolve, previous_error), paths, jobs, on_error=_check_failed)
    for path, (result, found) in zip(paths, _with_progress(done, len(paths))):
        if resolve is not None and found is not None:
            resolve.record(path, found)
        yield result


def write_results(results: Iterable[CheckResult], fmt: str, output: str | None, force: bool,
                  many: bool) -> Summary:
    """Results written as they come: to the screen, or to ``output`` by a rename at the end
    (Ctrl-C leaves nothing behind). The summary table (text) or every file's object (JSON)
    waits in a spool, a temporary file when there are ``many``, until the totals are known."""
    with contextlib.ExitStack() as stack:
        if output:
            out = stack.enter_context(open(stack.enter_context(atomic_path(output, force)), "w",
                                           encoding="utf-8", newline="\n"))
            write: Callable[[str], Any] = out.write
        else:
            write = lambda text: click.echo(text, nl=False)  # noqa: E731
        spool: IO[str] = io.StringIO()
        if many:
            import tempfile

            spool = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n"))
        return (write_json if fmt == "json" else write_text)(results, write, spool)


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="文件或文件夹...")
@click.option("--previous", "previous_path", type=click.Path(),
              help="上年的工作簿或报告数据，用于检查与上年的衔接：上年结转、现行有效件数、内容雷同。"
                   "给文件夹时，按机关名称（其次按文件名）为每个文件找上年报告")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="输出格式：text 中文文字；json 机器可读（格式见 giar-xl schema findings）")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="把结果写入文件（默认输出到屏幕）")
@click.option("--annotate", "annotate_path", type=click.Path(dir_okay=False),
              help="另存一份副本：加一张“校验结果”工作表，有问题的单元格涂色；原文件不变，WPS 用户适用")
@click.option("--units", "units_file", type=click.Path(dir_okay=False),
              help="县级：单位名单（CSV 或 .xlsx）。逐个单位列出已交、未交、有错误、冲突等，"
                   "按下发记录、文件名、封面机关名称认定每个文件是哪个单位的")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False),
              help="县级：对应表（CSV 或 .xlsx，列：文件、单位、处理、说明），写明线索不一致的文件"
                   "是哪个单位的；须同时给 --units")
@click.option("--year", type=click.IntRange(2021, 2100),
              help="县级：本次的报告年度（默认取多数文件的年度）；其他年度的文件列为年度不符")
@click.option("--annotate-dir", "annotate_dir", type=click.Path(file_okay=False),
              help="县级：为每个要退回的单位写带校验结果的副本和退回意见（Word），"
                   "并写一份催报退回清单（.xlsx）到这个文件夹")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖")
@click.option("-j", "--jobs", type=click.IntRange(1, 256),
              help="同时校验的进程数（默认为本机处理器核数；文件少时在本进程中校验）")
@click.pass_context
def command(ctx: click.Context, files: tuple[str, ...], previous_path: str | None, fmt: str,
            output: str | None, annotate_path: str | None, units_file: str | None,
            mapping_file: str | None, year: int | None, annotate_dir: str | None, force: bool,
            jobs: int | None) -> None:
    """校验填好的工作簿（.xlsx/.xlsm）或报告数据（.json），一次列出全部问题。

    给文件夹时逐个校验其中的文件（Excel 临时文件、Thumbs.db 等自动跳过）。
    县里给 --units 时，另按单位名单逐个单位列出报送情况；--annotate-dir 写出退回材料。

    退出码：0 没有错误；1 有“错误”级问题（给 --units 时，或有单位未交、冲突等）；
    2 用法错误或文件无法读取。

    \b
    示例：
      giar-xl validate 报告.xlsx --previous 上年报告.xlsx
      giar-xl validate 回收/ --units 单位名单.csv --annotate-dir 退回/
    """
    if output:
        check_writable(output, force)  # before a long batch, not after it
    resolve = PreviousResolver([previous_path]) if previous_path and Path(previous_path).is_dir() else None
    if previous_path and not Path(previous_path).exists():  # a typo: nothing to report on
        raise UnreadableInput("--previous 给的上年文件不存在。", file=readable_path(previous_path))
    previous, previous_error = read_previous(previous_path if resolve is None else None)
    # folders are checked file by file; what Excel, Word and the system leave there is skipped
    paths: list[str] = []
    skipped: list[Path] = []
    for f in iter_inputs(files):  # a path at a time: a batch of 10,000 keeps only strings
        if junk_reason(f):
            skipped.append(f)
        else:
            paths.append(str(f))
    paths = paths or list(files)
    if annotate_path and (len(paths) != 1 or Path(paths[0]).suffix.lower() not in (".xlsx", ".xlsm")):
        raise GiarError("--annotate 只能用于单个工作簿（.xlsx 或 .xlsm）。")
    if annotate_path:
        from ..annotate import check_target

        check_target(paths[0], annotate_path, force)
    if units_file or mapping_file or annotate_dir:
        from ..county.batch import validate_units

        batch = validate_units([Path(f) for f in paths], sources=files, units_file=units_file,
                               mapping_file=mapping_file,
                               year=year, previous=previous, resolver=resolve,
                               previous_error=previous_error, annotate_dir=annotate_dir, force=force,
                               jobs=jobs)
        first = batch.results[:1]
        text = batch.json() if fmt == "json" else batch.text()  # the units' view needs every file
        put_text(text, output, force)  # "已写入" is said below, as for the streamed results
        exit_code = batch.exit_code
    else:
        batch = None
        first: list[CheckResult] = []  # the one file's findings, for --annotate

        def results() -> Iterator[CheckResult]:
            for r in check_files(paths, previous, resolve, previous_error, jobs):
                if not first:
                    first.append(r)
                yield r

        exit_code = write_results(results(), fmt, output, force, many=len(paths) > 1).exit_code
    if output:
        click.echo(f"校验结果已写入：{readable_path(output)}", err=True)
    if resolve is not None:
        click.echo("\n".join(resolve.summary_lines()), err=True)
    if skipped:
        names = "、".join(readable_path(f.name) for f in skipped[:5])
        more = f" 等 {len(skipped)} 个" if len(skipped) > 5 else ""
        click.echo(f"已跳过不是报告的文件：{names}{more}（系统或 Office 留下的临时文件）。", err=True)
    if annotate_path and first[0].readable:
        from ..annotate import annotate

        annotate(paths[0], first[0].findings, annotate_path, force=force)
        click.echo(f"已另存带校验结果的副本：{readable_path(annotate_path)}", err=True)
    if batch is not None and annotate_dir:
        click.echo(f"已写出退回材料 {len(batch.written)} 个文件（退回意见、带校验结果的副本、催报退回清单）："
                   f"{readable_path(annotate_dir)}", err=True)
    ctx.exit(exit_code)
