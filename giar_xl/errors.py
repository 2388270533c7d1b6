"""Errors a user sees. Every message is Chinese and names the file, sheet and cell it can."""

from __future__ import annotations

from .text import readable_path


class GiarError(Exception):
    """An input or usage problem that ends the command with exit code 2."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.field = field

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"文件“{readable_path(self.file)}”")
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.cell:
            where.append(f"单元格 {self.cell}")
        if self.field:
            where.append(f"字段 {self.field}")
        return ("，".join(where) + "：" if where else "") + self.message


class UnreadableInput(GiarError):
    """The file cannot be read as what it claims to be."""


class OutputExists(GiarError):
    def __init__(self, path: str):
        super().__init__("输出文件已存在，未覆盖；如需覆盖请加 --force。", file=path)
