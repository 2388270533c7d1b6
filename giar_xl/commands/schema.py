"""giar-xl schema: print the JSON Schema of report data or of validate's JSON results."""

from __future__ import annotations

import click

from ..schema import SCHEMA_FILES, packaged_schema
from . import put_text


@click.command("schema")
@click.argument("name", type=click.Choice(list(SCHEMA_FILES)), metavar="{report|findings}")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件（默认输出到屏幕）")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖")
@click.pass_context
def command(ctx: click.Context, name: str, output: str | None, force: bool) -> None:
    """输出数据格式说明（JSON Schema），供信息系统对接时校验数据。

    report：报告数据（.json）的格式；findings：validate --format json 输出的校验结果格式。

    \b
    示例：
      giar-xl schema findings -o findings.schema.json
    """
    text = packaged_schema(name)
    put_text(text, output, force, f"已写入 {SCHEMA_FILES[name]}")
    ctx.exit(0)
