"""One disk cache for derived arrays (built networks, contracted graphs, KD-trees).

An entry is a ``.npz`` file ``<name>-<key>.npz`` in :func:`~spreiding.data.config.cache_dir`
(``SPREIDING_CACHE_DIR``, else the platform's user cache folder; never the data
folder, never the source tree). The key is deterministic: :func:`cache_key`
digests its parts by *content*, the same in every process and on every
machine.

- A :class:`pathlib.Path` part is a file, hashed by its bytes (sha256,
  streamed). The digest is memoised per ``(path, size, mtime_ns, ctime_ns,
  inode)``, within the process and across processes in ``file-digests.json``
  in the cache folder (as git's index does), so a 50 MB GeoPackage is read
  once, not on every warm run; a file that changes gets a new ``stat`` and is
  hashed again.
- Every other part is serialised canonically: sets and frozensets as sorted
  tuples, mappings sorted by key, dataclasses field by field, numpy arrays by
  dtype, shape and bytes. ``repr`` is never used (the ``repr`` of a set
  depends on the process's hash seed).
- The caller adds the version of its build code (a ``BUILD_VERSION`` constant
  it bumps, and the source files of the modules that build the entry as
  :class:`~pathlib.Path` parts), so changed build code never reads a stale
  entry.

Writes are atomic (temporary file + rename). A damaged entry is ignored with a
warning and rebuilt; an unwritable cache folder logs a warning and the
computation carries on without the cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from spreiding.data.config import cache_dir

__all__ = ["CACHE_FORMAT", "cache_key", "file_digest", "load_arrays", "save_arrays"]

logger = logging.getLogger(__name__)

CACHE_FORMAT = "1"  # layout of the entries themselves; bump when load/save change
_KEY_CHARS = 32
_CHUNK_BYTES = 1 << 20
_KEEP_PER_NAME = 3  # entries kept per name; older keys are removed when a new one is written
_DIGEST_INDEX = "file-digests.json"
_KEEP_DIGESTS = 512  # entries of the digest index (the most recently added are kept)
_RACY_NS = 3_000_000_000  # a file changed less than 3 s ago is not remembered: on a file system with coarse
# timestamps a second change within the same tick would keep its stat (git's "racy" entries)
_file_digests: dict[tuple[str, int, int, int, int], str] = {}
_indexes: dict[str, dict[str, list[Any]]] = {}  # per cache folder: its digest index, read once


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _digest_index() -> dict[str, list[Any]]:
    """The cache folder's digest index (``{path: [size, mtime_ns, ctime_ns, inode, digest]}``), read once."""
    folder = str(cache_dir())
    if folder not in _indexes:
        try:
            raw = json.loads((Path(folder) / _DIGEST_INDEX).read_text(encoding="utf-8"))
            _indexes[folder] = {str(k): v for k, v in raw.items() if isinstance(v, list) and len(v) == 5}
        except (OSError, ValueError, AttributeError):
            _indexes[folder] = {}
    return _indexes[folder]


def _remember(path: str, stat_key: tuple[int, int, int, int], digest: str) -> None:
    """Add a digest to the persistent index (atomic write; an unwritable cache folder is skipped)."""
    index = _digest_index()
    index.pop(path, None)
    index[path] = [*stat_key, digest]
    for stale in list(index)[: max(0, len(index) - _KEEP_DIGESTS)]:
        del index[stale]
    target = cache_dir() / _DIGEST_INDEX
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(index), encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        logger.debug("kan de digest-index %s niet schrijven: %s", target, exc)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def file_digest(path: str | os.PathLike[str]) -> str:
    """Return the sha256 hex digest of a file's bytes, memoised per path and ``stat`` (see the module docstring).

    Parameters
    ----------
    path
        An existing file.

    Returns
    -------
    str
        The hex digest.
    """
    p = Path(path).resolve()
    stat = p.stat()
    stat_key = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    memo = (str(p), *stat_key)
    if memo not in _file_digests:
        known = _digest_index().get(str(p))
        if known is not None and tuple(known[:4]) == stat_key and isinstance(known[4], str):
            _file_digests[memo] = known[4]
        else:
            _file_digests[memo] = _hash_file(p)
            if time.time_ns() - stat.st_mtime_ns > _RACY_NS:  # see _RACY_NS
                _remember(str(p), stat_key, _file_digests[memo])
    return _file_digests[memo]


def _canonical(value: Any) -> Any:
    """A JSON-serialisable structure that is the same for equal values in every process."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return ["float", value.hex()]
    if isinstance(value, Path):
        return ["file", file_digest(value)]
    if isinstance(value, bytes):
        return ["bytes", hashlib.sha256(value).hexdigest()]
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        return ["array", data.dtype.str, list(data.shape), hashlib.sha256(data.tobytes()).hexdigest()]
    if isinstance(value, np.generic):
        return _canonical(value.item())
    if isinstance(value, enum.Enum):
        return ["enum", type(value).__qualname__, _canonical(value.value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [[f.name, _canonical(getattr(value, f.name))] for f in dataclasses.fields(value)]
        return ["dataclass", type(value).__qualname__, fields]
    if isinstance(value, set | frozenset):
        return ["set", sorted((_canonical(v) for v in value), key=_dump)]
    if isinstance(value, Mapping):
        items = [[_canonical(k), _canonical(v)] for k, v in value.items()]
        return ["map", sorted(items, key=lambda kv: _dump(kv[0]))]
    if isinstance(value, tuple | list):
        return ["seq", [_canonical(v) for v in value]]
    msg = f"cache_key kan geen {type(value).__name__} verwerken; geef een Path, str, getal, set, mapping of dataclass"
    raise TypeError(msg)


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def cache_key(*parts: Any) -> str:
    """Return a deterministic key for an entry built from ``parts``.

    Parameters
    ----------
    *parts
        The inputs: files as :class:`pathlib.Path` (hashed by content) and
        values (see the module docstring), including the build code's version.

    Returns
    -------
    str
        32 hex characters; equal inputs give the same key in every process.
    """
    text = _dump(["spreiding-cache", CACHE_FORMAT, [_canonical(p) for p in parts]])
    return hashlib.sha256(text.encode()).hexdigest()[:_KEY_CHARS]


def _entry(name: str, key: str) -> Path:
    return cache_dir() / f"{name}-{key}.npz"


def load_arrays(name: str, key: str) -> dict[str, np.ndarray] | None:
    """Return the arrays of a cache entry, or ``None`` when it is absent or damaged.

    Parameters
    ----------
    name
        Kind of entry (``"network-car"``); part of the file name.
    key
        From :func:`cache_key`.

    Returns
    -------
    dict of str to numpy.ndarray or None
        The stored arrays, fully read; ``None`` means: build and save.
    """
    path = _entry(name, key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except Exception as exc:  # a damaged entry is rebuilt, never trusted
        logger.warning("beschadigd cachebestand %s genegeerd (%s); het wordt opnieuw gemaakt", path, exc)
        return None


def save_arrays(name: str, key: str, arrays: Mapping[str, np.ndarray]) -> Path | None:
    """Write a cache entry atomically; log a warning and carry on when the cache folder is unwritable.

    Parameters
    ----------
    name, key
        As for :func:`load_arrays`.
    arrays
        The arrays to store (no object arrays).

    Returns
    -------
    pathlib.Path or None
        The written file, or ``None`` when it could not be written.
    """
    target = _entry(name, key)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("xb") as fh:  # the umask's permissions, like any file the user writes
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        tmp.replace(target)
    except OSError as exc:
        logger.warning(
            "kan cachebestand %s niet schrijven (%s); verder zonder cache (zet SPREIDING_CACHE_DIR op een "
            "schrijfbare map)",
            target,
            exc,
        )
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return None
    _prune(name, keep=target)
    return target


def _prune(name: str, keep: Path) -> None:
    """Remove all but the newest entries of ``name`` (stale keys of older inputs or build code)."""
    try:
        entries = [p for p in keep.parent.glob(f"{name}-*.npz") if len(p.stem) == len(name) + 1 + _KEY_CHARS]
        entries.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError as exc:
        logger.debug("kan de cachebestanden van %s niet opsommen: %s", name, exc)
        return
    for path in [p for p in entries if p != keep][_KEEP_PER_NAME - 1 :]:
        try:
            path.unlink()
        except OSError as exc:
            logger.debug("kan verouderd cachebestand %s niet verwijderen: %s", path, exc)
