#!/usr/bin/env python3
"""One table of giar-xl's speed, each step beside baselines measured in the same run on the same files.

Steps (giar-xl's own work, in process unless marked):
- template build: ``build_workbook`` of a filled report (bytes, nothing written);
- read: ``read_workbook`` of that workbook;
- validate: ``giar-xl validate FILE`` (CLI in process: read + check + render);
- validate, new process: the same as a clerk runs it (interpreter start and imports included;
  its floor and openpyxl figures are new processes too);
- export HTML / export DOCX: ``giar-xl export FILE --to html|docx`` (read + check + render + write);
- batch validate N: ``giar-xl validate FOLDER`` over N unit workbooks;
- aggregate N: ``giar-xl aggregate FOLDER -o county.xlsx`` over the same N workbooks.

Baselines, on the same workbook (single-file steps) or the same N workbooks (batch steps):
- floor: unzip every part and parse every XML part with lxml, nothing else (the least any
  reader of the file can do);
- openpyxl: ``openpyxl.load_workbook`` (what a tool built on openpyxl pays just to open it);
- LibreOffice: ``soffice --headless --convert-to xlsx`` recalculation (what a clerk would
  otherwise do to see the formulas' results), start-up included; for N files, one soffice
  run converts them all.

Ratios are against the floor and against openpyxl. The N workbooks come from
scripts/bench_aggregate.py's generator (one workbook built, copies patched), else
from the template builder. Single-file figures are medians of --repeat runs after a warm-up.

Usage: python scripts/bench.py [--n 200] [--repeat 7] [--no-libreoffice]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


# ------------------------------------------------------------------ timing
def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up: imports, template compilation, caches
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def once_ms(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def cli(*args: object) -> int:
    """``giar-xl ARGS`` in this process, its output discarded; returns the exit code."""
    from giar_xl.cli import main

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        try:
            main([str(a) for a in args])
        except SystemExit as e:
            return e.code if isinstance(e.code, int) else 1
    return 0


# ------------------------------------------------------------------ baselines
def floor(path: Path) -> None:
    """Unzip every member and parse every XML part: the least any reader of the file does."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                etree.fromstring(data)


def openpyxl_load(path: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path).close()


def libreoffice_recalc(paths: list[Path], outdir: Path) -> float | None:
    """Milliseconds for LibreOffice to open, recalculate and save ``paths`` as .xlsx (one run)."""
    from giar_xl.libreoffice import convert, soffice

    exe = soffice()
    if exe is None:
        return None
    t0 = time.perf_counter()
    if len(paths) == 1:
        convert(paths[0], "xlsx", outdir)
    else:  # one soffice start for the batch, as a clerk converting a folder would do
        with tempfile.TemporaryDirectory(prefix="giar-lo-") as profile:
            subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                            "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, paths)],
                           check=True, capture_output=True, timeout=1800,
                           env=dict(os.environ, HOME=profile))
        missing = [p for p in paths if not (outdir / p.name).exists()]
        if missing:
            raise RuntimeError(f"LibreOffice did not convert {len(missing)} files, e.g. {missing[0]}")
    return (time.perf_counter() - t0) * 1000


# ------------------------------------------------------------------ files
def filled_report():
    """A filled report that passes the checker (identities balanced, texts present)."""
    try:
        from bench_aggregate import base_report

        r = base_report()
        r.agency = "基准县某某镇人民政府"
        return r
    except ImportError:
        from giar_xl.checker.cases import base_report

        return base_report()


def unit_files(folder: Path, n: int) -> tuple[list[Path], float, str]:
    t0 = time.perf_counter()
    try:
        from bench_aggregate import generate

        generate(folder, n)
        how = "scripts/bench_aggregate.py generator"
    except ImportError:
        from giar_xl.template import build_workbook

        for i in range(n):
            r = filled_report()
            r.agency = f"测试县第{i:04d}单位"
            build_workbook(folder / f"unit{i:04d}.xlsx", r)
        how = "template builder"
    return sorted(folder.glob("*.xlsx"))[:n], time.perf_counter() - t0, how


# ------------------------------------------------------------------ table
def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "—"
    return f"{ms:,.1f} ms" if ms < 10_000 else f"{ms / 1000:,.1f} s"


def ratio(a: float, b: float | None) -> str:
    return "—" if not b else f"{a / b:,.1f}×"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="unit workbooks for the batch steps")
    ap.add_argument("--repeat", type=int, default=7, help="runs per single-file figure (median)")
    ap.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice baseline")
    args = ap.parse_args()

    from giar_xl.reader import read_workbook
    from giar_xl.template import build_workbook

    work = Path(tempfile.mkdtemp(prefix="giar-bench-"))
    book = work / "book.xlsx"
    report = filled_report()
    build_workbook(book, report)
    out = work / "out"
    out.mkdir()
    use_lo = not args.no_libreoffice

    # baselines of the single workbook
    base_floor = median_ms(lambda: floor(book), args.repeat)
    base_openpyxl = median_ms(lambda: openpyxl_load(book), args.repeat)
    base_lo = libreoffice_recalc([book], work / "lo1") if use_lo else None

    rows: list[tuple[str, float, float, float, float | None]] = []

    def single(step: str, fn: Callable[[], object]) -> None:
        rows.append((step, median_ms(fn, args.repeat), base_floor, base_openpyxl, base_lo))

    single("template build", lambda: build_workbook(None, report))
    single("read", lambda: read_workbook(book))
    single("validate", lambda: cli("validate", book))
    # a new process is compared with new processes doing the baselines (interpreter start in all)
    def py(code: str, *argv: object) -> Callable[[], object]:
        cmd = [sys.executable, "-c", code, *map(str, argv)]
        return lambda: subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT / "scripts")

    validate_proc = [sys.executable, "-c", "from giar_xl.cli import main; main()", "validate", str(book)]
    rows.append(("validate, new process",
                 median_ms(lambda: subprocess.run(validate_proc, capture_output=True), args.repeat),
                 median_ms(py("import sys, bench; bench.floor(sys.argv[1])", book), args.repeat),
                 median_ms(py("import sys, bench; bench.openpyxl_load(sys.argv[1])", book), args.repeat),
                 base_lo))
    single("export HTML", lambda: cli("export", book, "--to", "html", "-o", out / "r.html", "--force"))
    single("export DOCX", lambda: cli("export", book, "--to", "docx", "-o", out / "r.docx", "--force"))

    # batch steps over N unit workbooks
    units = work / "units"
    files, gen_s, how = unit_files(units, args.n)
    n = len(files)
    batch_floor = once_ms(lambda: [floor(f) for f in files])
    batch_openpyxl = once_ms(lambda: [openpyxl_load(f) for f in files])
    batch_lo = libreoffice_recalc(files, work / "loN") if use_lo else None
    code = {}
    t_validate = once_ms(lambda: code.__setitem__("validate", cli("validate", units)))
    t_aggregate = once_ms(lambda: code.__setitem__(
        "aggregate", cli("aggregate", units, "-o", out / "county.xlsx", "--force")))
    rows.append((f"batch validate {n}", t_validate, batch_floor, batch_openpyxl, batch_lo))
    rows.append((f"aggregate {n}", t_aggregate, batch_floor, batch_openpyxl, batch_lo))

    print(f"giar-xl benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; "
          f"single-file figures: median of {args.repeat}; {n} unit workbooks generated in "
          f"{gen_s:.1f} s ({how}); exit codes validate={code['validate']} aggregate={code['aggregate']}")
    print(f"workbook: {book.stat().st_size / 1024:.1f} KB, "
          f"{len(zipfile.ZipFile(book).namelist())} parts")
    head = ("step", "giar-xl", "floor (unzip+lxml)", "openpyxl load", "LibreOffice recalc",
            "÷ floor", "÷ openpyxl")
    table = [head] + [(step, fmt_ms(t), fmt_ms(f), fmt_ms(o), fmt_ms(lo), ratio(t, f), ratio(t, o))
                      for step, t, f, o, lo in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for i, r in enumerate(table):
        print("| " + " | ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j])
                                for j, c in enumerate(r)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    slowest = max(rows, key=lambda r: r[1] / r[2])
    print(f"slowest relative to its floor: {slowest[0]} — {fmt_ms(slowest[1])}, "
          f"{slowest[1] / slowest[2]:,.1f}× the floor ({fmt_ms(slowest[2])})")
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
