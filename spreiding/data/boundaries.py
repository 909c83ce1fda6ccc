"""Municipal and provincial boundaries, and which municipality a point lies in.

The default file is the region's ``boundaries`` file in the data folder
(:func:`spreiding.data.config.data_paths`; ``gebieden/drenthe_gebieden.gpkg``
for Drenthe), with the layers ``gemeenten`` (the
region's municipalities), ``provincie`` (the outline) and ``buurgemeenten``
(neighbouring municipalities). Every loader returns a new GeoDataFrame in
EPSG:28992 with English column names and a :class:`~spreiding.data.sources.SourceInfo`
attached.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from spreiding._validate import require_columns, require_file, require_not_empty, require_unique, rows_text, to_rd_new
from spreiding.data.config import data_paths
from spreiding.data.regions import RegionLike
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import ConfigError, CRSError, InvalidDataError

__all__ = [
    "assign_municipality",
    "load_municipalities",
    "load_neighbours",
    "load_province",
    "study_area",
]

logger = logging.getLogger(__name__)

_FETCH_FIX = "haal het op met `spreiding fetch` (internet nodig), of zet SPREIDING_DATA_DIR op een map die het heeft"
_BOUNDARIES_YEAR = 2022

# Generous RD New extent of the Netherlands (m); coordinates outside it mean a wrong CRS.
_NL_X_M = (-10_000.0, 300_000.0)
_NL_Y_M = (280_000.0, 640_000.0)


def _read_vector(path: Path, layer: str | None, what: str) -> gpd.GeoDataFrame:
    """Read one layer of a vector file; raise InvalidDataError instead of raw pyogrio errors."""
    try:
        layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        msg = (
            f"{what} in {path} is geen leesbare GeoPackage of vectorbestand ({exc}); "
            "download het opnieuw of wijs het juiste bestand aan"
        )
        raise InvalidDataError(msg) from exc
    if layer is not None and layer not in layers:
        msg = (
            f"{what} in {path} heeft geen laag {layer!r} (lagen: {', '.join(layers) or 'geen'}); "
            "wijs een bestand met die laag aan"
        )
        raise InvalidDataError(msg)
    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:
        msg = f"{what} in {path} is niet te lezen ({exc}); download het opnieuw of wijs het juiste bestand aan"
        raise InvalidDataError(msg) from exc


def _check_in_netherlands(frame: gpd.GeoDataFrame, what: str) -> None:
    """Raise CRSError when geometries in EPSG:28992 lie outside the Netherlands' RD extent."""
    valid = frame.geometry.notna() & ~frame.geometry.is_empty
    if not valid.any():
        return
    bounds = frame.geometry[valid].bounds
    bad = (
        (bounds["minx"] < _NL_X_M[0])
        | (bounds["maxx"] > _NL_X_M[1])
        | (bounds["miny"] < _NL_Y_M[0])
        | (bounds["maxy"] > _NL_Y_M[1])
    )
    if bad.any():
        msg = (
            f"{what}: {int(bad.sum())} geometrieën liggen buiten Nederland in EPSG:28992 "
            f"(rijen {rows_text(bad[bad].index)}); het coördinatenstelsel van het bestand is waarschijnlijk fout of "
            "ontbreekt - zet het juiste stelsel in het bestand (RD New = EPSG:28992, lon/lat = EPSG:4326)"
        )
        raise CRSError(msg)


def _load_areas(
    path: str | os.PathLike[str] | None,
    data_dir: str | os.PathLike[str] | None,
    layer: str,
    name_in: str,
    name_out: str,
    what: str,
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Read one boundary layer and return ``name_out``, ``residents``, ``area_km2``, geometry."""
    file = require_file(Path(path) if path is not None else data_paths(data_dir, region).boundaries, what, _FETCH_FIX)
    raw = _read_vector(file, layer, what)
    require_columns(raw, [name_in], f"{what} ({file}, laag {layer})", "gebruik de CBS-indeling voor grenzen")
    require_not_empty(raw, f"{what} ({file}, laag {layer})", "gebruik een bestand met minstens één gebied")
    frame = to_rd_new(raw, what)
    empty = frame.geometry.isna() | frame.geometry.is_empty
    if empty.any():
        msg = (
            f"{what} heeft rijen zonder geometrie: {rows_text(frame.loc[empty, name_in])}; "
            "herstel of verwijder die rijen in het bestand"
        )
        raise InvalidDataError(msg)
    _check_in_netherlands(frame, what)
    names = frame[name_in].astype("str")
    require_unique(names, what)
    residents = (
        pd.to_numeric(frame["inwoners"], errors="coerce").astype("float64")
        if "inwoners" in frame.columns
        else pd.Series(np.nan, index=frame.index, dtype="float64")
    )
    area = (
        pd.to_numeric(frame["oppervlakte_km2"], errors="coerce").astype("float64")
        if "oppervlakte_km2" in frame.columns
        else pd.Series(frame.geometry.area.to_numpy() / 1e6, index=frame.index, dtype="float64")
    )
    geometry = frame.geometry.make_valid() if not frame.geometry.is_valid.all() else frame.geometry
    out = gpd.GeoDataFrame(
        {name_out: names.to_numpy(), "residents": residents.to_numpy(), "area_km2": area.to_numpy()},
        geometry=geometry.to_numpy(),
        crs="EPSG:28992",
    )
    warnings: tuple[str, ...] = ()
    if "inwoners" not in frame.columns:
        warnings = (f"laag {layer} heeft geen kolom 'inwoners'; het aantal inwoners blijft leeg",)
    info = SourceInfo(
        kind="boundaries",
        path=str(file),
        rows=len(out),
        year=_BOUNDARIES_YEAR if path is None else None,
        description=f"CBS-grenzen, laag {layer}",
        quality=(("areas", float(len(out))),),
        warnings=warnings,
    )
    return attach_source(out, info)  # type: ignore[return-value]


def load_municipalities(
    path: str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    layer: str = "gemeenten",
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Load municipal boundaries.

    Parameters
    ----------
    path
        GeoPackage to read; default ``data_paths(data_dir, region).boundaries``.
    data_dir
        Data folder used when ``path`` is None.
    region
        Region whose file to read when ``path`` is None (spec, key or
        region-file path; default: the default region).
    layer
        Layer with one polygon per municipality and a ``gemeente`` column.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``municipality`` (str, unique), ``residents`` (float, from
        ``inwoners``; NaN when absent), ``area_km2`` and geometry, EPSG:28992.

    Raises
    ------
    DataNotFoundError
        The file does not exist.
    InvalidDataError
        The file is corrupt, lacks the layer, or has rows without geometry.
    MissingColumnsError
        The layer lacks ``gemeente``.
    CRSError
        The layer has no CRS or its coordinates are not in the Netherlands.
    """
    return _load_areas(path, data_dir, layer, "gemeente", "municipality", "gemeentegrenzen", region)


def load_neighbours(
    path: str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    layer: str = "buurgemeenten",
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Load the neighbouring municipalities (same schema as :func:`load_municipalities`).

    Parameters
    ----------
    path
        GeoPackage to read; default ``data_paths(data_dir, region).boundaries``.
    data_dir
        Data folder used when ``path`` is None.
    region
        Region whose file to read when ``path`` is None (spec, key or
        region-file path; default: the default region).
    layer
        Layer name, default ``buurgemeenten``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``municipality``, ``residents``, ``area_km2``, geometry (EPSG:28992).
    """
    return _load_areas(path, data_dir, layer, "gemeente", "municipality", "buurgemeenten", region)


def load_province(
    path: str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    layer: str = "provincie",
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Load the province outline.

    Parameters
    ----------
    path
        GeoPackage to read; default ``data_paths(data_dir, region).boundaries``.
    data_dir
        Data folder used when ``path`` is None.
    region
        Region whose file to read when ``path`` is None (spec, key or
        region-file path; default: the default region).
    layer
        Layer with the outline and a ``provincie`` column.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``province``, ``residents``, ``area_km2`` and geometry, EPSG:28992.
    """
    return _load_areas(path, data_dir, layer, "provincie", "province", "provinciegrens", region)


def assign_municipality(
    points: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    *,
    column: str = "municipality",
    outside: Literal["nearest", "none"] = "nearest",
    max_dist_m: float | None = 2000.0,
) -> pd.Series:
    """Return the municipality (or other area label) each point lies in.

    Parameters
    ----------
    points
        Points (any geometry; its position is tested) with a CRS.
    municipalities
        Polygons with a ``column`` label and a CRS.
    column
        Label column of ``municipalities`` to return.
    outside
        ``"nearest"``: points outside every polygon get the nearest polygon's
        label when it lies within ``max_dist_m``; ``"none"``: they get NA.
    max_dist_m
        Largest distance (m) for ``outside="nearest"``; None means no limit.

    Returns
    -------
    pandas.Series
        String labels named ``column``, aligned to ``points.index``; NA for
        unassigned points and points without geometry. Points on a shared
        border get the first polygon's label.

    Raises
    ------
    ConfigError
        ``outside`` or ``max_dist_m`` is invalid.
    MissingColumnsError
        ``municipalities`` lacks ``column``.
    CRSError
        Either frame has no CRS.
    """
    if outside not in ("nearest", "none"):
        msg = f"outside moet 'nearest' of 'none' zijn, niet {outside!r}"
        raise ConfigError(msg)
    if max_dist_m is not None and not (np.isfinite(max_dist_m) and max_dist_m >= 0):
        msg = f"max_dist_m moet een eindig getal >= 0 of None zijn, niet {max_dist_m!r}"
        raise ConfigError(msg)
    require_columns(municipalities, [column], "gebiedentabel", f"geef vlakken met een kolom {column!r}")
    pts = to_rd_new(gpd.GeoDataFrame(geometry=points.geometry.to_numpy(), crs=points.crs), "punten")
    areas = to_rd_new(
        gpd.GeoDataFrame(
            {"_label": municipalities[column].to_numpy()},
            geometry=municipalities.geometry.to_numpy(),
            crs=municipalities.crs,
        ),
        "area frame",
    )
    labels = np.full(len(pts), None, dtype=object)
    finite = np.isfinite(pts.geometry.bounds.to_numpy(dtype="float64")).all(axis=1)
    usable = (pts.geometry.notna() & ~pts.geometry.is_empty).to_numpy() & finite
    if usable.any() and len(areas):
        inside, area = _first_area(pts.geometry.to_numpy()[usable], areas.geometry.to_numpy())
        labels[np.flatnonzero(usable)[inside]] = areas["_label"].to_numpy()[area]
        missing = usable & pd.isna(labels)
        if outside == "nearest" and missing.any():
            near = gpd.sjoin_nearest(pts[missing], areas, how="inner", max_distance=max_dist_m)
            near = near[~near.index.duplicated(keep="first")]
            labels[near.index.to_numpy()] = near["_label"].to_numpy()
    result = pd.Series(labels, index=points.index, name=column).astype("str")
    result[pd.isna(labels)] = None
    return result


def _first_area(points: np.ndarray, polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the points that intersect a polygon, and the first such polygon of each.

    The tree is built on the points and queried with the polygons, each
    prepared once (a copy, so the caller's geometries stay as they were):
    a few times faster than a tree on the polygons for many points.
    """
    prepared = shapely.transform(polygons, lambda xy: xy)  # a copy of each polygon, prepared below
    shapely.prepare(prepared)
    poly, pt = shapely.STRtree(points).query(prepared, predicate="intersects")
    order = np.lexsort((poly, pt))  # per point, the lowest polygon position first
    pt, poly = pt[order], poly[order]
    first = np.ones(len(pt), dtype=bool)
    first[1:] = pt[1:] != pt[:-1]
    return pt[first], poly[first]


def study_area(province: gpd.GeoDataFrame, buffer_m: float = 15000.0) -> BaseGeometry:
    """Return the province outline buffered by ``buffer_m`` (EPSG:28992).

    Parameters
    ----------
    province
        Frame with the province polygon(s) (any CRS).
    buffer_m
        Width of the ring around the province in metres (>= 0).

    Returns
    -------
    shapely.geometry.base.BaseGeometry
        One (multi)polygon: the union of ``province`` grown by ``buffer_m``.

    Raises
    ------
    ConfigError
        ``buffer_m`` is negative or not finite.
    InvalidDataError
        ``province`` has no (non-empty) geometry.
    """
    if not (np.isfinite(buffer_m) and buffer_m >= 0):
        msg = f"buffer_m moet een eindig getal >= 0 zijn, niet {buffer_m!r}"
        raise ConfigError(msg)
    frame = to_rd_new(province, "provinciegrens")
    outline = frame.geometry.make_valid().union_all()
    if outline is None or outline.is_empty:
        msg = "de provinciegrens heeft geen geometrie; controleer de laag provincie in het grenzenbestand"
        raise InvalidDataError(msg)
    return outline.buffer(buffer_m)
