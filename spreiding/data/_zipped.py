"""Reading vector layers out of a downloaded zip (CBS ships GeoPackages or shapefiles in zips)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pyogrio

from spreiding._validate import to_rd_new
from spreiding.errors import CRSError, InvalidDataError

__all__ = ["REFETCH", "first_column", "inner_vectors", "layer_fields", "list_layers", "read_layer"]

REFETCH = "download het opnieuw met `spreiding fetch --force`"
"""The fix named by every error about a damaged download."""


def inner_vectors(zip_path: Path, what: str) -> list[str]:
    """Return the GDAL paths (``/vsizip/...``) of the GeoPackages, then shapefiles, inside ``zip_path``.

    Shapefiles whose name starts with ``gemeente`` come first among the
    shapefiles (CBS ships ``gemeenten_<year>_v1.shp`` in some years).
    """
    try:
        with zipfile.ZipFile(zip_path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        msg = f"{what} in {zip_path} is geen leesbaar zip-archief ({exc}); {REFETCH}"
        raise InvalidDataError(msg) from exc
    gpkgs = sorted(n for n in names if n.lower().endswith(".gpkg"))
    shps = sorted(
        (n for n in names if n.lower().endswith(".shp")),
        key=lambda n: (not PurePosixPath(n).name.lower().startswith("gemeente"), n),
    )
    if not gpkgs and not shps:
        msg = (
            f"{what} in {zip_path} bevat geen GeoPackage of shapefile; {REFETCH} "
            "of controleer de url in het regiobestand"
        )
        raise InvalidDataError(msg)
    base = f"/vsizip/{zip_path.resolve().as_posix()}"
    return [f"{base}/{n}" for n in (*gpkgs, *shps)]


def list_layers(source: str, zip_path: Path, what: str) -> list[str]:
    """Return the layer names of one vector source inside ``zip_path``."""
    try:
        return [str(name) for name in pyogrio.list_layers(source)[:, 0]]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        msg = f"{what} in {zip_path} is niet te openen ({exc}); {REFETCH}"
        raise InvalidDataError(msg) from exc


def layer_fields(source: str, layer: str) -> list[str]:
    """Return the attribute columns of ``layer``."""
    return [str(f) for f in pyogrio.read_info(source, layer=layer)["fields"]]


def first_column(columns: Sequence[str], wanted: Sequence[str]) -> str | None:
    """Return the first of ``wanted`` that is in ``columns``, or None."""
    return next((c for c in wanted if c in columns), None)


def read_layer(source: str, zip_path: Path, what: str, **kwargs: Any) -> gpd.GeoDataFrame:
    """Read a layer (``pyogrio.read_dataframe`` keywords) in EPSG:28992; damaged or CRS-less files are refused."""
    try:
        frame = pyogrio.read_dataframe(source, **kwargs)
    except Exception as exc:
        msg = f"{what} in {zip_path} is niet te lezen ({exc}); {REFETCH}"
        raise InvalidDataError(msg) from exc
    if frame.crs is None:
        msg = f"{what} in {zip_path} heeft geen coördinatenstelsel; {REFETCH} (CBS-bestanden zijn in EPSG:28992)"
        raise CRSError(msg)
    return to_rd_new(frame, what)
