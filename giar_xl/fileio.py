"""Atomic output: write beside the target, then rename; never overwrite unless asked."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import GiarError, OutputExists, os_reason


def write_error(e: OSError, path: str | os.PathLike) -> GiarError:
    """A failed write (full disk, read-only folder, bad name) as a Chinese message (exit 2)."""
    return GiarError(f"无法写入（{os_reason(e, writing=True)}），已有文件未改动。", file=str(path))


def _nearest_existing(path: Path) -> Path:
    for p in (path, *path.parents):
        if p.exists():
            return p
    return Path(".")


def check_folder(folder: str | os.PathLike, *, create_ok: bool = False) -> Path:
    """Refuse a folder that outputs cannot go into, before anything is written.

    One rule for every command: an output goes into an existing folder; a folder the
    clerk names as the output (``distribute -o 下发``) may itself be new (``create_ok``),
    but its parent must exist. A missing folder further up is a typo far more often than
    a wish, so giar-xl never creates a chain of folders.
    """
    f = Path(folder) if str(folder) else Path(".")
    if f.is_dir():
        return f
    if f.exists():  # a file (or a device) where the output folder should be
        raise GiarError("输出路径是一个文件，应是文件夹。", file=str(f))
    there = _nearest_existing(f)
    if not there.is_dir():  # a file further up the path
        raise write_error(NotADirectoryError(errno.ENOTDIR, "not a directory"), f)
    if create_ok and f.parent == there:
        return f
    missing = f.parent if create_ok else f
    raise GiarError("文件夹不存在，未写入任何文件。请先新建这个文件夹，或检查路径是否写错"
                    "（giar-xl 不会自动新建多层文件夹）。", file=str(missing))


def make_folder(folder: str | os.PathLike) -> Path:
    """Create the output folder named by the clerk (only the last level; see check_folder)."""
    f = check_folder(folder, create_ok=True)
    try:
        f.mkdir(exist_ok=True)
    except OSError as e:
        raise write_error(e, f) from None
    return f


def check_writable(path: str | os.PathLike, force: bool, *, new_folder: bool = False) -> Path:
    """Refuse an output file that exists (unless ``force``), is a folder, or has no folder to go in.

    ``new_folder``: the file's folder is an output folder the command creates (make_folder).
    """
    p = Path(path)
    if p.is_dir():
        raise GiarError("输出路径是一个文件夹，不能写成文件。", file=str(p))
    if p.exists() and not force:
        raise OutputExists(str(p))
    if p.parent.exists() and not p.parent.is_dir():
        raise write_error(NotADirectoryError(errno.ENOTDIR, "not a directory"), p)
    check_folder(p.parent, create_ok=new_folder)
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
