"""Print a web page to PDF with headless Chromium (tests and benchmarks: a second layout engine)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import GiarError

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium() -> str | None:
    return next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             "/usr/bin/chromium") if p and Path(p).exists()), None)


def print_pdf(page: str | Path, pdf: str | Path, *, timeout: float = 120) -> Path:
    """Print ``page`` as a browser would, with its date/title head and URL/page-number foot."""
    exe = chromium()
    if exe is None:
        raise GiarError("没有找到 Chromium。请安装 chromium。")
    out = Path(pdf)
    with tempfile.TemporaryDirectory(prefix="giar-chromium-") as profile:
        proc = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}",
                               Path(page).resolve().as_uri()],
                              capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not out.exists():
        raise GiarError(f"Chromium 打印失败：{proc.stderr.strip()[-500:]}", file=str(page))
    return out
