#!/usr/bin/env python3
"""giar-xl's speed beside same-run baselines, one table per figure of issue 13.

Figures and their targets:
1. One workbook, in process: ``check_file`` (read + check, what ``validate`` does per file) on a
   book written by ``giar-xl template --data`` and on the same book saved by LibreOffice;
   target ≤ 3× the floor. An unbalanced book (the balance search runs) is shown beside them.
2. Whole process: ``giar-xl validate book.xlsx`` ≤ 3× ``python -c pass``; ``giar-xl --help`` ≤ 2×.
3. Batches: ``giar-xl validate DIR`` over 1,000 and 10,000 workbooks (10,000 in < 60 s) and
   ``giar-xl aggregate DIR`` over 1,000 units (< 8 s), whole processes, every core.
4. Peak memory (RSS) of ``validate DIR`` at 1,000 and at 10,000: the command's own process
   (its VmHWM at exit) and its largest worker (VmHWM sampled while it runs; Linux /proc),
   each ≤ 1.2× at 10,000 what it is at 1,000.
5. Other steps (template build, export HTML / DOCX) for reference, without targets.

Baselines, on the same files in the same run:
- floor: unzip every part and parse every XML part with lxml, nothing else (the least any
  reader of the file does); for batches, in one process on one core;
- python-calamine: every sheet's values (``pip install python-calamine``; optional);
- openpyxl: ``load_workbook`` (what a tool built on openpyxl pays just to open it);
- LibreOffice: ``soffice --headless --convert-to xlsx`` recalculation, start-up included
  (what a clerk does today to see the formulas' results); for batches one soffice run.
For batches, calamine, openpyxl and LibreOffice are timed on a sample (``--sample``) and scaled
to N (marked ≈); the floor is timed on all N files.

The package is byte-compiled first, as ``pip install`` leaves it. Single-file figures are
medians of ``--repeat`` runs, the baselines interleaved with giar-xl's
runs so that a busy machine slows both alike; batch figures are medians of ``--batch-repeat``.
Ratios are of figures from this run. The workbooks: ``scripts/bench_aggregate.py`` generates
the units of a county (one book built, copies patched with their own names and figures);
larger sets copy those under new names.

Usage: python scripts/bench.py [--sizes 1000,10000] [--repeat 9] [--batch-repeat 3]
                               [--sample 100] [--no-libreoffice] [--jobs N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))


# ------------------------------------------------------------------ baselines
def floor(path: Path) -> None:
    """Unzip every member and parse every XML part: the least any reader of the file does."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                etree.fromstring(data)


def calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


def have_calamine() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def openpyxl_load(path: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path).close()


def libreoffice_recalc(paths: list[Path], outdir: Path) -> float:
    """Seconds for LibreOffice to open, recalculate and save ``paths`` as .xlsx (one run)."""
    from giar_xl.libreoffice import convert, soffice

    exe = soffice()
    assert exe is not None
    t0 = time.perf_counter()
    if len(paths) == 1:
        convert(paths[0], "xlsx", outdir)
    else:  # one soffice start for the batch, as a clerk converting a folder would do
        with tempfile.TemporaryDirectory(prefix="giar-lo-") as profile:
            subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                            "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, paths)],
                           check=True, capture_output=True, timeout=3600, env=dict(os.environ, HOME=profile))
        missing = [p for p in paths if not (outdir / p.name).exists()]
        if missing:
            raise RuntimeError(f"LibreOffice did not convert {len(missing)} files, e.g. {missing[0]}")
    return time.perf_counter() - t0


# ------------------------------------------------------------------ timing
def interleaved(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds of each function, run in turn ``repeat`` times after a warm-up."""
    for fn in fns.values():
        fn()
    runs: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            runs[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in runs.items()}


def process(cmd: list[str]) -> Callable[[], object]:
    return lambda: subprocess.run(cmd, capture_output=True, env=ENV, cwd=ROOT / "scripts")


# the command line in a child process that reports its exit code and its own peak RSS
# (VmHWM: ru_maxrss would carry the benchmark's own peak over the fork)
WRAPPER = r"""
import json, sys
report = sys.argv[1]
from giar_xl.cli import main
code = 0
try:
    main(sys.argv[2:])
except SystemExit as e:
    code = e.code if isinstance(e.code, int) else 1
with open(report, "w") as fh:
    json.dump({"code": code, "hwm_kb": int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])}, fh)
"""


@dataclass
class Run:
    seconds: float
    code: int
    self_mb: float
    workers_mb: float  # the largest worker's peak, sampled every POLL seconds while it runs


POLL = 0.2


def _hwm_of_children(parent: int) -> dict[int, int]:
    """VmHWM (KiB) of the processes whose parent is ``parent``."""
    out = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) != parent:
                continue
            status = (p / "status").read_text()
            out[int(p.name)] = int(status.split("VmHWM:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue
    return out


def run_command(args: list[object], work: Path) -> Run:
    """``giar-xl ARGS`` as a whole process (output discarded): wall time, exit code, peaks."""
    report = work / "rusage.json"
    workers: dict[int, int] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, str(report), *map(str, args)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    while proc.poll() is None:
        for pid, kb in _hwm_of_children(proc.pid).items():
            workers[pid] = max(kb, workers.get(pid, 0))
        time.sleep(POLL)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, proc.returncode
    doc = json.loads(report.read_text())
    return Run(seconds, doc["code"], doc["hwm_kb"] / 1024, max(workers.values(), default=0) / 1024)


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), runs[0].code,
               max(r.self_mb for r in runs), max(r.workers_mb for r in runs))


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


# ------------------------------------------------------------------ files
def filled_report():
    from bench_aggregate import base_report

    r = base_report()
    r.agency = "基准县某某镇人民政府"
    return r


def make_books(work: Path, use_lo: bool) -> dict[str, Path]:
    """The template book written by ``giar-xl template --data``, an unbalanced one, and
    (with LibreOffice) the same books saved by LibreOffice."""
    r = filled_report()
    data = work / "report.json"
    data.write_text(r.dumps(), "utf-8")
    books = {"template": work / "book.xlsx"}
    assert cli("template", "--data", data, "-o", books["template"]) == 0
    wrong = filled_report()
    wrong.values["t3.new.natural"] = (wrong.values["t3.new.natural"] or 0) + 7  # I1 fails in its column
    (work / "wrong.json").write_text(wrong.dumps(), "utf-8")
    books["unbalanced"] = work / "wrong.xlsx"
    assert cli("template", "--data", work / "wrong.json", "-o", books["unbalanced"]) == 0
    if use_lo:
        from giar_xl.libreoffice import convert

        for key in ("template", "unbalanced"):
            books[f"{key}, LibreOffice"] = convert(books[key], "xlsx", work / f"lo-{key}")
    return books


def unit_folders(work: Path, sizes: list[int]) -> tuple[dict[int, Path], float]:
    """A folder per size: the first ``min(sizes)`` units generated (own names and figures),
    larger sets those files again under new names."""
    from bench_aggregate import generate

    t0 = time.perf_counter()
    base = work / f"units{min(sizes)}"
    generate(base, min(sizes))
    files = sorted(base.glob("*.xlsx"))
    folders = {min(sizes): base}
    for n in sorted(sizes):
        if n == min(sizes):
            continue
        folder = work / f"units{n}"
        folder.mkdir()
        for i in range(n):
            src = files[i % len(files)]
            shutil.copyfile(src, folder / f"{src.stem}-{i // len(files):02d}.xlsx")
        folders[n] = folder
    return folders, time.perf_counter() - t0


# ------------------------------------------------------------------ tables
def fmt_s(s: float | None, approx: bool = False) -> str:
    if s is None:
        return "—"
    mark = "≈" if approx else ""
    if s < 1:
        return f"{mark}{s * 1000:,.1f} ms"
    return f"{mark}{s:,.1f} s" if s < 600 else f"{mark}{s / 60:,.1f} min"


def table(title: str, head: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    print(f"\n{title}\n")
    all_rows = [head] + rows
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(head))]
    for i, r in enumerate(all_rows):
        print("| " + " | ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j])
                                for j, c in enumerate(r)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def judged(value: float, limit: float) -> str:
    return "met" if value <= limit else "NOT met"


# ------------------------------------------------------------------ main
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="batch sizes (the smallest is generated)")
    ap.add_argument("--repeat", type=int, default=9, help="runs per single-file figure (median)")
    ap.add_argument("--batch-repeat", type=int, default=3, help="runs per batch figure (median)")
    ap.add_argument("--sample", type=int, default=100, help="files timed for the scaled batch baselines")
    ap.add_argument("--jobs", type=int, help="worker processes for the batch commands (default: every core)")
    ap.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice baseline and book")
    args = ap.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})

    from giar_xl.commands.validate import check_file
    from giar_xl.libreoffice import soffice
    from giar_xl.template import build_workbook

    import compileall

    # bytecode as ``pip install`` leaves it (PYTHONDONTWRITEBYTECODE would otherwise make every
    # new process compile the package from source)
    compileall.compile_dir(str(ROOT / "giar_xl"), quiet=1)
    use_lo = not args.no_libreoffice and soffice() is not None
    use_cal = have_calamine()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    work = Path(tempfile.mkdtemp(prefix="giar-bench-"))
    try:
        books = make_books(work, use_lo)
        folders, gen_s = unit_folders(work, sizes)
        import giar_xl

        print(f"giar-xl benchmark — {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the start), "
              f"Python {sys.version.split()[0]}, giar_xl from {Path(giar_xl.__file__).parent}; "
              f"python-calamine {'yes' if use_cal else 'not installed'}; "
              f"LibreOffice {'yes' if use_lo else 'skipped'}")
        print(f"single-file figures: median of {args.repeat} interleaved runs; batch figures: median of "
              f"{args.batch_repeat}; unit workbooks: {min(sizes)} generated, larger sets copied "
              f"({gen_s:.1f} s); book {books['template'].stat().st_size / 1024:.1f} KB")

        # 1. one workbook, in process
        rows = []
        for name, book in books.items():
            fns: dict[str, Callable[[], object]] = {
                "giar": lambda b=book: check_file(str(b), None), "floor": lambda b=book: floor(b),
                "openpyxl": lambda b=book: openpyxl_load(b)}
            if use_cal:
                fns["calamine"] = lambda b=book: calamine(b)
            t = interleaved(fns, args.repeat)
            lo = (statistics.median(libreoffice_recalc([book], work / "lo1") for _ in range(3))
                  if use_lo else None)
            ratio = t["giar"] / t["floor"]
            clean = "unbalanced" not in name
            rows.append((f"check, {name} book", fmt_s(t["giar"]), fmt_s(t["floor"]), fmt_s(t.get("calamine")),
                         fmt_s(t["openpyxl"]), fmt_s(lo), f"{ratio:.2f}×", "≤ 3×",
                         judged(ratio, 3) if clean else f"({judged(ratio, 3)})"))
        table("1. One workbook, in process (read + check, as validate does per file)",
              ("step", "giar-xl", "floor (unzip+lxml)", "calamine values", "openpyxl load",
               "LibreOffice recalc", "÷ floor", "target", "met"), rows)
        print("   (unbalanced: the balance search runs; shown for its cost, the target is for a clean book)")

        # 2. whole process
        script = Path(sys.executable).with_name("giar-xl")
        giar = [str(script)] if script.exists() else [sys.executable, "-m", "giar_xl"]
        book = books["template"]
        t = interleaved({
            "pass": process([sys.executable, "-c", "pass"]),
            "validate": process([*giar, "validate", str(book)]),
            "help": process([*giar, "--help"]),
            "floor": process([sys.executable, "-c", "import sys, bench; bench.floor(sys.argv[1])", str(book)]),
            "openpyxl": process([sys.executable, "-c", "import sys, bench; bench.openpyxl_load(sys.argv[1])",
                                 str(book)]),
            **({"calamine": process([sys.executable, "-c", "import sys, bench; bench.calamine(sys.argv[1])",
                                     str(book)])} if use_cal else {}),
        }, args.repeat)
        lo = statistics.median(libreoffice_recalc([book], work / "lo1") for _ in range(3)) if use_lo else None
        rows = []
        for step, key, limit in (("giar-xl validate book.xlsx", "validate", 3), ("giar-xl --help", "help", 2)):
            ratio = t[key] / t["pass"]
            rows.append((step, fmt_s(t[key]), fmt_s(t["pass"]), fmt_s(t["floor"]), fmt_s(t.get("calamine")),
                         fmt_s(t["openpyxl"]), fmt_s(lo), f"{ratio:.2f}×", f"≤ {limit}×", judged(ratio, limit)))
        table(f"2. Whole process (`{' '.join(Path(a).name for a in giar)}`; the baselines in new processes too)",
              ("step", "giar-xl", "python -c pass", "floor", "calamine", "openpyxl", "LibreOffice",
               "÷ python -c pass", "target", "met"), rows)

        # 3 and 4. batches
        rows, memory = [], {}
        sample = sorted(folders[min(sizes)].glob("*.xlsx"))[:args.sample]
        per_file = {}
        per_file["openpyxl"] = interleaved({"x": lambda: [openpyxl_load(f) for f in sample]}, 1)["x"] / len(sample)
        if use_cal:
            per_file["calamine"] = interleaved({"x": lambda: [calamine(f) for f in sample]}, 1)["x"] / len(sample)
        if use_lo:
            lo_sample = sample[:20]
            per_file["lo"] = libreoffice_recalc(lo_sample, work / "loN") / len(lo_sample)
        out = work / "out"
        out.mkdir()
        batches = [("validate", n, ["validate", folders[n], *jobs]) for n in sizes]
        units = work / "units.csv"  # the county's list: every generated unit, as bench_aggregate names them
        units.write_text("单位名称\n" + "".join(f"测试县第{i:04d}单位\n" for i in range(min(sizes))), "utf-8")
        batches.append(("aggregate", min(sizes), ["aggregate", folders[min(sizes)], "--units", units,
                                                  "-o", out / "county.xlsx", "--force", *jobs]))
        # every size without a list too: the summary workbook has a row per file (memory, table 4)
        batches += [("aggregate", n, ["aggregate", folders[n], "-o", out / f"all{n}.xlsx", "--force", *jobs])
                    for n in sizes]
        for command, n, argv in batches:
            files = sorted(folders[n].glob("*.xlsx"))
            runs, floors = [], []
            for _ in range(args.batch_repeat):
                runs.append(run_command(argv, work))
                t0 = time.perf_counter()
                for f in files:
                    floor(f)
                floors.append(time.perf_counter() - t0)
            r, fl = median_run(runs), statistics.median(floors)
            if "--units" not in argv:
                memory[command, n] = r
            target = {("validate", 10_000): 60.0, ("aggregate", 1_000): 8.0}.get((command, n))
            listed = " (1,000-unit list)" if "--units" in argv else (" (no list)" if command == "aggregate" else "")
            rows.append((f"giar-xl {command} {n:,}{listed} (exit {r.code})", fmt_s(r.seconds), fmt_s(fl),
                         fmt_s(per_file["calamine"] * n, True) if use_cal else "—",
                         fmt_s(per_file["openpyxl"] * n, True),
                         fmt_s(per_file["lo"] * n, True) if use_lo else "—",
                         f"{r.seconds / fl:.2f}×", f"< {target:.0f} s" if target else "—",
                         judged(r.seconds, target) if target else "—"))
        table(f"3. Batches, whole process, every core ({os.cpu_count()}); floor on one core over all files, "
              f"others ≈ scaled from {len(sample)} files (LibreOffice from 20, one soffice run)",
              ("step", "giar-xl", "floor (1 core)", "calamine", "openpyxl", "LibreOffice", "÷ floor", "target",
               "met"), rows)

        small, large = min(sizes), max(sizes)
        rows = []
        for command, who, attr in (("validate", "validate DIR: the command's process", "self_mb"),
                                   ("validate", "validate DIR: its largest worker", "workers_mb"),
                                   ("aggregate", "aggregate DIR: the command's process", "self_mb"),
                                   ("aggregate", "aggregate DIR: its largest worker", "workers_mb")):
            a, b = getattr(memory[command, small], attr), getattr(memory[command, large], attr)
            rows.append((who, f"{a:.0f} MiB", f"{b:.0f} MiB", f"{b / a:.2f}×" if a else "—", "≤ 1.2×",
                         judged(b / a, 1.2) if a else "—"))
        table(f"4. Peak memory (RSS, max over the runs) at {small:,} and {large:,} workbooks",
              ("process", f"at {small:,}", f"at {large:,}", "ratio", "target", "met"), rows)

        # 5. other steps
        report = filled_report()
        t = interleaved({
            "build": lambda: build_workbook(None, report),
            "html": lambda: cli("export", book, "--to", "html", "-o", out / "r.html", "--force"),
            "docx": lambda: cli("export", book, "--to", "docx", "-o", out / "r.docx", "--force"),
            "floor": lambda: floor(book),
        }, args.repeat)
        rows = [(step, fmt_s(t[key]), fmt_s(t["floor"]), f"{t[key] / t['floor']:.1f}×")
                for step, key in (("template build (bytes)", "build"), ("export HTML", "html"),
                                  ("export DOCX", "docx"))]
        table("5. Other steps, in process (no targets)", ("step", "giar-xl", "floor", "÷ floor"), rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
