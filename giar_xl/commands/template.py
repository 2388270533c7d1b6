"""giar-xl template: write the standard workbook, empty or filled from report JSON."""

from __future__ import annotations

import click

from ..report import Report, load_json_report
from ..template import build_workbook


@click.command("template")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="输出的工作簿路径（.xlsx）")
@click.option("--agency", help="机关名称，预先填在封面上")
@click.option("--year", type=click.IntRange(2021, 2100), help="报告年度，如 2025")
@click.option("--data", "data", type=click.Path(dir_okay=False),
              help="用报告数据（JSON）填充工作簿")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖")
@click.pass_context
def command(ctx: click.Context, output: str, agency: str | None, year: int | None,
            data: str | None, force: bool) -> None:
    """生成标准工作簿（2021 年版格式）。"""
    report = load_json_report(data) if data else Report.empty()
    if agency is not None:
        report.agency = agency
    if year is not None:
        report.year = year
    build_workbook(output, report, force=force)
    click.echo(f"已生成工作簿：{output}")
    ctx.exit(0)
