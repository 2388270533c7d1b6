"""A bounded load test of giar-xl serve on loopback (the full one: scripts/bench_serve.py).

60 uploads from 12 concurrent clients: every answer is the command line's JSON for that
workbook, no temporary file is left, and the memory of the server and its workers stays flat.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from serve_helpers import LiveServer

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_serve.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_serve", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_serve"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_concurrent_uploads_all_correct_nothing_left_memory_flat(bench, tmp_path):
    books = bench.make_books(tmp_path, 6)
    assert len({json_key(b.expected) for b in books}) > 1  # the books differ in their findings
    with LiveServer(tmp_path / "server-tmp") as server:
        bench.load(server.url, books, 12, 12)  # warm-up: every worker has run
        before = server.rss_kib()
        figures = bench.load(server.url, books, 60, 12)
        after = server.rss_kib()
        assert figures.wrong == []
        assert len(figures.latencies) == 60
        assert server.leftovers() == []
        assert after - before < 40 * 1024, (before, after)
        assert server.alive()


def json_key(doc: dict) -> str:
    import json

    return json.dumps(doc["files"][0]["findings"], sort_keys=True, ensure_ascii=False)
