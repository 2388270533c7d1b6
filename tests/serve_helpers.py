"""A real ``giar-xl serve`` in a child process, for the tests/test_serve_*.py modules.

The server runs exactly as a county would run it (``python -m giar_xl serve --port 0``),
with its own TMPDIR so that a test can see every file it leaves behind, and its
output collected so that a test can see everything it logs.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
READY = re.compile(r"校验服务已启动：(http://\S+?/)")


class LiveServer:
    def __init__(self, tmp: Path, *, workers: int | None = None, licence: bool = True,
                 extra_args: tuple[str, ...] = ()):
        self.tmp = tmp
        self.tmp.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        if licence:
            env["XLWINGS_LICENSE_KEY"] = "noncommercial"
        else:
            env.pop("XLWINGS_LICENSE_KEY", None)
        args = [sys.executable, "-m", "giar_xl", "serve", "--port", "0", *extra_args]
        if workers:
            args += ["--workers", str(workers)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                     cwd=tmp, text=True, encoding="utf-8")
        self.lines: list[str] = []
        self._ready = threading.Event()
        self.url = ""
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(90):
            self.stop()
            raise RuntimeError("giar-xl serve did not start:\n" + self.output)
        self.client = httpx.Client(base_url=self.url, timeout=120)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            m = READY.search(line)
            if m and not self.url:
                self.url = m.group(1)
                self._ready.set()
        self._ready.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    def leftovers(self) -> list[Path]:
        """Every file or folder under the server's TMPDIR, other than its own (empty) folder."""
        found = []
        for p in sorted(self.tmp.rglob("*")):
            if p.is_dir() and p.parent == self.tmp and p.name.startswith("giar-serve-"):
                continue
            found.append(p)
        return found

    def pids(self) -> list[int]:
        """The server and its worker processes."""
        out = [self.proc.pid]
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            children = (task / "children").read_text().split()
            out.extend(int(c) for c in children)
        return out

    def rss_kib(self) -> int:
        """Resident memory of the server and its workers together."""
        total = 0
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            if m and "python" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                total += int(m.group(1))
        return total

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> int:
        if getattr(self, "client", None) is not None:
            self.client.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        time.sleep(0.1)  # let the reader thread take the last lines
        return self.proc.returncode

    def __enter__(self) -> "LiveServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def upload(name: str, data: bytes, previous: tuple[str, bytes] | None = None) -> dict:
    files = {"file": (name, data)}
    if previous:
        files["previous"] = previous
    return files


def clean_report():
    """No 错误 (two 提示 a clerk may answer in writing): exports go through without --force."""
    from conftest import balanced_report

    r = balanced_report(4)
    r.texts["s5.rectification"] = "上年度报告所列问题已全部整改。"
    return r


def two_error_report():
    """Exactly two 错误: text in a number cell of 表二 (V02) and an unbalanced 自然人 column of
    表三 (I1, on the column's check cell D31: nothing tells which of its cells is wrong)."""
    from giar_xl.spec.format2021 import t3_id

    r = clean_report()
    r.values[t3_id("R1", "natural")] += 2
    r.values[t3_id("R1", "total")] += 2
    r.values["t2.regulation.issued"] = "/"
    return r
