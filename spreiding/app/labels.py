"""The app's view of :mod:`spreiding.vocabulary`: Dutch words for columns, kinds, statuses and modes.

Every label comes from the vocabulary; this module only adds the app's own
choices (which columns a table shows, colour and model names for widgets).
Display tables are made by :func:`display_table` (distances in km, times in
minutes, whole residents, Dutch labels for codes, Dutch headers: the one conversion of
:func:`spreiding.output.readable.readable_table`, shared with the people's exports); numbers in text by :func:`nl_int`
and :func:`nl_dec` (``12.345`` → ``12.345``, ``81.4`` → ``81,4``). User text (scenario, facility and
file names) that goes into a Markdown element passes :func:`as_text` first, so it shows as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from spreiding.output.readable import CODE_LABELS, readable_table
from spreiding.vocabulary import (
    AGE_BAND_LABELS,
    KIND_LABELS,
    MODE_LABELS,
    STATUS_LABELS,
    column_label,
    fmt_dec,
    fmt_int,
)

__all__ = [
    "AGE_LABELS",
    "COLOUR_LABELS",
    "COLUMN_LABELS",
    "ERROR_TITLES",
    "KIND_LABELS",
    "MODEL_LABELS",
    "MODE_LABELS",
    "SOURCE_LABELS",
    "STATUS_LABELS",
    "as_text",
    "display_table",
    "error_text",
    "label_of",
    "nl_dec",
    "nl_int",
]

AGE_LABELS: dict[str, str] = dict(AGE_BAND_LABELS)
COLOUR_LABELS: dict[str, str] = {"distance": "afstand", "covered": "binnen / buiten de norm"}
MODEL_LABELS: dict[str, str] = {
    "mclp": "MCLP: meeste inwoners binnen de norm met p nieuwe punten",
    "lscp": "LSCP: minste punten voor een doel-dekking",
    "p-median": "p-median: kleinste gemiddelde afstand met p nieuwe punten",
}
SOURCE_LABELS: dict[str, str] = {"kernen": "dorpen en steden (OSM)", "gebouwen": "scholen, dorpshuizen, MFA's (OSM)"}

_SHOWN = (
    "municipality", "residents", "covered", "covered_pct", "uncovered", "unreachable", "mean_dist_m", "median_dist_m",
    "p90_dist_m", "max_dist_m", "mean_time_s", "max_time_s", "age_label", "covered_pct_a", "covered_pct_b",
    "covered_pct_delta", "mean_dist_m_a", "mean_dist_m_b", "mean_dist_m_delta", "mean_time_s_a", "mean_time_s_b",
    "mean_time_s_delta", "lose_coverage", "gain_coverage",
    "name", "kind", "status", "residents_nearest", "covered_loss", "mean_dist_delta_m", "place", "cells",
    "nearest_name", "rank", "gain_covered", "cumulative_covered", "id",
)  # fmt: skip


def _shown_label(name: str) -> str:
    """The vocabulary's label in the units :func:`display_table` shows (km, minutes)."""
    return column_label(name, km=True, minutes=True)


#: Dutch header per column of the package's tables, from :mod:`spreiding.vocabulary` (distances in km, times in
#: minutes), plus the few columns only the app shows.
COLUMN_LABELS: dict[str, str] = {name: _shown_label(name) for name in _SHOWN} | {
    "location_precision": "ligging",
    "confidence": "zekerheid",
    "count": "aantal",
    "host_building": "gebouw",
    "address": "adres",
    "postcode": "postcode",
    "open_from": "open vanaf",
    "open_until": "open tot en met",
}

_TEXT = ("host_building", "address", "postcode", "open_from", "open_until")
"""Columns shown as text as written (dates stay partial, postcodes keep their zeros)."""


def label_of(labels: Mapping[str, str]) -> Callable[[Any], str]:
    """A ``format_func`` for choice widgets: the Dutch label of a key (the key itself when unknown)."""
    return lambda key: labels.get(str(key), str(key))


_MARKDOWN_SPECIALS = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~$&]|:(?=\S)")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def as_text(value: object) -> str:
    r"""User text made safe for a Markdown element: it shows literally, never as a link, image, HTML or format.

    Every Markdown/HTML special character gets a backslash (a ``:`` only before a non-space, which stops
    links such as ``http://`` and Streamlit's ``:icon:``/``:colour[...]`` directives); line breaks become
    spaces, so the text cannot start a heading or list. Emoji short codes such as ``:smile:`` may still show
    as their emoji.

    Examples
    --------
    >>> as_text("![b](http://host/beacon.png)")
    '\\!\\[b\\]\\(http\\://host/beacon\\.png\\)'
    >>> as_text("**vet**")
    '\\*\\*vet\\*\\*'
    """
    one_line = _LINE_BREAKS.sub(" ", str(value))
    return _MARKDOWN_SPECIALS.sub(lambda m: "\\" + m.group(0), one_line)


def nl_int(value: float) -> str:
    """A whole number with a Dutch thousands separator (``12345.6`` → ``12.346``; ``–`` when not finite)."""
    return fmt_int(value)


def nl_dec(value: float, digits: int = 1) -> str:
    """A decimal number with a Dutch decimal comma (``81.38`` → ``81,4``; ``–`` when not finite)."""
    return fmt_dec(value, digits)


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
        Without geometry; kinds, statuses and other codes in Dutch (empty text when missing).
    """
    keep = [c for c in (columns or list(frame.columns)) if c in frame.columns and c in COLUMN_LABELS]
    view = readable_table(pd.DataFrame(frame[keep]))
    for col in keep:
        if col in _TEXT or (col in CODE_LABELS and not pd.api.types.is_numeric_dtype(view[col].dtype)):
            view[col] = view[col].astype("string").fillna("")
    return view.rename(columns=COLUMN_LABELS).reset_index(drop=True)


ERROR_TITLES: dict[str, str] = {
    "DataNotFoundError": "Gegevens ontbreken",
    "MissingColumnsError": "Kolommen ontbreken",
    "CRSError": "Onbekend coördinatenstelsel",
    "SwappedCoordinatesError": "Coördinaten verwisseld",
    "OutsideRegionError": "Punten buiten de regio",
    "DuplicateIdError": "Dubbele id's",
    "ImplausibleDataError": "Onwaarschijnlijke gegevens",
    "InvalidDataError": "Gegevens kloppen niet",
    "ConfigError": "Instelling klopt niet",
    "NetworkOutsideRegionError": "Wegennet ligt niet in de regio",
    "UnreachableError": "Niet bereikbaar over de weg",
    "ImplausibleNetworkError": "Onwaarschijnlijk wegennet",
    "NetworkError": "Probleem met het wegennet",
    "ScenarioError": "Scenario kan zo niet",
    "StoreError": "Opslag van scenario's",
    "OptimizationError": "Optimaliseren lukte niet",
    "DownloadError": "Downloaden lukte niet",
    "SpreidingError": "Dit lukte niet",
}
"""Dutch title per error class of :mod:`spreiding.errors` (the most specific class wins)."""

_UNEXPECTED = (
    "Er ging iets onverwachts mis ({kind}). Uw scenario's in deze sessie zijn niet verloren; probeer het opnieuw "
    "of meld het aan de beheerder (de details staan in het logboek van de app)."
)


def error_text(exc: BaseException) -> str:
    """One Dutch text for any error shown in the app: a title by error class, then the message as text.

    Errors of :mod:`spreiding.errors` carry Dutch messages; any other error (a bug, a library's English
    message) is not shown as such: the user reads a Dutch notice and the details go to the log.
    """
    for cls in type(exc).__mro__:
        if cls.__name__ in ERROR_TITLES and cls.__module__ == "spreiding.errors":
            return f"**{ERROR_TITLES[cls.__name__]}:** {as_text(exc)}"
    return _UNEXPECTED.format(kind=as_text(type(exc).__name__))
