"""giar-xl demo: the whole job on the bundled real 2024 report, into one folder."""

from __future__ import annotations

from itertools import count

import click

from ..examples import load_example
from ..export import FORMAT_NAMES, SUFFIXES, export_report
from ..fileio import make_folder, write_bytes
from ..reader import read_workbook
from ..template import build_workbook
from ..text import readable_path


STEM = "史庄镇-2024"
DEMO_FORMATS = ("html", "docx", "json", "txt")  # what needs no other program


@click.command("demo")
@click.option("-o", "--output", "output", default="giar-demo", show_default=True,
              type=click.Path(file_okay=False), help="输出文件夹")
@click.option("--force", is_flag=True, hidden=True)  # kept for old scripts: the demo always replaces its files
@click.pass_context
def command(ctx: click.Context, output: str, force: bool) -> None:
    """演示：用内置的史庄镇 2024 年报告生成工作簿、读回、校验并导出。

    再次运行时覆盖上次演示生成的文件（只覆盖这几个文件，文件夹中的其他文件不动）。

    \b
    示例：
      giar-xl demo -o 演示/
    """
    from ..checker import CheckResult, check, render_text

    out = make_folder(output)
    book = out / f"{STEM}.xlsx"
    targets = [book] + [out / f"{STEM}{SUFFIXES[fmt]}" for fmt in DEMO_FORMATS]
    again = [p for p in targets if p.exists()]
    if again:
        click.echo(f"文件夹 {readable_path(out)} 中已有上次演示的文件，这次覆盖它们（其他文件不动）。")
    numbers = count(1)

    def step(text: str) -> None:
        click.echo(f"{next(numbers)}. {text}")

    build_workbook(book, load_example(), force=True)
    step(f"已生成标准工作簿并填入内置报告：{readable_path(book)}")
    report = read_workbook(book)
    step("已从工作簿读回全部数字和文字。")
    findings = check(report)
    step("校验结果：")
    click.echo(render_text(CheckResult(file=readable_path(book), findings=findings)).rstrip())
    for fmt, target in zip(DEMO_FORMATS, targets[1:]):
        write_bytes(target, export_report(report, fmt), force=True)
        step(f"已导出{FORMAT_NAMES[fmt]}：{readable_path(target)}")
    click.echo(f"完成。可以用 Excel/WPS 打开 {readable_path(book)}，"
               f"用浏览器打开 {readable_path(out / (STEM + '.html'))}。")
    ctx.exit(0)
