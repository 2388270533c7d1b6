"""giar-xl diff: one unit's report compared with last year's."""

from __future__ import annotations

import click

from ..county.diff import compare, render_html, render_text
from ..fileio import check_writable
from ..inputs import load_report
from . import put_text


@click.command("diff")
@click.argument("last", type=click.Path(dir_okay=False), metavar="上年报告")
@click.argument("this", type=click.Path(dir_okay=False), metavar="本年报告")
@click.option("--format", "fmt", type=click.Choice(["text", "html"]), default="text",
              show_default=True, help="输出格式：text 文字；html 网页")
@click.option("--changed-only", is_flag=True, help="只列出有变化的数字")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件（默认输出到屏幕）")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖")
@click.pass_context
def command(ctx: click.Context, last: str, this: str, fmt: str, changed_only: bool,
            output: str | None, force: bool) -> None:
    """对比同一单位上年和本年的报告：每个数字的变化、每部分文字的相似度。

    两份报告都可以是工作簿（.xlsx/.xlsm）或报告数据（.json）。

    \b
    示例：
      giar-xl diff 上年.xlsx 本年.xlsx --changed-only
      giar-xl diff 上年.xlsx 本年.xlsx --format html -o 对比.html
    """
    if output:
        check_writable(output, force)
    comparison = compare(load_report(last), load_report(this))
    render = render_html if fmt == "html" else render_text
    text = render(comparison, only_changed=changed_only)
    put_text(text, output, force, "对比结果已写入")
    ctx.exit(0)
