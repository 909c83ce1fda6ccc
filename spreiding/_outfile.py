"""Where an output may go, and writing it atomically: the one guard every writer uses.

An output never lands on an input of the run, never replaces an existing file
without ``force``, never creates folders, and a folder that cannot be written
(read-only, ``/proc``) is refused before any computation. A write that fails
anyway raises :class:`~spreiding.errors.OutputError` with a Dutch message,
never a traceback, and leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from spreiding.errors import ConfigError, OutputError

__all__ = ["atomic_write", "check_targets", "same_file"]


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (hard links and symlinks included)."""
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _check_folder(folder: Path, name: str) -> None:
    if not folder.is_dir():
        msg = f"de map {folder} bestaat niet; maak die eerst aan of kies een bestaande map voor {name}"
        raise ConfigError(msg)
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        msg = f"kan niet schrijven in de map {folder} ({exc.strerror or exc}); kies een map waarin u mag schrijven"
        raise ConfigError(msg) from exc


def check_targets(
    targets: Sequence[Path], *, force: bool = False, inputs: Sequence[str | os.PathLike[str]] = ()
) -> None:
    """Refuse outputs that would overwrite an input, a folder or (without ``force``) an existing file.

    Parameters
    ----------
    targets
        The files one output writes (e.g. a CSV and its sources sidecar); all in one folder.
    force
        Allow replacing existing files (never an input).
    inputs
        Files the run reads.

    Raises
    ------
    ConfigError
        Missing or unwritable folder, an input file, a folder, or an existing file without ``force``.
    """
    if not targets:
        return
    first = targets[0]
    _check_folder(first.parent if str(first.parent) else Path(), first.name)
    for target in targets:
        if any(same_file(target, Path(i)) for i in inputs):
            msg = f"{target} is een invoerbestand van deze berekening; kies een andere naam voor de uitvoer"
            raise ConfigError(msg)
        if target.is_dir():
            msg = f"{target} is een map, geen bestand; geef een bestandsnaam"
            raise ConfigError(msg)
        if target.exists() and not force:
            msg = f"{target} bestaat al; kies een andere naam of overschrijf het met --force"
            raise ConfigError(msg)
        if target.exists() and not os.access(target, os.W_OK):
            msg = f"{target} is alleen-lezen; kies een andere naam of maak het bestand schrijfbaar"
            raise ConfigError(msg)


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path`` (the old file stays on failure).

    Raises
    ------
    OutputError
        The file could not be written (disk full, no permission, ...).
    """
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        msg = f"kan {path} niet schrijven ({exc.strerror or exc}); kies een andere map"
        raise OutputError(msg) from exc
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        temp.replace(path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        msg = f"kan {path} niet schrijven ({exc.strerror or exc}); er is niets veranderd aan een bestaand bestand"
        raise OutputError(msg) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
