"""Chinese on every line a clerk reads (issue 15): help pages and usage errors.

The walk covers whatever ``giar_xl.cli.COMMANDS`` lists, so a command added later is
checked without touching this file. What may stay in Latin letters is explicit: the
program and its commands, option names (--force), format and file names (xlsx, 报告.json),
and the few product names below.
"""

from __future__ import annotations

import ast
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giar_xl.cli import COMMANDS, cli
from giar_xl.cjk_wrap import CLOSING, MAX_GROUP, OPENING, text_width, wrap
from giar_xl.click_messages import DEVELOPER_MESSAGES, MESSAGES, PLURALS

from conftest import run_cli

# words a clerk may see in Latin letters: format names, values typed on the command line,
# and product names that are written this way in Chinese too
ALLOWED = {
    "giar", "xl", "xlsx", "xlsm", "xls", "json", "html", "htm", "docx", "doc", "txt", "csv", "pdf", "text",
    "report", "findings", "schema", "word", "excel", "wps", "utf", "gbk", "thumbs", "db", "libreoffice",
    "python", "ip", "ctrl", "c",  # the program clerks lack, an IP address, the Ctrl+C keys
}
ENGLISH = re.compile(r"[A-Za-z]+")
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
_TOKEN = r"[^\s“”‘’'（）()\[\]：:，,。、；]*"
PATH = re.compile(_TOKEN + r"[/\\]" + _TOKEN)
FILE = re.compile(_TOKEN + r"\.(?:xlsx|xlsm|xlsb|xls|json|html?|docx?|txt|csv|pdf|et|ods|db|ini|tmp|md)\b", re.I)
CLICK_WORDS = re.compile(r"Usage:|Error:|Show this message|Options:|Commands:|Try '")


def english_words(text: str) -> list[str]:
    text = OPTION.sub(" ", text)
    text = re.sub(r"[A-Z]{1,3}[0-9]+", " ", text)  # cell addresses (B7) and rule codes (I1, N06)
    text = PATH.sub(" ", text)
    text = FILE.sub(" ", text)
    return [w for w in ENGLISH.findall(text)
            if w.lower() not in ALLOWED and w not in COMMANDS]


def assert_chinese(text: str, what: str) -> None:
    assert not CLICK_WORDS.search(text), (what, text)
    assert not english_words(text), (what, english_words(text), text)


@pytest.mark.parametrize("english", [
    "Usage: giar-xl validate [OPTIONS] FILES...", "Error: Missing argument 'FILES...'.",
    "1999 is not in the range 2021<=x<=2100.", "-o, --output FILE  输出文件", "Show this message and exit.",
    "No such option '--prevous'. Did you mean '--previous'?", "File '文件夹' is a directory.",
    "--year INTEGER RANGE", "Try 'giar-xl -h' for help.", "用 difflib 逐字比较",
])
def test_the_check_catches_what_click_used_to_print(english):
    assert english_words(english) or CLICK_WORDS.search(english)


# ------------------------------------------------------------------ help pages
@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_pages_are_chinese(name):
    for flag in ("-h", "--help"):
        code, out, err = run_cli(*([name] if name else []), flag)
        assert code == 0, err
        assert out.startswith("用法：giar-xl"), out
        assert_chinese(out + err, f"{name} {flag}")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_help_has_an_example(name):
    out = run_cli(name, "-h")[1]
    assert "示例：" in out
    example = out.split("示例：", 1)[1].splitlines()[1].strip()
    assert example.startswith(f"giar-xl {name}"), out


def help_at_80_columns(*args: str) -> str:
    """The help as a clerk's 80-column console shows it (a real process: click sizes to the terminal)."""
    proc = subprocess.run([sys.executable, "-c", "from giar_xl.cli import main; main()", *args, "-h"],
                          capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "COLUMNS": "80", "LINES": "25"}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_fits_80_columns_and_breaks_the_chinese_way(name):
    out = help_at_80_columns(*([name] if name else []))
    for line in out.splitlines():
        assert text_width(line) <= 78, line
        body = line.strip()
        if body:
            assert body[0] not in CLOSING - set(")]}"), line
            assert body[-1] not in OPENING, line
    # a short bracketed group is never split across lines
    for a, b in zip(out.splitlines(), out.splitlines()[1:]):
        if "（" in a and a.rfind("（") > a.rfind("）"):
            tail = a[a.rfind("（"):] + b.strip()
            group = tail[: tail.find("）") + 1]
            assert text_width(group) > MAX_GROUP, (a, b)


def test_version_is_chinese():
    code, out, err = run_cli("--version")
    assert code == 0 and "版本" in out
    assert_chinese(out, "--version")


# ------------------------------------------------------------------ usage errors
def usage_errors(tmp: Path) -> list[tuple[str, ...]]:
    folder = tmp / "文件夹"
    folder.mkdir(exist_ok=True)
    cases = [
        (),  # no command: the group's help, exit 2
        ("valdate",),  # unknown command with a typo
        ("validate",),  # missing argument
        ("validate", "报告.xlsx", "--prevous", "上年.xlsx"),  # unknown option with a typo
        ("validate", "报告.xlsx", "--previous"),  # option without its value
        ("validate", "报告.xlsx", "--format", "xml"),  # bad choice
        ("validate", "报告.xlsx", "--force=yes"),  # a flag given a value
        ("template",),  # missing required option
        ("template", "-o", "报告.xlsx", "--year", "1999"),  # out of range
        ("template", "-o", "报告.xlsx", "--year", "二〇二五"),  # not a number
        ("template", "-o", str(folder)),  # a folder where a file is expected
        ("template", "-o", "报告.xlsx", "多余"),  # extra argument
        ("aggregate", "没有的文件.xlsx", "-o", "汇总.xlsx"),  # a missing file
        ("distribute", "名单.csv", "--year", "2025", "-o", str(folder / "x"), "--previous", "没有的文件夹"),
        ("diff", str(folder), str(folder)),
        ("schema",),  # missing choice
        ("schema", "reprot"),  # bad choice
    ]
    for name, cmd in ((n, cli.get_command(click.Context(cli), n)) for n in COMMANDS):
        cases.append((name, "--no-such-option"))
        if any(p.required for p in cmd.params):
            cases.append((name,))
    return cases


def test_usage_errors_are_chinese(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in usage_errors(tmp_path):
        code, out, err = run_cli(*args)
        assert code == 2, (args, out, err)
        text = out + err
        assert "错误：" in text or text.startswith("用法："), (args, text)
        assert "Traceback" not in text
        # values the clerk typed come back as typed (option names are allowed anyway)
        for typed in sorted((a for a in args if not a.startswith("-")), key=len, reverse=True):
            text = text.replace(typed, " ")
        assert_chinese(text, " ".join(args))


def test_the_hook_words_never_appear():
    """The checks the project's stop hook runs: ``giar-xl validate`` and its --help."""
    for args in (("validate",), ("validate", "--help")):
        code, out, err = run_cli(*args)
        assert not CLICK_WORDS.search(out + err), out + err


def test_typo_suggestions_name_the_option_and_the_command():
    err = run_cli("validate", "报告.xlsx", "--prevous", "上年.xlsx")[2]
    assert "没有“--prevous”这个选项" in err and "--previous" in err
    err = run_cli("valdate")[2]
    assert "没有“valdate”这个命令" in err and "validate" in err


def test_range_and_missing_argument_wording():
    err = run_cli("template", "-o", "报告.xlsx", "--year", "1999")[2]
    assert "1999 不在允许的范围（2021 至 2100）内" in err
    err = run_cli("validate")[2]
    assert "错误：缺少参数“文件或文件夹...”。" in err


def test_click_test_runner_path_is_chinese_too():
    """Standalone click (CliRunner.invoke, as helpers and plug-ins use it) gets the same words."""
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["validate", "--prevous"])
    assert result.exit_code == 2
    assert "Usage:" not in result.output and "Error:" not in result.output, result.output
    assert "用法：" in result.output


def test_english_stays_english_outside_giar_xl():
    """The translation is active only while a giar-xl command runs."""
    from click.testing import CliRunner

    @click.command()
    @click.argument("name")
    def other(name):
        pass

    result = CliRunner().invoke(other, [])
    assert "Missing argument" in result.output


# ------------------------------------------------------------------ the catalogue
def click_messages() -> tuple[set[str], set[tuple[str, str]]]:
    """Every message the installed click marks for translation."""
    singles, plurals = set(), set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            consts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and consts:
                singles.add(consts[0])
            elif node.func.id == "ngettext" and len(consts) >= 2:
                plurals.add((consts[0], consts[1]))
    return singles, plurals


def test_catalogue_covers_every_click_message():
    singles, plurals = click_messages()
    assert len(singles) > 40  # the extraction found click's messages
    assert not singles - set(MESSAGES) - DEVELOPER_MESSAGES, "translate in giar_xl/click_messages.py"
    assert not plurals - set(PLURALS), "translate in giar_xl/click_messages.py"


def _fields(template: str) -> set[str]:
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    return {re.split(r"[!.\[]", n)[0] for n in names} | set(re.findall(r"%\((\w+)\)", template))


def test_translations_use_only_the_placeholders_click_fills():
    for msgid, zh in MESSAGES.items():
        assert _fields(zh) <= _fields(msgid), msgid
    for (one, many), (zh_one, zh_many) in PLURALS.items():
        assert _fields(zh_one) | _fields(zh_many) <= _fields(one) | _fields(many), one


# ------------------------------------------------------------------ wrapping
def test_wrap_keeps_brackets_and_punctuation():
    text = "上年的工作簿或报告数据，用于检查与上年的衔接。给文件夹时，按机关名称（其次按文件名）为每个文件找上年报告"
    for width in range(16, 60):
        lines = wrap(text, width)
        assert "".join(lines) == text
        assert all(text_width(line) <= width for line in lines), (width, lines)
        assert not any(line[0] in "，。）" for line in lines), (width, lines)
        assert not any(line[-1] == "（" for line in lines), (width, lines)
        assert any("（其次按文件名）" in line for line in lines), (width, lines)


def test_wrap_keeps_short_commands_whole():
    text = "输出格式：text 中文文字；json 机器可读（格式见 giar-xl schema findings）"
    for width in range(24, 50):
        assert any("giar-xl schema findings" in line for line in wrap(text, width)), width


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("政府信息公开年报（）“”，。、；：") + ["--force", "xlsx", " ", "2021", "[默认：text]"]),
                max_size=60), st.integers(min_value=12, max_value=80))
def test_wrap_loses_nothing_and_fits(pieces, width):
    text = "".join(pieces)
    lines = wrap(text, width, initial_indent="  ", subsequent_indent="  ")
    assert all(text_width(line) <= width for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


# ------------------------------------------------------------------ what the commands print
def test_diff_page_and_text_are_chinese(tmp_path):
    import lxml.html

    from giar_xl.template import build_workbook

    from conftest import balanced_report

    build_workbook(tmp_path / "上年.xlsx", balanced_report(1, year=2024))
    build_workbook(tmp_path / "本年.xlsx", balanced_report(2, year=2025))
    code, out, err = run_cli("diff", tmp_path / "上年.xlsx", tmp_path / "本年.xlsx", "--format", "html")
    assert code == 0, err
    root = lxml.html.document_fromstring(out)
    for el in root.xpath("//style|//script"):
        el.drop_tree()
    assert_chinese(root.text_content(), "diff --format html")
    code, out, err = run_cli("diff", tmp_path / "上年.xlsx", tmp_path / "本年.xlsx")
    assert_chinese(out.replace(str(tmp_path), ""), "diff")
