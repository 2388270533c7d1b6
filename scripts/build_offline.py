#!/usr/bin/env python3
"""Build a folder that installs giar-xl on an offline Windows computer (no administrator rights).

The folder holds giar-xl's wheel and a wheel of every dependency for each supported
Python version, install.bat (a per-user ``pip install --no-index``), xlwings' Excel add-in
(for pointing the 校验 button at a county server, see docs/serve.md) and 说明.txt.
Copy it to a USB stick or a shared folder; on the clerk's computer double-click install.bat.

Usage:
  python scripts/build_offline.py -o giar-xl-离线安装包                  # win_amd64, Python 3.11–3.13
  python scripts/build_offline.py -o 包 --python 3.12                    # one Python version
  python scripts/build_offline.py -o 包 --platform current               # this machine (used by the tests)

Needs the package index once, here (``pip download``); the clerk's computer needs none.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")  # requires-python >= 3.11; versions with wheels of every dependency
PLATFORM = "win_amd64"
WHEELS = "wheels"
ADDIN = "xlwings.xlam"


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check"], check=True)


def project_wheel(dest: Path, index_args: list[str]) -> Path:
    """giar-xl's own wheel, built from a copy of this checkout (the build leaves its
    build/ and egg-info folders there, not here)."""
    with tempfile.TemporaryDirectory(prefix="giar-wheel-") as tmp:
        source = Path(tmp) / "src"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
            ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "giar-xl-*"))
        pip("wheel", "--no-deps", "--quiet", "-w", tmp, *index_args, str(source))
        built = next(Path(tmp).glob("giar_xl-*.whl"))
        return Path(shutil.copy(built, dest / built.name))


def dependency_wheels(wheel: Path | str, dest: Path, platform: str, python: str | None,
                      index_args: list[str]) -> None:
    """``wheel`` (a file or a requirement) and every dependency of it as a wheel for ``platform`` and ``python`` (no source packages:
    the clerk's computer has no compiler)."""
    args = ["download", "--quiet", "--only-binary=:all:", "--dest", str(dest), *index_args]
    if platform != "current":
        args += ["--platform", platform, "--implementation", "cp"]
    if python:
        args += ["--python-version", python]
    pip(*args, str(wheel))


def install_bat(pythons: list[str] | None) -> str:
    """install.bat: cmd.exe reads a batch file in the console's code page (936 on Chinese Windows),
    so it is written in GBK with CRLF line ends. Messages stand outside parenthesised blocks,
    where a double-byte character can never meet cmd's block parsing."""
    lowest, highest = (min(pythons, key=_key), max(pythons, key=_key)) if pythons else ("3.11", "3.99")
    check = (f"import sys; sys.exit(0 if {_key(lowest)} <= sys.version_info[:2] <= {_key(highest)} else 1)")
    versions = "、".join(pythons) if pythons else f"{lowest} 或更高"
    lines = [
        "@echo off",
        "setlocal",
        'cd /d "%~dp0"',
        "echo 正在为当前用户安装 giar-xl（不需要管理员权限，不需要联网）……",
        'set "PY="',
        'where py >nul 2>nul && set "PY=py -3"',
        'if not defined PY where python >nul 2>nul && set "PY=python"',
        "if not defined PY goto nopython",
        f'%PY% -c "{check}"',
        "if errorlevel 1 goto badversion",
        f'%PY% -m pip install --user --no-index --find-links "%~dp0{WHEELS}" giar-xl',
        "if errorlevel 1 goto failed",
        "rem Excel's button needs to know which Python to start: %USERPROFILE%\\.xlwings\\xlwings.conf",
        "set \"CONF=%USERPROFILE%\\.xlwings\\xlwings.conf\"",
        "if exist \"%CONF%\" goto hasconf",
        "for /f \"delims=\" %%i in ('%PY% -c \"import sys; print(sys.executable)\"') do set \"PYEXE=%%i\"",
        "set \"PYW=%PYEXE:python.exe=pythonw.exe%\"",
        "if not exist \"%USERPROFILE%\\.xlwings\" mkdir \"%USERPROFILE%\\.xlwings\"",
        ">\"%CONF%\" echo \"INTERPRETER_WIN\",\"%PYW%\"",
        "echo 已写入 Excel 按钮的设置：%CONF%",
        "goto done",
        ":hasconf",
        "echo 已有 %CONF%，未改动；如按钮找不到 Python，请按说明核对其中的 INTERPRETER_WIN 一行。",
        ":done",
        "echo.",
        "echo 安装完成。以后可以在命令行中用 py -m giar_xl 运行（例如 py -m giar_xl validate 报告.xlsx）。",
        "pause",
        "exit /b 0",
        ":nopython",
        f"echo 没有找到 Python。请先安装 Python {versions}：安装时取消“为所有用户安装”，勾选“Add python.exe to PATH”。",
        "pause",
        "exit /b 1",
        ":badversion",
        f"echo 本安装包只适用于 Python {versions}，请安装其中一个版本后重新运行。",
        "pause",
        "exit /b 1",
        ":failed",
        "echo 安装没有成功。请把这个窗口的内容截图，发给县政务公开办。",
        "pause",
        "exit /b 1",
    ]
    return "\r\n".join(lines) + "\r\n"


def readme(pythons: list[str] | None, platform: str) -> str:
    versions = "、".join(pythons) if pythons else "与制作本安装包的电脑相同的版本"
    text = f"""giar-xl 离线安装包（{platform}）

适用于：Windows 64 位，Python {versions}。不需要联网，不需要管理员权限。

一、安装
1. 如果电脑上还没有 Python：运行 Python 安装程序时，取消“Use admin privileges / 为所有用户安装”，
   勾选“Add python.exe to PATH”，点“Install Now”。
2. 双击本文件夹中的 install.bat，等待窗口中出现“安装完成”。
   程序安装在当前用户名下；同时在 %USERPROFILE%\\.xlwings\\xlwings.conf 中写明 Python 的位置，
   供 Excel 工作簿中的“校验”按钮使用（已有该文件时不改动）。

二、使用
- 校验：py -m giar_xl validate 报告.xlsx
- 生成带校验结果的副本：py -m giar_xl validate 报告.xlsx --annotate 报告-校验.xlsx
- 县里在一台电脑上提供网页校验：py -m giar_xl serve --host 0.0.0.0（见 docs/serve.md）

三、没有 Python、只用 Excel 的电脑
把 {ADDIN} 复制到 %APPDATA%\\Microsoft\\Excel\\XLSTART\\ 文件夹（Excel 启动时自动加载，不需要管理员权限），
并按县政务公开办的通知在 xlwings.conf 中填写校验服务器地址（GIAR_SERVER），“校验”按钮就会把工作簿发到
县里的服务器校验（见 docs/serve.md）。

文件夹 {WHEELS}\\ 中是安装所需的全部程序包，请不要删改。
"""
    return "\ufeff" + text.replace("\n", "\r\n")


def _key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def extract_addin(wheels: Path, out: Path) -> None:
    """xlwings' own Excel add-in (it defines RunRemotePython), from the pinned xlwings wheel."""
    for wheel in sorted(wheels.glob("xlwings-*.whl")):
        with zipfile.ZipFile(wheel) as z:
            if "xlwings/addin/xlwings.xlam" in z.namelist():
                (out / ADDIN).write_bytes(z.read("xlwings/addin/xlwings.xlam"))
                return
    raise SystemExit("no xlwings wheel with the Excel add-in among the downloaded wheels")


def target_environment(python: str | None, platform: str) -> dict[str, str]:
    """The values of environment markers on the target computer.

    ``pip download --platform`` evaluates markers for the machine it runs on, so a Linux
    build would leave out, e.g., xlwings' ``pywin32; platform_system == "Windows"``.
    """
    from packaging.markers import default_environment

    env = dict(default_environment())
    if platform.startswith("win"):
        env.update(sys_platform="win32", platform_system="Windows", os_name="nt",
                   platform_machine="AMD64" if platform.endswith("amd64") else "x86",
                   platform_release="10", platform_version="10.0.19045")
    if python:
        env.update(python_version=python, python_full_version=f"{python}.0",
                   implementation_name="cpython", platform_python_implementation="CPython")
    return env


def target_tags(python: str | None, platform: str) -> set:
    from packaging import tags

    if platform == "current" and python is None:
        return set(tags.sys_tags())
    version = _key(python) if python else sys.version_info[:2]
    platforms = None if platform == "current" else [platform]
    return (set(tags.cpython_tags(version, platforms=platforms))
            | set(tags.compatible_tags(version, f"cp{version[0]}{version[1]}", platforms=platforms)))


def unmet(wheels: Path, python: str | None, platform: str, root: str = "giar-xl") -> list[str]:
    """Requirements of ``root`` (and of everything it pulls in) that no wheel in the folder meets
    on the target: a check of the folder that needs no package index."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name, parse_wheel_filename

    env, supported = target_environment(python, platform), target_tags(python, platform)
    found: dict[str, list[tuple[object, Path]]] = {}
    for wheel in wheels.glob("*.whl"):
        name, version, _, wheel_tags = parse_wheel_filename(wheel.name)
        if wheel_tags & supported:
            found.setdefault(name, []).append((version, wheel))
    missing: list[str] = []
    seen: set[tuple[str, frozenset]] = set()
    todo = [Requirement(root)]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if (name, frozenset(req.extras)) in seen:
            continue
        seen.add((name, frozenset(req.extras)))
        match = [w for v, w in found.get(name, []) if req.specifier.contains(v, prereleases=True)]
        if not match:  # without its marker: that was evaluated for the target already
            extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
            missing.append(f"{req.name}{extras}{req.specifier}")
            continue
        for line in _requires(match[0]):
            dep = Requirement(line)
            extras = req.extras or {""}
            if dep.marker is None or any(dep.marker.evaluate({**env, "extra": e}) for e in extras):
                todo.append(dep)
    return sorted(missing)


def _requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        text = z.read(meta).decode("utf-8")
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Requires-Dist:")]


def build(out: Path, pythons: list[str] | None, platform: str, index_args: list[str]) -> Path:
    if out.exists():
        raise SystemExit(f"{out} exists; choose another folder or remove it")
    wheels = out / WHEELS
    wheels.mkdir(parents=True)
    wheel = project_wheel(wheels, index_args)
    for python in pythons or [None]:
        dependency_wheels(wheel, wheels, platform, python, index_args)
        for _ in range(5):  # what pip left out because it read the markers for this machine
            missing = unmet(wheels, python, platform)
            if not missing:
                break
            for requirement in missing:
                dependency_wheels(requirement, wheels, platform, python, index_args)
        else:
            raise SystemExit(f"no wheel for {missing} (Python {python}, {platform})")
    extract_addin(wheels, out)
    (out / "install.bat").write_bytes(install_bat(pythons).encode("gbk"))
    (out / "说明.txt").write_bytes(readme(pythons, platform).encode("utf-8"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path, default=Path("giar-xl-离线安装包"))
    ap.add_argument("--python", action="append", dest="pythons",
                    help=f"Python version of the target computer, repeatable (default: {', '.join(PYTHONS)})")
    ap.add_argument("--platform", default=PLATFORM,
                    help=f"wheel platform tag (default {PLATFORM}); 'current' for this machine")
    ap.add_argument("--find-links", action="append", default=[], help="also look for wheels in this folder")
    ap.add_argument("--no-index", action="store_true", help="only use --find-links (no package index)")
    args = ap.parse_args()
    pythons = args.pythons or (None if args.platform == "current" else list(PYTHONS))
    index_args = [x for d in args.find_links for x in ("--find-links", d)]
    if args.no_index:
        index_args.append("--no-index")
    out = build(args.output, pythons, args.platform, index_args)
    count = len(list((out / WHEELS).glob("*.whl")))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out}: {count} wheels, {size / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
