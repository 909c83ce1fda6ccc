"""Tables for people: the one conversion of machine values into what a person reads.

The package's tables hold machine values: distances in metres, times in
seconds, unrounded shares and residents, and codes (``network:car``,
``cell_centre,street_nodes``, ``pop_total``, ``closed``, ``kleine_vestiging``).
Scripts and GIS get those as they are (the machine ``.csv`` and the
GeoPackage). Everything meant for people — the Dutch-Excel CSV (``csv-nl``),
the XLSX workbook and the app's tables (:func:`spreiding.app.labels.display_table`)
— passes :func:`readable_table` once:

* numbers follow :func:`spreiding.vocabulary.shown_unit`: distances in km with
  2 decimals, times in minutes with 1 decimal, percentages with 1 decimal,
  residents as whole numbers; they stay numbers (never text);
* codes become their Dutch labels from :mod:`spreiding.vocabulary` (kind,
  status, distance model, placement, confidence, location precision, age
  band, candidate source); an ``age_band`` column is left out when the
  table has ``age_label`` (the same words), else it becomes ``age_label``;
* missing values stay missing; user text (names, ids) is not touched.

The headers that go with it are
``spreiding.vocabulary.column_labels(names, km=True, minutes=True)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from spreiding.vocabulary import (
    AGE_BAND_LABELS,
    CANDIDATE_KIND_LABELS,
    CANDIDATE_SOURCE_LABELS,
    CONFIDENCE_LABELS,
    KIND_LABELS,
    SHOWN_DIGITS,
    STATUS_LABELS,
    Col,
    model_label_nl,
    placement_label,
    precision_label,
    shown_unit,
)

__all__ = ["CODE_LABELS", "readable_table"]

_LOCATION_PRECISION = "location_precision"
_DIVISORS: dict[str, float] = {"km": 1000.0, "min": 60.0}


def _lookup(*labels: Mapping[str, str]) -> Callable[[str], str]:
    def label(code: str) -> str:
        for table in labels:
            if code in table:
                return table[code]
        return code

    return label


CODE_LABELS: dict[str, Callable[[str], str]] = {
    Col.KIND: _lookup(KIND_LABELS, CANDIDATE_KIND_LABELS),
    Col.STATUS: _lookup(STATUS_LABELS),
    Col.LISTED_STATUS: _lookup(STATUS_LABELS),
    Col.CONFIDENCE: _lookup(CONFIDENCE_LABELS),
    Col.SOURCE: _lookup(CANDIDATE_SOURCE_LABELS),
    Col.AGE_BAND: _lookup(AGE_BAND_LABELS),
    Col.DISTANCE_MODEL: model_label_nl,
    Col.PLACEMENT: placement_label,
    _LOCATION_PRECISION: precision_label,
}
"""Machine column → its code's Dutch label (unknown codes come back as written)."""


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float | np.floating) and np.isnan(value))


def _labelled(series: pd.Series, label: Callable[[str], str]) -> pd.Series:
    values = [None if _is_missing(v) else label(str(v)) for v in series]
    return pd.Series(values, index=series.index, dtype=object, name=series.name)


def _numbers(series: pd.Series, unit: str) -> pd.Series:
    values = pd.to_numeric(series, errors="coerce").astype(float) / _DIVISORS.get(unit, 1.0)
    rounded = values.round(SHOWN_DIGITS[unit])
    if unit == "inwoners":  # a whole number has no infinity: an infinite count is missing
        return rounded.replace([np.inf, -np.inf], np.nan).astype("Int64")
    return rounded


def _age_band(out: pd.DataFrame) -> pd.DataFrame:
    """``age_band`` codes: left out next to ``age_label`` (the same words), else replaced by it."""
    if Col.AGE_BAND not in out.columns:
        return out
    if Col.AGE_LABEL in out.columns:
        return out.drop(columns=[Col.AGE_BAND])
    return out.rename(columns={Col.AGE_BAND: Col.AGE_LABEL})


def readable_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with values for people (km, minutes, rounded, Dutch labels); machine column names kept.

    Parameters
    ----------
    frame
        A package table (coverage, uncovered cells, service points, ...), not modified. A geometry column is
        kept as it is; call :func:`spreiding.output.writer.table_for_export` first to drop it.

    Returns
    -------
    pandas.DataFrame
        Numeric columns with a :func:`~spreiding.vocabulary.shown_unit` converted and rounded (residents as
        ``Int64``), code columns of :data:`CODE_LABELS` in Dutch, ``age_band`` as ``age_label``; every other
        column unchanged.
    """
    out = pd.DataFrame(frame, copy=True)
    for column in out.columns:
        series = out[column]
        name = str(column)
        numeric = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
        if name in CODE_LABELS and not pd.api.types.is_numeric_dtype(series.dtype):
            out[column] = _labelled(series, CODE_LABELS[name])
        elif numeric and (unit := shown_unit(name)) is not None:
            out[column] = _numbers(series, unit)
    return _age_band(out)
