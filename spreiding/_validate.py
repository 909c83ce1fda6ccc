"""Shared input checks; each raises a clear :mod:`spreiding.errors` error."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from spreiding.errors import CRSError, DataNotFoundError, DuplicateIdError, InvalidDataError, MissingColumnsError

RD_NEW = "EPSG:28992"

__all__ = ["RD_NEW", "require_columns", "require_file", "require_unique", "rows_text", "to_rd_new"]


def require_file(path: str | Path, what: str, fix: str) -> Path:
    """Return ``path`` as a Path, or raise DataNotFoundError naming ``what`` and ``fix``."""
    p = Path(path)
    if not p.is_file():
        msg = f"{what} niet gevonden: {p}; {fix}"
        raise DataNotFoundError(msg)
    return p


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str, fix: str = "") -> None:
    """Raise MissingColumnsError when ``frame`` lacks any of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, list(frame.columns)[:20]))
        msg = f"{what}: kolom(men) {', '.join(missing)} ontbreken (aanwezig: {have})" + (f"; {fix}" if fix else "")
        raise MissingColumnsError(msg)


def rows_text(labels: Iterable[object], limit: int = 8) -> str:
    """Return ``"a, b, c (+5 more)"`` for messages that name rows."""
    items = [str(x) for x in labels]
    head = ", ".join(items[:limit])
    return head + (f" (+{len(items) - limit} meer)" if len(items) > limit else "")


def require_unique(values: pd.Series, what: str) -> None:
    """Raise DuplicateIdError naming the duplicated values."""
    dup = values[values.duplicated(keep=False)]
    if len(dup):
        msg = f"{what} heeft dubbele id's: {rows_text(pd.unique(dup))}; maak elke id uniek"
        raise DuplicateIdError(msg)


def to_rd_new(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """Return ``frame`` in EPSG:28992 (a new frame); raise CRSError when its CRS is unknown."""
    if frame.crs is None:
        msg = (
            f"{what} heeft geen coördinatenstelsel; zet er een in het bestand "
            "(bv. EPSG:28992 voor RD New of EPSG:4326 voor lon/lat)"
        )
        raise CRSError(msg)
    if frame.crs.to_epsg() == 28992:
        return frame.copy()
    try:
        return frame.to_crs(RD_NEW)
    except Exception as exc:  # pyproj raises several types
        msg = (
            f"{what} kan niet worden omgezet van {frame.crs} naar EPSG:28992 ({exc}); "
            "geef gegevens in een bekend coördinatenstelsel (bv. EPSG:28992 of EPSG:4326)"
        )
        raise CRSError(msg) from exc


def require_not_empty(frame: pd.DataFrame, what: str, fix: str) -> None:
    """Raise InvalidDataError when ``frame`` has no rows."""
    if len(frame) == 0:
        msg = f"{what} heeft geen rijen; {fix}"
        raise InvalidDataError(msg)
