"""Service points (libraries): load, validate, select and reproject.

A *facilities frame* is a GeoDataFrame in EPSG:28992 (RD New) with one point
per service point and the columns

``id``
    unique text id;
``name``
    text;
``kind``
    one of :data:`KINDS`;
``status``
    one of :data:`STATUSES`;
``municipality``, ``host_building``, ``location_precision``, ``region``
    text or missing;

plus every other column of the input, kept as it is (``place``,
``status_year``, ``sources``, ``notes``, ``confidence``, ...).

The coordinate parsing here (lon/lat, RD ``x``/``y`` or a WKT ``geometry``
column; GeoJSON and GeoPackage) is shared with :mod:`spreiding.data.candidates`
through the private :func:`_read_point_table` and :func:`_points_from_table`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from spreiding._formula import strip_formula_guard
from spreiding._validate import RD_NEW, require_columns, require_file, require_unique, rows_text, to_rd_new
from spreiding.data.config import data_paths
from spreiding.data.regions import RegionLike
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import ConfigError, CRSError, InvalidDataError, OutsideRegionError

__all__ = [
    "KINDS",
    "OPTIONAL_COLUMNS",
    "STATUSES",
    "OnOutside",
    "facilities_to_wgs84",
    "load_facilities",
    "select_facilities",
    "validate_facilities",
]

logger = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("vestiging", "kleine_vestiging", "servicepunt")
STATUSES: tuple[str, ...] = ("open", "closed", "planned", "cancelled")
OPTIONAL_COLUMNS: tuple[str, ...] = ("municipality", "host_building", "location_precision", "region")
OnOutside = Literal["error", "warn", "drop"]

# Latitude band that the Netherlands (with margin) falls in; used to spot swapped lat/lon.
_LAT_MIN, _LAT_MAX = 50.5, 53.8
_LON_NAMES: tuple[tuple[str, str], ...] = (("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"))
_XY_NAMES: tuple[str, str] = ("x", "y")
_VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".gml", ".kml"}


# --------------------------------------------------------------------------- shared coordinate parsing


def _labels(table: pd.DataFrame, positions: np.ndarray, id_column: str | None, line_offset: int | None) -> list[str]:
    """Return names for the rows at ``positions``: ids when known, else (line) numbers, 1-based."""
    if id_column is not None and id_column in table.columns:
        ids = table[id_column].iloc[positions]
        numbers = _row_numbers(positions, line_offset)
        return [
            (f"{i} ({n})" if line_offset is not None else str(i)) if pd.notna(i) and str(i).strip() else n
            for i, n in zip(ids, numbers, strict=True)
        ]
    return _row_numbers(positions, line_offset)


def _row_numbers(positions: np.ndarray, line_offset: int | None) -> list[str]:
    if line_offset is None:
        return [f"row {p + 1}" for p in positions]
    return [f"line {p + line_offset}" for p in positions]


def _to_number(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers (also with a decimal comma); return (floats, unparseable mask)."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        out = values.to_numpy(dtype=float, na_value=np.nan)
        return out, np.zeros(len(values), dtype=bool)
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    parsed = pd.to_numeric(text, errors="coerce")
    out = parsed.to_numpy(dtype=float, na_value=np.nan)
    present = text.notna().to_numpy() & (text.fillna("").to_numpy() != "")
    return out, present & np.isnan(out)


def _check_lonlat(lon: np.ndarray, lat: np.ndarray, what: str, name_rows: Callable[[np.ndarray], list[str]]) -> None:
    """Raise when lon/lat are out of range or look swapped (vectorised)."""
    ok = ~(np.isnan(lon) | np.isnan(lat))
    bad_range = ok & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    if bad_range.any():
        rows = name_rows(np.flatnonzero(bad_range))
        msg = (
            f"{what}: longitude/latitude out of range in rows {rows_text(rows)}; "
            "lon must lie in -180..180 and lat in -90..90 (RD New metres belong in columns x/y)"
        )
        raise CRSError(msg)
    lat_in = (lat >= _LAT_MIN) & (lat <= _LAT_MAX)
    lon_in = (lon >= _LAT_MIN) & (lon <= _LAT_MAX)
    swapped = ok & ~lat_in & lon_in
    if swapped.any():
        rows = name_rows(np.flatnonzero(swapped))
        msg = (
            f"{what}: lat/lon look swapped in rows {rows_text(rows)} (latitude outside {_LAT_MIN}-{_LAT_MAX} "
            "but longitude inside it); swap the two columns for these rows"
        )
        raise OutsideRegionError(msg)


def _points_from_table(
    table: pd.DataFrame,
    what: str,
    *,
    id_column: str | None = "id",
    line_offset: int | None = None,
    crs: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Turn a table with coordinates into points in EPSG:28992.

    Parameters
    ----------
    table
        A (Geo)DataFrame. A GeoDataFrame with an active geometry column uses
        that; otherwise the columns ``lon``/``lat`` (or ``longitude``/
        ``latitude``, WGS84), ``x``/``y`` (RD New metres unless ``crs``) or a
        WKT ``geometry`` column are used, in that order.
    what
        Name of the input for messages.
    id_column
        Column whose values name offending rows; row numbers when absent.
    line_offset
        When the table comes from a CSV, the file line of row 0 (2 with a
        header), so messages name lines; ``None`` names 1-based rows.
    crs
        CRS of ``x``/``y`` or WKT coordinates when they are not RD New / WGS84.

    Returns
    -------
    tuple of (GeoDataFrame, list of str)
        A new frame in EPSG:28992 (coordinate columns kept) and warnings.

    Raises
    ------
    MissingColumnsError, InvalidDataError, CRSError, OutsideRegionError
        With the offending rows named.
    """
    warnings: list[str] = []

    def name_rows(positions: np.ndarray) -> list[str]:
        return _labels(table, positions, id_column, line_offset)

    geographic = False
    if isinstance(table, gpd.GeoDataFrame) and table._geometry_column_name in table.columns:
        geoms = table.geometry.to_numpy()
        src_crs = table.crs
        if src_crs is None:
            msg = f"{what} has no coordinate reference system; set one (EPSG:28992 for RD New, EPSG:4326 for lon/lat)"
            raise CRSError(msg)
        geographic = bool(src_crs.is_geographic)
        data = pd.DataFrame(table.drop(columns=table._geometry_column_name))
    else:
        data = pd.DataFrame(table).copy()
        lonlat = next(((a, b) for a, b in _LON_NAMES if a in data.columns and b in data.columns), None)
        if lonlat is not None or all(c in data.columns for c in _XY_NAMES):
            a, b = lonlat if lonlat is not None else _XY_NAMES
            xs, bad_x = _to_number(data[a])
            ys, bad_y = _to_number(data[b])
            bad = bad_x | bad_y
            if bad.any():
                msg = (
                    f"{what}: coordinates in {a}/{b} cannot be read as numbers in rows "
                    f"{rows_text(name_rows(np.flatnonzero(bad)))}; use plain decimal numbers such as 52.99"
                )
                raise InvalidDataError(msg)
            if lonlat is not None:
                src_crs = crs or "EPSG:4326"
                geographic = src_crs == "EPSG:4326"
            else:
                src_crs = crs or RD_NEW
                ok = ~np.isnan(xs)
                if crs is None and ok.any() and (np.abs(xs[ok]) <= 180).all() and (np.abs(ys[ok]) <= 90).all():
                    msg = (
                        f"{what}: columns x/y hold values that look like degrees, not RD New metres; "
                        "name the columns lon/lat for WGS84 or give RD New coordinates"
                    )
                    raise CRSError(msg)
            data[a] = xs
            data[b] = ys
            missing = np.isnan(xs) | np.isnan(ys)
            geoms = np.where(missing, None, shapely.points(np.where(missing, 0.0, xs), np.where(missing, 0.0, ys)))
        elif "geometry" in data.columns:
            wkt = data["geometry"].astype("string").str.strip()
            given = (wkt.notna() & (wkt != "")).fillna(False).to_numpy(dtype=bool)
            raw = np.asarray(wkt.astype(object).where(wkt.notna() & given, None), dtype=object)
            geoms = shapely.from_wkt(raw, on_invalid="ignore")
            unreadable = given & shapely.is_missing(geoms)
            if unreadable.any():
                rows = name_rows(np.flatnonzero(unreadable))
                msg = (
                    f"{what}: column geometry is not valid WKT in rows {rows_text(rows)}; write points as 'POINT (x y)'"
                )
                raise InvalidDataError(msg)
            data = data.drop(columns="geometry")
            if crs is not None:
                src_crs = crs
            else:
                bounds = shapely.bounds(geoms)
                fine = ~np.isnan(bounds[:, 0])
                degrees = fine.any() and bool((np.abs(bounds[fine][:, [0, 2]]) <= 180).all())
                degrees = degrees and bool((np.abs(bounds[fine][:, [1, 3]]) <= 90).all())
                src_crs = "EPSG:4326" if degrees else RD_NEW
                logger.info("%s: WKT coordinates taken as %s", what, src_crs)
            geographic = src_crs == "EPSG:4326"
        else:
            msg = (
                f"{what} has no coordinates (has: {rows_text(map(str, data.columns), 20)}); "
                "add columns lon/lat (WGS84), x/y (RD New) or a WKT geometry column"
            )
            raise InvalidDataError(msg)

    geoms = np.asarray(geoms, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        msg = (
            f"{what}: missing coordinates in rows {rows_text(name_rows(np.flatnonzero(empty)))}; "
            "give every row a position (or remove the row)"
        )
        raise InvalidDataError(msg)
    types = shapely.get_type_id(geoms)
    not_point = types != shapely.GeometryType.POINT
    if not_point.any():
        rows = name_rows(np.flatnonzero(not_point))
        note = f"{len(rows)} row(s) are not points ({rows_text(rows)}); their centroid is used"
        logger.warning("%s: %s", what, note)
        warnings.append(note)
        geoms = np.where(not_point, shapely.centroid(geoms), geoms)
    if geographic:
        _check_lonlat(shapely.get_x(geoms), shapely.get_y(geoms), what, name_rows)
    frame = gpd.GeoDataFrame(data.reset_index(drop=True), geometry=list(geoms), crs=src_crs)
    return to_rd_new(frame, what), warnings


def _read_point_table(
    path: str | os.PathLike[str], what: str, *, layer: str | None = None
) -> tuple[pd.DataFrame, int | None]:
    """Read a CSV, GeoJSON or GeoPackage; return the table and the CSV line of row 0 (None for others)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in _VECTOR_SUFFIXES:
        try:
            return gpd.read_file(p, layer=layer), None
        except Exception as exc:  # pyogrio raises several types
            msg = f"{what}: cannot read {p} ({exc}); give a valid GeoJSON/GeoPackage (and layer name)"
            raise InvalidDataError(msg) from exc
    try:
        table = pd.read_csv(p, dtype=str, skipinitialspace=True)
        if table.shape[1] == 1 and ";" in str(table.columns[0]):
            table = pd.read_csv(p, dtype=str, sep=";", skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        msg = f"{what}: cannot read {p} as CSV ({exc}); save it as UTF-8 CSV with a header row"
        raise InvalidDataError(msg) from exc
    table.columns = [str(c).strip() for c in table.columns]
    return table.apply(strip_formula_guard), 2


def _canonical(values: pd.Series, allowed: Sequence[str]) -> tuple[pd.Series, np.ndarray]:
    """Map case/space variants onto ``allowed``; return values and a mask of unknown (or missing) ones."""
    lookup = {re.sub(r"[\s_\-]+", "", a.lower()): a for a in allowed}
    keys = values.astype("string").str.lower().str.replace(r"[\s_\-]+", "", regex=True)
    mapped = keys.map(lookup)
    unknown = mapped.isna().to_numpy()
    return mapped.astype("str"), unknown


def _select_outside(
    frame: gpd.GeoDataFrame, study_area: BaseGeometry | None, on_outside: OnOutside, what: str, names: list[str]
) -> tuple[gpd.GeoDataFrame, list[str]]:
    if on_outside not in ("error", "warn", "drop"):
        msg = f"on_outside={on_outside!r} is not valid; use 'error', 'warn' or 'drop'"
        raise ConfigError(msg)
    if study_area is None or len(frame) == 0:
        return frame, []
    shapely.prepare(study_area)
    inside = shapely.covers(study_area, frame.geometry.to_numpy())
    if inside.all():
        return frame, []
    outside = [names[i] for i in np.flatnonzero(~inside)]
    text = f"{len(outside)} point(s) lie outside the study area: {rows_text(outside)}"
    if on_outside == "error":
        msg = f"{what}: {text}; fix their coordinates, widen the study area, or pass on_outside='drop'/'warn'"
        raise OutsideRegionError(msg)
    if on_outside == "drop":
        logger.warning("%s: %s; dropped", what, text)
        return frame.loc[inside].reset_index(drop=True), [text + " (dropped)"]
    logger.warning("%s: %s; kept", what, text)
    return frame, [text + " (kept)"]


# --------------------------------------------------------------------------- facilities


def _normalise(
    table: pd.DataFrame,
    what: str,
    *,
    line_offset: int | None,
    study_area: BaseGeometry | None,
    on_outside: OnOutside,
    crs: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Validate ``table`` and return a normalised facilities frame (new) and warnings."""
    warnings: list[str] = []
    fix = "the facilities table needs id, name, kind and status (see spreiding.data.facilities)"
    require_columns(table, ["id", "name", "kind"], what, fix)
    data = table.copy()
    if "status" not in data.columns:
        text = "no status column; every row is taken as open"
        logger.warning("%s: %s", what, text)
        warnings.append(text)
        data["status"] = "open"

    ids = data["id"].astype("string").str.strip()
    blank = (ids.isna() | (ids == "")).to_numpy()
    if blank.any():
        rows = _row_numbers(np.flatnonzero(blank), line_offset)
        msg = f"{what}: empty id in {rows_text(rows)}; give every row a unique id"
        raise InvalidDataError(msg)
    data["id"] = ids.astype("str")
    require_unique(data["id"], what)
    names_list = data["id"].tolist()

    name = data["name"].astype("string").str.strip()
    no_name = (name.isna() | (name == "")).to_numpy()
    if no_name.any():
        msg = f"{what}: empty name for ids {rows_text(np.asarray(names_list)[no_name])}; give every row a name"
        raise InvalidDataError(msg)
    data["name"] = name.astype("str")

    for column, allowed in (("kind", KINDS), ("status", STATUSES)):
        values, unknown = _canonical(data[column], allowed)
        if unknown.any():
            bad = [f"{i} ({v!r})" for i, v in zip(np.asarray(names_list)[unknown], data[column][unknown], strict=True)]
            msg = (
                f"{what}: unknown {column} in ids {rows_text(bad)}; allowed values are {', '.join(allowed)} "
                "(case and spaces do not matter)"
            )
            raise InvalidDataError(msg)
        data[column] = values

    for column in OPTIONAL_COLUMNS:
        if column not in data.columns:
            data[column] = pd.Series(pd.NA, index=data.index, dtype="str")

    frame, geo_warnings = _points_from_table(data, what, id_column="id", line_offset=line_offset, crs=crs)
    warnings += geo_warnings
    frame, out_warnings = _select_outside(frame, study_area, on_outside, what, frame["id"].tolist())
    warnings += out_warnings
    return frame, warnings


def validate_facilities(
    frame: pd.DataFrame,
    *,
    study_area: BaseGeometry | None = None,
    on_outside: OnOutside = "error",
    what: str = "facilities",
) -> gpd.GeoDataFrame:
    """Check an in-memory facilities table and return a normalised copy.

    Parameters
    ----------
    frame
        A GeoDataFrame with a CRS, or a DataFrame with ``lon``/``lat``,
        ``x``/``y`` (RD New) or a WKT ``geometry`` column. Not modified.
    study_area
        Shapely geometry in EPSG:28992; points outside it are handled per
        ``on_outside``.
    on_outside
        ``"error"`` (default) raises, ``"warn"`` keeps them with a warning,
        ``"drop"`` removes them with a warning.
    what
        Name of the input in messages.

    Returns
    -------
    geopandas.GeoDataFrame
        New frame in EPSG:28992 with canonical ``kind``/``status`` and the
        optional columns present. Warnings go to the log and to
        ``attrs["validation_warnings"]``.

    Raises
    ------
    MissingColumnsError, DuplicateIdError, InvalidDataError, CRSError, OutsideRegionError
        Naming the offending ids or rows.
    """
    out, warnings = _normalise(frame, what, line_offset=None, study_area=study_area, on_outside=on_outside)
    out.attrs = {k: v for k, v in frame.attrs.items() if k != "validation_warnings"}
    out.attrs["validation_warnings"] = list(warnings)
    return out


def _year(values: pd.Series | None) -> int | None:
    if values is None:
        return None
    years = pd.to_numeric(values.astype("string").str.extract(r"((?:19|20)\d\d)")[0], errors="coerce")
    return None if years.isna().all() else int(years.max())


def _quality(frame: gpd.GeoDataFrame) -> tuple[tuple[str, float], ...]:
    pairs: list[tuple[str, float]] = []
    status_counts = frame["status"].value_counts()
    kind_counts = frame["kind"].value_counts()
    pairs += [(f"status_{s}", float(status_counts.get(s, 0))) for s in STATUSES]
    pairs += [(f"kind_{k}", float(kind_counts.get(k, 0))) for k in KINDS]
    precision = frame["location_precision"].astype("string").str.lower()
    on_place = precision.str.contains("place point", regex=False).fillna(False)
    pairs.append(("location_on_place_point", float(on_place.sum())))
    return tuple(pairs)


def load_facilities(
    path: str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    layer: str | None = None,
    study_area: BaseGeometry | None = None,
    on_outside: OnOutside = "error",
    crs: str | None = None,
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Read and validate the list of service points.

    Parameters
    ----------
    path
        CSV (``lon``/``lat`` or ``longitude``/``latitude`` in WGS84, ``x``/``y``
        in RD New, or a WKT ``geometry`` column), GeoJSON or GeoPackage.
        Default: ``data_paths(data_dir, region).libraries``.
    data_dir
        Data folder when ``path`` is not given.
    layer
        Layer of a GeoPackage.
    study_area
        Shapely geometry in EPSG:28992 (e.g. the province buffered 15 km).
    on_outside
        What to do with points outside ``study_area``: ``"error"`` (default),
        ``"warn"`` (keep, warn) or ``"drop"`` (remove, warn).
    crs
        CRS of ``x``/``y`` or WKT coordinates when not RD New / WGS84.
    region
        Region whose list to read when ``path`` is None (default: the default region).

    Returns
    -------
    geopandas.GeoDataFrame
        Facilities frame (see module docstring) with a SourceInfo in
        ``attrs["source"]``.

    Raises
    ------
    DataNotFoundError
        The file does not exist.
    MissingColumnsError, DuplicateIdError, InvalidDataError, CRSError, OutsideRegionError
        The content is not usable; the message names the rows.
    """
    p = Path(path) if path is not None else data_paths(data_dir, region).libraries
    require_file(p, "facilities file", "pass a path or set SPREIDING_DATA_DIR to the data folder")
    what = f"facilities file {p.name}"
    table, line_offset = _read_point_table(p, what, layer=layer)
    frame, warnings = _normalise(
        table, what, line_offset=line_offset, study_area=study_area, on_outside=on_outside, crs=crs
    )
    info = SourceInfo(
        kind="facilities",
        path=str(p),
        rows=len(frame),
        year=_year(frame["status_year"]) if "status_year" in frame.columns else None,
        crs=RD_NEW,
        description="library branches and service points",
        quality=_quality(frame),
        warnings=tuple(warnings),
    )
    return attach_source(frame, info)


def select_facilities(
    frame: gpd.GeoDataFrame,
    *,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = ("open",),
    regions: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return the rows with the given kinds, statuses and regions (a new frame).

    Parameters
    ----------
    frame
        Facilities frame; not modified.
    kinds
        Kinds to keep (subset of :data:`KINDS`); ``None`` keeps all.
    statuses
        Statuses to keep (subset of :data:`STATUSES`); ``None`` keeps all.
        Default: open only.
    regions
        Values of ``region`` to keep (e.g. ``[spec.columns.region_value]``); ``None`` keeps all.

    Returns
    -------
    geopandas.GeoDataFrame
        The selected rows, index reset.

    Raises
    ------
    ConfigError
        A requested kind or status is unknown.
    """
    keep = np.ones(len(frame), dtype=bool)
    for column, wanted, allowed in (("kind", kinds, KINDS), ("status", statuses, STATUSES)):
        if wanted is None:
            continue
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        unknown = sorted(set(values) - set(allowed))
        if unknown:
            msg = f"unknown {column}(s) {', '.join(unknown)}; choose from {', '.join(allowed)}"
            raise ConfigError(msg)
        keep &= frame[column].isin(values).to_numpy()
    if regions is not None:
        values = [regions] if isinstance(regions, str) else list(regions)
        keep &= frame["region"].isin(values).to_numpy()
    out = frame.loc[keep].reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


def facilities_to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy in EPSG:4326 with ``lon``/``lat`` columns from the geometry (for maps)."""
    out = to_rd_new(frame, "facilities").to_crs("EPSG:4326")
    out["lon"] = out.geometry.x
    out["lat"] = out.geometry.y
    out.attrs = dict(frame.attrs)
    return out
