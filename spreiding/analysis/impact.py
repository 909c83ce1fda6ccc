"""Impact ranking: what closing one service point, or opening one site, would change.

Both rankings work on an :class:`~spreiding.analysis.evaluation.Evaluation`
(its exact nearest distances and coverage) and its points × sites matrix,
vectorised over the sites: closing ``j`` uncovers exactly the residents whom
``j`` alone covers (:func:`~spreiding.analysis.measures.is_covered` per
point–site pair) and moves the residents whose nearest is ``j`` to their
second-nearest; opening a candidate covers the residents it covers who were
not covered yet. Residents whose second-nearest lies beyond the matrix cut-off
get an exact search (grouped per site), so "newly unreachable" means no path
at all, as on the map.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from spreiding.analysis.evaluation import check_within_cutoffs, exact_nearest, location_keys
from spreiding.analysis.measures import is_covered, mean_distance, reachable
from spreiding.errors import InvalidDataError
from spreiding.network.engine import DistanceMatrix
from spreiding.vocabulary import Col

if TYPE_CHECKING:
    from spreiding.analysis.evaluation import Evaluation, ScenarioContext

__all__ = ["CLOSURE_COLUMNS", "OPENING_COLUMNS", "closure_impact", "opening_impact"]

logger = logging.getLogger(__name__)

CLOSURE_COLUMNS = (
    Col.ID,
    Col.NAME,
    Col.KIND,
    Col.MUNICIPALITY,
    Col.RESIDENTS_NEAREST,
    Col.COVERED_LOSS,
    Col.COVERED_LOSS_PCT,
    Col.NEWLY_UNREACHABLE,
    Col.MEAN_DIST_BEFORE_M,
    Col.MEAN_DIST_AFTER_M,
    Col.MEAN_DIST_DELTA_M,
)
"""Columns of :func:`closure_impact`."""

OPENING_COLUMNS = (
    Col.ID,
    Col.NAME,
    Col.KIND,
    Col.MUNICIPALITY,
    Col.COVERED_GAIN,
    Col.COVERED_GAIN_PCT,
    Col.NEWLY_REACHABLE,
    Col.MEAN_DIST_BEFORE_M,
    Col.MEAN_DIST_AFTER_M,
    Col.MEAN_DIST_DELTA_M,
)
"""Columns of :func:`opening_impact`."""


def _context(evaluation: Evaluation) -> ScenarioContext:
    if evaluation.context is None:
        msg = "deze doorrekening heeft geen afstandsmatrix; reken het scenario door via spreiding.Study"
        raise InvalidDataError(msg)
    return evaluation.context


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy without ``attrs`` (pandas deep-copies ``attrs`` on every column access)."""
    out = frame.copy(deep=False)
    out.attrs = {}
    return out


def _column(frame: pd.DataFrame, name: str, default: np.ndarray | None = None) -> np.ndarray | None:
    return frame[name].to_numpy() if name in frame else default


def _names(frame: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    """Names as text, the id where a name is missing (never the text "None")."""
    if "name" not in frame:
        return ids
    names = frame["name"].astype(object).where(frame["name"].notna(), None).to_numpy()
    return np.array([n if n not in (None, "") else i for n, i in zip(names, ids, strict=True)], dtype=object)


def _second_nearest(evaluation: Evaluation, d: np.ndarray, jd: np.ndarray) -> np.ndarray:
    """Exact distance to the nearest counted point other than the row's nearest (``inf``: no path)."""
    rows = np.arange(d.shape[0])
    masked = d.copy()
    has = jd >= 0
    masked[rows[has], jd[has]] = np.inf
    d2 = masked.min(axis=1, initial=np.inf).astype(float)
    need = has & reachable(evaluation.nearest.dist_m) & ~np.isfinite(d2)
    context = _context(evaluation)
    counted = _plain(evaluation.counted)
    keys = location_keys(counted)
    for j in np.unique(jd[need]):  # a loop over the few sites concerned, never over cells
        sel = np.flatnonzero(need & (jd == j))
        others = np.arange(len(keys)) != j
        if not others.any():
            continue
        exact = exact_nearest(context, sel, keys[others], counted.geometry[others], with_time=False)
        d2[sel] = exact.dist_m
    return d2


def closure_impact(evaluation: Evaluation) -> pd.DataFrame:
    """Loss if each counted service point alone closed.

    Parameters
    ----------
    evaluation
        The situation to start from (base or scenario), from a
        :class:`~spreiding.analysis.study.Study`.

    Returns
    -------
    pandas.DataFrame
        One row per counted point, largest loss first, :data:`CLOSURE_COLUMNS`:
        residents for whom it is the nearest, residents who lose coverage
        (it is the only counted point meeting the norm for them), residents
        left without any path, and the mean distance before and after.
    """
    context = _context(evaluation)
    norm = evaluation.norm
    check_within_cutoffs(context, norm)
    counted = _plain(evaluation.counted)
    ids = counted["id"].astype(str).to_numpy()
    cols = context.matrix.columns(location_keys(counted))
    d, t = context.matrix.dist_m[:, cols], context.matrix.time_s[:, cols]
    w = evaluation.points[norm.weight_column].to_numpy(float)
    k = len(ids)
    ok = is_covered(norm, d, t)
    only = ok.sum(axis=1) == 1
    loss = np.bincount(ok.argmax(axis=1)[only], weights=w[only], minlength=k) if k else np.zeros(0)
    jd = pd.Index(ids).get_indexer(pd.Index(evaluation.nearest.nearest_id.astype(str)))
    jd = np.where(evaluation.nearest.reachable, jd, -1)
    d1 = evaluation.nearest.dist_m
    d2 = _second_nearest(evaluation, d, jd)
    served = jd >= 0
    fin2 = np.isfinite(d2)
    w_reach = float(w[served].sum())
    sum_d = float((w[served] * d1[served]).sum())
    delta = np.where(fin2, w * (d2 - np.where(served, d1, 0.0)), -w * np.where(served, d1, 0.0))
    d_sum_delta = np.bincount(jd[served], weights=delta[served], minlength=k)
    w_lost = np.bincount(jd[served], weights=np.where(fin2, 0.0, w)[served], minlength=k)
    residents = np.bincount(jd[served], weights=w[served], minlength=k)
    total = float(w.sum())
    before = float(mean_distance(sum_d, w_reach))
    after = mean_distance(sum_d + d_sum_delta, w_reach - w_lost)
    values = (
        ids,
        _names(counted, ids),
        _column(counted, "kind"),
        _column(counted, "municipality"),
        residents,
        loss,
        100.0 * loss / total if total > 0 else np.nan,
        w_lost,
        before,
        after,
        after - before,
    )
    out = pd.DataFrame(dict(zip(CLOSURE_COLUMNS, values, strict=True)))
    return out.sort_values([Col.COVERED_LOSS, Col.MEAN_DIST_DELTA_M], ascending=False, ignore_index=True)


def opening_impact(
    evaluation: Evaluation, candidates: gpd.GeoDataFrame, candidate_matrix: DistanceMatrix
) -> pd.DataFrame:
    """Gain if each candidate site alone opened next to the counted service points.

    Parameters
    ----------
    evaluation
        The situation to start from (base or scenario).
    candidates
        Candidate sites (``id`` or ``candidate_id``, ``name``, ``kind``, ...).
    candidate_matrix
        Points × candidates (same rows and model as the evaluation's points).

    Returns
    -------
    pandas.DataFrame
        One row per candidate, largest gain first, :data:`OPENING_COLUMNS`.
    """
    norm = evaluation.norm
    if not candidate_matrix.point_index.equals(evaluation.points.index):
        msg = "kandidatenmatrix en doorrekening hebben verschillende punten; reken beide door met dezelfde gegevens"
        raise InvalidDataError(msg)
    candidates = _plain(candidates)
    id_col = "id" if "id" in candidates else "candidate_id"
    cids = candidates[id_col].astype(str).to_numpy()
    ccols = candidate_matrix.columns(cids)
    dc, tc = candidate_matrix.dist_m[:, ccols], candidate_matrix.time_s[:, ccols]
    w = evaluation.points[norm.weight_column].to_numpy(float)
    now = evaluation.covered
    gain = ((is_covered(norm, dc, tc) & ~now[:, None]) * w[:, None]).sum(axis=0)
    d1 = evaluation.nearest.dist_m
    fin1 = reachable(d1)
    after_d = np.minimum(dc, d1[:, None])
    finc = np.isfinite(after_d)
    new_reach = ((finc & ~fin1[:, None]) * w[:, None]).sum(axis=0)
    w_reach = float(w[fin1].sum())
    before = float(mean_distance(float((w[fin1] * d1[fin1]).sum()), w_reach))
    mean_after = mean_distance((np.where(finc, after_d, 0.0) * w[:, None]).sum(axis=0), w_reach + new_reach)
    total = float(w.sum())
    values = (
        cids,
        _names(candidates, cids),
        _column(candidates, "kind"),
        _column(candidates, "municipality"),
        gain,
        100.0 * gain / total if total > 0 else np.nan,
        new_reach,
        before,
        mean_after,
        mean_after - before,
    )
    out = pd.DataFrame(dict(zip(OPENING_COLUMNS, values, strict=True)))
    return out.sort_values([Col.COVERED_GAIN, Col.MEAN_DIST_DELTA_M], ascending=[False, True], ignore_index=True)
