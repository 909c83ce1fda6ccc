"""The tool's mean car distance to the nearest library next to CBS's published figure.

:func:`compare_with_cbs` joins a coverage table (municipality, wijk or buurt
grouping) with CBS's "afstand tot bibliotheek"
(:class:`spreiding.data.cbs_stats.CbsDistances`) and adds the difference in
metres and per cent. :func:`cbs_comparison` runs it for a
:class:`~spreiding.study.Study` with the CBS-like settings: preset
``cbs-auto`` (car, every kind of service point counted); the caller builds
the study with residents on street nodes (``placement="street_nodes"``).

Differences that remain by method are listed in :data:`METHOD_NOTES`
(shown next to every comparison).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spreiding.analysis.norm import PRESETS, Norm
from spreiding.data.cbs_stats import CbsDistances
from spreiding.errors import ConfigError
from spreiding.vocabulary import Col, column_label, fmt_int, fmt_km, fmt_pct

if TYPE_CHECKING:
    from spreiding.analysis.evaluation import Evaluation
    from spreiding.study import Study

__all__ = [
    "CBS_NORM",
    "COMPARE_COLUMNS",
    "METHOD_NOTES",
    "CbsComparison",
    "cbs_comparison",
    "compare_with_cbs",
    "display_comparison",
]

CBS_NORM: Norm = PRESETS["cbs-auto"]
"""The CBS-like norm: car, all kinds counted (its km limit only sets the covered share)."""

COMPARE_COLUMNS: tuple[str, ...] = (
    Col.LEVEL,
    Col.CODE,
    Col.NAME,
    Col.MUNICIPALITY,
    Col.RESIDENTS,
    Col.MEAN_DIST_M,
    Col.CBS_DIST_M,
    Col.CBS_DIFF_M,
    Col.CBS_DIFF_PCT,
)
"""Columns of a comparison table, in this order."""

METHOD_NOTES: tuple[str, ...] = (
    "CBS meet vanaf elk woonadres; deze tool vanaf inwonerspunten op de straten (1 km-cellen, verdeeld over de "
    "woonstraten) en gebruikt alleen de weg vanaf het dichtstbijzijnde knooppunt.",
    "CBS gebruikt zijn eigen lijst van bibliotheken op de peildatum van de tabel; deze tool de lijst in de "
    "gegevensmap (alle soorten tellen mee: vestigingen, kleine vestigingen en servicepunten).",
    "CBS rekent over zijn eigen wegennet van dat jaar; deze tool over het OpenStreetMap-wegennet in de gegevensmap "
    "(jaar: zie de bronnen), zonder snelheden of toegangsbeperkingen.",
    "Beide negeren gemeente- en provinciegrenzen; over de Duitse grens rekent deze tool niet.",
)
"""Short Dutch explanation of the method differences (addresses vs street nodes, library list, network year)."""


@dataclass(frozen=True)
class CbsComparison:
    """A comparison table with what it rests on.

    Attributes
    ----------
    table
        :data:`COMPARE_COLUMNS`, one row per region (municipalities first, then wijken and buurten when compared).
    cbs
        The CBS figures.
    notes
        :data:`METHOD_NOTES` plus notes on this comparison (unmatched regions, missing levels).
    placement
        The residents' placement the tool's figures rest on.
    evaluation
        The municipal evaluation the figures come from (its service points dated on the study's peildatum).
    """

    table: pd.DataFrame
    cbs: CbsDistances
    notes: tuple[str, ...]
    placement: str
    evaluation: Evaluation | None = None


def compare_with_cbs(table: pd.DataFrame, cbs: CbsDistances, level: str = "gemeente") -> pd.DataFrame:
    """The tool's mean distance per region next to CBS's.

    Parameters
    ----------
    table
        Coverage table (:func:`~spreiding.analysis.coverage.coverage_table`):
        by municipality (matched on the name) or by wijk / buurt (matched on
        the CBS code in ``code``). The total row is left out.
    cbs
        CBS's figures.
    level
        ``"gemeente"``, ``"wijk"`` or ``"buurt"``.

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARE_COLUMNS`: one row per region of ``table``;
        ``cbs_dist_m`` is ``NaN`` where CBS publishes nothing (secret) or the
        region is not in CBS's table, and so are the differences.

    Examples
    --------
    >>> from spreiding.data.cbs_stats import CbsDistances
    >>> cbs = CbsDistances(pd.DataFrame({"code": ["GM1"], "name": ["A"], "municipality": ["A"],
    ...     "level": ["gemeente"], "cbs_dist_m": [2000.0]}), "K_1", "Afstand tot bibliotheek", "test")
    >>> tool = pd.DataFrame({"municipality": ["A", "Totaal"], "residents": [10.0, 10.0],
    ...     "mean_dist_m": [2500.0, 2500.0]})
    >>> compare_with_cbs(tool, cbs)[["cbs_diff_m", "cbs_diff_pct"]].values.tolist()
    [[500.0, 25.0]]
    """
    if level not in ("gemeente", "wijk", "buurt"):
        msg = f"onbekend niveau {level!r}; kies gemeente, wijk of buurt"
        raise ConfigError(msg)
    rows = table.iloc[:-1]
    theirs = cbs.level(level)
    if level == "gemeente":
        key_tool = rows[Col.MUNICIPALITY].astype("string").str.strip()
        lookup = dict(zip(theirs["name"].astype(str), theirs["cbs_dist_m"], strict=True))
        codes = dict(zip(theirs["name"].astype(str), theirs["code"].astype(str), strict=True))
        code = key_tool.map(codes)
        name = key_tool
    else:
        key_tool = rows[Col.CODE].astype("string").str.strip()
        lookup = dict(zip(theirs["code"].astype(str), theirs["cbs_dist_m"], strict=True))
        code = key_tool
        name = rows[Col.NAME]
    ours = rows[Col.MEAN_DIST_M].to_numpy(float)
    their = key_tool.map(lookup).to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(their > 0, (ours - their) / their * 100.0, np.nan)
    out = pd.DataFrame(
        {
            Col.LEVEL: level,
            Col.CODE: code.to_numpy(),
            Col.NAME: name.to_numpy(),
            Col.MUNICIPALITY: rows[Col.MUNICIPALITY].to_numpy(),
            Col.RESIDENTS: rows[Col.RESIDENTS].to_numpy(float),
            Col.MEAN_DIST_M: ours,
            Col.CBS_DIST_M: their,
            Col.CBS_DIFF_M: ours - their,
            Col.CBS_DIFF_PCT: pct,
        }
    )
    return out.loc[:, list(COMPARE_COLUMNS)].reset_index(drop=True)


def _unmatched(part: pd.DataFrame, level: str) -> str | None:
    n = int(part[Col.CBS_DIST_M].isna().sum())
    if not n:
        return None
    return f"{n} van {len(part)} regio's ({level}) zonder CBS-cijfer (geheim, leeg of niet in de tabel)."


def cbs_comparison(study: Study, cbs: CbsDistances, *, levels: tuple[str, ...] = ("gemeente",)) -> CbsComparison:
    """Compare a study's base situation under :data:`CBS_NORM` with CBS's figures.

    Parameters
    ----------
    study
        The study (car mode; residents on street nodes for the CBS-like settings). For ``wijk`` / ``buurt``
        levels its points must carry those groupings (``Study(..., areas=...)``).
    cbs
        CBS's figures (:func:`spreiding.data.cbs_stats.load_cbs`).
    levels
        Levels to compare: ``gemeente`` and, when the study has the polygons, ``wijk`` and ``buurt``.

    Returns
    -------
    CbsComparison
    """
    parts = []
    notes = list(METHOD_NOTES)
    by: Mapping[str, str] = {"gemeente": "municipality", "wijk": "wijk", "buurt": "buurt"}
    placement = ""
    first: Evaluation | None = None
    for level in levels:
        evaluation = study.evaluate(CBS_NORM, by=by[level])
        placement = evaluation.placement
        first = first or evaluation
        part = compare_with_cbs(evaluation.table, cbs, level)
        parts.append(part)
        note = _unmatched(part, level)
        if note:
            notes.append(note)
    if cbs.year is not None:
        notes.append(
            f"CBS-tabel van {cbs.year} (toestand op 1 januari {cbs.year}); "
            "de voorzieningen zijn die van de gegevensmap zoals ze op de peildatum open waren."
        )
    return CbsComparison(pd.concat(parts, ignore_index=True), cbs, tuple(notes), placement, first)


def _signed(fmt: Callable[[object], str]) -> Callable[[float], str]:
    """A formatter that writes a plus sign before a positive value."""
    return lambda v: "+" + fmt(v) if np.isfinite(v) and v > 0 else fmt(v)


def display_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison for people: Dutch headers, km with decimal commas, signed differences (text columns).

    Examples
    --------
    >>> t = pd.DataFrame({"level": ["gemeente"], "code": ["GM1"], "name": ["A"], "municipality": ["A"],
    ...     "residents": [1234.0], "mean_dist_m": [2500.0], "cbs_dist_m": [2000.0], "cbs_diff_m": [500.0],
    ...     "cbs_diff_pct": [25.0]})
    >>> display_comparison(t).iloc[0].tolist()
    ['gemeente', 'GM1', 'A', '1.234', '2,50 km', '2,00 km', '+0,50 km', '+25,0 %']
    """
    return pd.DataFrame(
        {
            column_label(Col.LEVEL): table[Col.LEVEL].to_numpy(),
            column_label(Col.CODE): table[Col.CODE].fillna("").to_numpy(),
            column_label(Col.NAME): table[Col.NAME].to_numpy(),
            column_label(Col.RESIDENTS): table[Col.RESIDENTS].map(fmt_int).to_numpy(),
            "afstand volgens deze tool": table[Col.MEAN_DIST_M].map(fmt_km).to_numpy(),
            "afstand volgens CBS": table[Col.CBS_DIST_M].map(fmt_km).to_numpy(),
            "verschil": table[Col.CBS_DIFF_M].map(_signed(fmt_km)).to_numpy(),
            "verschil (%)": table[Col.CBS_DIFF_PCT].map(_signed(fmt_pct)).to_numpy(),
        }
    )
