#!/usr/bin/env python3
"""How much the search for the cell to fix (giar_xl/checker/balance.py) costs.

Checks the same base report balanced (the baseline, same run) and with 1–12 random cells of
table 三 changed (as data and as read from a workbook), and prints the median and worst
time per check and their ratio to the baseline.

    python scripts/bench_balance.py [--n 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from giar_xl.checker import check  # noqa: E402
from giar_xl.checker.cases import CASE_TODAY, as_read_from_workbook, base_report  # noqa: E402
from giar_xl.spec import DEFAULT_FORMAT  # noqa: E402


def timed(report) -> float:
    start = time.perf_counter()
    check(report, today=CASE_TODAY)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    t3 = [c.id for c in DEFAULT_FORMAT.value_cells if c.table == "t3"]
    baseline, damaged = [], []
    for i in range(args.n):
        clean = base_report()
        if i % 2:
            as_read_from_workbook(clean)
        baseline.append(timed(clean))
        r = base_report()
        if i % 2:
            as_read_from_workbook(r)
        for cid in rng.sample(t3, rng.randint(1, 12)):
            r.values[cid] = rng.randint(0, 9)
        damaged.append(timed(r))
    base = statistics.median(baseline)
    print(f"{'case':<28}{'median ms':>10}{'worst ms':>10}{'÷ balanced':>12}")
    print(f"{'balanced (baseline)':<28}{base * 1000:>10.2f}{max(baseline) * 1000:>10.2f}{1:>12.1f}")
    med = statistics.median(damaged)
    print(f"{'1–12 cells of 表三 changed':<28}{med * 1000:>10.2f}{max(damaged) * 1000:>10.2f}"
          f"{med / base:>12.1f}")


if __name__ == "__main__":
    main()
