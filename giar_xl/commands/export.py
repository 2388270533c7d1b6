"""giar-xl export: turn a filled workbook (or report JSON) into what gets published.

The report is checked first: a report with 错误 findings is not exported
unless --force, and a forced export says so in its metadata (never in the
visible text). Every output is rendered in memory before anything is written,
and each file is written atomically, so a failure leaves no half-written file.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import __version__
from ..errors import GiarError
from ..export import FORMAT_NAMES, FORMATS, SIGNED, SUFFIXES, export_report
from ..fileio import check_writable, make_folder, write_bytes
from ..inputs import load_report
from ..report import Report
from ..text import readable_path

ALIASES = {"word": "docx", "doc": "docx", "text": "txt", "htm": "html", "网页": "html",
           "文本": "txt"}


def parse_formats(values: tuple[str, ...]) -> list[str]:
    """--to html --to docx, or --to html,docx; in the order given, each once."""
    out: list[str] = []
    for value in values:
        for word in value.replace("，", ",").split(","):
            w = word.strip().lower().lstrip(".")
            if not w:
                continue
            fmt = ALIASES.get(w, w)
            if fmt not in FORMATS:
                raise GiarError(f"不支持的导出格式“{word.strip()}”（可用：{'、'.join(FORMATS)}）。")
            if fmt not in out:
                out.append(fmt)
    if not out:
        raise GiarError(f"请用 --to 指定导出格式：{'、'.join(FORMATS)}（可重复，如 --to html --to docx）。")
    return out


def output_folder(output: str | None, formats: list[str]) -> Path | None:
    """The folder -o names (created if only its last level is missing), or None for a file."""
    if output is None:
        return None
    out = Path(output)
    if (len(formats) > 1 or out.is_dir() or output.endswith(("/", os.sep))
            or not out.suffix):
        if out.exists() and not out.is_dir():
            raise GiarError("导出多种格式时 -o 应是文件夹，但这是一个已有的文件。", file=str(out))
        return out
    return None


def output_paths(source: Path, output: str | None, formats: list[str]) -> dict[str, Path]:
    """Where each format goes.

    No -o: beside the input, same name. With several formats -o is a folder. With
    one format -o is a file when it has a suffix (which must fit the format) and a
    folder otherwise, or when it is an existing folder.
    """
    stem = source.stem
    if output is None:
        return {f: source.with_name(stem + SUFFIXES[f]) for f in formats}
    out = Path(output)
    folder = output_folder(output, formats)
    if folder is not None:
        return {f: folder / (stem + SUFFIXES[f]) for f in formats}
    fmt = formats[0]
    if out.suffix.lower() != SUFFIXES[fmt]:
        raise GiarError(f"输出文件的扩展名应为 {SUFFIXES[fmt]}（导出格式 {fmt}），实为 {out.suffix}。",
                        file=str(out))
    return {fmt: out}


def run_checker(report: Report) -> tuple[list, str]:
    """The checker's findings and their Chinese rendering (a seam the tests can replace)."""
    from ..checker import CheckResult, check, render_text

    findings = check(report)
    return findings, render_text(CheckResult(file=readable_path(report.source or ""), findings=findings))


def unclean_record(findings: list) -> dict:
    errors = [f for f in findings if f.severity == "错误"]
    return {"errors": len(errors), "codes": sorted({f.code for f in errors}),
            "checked_by": f"giar-xl {__version__}"}


@click.command("export")
@click.argument("file", type=click.Path(), metavar="报告文件")
@click.option("--to", "formats", multiple=True, metavar="格式",
              help="导出格式：html 网页，docx Word 文档，pdf（需要 LibreOffice），json 数据，txt 纯文本；"
                   "可重复，或用逗号分隔")
@click.option("-o", "--output", "output", type=click.Path(), metavar="路径",
              help="输出文件或文件夹；省略时写在输入文件旁边，文件名相同")
@click.option("--force", is_flag=True,
              help="覆盖已有的输出文件；报告有“错误”时仍然导出（在文件属性中注明未通过校验）")
@click.pass_context
def command(ctx: click.Context, file: str, formats: tuple[str, ...], output: str | None,
            force: bool) -> None:
    """把填好的工作簿（或报告 JSON）导出为网页、Word、PDF、JSON 或纯文本。

    导出前先校验：报告有“错误”时列出错误、不导出（退出码 1）；确需发布时加 --force。

    \b
    示例：
      giar-xl export 报告.xlsx --to html --to docx
      giar-xl export 报告.xlsx --to html,docx,json -o 发布/
    """
    fmts = parse_formats(formats)
    source = Path(file)
    report = load_report(source)
    targets = output_paths(source, output, fmts)
    for path in targets.values():
        if path.resolve() == source.resolve():
            raise GiarError("输出文件与输入文件相同，未导出；请用 -o 指定其他位置。", file=str(path))
    # refuse before checking or writing anything, so that a run never leaves half of its outputs
    folder = output_folder(output, fmts)
    for path in targets.values():
        check_writable(path, force, new_folder=folder is not None)
    findings, rendered = run_checker(report)
    errors = [f for f in findings if f.severity == "错误"]
    unclean = None
    if errors:
        click.echo(rendered, err=True)
        if not force:
            click.echo(f"报告有 {len(errors)} 处错误，未导出。请改正后重新导出；"
                       "确需发布时可加 --force 强制导出（文件属性中会注明未通过校验）。", err=True)
            ctx.exit(1)
        unclean = unclean_record(findings)
        click.echo(f"注意：报告有 {len(errors)} 处错误，已按 --force 强制导出；"
                   "导出的文件属性中注明了未通过校验。", err=True)
    elif findings:
        click.echo(f"校验：无错误，有提示 {len(findings)} 处（不影响导出）：", err=True)
        click.echo(rendered, err=True)
    rendered_files = {fmt: export_report(report, fmt, unclean=unclean) for fmt in fmts}
    if folder is not None:
        make_folder(folder)
    for fmt, path in targets.items():
        write_bytes(path, rendered_files[fmt], force=force)
        size = len(rendered_files[fmt])
        click.echo(f"已导出{FORMAT_NAMES[fmt]}：{readable_path(path)}（{size / 1024:.1f} KB）")
    if unclean and "txt" in fmts:
        click.echo("注意：纯文本没有文件属性，无法注明未通过校验。", err=True)
    if not report.published and any(f in SIGNED for f in fmts):
        click.echo("注意：封面未填发布日期，导出的文件文末没有落款（机关名称和日期）；"
                   "发布前请在封面填写发布日期后重新导出。", err=True)
    ctx.exit(0)
