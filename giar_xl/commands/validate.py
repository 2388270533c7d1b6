"""giar-xl validate: check filled workbooks or report JSON documents against the rule catalogue."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from ..checker import check, render_json, render_text, summarize
from ..checker.findings import CheckResult
from ..county.match import PreviousResolver, expand_inputs, junk_reason
from ..errors import GiarError, UnreadableInput
from ..fileio import check_writable, write_text
from ..inputs import load_report
from ..report import Report
from ..text import readable_path

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


def _with_progress(files: list[str]) -> Iterable[str]:
    if len(files) >= PROGRESS_FROM and sys.stderr.isatty():
        with click.progressbar(files, label="正在校验", file=sys.stderr,
                               item_show_func=lambda f: f or "") as bar:
            yield from bar
    else:
        yield from files


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
@click.pass_context
def command(ctx: click.Context, files: tuple[str, ...], previous_path: str | None, fmt: str,
            output: str | None, annotate_path: str | None, units_file: str | None,
            mapping_file: str | None, year: int | None, annotate_dir: str | None, force: bool) -> None:
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
    found = expand_inputs(files)
    skipped = [f for f in found if junk_reason(f)]
    paths = [str(f) for f in found if not junk_reason(f)] or list(files)
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
                               previous_error=previous_error, annotate_dir=annotate_dir, force=force)
        results = batch.results
        text = batch.json() if fmt == "json" else batch.text()
    else:
        batch = None
        results = [check_file(f, previous, resolve, previous_error) for f in _with_progress(paths)]
        text = render_json(results) if fmt == "json" else render_text(results)
    if output:
        write_text(output, text, force=force)
        click.echo(f"校验结果已写入：{readable_path(output)}", err=True)
    else:
        click.echo(text, nl=False)
    if resolve is not None:
        click.echo("\n".join(resolve.summary_lines()), err=True)
    if skipped:
        names = "、".join(readable_path(f.name) for f in skipped[:5])
        more = f" 等 {len(skipped)} 个" if len(skipped) > 5 else ""
        click.echo(f"已跳过不是报告的文件：{names}{more}（系统或 Office 留下的临时文件）。", err=True)
    if annotate_path and results[0].readable:
        from ..annotate import annotate

        annotate(paths[0], results[0].findings, annotate_path, force=force)
        click.echo(f"已另存带校验结果的副本：{readable_path(annotate_path)}", err=True)
    if batch is not None and annotate_dir:
        click.echo(f"已写出退回材料 {len(batch.written)} 个文件（退回意见、带校验结果的副本、催报退回清单）："
                   f"{readable_path(annotate_dir)}", err=True)
    ctx.exit(batch.exit_code if batch is not None else summarize(results).exit_code)
