"""The work behind each endpoint, run in the worker processes (the checker is CPU-bound).

Every job is the command line's own code on the request's private folder:
``check_file`` and ``render_json`` as ``validate --format json``, ``annotate`` as
``validate --annotate``, ``run_checker``/``export_report`` as ``export``, and
``giar_xl.button.server_entry`` for the Excel button. A job never raises: it
returns an ``Outcome`` (status, body, type, download name) that pickles back to
the server process. Messages name the clerk's file, never the temporary path.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GiarError

if TYPE_CHECKING:
    from ..report import Report

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
WORKBOOK_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12"}
EXPORT_TYPES = {"html": "text/html; charset=utf-8",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "json": JSON_TYPE, "txt": TEXT_TYPE, "pdf": "application/pdf"}
ANNOTATED_SUFFIX = "-校验"  # 报告.xlsx → 报告-校验.xlsx, as the README's example


@dataclass(frozen=True)
class Outcome:
    status: int
    body: bytes
    media_type: str
    filename: str | None = None  # sent as an attachment under this name


def error(status: int, message: str) -> Outcome:
    return Outcome(status, json.dumps({"error": message}, ensure_ascii=False).encode("utf-8"), JSON_TYPE)


def text_error(status: int, message: str) -> Outcome:
    """For the Excel button: its client shows a failed response's body as is in a message box."""
    return Outcome(status, message.encode("utf-8"), TEXT_TYPE)


def warm_up(tmp_root: str | None = None) -> None:
    """Worker initializer: keep any temporary file inside the server's folder; load the code once."""
    if tmp_root:
        tempfile.tempdir = tmp_root
    from .. import annotate, checker, reader  # noqa: F401
    from ..export import html, text  # noqa: F401


def _shown(e: GiarError, name: str) -> str:
    e.file = name  # the clerk's name, not the temporary path
    return str(e)


def _previous(previous: tuple[str, str] | None) -> tuple[Report | None, str | None]:
    """Last year's report, or why it cannot be read (a finding on this year's, as on the CLI)."""
    from ..commands.validate import read_previous

    if previous is None:
        return None, None
    path, name = previous
    report, problem = read_previous(path)
    return report, problem and problem.replace(str(path), name)


def validate(file: tuple[str, str], previous: tuple[str, str] | None = None) -> Outcome:
    """``giar-xl validate FILE [--previous P] --format json`` for one uploaded file."""
    from ..checker import render_json
    from ..commands.validate import check_file

    last_year, problem = _previous(previous)
    path, name = file
    result = check_file(path, last_year, previous_error=problem)
    result.file = name
    return Outcome(200 if result.readable else 422, render_json([result]).encode("utf-8"), JSON_TYPE)


def annotate(file: tuple[str, str], previous: tuple[str, str] | None = None) -> Outcome:
    """``giar-xl validate FILE --annotate COPY``: the copy with the 校验结果 sheet and colours."""
    from ..annotate import annotate as write_annotated
    from ..commands.validate import check_file

    path, name = file
    suffix = Path(name).suffix.lower()
    if suffix not in WORKBOOK_TYPES:
        return error(400, f"文件“{name}”：只有工作簿（.xlsx 或 .xlsm）能生成带校验结果的副本；"
                          "报告数据（.json）请直接看校验结果或导出。")
    last_year, problem = _previous(previous)
    result = check_file(path, last_year, previous_error=problem)
    if not result.readable:
        return error(422, f"文件“{name}”无法读取：{result.error}")
    copy_name = Path(name).stem + ANNOTATED_SUFFIX + suffix
    out = Path(path).parent.parent / "out" / copy_name
    out.parent.mkdir(exist_ok=True)  # inside the request's own folder (outputs need an existing folder)
    try:
        write_annotated(path, result.findings, out)
    except GiarError as e:
        return error(422, _shown(e, name))
    return Outcome(200, out.read_bytes(), WORKBOOK_TYPES[suffix], copy_name)


def export(file: tuple[str, str], previous: tuple[str, str] | None, fmt: str,
           force: bool = False) -> Outcome:
    """``giar-xl export FILE --to FMT [--force]``: refused while the report has 错误 findings.

    ``previous`` is accepted and not used: an export, like the command, needs no last year.
    """
    from ..commands.export import run_checker, unclean_record
    from ..commands.validate import read_report
    from ..export import SUFFIXES, export_report

    path, name = file
    try:
        report = read_report(path)
    except GiarError as e:
        return error(422, _shown(e, name))
    findings, _ = run_checker(report)
    errors = [f for f in findings if f.severity == "错误"]
    if errors and not force:
        return error(409, f"报告有 {len(errors)} 处错误，未导出。请改正后重新导出；确需发布时可选择“仍要导出”"
                          "（导出的文件属性中会注明未通过校验）。")
    try:
        data = export_report(report, fmt, unclean=unclean_record(findings) if errors else None)
    except GiarError as e:
        return error(422, _shown(e, name))
    out_name = Path(name).stem + SUFFIXES.get(fmt, "." + fmt)
    return Outcome(200, data, EXPORT_TYPES.get(fmt, "application/octet-stream"), out_name)


def button(body: bytes) -> Outcome:
    """The xlwings Server call of the 校验 button: the workbook's JSON in, Excel's actions out."""
    import xlwings as xw

    from ..button import server_entry
    from ..xlsx import MAX_CELLS_PER_SHEET

    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return text_error(400, "请求内容不是有效的 JSON，不是“校验”按钮发来的工作簿数据。")
    try:
        sheets = payload["sheets"]
        for sheet in sheets:
            cells = sum(len(row) if isinstance(row, list) else 1 for row in sheet["values"])
            if cells > MAX_CELLS_PER_SHEET:
                return text_error(413, f"工作表“{sheet['name']}”使用的单元格超过 {MAX_CELLS_PER_SHEET} 个，"
                                       "不像是年度报告，未校验。")
        actions = server_entry(payload)
    except xw.LicenseError:
        return text_error(503, "本服务器没有启用 Excel 按钮接口：xlwings 的远程功能需要许可证。请服务器管理员按"
                               "非商业许可（PolyForm Noncommercial，政府机关的使用属于许可允许的用途）设置环境变量 "
                               "XLWINGS_LICENSE_KEY=noncommercial 后重新启动 giar-xl serve。")
    except xw.XlwingsError as e:
        if "version" in str(e):
            return text_error(409, f"工作簿中 xlwings 的版本（{payload.get('version')}）与服务器"
                                   f"（{xw.__version__}）不同，无法校验。请向县政务公开办索取与服务器配套的插件或工作簿。")
        return text_error(400, "请求内容不是“校验”按钮发来的工作簿数据。")
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return text_error(400, "请求内容不是“校验”按钮发来的工作簿数据。")
    return Outcome(200, json.dumps(actions, ensure_ascii=False, default=str).encode("utf-8"), JSON_TYPE)
