#!/usr/bin/env python3
"""Time HTML and DOCX export of one report, in-process (targets: < 50 ms HTML, < 300 ms DOCX).

Each figure is printed with its ratio against a baseline measured in the same run
on the same machine, so that a slow or busy machine shows as a slow baseline:
- HTML against ``json.dumps`` of the same report (the cheapest serialisation of it);
- DOCX against python-docx ``Document()`` + ``save`` of an empty document (the
  floor any .docx written with python-docx pays).

Usage: python scripts/bench_export.py [--repeat N] [--report FILE]
The first call of each is timed apart ("first"): it pays for imports and the
template compile, which a long-running process pays once.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = {"html": 50.0, "docx": 300.0}


def timed(fn, repeat: int) -> tuple[float, list[float]]:
    t0 = time.perf_counter()
    fn()
    first = (time.perf_counter() - t0) * 1000
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return first, runs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--report", help="report JSON or workbook (default: the bundled 2024 example)")
    args = ap.parse_args()

    from giar_xl.export import export_report
    from giar_xl.inputs import load_report

    if args.report:
        report = load_report(args.report)
        label = args.report
    else:
        from giar_xl.examples import load_example

        report = load_example()
        label = "bundled example shizhuang-2024"

    def baseline_json():
        json.dumps(report.to_json(), ensure_ascii=False)

    def baseline_docx():
        import docx

        docx.Document().save(io.BytesIO())

    cases = [
        ("html", lambda: export_report(report, "html"), "json.dumps", baseline_json),
        ("docx", lambda: export_report(report, "docx"), "empty Document()+save", baseline_docx),
    ]
    print(f"report: {label}; {args.repeat} timed runs after one first call; python {sys.version.split()[0]}")
    failed = False
    for fmt, fn, base_name, base_fn in cases:
        _, base_runs = timed(base_fn, args.repeat)
        first, runs = timed(fn, args.repeat)
        med, base_med = statistics.median(runs), statistics.median(base_runs)
        ok = med < TARGET_MS[fmt]
        failed |= not ok
        print(f"{fmt:5} median {med:7.1f} ms  min {min(runs):7.1f} ms  first {first:7.1f} ms  "
              f"| baseline {base_name}: {base_med:6.2f} ms  ratio {med / base_med:6.1f}x  "
              f"| target < {TARGET_MS[fmt]:.0f} ms: {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
