"""giar-xl aggregate: county totals of tables 二–四, a status sheet and an HTML overview."""

from __future__ import annotations

from pathlib import Path

import click

from ..county.aggregate import (DUPLICATE, FORCED, MISSING, OTHER_YEAR, REFUSED, UNREADABLE,
                                aggregate, county_report)
from ..county.overview import county_workbook, html_path_for, overview_html
from ..county.units import read_units
from ..errors import GiarError
from ..fileio import check_writable, write_bytes, write_text
from ..text import readable_path

SHOWN = 30


@click.command("aggregate")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True),
                metavar="文件或文件夹...")
@click.option("--units", "units_file", type=click.Path(dir_okay=False),
              help="单位名单（CSV 或 .xlsx）：据此列出未交的单位")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="汇总工作簿（.xlsx）；同名 .html 概览页写在旁边")
@click.option("--year", type=click.IntRange(2021, 2100),
              help="汇总年度（默认取多数单位的报告年度）；其他年度的报告不计入")
@click.option("--name", help="汇总单位名称，写在封面，如“某某县”")
@click.option("--force", is_flag=True,
              help="有“错误”的单位也计入汇总（并在报送情况中列出）；并覆盖已存在的输出文件")
@click.option("-j", "--jobs", type=click.IntRange(1, 256),
              help="同时读取和校验的进程数（默认为本机处理器核数；文件少时在本进程中处理）")
@click.pass_context
def command(ctx: click.Context, sources: tuple[str, ...], units_file: str | None, output: str,
            year: int | None, name: str | None, force: bool, jobs: int | None) -> None:
    """汇总各单位工作簿（或报告 JSON）的表二至表四，生成标准格式的汇总工作簿。

    汇总工作簿另含“汇总情况”工作表（各单位的文件、错误数、提示数、已交/未交），
    并在旁边生成同名 .html 概览页。有“错误”的单位默认不计入汇总，加 --force 才计入。
    无法读取的文件不会中断汇总，会列出原因。

    退出码：0 全部单位已交且无错误；1 有单位未交、有错误或未计入；2 有文件无法读取。

    \b
    示例：
      giar-xl aggregate 回收/ --units 单位名单.csv -o 全县汇总.xlsx
    """
    out = Path(output)
    if out.suffix.lower() != ".xlsx":
        raise GiarError("汇总工作簿的扩展名应为 .xlsx。", file=output)
    html = html_path_for(out)
    for p in (out, html):  # fail before a long run, not after it
        check_writable(p, force)
    units = read_units(units_file) if units_file else None
    exclude = (out, html) + ((Path(units_file),) if units_file else ())
    agg = aggregate(list(sources), units=units, year=year, force=force, exclude=exclude, jobs=jobs)
    report = county_report(agg, name)
    write_bytes(out, county_workbook(report, agg), force=force)
    write_text(html, overview_html(report, agg), force=force)

    click.echo(f"已汇总 {agg.totals.units} 个单位（{agg.year or '年度未知'} 年度）：{readable_path(out)}")
    click.echo(f"概览页：{readable_path(html)}")
    for state in (REFUSED, FORCED, OTHER_YEAR, DUPLICATE, UNREADABLE, MISSING):
        rows = [r for r in agg.rows if r.state == state]
        if not rows:
            continue
        click.echo(f"{state}（{len(rows)} 个）：")
        for r in rows[:SHOWN]:
            who = r.unit or Path(r.file or "").name
            where = f"（{Path(r.file).name}）" if r.file and r.unit else ""
            click.echo(f"  - {who}{where}：{r.note}" if r.note else f"  - {who}{where}")
        if len(rows) > SHOWN:
            click.echo(f"  …… 另有 {len(rows) - SHOWN} 个，见汇总工作簿的“汇总情况”表")
    if agg.count(REFUSED):
        click.echo("有错误的单位未计入汇总；改正后重新汇总，或加 --force 计入。")
    ctx.exit(agg.exit_code)
