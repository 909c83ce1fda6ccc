"""Downloads: file names, CSV / Excel / GeoPackage bytes and a one-call export.

Every function here is pure: it copies what it gets and returns bytes or
writes new files, so the app can hand the result straight to
``st.download_button``. Tables are prepared the same way for every format:

* distances that cannot be reached (``inf``) become *empty* cells, never
  ``"inf"`` or ``0``; a frame with a ``dist_m`` column gets a boolean
  ``reachable`` column (``dist_m`` finite) that says why a cell is empty;
* geometry is dropped from tables (CSV, Excel); point geometry is kept as
  ``x_rd`` / ``y_rd`` columns (EPSG:28992);
* the Excel workbook always ends with a ``Bronnen`` sheet naming the data
  sources, the norm, the distance model and the OpenStreetMap credit.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from spreiding._validate import RD_NEW, to_rd_new
from spreiding.analysis.norm import Norm
from spreiding.data.sources import OSM_CREDIT
from spreiding.errors import ConfigError, InvalidDataError

if TYPE_CHECKING:
    from spreiding.network.engine import DistanceModel
    from spreiding.study import Analysis

__all__ = [
    "DATA_CREDIT",
    "FORMATS",
    "OSM_CREDIT",
    "analysis_tables",
    "export_analysis",
    "export_name",
    "slugify",
    "sources_table",
    "table_for_export",
    "to_csv_bytes",
    "to_gpkg_bytes",
    "to_xlsx_bytes",
]

logger = logging.getLogger(__name__)

DATA_CREDIT = "Bevolking: CBS/Eurostat bevolkingsgrid (Census 2021)"
"""Credit for the population grid."""
FORMATS: tuple[str, ...] = ("csv", "xlsx", "gpkg")
"""Formats :func:`export_analysis` can write."""

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_XLSX_MAX_SHEET = 31
_XLSX_MAX_WIDTH = 60


# --------------------------------------------------------------------------- names


def slugify(text: str) -> str:
    """Return ``text`` as a lower-case ASCII file-name part (``"Aa en Hunze"`` → ``"aa-en-hunze"``).

    Accents are stripped, every run of other characters becomes one ``-``.
    An empty result raises :class:`~spreiding.errors.ConfigError`.
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        msg = f"cannot make a file name from {text!r}: it has no letters or digits; give a name with letters or digits"
        raise ConfigError(msg)
    return slug


def export_name(
    kind: str,
    *,
    scenario: str | None,
    norm: Norm,
    municipality: str | None = None,
    date: dt.date | None = None,
    ext: str,
) -> str:
    """File name that says what, which scenario, which norm and when.

    Parameters
    ----------
    kind
        What the file holds, e.g. ``"dekking"`` or ``"zorgplichtrapport"``.
    scenario
        Scenario name; ``None`` means the current situation (``"basis"``).
    norm
        The norm; its :meth:`~spreiding.analysis.norm.Norm.slug` is used.
    municipality
        Municipality the file is about, if any.
    date
        Date in the name (default: today).
    ext
        Extension without or with the dot (``"csv"``, ``".xlsx"``).

    Returns
    -------
    str
        For example ``spreiding_dekking_basis_car-5km_2026-11-27.csv`` or
        ``spreiding_dekking_sluit-x_car-5km_aa-en-hunze_2026-11-27.xlsx``.
    """
    extension = ext.lstrip(".").lower()
    if not re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)?", extension):
        msg = f"invalid file extension {ext!r}; give letters/digits only, e.g. 'csv' or 'xlsx'"
        raise ConfigError(msg)
    parts = ["spreiding", slugify(kind), slugify(scenario if scenario is not None else "basis")]
    parts.append(re.sub(r"[^A-Za-z0-9_-]+", "-", norm.slug()).lower())
    if municipality is not None:
        parts.append(slugify(municipality))
    parts.append((date or dt.date.today()).isoformat())
    return "_".join(parts) + "." + extension


# --------------------------------------------------------------------------- table preparation


def table_for_export(frame: pd.DataFrame, *, keep_geometry: bool = False) -> pd.DataFrame:
    """Return a new frame ready for CSV / Excel: ``inf`` → empty, ``reachable`` added.

    Parameters
    ----------
    frame
        Any table (coverage table, uncovered cells, facilities, ...).
    keep_geometry
        Keep the geometry column (for GeoPackage layers). Without it the
        geometry is dropped and point geometry becomes ``x_rd`` / ``y_rd``.

    Returns
    -------
    pandas.DataFrame
        A copy; the caller's frame is untouched.
    """
    out = pd.DataFrame(frame, copy=True)
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    if "dist_m" in out.columns:  # (re)derived so it always matches the distances written
        dist = pd.to_numeric(out["dist_m"], errors="coerce").to_numpy(float)
        out["reachable"] = np.isfinite(dist)
    for column in out.columns:
        if column == geometry_name:
            continue
        series = out[column]
        if pd.api.types.is_float_dtype(series.dtype):
            values = series.to_numpy(float, na_value=np.nan)
            if np.isinf(values).any():
                out[column] = np.where(np.isinf(values), np.nan, values)
    if geometry_name is not None:
        geo = gpd.GeoSeries(frame.geometry, crs=frame.crs)
        if not keep_geometry:
            out = pd.DataFrame(out.drop(columns=[geometry_name]))
            if len(geo) and bool((geo.geom_type == "Point").all()):
                rd = geo.to_crs(RD_NEW) if geo.crs is not None and geo.crs.to_epsg() != 28992 else geo
                out["x_rd"] = np.round(rd.x.to_numpy(float), 1)
                out["y_rd"] = np.round(rd.y.to_numpy(float), 1)
        else:
            out = gpd.GeoDataFrame(out, geometry=geometry_name, crs=frame.crs)
    return out


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not np.isfinite(value):
        return ""
    return str(value)


def sources_table(
    sources: Sequence[Mapping[str, Any]] = (),
    *,
    norm: Norm | None = None,
    model: DistanceModel | str | None = None,
    notes: Iterable[str] = (),
    generated: dt.date | None = None,
) -> pd.DataFrame:
    """Table for the ``Bronnen`` sheet: norm, distance model, sources, credits.

    Parameters
    ----------
    sources
        Source dicts (see :class:`spreiding.data.sources.SourceInfo`): ``kind``,
        ``path``/``file``, ``rows``, ``year``, ``description``, ``quality``,
        ``warnings``.
    norm
        The norm used.
    model
        The distance model (or its label).
    notes
        Extra notes, one row each.
    generated
        Date (default: today).

    Returns
    -------
    pandas.DataFrame
        Columns ``onderdeel``, ``waarde``, ``bestand``, ``rijen``, ``jaar``.
    """
    rows: list[dict[str, object]] = [{"onderdeel": "Gemaakt op", "waarde": (generated or dt.date.today()).isoformat()}]
    if norm is not None:
        rows.append({"onderdeel": "Norm", "waarde": f"{norm.name} — {norm.describe()}"})
        rows.append({"onderdeel": "Tellende soorten", "waarde": ", ".join(sorted(norm.kinds))})
        if norm.example:
            rows.append({"onderdeel": "Status norm", "waarde": "voorbeeldnorm — de wet (Wsob) noemt geen getal"})
    if model is not None:
        label = model if isinstance(model, str) else f"{model.label_nl} [{model.label}]"
        rows.append({"onderdeel": "Afstandsmodel", "waarde": label})
        if not isinstance(model, str) and model.is_estimate:
            rows.append({"onderdeel": "Let op", "waarde": "afstanden zijn schattingen (hemelsbreed x omwegfactor)"})
    for source in sources:
        path = _as_text(source.get("path") or source.get("file"))
        rows.append(
            {
                "onderdeel": f"Bron: {_as_text(source.get('kind')) or 'gegevens'}",
                "waarde": _as_text(source.get("description")),
                "bestand": Path(path).name if path else "",
                "rijen": source.get("rows"),
                "jaar": source.get("year"),
            }
        )
        for warning in source.get("warnings") or ():
            rows.append({"onderdeel": "Waarschuwing", "waarde": _as_text(warning), "bestand": Path(path).name})
    rows += [{"onderdeel": "Opmerking", "waarde": _as_text(note)} for note in notes]
    rows.append({"onderdeel": "Bevolking", "waarde": DATA_CREDIT})
    rows.append({"onderdeel": "OpenStreetMap", "waarde": OSM_CREDIT})
    table = pd.DataFrame(rows, columns=["onderdeel", "waarde", "bestand", "rijen", "jaar"])
    table["rijen"] = table["rijen"].astype("Int64")
    table["jaar"] = table["jaar"].astype("Int64")
    return table


# --------------------------------------------------------------------------- bytes


def to_csv_bytes(frame: pd.DataFrame, *, sep: str = ",") -> bytes:
    """CSV (UTF-8 with BOM, so Excel shows accents) of a prepared copy of ``frame``.

    ``inf`` distances are empty cells; see :func:`table_for_export`.
    """
    table = table_for_export(frame)
    text = table.to_csv(index=False, sep=sep, na_rep="", lineterminator="\n")
    return text.encode("utf-8-sig")


def _sheet_names(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in names:
        base = _SHEET_FORBIDDEN.sub("_", str(raw)).strip("'") or "blad"
        name = base[:_XLSX_MAX_SHEET]
        n = 2
        while name.lower() in {o.lower() for o in out}:
            suffix = f"_{n}"
            name = base[: _XLSX_MAX_SHEET - len(suffix)] + suffix
            n += 1
        out.append(name)
    return out


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot hold tz-aware datetimes or nested objects: make them text."""
    out = table_for_export(frame)
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = series.dt.tz_localize(None)
        elif series.dtype == object:
            out[column] = series.map(lambda v: v if v is None or isinstance(v, str | int | float | bool) else str(v))
    return out


def to_xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    *,
    sources: Sequence[Mapping[str, Any]] = (),
    norm: Norm | None = None,
    model: DistanceModel | str | None = None,
    notes: Iterable[str] = (),
    generated: dt.date | None = None,
) -> bytes:
    """Excel workbook (openpyxl): one sheet per table and a ``Bronnen`` sheet.

    Parameters
    ----------
    sheets
        Sheet name → table; geometry is dropped, ``inf`` becomes empty.
        Names are cut to Excel's 31 characters and made unique.
    sources, norm, model, notes, generated
        What the ``Bronnen`` sheet says (see :func:`sources_table`); the
        OpenStreetMap credit is always on it.

    Returns
    -------
    bytes
        The ``.xlsx`` file.
    """
    tables = {name: _excel_ready(frame) for name, frame in sheets.items()}
    names = _sheet_names([*tables, "Bronnen"])
    if "Bronnen" in tables:
        logger.warning("a sheet named 'Bronnen' was given; the sources sheet is written as %r", names[-1])
    bronnen = sources_table(sources, norm=norm, model=model, notes=notes, generated=generated)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, table in zip(names, [*tables.values(), bronnen], strict=True):
            table.to_excel(writer, sheet_name=sheet, index=False, na_rep="")
            worksheet = writer.sheets[sheet]
            worksheet.freeze_panes = "A2"
            for i, column in enumerate(table.columns):
                head = len(str(column))
                lengths = table[column].astype("string").str.len()
                body = int(lengths.max()) if bool(lengths.notna().any()) else 0
                width = min(max(head, body) + 2, _XLSX_MAX_WIDTH)
                worksheet.column_dimensions[worksheet.cell(row=1, column=i + 1).column_letter].width = width
    return buffer.getvalue()


def _layer_name(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())


def to_gpkg_bytes(layers: Mapping[str, pd.DataFrame]) -> bytes:
    """GeoPackage with one layer per frame (EPSG:28992).

    Parameters
    ----------
    layers
        Layer name → frame. GeoDataFrames are written as spatial layers in
        EPSG:28992 (reprojected copies); plain frames as attribute-only
        tables; a frame that cannot be written is skipped with a logged
        warning. ``inf`` distances become NULL with a ``reachable`` column.

    Returns
    -------
    bytes
        The ``.gpkg`` file.

    Raises
    ------
    InvalidDataError
        When no layer could be written.
    """
    import pyogrio

    written: list[str] = []
    with tempfile.TemporaryDirectory(prefix="spreiding-gpkg-") as tmp:
        path = Path(tmp) / "export.gpkg"
        for raw_name, frame in layers.items():
            name = _layer_name(raw_name) or "laag"
            if name in written:
                name = f"{name}_{len(written) + 1}"
            try:
                if isinstance(frame, gpd.GeoDataFrame):
                    table = table_for_export(to_rd_new(frame, f"layer {raw_name!r}"), keep_geometry=True)
                else:
                    table = table_for_export(frame)
                pyogrio.write_dataframe(table, path, layer=name, driver="GPKG")
            except Exception as exc:  # pyogrio/GDAL raise many types; one bad layer must not stop the rest
                logger.warning("GeoPackage layer %r skipped: %s", raw_name, exc)
                continue
            written.append(name)
        if not written:
            given = ", ".join(map(str, layers)) or "none"
            msg = f"no layer could be written to the GeoPackage (given: {given}); see the logged warnings"
            raise InvalidDataError(msg)
        return path.read_bytes()


# --------------------------------------------------------------------------- analysis


def _check_municipality(analysis: Analysis, municipality: str | None) -> None:
    if municipality is None:
        return
    known = [str(m) for m in analysis.table["municipality"].iloc[:-1]]
    if municipality not in known:
        msg = f"municipality {municipality!r} is not in this analysis; use one of: {', '.join(known)}"
        raise ConfigError(msg)


def _only(frame: pd.DataFrame, municipality: str | None) -> pd.DataFrame:
    if municipality is None or "municipality" not in frame.columns:
        return frame.copy()
    return frame.loc[frame["municipality"].astype("string") == municipality].copy()


def analysis_tables(analysis: Analysis, municipality: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables of an analysis by export name, filtered to one municipality when given.

    Returns
    -------
    dict
        ``dekking`` (coverage table), ``leeftijd`` (by age band),
        ``buiten_norm`` (uncovered cells, a GeoDataFrame) and
        ``vestigingen`` (the counted service points, a GeoDataFrame); all copies.
        With a municipality, the coverage tables hold only its rows and
        ``vestigingen`` keeps every counted service point (residents also
        use those across the border).
    """
    _check_municipality(analysis, municipality)
    return {
        "dekking": _only(analysis.table, municipality),
        "leeftijd": _only(analysis.by_age, municipality),
        "buiten_norm": _only(analysis.uncovered, municipality),
        "vestigingen": analysis.counted.copy(),
    }


def export_analysis(
    analysis: Analysis,
    out_dir: str | Path,
    *,
    scenario: str = "basis",
    municipality: str | None = None,
    formats: Sequence[str] = FORMATS,
    sources: Sequence[Mapping[str, Any]] = (),
    date: dt.date | None = None,
) -> list[Path]:
    """Write the coverage table, the age-band table and the uncovered cells.

    Parameters
    ----------
    analysis
        Result of :func:`spreiding.data.region.analyse`.
    out_dir
        Folder to write to (created when missing).
    scenario
        Scenario name for the file names.
    municipality
        Only this municipality's rows (and uncovered cells).
    formats
        Any of ``"csv"`` (one file per table), ``"xlsx"`` (one workbook with
        a sheet per table and a ``Bronnen`` sheet), ``"gpkg"`` (one
        GeoPackage: uncovered cells and service points as spatial layers,
        coverage tables as attribute tables).
    sources
        Source dicts for the ``Bronnen`` sheet (e.g. ``region.sources``).
    date
        Date in the file names (default: today).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        msg = f"unknown export format(s) {', '.join(unknown)}; use any of {', '.join(FORMATS)}"
        raise ConfigError(msg)
    tables = analysis_tables(analysis, municipality)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = date or dt.date.today()

    def name(kind: str, ext: str) -> Path:
        return folder / export_name(
            kind, scenario=scenario, norm=analysis.norm, municipality=municipality, date=stamp, ext=ext
        )

    written: list[Path] = []
    if "csv" in formats:
        for kind, table in tables.items():
            path = name(kind, "csv")
            path.write_bytes(to_csv_bytes(table))
            written.append(path)
    if "xlsx" in formats:
        path = name("dekking", "xlsx")
        path.write_bytes(
            to_xlsx_bytes(tables, sources=sources, norm=analysis.norm, model=analysis.model, generated=stamp)
        )
        written.append(path)
    if "gpkg" in formats:
        path = name("dekking", "gpkg")
        path.write_bytes(to_gpkg_bytes(tables))
        written.append(path)
    logger.info("exported %d file(s) to %s", len(written), folder)
    return written
