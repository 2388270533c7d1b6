"""A pool of worker processes, one per core: the checker never runs on the event loop.

Processes, not threads: reading and checking a workbook is pure Python and holds
the GIL. Workers are started with "spawn" (no fork of a running event loop, and
the same on Windows). A worker that dies (out of memory, killed) breaks a
``ProcessPoolExecutor`` for good; the pool is then replaced and the request
that saw it gets a Chinese message, so the server keeps serving.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any

from . import jobs


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class WorkerPool:
    def __init__(self, workers: int, tmp_root: str | None = None):
        self.workers = workers
        self.tmp_root = tmp_root
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=jobs.warm_up, initargs=(self.tmp_root,))

    def start(self) -> None:
        """Start every worker now, so the first clerk does not wait for the imports."""
        for future in [self._pool.submit(jobs.warm_up, self.tmp_root) for _ in range(self.workers)]:
            future.result()

    async def run(self, job: Callable[..., jobs.Outcome], *args: Any, **kwargs: Any) -> jobs.Outcome:
        pool = self._pool
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(pool, partial(job, *args, **kwargs))
        except BrokenProcessPool:
            return self._replace(pool)
        try:
            # shielded: a client that goes away must not let the request's folder be removed
            # while a worker still reads or writes in it
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            await asyncio.wait([future])
            raise
        except BrokenProcessPool:
            return self._replace(pool)

    def _replace(self, broken: ProcessPoolExecutor) -> jobs.Outcome:
        if self._pool is broken:
            self._pool = self._new()
            broken.shutdown(wait=False, cancel_futures=True)
        return jobs.error(500, "处理文件的进程意外退出（文件可能过于复杂，或服务器内存不足），请稍后重试。")

    def pids(self) -> list[int]:
        return [p.pid for p in getattr(self._pool, "_processes", {}).values()]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
