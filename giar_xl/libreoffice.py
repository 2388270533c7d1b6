"""Run LibreOffice headless: recalculate or convert a file (PDF export, tests, benchmarks)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from .errors import GiarError

# What stands in for the fonts of Chinese official documents where they are not installed
# (a Linux server: LibreOffice asks fontconfig, which would otherwise pick any CJK face,
# often a Japanese sans). Each name is only a fallback: an installed 仿宋 is still used.
SERIF_SC, SANS_SC = "Noto Serif CJK SC", "Noto Sans CJK SC"
FONT_STAND_INS = {
    "仿宋": SERIF_SC, "仿宋_GB2312": SERIF_SC, "FangSong": SERIF_SC,
    "宋体": SERIF_SC, "SimSun": SERIF_SC, "方正小标宋简体": SERIF_SC, "楷体": SERIF_SC,
    "楷体_GB2312": SERIF_SC, "KaiTi": SERIF_SC,
    "黑体": SANS_SC, "SimHei": SANS_SC,
}
SYSTEM_FONTCONFIG = Path("/etc/fonts/fonts.conf")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig_file(folder: str | Path) -> Path | None:
    """A fontconfig file with the system's configuration plus the stand-ins above."""
    if not SYSTEM_FONTCONFIG.exists():
        return None  # Windows and macOS: LibreOffice uses the system's own fonts
    rules = "".join(f"<alias binding=\"strong\"><family>{escape(name)}</family><accept><family>{escape(sub)}</family>"
                    f"</accept></alias>" for name, sub in FONT_STAND_INS.items())
    path = Path(folder) / "fonts.conf"
    path.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig><include>{SYSTEM_FONTCONFIG}</include>{rules}</fontconfig>",
                    "utf-8")
    return path


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
        env = dict(os.environ, HOME=profile, TMPDIR=profile)  # whatever it leaves goes with the profile
        fonts = fontconfig_file(profile)
        if fonts is not None:
            env["FONTCONFIG_FILE"] = str(fonts)
        try:
            proc = subprocess.run(
                [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                 "--convert-to", to, "--outdir", str(out), str(src)],
                capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise GiarError(f"LibreOffice 转换超过 {timeout:.0f} 秒仍未完成，已停止。", file=str(src)) from None
        except OSError as e:
            raise GiarError(f"无法启动 LibreOffice：{e.strerror or e}", file=str(src)) from None
    target = out / (src.stem + "." + to.split(":")[0])
    if proc.returncode != 0 or not target.exists():
        raise GiarError(f"LibreOffice 转换失败：{proc.stderr.strip() or proc.stdout.strip()}",
                        file=str(src))
    return target
