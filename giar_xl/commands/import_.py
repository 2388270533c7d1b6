"""giar-xl import: read a published report (web page, copied text, PDF or Word) into report JSON."""

from __future__ import annotations

import click

from ..fileio import check_writable, write_text
from ..importer import OldFormatReport, format_note, import_report
from ..report import Report
from .template import check_workbook_suffix, write_workbook


def _echo_notes(notes: list[dict], err: bool = False) -> None:
    for n in notes:
        click.echo(format_note(n), err=err)


@click.command("import")
@click.argument("source", type=click.Path(dir_okay=False), metavar="网页或文字文件")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="输出的报告数据（.json）")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False),
              help="同时生成填好数据的标准工作簿（.xlsx；.xlsm 为带“校验”按钮的）")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖")
@click.pass_context
def command(ctx: click.Context, source: str, output: str, xlsx: str | None, force: bool) -> None:
    """读取已发布的年度报告（网页 .html、复制的文字 .txt、PDF 或 Word .docx），转为报告数据。

    导入不了的内容逐条列出位置（PDF 写明第几页第几行），不会悄悄丢弃或猜测。
    扫描件（没有文字层的 PDF）不能读取。有“错误”级别的提示时退出码为 1。详见 docs/import.md。

    \b
    示例：
      giar-xl import 上年报告.html -o 上年.json --xlsx 上年.xlsx
      giar-xl import 上年报告.pdf -o 上年.json
    """
    check_writable(output, force)
    if xlsx:
        check_workbook_suffix(xlsx)
        check_writable(xlsx, force)
    try:
        report = import_report(source)
    except OldFormatReport as e:
        _echo_notes(e.report.meta.get("import_notes", []), err=True)
        raise
    notes = report.meta.get("import_notes", [])
    # the JSON must pass the report schema: checking it here, not at the next command
    Report.from_json(report.to_json(), source=output)
    write_text(output, report.dumps(), force=force)
    if xlsx:
        write_workbook(xlsx, report, force)
    _echo_notes(notes)
    errors = sum(1 for n in notes if n["severity"] == "错误")
    hints = len(notes) - errors
    who = f"{report.agency or '（未识别机关名称）'} {report.year or '（未识别年度）'}年"
    click.echo(f"已导入 {who}的报告：{output}" + (f"，工作簿：{xlsx}" if xlsx else "")
               + (f"；需要核对 {errors} 处错误、{hints} 处提示。" if notes else "；没有需要核对的问题。"))
    ctx.exit(1 if errors else 0)
