"""click in Chinese: its messages, its help pages and its usage errors.

click marks its messages for gettext (``from gettext import gettext as _`` in each of its
modules) and calls ``_`` when a message is shown. While a giar-xl command runs
(``chinese()``), those calls answer from the catalogue in ``click_messages``; outside it,
click speaks as before. A test compares the catalogue with every message in the installed
click, so a click upgrade that adds one fails the build instead of showing English to a clerk.

What gettext does not cover is done by the classes every command gets through the group
(``ChineseGroup.get_command`` → ``localise``): metavars (FILE, PATH, TEXT, INTEGER, [OPTIONS],
COMMAND [ARGS]...), ranges ("2021<=x<=2100" → "2021 至 2100"), choices, the names in
"File '…' is a directory", the help formatter (display columns and Chinese line breaking,
``cjk_wrap``) and error messages with Chinese punctuation (``render_error``).
"""

from __future__ import annotations

import contextlib
import gettext
import importlib
import inspect
import re
import sys
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import Any

import click
from click.exceptions import MissingParameter, NoArgsIsHelpError, NoSuchCommand, NoSuchOption

from .cjk_wrap import join_lines, paragraphs, text_width, wrap
from .click_messages import MESSAGES, PLURALS

CLICK_MODULES = ("core", "exceptions", "types", "parser", "formatting", "decorators", "termui",
                 "utils", "_termui_impl", "shell_completion", "_winconsole")

_ACTIVE: ContextVar[bool] = ContextVar("giar_xl_chinese", default=False)
_INSTALLED = False


def translate(message: str) -> str:
    if _ACTIVE.get():
        return MESSAGES.get(message, message)
    return gettext.gettext(message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    if _ACTIVE.get() and (singular, plural) in PLURALS:
        one, many = PLURALS[(singular, plural)]
        return one if n == 1 else many
    return gettext.ngettext(singular, plural, n)


def _install() -> None:
    """Point the gettext names in click's modules at ``translate`` (once per process)."""
    global _INSTALLED
    if _INSTALLED:
        return
    for name in CLICK_MODULES:
        if name == "_winconsole" and sys.platform != "win32":
            continue  # Windows only: it refuses to be imported elsewhere
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural
    _INSTALLED = True


@contextlib.contextmanager
def chinese() -> Iterator[None]:
    """click speaks Chinese inside this block (and only there)."""
    _install()
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


# ------------------------------------------------------------------ help pages
class ChineseHelpFormatter(click.HelpFormatter):
    """click's help page measured in display columns and wrapped the Chinese way."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = MESSAGES["Usage:"] if prefix is None else prefix
        head = f"{' ' * self.current_indent}{prefix}{prog}"
        if not args:
            self.write(head + "\n")
            return
        hang = " " * min(text_width(head) + 1, self.width // 2)
        for line in wrap(args, self.width, initial_indent=head + " ", subsequent_indent=hang):
            self.write(line + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{heading}：\n")

    def _text_lines(self, text: str, width: int, indent: str) -> list[str]:
        lines: list[str] = []
        for i, (keep, para) in enumerate(paragraphs(text)):
            if i:
                lines.append("")
            if keep:
                lines += [indent + line for line in para]
            else:
                lines += wrap(join_lines(para), width, initial_indent=indent, subsequent_indent=indent)
        return lines

    def write_text(self, text: str) -> None:
        for line in self._text_lines(text, self.width, " " * self.current_indent):
            self.write(line.rstrip() + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(first, translate(second) if second else second) for first, second in rows]
        widest = max((text_width(first) for first, _ in rows), default=0)
        first_col = min(widest, col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(indent + first)
            if not second:
                self.write("\n")
                continue
            if text_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - text_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            second = re.sub(r"\[([^\[\]]*)\]$", lambda m: "[" + m.group(1).replace("; ", "；") + "]", second)
            lines = self._text_lines(second, max(self.width - first_col - self.current_indent, 20), "")
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write((" " * (first_col + self.current_indent) + line).rstrip() + "\n")


class ChineseContext(click.Context):
    formatter_class = ChineseHelpFormatter


# ------------------------------------------------------------------ commands and parameters
class ChineseIntRange(click.IntRange):
    name = "整数"

    def _describe_range(self) -> str:
        return describe_range(self)


class ChineseFloatRange(click.FloatRange):
    name = "数字"

    def _describe_range(self) -> str:
        return describe_range(self)


class ChineseChoice(click.Choice):
    """Choices listed the Chinese way: “xml”不可用，可选：text、json。"""

    def _listed(self, ctx: click.Context | None) -> str:
        return "、".join(str(c) for c in self._normalized_mapping(ctx=ctx).values())

    def get_missing_message(self, param: click.Parameter, ctx: click.Context | None) -> str:
        return f"可选：{self._listed(ctx)}。"

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return f"“{value}”不可用，可选：{self._listed(ctx)}。"


class ChineseText(click.types.StringParamType):
    """Text from the command line; typed in a GBK console on Linux, it is decoded as GBK."""

    name = "文字"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from .text import decode_escaped

        value = super().convert(value, param, ctx)
        return decode_escaped(value) if isinstance(value, str) else value


def describe_range(t: Any) -> str:
    low = None if t.min is None else (f"大于 {t.min}" if t.min_open else f"不小于 {t.min}")
    high = None if t.max is None else (f"小于 {t.max}" if t.max_open else f"不大于 {t.max}")
    if t.min is not None and t.max is not None and not t.min_open and not t.max_open:
        return f"{t.min} 至 {t.max}"
    return "、".join(x for x in (low, high) if x)


def _chinese_type(t: click.ParamType) -> click.ParamType:
    if t is click.STRING:
        return ChineseText()
    swap = {click.IntRange: ChineseIntRange, click.FloatRange: ChineseFloatRange,
            click.Choice: ChineseChoice}.get(type(t))
    if swap is None:
        return t
    new = swap.__new__(swap)
    new.__dict__.update(t.__dict__)
    return new


def metavar_for(param: click.Parameter) -> str | None:
    """The Chinese placeholder shown for a value: 文件, 文件夹, 路径, 整数, 数字, 文字."""
    t = param.type
    if isinstance(t, click.Choice):
        return None  # click shows the choices themselves: [text|json]
    if isinstance(t, click.Path):
        word = "文件" if not t.dir_okay else "文件夹" if not t.file_okay else "路径"
    elif isinstance(t, (click.types.IntParamType, click.IntRange)):
        word = "整数"
    elif isinstance(t, (click.types.FloatParamType, click.FloatRange)):
        word = "数字"
    elif isinstance(t, click.DateTime):
        word = "日期"
    else:
        word = "文字"
    if isinstance(param, click.Argument):
        word = word if param.required else f"[{word}]"
    if param.nargs != 1:
        word += "..."
    return word


def localise(cmd: click.Command) -> click.Command:
    """Give a command (and a group's subcommands) the Chinese context, placeholders and types."""
    if getattr(cmd, "_giar_chinese", False):
        return cmd
    cmd.context_class = ChineseContext
    if cmd.options_metavar == "[OPTIONS]":
        cmd.options_metavar = "[选项]"
    if isinstance(cmd, click.Group):
        if cmd.subcommand_metavar in ("COMMAND [ARGS]...", "COMMAND1 [ARGS]... [COMMAND2 [ARGS]...]..."):
            cmd.subcommand_metavar = "命令 [参数]..."
        for sub in cmd.commands.values():
            localise(sub)
    for param in cmd.params:
        param.type = _chinese_type(param.type)
        if isinstance(param.type, click.Path):
            param.type.name = "文件" if not param.type.dir_okay else (
                "文件夹" if not param.type.file_okay else "路径")
        if param.metavar is None and not (isinstance(param, click.Option) and param.is_flag):
            param.metavar = metavar_for(param)
    cmd._giar_chinese = True  # type: ignore[attr-defined]
    return cmd


def short_help(cmd: click.Command) -> str:
    """The first sentence of a command's help, for the group's list of commands."""
    if cmd.short_help:
        return cmd.short_help
    first = inspect.cleandoc(cmd.help or "").split("\n\n")[0]
    text = join_lines(first.splitlines())
    end = text.find("。")
    return text[:end + 1] if end >= 0 else text


class ChineseGroup(click.Group):
    """A group whose help, errors and subcommands are Chinese."""

    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localise(self)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = self.lookup_command(ctx, name)
        return None if cmd is None else localise(cmd)

    def lookup_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Find a subcommand (override this, not get_command, to load commands lazily)."""
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[Any, Any, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except NoSuchCommand as e:  # click suggests from self.commands, empty when loaded lazily
            if e.possibilities:
                raise
            raise NoSuchCommand(e.command_name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, short_help(cmd)))
        if rows:
            with formatter.section(MESSAGES["Commands"]):
                formatter.write_dl(rows)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with chinese():
            return super().main(*args, **kwargs)


# ------------------------------------------------------------------ errors
def _hint(param: click.Parameter | None, ctx: click.Context | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Argument):
        return param.make_metavar(ctx) if ctx is not None else param.human_readable_name
    return "/".join(param.opts)


def error_message(e: click.ClickException) -> str:
    """The message of a click error, in Chinese with Chinese punctuation."""
    with chinese():
        if isinstance(e, MissingParameter):
            kind = e.param_type or (e.param.param_type_name if e.param else "parameter")
            word = {"argument": "参数", "option": "选项"}.get(kind, "参数")
            what = f"缺少{word}“{_hint(e.param, e.ctx)}”。" if e.param else f"缺少{word}。"
            extra = e.param.type.get_missing_message(param=e.param, ctx=e.ctx) if e.param else None
            return what + (f"{extra}" if extra else "")
        if isinstance(e, click.BadParameter):
            hint = e.param_hint if isinstance(e.param_hint, str) else (
                "/".join(e.param_hint) if e.param_hint else _hint(e.param, e.ctx))
            return f"“{hint}”的值不对：{e.message}" if hint else f"取值不对：{e.message}"
        if isinstance(e, (NoSuchOption, NoSuchCommand)):
            name = e.option_name if isinstance(e, NoSuchOption) else e.command_name
            what = "选项" if isinstance(e, NoSuchOption) else "命令"
            text = f"没有“{name}”这个{what}。"
            if e.possibilities:
                text += f"您是不是要用 {'、'.join(sorted(e.possibilities))}？"
            return text
        return e.format_message()


def render_error(e: click.ClickException, program: str = "") -> str:
    """What a usage error prints: usage line, where to find help, and the message.

    ``program``: named in the help hint when click raised the error without its context
    (a missing value after an option).
    """
    with chinese():
        if isinstance(e, NoArgsIsHelpError):
            return e.format_message()
        lines = []
        ctx = getattr(e, "ctx", None)
        if ctx is not None:
            lines.append(ctx.get_usage())
            names = ctx.command.get_help_option_names(ctx)
            if names and ctx.command.add_help_option:
                lines.append(f"查看帮助：{ctx.command_path} {max(names, key=len)}")
            lines.append("")
        elif program:
            lines += [f"查看帮助：{program} --help", ""]
        lines.append(f"错误：{error_message(e)}")
        return "\n".join(lines)


__all__ = ["ChineseContext", "ChineseGroup", "ChineseHelpFormatter", "chinese", "error_message", "localise",
           "render_error"]
