"""Progress bars for long runs, on stderr and only when a person is watching it."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import TypeVar

import click

T = TypeVar("T")


@contextlib.contextmanager
def progress(items: Sequence[T], label: str) -> Iterator[Iterator[T]]:
    """``with progress(files, "校验") as bar: for f in bar: …``.

    A bar in a log file or a pipe is noise (and breaks the tests' output), so it
    is drawn only when stderr is a terminal and there is more than a handful to do.
    """
    if len(items) < 5 or not _stderr_is_tty():
        yield iter(items)
        return
    with click.progressbar(items, label=label, file=sys.stderr, show_pos=True,
                           show_eta=True, width=30) as bar:
        yield iter(bar)


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
