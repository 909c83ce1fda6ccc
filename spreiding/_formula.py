"""Formula guard for text written to spreadsheets and CSV (OWASP CSV injection).

A leaf module (pandas only) so that readers in :mod:`spreiding.data` can strip
the guard that :mod:`spreiding.output.writer` adds, without importing the
output layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "guard_formulas", "strip_formula_guard"]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula."""
_GUARDED = re.compile(r"^'*[=+\-@\t\r]")
_GUARD_ADDED = re.compile(r"^'+[=+\-@\t\r]")


def _guard(value: object) -> object:
    return "'" + value if isinstance(value, str) and _GUARDED.match(value) else value


def _is_text(series: pd.Series) -> bool:
    return (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)) and not (
        pd.api.types.is_bool_dtype(series.dtype)
    )


def _map_text(series: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """``func`` on every value, keeping dtype, index and missing values (``map`` would infer a new dtype)."""
    return pd.Series([func(v) for v in series], index=series.index, dtype=series.dtype, name=series.name)


def guard_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a formula: ``=1+1`` → ``'=1+1``.

    Only text (object / string) columns are touched, so ``-5`` in a numeric
    column stays a number. A text that already starts with quotes before such
    a character gets one more, so :func:`strip_formula_guard` restores every
    value exactly.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):  # new values would not be categories
            series = series.astype(object)
        if _is_text(series):
            out[column] = _map_text(series, _guard)
    return out


def strip_formula_guard(series: pd.Series) -> pd.Series:
    """Undo :func:`guard_formulas` on one column (a copy): ``'=1+1`` → ``=1+1``; other values unchanged."""
    if not _is_text(series):
        return series.copy()

    def strip(value: object) -> object:
        return value[1:] if isinstance(value, str) and _GUARD_ADDED.match(value) else value

    return _map_text(series, strip)
