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

``open_from``, ``open_until``
    when present: partial ISO dates (``2022-03-07``, ``2021-11``, ``2021``),
    checked and normalised by :mod:`spreiding.data.dates` (absent = undated);

plus every other column of the input, kept as it is (``place``,
``status_year``, ``date_evidence``, ``sources``, ``notes``, ``confidence``, ...).

Files are read as people make them (:mod:`spreiding.data._tables`: encoding,
delimiter, XLSX) and the coordinates parsed by :mod:`spreiding.data._points`
(lon/lat, RD ``x``/``y`` or a WKT ``geometry`` column); both are shared with
:mod:`spreiding.data.candidates` through :func:`_read_point_table` and
:func:`_points_from_table`. Every row problem of a file is reported in one
Dutch message.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from spreiding._validate import RD_NEW, to_rd_new
from spreiding.data._points import (
    RowIssues,
    RowNumbers,
    auto_ids,
    coordinate_key,
    list_text,
    points_from_table,
    row_labels,
)
from spreiding.data._tables import read_table
from spreiding.data.config import data_paths
from spreiding.data.dates import check_date_columns
from spreiding.data.regions import RegionLike
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import (
    ConfigError,
    DataNotFoundError,
    DuplicateIdError,
    InvalidDataError,
    MissingColumnsError,
    OutsideRegionError,
)
from spreiding.vocabulary import KIND_LABELS, STATUS_LABELS

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


# --------------------------------------------------------------------------- shared with the candidate reader

_points_from_table = points_from_table


def _read_point_table(
    path: str | os.PathLike[str], what: str, *, layer: str | None = None
) -> tuple[pd.DataFrame, int | None]:
    """Read a CSV, XLSX, GeoJSON or GeoPackage; return the table and the user's row number of row 0 (None: no rows)."""
    raw = read_table(Path(path), what, layer=layer)
    return raw.table, raw.first_row


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.lower())


def _canonical(
    values: pd.Series, allowed: Sequence[str], labels: Mapping[str, str] | None = None
) -> tuple[pd.Series, np.ndarray]:
    """Map case/space variants onto ``allowed``; return values and a mask of unknown (or missing) ones.

    ``labels`` (code → Dutch label, :mod:`spreiding.vocabulary`) are read as their code too, so a list the
    tool wrote for people (``gesloten``, ``kleine vestiging``) reads back.
    """
    lookup = {_key(label): code for code, label in (labels or {}).items() if code in allowed}
    lookup |= {_key(a): a for a in allowed}
    keys = values.astype("string").str.lower().str.replace(r"[\s_\-]+", "", regex=True)
    mapped = keys.map(lookup)
    unknown = mapped.isna().to_numpy()
    return mapped.astype("str"), unknown


def _select_outside(
    frame: gpd.GeoDataFrame, study_area: BaseGeometry | None, on_outside: OnOutside, what: str, names: list[str]
) -> tuple[gpd.GeoDataFrame, list[str]]:
    if on_outside not in ("error", "warn", "drop"):
        msg = f"on_outside={on_outside!r} is ongeldig; kies 'error', 'warn' of 'drop'"
        raise ConfigError(msg)
    if study_area is None or len(frame) == 0:
        return frame, []
    shapely.prepare(study_area)
    inside = shapely.covers(study_area, frame.geometry.to_numpy())
    if inside.all():
        return frame, []
    outside = [names[i] for i in np.flatnonzero(~inside)]
    text = f"{len(outside)} punt(en) liggen buiten het studiegebied: {list_text(outside, 8)}"
    if on_outside == "error":
        msg = (
            f"{what}: {text}; controleer hun coördinaten (lon/lat in WGS84-graden, x/y in RD New-meters) "
            "of verwijder deze rijen"
        )
        raise OutsideRegionError(msg)
    if on_outside == "drop":
        logger.warning("%s: %s; weggelaten", what, text)
        return frame.loc[inside].reset_index(drop=True), [text + " (weggelaten)"]
    logger.warning("%s: %s; behouden", what, text)
    return frame, [text + " (behouden)"]


# --------------------------------------------------------------------------- facilities

_COLUMNS_FIX = (
    "geef de kolommen name, kind (vestiging / kleine_vestiging / servicepunt) en de ligging: lon/lat "
    "(WGS84-graden) of x/y (RD New-meters); id en status (open / closed / planned / cancelled) mogen ontbreken"
)


def _require_columns(table: pd.DataFrame, what: str) -> None:
    missing = [c for c in ("name", "kind") if c not in table.columns]
    if missing:
        have = ", ".join(map(str, list(table.columns)[:20])) or "geen"
        msg = f"{what}: kolom(men) {', '.join(missing)} ontbreken (aanwezig: {have}); {_COLUMNS_FIX}"
        raise MissingColumnsError(msg)


def _drop_blank_rows(table: pd.DataFrame, rows: RowNumbers) -> tuple[pd.DataFrame, RowNumbers]:
    """Leave out rows without any value (spreadsheets leave them); keep the user's row numbers."""
    if isinstance(table, gpd.GeoDataFrame) or rows is None or not len(table):
        return table, rows
    numbers = np.arange(len(table)) + rows if isinstance(rows, int) else np.asarray(rows)
    filled = table.notna().any(axis=1).to_numpy()
    if filled.all():
        return table, rows
    return table.loc[filled].reset_index(drop=True), numbers[filled]


def _ids(data: pd.DataFrame, issues: RowIssues, rows: RowNumbers, warnings: list[str]) -> tuple[pd.Series, bool]:
    """The ids (generated from name and coordinates without an ``id`` column) and whether the user gave them."""
    given = "id" in data.columns
    if given:
        ids = data["id"].astype("string").str.strip()
        blank = (ids.isna() | (ids == "")).to_numpy()
        labels = row_labels(data, np.flatnonzero(blank), None, rows)
        issues.add(InvalidDataError, "lege id", labels, "geef elke rij een id")
        ids = ids.fillna("").astype("str")
    else:
        text = "geen kolom id: ids gemaakt uit naam en ligging (auto-...), gelijk bij elke upload van dit bestand"
        logger.info("%s", text)
        warnings.append(text)
        ids = auto_ids(data["name"], coordinate_key(data))
        blank = np.zeros(len(ids), dtype=bool)
    dup = np.flatnonzero(ids.duplicated(keep=False).to_numpy() & ~blank)
    fix = "geef elke voorziening een eigen id" if given else "verwijder dubbele rijen (zelfde naam en ligging)"
    issues.add(DuplicateIdError, "id komt meer dan eens voor", row_labels(data.assign(id=ids), dup, "id", rows), fix)
    return ids, given


def _canonical_columns(data: pd.DataFrame, issues: RowIssues, rows: RowNumbers, id_column: str | None) -> None:
    """Map kind/status variants onto the allowed values in place (``data`` is the caller's own copy)."""
    for column, allowed, dutch in (("kind", KINDS, KIND_LABELS), ("status", STATUSES, STATUS_LABELS)):
        values, unknown = _canonical(data[column], allowed, dutch)
        positions = np.flatnonzero(unknown)
        labels = row_labels(data, positions, id_column, rows)
        given = data[column].iloc[positions].astype("string").fillna("<leeg>")
        words = [dutch[a] for a in allowed if a in dutch and _key(dutch[a]) != _key(a)]
        also = f", of in het Nederlands {', '.join(words)}" if words else ""
        issues.add(
            InvalidDataError,
            f"onbekende waarde in kolom {column}",
            [f"{label}: {value!r}" for label, value in zip(labels, given, strict=True)],
            f"toegestaan zijn {', '.join(allowed)}{also} (hoofdletters en spaties tellen niet)",
        )
        data[column] = values


def _normalise(
    table: pd.DataFrame,
    what: str,
    *,
    line_offset: RowNumbers,
    study_area: BaseGeometry | None,
    on_outside: OnOutside,
    crs: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Validate ``table`` and return a normalised facilities frame (new) and warnings; every row problem at once."""
    warnings: list[str] = []
    _require_columns(table, what)
    data, rows = _drop_blank_rows(table.copy(), line_offset)
    if "status" not in data.columns:
        text = "geen kolom status: elke rij telt als open"
        logger.warning("%s: %s", what, text)
        warnings.append(text)
        data["status"] = "open"
    issues = RowIssues(what)
    data["id"], given_ids = _ids(data, issues, rows, warnings)
    id_column = "id" if given_ids else None
    name = data["name"].astype("string").str.strip()
    no_name = (name.isna() | (name == "")).to_numpy()
    issues.add(
        InvalidDataError,
        "naam ontbreekt",
        row_labels(data, np.flatnonzero(no_name), id_column, rows),
        "geef elke rij een naam",
    )
    data["name"] = name.fillna("").astype("str")
    _canonical_columns(data, issues, rows, id_column)
    check_date_columns(data, issues, rows, id_column)
    for column in OPTIONAL_COLUMNS:
        if column not in data.columns:
            data[column] = pd.Series(pd.NA, index=data.index, dtype="str")
    frame, geo_warnings = points_from_table(data, what, id_column=id_column, line_offset=rows, crs=crs, issues=issues)
    warnings += geo_warnings
    frame, out_warnings = _select_outside(frame, study_area, on_outside, what, frame["id"].tolist())
    warnings += out_warnings
    if not len(frame):
        text = "het bestand bevat geen voorzieningen (alleen een kopregel): 0 voorzieningen gelezen"
        logger.warning("%s: %s", what, text)
        warnings.append(text)
    return frame, warnings


def validate_facilities(
    frame: pd.DataFrame,
    *,
    study_area: BaseGeometry | None = None,
    on_outside: OnOutside = "error",
    what: str = "voorzieningen",
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
    display_name: str | None = None,
) -> gpd.GeoDataFrame:
    """Read and validate the list of service points.

    Parameters
    ----------
    path
        CSV (``lon``/``lat`` or ``longitude``/``latitude`` in WGS84, ``x``/``y``
        in RD New, or a WKT ``geometry`` column), XLSX, GeoJSON or GeoPackage.
        CSV in UTF-8, UTF-16 or Windows-1252, separated by ``,``, ``;`` or tab,
        decimal commas accepted (see :mod:`spreiding.data._tables`). Only
        ``name``, ``kind`` and the coordinates are required: without ``id``
        the ids are ``auto-<hash of name and coordinates>`` (the same on every
        read), without ``status`` every row is open. A file with a header
        only gives an empty frame and a warning.
        Default: ``data_paths(data_dir, region).libraries``.
    data_dir
        Data folder when ``path`` is not given.
    layer
        Layer of a GeoPackage or sheet of an XLSX.
    study_area
        Shapely geometry in EPSG:28992 (e.g. the province buffered 15 km).
    on_outside
        What to do with points outside ``study_area``: ``"error"`` (default),
        ``"warn"`` (keep, warn) or ``"drop"`` (remove, warn).
    crs
        CRS of ``x``/``y`` or WKT coordinates when not RD New / WGS84.
    region
        Region whose list to read when ``path`` is None (default: the default region).
    display_name
        The file's name as the user knows it (an upload's own name); messages
        and the SourceInfo use it instead of ``path`` (e.g. a temporary file).

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
        The content is not usable; one Dutch message names every offending
        row (row numbers as in a spreadsheet: header = row 1).
    """
    p = Path(path) if path is not None else data_paths(data_dir, region).libraries
    what = f"voorzieningenbestand {display_name or p.name}"
    if not p.is_file():
        where = "" if display_name else f" ({p})"
        msg = f"{what} niet gevonden{where}; geef het pad (--facilities) of zet SPREIDING_DATA_DIR op de gegevensmap"
        raise DataNotFoundError(msg)
    raw = read_table(p, what, layer=layer)
    frame, warnings = _normalise(
        raw.table, what, line_offset=raw.first_row, study_area=study_area, on_outside=on_outside, crs=crs
    )
    info = SourceInfo(
        kind="facilities",
        path=display_name or str(p),
        rows=len(frame),
        year=_year(frame["status_year"]) if "status_year" in frame.columns else None,
        crs=RD_NEW,
        description=f"bibliotheekvestigingen en servicepunten ({raw.description})",
        quality=_quality(frame),
        warnings=(*raw.notes, *warnings),
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
            label = "soort(en)" if column == "kind" else "status(sen)"
            hint = " (--kinds)" if column == "kind" else ""
            msg = f"onbekende {label} {', '.join(unknown)}; kies uit {', '.join(allowed)}{hint}"
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
    out = to_rd_new(frame, "voorzieningen").to_crs("EPSG:4326")
    out["lon"] = out.geometry.x
    out["lat"] = out.geometry.y
    out.attrs = dict(frame.attrs)
    return out
