"""Coordinates of point tables and row problems reported all at once.

Shared by the service-point and candidate-site readers. :class:`RowIssues`
collects every problem of every row, so the user sees them in one Dutch
message (row numbers as in a spreadsheet: header = row 1) instead of fixing
one row per upload.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from spreiding._validate import RD_NEW, to_rd_new
from spreiding.errors import CRSError, InvalidDataError, SwappedCoordinatesError

__all__ = [
    "RowIssues",
    "RowNumbers",
    "auto_ids",
    "coordinate_key",
    "list_text",
    "points_from_table",
    "row_labels",
    "to_number",
]

logger = logging.getLogger(__name__)

RowNumbers = int | np.ndarray | None
"""The user's row number of table row 0 (int), of every row (array), or ``None`` (1-based positions)."""

LAT_MIN, LAT_MAX = 50.5, 53.8
"""Latitude band the Netherlands (with margin) falls in; used to spot swapped lat/lon."""
LON_NAMES: tuple[tuple[str, str], ...] = (("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"))
XY_NAMES: tuple[str, str] = ("x", "y")
_LIST_LIMIT = 12


@dataclass
class RowIssues:
    """Row problems of one input, raised together as one error.

    The error class is the problems' common class (e.g. :class:`DuplicateIdError`
    when every problem is a duplicate), else :class:`InvalidDataError`.
    """

    what: str
    items: list[tuple[type[InvalidDataError], str]] = field(default_factory=list)

    def add(self, kind: type[InvalidDataError], problem: str, rows: Sequence[str], fix: str) -> None:
        """Record ``problem`` for ``rows`` with the ``fix`` (nothing when ``rows`` is empty)."""
        if len(rows):
            shown = ", ".join(rows[:_LIST_LIMIT]) + (
                f" en nog {len(rows) - _LIST_LIMIT}" if len(rows) > _LIST_LIMIT else ""
            )
            self.items.append((kind, f"{problem} in {shown}; {fix}"))

    def raise_if_any(self) -> None:
        """Raise one error listing every recorded problem."""
        if not self.items:
            return
        kinds = {k for k, _ in self.items}
        kind = kinds.pop() if len(kinds) == 1 else InvalidDataError
        lines = "\n".join(f"- {text}" for _, text in self.items)
        count = "1 probleem" if len(self.items) == 1 else f"{len(self.items)} problemen"
        msg = f"{self.what}: {count} gevonden; verbeter het bestand en lees het opnieuw in:\n{lines}"
        raise kind(msg)


def list_text(labels: Sequence[str], limit: int = _LIST_LIMIT) -> str:
    """``"a, b, c en nog 5"`` for messages that name rows."""
    more = f" en nog {len(labels) - limit}" if len(labels) > limit else ""
    return ", ".join(labels[:limit]) + more


def _row_numbers(positions: np.ndarray, rows: RowNumbers) -> list[str]:
    if rows is None:
        return [f"rij {p + 1}" for p in positions]
    if isinstance(rows, np.ndarray):
        return [f"rij {rows[p]}" for p in positions]
    return [f"rij {p + rows}" for p in positions]


def row_labels(table: pd.DataFrame, positions: np.ndarray, id_column: str | None, rows: RowNumbers) -> list[str]:
    """Names of the rows at ``positions``: ``rij 3`` or, with a known id, ``rij 3 (id b)``."""
    numbers = _row_numbers(positions, rows)
    if id_column is None or id_column not in table.columns:
        return numbers
    ids = table[id_column].iloc[positions]
    return [
        f"{n} ({id_column} {i})" if pd.notna(i) and str(i).strip() else n for i, n in zip(ids, numbers, strict=True)
    ]


def to_number(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers (also with a decimal comma); return (floats, unparseable mask)."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        out = values.to_numpy(dtype=float, na_value=np.nan)
        return out, np.zeros(len(values), dtype=bool)
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    parsed = pd.to_numeric(text, errors="coerce")
    out = parsed.to_numpy(dtype=float, na_value=np.nan)
    present = text.notna().to_numpy() & (text.fillna("").to_numpy() != "")
    return out, present & np.isnan(out)


def coordinate_key(table: pd.DataFrame) -> pd.Series:
    """Per row a text of its coordinates, the same however the numbers are written (``52,99`` = ``52.990``)."""
    pair = next((p for p in (*LON_NAMES, XY_NAMES) if p[0] in table.columns and p[1] in table.columns), None)
    if pair is None:
        wkt = table["geometry"] if "geometry" in table.columns else pd.Series("", index=table.index)
        return wkt.astype("string").fillna("").str.replace(r"\s+", " ", regex=True)
    a, _ = to_number(table[pair[0]])
    b, _ = to_number(table[pair[1]])
    return pd.Series([f"{x:.7f} {y:.7f}" for x, y in zip(a, b, strict=True)], index=table.index)


def auto_ids(names: pd.Series, keys: pd.Series) -> pd.Series:
    """``auto-<hash>`` of name and coordinates: the same file gives the same ids on every upload."""
    texts = [f"{n}|{k}" for n, k in zip(names.astype("string").fillna("").str.strip(), keys, strict=True)]
    return pd.Series(["auto-" + hashlib.sha1(t.encode()).hexdigest()[:10] for t in texts], index=names.index)


def _check_lonlat(lon: np.ndarray, lat: np.ndarray, issues: RowIssues, name_rows: _Namer) -> np.ndarray:
    """Record out-of-range and swapped lon/lat; return the mask of rows that are fine."""
    ok = ~(np.isnan(lon) | np.isnan(lat))
    bad_range = ok & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    issues.add(
        CRSError,
        "lengte-/breedtegraad buiten bereik",
        name_rows(np.flatnonzero(bad_range)),
        "lon ligt tussen -180 en 180 en lat tussen -90 en 90 (RD New-meters horen in kolommen x/y)",
    )
    lat_in = (lat >= LAT_MIN) & (lat <= LAT_MAX)
    lon_in = (lon >= LAT_MIN) & (lon <= LAT_MAX)
    swapped = ok & ~bad_range & ~lat_in & lon_in
    issues.add(
        SwappedCoordinatesError,
        "lat en lon lijken verwisseld",
        name_rows(np.flatnonzero(swapped)),
        "wissel de waarden van de kolommen lon en lat om in deze rijen",
    )
    return ok & ~bad_range & ~swapped


class _Namer:
    def __init__(self, table: pd.DataFrame, id_column: str | None, rows: RowNumbers) -> None:
        self.table, self.id_column, self.rows = table, id_column, rows

    def __call__(self, positions: np.ndarray) -> list[str]:
        return row_labels(self.table, positions, self.id_column, self.rows)


def _from_columns(
    data: pd.DataFrame, what: str, crs: str | None, issues: RowIssues, name_rows: _Namer
) -> tuple[np.ndarray, str, bool, np.ndarray] | None:
    """Points from lon/lat or x/y columns: (geometries, CRS, geographic, rows already reported); None without them."""
    lonlat = next(((a, b) for a, b in LON_NAMES if a in data.columns and b in data.columns), None)
    if lonlat is None and not all(c in data.columns for c in XY_NAMES):
        return None
    a, b = lonlat if lonlat is not None else XY_NAMES
    xs, bad_x = to_number(data[a])
    ys, bad_y = to_number(data[b])
    bad = bad_x | bad_y
    issues.add(
        InvalidDataError,
        f"coördinaten in {a}/{b} zijn geen getallen",
        name_rows(np.flatnonzero(bad)),
        "gebruik gewone decimale getallen zoals 52,99 of 52.99",
    )
    if lonlat is not None:
        src_crs = crs or "EPSG:4326"
    else:
        src_crs = crs or RD_NEW
        ok = ~np.isnan(xs) & ~np.isnan(ys)
        if crs is None and ok.any() and (np.abs(xs[ok]) <= 180).all() and (np.abs(ys[ok]) <= 90).all():
            msg = (
                f"{what}: de kolommen x/y bevatten graden, geen RD New-meters; noem de kolommen lon/lat voor "
                "WGS84-graden of geef RD New-coördinaten (EPSG:28992) in x/y"
            )
            raise CRSError(msg)
    data[a], data[b] = xs, ys
    missing = np.isnan(xs) | np.isnan(ys)
    geoms = np.where(missing, None, shapely.points(np.where(missing, 0.0, xs), np.where(missing, 0.0, ys)))
    return np.asarray(geoms, dtype=object), src_crs, src_crs == "EPSG:4326", bad


def _from_wkt(
    data: pd.DataFrame, crs: str | None, issues: RowIssues, name_rows: _Namer
) -> tuple[np.ndarray, str, bool, np.ndarray]:
    wkt = data["geometry"].astype("string").str.strip()
    given = (wkt.notna() & (wkt != "")).fillna(False).to_numpy(dtype=bool)
    raw = np.asarray(wkt.astype(object).where(wkt.notna() & given, None), dtype=object)
    geoms = shapely.from_wkt(raw, on_invalid="ignore")
    unreadable = given & shapely.is_missing(geoms)
    issues.add(
        InvalidDataError,
        "kolom geometry is geen geldige WKT",
        name_rows(np.flatnonzero(unreadable)),
        "schrijf punten als 'POINT (x y)'",
    )
    if crs is not None:
        src_crs = crs
    else:
        bounds = shapely.bounds(geoms)
        fine = ~np.isnan(bounds[:, 0])
        degrees = fine.any() and bool((np.abs(bounds[fine][:, [0, 2]]) <= 180).all())
        degrees = degrees and bool((np.abs(bounds[fine][:, [1, 3]]) <= 90).all())
        src_crs = "EPSG:4326" if degrees else RD_NEW
        logger.info("WKT coordinates taken as %s", src_crs)
    return np.asarray(geoms, dtype=object), src_crs, src_crs == "EPSG:4326", unreadable


def points_from_table(
    table: pd.DataFrame,
    what: str,
    *,
    id_column: str | None = "id",
    line_offset: RowNumbers = None,
    crs: str | None = None,
    issues: RowIssues | None = None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Turn a table with coordinates into points in EPSG:28992.

    Parameters
    ----------
    table
        A (Geo)DataFrame. A GeoDataFrame with an active geometry column uses
        that; otherwise the columns ``lon``/``lat`` (or ``longitude``/
        ``latitude``, WGS84), ``x``/``y`` (RD New metres unless ``crs``) or a
        WKT ``geometry`` column are used, in that order. Not modified.
    what
        Name of the input for messages.
    id_column
        Column whose values name offending rows besides their row number.
    line_offset
        The user's row numbers (see :data:`RowNumbers`).
    crs
        CRS of ``x``/``y`` or WKT coordinates when they are not RD New / WGS84.
    issues
        Row problems found earlier by the caller; they are raised together
        with the ones found here.

    Returns
    -------
    tuple of (GeoDataFrame, list of str)
        A new frame in EPSG:28992 (coordinate columns kept, as numbers) and warnings.

    Raises
    ------
    InvalidDataError, CRSError, SwappedCoordinatesError
        One error naming every offending row (the common class of the
        problems); file-level problems (no coordinate columns, x/y in degrees,
        no CRS) at once.
    """
    issues = issues if issues is not None else RowIssues(what)
    warnings: list[str] = []
    name_rows = _Namer(table, id_column, line_offset)
    if isinstance(table, gpd.GeoDataFrame) and table._geometry_column_name in table.columns:
        if table.crs is None:
            msg = (
                f"{what} heeft geen coördinatenstelsel; stel er een in (EPSG:28992 voor RD New, EPSG:4326 voor lon/lat)"
            )
            raise CRSError(msg)
        geoms = np.asarray(table.geometry.to_numpy(), dtype=object)
        src_crs, geographic = table.crs, bool(table.crs.is_geographic)
        data = pd.DataFrame(table.drop(columns=table._geometry_column_name))
        reported = np.zeros(len(table), dtype=bool)
    else:
        data = pd.DataFrame(table).copy()
        found = _from_columns(data, what, crs, issues, name_rows)
        if found is None and "geometry" in data.columns:
            found = _from_wkt(data, crs, issues, name_rows)
            data = data.drop(columns="geometry")
        if found is None:
            msg = (
                f"{what} heeft geen coördinaten (kolommen: {', '.join(map(str, data.columns[:20]))}); "
                "voeg kolommen lon/lat (WGS84-graden), x/y (RD New-meters) of een WKT-kolom geometry toe"
            )
            raise InvalidDataError(msg)
        geoms, src_crs, geographic, reported = found
    empty = (shapely.is_missing(geoms) | shapely.is_empty(geoms)) & ~reported
    issues.add(
        InvalidDataError,
        "coördinaten ontbreken",
        name_rows(np.flatnonzero(empty)),
        "geef elke rij een ligging (of verwijder de rij)",
    )
    fine = ~(empty | reported)
    not_point = fine & (shapely.get_type_id(geoms) != shapely.GeometryType.POINT)
    if not_point.any():
        shown = ", ".join(name_rows(np.flatnonzero(not_point))[:8])
        note = f"{int(not_point.sum())} rij(en) zijn geen punt ({shown}); het middelpunt is gebruikt"
        logger.warning("%s: %s", what, note)
        warnings.append(note)
        geoms = np.where(not_point, shapely.centroid(geoms), geoms)
    if geographic:
        usable = geoms.copy()
        usable[~fine] = None
        xs = np.where(fine, shapely.get_x(usable), np.nan)
        ys = np.where(fine, shapely.get_y(usable), np.nan)
        _check_lonlat(xs, ys, issues, name_rows)
    issues.raise_if_any()
    frame = gpd.GeoDataFrame(data.reset_index(drop=True), geometry=list(geoms), crs=src_crs)
    return to_rd_new(frame, what), warnings
