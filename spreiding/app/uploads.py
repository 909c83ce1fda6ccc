"""Uploaded service-point files: size and type checks, reading, and Dutch messages that say what to fix."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import geopandas as gpd

from spreiding.errors import (
    CRSError,
    DataNotFoundError,
    DuplicateIdError,
    InvalidDataError,
    MissingColumnsError,
    OutsideRegionError,
    SpreidingError,
    SwappedCoordinatesError,
)

__all__ = ["MAX_UPLOAD_MB", "SUFFIXES", "read_upload", "upload_error_nl"]

MAX_UPLOAD_MB = 20
"""Largest upload (also passed to Streamlit as ``--server.maxUploadSize``)."""
SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json", ".gpkg")


def read_upload(name: str, data: bytes, province: gpd.GeoDataFrame) -> tuple[str, gpd.GeoDataFrame]:
    """Check and read an uploaded service-point file; return its content digest and the checked frame.

    Parameters
    ----------
    name
        The file's name (its suffix says the type).
    data
        The file's bytes.
    province
        The province polygon; points must lie within it (plus the study margin).

    Raises
    ------
    InvalidDataError
        Too large or an unknown file type.
    SpreidingError
        Whatever :func:`spreiding.data.facilities.load_facilities` finds (see :func:`upload_error_nl`).
    """
    from spreiding.data.boundaries import study_area
    from spreiding.data.facilities import load_facilities

    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        msg = f"bestand {name} is {len(data) / 1e6:.1f} MB; de grens is {MAX_UPLOAD_MB} MB — verklein het bestand"
        raise InvalidDataError(msg)
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        msg = f"bestand {name}: onbekend type {suffix!r}; gebruik CSV, Excel (.xlsx), GeoJSON of GeoPackage"
        raise InvalidDataError(msg)
    digest = hashlib.sha256(data).hexdigest()[:16]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return digest, load_facilities(path, study_area=study_area(province), display_name=name)


def upload_error_nl(exc: SpreidingError) -> str:
    """A Dutch message for an upload error that says what to fix (technical detail appended)."""
    detail = str(exc)
    if isinstance(exc, MissingColumnsError):
        text = (
            "Het bestand mist verplichte kolommen. Zorg voor de kolommen **id**, **name**, **kind** "
            "(vestiging / kleine_vestiging / servicepunt) en **status** (open / closed / planned / cancelled), "
            "plus de ligging: **lon/lat** (WGS84-graden) of **x/y** (RD New-meters)."
        )
    elif isinstance(exc, SwappedCoordinatesError):
        text = "De kolommen lat en lon lijken verwisseld. Wissel de twee kolommen om en upload opnieuw."
    elif isinstance(exc, OutsideRegionError):
        text = (
            "Een of meer punten liggen buiten de provincie (plus 15 km). Controleer de coördinaten en het "
            "coördinatenstelsel (lon/lat in WGS84 of x/y in RD New, EPSG:28992)."
        )
    elif isinstance(exc, CRSError):
        text = (
            "Verkeerd coördinatenstelsel. Noem de kolommen **lon/lat** voor WGS84-graden, of geef **x/y** in "
            "RD New-meters (EPSG:28992); geef een GeoJSON/GeoPackage een CRS."
        )
    elif isinstance(exc, DuplicateIdError):
        text = "Sommige id's komen meer dan eens voor. Geef elke voorziening een eigen id."
    elif isinstance(exc, DataNotFoundError):
        text = "Het bestand is niet gevonden of leeg. Upload het opnieuw."
    else:
        text = "Het bestand is niet bruikbaar. Pas het aan zoals hieronder beschreven en upload opnieuw."
    return f"{text}\n\nDetails: {detail}"
