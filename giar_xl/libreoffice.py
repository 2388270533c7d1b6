"""Run LibreOffice headless: recalculate or convert a file (tests, benchmarks, docs checks)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import GiarError


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: str | Path, to: str, outdir: str | Path, timeout: float = 180) -> Path:
    """Convert ``path`` with LibreOffice (``to`` e.g. "xlsx", "pdf"); return the output path.

    Each call gets its own user profile so that parallel runs do not block on
    LibreOffice's profile lock. Converting to xlsx recalculates every formula
    and stores the results as cached values.
    """
    exe = soffice()
    if exe is None:
        raise GiarError("没有找到 LibreOffice（soffice）。请安装 libreoffice-calc-nogui（转换 Word 文档还需 libreoffice-writer-nogui）。")
    src = Path(path)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="giar-lo-") as profile:
        env = dict(os.environ, HOME=profile)
        proc = subprocess.run(
            [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", to, "--outdir", str(out), str(src)],
            capture_output=True, text=True, timeout=timeout, env=env)
    target = out / (src.stem + "." + to.split(":")[0])
    if proc.returncode != 0 or not target.exists():
        raise GiarError(f"LibreOffice 转换失败：{proc.stderr.strip() or proc.stdout.strip()}",
                        file=str(src))
    return target
