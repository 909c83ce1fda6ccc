"""Impact ranking: what closing one service point, or opening one site, would change.

Both rankings are vectorised over the points × sites matrix: for closures the
nearest and second-nearest counted point per resident (``np.argpartition``),
so closing ``j`` moves exactly the residents whose nearest is ``j`` to their
second-nearest; for openings the new distance is ``min(current, candidate)``
for every candidate column at once. No closure or opening is re-evaluated in
a loop.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from spreiding.analysis.norm import Norm
from spreiding.errors import InvalidDataError
from spreiding.network.engine import DistanceMatrix

__all__ = ["closure_impact", "opening_impact"]

logger = logging.getLogger(__name__)


def _ok(values: np.ndarray, limit: float | None) -> np.ndarray:
    return np.ones(values.shape, bool) if limit is None else values <= limit


def _two_smallest(block: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: column of the smallest value, the smallest and the second-smallest value."""
    n, k = block.shape
    rows = np.arange(n)
    if k == 0:
        return np.full(n, -1), np.full(n, np.inf), np.full(n, np.inf)
    arg = np.argmin(block, axis=1)
    first = block[rows, arg].astype(float)
    if k == 1:
        return arg, first, np.full(n, np.inf)
    second = np.partition(block, 1, axis=1)[:, 1].astype(float)
    return arg, first, second


def _weights(population: pd.DataFrame, matrix: DistanceMatrix, norm: Norm) -> np.ndarray:
    if not population.index.equals(matrix.point_index):
        msg = "population and distance matrix have different rows; build the matrix for this population frame"
        raise InvalidDataError(msg)
    return population[norm.weight_column].to_numpy(float)


def _mean_after(sum_d: float, w_reach: float, d_sum_delta: np.ndarray, w_lost: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sum_d + d_sum_delta) / (w_reach - w_lost)


def closure_impact(
    population: pd.DataFrame, matrix: DistanceMatrix, counted: gpd.GeoDataFrame, norm: Norm
) -> pd.DataFrame:
    """Loss if each counted service point alone closed.

    Parameters
    ----------
    population
        Residents' points (rows of ``matrix``) with the norm's weight column.
    matrix
        Points × service points (columns keyed by id, e.g. a scenario context's matrix).
    counted
        The open service points that count (``id``, ``name``, ``kind``, ``municipality``).
    norm
        The norm.

    Returns
    -------
    pandas.DataFrame
        One row per counted point, largest loss first: ``id, name, kind,
        municipality, residents_nearest, covered_loss, covered_loss_pct,
        newly_unreachable, mean_dist_before_m, mean_dist_after_m,
        mean_dist_delta_m``.
    """
    w = _weights(population, matrix, norm)
    ids = counted["id"].astype(str).to_numpy()
    cols = matrix.columns(ids)
    k = len(ids)
    jd, d1, d2 = _two_smallest(matrix.dist_m[:, cols])
    jt, t1, t2 = _two_smallest(matrix.time_s[:, cols])
    ld, lt = norm.max_dist_m, norm.max_time_s
    now = _ok(d1, ld) & _ok(t1, lt)
    same = jd == jt
    # closing the row's distance-nearest (and, when the same, its time-nearest) point
    after_d = _ok(d2, ld) & np.where(same, _ok(t2, lt), _ok(t1, lt))
    # closing only the row's time-nearest point
    after_t = _ok(d1, ld) & _ok(t2, lt)
    lose_d = np.where(now & ~after_d, w, 0.0)
    lose_t = np.where(now & ~after_t & ~same, w, 0.0)
    valid_d, valid_t = jd >= 0, jt >= 0
    loss = np.bincount(jd[valid_d], weights=lose_d[valid_d], minlength=k)
    loss += np.bincount(jt[valid_t], weights=lose_t[valid_t], minlength=k)
    fin1 = np.isfinite(d1)
    fin2 = np.isfinite(d2)
    served = valid_d & fin1
    w_reach = float(w[fin1].sum())
    sum_d = float((w[fin1] * d1[fin1]).sum())
    delta = np.where(
        served & fin2, w * (d2 - np.where(fin1, d1, 0.0)), np.where(served, -w * np.where(fin1, d1, 0.0), 0)
    )
    d_sum_delta = np.bincount(jd[served], weights=delta[served], minlength=k)
    w_lost = np.bincount(jd[served], weights=np.where(fin2, 0.0, w)[served], minlength=k)
    residents = np.bincount(jd[served], weights=w[served], minlength=k)
    total = float(w.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        before = sum_d / w_reach if w_reach > 0 else np.nan
    after = _mean_after(sum_d, w_reach, d_sum_delta, w_lost)
    out = pd.DataFrame(
        {
            "id": ids,
            "name": counted["name"].astype(str).to_numpy() if "name" in counted else ids,
            "kind": counted["kind"].to_numpy() if "kind" in counted else None,
            "municipality": counted["municipality"].to_numpy() if "municipality" in counted else None,
            "residents_nearest": residents,
            "covered_loss": loss,
            "covered_loss_pct": 100.0 * loss / total if total > 0 else np.nan,
            "newly_unreachable": w_lost,
            "mean_dist_before_m": before,
            "mean_dist_after_m": after,
            "mean_dist_delta_m": after - before,
        }
    )
    return out.sort_values(["covered_loss", "mean_dist_delta_m"], ascending=False, ignore_index=True)


def opening_impact(
    population: pd.DataFrame,
    matrix: DistanceMatrix,
    counted: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    candidate_matrix: DistanceMatrix,
    norm: Norm,
) -> pd.DataFrame:
    """Gain if each candidate site alone opened next to the counted service points.

    Parameters
    ----------
    population
        Residents' points with the norm's weight column.
    matrix
        Points × service points (columns keyed by id).
    counted
        The counted open service points.
    candidates
        Candidate sites (``id`` or ``candidate_id``, ``name``, ``kind``, ...).
    candidate_matrix
        Points × candidates (same rows and model as ``matrix``).
    norm
        The norm.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, largest gain first: ``id, name, kind,
        municipality, covered_gain, covered_gain_pct, newly_reachable,
        mean_dist_before_m, mean_dist_after_m, mean_dist_delta_m``.
    """
    w = _weights(population, matrix, norm)
    if not candidate_matrix.point_index.equals(matrix.point_index):
        msg = "candidate matrix and service-point matrix have different rows; compute both for the same points"
        raise InvalidDataError(msg)
    id_col = "id" if "id" in candidates else "candidate_id"
    cids = candidates[id_col].astype(str).to_numpy()
    ccols = candidate_matrix.columns(cids)
    cols = matrix.columns(counted["id"].astype(str).to_numpy())
    d1 = matrix.dist_m[:, cols].min(axis=1, initial=np.inf).astype(np.float32)
    t1 = matrix.time_s[:, cols].min(axis=1, initial=np.inf).astype(np.float32)
    dc = np.minimum(candidate_matrix.dist_m[:, ccols], d1[:, None])
    tc = np.minimum(candidate_matrix.time_s[:, ccols], t1[:, None])
    ld, lt = norm.max_dist_m, norm.max_time_s
    now = _ok(d1, ld) & _ok(t1, lt)
    after = _ok(dc, ld) & _ok(tc, lt)
    gain = ((after & ~now[:, None]) * w[:, None]).sum(axis=0)
    fin1 = np.isfinite(d1)
    w_reach = float(w[fin1].sum())
    sum_d = float((w[fin1] * d1[fin1]).sum())
    finc = np.isfinite(dc)
    new_reach = ((finc & ~fin1[:, None]) * w[:, None]).sum(axis=0)
    sum_after = (np.where(finc, dc, 0.0) * w[:, None]).sum(axis=0)
    total = float(w.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        before = sum_d / w_reach if w_reach > 0 else np.nan
        mean_after = sum_after / (w_reach + new_reach)
    out = pd.DataFrame(
        {
            "id": cids,
            "name": candidates["name"].to_numpy() if "name" in candidates else cids,
            "kind": candidates["kind"].to_numpy() if "kind" in candidates else None,
            "municipality": candidates["municipality"].to_numpy() if "municipality" in candidates else None,
            "covered_gain": gain,
            "covered_gain_pct": 100.0 * gain / total if total > 0 else np.nan,
            "newly_reachable": new_reach,
            "mean_dist_before_m": before,
            "mean_dist_after_m": mean_after,
            "mean_dist_delta_m": mean_after - before,
        }
    )
    return out.sort_values(["covered_gain", "mean_dist_delta_m"], ascending=[False, True], ignore_index=True)
