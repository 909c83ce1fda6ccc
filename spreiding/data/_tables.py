"""Tables as people make them: CSV in any common encoding and dialect, XLSX, GeoJSON/GeoPackage.

:func:`read_table` returns the cells as text (``None`` when empty), the row
number the user sees for the first data row (header = row 1, as in a
spreadsheet) and Dutch notes on how the file was read.

* Encoding: a byte-order mark first (UTF-8, or UTF-16 as Excel's
  "Unicode-tekst"), then strict UTF-8, then Windows-1252 (Excel's "CSV
  (gescheiden door lijstscheidingsteken)"), then Latin-1; anything but UTF-8
  is noted.
* Delimiter: the one of ``,``, ``;`` and tab that splits the header into the
  most known column names (``csv.Sniffer`` misreads ``52,99;6,56``); a first
  line ``sep=;`` (Excel's hint) is obeyed.
* Headers are matched case-insensitively; the Dutch headers the tool's own
  writer uses (``naam``, ``soort``, ``x (RD, m)``, ...) are read back as the
  machine names, and the *Bronnen* block of a Dutch CSV export is cut off.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from spreiding._formula import strip_formula_guard
from spreiding.errors import InvalidDataError
from spreiding.vocabulary import COLUMN_LABELS

__all__ = ["KNOWN_COLUMNS", "VECTOR_SUFFIXES", "RawTable", "read_table"]

logger = logging.getLogger(__name__)

VECTOR_SUFFIXES = frozenset({".geojson", ".json", ".gpkg", ".shp", ".fgb", ".gml", ".kml"})
_XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_DELIMITERS: tuple[str, ...] = (",", ";", "\t")
_DELIMITER_NAMES = {",": "komma", ";": "puntkomma", "\t": "tab"}
_SOURCES_SHEET = "bronnen"
_DATA_SHEET_WORDS = ("voorziening", "bibliothe", "vestiging", "facilit", "kandida", "locatie")
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)

_MACHINE = (
    "id",
    "name",
    "kind",
    "status",
    "lon",
    "lat",
    "longitude",
    "latitude",
    "lng",
    "x",
    "y",
    "geometry",
    "municipality",
    "host_building",
    "location_precision",
    "region",
    "place",
    "status_year",
    "sources",
    "notes",
    "confidence",
    "candidate_id",
    "open_from",
    "open_until",
    "date_evidence",
)
_ALIASES: dict[str, str] = {
    "x_rd": "x",
    "y_rd": "y",
    "lengtegraad": "lon",
    "breedtegraad": "lat",
    **{COLUMN_LABELS[c].casefold(): c for c in ("name", "kind", "municipality", "host_building", "place")},
    COLUMN_LABELS["x_rd"].casefold(): "x",
    COLUMN_LABELS["y_rd"].casefold(): "y",
}
KNOWN_COLUMNS: frozenset[str] = frozenset(_MACHINE) | frozenset(_ALIASES)
"""Header names (case-folded) that identify a point table; they decide the delimiter."""


@dataclass(frozen=True)
class RawTable:
    """A table as read: text cells, the user's row number of the first data row, notes.

    Attributes
    ----------
    table
        The cells (text or missing) with machine column names; vector files
        keep their geometry and types.
    first_row
        Row number (header = 1) of ``table``'s first row; ``None`` for vector
        files, whose features have no row numbers.
    notes
        Dutch notes for the user (encoding other than UTF-8, sheet chosen).
    description
        How the file was read, e.g. ``"CSV, UTF-8, scheidingsteken puntkomma"``.
    """

    table: pd.DataFrame
    first_row: int | None
    notes: tuple[str, ...] = ()
    description: str = ""


# --------------------------------------------------------------------------- decoding


def _decode(data: bytes) -> tuple[str, str]:
    """Return the text and the name of the encoding used."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 met BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16 (Excel 'Unicode-tekst')"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _score(header: list[str]) -> tuple[int, int]:
    known = sum(_canonical_name(h) in KNOWN_COLUMNS or h.strip().casefold() in KNOWN_COLUMNS for h in header)
    return known, len(header)


def _delimiter(line: str) -> str:
    """The delimiter that splits ``line`` (the header) into the most known columns (then the most columns)."""
    scores = {d: _score(next(csv.reader([line], delimiter=d), [])) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: scores[d])


def _csv_rows(text: str) -> tuple[list[list[str | None]], str, int]:
    """Parse CSV text; return the rows, the delimiter and the number of lines skipped before them."""
    lines = text.splitlines()
    skipped = 0
    forced = None
    if lines and (match := _SEP_LINE.match(lines[0])):
        forced = match.group(1)
        skipped = 1
    body = "\n".join(lines[skipped:])
    header = next((line for line in lines[skipped:] if line.strip()), "")
    delimiter = forced or _delimiter(header)
    rows: list[list[str | None]] = [list(r) for r in csv.reader(io.StringIO(body), delimiter=delimiter)]
    return rows, delimiter, skipped


# --------------------------------------------------------------------------- XLSX


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _xlsx_rows(path: Path, what: str, sheet: str | None) -> tuple[list[list[str | None]], str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, KeyError, openpyxl's own errors
        msg = f"{what}: het bestand is geen leesbaar Excel-bestand (.xlsx) ({type(exc).__name__}); sla het opnieuw op"
        raise InvalidDataError(msg) from exc
    try:
        names = list(book.sheetnames)
        chosen = _pick_sheet(names, sheet, what)
        rows = [[_cell_text(v) for v in row] for row in book[chosen].iter_rows(values_only=True)]
    finally:
        book.close()
    return rows, chosen


def _pick_sheet(names: list[str], wanted: str | None, what: str) -> str:
    if wanted is not None:
        if wanted not in names:
            msg = f"{what}: werkblad {wanted!r} bestaat niet; kies uit {', '.join(names)}"
            raise InvalidDataError(msg)
        return wanted
    data = [n for n in names if n.strip().casefold() != _SOURCES_SHEET] or names
    return next((n for n in data if any(w in n.casefold() for w in _DATA_SHEET_WORDS)), data[0])


# --------------------------------------------------------------------------- rows → table


def _canonical_name(header: str) -> str:
    key = header.strip().casefold()
    if key in _ALIASES:
        return _ALIASES[key]
    return key if key in _MACHINE else header.strip()


def _blank(row: list[str | None]) -> bool:
    return all(v is None or not str(v).strip() for v in row)


def _cut_sources_block(rows: list[list[str | None]]) -> list[list[str | None]]:
    """Drop the *Bronnen* block a Dutch CSV export appends after an empty row."""
    for i in range(1, len(rows) - 1):
        if _blank(rows[i]):
            nxt = [str(v).strip() for v in rows[i + 1] if v is not None and str(v).strip()]
            if nxt and nxt[0].casefold() == _SOURCES_SHEET and len(nxt) == 1:
                return rows[:i]
    return rows


def _columns(header: list[str | None], what: str) -> list[str]:
    names = [_canonical_name(str(h)) if h is not None else "" for h in header]
    names = [n or f"kolom {i + 1}" for i, n in enumerate(names)]
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        msg = (
            f"{what}: kolom(men) {', '.join(doubles)} komen meer dan eens voor in de kopregel; "
            "geef elke kolom een eigen naam"
        )
        raise InvalidDataError(msg)
    return names


def _rows_to_table(rows: list[list[str | None]], what: str, lines_before: int, delimiter: str | None) -> RawTable:
    """Header = first non-blank row; shorter rows padded; rows with extra filled cells refused (one message)."""
    start = next((i for i, r in enumerate(rows) if not _blank(r)), None)
    if start is None:
        msg = f"{what}: het bestand is leeg; geef een kopregel (id, name, kind, status, lon, lat) en de voorzieningen"
        raise InvalidDataError(msg)
    header_row = lines_before + start + 1
    rows = _cut_sources_block(rows[start:])
    while len(rows) > 1 and _blank(rows[-1]):
        rows = rows[:-1]
    width = len(rows[0])
    while width > 1 and (rows[0][width - 1] is None or not str(rows[0][width - 1]).strip()):
        width -= 1  # empty header cells at the end (a trailing separator)
    columns = _columns(rows[0][:width], what)
    too_long = [
        header_row + 1 + i for i, r in enumerate(rows[1:]) if any(v is not None and str(v).strip() for v in r[width:])
    ]
    if too_long:
        sep = _DELIMITER_NAMES.get(delimiter or "", "scheidingsteken")
        shown = ", ".join(map(str, too_long[:10])) + (f" en nog {len(too_long) - 10}" if len(too_long) > 10 else "")
        msg = (
            f"{what}: rij {shown} heeft meer velden dan de kopregel ({width}); zet tekst met een {sep} "
            'tussen aanhalingstekens ("...") of gebruik een ander scheidingsteken'
        )
        raise InvalidDataError(msg)
    cells = [[_clean(v) for v in (r[:width] + [None] * (width - len(r)))] for r in rows[1:]]
    table = pd.DataFrame(cells, columns=columns, dtype=object).astype("str")  # as pandas reads text: str, NaN
    return RawTable(table, header_row + 1)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# --------------------------------------------------------------------------- entry point


def read_table(path: Path, what: str, *, layer: str | None = None) -> RawTable:
    """Read a CSV, XLSX, GeoJSON or GeoPackage as people make them.

    Parameters
    ----------
    path
        The file.
    what
        How to name the file in messages (the user's own file name, never a temporary path).
    layer
        Layer of a GeoPackage or sheet of an XLSX (default: the first sheet,
        or the one named like the data, e.g. ``voorzieningen``).

    Returns
    -------
    RawTable

    Raises
    ------
    InvalidDataError
        The file cannot be read; the message says how to save it.
    """
    suffix = path.suffix.lower()
    if suffix in VECTOR_SUFFIXES:
        try:
            return RawTable(gpd.read_file(path, layer=layer), None, (), f"{suffix[1:].upper()}-bestand")
        except Exception as exc:  # pyogrio raises several types
            msg = f"{what}: het bestand is geen leesbaar GeoJSON/GeoPackage ({type(exc).__name__}); sla het opnieuw op"
            raise InvalidDataError(msg) from exc
    if suffix == ".xls":
        msg = f"{what}: het oude Excel-formaat .xls wordt niet gelezen; sla het op als .xlsx of als CSV"
        raise InvalidDataError(msg)
    if suffix in _XLSX_SUFFIXES:
        rows, sheet = _xlsx_rows(path, what, layer)
        raw = _rows_to_table(rows, what, 0, None)
        return RawTable(raw.table, raw.first_row, (), f"Excel-bestand, werkblad {sheet!r}")
    text, encoding = _decode(path.read_bytes())
    lines, delimiter, skipped = _csv_rows(text)
    raw = _rows_to_table(list(lines), what, skipped, delimiter)
    notes: tuple[str, ...] = ()
    if not encoding.startswith("UTF-8"):
        notes = (f"tekens gelezen als {encoding} (geen UTF-8); controleer letters met accenten zoals é",)
        logger.info("%s: %s", what, notes[0])
    table = raw.table.apply(strip_formula_guard) if len(raw.table.columns) else raw.table
    description = f"CSV, {encoding}, scheidingsteken {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}"
    return RawTable(table, raw.first_row, notes, description)
