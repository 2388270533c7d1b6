"""Open any supported input (report JSON, .xlsx/.xlsm workbook) as a Report."""

from __future__ import annotations

from pathlib import Path

from .errors import UnreadableInput
from .report import Report, load_json_report

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
# formats a clerk may send by mistake: say what to do instead
FOREIGN_SUFFIXES = {
    ".xls": "这是旧版 Excel 97-2003 文件（.xls），请在 Excel 或 WPS 中“另存为”.xlsx 后再提交。",
    ".xlsb": "这是 Excel 二进制工作簿（.xlsb），请“另存为”.xlsx 后再提交。",
    ".et": "这是 WPS 表格文件（.et），请在 WPS 中“另存为”.xlsx 后再提交。",
    ".ods": "这是 OpenDocument 表格（.ods），请“另存为”.xlsx 后再提交。",
    ".csv": "CSV 文件不含报告的完整结构，请提交标准工作簿（.xlsx）。",
}


def load_report(path: str | Path) -> Report:
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.exists():
        raise UnreadableInput("文件不存在。", file=str(p))
    if p.is_dir():
        raise UnreadableInput("这是一个文件夹，不是文件。", file=str(p))
    if suffix == ".json":
        return load_json_report(p)
    if suffix in FOREIGN_SUFFIXES:
        raise UnreadableInput(FOREIGN_SUFFIXES[suffix], file=str(p))
    if suffix in WORKBOOK_SUFFIXES or not suffix:
        from .reader import read_workbook

        return read_workbook(p)
    raise UnreadableInput("不支持的文件类型（可用：.xlsx、.xlsm、.json）。", file=str(p))
