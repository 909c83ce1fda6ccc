"""Progress bars for long work (tqdm), quiet when disabled or not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tqdm.auto import tqdm

__all__ = ["progress_bar", "steps"]

T = TypeVar("T")


def _enabled(progress: bool) -> bool:
    return progress and sys.stderr is not None


def progress_bar(iterable: Iterable[T], *, desc: str, total: int | None = None, progress: bool = True) -> Iterable[T]:
    """Wrap ``iterable`` in a tqdm bar when ``progress`` is true."""
    if not _enabled(progress):
        return iterable
    return tqdm(iterable, desc=desc, total=total, leave=False)


@contextmanager
def steps(desc: str, total: int, *, progress: bool = True) -> Iterator[tqdm | None]:
    """Yield a tqdm bar with ``total`` named steps (``bar.update()``; ``bar.set_postfix_str``)."""
    if not _enabled(progress):
        yield None
        return
    bar = tqdm(total=total, desc=desc, leave=False)
    try:
        yield bar
    finally:
        bar.close()


def advance(bar: tqdm | None, label: str) -> None:
    """Advance a :func:`steps` bar by one and show ``label``."""
    if bar is not None:
        bar.set_postfix_str(label)
        bar.update(1)
