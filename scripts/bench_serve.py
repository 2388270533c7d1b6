#!/usr/bin/env python3
"""Load test of `giar-xl serve` on loopback (figures for issue 16).

Starts the server as a county would (`python -m giar_xl serve --port 0`, its own TMPDIR),
then N uploads to /api/validate from C concurrent clients, each upload one of a few
different workbooks. Every answer is compared with what the command line's code gives
for that workbook; afterwards no temporary file may be left, and the memory of the
server and its workers is compared before and after.

Usage: python scripts/bench_serve.py [--requests 200] [--clients 20] [--workers N] [--books 8]
Only 127.0.0.1 is ever contacted; the run is bounded by --requests and stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import httpx  # noqa: E402

from bench_validate import filled_workbook  # noqa: E402
from giar_xl.checker import render_json  # noqa: E402
from giar_xl.commands.validate import check_file  # noqa: E402


@dataclass
class Book:
    name: str
    data: bytes
    expected: dict  # the command line's JSON for it, with the file named as uploaded


@dataclass
class Figures:
    requests: int
    clients: int
    seconds: float
    latencies: list[float]
    wrong: list[str]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def make_books(folder: Path, count: int) -> list[Book]:
    """Different filled workbooks (different findings), as a county's clerks would send."""
    books = []
    for i in range(count):
        path = filled_workbook(folder / f"单位{i:02d}.xlsx", i)
        expected = json.loads(render_json([check_file(str(path), None)]))
        expected["files"][0]["file"] = path.name
        books.append(Book(path.name, path.read_bytes(), expected))
    return books


def load(url: str, books: list[Book], requests: int, clients: int) -> Figures:
    """``requests`` uploads from ``clients`` threads, each with its own connection."""
    latencies: list[float] = []
    wrong: list[str] = []
    lock = threading.Lock()
    local = threading.local()

    def one(i: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=url, timeout=300)
        book = books[i % len(books)]
        start = time.perf_counter()
        try:
            r = client.post("/api/validate", files={"file": (book.name, book.data)})
            ok = r.status_code == 200 and r.json() == book.expected
            why = f"{book.name}: HTTP {r.status_code}" if not ok else ""
        except httpx.HTTPError as e:
            ok, why = False, f"{book.name}: {type(e).__name__}"
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)
            if not ok:
                wrong.append(why)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(requests)))
    return Figures(requests, clients, time.perf_counter() - start, latencies, wrong)


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the worker pool), from /proc."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        pids += [int(c) for c in (task / "children").read_text().split()]
    for p in pids:
        try:
            m = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{p}/status").read_text(), re.M)
        except FileNotFoundError:
            continue
        total += int(m.group(1)) if m else 0
    return total


def start_server(tmp: Path, workers: int | None) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "giar_xl", "serve", "--port", "0"]
    if workers:
        args += ["--workers", str(workers)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
                            encoding="utf-8")
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.search(r"已启动：(http://\S+?/)", line)
        if m:
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
            return proc, m.group(1)
    raise SystemExit("giar-xl serve did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=None, help="server worker processes (default: cores)")
    ap.add_argument("--books", type=int, default=8, help="different workbooks uploaded in turn")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="giar-bench-serve-") as tmp:
        books = make_books(Path(tmp), args.books)
        server_tmp = Path(tmp) / "server-tmp"
        server_tmp.mkdir()
        proc, url = start_server(server_tmp, args.workers)
        try:
            load(url, books, args.clients, args.clients)  # warm-up: every worker has run
            before = rss_kib(proc.pid)
            figures = load(url, books, args.requests, args.clients)
            after = rss_kib(proc.pid)
            left = [p for p in server_tmp.rglob("*") if not (p.is_dir() and p.parent == server_tmp)]
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(60)
        lat = figures.latencies
        print(f"giar-xl serve, {os.cpu_count()} cores, workers={args.workers or os.cpu_count()}: "
              f"{figures.requests} uploads of {len(books)} different workbooks "
              f"(~{statistics.mean(len(b.data) for b in books) / 1024:.0f} KB), {figures.clients} concurrent clients")
        print(f"  requests/s      {figures.per_second:8.1f}")
        print(f"  latency p50     {statistics.median(lat) * 1000:8.0f} ms")
        print(f"  latency p95     {figures.percentile(95) * 1000:8.0f} ms")
        print(f"  latency max     {max(lat) * 1000:8.0f} ms")
        print(f"  wrong answers   {len(figures.wrong):8d}")
        print(f"  temp files left {len(left):8d}")
        print(f"  memory (server + workers) before {before / 1024:.0f} MB, after {after / 1024:.0f} MB "
              f"({(after - before) / 1024:+.0f} MB)")
        if figures.wrong or left:
            raise SystemExit(f"FAILED: {figures.wrong[:5]} {left[:5]}")


if __name__ == "__main__":
    main()
