"""Errors a user sees. Every message is Chinese and names the file, sheet and cell it can."""

from __future__ import annotations

import errno

from .text import readable_path

_OS_REASONS = {errno.ENOSPC: "磁盘空间不足", errno.EROFS: "磁盘或文件夹只读",
               errno.ENOTDIR: "路径中有一段不是文件夹", errno.ENAMETOOLONG: "文件名太长",
               errno.EINVAL: "文件名含有不允许的字符", errno.EISDIR: "这是一个文件夹",
               errno.EBUSY: "文件正被其他程序占用", errno.EDQUOT: "磁盘配额已用完",
               errno.EIO: "磁盘读写出错", errno.ELOOP: "路径中的链接循环指向自己"}


def os_reason(e: OSError, *, writing: bool = False) -> str:
    """What the operating system refused, in Chinese (its own e.strerror is English)."""
    if e.errno in (errno.EACCES, errno.EPERM):
        return "没有写入权限" if writing else "没有读取权限"
    if e.errno == errno.ENOENT:
        return "文件夹不存在，或这里不能新建文件" if writing else "文件不存在"
    return _OS_REASONS.get(e.errno, f"操作系统拒绝{'写入' if writing else '读取'}，错误码 {e.errno}")


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
