"""Answers to repeated questions: what a ``coverage`` run printed, kept by the content of all it read.

``spreiding coverage`` on unchanged inputs with the same options prints the
same text. The first run computes it and stores the printed lines and the
warnings it logged in the cache folder (one entry of :mod:`spreiding._cache`);
a repeated run prints them again without loading pandas, geopandas, the
population or the network: about 0,2 s for the whole process instead of 3 s.

The key (:func:`answer_key`) holds everything the printed text depends on:

- the command and every option as parsed (not ``--no-progress``, ``-v`` or
  ``--no-cache``, which change no figure);
- today's date (the peildatum defaults to today, so an answer lives one day
  at most);
- the content (sha256) of every file the run reads, i.e. the region's files
  in the data folder and the files named by options; the other files of the
  data folder by name, size and modification time; a missing file as missing;
- the content of the package's own files (code and region manifests), the
  Python version and the versions of the libraries that compute the figures;
- the ``SPREIDING_*`` environment variables (except the cache settings).

Not answered from the cache: runs that write files (they must write), runs
with ``--no-cache`` (they compute and store anew), and every run when
``SPREIDING_ANSWER_CACHE=0``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["ANSWER_ENV_VAR", "Recorder", "answer_key", "recall", "record", "remember"]

logger = logging.getLogger(__name__)

ANSWER_ENV_VAR = "SPREIDING_ANSWER_CACHE"
"""``0`` switches the answer cache off (every run computes)."""

_ENTRY = "answer"
_NOT_IN_KEY = frozenset({"func", "no_progress", "verbose", "no_cache", "force"})
_ENV_NOT_IN_KEY = frozenset({ANSWER_ENV_VAR, "SPREIDING_CACHE_DIR"})
_LIBRARIES = ("numpy", "pandas", "scipy", "geopandas", "shapely", "pyproj", "pyogrio", "osmnx", "networkx")
_PACKAGE = Path(__file__).resolve().parents[1]


def enabled(args: argparse.Namespace) -> bool:
    """Whether this run may be answered from, and stored in, the answer cache."""
    return os.environ.get(ANSWER_ENV_VAR, "1") != "0" and not getattr(args, "no_cache", False)


def _versions() -> list[str]:
    found = []
    for name in _LIBRARIES:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return found


def _package_files() -> list[Path]:
    return sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def _file_part(path: Path) -> Any:
    return path if path.is_file() else ["missing", str(path)]


def _folder_listing(root: Path, hashed: set[Path]) -> list[list[Any]]:
    """Name, size and modification time of every other file under the data folder."""
    rows = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            p = Path(folder, name).resolve()
            if p not in hashed:
                st = p.stat()
                rows.append([str(p), st.st_size, st.st_mtime_ns])
    return sorted(rows)


def answer_key(command: str, args: argparse.Namespace) -> str | None:
    """The key of this run's answer, or ``None`` when the inputs cannot be named (then the run computes).

    Parameters
    ----------
    command
        The sub-command (``"coverage"``).
    args
        Its parsed options.
    """
    from spreiding._cache import cache_key
    from spreiding.cli._common import input_files
    from spreiding.data.config import data_paths
    from spreiding.errors import SpreidingError

    try:
        root = data_paths(getattr(args, "data_dir", None)).root.resolve()
        files = sorted({Path(f).resolve() for f in input_files(args)})
        listing = _folder_listing(root, set(files)) if root.is_dir() else ["missing", str(root)]
        options = {k: v for k, v in sorted(vars(args).items()) if k not in _NOT_IN_KEY}
        env = {k: v for k, v in sorted(os.environ.items()) if k.startswith("SPREIDING_") and k not in _ENV_NOT_IN_KEY}
        return cache_key(
            "answer-2",
            command,
            options,
            dt.date.today().isoformat(),
            str(root),
            [_file_part(p) for p in files],
            listing,
            [_file_part(p) for p in _package_files()],
            sys.version,
            _versions(),
            env,
        )
    except (OSError, SpreidingError, TypeError) as exc:  # an unreadable input: the computation says what is wrong
        logger.debug("geen antwoordsleutel (%s); er wordt gerekend", exc)
        return None


def recall(key: str | None) -> tuple[list[str], list[tuple[int, str, str]]] | None:
    """The stored answer: printed lines and logged ``(level, logger, message)`` triples, or ``None``."""
    if key is None:
        return None
    from spreiding._cache import load_arrays

    stored = load_arrays(_ENTRY, key)
    if stored is None:
        return None
    try:
        lines = [str(s) for s in stored["lines"].tolist()]
        levels, names, messages = (stored[k].tolist() for k in ("log_levels", "log_names", "log_messages"))
        logs = [(int(lv), str(n), str(m)) for lv, n, m in zip(levels, names, messages, strict=True)]
    except (KeyError, ValueError, TypeError) as exc:
        logger.warning("onbruikbaar antwoord in de cache genegeerd (%s); er wordt opnieuw gerekend", exc)
        return None
    return lines, logs


class Recorder(logging.Handler):
    """Collects the warnings a run logs (to store them with its answer)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[tuple[int, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.name, record.getMessage()))


@contextmanager
def record() -> Iterator[Recorder]:
    """Collect the warnings logged inside the block (they are still shown as usual)."""
    recorder = Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    try:
        yield recorder
    finally:
        root.removeHandler(recorder)


def remember(key: str | None, lines: list[str], logs: list[tuple[int, str, str]]) -> None:
    """Store an answer (an unwritable cache folder is logged by the cache and skipped)."""
    if key is None:
        return
    import numpy as np

    from spreiding._cache import save_arrays

    save_arrays(
        _ENTRY,
        key,
        {
            "lines": np.array(lines, dtype=str),
            "log_levels": np.array([lv for lv, _, _ in logs], dtype=np.int64),
            "log_names": np.array([n for _, n, _ in logs], dtype=str),
            "log_messages": np.array([m for _, _, m in logs], dtype=str),
        },
    )


def replay(answer: tuple[list[str], list[tuple[int, str, str]]], echo: Callable[[str], None] = print) -> None:
    """Log the stored warnings again and print the stored lines."""
    lines, logs = answer
    for level, name, message in logs:
        logging.getLogger(name).log(level, "%s", message)
    logger.info("antwoord uit de cache: dezelfde vraag op ongewijzigde gegevens (--no-cache rekent opnieuw)")
    for line in lines:
        echo(line)
