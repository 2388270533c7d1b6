"""giar-xl template: write the standard workbook, empty or filled from report JSON."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import GiarError
from ..report import Report, load_json_report
from ..template import build_workbook
from ..text import readable_path

# what a clerk may mean by another suffix: say which command makes it
_ELSEWHERE = {".docx": "Word 文档请用 giar-xl export 导出", ".html": "网页请用 giar-xl export 导出",
              ".json": "报告数据请用 giar-xl export 导出", ".txt": "纯文本请用 giar-xl export 导出",
              ".xls": "旧版 .xls 格式不再使用", ".csv": "CSV 装不下报告的表格和文字"}


def check_workbook_suffix(output: str) -> str:
    """The suffix of a workbook to write (.xlsx or .xlsm); anything else is refused in Chinese."""
    suffix = Path(output).suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        hint = _ELSEWHERE.get(suffix)
        raise GiarError(f"工作簿的扩展名应为 .xlsx（带“校验”按钮的用 .xlsm），实为“{suffix or '无扩展名'}”"
                        + (f"；{hint}" if hint else "") + "。", file=output)
    return suffix


def write_workbook(output: str, report: Report, force: bool) -> str:
    """Write the plain or the macro workbook, as the suffix says; return what was written."""
    if check_workbook_suffix(output) == ".xlsm":
        from ..template.xlsm import build_xlsm

        build_xlsm(output, report, force=force)
        return "带“校验”按钮的工作簿"
    build_workbook(output, report, force=force)
    return "工作簿"




@click.command("template")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="输出的工作簿（.xlsx；.xlsm 为带“校验”按钮的宏工作簿）")
@click.option("--agency", help="机关名称，预先填在封面上")
@click.option("--year", type=click.IntRange(2021, 2100), help="报告年度，如 2025")
@click.option("--data", "data", type=click.Path(dir_okay=False),
              help="用报告数据（JSON）填充工作簿")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖")
@click.pass_context
def command(ctx: click.Context, output: str, agency: str | None, year: int | None,
            data: str | None, force: bool) -> None:
    """生成标准工作簿（2021 年版格式），可预填机关名称、年度，或用报告数据填好。

    \b
    示例：
      giar-xl template -o 报告.xlsx --agency 某某镇人民政府 --year 2025
      giar-xl template -o 报告.xlsm --data 报告.json
    """
    check_workbook_suffix(output)  # before reading --data: a wrong name costs nothing
    report = load_json_report(data) if data else Report.empty()
    if agency is not None:
        report.agency = agency
    if year is not None:
        report.year = year
    what = write_workbook(output, report, force)
    click.echo(f"已生成{what}：{readable_path(output)}")
    ctx.exit(0)
