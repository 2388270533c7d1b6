"""Every file giar-xl builds is byte-identical under any PYTHONHASHSEED.

openpyxl wrote the ``<Default Extension=…>`` entries of ``[Content_Types].xml`` in a
hash-dependent order, so the committed macro template was "stale" for about one hash
seed in six. Each seed runs in its own process (the seed is fixed at interpreter start).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from giar_xl.ooxml import reproducible

ROOT = Path(__file__).resolve().parent.parent

# Builds every kind of output through the command line, in a fresh folder, and prints
# {relative path: sha256} as JSON.
CHILD = r"""
import hashlib, json, sys
from pathlib import Path

from giar_xl.cli import main
from giar_xl.template.xlsm import build_xlsm

out = Path(sys.argv[1])
out.mkdir()

def run(*args):
    try:
        main([str(a) for a in args])
    except SystemExit:
        pass

run("demo", "-o", out / "demo")
book = out / "demo" / "史庄镇-2024.xlsx"
run("template", "-o", out / "blank.xlsx", "--agency", "某某镇人民政府", "--year", 2025)
build_xlsm(out / "macro.xlsm")
run("validate", book, "--annotate", out / "annotated.xlsx")
units = out / "units.csv"
units.write_text("单位名称\n甲镇人民政府\n乙镇人民政府\n", encoding="utf-8")
run("distribute", units, "--year", 2025, "-o", out / "dist")
run("aggregate", out / "demo", "-o", out / "county.xlsx")
units2 = out / "units2.csv"
units2.write_text("单位名称,单位类型,联系人\n获嘉县史庄镇,乡镇,张三\n获嘉县冯庄镇,乡镇,李四\n", encoding="utf-8")
run("validate", book, "--units", units2, "--year", 2025, "--annotate-dir", out / "back")
run("aggregate", book, "--units", units2, "--name", "获嘉县", "--year", 2024, "-o", out / "county-units.xlsx")
run("diff", book, book, "--format", "html", "-o", out / "diff.html")
hashes = {}
for p in sorted(out.rglob("*")):
    if p.is_file() and p.suffix != ".csv" and not p.name.endswith(".html"):
        hashes[str(p.relative_to(out))] = hashlib.sha256(p.read_bytes()).hexdigest()
    elif p.is_file() and p.name in ("diff.html", "史庄镇-2024.html"):
        hashes[str(p.relative_to(out))] = hashlib.sha256(p.read_bytes()).hexdigest()
print(json.dumps(hashes, ensure_ascii=False))
"""

SEEDS = ("0", "7", "12345", "4242")


def _build(seed: str, folder: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    # the same relative output folder in each run: file names are part of some outputs
    cwd = folder / f"seed-{seed}"
    cwd.mkdir()
    proc = subprocess.run([sys.executable, "-c", CHILD, "out"],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_every_output_is_byte_identical_under_any_hash_seed(tmp_path):
    runs = {seed: _build(seed, tmp_path) for seed in SEEDS}
    first = runs[SEEDS[0]]
    # the run really built every kind of file (a failed command would just be missing)
    kinds = {Path(name).suffix for name in first}
    assert {".xlsx", ".xlsm", ".docx", ".json", ".txt", ".html"} <= kinds, sorted(first)
    assert any(name.startswith("dist/") for name in first)
    assert "county.xlsx" in first and "annotated.xlsx" in first
    # the county's feedback to units (issue 12): a letter, an annotated copy, the list
    assert {"back/获嘉县史庄镇-退回意见.docx", "back/获嘉县史庄镇-校验.xlsx", "back/催报退回清单.xlsx",
            "county-units.xlsx"} <= set(first), sorted(first)
    for seed, hashes in runs.items():
        differing = sorted(k for k in first.keys() | hashes.keys() if first.get(k) != hashes.get(k))
        assert differing == [], f"PYTHONHASHSEED={seed} changes {differing}"


def test_committed_templates_are_fresh_under_seed_7(tmp_path):
    """Seed 7 reordered the content types every time before the fix."""
    code = ("import sys, hashlib;"
            "from giar_xl.template import build_workbook;"
            "from giar_xl.template.xlsm import build_xlsm;"
            "print(hashlib.sha256(build_workbook()).hexdigest());"
            "print(hashlib.sha256(build_xlsm()).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "7", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    built = proc.stdout.split()
    committed = [hashlib.sha256((ROOT / "workbook_templates" / name).read_bytes()).hexdigest()
                 for name in ("giar-2021.xlsx", "giar-2021.xlsm")]
    assert built == committed


def _package(order: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in order:
            z.writestr(name, body)
    return buf.getvalue()


def test_content_types_and_parts_are_put_in_one_order():
    ct_a = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="a"/>'
            b'<Default Extension="rels" ContentType="r"/></Types>')
    ct_b = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/content-types"><Default Extension="rels" ContentType="r"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="a"/>'
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            b'<Default Extension="xml" ContentType="application/xml"/></Types>')
    a = reproducible(_package([("xl/b.xml", b"<b/>"), ("[Content_Types].xml", ct_a), ("xl/a.xml", b"<a/>")]))
    b = reproducible(_package([("[Content_Types].xml", ct_b), ("xl/a.xml", b"<a/>"), ("xl/b.xml", b"<b/>")]))
    assert a == b
    names = zipfile.ZipFile(io.BytesIO(a)).namelist()
    assert names == ["[Content_Types].xml", "xl/a.xml", "xl/b.xml"]
    ct = zipfile.ZipFile(io.BytesIO(a)).read("[Content_Types].xml")
    assert ct.index(b'Extension="bin"') < ct.index(b'Extension="rels"') < ct.index(b'Extension="xml"') \
        < ct.index(b"Override")
