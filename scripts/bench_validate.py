#!/usr/bin/env python3
"""Benchmark of `giar-xl validate` (figures for issue 3).

1. One filled workbook, in process: openpyxl's load_workbook alone, versus giar-xl's
   reader + checker (the target: checking adds under 50% on top of loading).
2. Whole process: `giar-xl validate FILE` for one file.
3. Throughput: `giar-xl validate` over N workbooks (default 500; target under 30 s).

Usage: python scripts/bench_validate.py [--n 500] [--repeat 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from giar_xl.checker import check
from giar_xl.checker.cases import base_report
from giar_xl.reader import read_workbook
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import build_workbook


def filled_workbook(path: Path, variant: int) -> Path:
    """A filled report with a few findings, as the clerks' files typically have."""
    r = base_report()
    for vc in DEFAULT_FORMAT.value_cells:
        if not vc.is_input:
            del r.values[vc.id]  # not given: the template writes its formula
    r.values["t2.licensing.decisions"] = variant
    if variant % 3 == 0:
        r.values["t3.new.research"] = "/"
    if variant % 5 == 0:
        r.values["t3.carry_forward.business"] = 2
    build_workbook(path, r, force=True)
    return path


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args(argv)
    exe = shutil.which("giar-xl") or sys.exit("giar-xl is not installed (pip install -e .)")
    with tempfile.TemporaryDirectory(prefix="giar-bench-") as tmp:
        work = Path(tmp)
        one = filled_workbook(work / "one.xlsx", 1)

        load = median_time(lambda: openpyxl.load_workbook(one), args.repeat)
        load_ro = median_time(lambda: openpyxl.load_workbook(one, read_only=True, data_only=False),
                              args.repeat)
        read = median_time(lambda: read_workbook(one), args.repeat)
        report = read_workbook(one)
        rules = median_time(lambda: check(report), args.repeat)
        both = median_time(lambda: check(read_workbook(one)), args.repeat)
        print(f"one workbook ({one.stat().st_size} bytes), median of {args.repeat}:")
        print(f"  openpyxl.load_workbook            {load * 1000:8.1f} ms")
        print(f"  openpyxl.load_workbook(read_only) {load_ro * 1000:8.1f} ms")
        print(f"  giar-xl reader                    {read * 1000:8.1f} ms")
        print(f"  checker (rules only)              {rules * 1000:8.1f} ms"
              f"  = {rules / load:.0%} of openpyxl's load")
        print(f"  reader + checker                  {both * 1000:8.1f} ms"
              f"  = {both / load:.2f} x openpyxl's load")

        proc = median_time(lambda: subprocess.run([exe, "validate", str(one)],
                                                  capture_output=True), 5)
        print(f"whole process `giar-xl validate one.xlsx`: {proc * 1000:.0f} ms (median of 5)")

        variants = [filled_workbook(work / f"v{i}.xlsx", i) for i in range(15)]
        batch = work / "batch"
        batch.mkdir()
        files = []
        for i in range(args.n):
            target = batch / f"报告{i:03d}.xlsx"
            shutil.copyfile(variants[i % len(variants)], target)
            files.append(str(target))
        t0 = time.perf_counter()
        done = subprocess.run([exe, "validate", *files], capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        last = done.stdout.strip().splitlines()[-1]
        print(f"`giar-xl validate` over {args.n} workbooks: {elapsed:.1f} s "
              f"({args.n / elapsed:.0f} files/s), exit {done.returncode}")
        print(f"  {last}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
