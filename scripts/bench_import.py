"""Seconds per page for `giar-xl import` of PDF and Word, beside a pdftotext baseline in the same run.

Inputs are made here from reports with random balanced numbers: our Word export,
the PDF LibreOffice prints from it, the PDF Chromium prints from the web export,
and a hand-laid PDF (tests/pdf_maker.py, borderless tables). For each PDF the
table shows the import time per page next to pdftotext's time for the same file
(the floor: text extraction alone, in C, with no geometry or tables).

    python scripts/bench_import.py [--n 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import balanced_report  # noqa: E402
from giar_xl import export  # noqa: E402
from giar_xl.chromium import chromium, print_pdf  # noqa: E402
from giar_xl.importer import import_report  # noqa: E402
from giar_xl.libreoffice import convert, soffice  # noqa: E402


def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(ln.split()[-1] for ln in out.splitlines() if ln.startswith("Pages:")))


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5, help="reports per kind")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from pdf_maker import report_pdf

    rows: dict[str, list[tuple[float, float, int]]] = {}
    with tempfile.TemporaryDirectory() as d:
        for i in range(args.n):
            r = balanced_report(i)
            r.published = "2026-01-20"
            docx = Path(d) / f"r{i}.docx"
            docx.write_bytes(export.export_report(r, "docx"))
            html = Path(d) / f"r{i}.html"
            html.write_bytes(export.export_report(r, "html"))
            made = {"pdf_maker（无边框）": Path(d) / f"m{i}.pdf"}
            report_pdf(made["pdf_maker（无边框）"], r, ruled=False)
            if soffice():
                made["LibreOffice PDF"] = convert(docx, "pdf", Path(d) / f"lo{i}")
            if chromium():
                made["Chromium PDF"] = print_pdf(html, Path(d) / f"c{i}.pdf")
            t = best(lambda: import_report(docx), args.repeat)
            rows.setdefault("Word (.docx)", []).append((t, float("nan"), 1))
            for kind, pdf in made.items():
                n = pages(pdf)
                t = best(lambda: import_report(pdf), args.repeat)
                base = best(lambda: subprocess.run(["pdftotext", "-q", str(pdf), "-"], check=True,
                                                   capture_output=True), args.repeat)
                rows.setdefault(kind, []).append((t, base, n))
    print(f"{'input':<22}{'pages':>6}{'import s/page':>15}{'pdftotext s/page':>18}{'ratio':>8}")
    for kind, vals in rows.items():
        n = statistics.mean(v[2] for v in vals)
        per = statistics.median(v[0] / v[2] for v in vals)
        base = statistics.median(v[1] / v[2] for v in vals)
        label = "(whole file)" if kind.startswith("Word") else f"{per / base:7.0f}x"
        print(f"{kind:<22}{n:>6.1f}{per:>15.3f}{base:>18.4f}{label:>8}" if base == base else
              f"{kind:<22}{'-':>6}{per:>15.3f}{'-':>18}{label:>14}")


if __name__ == "__main__":
    main()
