"""Worker functions for tests/test_batch.py: module level, so spawned workers can import them."""

from __future__ import annotations

import os
import time
from pathlib import Path


def square(x: int) -> int:
    return x * x


def picky(x: int) -> int:
    """Fails on 7, kills its worker on 13 (as a crash in a C library or the OOM killer would)."""
    if x == 7:
        raise ValueError("七")
    if x == 13:
        os._exit(3)
    return x * x


def as_error(x: int, e: BaseException) -> str:
    return f"{x}: {e}"


class Marking:
    """Leaves a file per item it starts, in ``folder``: shows how far ahead the workers ran."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, x: int) -> int:
        Path(self.folder, str(x)).touch()
        time.sleep(0.01)
        return x


def worker_pid(_: int) -> int:
    time.sleep(0.05)
    return os.getpid()


def on_stdin_main(folder: str) -> list:
    """What an embedding program whose main module workers cannot import gets (``python -``)."""
    import subprocess
    import sys

    code = ("import sys\nsys.path[:0] = %r\nfrom giar_xl.batch import map_files\nimport batch_helpers as h\n"
            "print(list(map_files(h.picky, [5, 7, 8], 2, on_error=h.as_error)))\n" % (sys.path,))
    out = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True, timeout=120,
                         cwd=folder)
    return [out.returncode, out.stdout]
