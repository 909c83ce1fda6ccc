"""The app's Dutch words for the package's column names, kinds, statuses and modes (one mapping).

A stop-gap until :mod:`spreiding.vocabulary` lands: the app takes every label
from here, so the merge only has to point these names at the vocabulary.
Display tables are made by :func:`display_table` (distances in km, times in
minutes, whole residents, Dutch headers); numbers in text by :func:`nl_int`
and :func:`nl_dec` (``12.345`` → ``12.345``, ``81.4`` → ``81,4``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "AGE_LABELS",
    "COLOUR_LABELS",
    "COLUMN_LABELS",
    "KIND_LABELS",
    "MODEL_LABELS",
    "MODE_LABELS",
    "SOURCE_LABELS",
    "STATUS_LABELS",
    "display_table",
    "label_of",
    "nl_dec",
    "nl_int",
]

MODE_LABELS: dict[str, str] = {"car": "auto", "bike": "fiets", "walk": "lopen"}
KIND_LABELS: dict[str, str] = {
    "vestiging": "vestiging",
    "kleine_vestiging": "kleine vestiging",
    "servicepunt": "servicepunt",
}
STATUS_LABELS: dict[str, str] = {
    "open": "open",
    "closed": "gesloten",
    "planned": "gepland",
    "cancelled": "geschrapt",
}
AGE_LABELS: dict[str, str] = {
    "pop_total": "alle inwoners",
    "pop_0_14": "jeugd 0-14 jaar",
    "pop_15_24": "15-24 jaar",
    "pop_25_44": "25-44 jaar",
    "pop_45_64": "45-64 jaar",
    "pop_65plus": "65 jaar en ouder",
}
COLOUR_LABELS: dict[str, str] = {"distance": "afstand", "covered": "binnen / buiten de norm"}
MODEL_LABELS: dict[str, str] = {
    "mclp": "MCLP: meeste inwoners binnen de norm met p nieuwe punten",
    "lscp": "LSCP: minste punten voor een doel-dekking",
    "p-median": "p-median: kleinste gemiddelde afstand met p nieuwe punten",
}
SOURCE_LABELS: dict[str, str] = {"kernen": "dorpen en steden (OSM)", "gebouwen": "scholen, dorpshuizen, MFA's (OSM)"}

#: Dutch header per column of the package's tables (distances shown in km, times in minutes).
COLUMN_LABELS: dict[str, str] = {
    "municipality": "gemeente",
    "residents": "inwoners",
    "covered": "binnen norm",
    "covered_pct": "binnen norm %",
    "uncovered": "buiten norm",
    "unreachable": "onbereikbaar",
    "mean_dist_m": "gem. afstand (km)",
    "median_dist_m": "mediaan (km)",
    "p90_dist_m": "P90 (km)",
    "max_dist_m": "max. afstand (km)",
    "mean_time_s": "gem. reistijd (min)",
    "age_label": "leeftijd",
    # comparison of two scenarios (A, B)
    "covered_pct_a": "binnen norm % A",
    "covered_pct_b": "binnen norm % B",
    "covered_pct_delta": "verschil %-punt",
    "mean_dist_m_a": "gem. afstand A (km)",
    "mean_dist_m_b": "gem. afstand B (km)",
    "mean_dist_m_delta": "verschil (km)",
    "lose_coverage": "verliezen dekking",
    "gain_coverage": "winnen dekking",
    # closure impact
    "name": "naam",
    "kind": "soort",
    "status": "status",
    "residents_nearest": "inwoners dichtstbij",
    "covered_loss": "verliezen dekking bij sluiting",
    "mean_dist_delta_m": "extra gem. afstand (km)",
    # villages outside the norm
    "place": "kern",
    "cells": "cellen",
    "nearest_name": "dichtstbijzijnde voorziening",
    # suggested sites
    "rank": "volgorde",
    "gain_covered": "extra binnen norm",
    "cumulative_covered": "totaal extra binnen norm",
    # service-point list
    "id": "id",
    "location_precision": "ligging",
    "confidence": "zekerheid",
    "count": "aantal",
}

_WHOLE = (
    "residents", "covered", "uncovered", "unreachable", "lose_coverage", "gain_coverage", "gain_covered",
    "cumulative_covered",
)  # fmt: skip


def label_of(labels: Mapping[str, str]) -> Callable[[Any], str]:
    """A ``format_func`` for choice widgets: the Dutch label of a key (the key itself when unknown)."""
    return lambda key: labels.get(str(key), str(key))


def nl_int(value: float) -> str:
    """A whole number with a Dutch thousands separator (``12345.6`` → ``12.346``; ``-`` when not finite)."""
    if not math.isfinite(float(value)):
        return "-"
    return f"{float(value):,.0f}".replace(",", ".")


def nl_dec(value: float, digits: int = 1) -> str:
    """A decimal number with a Dutch decimal comma (``81.38`` → ``81,4``; ``-`` when not finite)."""
    if not math.isfinite(float(value)):
        return "-"
    return f"{float(value):,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _convert(view: pd.DataFrame, col: str) -> None:
    values = pd.to_numeric(view[col], errors="coerce")
    if col.endswith("_dist_m") or "_dist_m_" in col or col.endswith("_delta_m") or col == "max_dist_m":
        view[col] = (values / 1000).round(2)
    elif col.endswith("_time_s") or "_time_s_" in col:
        view[col] = (values / 60).round(1)
    elif "pct" in col:
        view[col] = values.round(1)
    elif col.startswith(_WHOLE):
        view[col] = values.round(0).astype("Int64")


def display_table(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A package table for display: chosen columns, km and minutes, rounded, Dutch headers (a new frame).

    Parameters
    ----------
    frame
        A table of the package (coverage, comparison, closure impact, ...); not modified.
    columns
        Columns to show, in order (default: every column that has a label).

    Returns
    -------
    pandas.DataFrame
        Without geometry; kinds and statuses in Dutch.
    """
    keep = [c for c in (columns or list(frame.columns)) if c in frame.columns and c in COLUMN_LABELS]
    view = pd.DataFrame(frame[keep]).copy()
    for col in keep:
        if col == "kind":
            view[col] = view[col].astype(str).map(lambda k: KIND_LABELS.get(k, k))
        elif col == "status":
            view[col] = view[col].astype(str).map(lambda s: STATUS_LABELS.get(s, s))
        elif pd.api.types.is_numeric_dtype(view[col]):
            _convert(view, col)
    return view.rename(columns=COLUMN_LABELS).reset_index(drop=True)
