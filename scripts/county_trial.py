#!/usr/bin/env python3
"""The 25-unit county of issue 12, run as an office would; prints the per-unit table and timings.

The county (``tests/county_mess.py``) is built into a folder: distribute, every unit's
return filled in by code, and every mess of the issue (another unit's workbook, cover
names typed differently, a renamed copy, an unreadable .xls, two files from one unit,
wrong-year files, a body outside the list, an explained 提示). Then, each timed:

1. ``giar-xl validate 回收 --units 名单.csv`` (the per-unit table is printed),
2. ``giar-xl aggregate 回收 --units … --previous 2024汇总.xlsx`` (summary workbook + page),
3. the same with the officer's 对应表 (``--mapping``) settling the two conflicts,
4. ``validate --annotate-dir`` (退回意见, annotated copies, 催报退回清单).

Usage: python scripts/county_trial.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def timed(label: str, *args) -> tuple[int, str, str, float]:
    from conftest import run_cli

    start = time.perf_counter()
    code, out, err = run_cli(*args)
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.2f} s (exit {code})")
    return code, out, err, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the county in this (new) folder and keep it")
    args = parser.parse_args()
    from county_mess import build

    holder = None
    if args.keep:
        args.keep.mkdir(parents=True)
        root = args.keep
    else:
        holder = tempfile.TemporaryDirectory(prefix="giar-county-")
        root = Path(holder.name)
    start = time.perf_counter()
    c = build(root)
    files = sum(1 for p in c.returns.iterdir() if p.is_file())
    print(f"built the county ({files} files returned): {time.perf_counter() - start:.2f} s")
    code, out, err, _ = timed("validate --units", "validate", c.returns, "--units", c.units_csv)
    print(out[out.index("各单位情况"):])
    book = root / "全县汇总.xlsx"
    timed("aggregate --units --previous", "aggregate", c.returns, "--units", c.units_csv, "--name", "测试县",
          "--previous", c.last_summary, "-o", book)
    mapping = root / "对应表.csv"
    mapping.write_bytes("\r\n".join([
        "文件,单位,处理,说明",
        "测试县应急管理局.xlsx,测试县应急管理局,,数字是应急管理局的，封面抄错了",
        "北岭乡.xlsx,测试县北岭乡人民政府,退回,交来的是城关镇的工作簿",
    ]).encode("gbk"))
    code, out, err, _ = timed("aggregate --mapping", "aggregate", c.returns, "--units", c.units_csv,
                              "--mapping", mapping, "--name", "测试县", "-o", root / "全县汇总-对应后.xlsx")
    print(out[out.index("各单位情况"):out.index("名单 25 个单位")].splitlines()[0])
    print("\n".join(line for line in out.splitlines() if "应急管理局" in line or "北岭乡" in line))
    timed("validate --annotate-dir", "validate", c.returns, "--units", c.units_csv,
          "--annotate-dir", root / "退回")
    print(f"outputs in {root}" if args.keep else "")
    if holder is not None:
        holder.cleanup()


if __name__ == "__main__":
    main()
