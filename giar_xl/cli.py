"""The ``giar-xl`` command line: a thin shell over the library.

Each command lives in ``giar_xl/commands/<name>.py`` and exposes ``command``.
Exit codes (sqlfluff's convention): 0 clean, 1 findings of severity 错误,
2 usage error or unreadable input.
"""

from __future__ import annotations

import importlib
import sys

import click

from . import __version__
from .errors import GiarError

COMMAND_MODULES = ["template", "demo", "export", "import_", "validate", "distribute", "aggregate", "diff"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="giar-xl")
def cli() -> None:
    """政府信息公开工作年度报告工具：生成标准工作簿、校验、导出发布格式。"""


for _name in COMMAND_MODULES:
    cli.add_command(importlib.import_module(f"giar_xl.commands.{_name}").command)


def main(argv: list[str] | None = None) -> None:
    try:
        # commands end with ctx.exit(code); in non-standalone mode click returns that code
        rv = cli.main(args=argv, prog_name="giar-xl", standalone_mode=False)
    except GiarError as e:
        click.echo(f"错误：{e}", err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo("已中止。", err=True)
        sys.exit(2)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("已中止。", err=True)
        sys.exit(2)
    sys.exit(rv if isinstance(rv, int) else 0)
