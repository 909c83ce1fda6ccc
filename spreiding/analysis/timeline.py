"""The timeline: coverage at every date on which the set of open service points changed.

From the dated rows of the service-point list (``open_from`` / ``open_until``,
see :mod:`spreiding.data.dates`) :func:`timeline` finds every date from
:data:`TIMELINE_START` to the end date on which the open set changed, and
evaluates the norm at each through ONE :class:`~spreiding.study.Study`: the
date's open set is a :class:`~spreiding.analysis.scenario.Scenario` of
``close`` / ``reopen`` edits against the study's list, so the points ×
service-points matrix is built once and every step only chooses columns.

Each step says, per municipality and for the region total, the covered share,
the mean distance and who lost or gained access (residents newly beyond or
within the norm since the previous step), and which rows opened or closed,
with the date as written (a partial date is a period) and its
``date_evidence``. A step decided by a partial date, or whose figures rest on
a row whose state on that date is unknown (a period overlapping it), is
flagged ``uncertain``: it is never a certain opening or closure.

Examples
--------
Residents at 0 and 10 km, one library at 0 km that closed in 2018 and one at
10 km that opened on 1 March 2020 (crow-fly, no detour):

>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> from spreiding.analysis.norm import Norm
>>> from spreiding.study import Study, StudySettings
>>> pop = gpd.GeoDataFrame({"cell_id": ["a", "b"], "pop_total": [10.0, 30.0], "municipality": ["X", "Y"]},
...     geometry=[Point(0, 0), Point(10000, 0)], crs=28992)
>>> lib = gpd.GeoDataFrame({"id": ["L1", "L2"], "name": ["Oud", "Nieuw"], "kind": ["vestiging"] * 2,
...     "status": ["closed", "open"], "open_from": [None, "2020-03-01"], "open_until": ["2018", None]},
...     geometry=[Point(0, 0), Point(10000, 0)], crs=28992)
>>> study = Study(pop, lib, settings=StudySettings(detour_factor=1.0), total_label="Proef")
>>> line = timeline(study, Norm(name="2 km", mode="car", max_dist_m=2000.0), end=dt.date(2024, 1, 1))
>>> line.changes[["date", "id", "event", "uncertain"]].values.tolist()
[['2018-01-02', 'L1', 'gesloten', True], ['2020-03-01', 'L2', 'geopend', False]]
>>> total = line.steps.loc[line.steps["municipality"] == "Proef"]
>>> total["covered"].tolist(), total["lose_coverage"].tolist(), total["gain_coverage"].tolist()
([10.0, 0.0, 30.0], [0.0, 10.0, 0.0], [0.0, 0.0, 30.0])
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spreiding.analysis.evaluation import Evaluation
from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Edit, Scenario, close, reopen
from spreiding.data.dates import DATE_UNCERTAIN, date_bounds, facilities_as_of, parse_as_of
from spreiding.vocabulary import Col

if TYPE_CHECKING:
    from spreiding.study import Study

__all__ = ["CHANGE_CLOSED", "CHANGE_OPENED", "TIMELINE_START", "Timeline", "step_dates", "timeline"]

logger = logging.getLogger(__name__)

TIMELINE_START = dt.date(2015, 1, 1)
"""First date of the timeline (the dated rows of the library list start in 2015)."""
CHANGE_OPENED = "geopend"
"""Value of ``change`` for a row that opened at a step."""
CHANGE_CLOSED = "gesloten"
"""Value of ``change`` for a row that closed at a step."""

_STEP_KEEP = (
    Col.RESIDENTS,
    Col.COVERED,
    Col.COVERED_PCT,
    Col.UNREACHABLE,
    Col.MEAN_DIST_M,
)


@dataclass(frozen=True, eq=False)
class Timeline:
    """Coverage at every change of the open service points (build it with :func:`timeline`).

    Attributes
    ----------
    steps
        One row per step and municipality plus the total row: ``date`` (ISO), ``period`` (the deciding dates
        as written), ``uncertain``, ``municipality``, ``residents``, ``covered``, ``covered_pct``,
        ``unreachable``, ``mean_dist_m``, ``covered_pct_delta`` and ``mean_dist_m_delta`` (against the previous
        step; NaN at the first), ``lose_coverage`` / ``gain_coverage`` (residents newly beyond / within the
        norm), ``open_points`` (service points counted), ``changes`` (text) and ``uncertain_rows`` (ids whose
        state on that date rests on a period overlapping it).
    changes
        One row per service point that opened or closed at a step: ``date``, ``period``, ``id``, ``name``,
        ``municipality``, ``change`` (:data:`CHANGE_OPENED` / :data:`CHANGE_CLOSED`), ``when`` (the deciding
        date as written), ``uncertain`` (``when`` is a period), ``date_evidence``, ``confidence``.
    norm
        The norm evaluated.
    start, end
        First and last date considered.
    evaluations
        The evaluation of every step (for provenance and maps), in step order.
    total_label
        Label of the region's total row.
    """

    steps: pd.DataFrame
    changes: pd.DataFrame
    norm: Norm
    start: dt.date
    end: dt.date
    evaluations: tuple[Evaluation, ...]
    total_label: str

    @property
    def dates(self) -> list[str]:
        """The step dates (ISO), first the start."""
        return list(dict.fromkeys(self.steps[Col.DATE].astype(str)))

    def of(self, municipality: str) -> Timeline:
        """The steps that changed ``municipality`` (its rows only; the first step always kept).

        A step is kept when a row of the municipality opened or closed, residents there lost or gained access,
        or its mean distance moved by a metre or more.
        """
        rows = self.steps.loc[self.steps[Col.MUNICIPALITY].astype(str) == municipality]
        own = set(self.changes.loc[self.changes[Col.MUNICIPALITY].astype(str) == municipality, Col.DATE])
        moved = (
            (rows[Col.LOSE_COVERAGE].to_numpy(float) > 0)
            | (rows[Col.GAIN_COVERAGE].to_numpy(float) > 0)
            | (np.abs(rows[Col.MEAN_DIST_M_DELTA].fillna(0.0).to_numpy(float)) >= 1.0)
            | rows[Col.DATE].isin(own).to_numpy()
        )
        moved[:1] = True
        kept = rows.loc[moved].reset_index(drop=True)
        changes = self.changes.loc[self.changes[Col.DATE].isin(set(kept[Col.DATE]))].reset_index(drop=True)
        return Timeline(kept, changes, self.norm, self.start, self.end, self.evaluations, self.total_label)


def step_dates(facilities: pd.DataFrame, start: dt.date, end: dt.date) -> list[dt.date]:
    """Candidate dates on which the open set may change: ``start`` and every rule boundary in (start, end].

    A row enters on the last day of its ``open_from`` and leaves on the day after the first day of its
    ``open_until`` (the rule of :func:`spreiding.data.dates.facilities_as_of`).
    """
    b = date_bounds(facilities)
    one = np.timedelta64(1, "D")
    found = np.concatenate([b["from_last"], b["until_first"] + one])
    found = found[~np.isnat(found)]
    lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
    inside = np.unique(found[(found > lo) & (found <= hi)])
    return [start, *(d.astype(dt.date) for d in inside)]


def _open_sets(facilities: pd.DataFrame, dates: list[dt.date]) -> list[tuple[dt.date, np.ndarray, np.ndarray]]:
    """Per date where the open set changed (first date always): (date, open mask, uncertain mask)."""
    out: list[tuple[dt.date, np.ndarray, np.ndarray]] = []
    for day in dates:  # a few dozen dates at most
        dated = facilities_as_of(facilities, day)
        is_open = dated["status"].to_numpy() == "open"
        if out and np.array_equal(out[-1][1], is_open):
            continue
        out.append((day, is_open, dated[DATE_UNCERTAIN].to_numpy(bool)))
    return out


def _edits(ids: np.ndarray, base_open: np.ndarray, is_open: np.ndarray) -> tuple[Edit, ...]:
    """``reopen`` / ``close`` edits that turn the base's open set into ``is_open``."""
    reopened = [reopen(str(i)) for i in ids[is_open & ~base_open]]
    closed = [close(str(i)) for i in ids[base_open & ~is_open]]
    return (*reopened, *closed)


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else str(value)


def _changes(facilities: pd.DataFrame, day: dt.date, before: np.ndarray, after: np.ndarray) -> list[dict[str, object]]:
    """The rows that opened or closed between two open sets, with their deciding date as written."""
    records = []
    for pos in np.flatnonzero(before != after):  # the handful of rows that changed at this step
        row = facilities.iloc[pos]
        opened = bool(after[pos])
        when = _text(row.get(Col.OPEN_FROM) if opened else row.get(Col.OPEN_UNTIL))
        records.append(
            {
                Col.DATE: day.isoformat(),
                Col.ID: str(row[Col.ID]),
                Col.NAME: _text(row.get(Col.NAME)),
                Col.MUNICIPALITY: _text(row.get(Col.MUNICIPALITY)),
                Col.EVENT: CHANGE_OPENED if opened else CHANGE_CLOSED,
                Col.WHEN: when,
                Col.UNCERTAIN: len(when) < 10,  # a year or a month: a period, not a day
                Col.DATE_EVIDENCE: _text(row.get(Col.DATE_EVIDENCE)),
                Col.CONFIDENCE: _text(row.get(Col.CONFIDENCE)),
            }
        )
    return records


def _step_table(ev: Evaluation, prev: Evaluation | None, study: Study) -> pd.DataFrame:
    """One step's figures per municipality (+ total), with the change since ``prev``."""
    table = ev.table.loc[:, [Col.MUNICIPALITY, *_STEP_KEEP]].reset_index(drop=True)
    if prev is None:
        table[Col.COVERED_PCT_DELTA] = np.nan
        table[Col.MEAN_DIST_M_DELTA] = np.nan
        table[Col.LOSE_COVERAGE] = 0.0
        table[Col.GAIN_COVERAGE] = 0.0
    else:
        diff, _ = study.compare(prev, ev)
        for col in (Col.COVERED_PCT_DELTA, Col.MEAN_DIST_M_DELTA, Col.LOSE_COVERAGE, Col.GAIN_COVERAGE):
            table[col] = diff[col].to_numpy(float)
    table[Col.OPEN_POINTS] = len(ev.counted)
    return table


def _summary(records: list[dict[str, object]]) -> tuple[str, str, bool]:
    """The step's ``period`` text, ``changes`` text and whether a period decided it."""
    periods = sorted({str(r[Col.WHEN]) for r in records if r[Col.WHEN]})
    text = "; ".join(f"{r[Col.EVENT]}: {r[Col.NAME]} [{r[Col.ID]}]" + (f" ({r[Col.WHEN]})" if r[Col.WHEN] else "")
                     for r in records)  # fmt: skip
    return ", ".join(periods), text, any(bool(r[Col.UNCERTAIN]) for r in records)


def timeline(
    study: Study,
    norm: Norm,
    *,
    start: dt.date = TIMELINE_START,
    end: str | dt.date | None = None,
    by: str = "municipality",
) -> Timeline:
    """Coverage of ``norm`` at every date from ``start`` to ``end`` on which the open service points changed.

    Parameters
    ----------
    study
        The study (its service-point list with ``open_from`` / ``open_until``; undated rows keep their status).
        Its matrix is built once; every step is a scenario of close / reopen edits against its list.
    norm
        The norm (its mode must be the study's).
    start
        First date (default :data:`TIMELINE_START`): the situation on it is the first step.
    end
        Last date (``YYYY-MM-DD`` or a date; default today).
    by
        Grouping column of the population.

    Returns
    -------
    Timeline
    """
    last = parse_as_of(end)
    facilities = study.facilities
    sets = _open_sets(facilities, step_dates(facilities, start, last))
    ids = facilities[Col.ID].astype(str).to_numpy()
    base_open = facilities["status"].astype(str).to_numpy() == "open"
    tables: list[pd.DataFrame] = []
    records: list[dict[str, object]] = []
    evaluations: list[Evaluation] = []
    for k, (day, is_open, uncertain) in enumerate(sets):  # one evaluation per step (cached matrix columns)
        scenario = Scenario(f"peildatum {day.isoformat()}", "open op deze datum", _edits(ids, base_open, is_open))
        ev = study.evaluate(norm, scenario, by=by)
        step = _changes(facilities, day, sets[k - 1][1], is_open) if k else []
        table = _step_table(ev, evaluations[-1] if evaluations else None, study)
        period, text, decided = _summary(step)
        table.insert(0, Col.DATE, day.isoformat())
        table.insert(1, Col.PERIOD, period)
        table.insert(2, Col.UNCERTAIN, decided or bool(uncertain.any()))
        table[Col.CHANGES] = text
        table[Col.UNCERTAIN_ROWS] = ", ".join(ids[uncertain])
        tables.append(table)
        records += step
        evaluations.append(ev)
    logger.info("tijdlijn %s..%s: %d stappen", start, last, len(sets))
    changes = pd.DataFrame.from_records(records, columns=_CHANGE_COLUMNS)
    periods = {t[Col.DATE].iloc[0]: t[Col.PERIOD].iloc[0] for t in tables}
    changes.insert(1, Col.PERIOD, changes[Col.DATE].map(periods).fillna(""))
    steps = pd.concat(tables, ignore_index=True)
    return Timeline(steps, changes, norm, start, last, tuple(evaluations), study.total_label)


_CHANGE_COLUMNS = (
    Col.DATE,
    Col.ID,
    Col.NAME,
    Col.MUNICIPALITY,
    Col.EVENT,
    Col.WHEN,
    Col.UNCERTAIN,
    Col.DATE_EVIDENCE,
    Col.CONFIDENCE,
)
