"""giar-xl demo: the whole job on the bundled real 2024 report, into one folder."""

from __future__ import annotations

from pathlib import Path

import click

from ..examples import load_example
from ..export import FORMAT_NAMES, SUFFIXES, export_report
from ..fileio import make_folder, write_bytes
from ..reader import read_workbook
from ..template import build_workbook


@click.command("demo")
@click.option("-o", "--output", "output", default="giar-demo", show_default=True,
              type=click.Path(file_okay=False), help="输出文件夹")
@click.option("--force", is_flag=True, help="覆盖文件夹中已有的输出")
@click.pass_context
def command(ctx: click.Context, output: str, force: bool) -> None:
    """演示：用内置的史庄镇 2024 年报告生成工作簿、读回、校验并导出。"""
    from ..checker import CheckResult, check, render_text

    out = Path(output)
    make_folder(out)
    book = out / "史庄镇-2024.xlsx"
    build_workbook(book, load_example(), force=force)
    click.echo(f"1. 已生成标准工作簿并填入内置报告：{book}")
    report = read_workbook(book)
    click.echo("2. 已从工作簿读回全部数字和文字。")
    findings = check(report)
    click.echo("3. 校验结果：")
    click.echo(render_text(CheckResult(file=str(book), findings=findings)).rstrip())
    for fmt in ("html", "docx", "json", "txt"):
        target = out / f"史庄镇-2024{SUFFIXES[fmt]}"
        write_bytes(target, export_report(report, fmt), force=force)
        click.echo(f"4. 已导出{FORMAT_NAMES[fmt]}：{target}")
    click.echo(f"完成。可以用 Excel/WPS 打开 {book}，用浏览器打开 {out / '史庄镇-2024.html'}。")
    ctx.exit(0)
