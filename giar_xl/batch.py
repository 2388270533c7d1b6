"""Many files, every core: ``map_files(func, items, jobs)`` yields ``func(item)`` in input order.

Reading and checking a workbook is pure Python and holds the GIL, so a batch runs in
worker processes (started with "spawn": the same on Windows, where the clerks are).
What it promises the commands built on it (``validate DIR``, ``aggregate``):

- Results come in the order of ``items``, each as soon as it and those before it are
  done (a window of chunks in flight), so a caller writes output as it goes and
  memory does not grow with the number of files.
- ``func`` is sent to each worker once (it may carry last year's reports, an index…);
  each task carries only its items. ``func``, the items and the results must pickle.
- An exception in ``func`` never stops the batch: ``on_error(item, exception)``, called
  in the worker, turns it into that item's result (without ``on_error``: a ``Failed``).
  A worker that dies outright (out of memory, a crash in a C library) breaks the pool:
  the items that were in flight are run again one at a time in a fresh worker, so
  the one that kills it is found and gets an error result, and the rest carry on.
  When no worker can start at all (an embedding program whose main module a worker
  cannot import again), the batch goes on in this process.
- Ctrl-C: workers ignore SIGINT (the terminal sends it to the whole process group),
  from their start on (see ``_submit``); the parent stops them, drops what is pending
  and raises ``KeyboardInterrupt`` for the command line to end cleanly ("已中止。").
  A caller that writes its output file atomically (``fileio.atomic_path``) leaves
  nothing half written.

Few items run in this process (a pool costs a few hundred milliseconds to start).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # imported when a pool starts: one file checks without them
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

POOL_FROM = 16  # items; below this a pool costs more than it saves (unless jobs is given)
CHUNK_MAX = 8  # items per task: enough to hide the cost of a task, few enough to stream
IN_FLIGHT = 4  # chunks per worker submitted ahead of the one being waited for
WORKER_DIED = "处理该文件的进程意外退出（文件可能过于复杂，或内存不足），已跳过。"


def default_jobs() -> int:
    """The cores this process may use."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return max(1, counter() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Failed(Generic[T]):
    """An item whose ``func`` raised (or whose worker died), when no ``on_error`` was given."""

    item: T
    error: str  # "TypeError: …", or WORKER_DIED


class WorkerDied(Exception):
    """The worker process running an item ended without an answer."""

    def __init__(self) -> None:
        super().__init__(WORKER_DIED)


def map_files(func: Callable[[T], R], items: Sequence[T], jobs: int | None = None, *,
              on_error: Callable[[T, BaseException], R] | None = None) -> Iterator[Any]:
    """``func(item)`` for every item, in input order, streamed (see the module's notes).

    ``jobs``: worker processes; None uses every core for a batch of ``POOL_FROM``
    items or more and this process for fewer; 1 always runs here.
    """
    items = list(items)
    if jobs is None:
        jobs = default_jobs() if len(items) >= POOL_FROM else 1
    jobs = max(1, min(jobs, len(items)))
    if jobs == 1:
        return (_call(func, on_error, item) for item in items)
    return _pooled(func, on_error, items, jobs)


# ------------------------------------------------------------------ workers
_FUNC: Callable[[Any], Any] | None = None
_ON_ERROR: Callable[[Any, BaseException], Any] | None = None


def _install(func: Callable[[Any], Any], on_error: Callable[[Any, BaseException], Any] | None) -> None:
    """Worker start: ignore Ctrl-C (the parent decides) and keep the function for every task."""
    import signal

    global _FUNC, _ON_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C pending since start-up is dropped
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _FUNC, _ON_ERROR = func, on_error


def _call(func: Callable[[T], R], on_error: Callable[[T, BaseException], R] | None, item: T) -> Any:
    try:
        return func(item)
    except Exception as e:  # one bad file must not stop the batch
        return _failed(on_error, item, e)


def _failed(on_error: Callable[[Any, BaseException], Any] | None, item: Any, e: BaseException) -> Any:
    if on_error is not None:
        return on_error(item, e)
    return Failed(item, str(e) if isinstance(e, WorkerDied) else f"{type(e).__name__}: {e}")


def _run_chunk(chunk: list[Any]) -> list[Any]:
    assert _FUNC is not None
    return [_call(_FUNC, _ON_ERROR, item) for item in chunk]


# ------------------------------------------------------------------ the pool
def _new_pool(jobs: int, func: Callable[[Any], Any],
              on_error: Callable[[Any, BaseException], Any] | None) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_install, initargs=(func, on_error))


def _submit(pool: ProcessPoolExecutor, fn: Callable[..., Any], *args: Any) -> Future:
    """A task. Workers start on a pool's first tasks; SIGINT is blocked meanwhile, so they
    start with it blocked (the mask survives exec) and a Ctrl-C the terminal sends to the
    whole process group waits in them until ``_install`` discards it, instead of breaking
    into their start-up with a traceback. Here it waits the moment the call takes, then
    interrupts as usual."""
    import signal
    import threading

    block = getattr(signal, "pthread_sigmask", None)
    if block is None or threading.current_thread() is not threading.main_thread():
        return _submitted(pool, fn, *args)  # Windows: no signal masks
    old = block(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return _submitted(pool, fn, *args)
    finally:
        block(signal.SIG_SETMASK, old)


def _submitted(pool: ProcessPoolExecutor, fn: Callable[..., Any], *args: Any) -> Future:
    """``pool.submit``; a pool a worker broke meanwhile gives a future that says so (its
    items are then suspects like those in flight), not an exception here."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(fn, *args)
    except BrokenProcessPool as e:
        failed: Future = Future()
        failed.set_exception(e)
        return failed


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now (Ctrl-C, a broken pool, a caller that stopped reading)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(5)
    # the pool's manager thread sees its workers gone and ends: wait for it, or it could still
    # be closing its wake-up pipe when the interpreter, exiting, wakes it (a traceback)
    if manager is not None:
        manager.join(10)


def _chunk_size(n: int, jobs: int) -> int:
    return max(1, min(CHUNK_MAX, n // (jobs * IN_FLIGHT * 2)))


def _pooled(func: Callable[[Any], Any], on_error: Callable[[Any, BaseException], Any] | None,
            items: list[Any], jobs: int) -> Iterator[Any]:
    from concurrent.futures.process import BrokenProcessPool

    size = _chunk_size(len(items), jobs)
    window = jobs * IN_FLIGHT
    pool = _new_pool(jobs, func, on_error)
    pending: deque[tuple[list[Any], Future]] = deque()
    next_item = 0
    try:
        while pending or next_item < len(items):
            while next_item < len(items) and len(pending) < window:
                chunk = items[next_item:next_item + size]
                next_item += len(chunk)
                pending.append((chunk, _submit(pool, _run_chunk, chunk)))
            chunk, future = pending[0]
            try:
                results = future.result()
            except BrokenProcessPool:
                # a worker died: every chunk not yet answered is suspect; find the item
                suspects = [item for c, _ in pending for item in c]
                pending.clear()
                _stop(pool)
                if not _workers_start(func, on_error):  # not the items: no worker can run here
                    yield from (_call(func, on_error, item) for item in suspects + items[next_item:])
                    return
                yield from _isolate(func, on_error, suspects)
                pool = _new_pool(jobs, func, on_error)
                continue
            except Exception as e:  # a result that would not pickle, a task that could not be sent
                results = [_failed(on_error, item, e) for item in chunk]
            pending.popleft()
            yield from results
    except BaseException:  # Ctrl-C, or the caller stopped reading: end the workers now
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _nothing() -> None:
    return None


def _workers_start(func: Callable[[Any], Any], on_error: Callable[[Any, BaseException], Any] | None) -> bool:
    """Whether a worker can start and answer at all (it cannot when, say, the main module of
    an embedding program cannot be imported again): else the batch runs in this process."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _new_pool(1, func, on_error)
    try:
        _submit(pool, _nothing).result()
    except BrokenProcessPool:
        _stop(pool)
        return False
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return True


def _isolate(func: Callable[[Any], Any], on_error: Callable[[Any, BaseException], Any] | None,
             items: list[Any]) -> Iterator[Any]:
    """Run items one at a time in a single worker; the one whose worker dies gets an error."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _new_pool(1, func, on_error)
    try:
        for item in items:
            try:
                result = _submit(pool, _run_chunk, [item]).result()[0]
            except BrokenProcessPool:
                _stop(pool)
                result = _failed(on_error, item, WorkerDied())
                pool = _new_pool(1, func, on_error)
            except Exception as e:
                result = _failed(on_error, item, e)
            yield result
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
