"""giar-xl demo: the whole job on the bundled real 2024 report, into one folder."""

from __future__ import annotations

from pathlib import Path

import click

from ..examples import load_example
from ..fileio import write_text
from ..reader import read_workbook
from ..template import build_workbook


@click.command("demo")
@click.option("-o", "--output", "output", default="giar-demo", show_default=True,
              type=click.Path(file_okay=False), help="输出文件夹")
@click.option("--force", is_flag=True, help="覆盖文件夹中已有的输出")
@click.pass_context
def command(ctx: click.Context, output: str, force: bool) -> None:
    """演示：用内置的史庄镇 2024 年报告生成、读取、校验并导出。"""
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    report = load_example()
    book = out / "史庄镇-2024.xlsx"
    build_workbook(book, report, force=force)
    click.echo(f"1. 已生成并填好工作簿：{book}")
    back = read_workbook(book)
    data = out / "史庄镇-2024.json"
    write_text(data, back.dumps(), force=force)
    click.echo(f"2. 已从工作簿读回报告数据：{data}")
    ctx.exit(0)
