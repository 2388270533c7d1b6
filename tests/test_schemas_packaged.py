"""The JSON Schemas ship with the package and ``giar-xl schema`` prints them (issue 15).

``validate --help`` pointed at schemas/findings.schema.json, which ``pip install .`` did
not install. The committed copies (schemas/ at the top, published; giar_xl/schemas/, the
package data) are both kept fresh, and a wheel built from the tree carries them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from giar_xl.schema import PACKAGED_SCHEMA_DIR, SCHEMA_DIR, SCHEMA_FILES, render_schemas

from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("folder", [SCHEMA_DIR, PACKAGED_SCHEMA_DIR], ids=["published", "packaged"])
def test_committed_schemas_are_fresh(folder):
    for name, text in render_schemas().items():
        assert (folder / name).read_text("utf-8") == text, "run scripts/build_templates.py"


@pytest.mark.parametrize("name", list(SCHEMA_FILES))
def test_schema_command_prints_the_schema(name, tmp_path):
    code, out, err = run_cli("schema", name)
    assert code == 0, err
    assert out == render_schemas()[SCHEMA_FILES[name]]
    assert json.loads(out)["$schema"].startswith("https://json-schema.org/")
    target = tmp_path / f"{name}.json"
    assert run_cli("schema", name, "-o", target)[0] == 0
    assert target.read_text("utf-8") == out


def test_validate_help_points_at_the_command_not_the_repository():
    code, out, err = run_cli("validate", "--help")
    assert code == 0 and "giar-xl schema findings" in out and "schemas/" not in out


@pytest.mark.slow
def test_build_carries_the_schemas(tmp_path):
    """setuptools' build_py on a copy of the tree: what a wheel (pip install .) installs."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "giar_xl", src / "giar_xl", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "lib"
    proc = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                           "build_py", "--build-lib", str(out)],
                          cwd=src, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in SCHEMA_FILES.values():
        assert (out / "giar_xl" / "schemas" / name).read_text("utf-8") == render_schemas()[name]
