"""Which tables an analysis exports, and under which file names.

The layer above :mod:`spreiding.output.writer` (the one place that turns
frames into CSV / XLSX / GeoPackage / HTML bytes): file names that say what,
which scenario, which norm and when (:func:`export_name`), the tables of an
analysis (:func:`analysis_tables`) and a one-call export
(:func:`export_analysis`). :func:`to_csv_bytes`, :func:`to_xlsx_bytes`,
:func:`to_gpkg_bytes`, :func:`sources_table` and :func:`table_for_export`
are thin wrappers kept for callers that have not switched to the writer yet.
Every format follows the writer's rules: ``inf`` → empty cell, a *Bronnen*
sheet with provenance and the OpenStreetMap credit, user text never a formula.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from spreiding.analysis.norm import Norm
from spreiding.errors import ConfigError
from spreiding.output.writer import Provenance, sources_frame, table_for_export, to_bytes, write_tables
from spreiding.vocabulary import DATA_CREDIT, OSM_CREDIT, Col

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

FORMATS: tuple[str, ...] = ("csv", "xlsx", "gpkg")
"""Formats :func:`export_analysis` can write."""


# --------------------------------------------------------------------------- names


def slugify(text: str) -> str:
    """Return ``text`` as a lower-case ASCII file-name part (``"Aa en Hunze"`` → ``"aa-en-hunze"``).

    Accents are stripped, every run of other characters becomes one ``-``.
    A text without ASCII letters or digits (``"图书馆"``, ``"!!!"``) becomes
    ``scenario-`` plus a short stable hash of the text, so any name works.
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        digest = hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:6]
        return f"scenario-{digest}"
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
        msg = f"ongeldige bestandsextensie {ext!r}; gebruik alleen letters en cijfers, bijvoorbeeld 'csv' of 'xlsx'"
        raise ConfigError(msg)
    parts = ["spreiding", slugify(kind), slugify(scenario if scenario is not None else "basis")]
    parts.append(re.sub(r"[^A-Za-z0-9_-]+", "-", norm.slug()).lower())
    if municipality is not None:
        parts.append(slugify(municipality))
    parts.append((date or dt.date.today()).isoformat())
    return "_".join(parts) + "." + extension


# --------------------------------------------------------------------------- thin wrappers over the writer


def sources_table(
    sources: Sequence[Mapping[str, Any]] = (),
    *,
    norm: Norm | None = None,
    model: DistanceModel | str | None = None,
    notes: Iterable[str] = (),
    generated: dt.date | None = None,
) -> pd.DataFrame:
    """Table for the ``Bronnen`` sheet (columns ``onderdeel``, ``waarde``).

    A wrapper over :meth:`spreiding.output.writer.Provenance.collect` and
    :func:`spreiding.output.writer.sources_frame`: tool version and commit,
    the norm, the distance model, every source with year, rows and SHA-256,
    the notes and the credits.
    """
    provenance = Provenance.collect(sources=sources, norm=norm, model=model, notes=notes, created=generated)
    return sources_frame(provenance)


def to_csv_bytes(frame: pd.DataFrame, *, sep: str = ",") -> bytes:
    """CSV (UTF-8 with BOM) of a prepared copy of ``frame``; see :func:`spreiding.output.writer.to_bytes`.

    ``sep=","`` gives the machine CSV (snake_case columns, the table only);
    ``sep=";"`` the Dutch-Excel variant for people (``csv-nl``: decimal comma,
    Dutch headers, km / minutes / rounded numbers, Dutch labels for codes and
    the *Bronnen* rows below the table).
    """
    return to_bytes({"tabel": frame}, "csv-nl" if sep == ";" else "csv")


def to_xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    *,
    sources: Sequence[Mapping[str, Any]] = (),
    norm: Norm | None = None,
    model: DistanceModel | str | None = None,
    notes: Iterable[str] = (),
    generated: dt.date | None = None,
    provenance: Provenance | None = None,
) -> bytes:
    """Excel workbook for people: one sheet per table (Dutch headers, km / minutes, Dutch labels) and ``Bronnen``.

    Parameters
    ----------
    sheets
        Sheet name → table; geometry is dropped, ``inf`` becomes empty.
        Names are cut to Excel's 31 characters and made unique.
    sources, norm, model, notes, generated
        What the ``Bronnen`` sheet says (see :func:`sources_table`), unless
        ``provenance`` is given; the OpenStreetMap credit is always on it.
    provenance
        A ready :class:`~spreiding.output.writer.Provenance`.

    Returns
    -------
    bytes
        The ``.xlsx`` file.
    """
    prov = provenance or Provenance.collect(sources=sources, norm=norm, model=model, notes=notes, created=generated)
    return to_bytes(sheets, "xlsx", provenance=prov)


def to_gpkg_bytes(layers: Mapping[str, pd.DataFrame], *, provenance: Provenance | None = None) -> bytes:
    """GeoPackage with one layer per frame (EPSG:28992) and a ``bronnen`` table.

    GeoDataFrames become spatial layers (reprojected copies), plain frames
    attribute tables; a frame that cannot be written is skipped with a logged
    warning, none at all raises :class:`~spreiding.errors.InvalidDataError`.
    """
    return to_bytes(layers, "gpkg", provenance=provenance)


# --------------------------------------------------------------------------- analysis


def _check_municipality(analysis: Analysis, municipality: str | None) -> None:
    if municipality is None:
        return
    known = [str(m) for m in analysis.table[Col.MUNICIPALITY].iloc[:-1]]
    if municipality not in known:
        msg = f"gemeente {municipality!r} zit niet in deze analyse; kies uit: {', '.join(known)}"
        raise ConfigError(msg)


def _only(frame: pd.DataFrame, municipality: str | None) -> pd.DataFrame:
    if municipality is None or Col.MUNICIPALITY not in frame.columns:
        return frame.copy()
    return frame.loc[frame[Col.MUNICIPALITY].astype("string") == municipality].copy()


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
    force: bool = True,
) -> list[Path]:
    """Write the coverage table, the age-band table and the uncovered cells.

    Parameters
    ----------
    analysis
        Result of :func:`spreiding.data.region.analyse`.
    out_dir
        Folder to write to; it is created when missing, but its parent must
        exist (no folder trees are made).
    scenario
        Scenario name for the file names.
    municipality
        Only this municipality's rows (and uncovered cells).
    formats
        Any of ``"csv"`` (one file per table, each with its
        ``.bronnen.csv`` sidecar), ``"xlsx"`` (one workbook with a sheet per
        table and a ``Bronnen`` sheet), ``"gpkg"`` (one GeoPackage: uncovered
        cells and service points as spatial layers, coverage tables as
        attribute tables, a ``bronnen`` table).
    sources
        Source dicts for the ``Bronnen`` sheet (e.g. ``region.sources``).
    date
        Date in the file names (default: today).
    force
        Overwrite files of the same name (default, as before: a second
        export on one day replaces the first).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        msg = f"onbekend exportformaat {', '.join(unknown)}; kies uit {', '.join(FORMATS)}"
        raise ConfigError(msg)
    tables = analysis_tables(analysis, municipality)
    folder = Path(out_dir)
    if not folder.parent.is_dir():
        msg = f"de map {folder.parent} bestaat niet; maak die eerst aan of kies een bestaande map"
        raise ConfigError(msg)
    folder.mkdir(exist_ok=True)
    stamp = date or dt.date.today()
    provenance = Provenance.from_analysis(analysis, sources)

    def name(kind: str, ext: str) -> Path:
        return folder / export_name(
            kind, scenario=scenario, norm=analysis.norm, municipality=municipality, date=stamp, ext=ext
        )

    jobs: list[tuple[Mapping[str, pd.DataFrame], Path]] = []
    if "csv" in formats:
        jobs += [({kind: table}, name(kind, "csv")) for kind, table in tables.items()]
    jobs += [(tables, name("dekking", ext)) for ext in ("xlsx", "gpkg") if ext in formats]
    written = [write_tables(t, path, provenance=provenance, force=force) for t, path in jobs]
    logger.info("%d bestand(en) geëxporteerd naar %s", len(written), folder)
    return written
