"""giar-xl aggregate: county totals of tables 二–四, the summary workbook and an HTML overview."""

from __future__ import annotations

from pathlib import Path

import click

from ..county.aggregate import aggregate, county_report
from ..county.identity import UnitIndex
from ..county.mapping import read_mapping
from ..county.overview import html_path_for, overview_html
from ..county.summary import summarise
from ..county.summary_book import county_workbook
from ..county.table import conflict_lines, file_lines, unit_lines
from ..county.units import read_units
from ..errors import GiarError, UnreadableInput
from ..fileio import check_writable, write_bytes, write_text
from ..text import readable_path


@click.command("aggregate")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True),
                metavar="文件或文件夹...")
@click.option("--units", "units_file", type=click.Path(dir_okay=False),
              help="单位名单（CSV 或 .xlsx）：逐个单位列出已交、未交、冲突等；名单外的单位不计入")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False),
              help="对应表（CSV 或 .xlsx，列：文件、单位、处理、说明）：写明线索不一致的文件是哪个单位的；"
                   "须同时给 --units")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="汇总工作簿（.xlsx）；同名 .html 概览页写在旁边")
@click.option("--year", type=click.IntRange(2021, 2100),
              help="汇总年度（默认取多数单位的报告年度）；其他年度的报告不计入")
@click.option("--name", help="汇总单位名称，写在汇总表上，如“某某县”")
@click.option("--previous", "previous_file", type=click.Path(dir_okay=False),
              help="上年的汇总工作簿：与上年对比主要数字和指标")
@click.option("--include-errors", is_flag=True,
              help="有“错误”的单位也计入汇总（汇总表中列出是哪些单位）")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖")
@click.option("-j", "--jobs", type=click.IntRange(1, 256),
              help="同时读取和校验的进程数（默认为本机处理器核数；文件少时在本进程中处理）")
@click.pass_context
def command(ctx: click.Context, sources: tuple[str, ...], units_file: str | None,
            mapping_file: str | None, output: str, year: int | None, name: str | None,
            previous_file: str | None, include_errors: bool, force: bool, jobs: int | None) -> None:
    """汇总各单位工作簿（或报告 JSON）的表二至表四，生成汇总工作簿和概览页。

    汇总工作簿第一页是“汇总表”，其后是各单位情况、指标、按单位类型小计、与上年对比、
    发布情况、收到的文件，以及标准格式的汇总数据；旁边生成同名 .html 概览页。
    每个文件按下发时的记录、文件名、封面机关名称认定单位，线索不一致的不计入。
    有“错误”的单位默认不计入，加 --include-errors 才计入；--force 只管覆盖输出文件。

    退出码：0 全部单位已交且无错误；1 有单位未交、有错误、冲突或未计入；2 有文件无法读取。

    \b
    示例：
      giar-xl aggregate 回收/ --units 名单.csv --name 某某县 -o 汇总.xlsx
    """
    out = Path(output)
    if out.suffix.lower() != ".xlsx":
        raise GiarError("汇总工作簿的扩展名应为 .xlsx。", file=output)
    if mapping_file and not units_file:
        raise GiarError("--mapping 须与 --units 一起使用：对应表写的是名单中的单位。")
    html = html_path_for(out)
    for p in (out, html):  # fail before a long run, not after it
        check_writable(p, force)
    index = UnitIndex(read_units(units_file), extra_prefixes=(name,) if name else ()) if units_file else None
    mapping = read_mapping(mapping_file, index) if mapping_file and index is not None else None
    previous = _read_previous(previous_file) if previous_file else None
    exclude = (out, html) + tuple(Path(p) for p in (units_file, mapping_file, previous_file) if p)
    agg = aggregate(list(sources), units=index, year=year, include_errors=include_errors,
                    mapping=mapping, exclude=exclude, name=name, jobs=jobs)
    agg.previous, agg.previous_source = previous, readable_path(Path(previous_file).name) if previous_file else None
    report = county_report(agg)
    summary = summarise(agg)
    write_bytes(out, county_workbook(report, summary, agg.view.files), force=force)
    write_text(html, overview_html(report, agg, summary), force=force)

    click.echo(f"已汇总 {agg.totals.units} 个单位（{agg.year or '年度未知'} 年度）：{readable_path(out)}")
    click.echo(f"概览页：{readable_path(html)}")
    click.echo("\n".join(unit_lines(agg.view, counted_column=True)))
    for block in (conflict_lines(agg.view), file_lines(agg.view)):
        if block:
            click.echo("\n".join(block))
    refused = [u for u in agg.view.units if u.status == "有错误" and not u.counted]
    if refused:
        click.echo(f"有错误的单位未计入汇总（{len(refused)} 个）；改正后重新汇总，或加 --include-errors 计入。")
    ctx.exit(agg.exit_code)


def _read_previous(path: str):
    from ..commands.validate import read_report

    p = Path(path)
    if not p.exists():
        raise UnreadableInput("--previous 给的上年汇总工作簿不存在。", file=readable_path(p))
    report = read_report(p)
    if not (isinstance(report.meta, dict) and isinstance(report.meta.get("aggregate"), dict)):
        click.echo(f"注意：{readable_path(p)} 不是 giar-xl 生成的汇总工作簿，按其中的数字作为上年全县数字。",
                   err=True)
    return report
