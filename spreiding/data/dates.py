"""Dates on service points: partial ISO dates as periods, and the list as it was on a date.

A service point may carry ``open_from`` and ``open_until``: the first and the
last day its location was open to the public, as ISO dates, whole or partial
(``2022-03-07``, ``2021-11``, ``2021``). A partial date is a *period*: some
day in that month or year (:class:`PartialDate`, with its ``first`` and
``last`` day).

:func:`facilities_as_of` rebuilds the list on a date *D* with the rule of the
library list's README: an open or closed row is open on *D* when its
``open_from`` is empty or ends on or before *D*, and its ``open_until`` starts
on or after *D* (an empty ``open_until`` counts for open rows only: a closed
row without it has an unknown end and is never open by date). Planned and
cancelled rows keep their ``status``: they are never open by date.

A row whose inclusion is decided by a partial date that overlaps *D* (e.g.
``open_from`` = ``2021`` on 1 June 2021) is left out and flagged
``date_uncertain``: it is never shown as a certain opening or closure.

Examples
--------
>>> p = PartialDate.parse("2021-11")
>>> p.first, p.last, p.is_period
(datetime.date(2021, 11, 1), datetime.date(2021, 11, 30), True)
>>> str(PartialDate.parse("2022-03-07"))
'2022-03-07'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spreiding._validate import rows_text
from spreiding.data._points import RowIssues, RowNumbers, row_labels
from spreiding.errors import ConfigError, InvalidDataError
from spreiding.vocabulary import Col

__all__ = [
    "DATE_COLUMNS",
    "DATE_UNCERTAIN",
    "LISTED_STATUS",
    "PartialDate",
    "check_date_columns",
    "date_bounds",
    "facilities_as_of",
    "open_on",
    "parse_as_of",
    "uncertain_note",
]

DATE_COLUMNS: tuple[str, str] = (Col.OPEN_FROM, Col.OPEN_UNTIL)
"""The date columns of a service-point list (partial ISO dates; empty = unknown / not applicable)."""
DATE_UNCERTAIN = Col.DATE_UNCERTAIN
"""Column set by :func:`facilities_as_of`: the row's state on the date rests on a partial date that overlaps it."""
LISTED_STATUS = Col.LISTED_STATUS
"""Column set by :func:`facilities_as_of`: the ``status`` as the list gives it (the state when compiled)."""

_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")
_TIME_TAIL = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T]00:00(:00)?$")  # a spreadsheet date cell read as text
_YEAR_RANGE = (1800, 2100)
_FIX = "schrijf een datum als JJJJ-MM-DD, JJJJ-MM of JJJJ (bijv. 2022-03-07, 2021-11 of 2021) of laat het veld leeg"
_IN_PLAY = ("open", "closed")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A whole or partial ISO date: the period from ``first`` to ``last`` (one day for a whole date).

    Attributes
    ----------
    first, last
        First and last day of the period.
    text
        The date as written (``2021``, ``2021-11``, ``2021-11-03``).
    """

    first: dt.date
    last: dt.date
    text: str

    @property
    def is_period(self) -> bool:
        """Whether the date is partial (a month or a year), not one day."""
        return self.first != self.last

    def __str__(self) -> str:
        return self.text

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (also a date object).

        Raises
        ------
        InvalidDataError
            The value is no such date (a Dutch message with the fix).
        """
        parsed = _parse_one(value)
        if parsed is None:
            msg = f"{value!r} is geen datum; {_FIX}"
            raise InvalidDataError(msg)
        return parsed


def _normalise_text(value: object) -> str | None:
    """The value as stripped text (``None`` when empty); date objects as ISO, ``2021.0`` as ``2021``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if not text or text.lower() in ("nan", "none", "nat", "<na>"):
        return None
    timed = _TIME_TAIL.match(text)
    if timed:
        return timed.group(1)
    return text[:-2] if re.fullmatch(r"\d{4}\.0", text) else text


def _parse_one(value: object) -> PartialDate | None:
    """The period of one value, or ``None`` when it is not a valid whole or partial date."""
    text = _normalise_text(value)
    match = _PATTERN.match(text or "")
    if text is None or match is None:
        return None
    year = int(match["y"])
    if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        return None
    try:
        if match["m"] is None:
            return PartialDate(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
        month = int(match["m"])
        if match["d"] is None:
            end = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return PartialDate(dt.date(year, month, 1), dt.date(year, month, end), f"{year:04d}-{month:02d}")
        day = dt.date(year, month, int(match["d"]))
    except ValueError:  # month 13, 30 February, ...
        return None
    return PartialDate(day, day, day.isoformat())


def _column_periods(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str | None]]:
    """First days, last days (``datetime64[D]``, NaT when empty), a mask of unreadable values, and the texts."""
    n = len(values)
    first = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    last = first.copy()
    bad = np.zeros(n, dtype=bool)
    texts: list[str | None] = [None] * n
    for i, value in enumerate(values.tolist()):  # one value per service point (a list of ~100 rows)
        if _normalise_text(value) is None:
            continue
        period = _parse_one(value)
        if period is None:
            bad[i] = True
            continue
        first[i], last[i], texts[i] = np.datetime64(period.first), np.datetime64(period.last), period.text
    return first, last, bad, texts


def check_date_columns(data: pd.DataFrame, issues: RowIssues, rows: RowNumbers, id_column: str | None) -> None:
    """Check and normalise ``open_from`` / ``open_until`` of a table in place (the caller's own copy).

    Absent columns are left absent (every row undated). Unreadable values and an ``open_until`` before
    ``open_from`` are recorded in ``issues`` with the row number, the id and the fix; readable values are
    written back in their normal form (``2021-3`` → ``2021-03``, a spreadsheet date cell → ``2022-03-07``).
    """
    spans: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for column in DATE_COLUMNS:
        if column not in data.columns:
            continue
        first, last, bad, texts = _column_periods(data[column])
        positions = np.flatnonzero(bad)
        given = data[column].iloc[positions].astype("string").fillna("")
        labels = row_labels(data, positions, id_column, rows)
        issues.add(
            InvalidDataError,
            f"onleesbare datum in kolom {column}",
            [f"{label}: {value!r}" for label, value in zip(labels, given, strict=True)],
            _FIX,
        )
        data[column] = pd.Series([t if t is not None else pd.NA for t in texts], index=data.index, dtype="str")
        data.loc[bad, column] = given.to_numpy()  # keep what the user wrote in a refused row
        spans[column] = (first, last)
    if len(spans) == 2:
        start, end = spans["open_from"][0], spans["open_until"][1]
        reversed_ = ~np.isnat(start) & ~np.isnat(end) & (end < start)
        issues.add(
            InvalidDataError,
            "open_until ligt vóór open_from",
            row_labels(data, np.flatnonzero(reversed_), id_column, rows),
            "verbeter een van beide data (open_from is de eerste, open_until de laatste dag open)",
        )


def date_bounds(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per row the first and last day of ``open_from`` and ``open_until`` (``datetime64[D]``, NaT when empty).

    Keys ``from_first``, ``from_last``, ``until_first``, ``until_last``; absent columns give NaT everywhere.
    """
    out: dict[str, np.ndarray] = {}
    for column, stem in zip(DATE_COLUMNS, ("from", "until"), strict=True):
        values = frame[column] if column in frame.columns else pd.Series(pd.NA, index=frame.index, dtype=object)
        first, last, bad, _ = _column_periods(values)
        first[bad] = np.datetime64("NaT")  # a frame that skipped the loader: unreadable values count as empty
        last[bad] = np.datetime64("NaT")
        out[f"{stem}_first"], out[f"{stem}_last"] = first, last
    return out


def _listed(frame: pd.DataFrame) -> np.ndarray:
    column = LISTED_STATUS if LISTED_STATUS in frame.columns else "status"
    return frame[column].astype(str).to_numpy()


def _state_on(frame: pd.DataFrame, day: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks (open, not yet open, uncertain) of every row on ``day`` by the README's rule."""
    d = np.datetime64(day, "D")
    b = date_bounds(frame)
    listed = _listed(frame)
    in_play = np.isin(listed, _IN_PLAY)
    no_from, no_until = np.isnat(b["from_first"]), np.isnat(b["until_first"])
    with np.errstate(invalid="ignore"):
        from_ok = no_from | (b["from_last"] <= d)
        until_ok = (no_until & (listed == "open")) | (~no_until & (b["until_first"] >= d))
        from_overlaps = ~no_from & (b["from_first"] <= d) & (d < b["from_last"])
        until_overlaps = ~no_until & (b["until_first"] < d) & (d <= b["until_last"])
        not_yet = ~no_from & (d < b["from_last"])
    is_open = in_play & from_ok & until_ok
    return is_open, in_play & not_yet, in_play & (from_overlaps | until_overlaps)


def parse_as_of(value: str | dt.date | None) -> dt.date:
    """The as-of date: a ``YYYY-MM-DD`` text or a date; ``None`` is today.

    Raises
    ------
    ConfigError
        The text is not a whole date (a Dutch message with the fix).
    """
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    period = _parse_one(value)
    if period is None or period.is_period:
        msg = f"peildatum {value!r} is geen datum; geef een hele dag als JJJJ-MM-DD (bijv. --as-of 2021-01-01)"
        raise ConfigError(msg)
    return period.first


def facilities_as_of(frame: pd.DataFrame, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """The service-point list as it was on ``as_of`` (a new frame; every row kept).

    Parameters
    ----------
    frame
        Facilities frame (every status); not modified. Without ``open_from`` / ``open_until`` every row keeps
        its ``status``. A frame already dated by this function is dated again from its listed status.
    as_of
        The date (``YYYY-MM-DD`` or a date); ``None`` is today.

    Returns
    -------
    pandas.DataFrame
        The rows with ``status`` on that date: ``open``; ``planned`` for an open or closed row that had not
        yet (certainly) opened; ``closed`` for one that had closed or whose end is unknown; planned and
        cancelled rows as listed. Added: :data:`LISTED_STATUS` (the status as listed) and
        :data:`DATE_UNCERTAIN` (the state rests on a partial date overlapping ``as_of``; such a row is left
        out, never shown as a certain opening or closure). ``attrs["as_of"]`` is the ISO date.

    Examples
    --------
    >>> rows = pd.DataFrame({"id": ["a", "b"], "status": ["open", "closed"],
    ...     "open_from": ["2021", None], "open_until": [None, "2021-06"]})
    >>> out = facilities_as_of(rows, "2021-03-01")
    >>> out["status"].tolist(), out["date_uncertain"].tolist()
    (['planned', 'open'], [True, False])
    """
    day = parse_as_of(as_of)
    listed = _listed(frame)
    is_open, not_yet, uncertain = _state_on(frame, day)
    in_play = np.isin(listed, _IN_PLAY)
    status = np.where(is_open, "open", np.where(not_yet, "planned", "closed"))
    out = frame.copy()
    out[LISTED_STATUS] = listed
    out["status"] = np.where(in_play, status, listed)
    out[DATE_UNCERTAIN] = uncertain & ~is_open
    out.attrs = dict(frame.attrs)
    out.attrs["as_of"] = day.isoformat()
    return out


def open_on(frame: pd.DataFrame, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """The rows open on ``as_of`` (see :func:`facilities_as_of`; index reset, flags kept)."""
    dated = facilities_as_of(frame, as_of)
    out = dated.loc[dated["status"].to_numpy() == "open"].reset_index(drop=True)
    out.attrs = dict(dated.attrs)
    return out


def uncertain_note(facilities: pd.DataFrame) -> str | None:
    """A Dutch note naming the rows left out because a partial date overlaps the as-of date (``None``: none).

    Every output that counts the list on a date shows it, so a result decided by such a row is never read as
    a certain opening or closure.

    Examples
    --------
    >>> rows = pd.DataFrame({"id": ["a"], "name": ["Bieb"], "status": ["open"], "open_from": ["2021"]})
    >>> print(uncertain_note(facilities_as_of(rows, "2021-03-01")))  # doctest: +NORMALIZE_WHITESPACE
    onzeker op de peildatum 01-03-2021 en niet meegeteld (een datum als 2021 of 2021-11 is een periode;
    de uitkomst kan daardoor te laag zijn): Bieb (a) [vanaf 2021]
    """
    if DATE_UNCERTAIN not in facilities.columns or not facilities[DATE_UNCERTAIN].any():
        return None
    rows = facilities.loc[facilities[DATE_UNCERTAIN].to_numpy(bool)]
    names = rows[Col.NAME].astype(str) if Col.NAME in rows.columns else rows[Col.ID].astype(str)
    labels = names + " (" + rows[Col.ID].astype(str) + ") [" + _period_text(rows) + "]"
    as_of = facilities.attrs.get("as_of")
    day = f" {dt.date.fromisoformat(as_of).strftime('%d-%m-%Y')}" if as_of else ""
    return (
        f"onzeker op de peildatum{day} en niet meegeteld (een datum als 2021 of 2021-11 is een periode; "
        f"de uitkomst kan daardoor te laag zijn): {rows_text(labels.tolist())}"
    )


def _period_text(rows: pd.DataFrame) -> pd.Series:
    """``vanaf 2021``, ``tot 2021-11`` or both, per row, from the dates as written."""
    parts = []
    for column, word in ((Col.OPEN_FROM, "vanaf"), (Col.OPEN_UNTIL, "tot")):
        values = rows[column].astype("string").fillna("") if column in rows.columns else pd.Series("", rows.index)
        parts.append(values.where(values == "", word + " " + values))
    return (parts[0] + " " + parts[1]).str.strip()
