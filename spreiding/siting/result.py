"""The outcome of one location model: :class:`OptimizeResult`, recomputed from the chosen sites."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from spreiding.analysis.measures import mean_distance
from spreiding.siting._checks import _Case, _nearest

__all__ = ["OptimizeResult"]


@dataclass(frozen=True)
class OptimizeResult:
    """Outcome of one location model.

    Attributes
    ----------
    model
        ``"mclp"``, ``"lscp"`` or ``"p-median"``.
    method
        ``"milp"`` (exact, HiGHS) or ``"greedy"`` (heuristic).
    selected
        Column indices of all open sites (existing that stay open + new), sorted.
    new
        Selected columns that were not existing.
    closed
        Existing columns that are closed (only with ``allow_close=True``).
    objective
        Covered weight (MCLP), number of open sites (LSCP) or total weighted
        distance in weight x metres (p-median); recomputed from ``selected``.
    covered_weight
        Weight within ``norm_m`` of an open site (MCLP, LSCP); for p-median the
        weight with a finite distance (within ``max_dist_m``) to an open site.
    covered_share
        ``covered_weight`` / total weight.
    mean_dist_m
        Weighted mean distance to the nearest open site over the weight that
        reaches one (:func:`spreiding.analysis.measures.mean_distance`, the
        package's one definition); weight that reaches none is not covered and
        makes a p-median ``objective`` ``inf``.
    status
        ``"optimal"``, ``"time_limit"`` (best solution found in time) or
        ``"greedy"``.
    mip_gap
        Relative MIP gap reported by HiGHS, ``None`` for greedy.
    solve_time_s
        Wall time of building and solving the model, in seconds.
    """

    model: str
    method: str
    selected: tuple[int, ...]
    new: tuple[int, ...]
    closed: tuple[int, ...]
    objective: float
    covered_weight: float
    covered_share: float
    mean_dist_m: float
    status: str
    mip_gap: float | None
    solve_time_s: float


def _result(
    case: _Case, method: str, selected: np.ndarray, norm_m: float | None, status: str, gap: float | None
) -> OptimizeResult:
    """Summarise a selection; objective and coverage are recomputed from ``selected``."""
    w = case.w
    sel = np.unique(np.asarray(selected, dtype=np.int64))
    dmin = _nearest(case.dist, sel)
    pos = w > 0
    covered = dmin <= norm_m if norm_m is not None else np.isfinite(dmin)
    covered_weight = float(w[covered].sum())
    reached = bool(np.all(np.isfinite(dmin[pos])))
    finite = pos & np.isfinite(dmin)
    weighted = float(np.dot(w[pos], dmin[pos])) if reached else float("inf")
    objective = {"mclp": covered_weight, "lscp": float(sel.size)}.get(case.model, weighted)
    return OptimizeResult(
        model=case.model,
        method=method,
        selected=tuple(int(j) for j in sel),
        new=tuple(int(j) for j in np.setdiff1d(sel, case.ex)),
        closed=tuple(int(j) for j in np.setdiff1d(case.ex, sel)),
        objective=objective,
        covered_weight=covered_weight,
        covered_share=covered_weight / float(w.sum()),
        mean_dist_m=float(mean_distance(float(np.dot(w[finite], dmin[finite])), float(w[finite].sum()))),
        status=status,
        mip_gap=gap,
        solve_time_s=time.perf_counter() - case.started,
    )
