"""The one writer: frames to CSV, Dutch-Excel CSV, XLSX, GeoPackage and HTML.

Every file any part of ``spreiding`` writes for people or scripts goes
through :func:`write_tables` (to a path) or :func:`to_bytes` (for app
downloads). The same rules hold in every format:

* ``inf`` (unreachable) becomes an *empty* cell, never ``"inf"`` or ``0``; a
  table with ``dist_m`` gets a ``reachable`` column that says why
  (:func:`table_for_export`);
* a *Bronnen* sheet / layer / section carries the :class:`Provenance` and the
  OpenStreetMap credit. A plain CSV holds one table only, so on disk it gets a
  sidecar ``<name>.bronnen.csv``; :func:`to_bytes` ``"csv"`` returns the table
  alone (use ``"csv-nl"`` or ``"xlsx"`` for people);
* headers: ``.csv`` and ``.gpkg`` keep the machine snake_case columns for
  scripts and GIS; XLSX, HTML and ``csv-nl`` use Dutch headers from
  :data:`spreiding.vocabulary.COLUMN_LABELS`;
* values: ``.csv`` and ``.gpkg`` keep the machine values (metres, seconds,
  unrounded, codes such as ``network:car``); the files for people, ``csv-nl``
  and XLSX, pass :func:`spreiding.output.readable.readable_table` (distances in
  km with 2 decimals, times in minutes with 1, percentages with 1, whole
  residents, Dutch labels for codes) with matching headers ("afstand (km)",
  "reistijd (min)"); their numbers stay numbers (numeric XLSX cells);
* user text can never become a formula: XLSX text cells are explicit string
  cells, CSV text cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR get a
  ``'`` prefix (OWASP CSV injection; numeric columns are never touched), HTML
  is escaped; :func:`strip_formula_guard` undoes the prefix for readers.

Paths are checked before anything is computed (:func:`check_output_path`):
never an input file, never an existing file without ``force``, never a
folder that does not exist (no folder trees are created), never an unknown
extension. Files are written atomically (a temporary file in the same
folder, then renamed).
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from spreiding._formula import FORMULA_PREFIXES, guard_formulas, strip_formula_guard
from spreiding._outfile import atomic_write, check_targets
from spreiding.errors import ConfigError, InvalidDataError
from spreiding.output.provenance import DataFile, Provenance
from spreiding.output.readable import readable_table
from spreiding.vocabulary import SHOWN_DIGITS, Col, column_labels, fmt_dec, fmt_int, shown_unit

__all__ = [
    "FORMATS",
    "FORMULA_PREFIXES",
    "DataFile",
    "Provenance",
    "check_output_path",
    "guard_formulas",
    "sources_frame",
    "strip_formula_guard",
    "table_for_export",
    "to_bytes",
    "write_report",
    "write_tables",
]


logger = logging.getLogger(__name__)

FORMATS: dict[str, str] = {".csv": "csv", ".xlsx": "xlsx", ".gpkg": "gpkg", ".html": "html"}
"""File extension → format of :func:`write_tables` (``csv-nl`` is chosen with ``fmt=``)."""
SOURCES_NAME = "Bronnen"
_ALL_FORMATS = ("csv", "csv-nl", "xlsx", "gpkg", "html")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_XLSX_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_XLSX_MAX_SHEET = 31
_XLSX_MAX_WIDTH = 60
_XLSX_NUMBER_FORMATS = {"km": "0.00", "min": "0.0", "%": "0.0", "inwoners": "#,##0"}
"""Excel number format per :func:`spreiding.vocabulary.shown_unit` (Excel shows them with the reader's locale)."""


# --------------------------------------------------------------------------- table preparation


def _rd_columns(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the geometry; points become ``x_rd`` / ``y_rd`` (EPSG:28992)."""
    import geopandas as gpd

    from spreiding._validate import RD_NEW

    geo = gpd.GeoSeries(frame.geometry, crs=frame.crs)  # type: ignore[attr-defined]
    out = pd.DataFrame(out.drop(columns=[frame.geometry.name]))  # type: ignore[attr-defined]
    if len(geo) and bool((geo.geom_type == "Point").all()):
        rd = geo.to_crs(RD_NEW) if geo.crs is not None and geo.crs.to_epsg() != 28992 else geo
        out[Col.X_RD] = np.round(rd.x.to_numpy(float), 1)
        out[Col.Y_RD] = np.round(rd.y.to_numpy(float), 1)
    return out


def table_for_export(frame: pd.DataFrame, *, keep_geometry: bool = False) -> pd.DataFrame:
    """Return a new frame ready for any format: ``inf`` → empty, ``reachable`` added.

    Parameters
    ----------
    frame
        Any table (coverage table, uncovered cells, facilities, ...).
    keep_geometry
        Keep the geometry column (GeoPackage layers). Without it the geometry
        is dropped and point geometry becomes ``x_rd`` / ``y_rd``.

    Returns
    -------
    pandas.DataFrame
        A copy; the caller's frame is untouched.
    """
    import geopandas as gpd

    out = pd.DataFrame(frame, copy=True)
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    if Col.DIST_M in out.columns:  # (re)derived so it always matches the distances written
        dist = pd.to_numeric(out[Col.DIST_M], errors="coerce").to_numpy(float)
        out[Col.REACHABLE] = np.isfinite(dist)
    for column in out.columns:
        if column != geometry_name and pd.api.types.is_float_dtype(out[column].dtype):
            values = out[column].to_numpy(float, na_value=np.nan)
            if np.isinf(values).any():
                out[column] = np.where(np.isinf(values), np.nan, values)
    if geometry_name is None:
        return out
    if keep_geometry:
        return gpd.GeoDataFrame(out, geometry=geometry_name, crs=frame.crs)
    return _rd_columns(out, frame)


def sources_frame(provenance: Provenance) -> pd.DataFrame:
    """The *Bronnen* table: columns ``onderdeel`` and ``waarde``."""
    return pd.DataFrame(provenance.rows(), columns=["onderdeel", "waarde"], dtype=object)


def _people_headers(table: pd.DataFrame) -> list[str]:
    """Dutch headers of a :func:`readable_table` (distances in km, times in minutes)."""
    return column_labels([str(c) for c in table.columns], km=True, minutes=True)


def _for_people(table: pd.DataFrame) -> pd.DataFrame:
    """A table for the files people read (``csv-nl``, XLSX): :func:`table_for_export`, then readable values."""
    return readable_table(table_for_export(table))


# --------------------------------------------------------------------------- CSV


def _csv(table: pd.DataFrame, *, dutch: bool) -> str:
    if dutch:
        frame = guard_formulas(_for_people(table))
        for column in frame.columns:
            if pd.api.types.is_bool_dtype(frame[column].dtype):
                frame[column] = frame[column].map({True: "ja", False: "nee"})
        frame.columns = _people_headers(frame)
        return frame.to_csv(index=False, sep=";", decimal=",", na_rep="", lineterminator="\r\n")
    frame = guard_formulas(table_for_export(table))
    return frame.to_csv(index=False, na_rep="", lineterminator="\n")


def _one_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    if len(tables) != 1:
        names = ", ".join(map(str, tables)) or "geen"
        msg = (
            f"een CSV-bestand bevat één tabel, maar er zijn er {len(tables)} gegeven ({names}); "
            "kies .xlsx, .gpkg of .html voor meer tabellen, of schrijf elke tabel naar een eigen CSV-bestand"
        )
        raise ConfigError(msg)
    return next(iter(tables.values()))


def _csv_bytes(tables: Mapping[str, pd.DataFrame], provenance: Provenance) -> bytes:
    return _csv(_one_table(tables), dutch=False).encode("utf-8-sig")


def _csv_nl_bytes(tables: Mapping[str, pd.DataFrame], provenance: Provenance) -> bytes:
    """``;``-separated, decimal comma, Dutch headers, BOM; the *Bronnen* rows follow after an empty line."""
    body = _csv(_one_table(tables), dutch=True)
    sources = guard_formulas(sources_frame(provenance))
    block = sources.to_csv(index=False, sep=";", lineterminator="\r\n")
    return (body + "\r\n" + SOURCES_NAME + "\r\n" + block).encode("utf-8-sig")


def _sidecar(path: Path) -> Path:
    return path.with_name(f"{path.stem}.bronnen.csv")


# --------------------------------------------------------------------------- XLSX


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


def _cell_value(value: object) -> object:
    """A value openpyxl can store: numbers stay numbers, missing → ``None``, the rest text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo is not None else value.to_pydatetime()
    return _XLSX_ILLEGAL.sub("", str(value))


def _fill_sheet(sheet: object, table: pd.DataFrame) -> None:
    """Header row and values of a :func:`readable_table`; text cells are explicit string cells (never a formula).

    Numbers stay numeric cells; km, minutes, percentages and residents get a number format with their decimals.
    """
    rows: list[list[object]] = [list(_people_headers(table))]
    rows += [[_cell_value(v) for v in row] for row in table.itertuples(index=False, name=None)]
    formats = [_XLSX_NUMBER_FORMATS.get(shown_unit(str(c)) or "") for c in table.columns]
    widths = [0] * len(table.columns)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)  # type: ignore[attr-defined]
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
            elif r > 1 and formats[c - 1] and isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = formats[c - 1]
            widths[c - 1] = max(widths[c - 1], len(str(value)) if value is not None else 0)
    for c, width in enumerate(widths, start=1):
        letter = sheet.cell(row=1, column=c).column_letter  # type: ignore[attr-defined]
        sheet.column_dimensions[letter].width = min(width + 2, _XLSX_MAX_WIDTH)  # type: ignore[attr-defined]
    sheet.freeze_panes = "A2"  # type: ignore[attr-defined]


def _xlsx_bytes(tables: Mapping[str, pd.DataFrame], provenance: Provenance) -> bytes:
    import openpyxl

    names = _sheet_names([*tables, SOURCES_NAME])
    if names[-1] != SOURCES_NAME:
        logger.warning(
            "er is al een tabel met de naam %r; het bronnenblad heet daarom %r (geef de tabel een andere naam)",
            SOURCES_NAME,
            names[-1],
        )
    frames = [_for_people(t) for t in tables.values()] + [sources_frame(provenance)]
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, frame in zip(names, frames, strict=True):
        _fill_sheet(workbook.create_sheet(name), frame)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- GeoPackage


def _layer_name(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9_]+", "_", ascii_name).strip("_") or "laag"


def _gpkg_layer(frame: pd.DataFrame, raw_name: str) -> pd.DataFrame:
    import geopandas as gpd

    from spreiding._validate import to_rd_new

    if isinstance(frame, gpd.GeoDataFrame):
        return table_for_export(to_rd_new(frame, f"layer {raw_name!r}"), keep_geometry=True)
    return table_for_export(frame)


def _gpkg_bytes(tables: Mapping[str, pd.DataFrame], provenance: Provenance) -> bytes:
    """One layer per table (EPSG:28992; plain frames as attribute tables) and a ``bronnen`` table.

    A layer that cannot be written is skipped with a logged warning; none at
    all raises :class:`~spreiding.errors.InvalidDataError`.
    """
    import pyogrio

    written: list[str] = []
    with tempfile.TemporaryDirectory(prefix="spreiding-gpkg-") as tmp:
        path = Path(tmp) / "export.gpkg"
        for raw_name, frame in tables.items():
            name = _layer_name(raw_name)
            if name in written or name == "bronnen":
                name = f"{name}_{len(written) + 1}"
            try:
                pyogrio.write_dataframe(_gpkg_layer(frame, raw_name), path, layer=name, driver="GPKG")
            except Exception as exc:  # pyogrio/GDAL raise many types; one bad layer must not stop the rest
                logger.warning("GeoPackage-laag %r overgeslagen: %s; kies .xlsx of .csv voor deze tabel", raw_name, exc)
                continue
            written.append(name)
        if not written:
            given = ", ".join(map(str, tables)) or "geen"
            msg = f"geen enkele laag kon in de GeoPackage worden geschreven (gegeven: {given}); zie de waarschuwingen"
            raise InvalidDataError(msg)
        pyogrio.write_dataframe(sources_frame(provenance).astype(str), path, layer="bronnen", driver="GPKG")
        return path.read_bytes()


# --------------------------------------------------------------------------- HTML


def _html_cell(column: str, value: object) -> tuple[str, bool]:
    """Dutch text of one cell and whether it is a number."""
    if value is None or value is pd.NA or (isinstance(value, float | np.floating) and not np.isfinite(value)):
        return "", False
    if isinstance(value, bool | np.bool_):
        return ("ja" if value else "nee"), False
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        unit = shown_unit(column)  # the table is a readable_table: km, minutes, %, residents
        if unit is not None:
            return fmt_dec(number, SHOWN_DIGITS[unit]), True
        if column.endswith("_share"):
            return fmt_dec(number, 1), True
        return (fmt_int(number) if number.is_integer() else fmt_dec(number, 2)), True
    return html.escape(str(value), quote=True), False


def _html_table(table: pd.DataFrame) -> str:
    heads = "".join(f"<th>{html.escape(h)}</th>" for h in _people_headers(table))
    body = []
    for row in table.itertuples(index=False, name=None):
        cells = [_html_cell(str(c), v) for c, v in zip(table.columns, row, strict=True)]
        body.append("<tr>" + "".join(f'<td class="num">{t}</td>' if n else f"<td>{t}</td>" for t, n in cells) + "</tr>")
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_HTML_CSS = (
    "body{font-family:Arial,Helvetica,sans-serif;font-size:10pt;color:#222;margin:12px}"
    "table{border-collapse:collapse;margin:6px 0 16px 0}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left}"
    "th{background:#eef3f8}td.num{text-align:right;white-space:nowrap}h2{color:#08306b}"
)


def _html_bytes(tables: Mapping[str, pd.DataFrame], provenance: Provenance) -> bytes:
    parts = [
        f"<section><h2>{html.escape(str(n))}</h2>{_html_table(_for_people(t))}</section>" for n, t in tables.items()
    ]
    parts.append(f"<section><h2>{SOURCES_NAME}</h2>{_html_table(sources_frame(provenance))}</section>")
    doc = (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n<title>spreiding</title>\n'
        f"<style>{_HTML_CSS}</style>\n</head>\n<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n"
    )
    return doc.encode("utf-8")


# --------------------------------------------------------------------------- public


_WRITERS = {
    "csv": _csv_bytes,
    "csv-nl": _csv_nl_bytes,
    "xlsx": _xlsx_bytes,
    "gpkg": _gpkg_bytes,
    "html": _html_bytes,
}


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in _WRITERS:
            msg = f"onbekend uitvoerformaat {fmt!r}; kies uit {', '.join(_ALL_FORMATS)}"
            raise ConfigError(msg)
        return fmt
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        shown = suffix or "(geen extensie)"
        msg = f"onbekende bestandsextensie {shown} bij {path.name}; gebruik .csv, .xlsx, .gpkg of .html"
        raise ConfigError(msg)
    return FORMATS[suffix]


def _targets(path: Path, fmt: str) -> list[Path]:
    return [path, _sidecar(path)] if fmt == "csv" else [path]


def check_output_path(
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    inputs: Sequence[str | os.PathLike[str]] = (),
    fmt: str | None = None,
) -> Path:
    """Check an output path before any work is done; return it as a Path.

    Parameters
    ----------
    path
        File to write (``.csv``, ``.xlsx``, ``.gpkg`` or ``.html``).
    force
        Allow overwriting an existing file (never an input file).
    inputs
        Files the run reads; the output may not be one of them.
    fmt
        Format instead of the extension's (``"csv-nl"`` for a Dutch-Excel CSV).

    Raises
    ------
    ConfigError
        Unknown extension, missing folder (folders are never created), the
        path is an input file or a folder, or it exists and ``force`` is not set.
        The CLI turns it into exit status 2.
    """
    p = Path(path)
    check_targets(_targets(p, _format_of(p, fmt)), force=force, inputs=inputs)
    return p


def to_bytes(tables: Mapping[str, pd.DataFrame], fmt: str, *, provenance: Provenance | None = None) -> bytes:
    """One file's bytes, for downloads.

    Parameters
    ----------
    tables
        Name (sheet, layer, section title) → table. ``csv`` and ``csv-nl`` take
        exactly one table.
    fmt
        ``"csv"`` (machine columns and values, ``,``, UTF-8 with BOM, the table
        only), ``"csv-nl"`` (Dutch Excel for people: ``;``, decimal comma, Dutch
        headers, km / minutes / rounded numbers and Dutch labels for codes, BOM,
        the *Bronnen* rows below the table), ``"xlsx"`` (for people, like
        ``csv-nl`` with numeric cells), ``"gpkg"`` (machine values) or ``"html"``.
    provenance
        What the *Bronnen* part says (default: tool version, commit and date only).

    Returns
    -------
    bytes
    """
    if fmt not in _WRITERS:
        msg = f"onbekend uitvoerformaat {fmt!r}; kies uit {', '.join(_ALL_FORMATS)}"
        raise ConfigError(msg)
    if not tables:
        msg = "geen tabellen om te schrijven; geef minstens één tabel"
        raise ConfigError(msg)
    return _WRITERS[fmt](tables, provenance or Provenance.collect())


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    provenance: Provenance | None = None,
    force: bool = False,
    inputs: Sequence[str | os.PathLike[str]] = (),
    fmt: str | None = None,
) -> Path:
    """Write tables to one file; the format follows the extension (or ``fmt``).

    Parameters
    ----------
    tables
        Name → table. A CSV holds exactly one table: more raise a
        :class:`~spreiding.errors.ConfigError` (nothing is written).
    path
        ``.csv`` (machine columns; plus a sidecar ``<name>.bronnen.csv``),
        ``.xlsx``, ``.gpkg`` or ``.html``.
    provenance
        What the *Bronnen* part says (default: tool version, commit and date).
    force
        Overwrite an existing file.
    inputs
        Input files the output must not overwrite.
    fmt
        ``"csv-nl"`` for a Dutch-Excel CSV (or any format of :func:`to_bytes`).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ConfigError
        See :func:`check_output_path`; also for several tables in one CSV.
    """
    p = check_output_path(path, force=force, inputs=inputs, fmt=fmt)
    kind = _format_of(p, fmt)
    prov = provenance or Provenance.collect()
    data = to_bytes(tables, kind, provenance=prov)
    if kind == "csv":
        atomic_write(_sidecar(p), sources_frame(prov).pipe(guard_formulas).to_csv(index=False).encode("utf-8-sig"))
    atomic_write(p, data)
    logger.info("geschreven: %s (%s, %d tabel(len))", p, kind, len(tables))
    return p


def write_report(
    document: str,
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> Path:
    """Write a finished HTML report (:mod:`spreiding.output.report`) to ``path`` (UTF-8, atomically).

    The path is checked as for :func:`write_tables` (``.html`` only; no
    overwrite without ``force``; never an input file; the folder must exist).

    Raises
    ------
    ConfigError
        See :func:`check_output_path`; also for another extension than ``.html``.
    """
    if Path(path).suffix.lower() != ".html":
        msg = f"een rapport is een HTML-bestand; geef {Path(path).name} de extensie .html"
        raise ConfigError(msg)
    p = check_output_path(path, force=force, inputs=inputs)
    atomic_write(p, document.encode("utf-8"))
    logger.info("wrote report %s", p)
    return p
