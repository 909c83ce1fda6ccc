"""``spreiding fetch``: download a region's public input files.

A region's manifest (its region file ``spreiding/data/regions/<region>.json``,
see :mod:`spreiding.data.regions`) lists
:class:`RemoteFile` entries: where each file comes from, where it goes inside
the data folder, how to check it (sha256, or the md5 file that Geofabrik
publishes next to every extract) and under which licence it may be used.
Files that cannot be downloaded (the hand-compiled library list) are entries
with ``"manual": true``; :func:`fetch` reports them as "provide by hand" and
carries on.

Downloads use only :mod:`urllib.request`: each file streams in chunks into a
temporary file in the destination folder, is checked, and is then moved into
place atomically with :func:`os.replace`, so an interrupted or corrupt
download never replaces a good file. Third-party data is never committed to
the repository; ``data/`` holds only README files.

After the downloads, :func:`fetch_region` runs
:func:`spreiding.data.prepare.prepare_region`, which turns the national downloads
into the region's files the loaders read (see :mod:`spreiding.data.prepare`).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import logging
import os
import re
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath
from typing import Any

from tqdm.auto import tqdm

from spreiding.data.config import ENV_VAR, user_data_dir
from spreiding.data.regions import available_regions, read_manifest, read_region_json, region_file
from spreiding.errors import ConfigError, DownloadError
from spreiding.vocabulary import fmt_int

__all__ = [
    "RemoteFile",
    "available_regions",
    "default_fetch_dir",
    "fetch",
    "fetch_region",
    "file_digest",
    "load_manifest",
    "missing_manual",
    "read_manifest",
]

logger = logging.getLogger(__name__)

_CHUNK_BYTES = 1 << 20
_USER_AGENT = "spreiding-fetch/0.1 (+https://github.com/; python urllib)"
_MD5_RE = re.compile(r"\b([0-9a-fA-F]{32})\b")
_SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class RemoteFile:
    """One input file of a region.

    Parameters
    ----------
    name
        Short identifier (``"osm_drenthe"``).
    url
        Direct download address; ``""`` for manual files.
    dest
        Path relative to the data folder, with ``/`` separators
        (``"osm/drenthe-latest.osm.pbf"``).
    sha256
        Expected SHA-256 hex digest, when fixed and known.
    md5_url
        Address of a published md5 file (``"<hex>  <name>"``) to check
        against, used when ``sha256`` is not given.
    size_hint
        Approximate size in bytes, for messages only.
    description
        What the file is.
    licence
        Under which licence it may be used.
    manual
        True when the file cannot be downloaded and must be provided by hand.
    optional
        True when the file is not needed by default (``fetch_region`` skips
        it unless ``include_optional``).
    note
        How to obtain a manual file, or other remarks.
    """

    name: str
    url: str
    dest: str
    sha256: str | None = None
    md5_url: str | None = None
    size_hint: int | None = None
    description: str = ""
    licence: str = ""
    manual: bool = False
    optional: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        dest = PurePosixPath(self.dest)
        if not self.dest or dest.is_absolute() or ".." in dest.parts or "\\" in self.dest:
            msg = (
                f"regiobestand: bestand {self.name!r} heeft dest {self.dest!r}; "
                "geef een relatief pad binnen de datamap, zoals 'osm/x.osm.pbf'"
            )
            raise ConfigError(msg)
        if not self.manual and not self.url.startswith(("http://", "https://")):
            msg = (
                f"regiobestand: bestand {self.name!r} heeft geen http(s)-url ({self.url!r}); "
                'geef een url of zet "manual": true (met de hand aanleveren)'
            )
            raise ConfigError(msg)
        if self.sha256 is not None and not _SHA256_RE.match(self.sha256):
            msg = (
                f"regiobestand: bestand {self.name!r} heeft sha256 {self.sha256!r}; geef 64 hexadecimale tekens of null"
            )
            raise ConfigError(msg)

    def path_in(self, data_dir: str | os.PathLike[str]) -> Path:
        """Return where this file lives inside ``data_dir``."""
        return Path(data_dir).joinpath(*PurePosixPath(self.dest).parts)


def load_manifest(
    region: str | os.PathLike[str] | None = None, *, include_optional: bool = False
) -> tuple[RemoteFile, ...]:
    """Read the file entries of ``region``'s manifest.

    Parameters
    ----------
    region
        Region name (``spreiding/data/regions/<region>.json``), the path of a
        manifest JSON file, or ``None`` for the default region.
    include_optional
        Also return the entries marked ``"optional": true`` (500 m grid,
        PC4 statistics, EU census grid); by default only the files the
        region needs (its OSM extract and those of the provinces within its
        ring, the CBS files).

    Returns
    -------
    tuple of RemoteFile
        The entries in manifest order.

    Raises
    ------
    ConfigError
        Unknown region, unreadable JSON or an invalid entry.
    """
    path = region_file(region)
    raw = read_region_json(path)
    entries = raw.get("files")
    if not isinstance(entries, list):
        msg = f"regiobestand {path} is ongeldig: de lijst 'files' ontbreekt; zet bovenaan een sleutel 'files' (lijst)"
        raise ConfigError(msg)
    known = {f.name for f in fields(RemoteFile)}
    files: list[RemoteFile] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            msg = f"regiobestand {path}, bestand {i} is geen object; geef name, url en dest"
            raise ConfigError(msg)
        unknown = sorted(set(entry) - known)
        if unknown:
            msg = (
                f"regiobestand {path}, bestand {i} heeft onbekende sleutel(s) {', '.join(unknown)}; "
                f"toegestaan: {', '.join(sorted(known))}"
            )
            raise ConfigError(msg)
        try:
            files.append(RemoteFile(**{"url": "", **entry}))
        except TypeError as exc:
            msg = f"regiobestand {path}, bestand {i} is onvolledig ({exc}); elk bestand heeft name en dest nodig"
            raise ConfigError(msg) from exc
    return tuple(f for f in files if include_optional or not f.optional)


def default_fetch_dir() -> Path:
    """Return the folder ``spreiding fetch`` downloads to (when ``--data-dir`` is not given).

    ``SPREIDING_DATA_DIR`` when set, otherwise the user data folder
    (:func:`~spreiding.data.config.user_data_dir`), which
    :func:`~spreiding.data.config.resolve_data_dir` falls back to. Never the
    source tree, never the read-only shared reference folder.
    """
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser().resolve() if env else user_data_dir()


def file_digest(path: str | os.PathLike[str], algorithm: str = "sha256") -> str:
    """Return the hex digest of a file, read in chunks."""
    digest = hashlib.new(algorithm)
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def missing_manual(files: Iterable[RemoteFile], data_dir: str | os.PathLike[str]) -> list[RemoteFile]:
    """Return the manual entries that are not yet present in ``data_dir``."""
    return [f for f in files if f.manual and not f.path_in(data_dir).exists()]


def _network_error(url: str, dest: Path, exc: BaseException) -> DownloadError:
    msg = (
        f"downloaden van {url} mislukt ({exc}); controleer de internetverbinding en probeer `spreiding fetch` "
        f"opnieuw, of download het bestand met de hand naar {dest}"
    )
    return DownloadError(msg)


def _open(url: str, timeout_s: float) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    return urllib.request.urlopen(request, timeout=timeout_s)  # http(s) only: checked in RemoteFile


def _published_md5(item: RemoteFile, dest: Path, timeout_s: float) -> str:
    """Download and parse the md5 file of ``item``."""
    assert item.md5_url is not None
    try:
        with _open(item.md5_url, timeout_s) as response:
            text = response.read(4096).decode("ascii", errors="replace")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise _network_error(item.md5_url, dest, exc) from exc
    match = _MD5_RE.search(text)
    if not match:
        msg = (
            f"controlebestand {item.md5_url} van {item.name} bevat geen md5-controlesom ({text[:60]!r}); "
            f"controleer de internetverbinding en probeer `spreiding fetch` opnieuw, of download het bestand met "
            f"de hand naar {dest}"
        )
        raise DownloadError(msg)
    return match.group(1).lower()


def _expected(item: RemoteFile, dest: Path, timeout_s: float) -> tuple[str, str] | None:
    """Return ``(algorithm, hexdigest)`` to check against, or None when unknown."""
    if item.sha256:
        return "sha256", item.sha256.lower()
    if item.md5_url:
        return "md5", _published_md5(item, dest, timeout_s)
    return None


def _download(item: RemoteFile, dest: Path, check: tuple[str, str] | None, *, progress: bool, timeout_s: float) -> None:
    """Stream ``item`` into a temp file next to ``dest``, verify, then replace ``dest``."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError as exc:
        msg = (
            f"kan niet schrijven in {dest.parent} ({exc}); geef een schrijfbare map met --data-dir "
            f"of zet {ENV_VAR} op een schrijfbare gegevensmap"
        )
        raise DownloadError(msg) from exc
    tmp = Path(tmp_name)
    digest = hashlib.new(check[0]) if check else None
    received = 0
    total: int | None = None
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with _open(item.url, timeout_s) as response:
                    length = response.headers.get("Content-Length")
                    total = int(length) if length and length.isdigit() else None
                    bar = tqdm(
                        total=total, unit="B", unit_scale=True, desc=item.name, disable=not progress, leave=False
                    )
                    with bar:
                        for chunk in iter(lambda: response.read(_CHUNK_BYTES), b""):
                            out.write(chunk)
                            if digest is not None:
                                digest.update(chunk)
                            received += len(chunk)
                            bar.update(len(chunk))
            except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as exc:
                raise _network_error(item.url, dest, exc) from exc
        if total is not None and received != total:
            msg = (
                f"downloaden van {item.url} stopte na {fmt_int(received)} van {fmt_int(total)} bytes; controleer de "
                f"internetverbinding en probeer `spreiding fetch` opnieuw, of download het bestand met de hand "
                f"naar {dest}"
            )
            raise DownloadError(msg)
        if check is not None and digest is not None:
            got = digest.hexdigest()
            if got != check[1]:
                msg = (
                    f"{item.name}: {check[0]}-controlesom van {item.url} klopt niet (verwacht {check[1]}, "
                    f"gekregen {got}); de download is weggegooid en {dest} is ongewijzigd; probeer `spreiding fetch` "
                    "later opnieuw of download het bestand met de hand"
                )
                raise DownloadError(msg)
        tmp.replace(dest)  # atomic within one folder (os.replace)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    logger.info("gedownload: %s (%s bytes) naar %s", item.name, fmt_int(received), dest)


def fetch(
    files: Iterable[RemoteFile],
    data_dir: str | os.PathLike[str],
    *,
    force: bool = False,
    progress: bool = True,
    timeout_s: float = 60,
) -> list[Path]:
    """Download the given files into ``data_dir``.

    Parameters
    ----------
    files
        Manifest entries (see :func:`load_manifest`).
    data_dir
        Data folder; each file goes to ``data_dir / entry.dest``.
    force
        Download again even when a good copy is present.
    progress
        Show a tqdm progress bar per download.
    timeout_s
        Socket timeout per connection, in seconds.

    Returns
    -------
    list of pathlib.Path
        Paths of the files that are present afterwards (downloaded, already
        there, or manual files that were provided), in manifest order.

    Raises
    ------
    DownloadError
        A download failed, was incomplete or has a wrong checksum. The
        temporary file is removed and an existing file is left untouched.

    Notes
    -----
    A present file is kept when its checksum matches, or when no checksum is
    known. A present file whose checksum does not match is downloaded again.
    When the md5 file cannot be fetched but the file is present, it is kept
    (with a warning) so that ``fetch`` works offline once everything is there.
    Manual entries are never downloaded: missing ones are logged as "provide
    by hand" and skipped.
    """
    root = Path(data_dir)
    present: list[Path] = []
    for item in files:
        dest = item.path_in(root)
        if item.manual:
            if dest.exists():
                present.append(dest)
            else:
                logger.warning(
                    "met de hand aanleveren: %s -> %s; dit bestand heeft geen openbare download, zet het zelf op die "
                    "plek (de opzet staat bij %r in het regiobestand)%s",
                    item.name,
                    dest,
                    item.name,
                    f". {item.note}" if item.note else "",
                )
            continue
        exists = dest.is_file()
        if exists and not force and item.sha256 is None and item.md5_url is None:
            logger.info("%s staat al in %s (geen controlesom om te vergelijken); overgeslagen", item.name, dest)
            present.append(dest)
            continue
        try:
            check = _expected(item, dest, timeout_s)
        except DownloadError:
            if exists and not force:
                logger.warning(
                    "%s: de controlesom is niet op te halen; het aanwezige bestand %s blijft staan, ongecontroleerd",
                    item.name,
                    dest,
                )
                present.append(dest)
                continue
            raise
        if exists and not force:
            if check is None or file_digest(dest, check[0]) == check[1]:
                logger.info("%s staat al in %s met een kloppende controlesom; overgeslagen", item.name, dest)
                present.append(dest)
                continue
            logger.warning("%s in %s heeft een andere controlesom; het wordt opnieuw gedownload", item.name, dest)
        _download(item, dest, check, progress=progress, timeout_s=timeout_s)
        present.append(dest)
    return present


def fetch_region(
    region: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    include_optional: bool = False,
    force: bool = False,
    progress: bool = True,
    timeout_s: float = 60,
    prepare: bool = True,
) -> list[Path]:
    """Download a region's default files and prepare them (what ``spreiding fetch`` runs).

    Parameters
    ----------
    region
        Manifest name, the path of a manifest JSON file, or ``None`` for the
        default region.
    data_dir
        Target folder; :func:`default_fetch_dir` when None.
    include_optional
        Also download the entries marked optional (500 m grid, PC4, EU
        census grid).
    force, progress, timeout_s
        As in :func:`fetch`; ``force`` also rebuilds the prepared files.
    prepare
        Afterwards run :func:`spreiding.data.prepare.prepare_region`, which turns
        the downloads into the files the loaders read (boundaries, the
        region's CBS squares, the OSM fallback service points).

    Returns
    -------
    list of pathlib.Path
        As :func:`fetch`, followed by the prepared files.

    Raises
    ------
    DownloadError
        A download failed (see :func:`fetch`).
    InvalidDataError
        A downloaded file is corrupt; the message says to run
        ``spreiding fetch --force``.
    """
    files = load_manifest(region, include_optional=include_optional)
    root = Path(data_dir) if data_dir is not None else default_fetch_dir()
    paths = fetch(files, root, force=force, progress=progress, timeout_s=timeout_s)
    for item in missing_manual(files, root):
        logger.warning("nog met de hand aan te leveren: %s in %s", item.name, item.path_in(root))
    if prepare and "prepare" in read_manifest(region):
        from spreiding.data.prepare import prepare_region  # local import: prepare imports this module

        paths += [p for p in prepare_region(root, region, force=force, progress=progress) if p not in paths]
    return paths
