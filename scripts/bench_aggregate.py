#!/usr/bin/env python3
"""Time ``giar-xl aggregate`` over 100 and 1,000 unit workbooks (target: 1,000 in < 60 s).

The workbooks are generated once into a temporary folder: one workbook is built
by the template builder, and the copies are made by patching its cell XML
(each copy gets its own 机关名称 and its input figures scaled by a small factor,
which keeps every identity of the format balanced), so generation stays cheap
and is timed apart.

Each measurement runs in a fresh child process, so that its peak memory
(ru_maxrss) is its own:
- baseline: ``read_workbook`` of every file, results dropped (the floor any
  aggregation pays: it has to read each file once);
- aggregate: read + check + sum every file, then write the county workbook
  (汇总表 and the per-unit sheets included) and the HTML overview, as the command does.
Memory must not grow with the number of units: compare the peaks at 100 and 1,000.

Usage: python scripts/bench_aggregate.py [--units 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60.0
PLACEHOLDER = "基准单位〇〇〇〇"  # the base workbook's 机关名称, replaced in every copy


# ------------------------------------------------------------------ generation
def base_report():
    from giar_xl.report import Report
    from giar_xl.spec import DEFAULT_FORMAT
    from giar_xl.spec.format2021 import T3_COLUMNS, t3_id

    rng = random.Random(2025)
    r = Report.empty(DEFAULT_FORMAT, agency=PLACEHOLDER, year=2025)
    for c in DEFAULT_FORMAT.value_cells:
        if not c.is_input:
            del r.values[c.id]  # not given: the template writes its formula
        elif c.kind == "amount":
            r.values[c.id] = 1.25
        else:
            r.values[c.id] = rng.randint(0, 4)
    for col, _ in T3_COLUMNS[:6]:  # R1 + R2 = R24 + R25, with every term ≥ 0
        results = sum(r.values[t3_id(f"R{n}", col)] for n in range(3, 24))
        r.values[t3_id("R1", col)] = results + 2 - r.values[t3_id("R2", col)] + 3
        r.values[t3_id("R25", col)] = r.values[t3_id("R1", col)] + r.values[t3_id("R2", col)] - results
    for pid in r.texts:
        r.texts[pid] = ("本年度主动公开、依申请公开、政府信息管理、平台建设、监督考核均按要求开展；"
                        "存在的问题已整改，改进措施已落实；未收取信息处理费。")
    return r


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part name, from workbook.xml and its relationships."""
    wb = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*?Target="([^"]+)"', rels)) | \
        {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*?Id="(rId\d+)"', rels)}
    out = {}
    for name, rid in re.findall(r'<sheet[^>]*?name="([^"]+)"[^>]*?r:id="(rId\d+)"', wb):
        t = targets[rid]
        out[name] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return out


def _rename(body: bytes, agency: str) -> bytes:
    """Put the copy's own 机关名称 where the placeholder is, as UTF-8 or as character references."""
    refs = lambda t: "".join(f"&#{ord(ch)};" for ch in t).encode()  # noqa: E731
    return body.replace(PLACEHOLDER.encode(), agency.encode()).replace(refs(PLACEHOLDER), refs(agency))


def generate(folder: Path, n: int) -> float:
    """n unit workbooks in ``folder``; returns the seconds it took."""
    from giar_xl.layout import places
    from giar_xl.spec import DEFAULT_FORMAT
    from giar_xl.template import build_workbook

    t0 = time.perf_counter()
    base = build_workbook(None, base_report())
    src = zipfile.ZipFile(__import__("io").BytesIO(base))
    parts = _sheet_parts(src)
    inputs: dict[str, set[str]] = {}
    for p in places(DEFAULT_FORMAT).values():
        if p.kind == "value":
            inputs.setdefault(parts[p.sheet], set()).add(p.address)
    bodies = {i.filename: src.read(i.filename) for i in src.infolist()}
    cell = re.compile(rb'(<c r="([A-Z]+[0-9]+)"[^>]*>)<v>([^<]*)</v>')
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        k = 1 + i % 7  # scaling every input keeps every (linear) identity balanced

        def scale(m: re.Match, addresses: set[str]) -> bytes:
            if m.group(2).decode() not in addresses:
                return m.group(0)
            v = float(m.group(3))
            v = v * k
            text = str(int(v)) if v.is_integer() else repr(round(v, 4))
            return m.group(1) + b"<v>" + text.encode() + b"</v>"

        with zipfile.ZipFile(folder / f"unit{i:04d}.xlsx", "w", zipfile.ZIP_DEFLATED,
                             compresslevel=1) as dst:
            for name, body in bodies.items():
                if name in inputs:
                    body = cell.sub(lambda m, a=inputs[name]: scale(m, a), body)
                elif name.startswith("xl/") and name.endswith(".xml"):
                    body = _rename(body, f"测试县第{i:04d}单位")
                dst.writestr(name, body)
    return time.perf_counter() - t0


# ------------------------------------------------------------------ children
def child(kind: str, folder: str, n: int) -> None:
    files = sorted(Path(folder).glob("*.xlsx"))[:n]
    t0 = time.perf_counter()
    if kind == "baseline":
        from giar_xl.reader import read_workbook

        for f in files:
            read_workbook(f)
        extra = {}
    else:
        from giar_xl.county.aggregate import aggregate, county_report
        from giar_xl.county.overview import overview_html
        from giar_xl.county.summary import summarise
        from giar_xl.county.summary_book import county_workbook

        agg = aggregate(files, name="基准县")
        report = county_report(agg)
        summary = summarise(agg)
        out = Path(tempfile.mkdtemp())
        (out / "county.xlsx").write_bytes(county_workbook(report, summary, agg.view.files))
        (out / "county.html").write_text(overview_html(report, agg, summary), "utf-8")
        extra = {"summed": agg.totals.units, "states": sorted({u.status for u in agg.view.units}),
                 "R1_total": sum(agg.totals.value(f"t3.new.{c}") for c in
                                 ("natural", "business", "research", "nonprofit", "legal", "other"))}
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"kind": kind, "files": len(files), "seconds": seconds,
                      "peak_mb": peak_kb / 1024, **extra}, ensure_ascii=False))


def run_child(kind: str, folder: Path, n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(folder), str(n)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def imports_only_mb() -> float:
    code = ("import resource, giar_xl.county.aggregate, giar_xl.county.overview, giar_xl.reader;"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=ROOT)
    return float(out.stdout.strip())


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--keep", help="generate into (or reuse) this folder instead of a temporary one")
    args = ap.parse_args()

    tmp = None
    if args.keep:
        folder = Path(args.keep)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="giar-bench-")
        folder = Path(tmp.name)
    have = len(list(folder.glob("*.xlsx"))) if folder.exists() else 0
    if have < args.units:
        gen = generate(folder, args.units)
        print(f"generated {args.units} workbooks in {gen:.1f} s ({gen / args.units * 1000:.1f} ms each)")
    print(f"interpreter + imports alone: peak {imports_only_mb():.0f} MB")
    sizes = sorted({min(100, args.units), args.units})
    results = {}
    for n in sizes:
        base = run_child("baseline", folder, n)
        agg = run_child("aggregate", folder, n)
        results[n] = (base, agg)
        print(f"{n:5d} files  baseline read_workbook: {base['seconds']:6.1f} s "
              f"({base['seconds'] / n * 1000:5.1f} ms/file, peak {base['peak_mb']:.0f} MB)")
        print(f"{n:5d} files  aggregate (read+check+sum+write): {agg['seconds']:6.1f} s "
              f"({agg['seconds'] / n * 1000:5.1f} ms/file, peak {agg['peak_mb']:.0f} MB)  "
              f"ratio to baseline {agg['seconds'] / base['seconds']:.2f}×  "
              f"summed {agg['summed']} units, states {agg['states']}")
        if agg["summed"] != n:
            print(f"  !! expected {n} units summed")
            return 1
    small, large = results[sizes[0]][1], results[sizes[-1]][1]
    growth = large["peak_mb"] - small["peak_mb"]
    print(f"memory: peak {small['peak_mb']:.0f} MB at {sizes[0]} files, {large['peak_mb']:.0f} MB at "
          f"{sizes[-1]} files (+{growth:.0f} MB for {sizes[-1] - sizes[0]} more units)")
    ok = large["seconds"] < TARGET_SECONDS * args.units / 1000
    print(f"target: {args.units} files in < {TARGET_SECONDS * args.units / 1000:.0f} s: "
          f"{'met' if ok else 'NOT met'} ({large['seconds']:.1f} s)")
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
