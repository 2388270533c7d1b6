"""The offline installation folder (scripts/build_offline.py).

- built for this machine, it installs into a fresh venv with ``--no-index`` and giar-xl runs;
- built for Windows, every requirement (with Windows' markers: pywin32 for xlwings) has a
  wheel in it for the target Python, checked without any package index;
- install.bat is a per-user, offline pip install in the code page cmd.exe reads.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from giar_xl.template import build_workbook

from serve_helpers import two_error_report

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_offline.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("build_offline", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_offline"] = module
    spec.loader.exec_module(module)
    return module


def build_or_skip(script, out: Path, *args: str) -> Path:
    """Run the script; skip only when the package index cannot be reached at all."""
    proc = subprocess.run([sys.executable, str(SCRIPT), "-o", str(out), *args], capture_output=True, text=True,
                          cwd=out.parent, timeout=900)
    if proc.returncode != 0:
        probe = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--dest",
                                str(out.parent / "probe"), "click"], capture_output=True, text=True, timeout=300)
        if probe.returncode != 0:
            pytest.skip("the package index is unreachable from this machine: " + probe.stderr.strip()[-300:])
        raise AssertionError(proc.stdout + proc.stderr)
    return out


def fake_wheel(folder: Path, name: str, version: str, requires: list[str], tag: str = "py3-none-any") -> None:
    dist = f"{name.replace('-', '_')}-{version}"
    with zipfile.ZipFile(folder / f"{dist}-{tag}.whl", "w") as z:
        meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
        meta += [f"Requires-Dist: {r}" for r in requires]
        z.writestr(f"{dist}.dist-info/METADATA", "\n".join(meta) + "\n")


def test_unmet_reads_markers_for_the_target(script, tmp_path):
    fake_wheel(tmp_path, "giar-xl", "0.1.0", ['xlwings==0.37.8', 'lxml>=5'])
    fake_wheel(tmp_path, "xlwings", "0.37.8", ['pywin32>=224; platform_system == "Windows"',
                                                 'appscript; platform_system == "Darwin"', 'black; extra == "all"'],
               tag="cp311-cp311-win_amd64")
    fake_wheel(tmp_path, "lxml", "6.0", [], tag="cp312-cp312-win_amd64")  # the wrong Python
    assert script.unmet(tmp_path, "3.11", "win_amd64") == ["lxml>=5", "pywin32>=224"]
    fake_wheel(tmp_path, "lxml", "6.0", [], tag="cp311-cp311-win_amd64")
    fake_wheel(tmp_path, "pywin32", "312", [], tag="cp311-cp311-win_amd64")
    assert script.unmet(tmp_path, "3.11", "win_amd64") == []
    assert script.unmet(tmp_path, "3.12", "win_amd64") == ["xlwings==0.37.8"]  # its own needs unseen yet


def test_install_bat_is_a_per_user_offline_install(script):
    raw = script.install_bat(["3.11", "3.12", "3.13"]).encode("gbk")
    text = raw.decode("gbk")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert '-m pip install --user --no-index --find-links "%~dp0wheels" giar-xl' in text
    assert "(3, 11) <= sys.version_info[:2] <= (3, 13)" in text
    assert "runas" not in text.lower() and "Program Files" not in text
    # messages stand outside parenthesised blocks (see install_bat)
    for line in text.splitlines():
        if any("\u4e00" <= ch <= "\u9fff" for ch in line):
            assert line.startswith("echo "), line
    assert "INTERPRETER_WIN" in text and 'if exist "%CONF%" goto hasconf' in text


@pytest.mark.slow
def test_folder_for_this_machine_installs_offline_into_a_fresh_venv(script, tmp_path):
    out = build_or_skip(script, tmp_path / "bundle", "--platform", "current")
    assert (out / "install.bat").exists() and (out / "说明.txt").exists() and (out / "xlwings.xlam").exists()
    assert script.unmet(out / "wheels", None, "current") == []
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1")  # nothing but the folder
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index",
                    "--find-links", str(out / "wheels"), "giar-xl"], check=True, env=env, timeout=600)
    book = tmp_path / "报告.xlsx"
    build_workbook(book, two_error_report())
    run = subprocess.run([str(venv / "bin" / "giar-xl"), "validate", str(book)], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 1, run.stderr
    assert "错误 2 处" in run.stdout
    # the installed copy is the venv's, not this checkout
    where = subprocess.run([str(python), "-c", "import giar_xl; print(giar_xl.__file__)"], capture_output=True,
                           text=True, env=env, cwd=tmp_path, check=True).stdout
    assert str(venv) in where
    help_text = subprocess.run([str(python), "-m", "giar_xl", "serve", "--help"], capture_output=True, text=True,
                               env=env, cwd=tmp_path, check=True).stdout
    assert "校验网页服务" in help_text


@pytest.mark.slow
def test_folder_for_windows_has_every_wheel(script, tmp_path):
    out = build_or_skip(script, tmp_path / "bundle-win", "--python", "3.11")
    wheels = out / "wheels"
    assert script.unmet(wheels, "3.11", "win_amd64") == []
    names = [p.name for p in wheels.glob("*.whl")]
    assert any(n.startswith("pywin32-") and n.endswith("-cp311-cp311-win_amd64.whl") for n in names)
    assert any(n.startswith("xlwings-0.37.8-") and n.endswith("win_amd64.whl") for n in names)
    assert not any("linux" in n or "macosx" in n for n in names)  # nothing for another system
    # the add-in that defines RunRemotePython, for the button pointed at a server
    from oletools.olevba import VBA_Parser

    vba = VBA_Parser(str(out / "xlwings.xlam"))
    code = "\n".join(source for *_, source in vba.extract_macros())
    assert "Function RunRemotePython(" in code and "Function RunServerPython(" in code
    text = (out / "install.bat").read_bytes().decode("gbk")
    assert "(3, 11) <= sys.version_info[:2] <= (3, 11)" in text
