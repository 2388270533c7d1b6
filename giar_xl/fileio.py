"""Atomic output: write beside the target, then rename; never overwrite unless asked."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import GiarError, OutputExists


_OS_REASONS = {errno.ENOSPC: "磁盘空间不足", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
               errno.EROFS: "磁盘或文件夹只读", errno.ENOTDIR: "路径中有一段不是文件夹",
               errno.ENAMETOOLONG: "文件名太长", errno.EINVAL: "文件名含有不允许的字符"}


def write_error(e: OSError, path: str | os.PathLike) -> GiarError:
    """A failed write (full disk, read-only folder, bad name) as a Chinese message (exit 2)."""
    reason = _OS_REASONS.get(e.errno, e.strerror or str(e))
    return GiarError(f"无法写入（{reason}），已有文件未改动。", file=str(path))


def check_writable(path: str | os.PathLike, force: bool) -> Path:
    p = Path(path)
    if p.exists() and not force:
        raise OutputExists(str(p))
    if p.exists() and p.is_dir():
        raise GiarError("输出路径是一个文件夹，不能写成文件。", file=str(p))
    parent = p.parent if str(p.parent) else Path(".")
    try:
        if not parent.exists():
            parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise write_error(e, p) from None
    return p


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; move it into place on success.

    On any exception the temporary file is removed and the target is untouched.
    """
    target = check_writable(path, force)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; outputs are ordinary files
    except OSError as e:
        raise write_error(e, target) from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if target.exists() and not force:  # appeared meanwhile
            raise OutputExists(str(target))
        os.replace(tmp_path, target)
    except OSError as e:  # a full disk mid-write: the target is untouched, the temporary file goes
        raise write_error(e, target) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: str | os.PathLike, data: bytes, force: bool = False) -> Path:
    with atomic_path(path, force) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str, force: bool = False) -> Path:
    return write_bytes(path, text.encode("utf-8"), force)


def write_with(path: str | os.PathLike, writer: Callable[[Path], None], force: bool = False) -> Path:
    """Call ``writer(tmp_path)`` and move the result into place atomically."""
    with atomic_path(path, force) as tmp:
        writer(tmp)
    return Path(path)
