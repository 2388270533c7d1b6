"""giar-xl distribute: one prefilled workbook per unit of the county."""

from __future__ import annotations

from pathlib import Path

import click

from ..county.distribute import distribute
from ..county.match import PreviousIndex
from ..county.units import read_units
from ..errors import GiarError
from ..fileio import check_folder
from ..text import readable_path

SHOWN = 20  # longer lists are cut, with a count of the rest


def _list(title: str, lines: list[str]) -> None:
    if not lines:
        return
    click.echo(f"{title}（{len(lines)} 个）：")
    for line in lines[:SHOWN]:
        click.echo(f"  - {line}")
    if len(lines) > SHOWN:
        click.echo(f"  …… 另有 {len(lines) - SHOWN} 个未列出")


@click.command("distribute")
@click.argument("units_file", metavar="单位名单", type=click.Path(dir_okay=False))
@click.option("--year", required=True, type=click.IntRange(2021, 2100), help="报告年度，如 2025")
@click.option("-o", "--output", "output", required=True, type=click.Path(file_okay=False),
              help="输出文件夹（每个单位一个工作簿）")
@click.option("--previous", "previous", multiple=True, type=click.Path(exists=True),
              help="上年各单位的工作簿或报告数据（文件夹或文件，可重复）：预填上年结转，并保留上年数字供衔接检查")
@click.option("--force", is_flag=True, help="覆盖输出文件夹中的同名工作簿")
@click.pass_context
def command(ctx: click.Context, units_file: str, year: int, output: str,
            previous: tuple[str, ...], force: bool) -> None:
    """按单位名单为每个单位生成预填的标准工作簿。

    单位名单可以是 CSV（UTF-8 或 GBK 编码，Excel 直接另存的即可）或 .xlsx：第 1 行表头含
    “单位名称”（可另有“单位编码”“上年名称”列），或只有一列单位名称。工作簿以单位名称命名。

    \b
    示例：
      giar-xl distribute 单位名单.csv --year 2025 -o 下发/ --previous 上年/
    """
    check_folder(output, create_ok=True)  # before reading last year's folder, not after it
    units = read_units(units_file)
    index = None
    if previous:
        index = PreviousIndex.scan(previous)
        if not index.entries:
            raise GiarError("--previous 中没有可读取的上年报告（.xlsx、.xlsm 或 .json）。",
                            file=", ".join(previous))
    result = distribute(units, year, Path(output), previous=index, force=force)
    click.echo(f"已为 {len(result.outcomes)} 个单位生成 {year} 年度工作簿：{readable_path(output)}")
    if index is not None:
        carried = [o for o in result.outcomes if o.carried]
        click.echo(f"已从上年报告预填“上年结转”：{len(carried)} 个单位")
        _list("按文件名或上年名称对应上年报告（机关名称不同，请核对）",
              [f"{o.unit.name} ← {readable_path(o.match.entry.path.name)}（{o.match.how}；上年机关名称“{o.match.entry.agency or '空'}”）"
               for o in carried if o.match.how != "机关名称"])
        _list("没有找到上年报告（上年结转按 0 预填，请单位自行填写）",
              [f"{o.unit.name}：{o.match.problem}" for o in result.outcomes if not o.carried])
        _list("上年报告没有对应到名单中的任何单位",
              [f"{readable_path(e.path.name)}（{e.agency or '机关名称为空'}）" for e in result.unused_previous])
        _list("无法读取的上年文件", [f"{readable_path(p.name)}：{why}" for p, why in result.unreadable_previous])
        _list("需要核对", [f"{o.unit.name}：{n}" for o in result.outcomes for n in o.notes])
    ctx.exit(0)
