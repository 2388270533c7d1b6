"""The ``giar-xl`` command line: a thin shell over the library.

Each command lives in ``giar_xl/commands/<module>.py`` and exposes ``command``;
modules are imported only when their command runs (``validate`` on one file
starts without loading Word, HTML or county code). ``giar-xl --help`` imports
none of them: each line of its list is the first sentence of the command's
docstring, read from the module's source.
Exit codes (sqlfluff's convention): 0 clean, 1 findings of severity 错误,
2 usage error or unreadable input.
"""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path

import click

from . import __version__
from .click_messages import MESSAGES
from .click_zh import ChineseGroup, chinese, render_error, short_help
from .errors import GiarError

# command name → module in giar_xl.commands
COMMANDS = {
    "template": "template",
    "validate": "validate",
    "export": "export",
    "import": "import_",
    "distribute": "distribute",
    "aggregate": "aggregate",
    "diff": "diff",
    "demo": "demo",
    "serve": "serve",
    "schema": "schema",
}


class LazyGroup(ChineseGroup):
    """Commands load when they run; every one gets the Chinese help and errors of ChineseGroup."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def lookup_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None:
            return None
        return importlib.import_module(f"giar_xl.commands.{module}").command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary(name)) for name in self.list_commands(ctx)]
        with formatter.section(MESSAGES["Commands"]):
            formatter.write_dl(rows)


def summary(name: str) -> str:
    """A command's line in the group's help, without importing its module: the first
    sentence of its ``command`` docstring, as ``click_zh.short_help`` takes it."""
    source = Path(__file__).with_name("commands") / f"{COMMANDS[name]}.py"
    try:
        return short_help(click.Command(name, help=_docstring(source.read_text(encoding="utf-8"))))
    except (OSError, ValueError, SyntaxError):  # not installed as files: import it after all
        return short_help(importlib.import_module(f"giar_xl.commands.{COMMANDS[name]}").command)


def _docstring(source: str) -> str:
    """The docstring of ``def command(…)`` in a module's source."""
    import ast

    body = source[source.index("\ndef command("):]
    start = body.index('"""')
    end = body.index('"""', start + 3)
    return ast.literal_eval(body[start:end + 3])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="giar-xl", help="显示版本号并退出。",
                      message="%(prog)s 版本 %(version)s")
def cli() -> None:
    """政府信息公开工作年度报告工具：生成标准工作簿、校验、导出发布格式。

    每个命令的用法：giar-xl 命令 -h，如 giar-xl validate -h。

    \b
    示例：
      giar-xl template -o 报告.xlsx --agency 某某镇人民政府 --year 2025
      giar-xl validate 报告.xlsx
      giar-xl export 报告.xlsx --to html --to docx
    """


def main(argv: list[str] | None = None) -> None:
    try:
        _main(argv)
    finally:
        if argv is None:  # the program itself (the giar-xl script, python -m giar_xl), ending now:
            gc.freeze()  # the final collection need not visit everything it loaded (some 10 ms)


def _main(argv: list[str] | None) -> None:
    with chinese():
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
            click.echo(render_error(e, program="giar-xl"), err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("已中止。", err=True)
            sys.exit(2)
    sys.exit(rv if isinstance(rv, int) else 0)
