r"""Relocation: which existing sites may close once the new sites are placed.

With ``allow_close=True`` a model opens at most ``p`` new sites and closes at
most ``k`` of the *closable* existing sites (those inside the region; sites
across the border are never closable). Closing never adds coverage and never
shortens a trip, so the objective is optimised first with every existing
site open (stage 1, :func:`spreiding.siting.coverage.mclp` /
:func:`spreiding.siting.median.p_median`), and then, at that objective,
as many closable sites as possible (up to ``k``) are closed (stage 2, here):

* coverage (MCLP): a MILP over the same coverage groups that keeps the
  stage-1 covered weight and minimises the sites open inside the region
  (closable sites kept plus new sites, which may differ from stage 1's):

  .. math::

     \begin{array}{lll}
     \text{minimise}   & \displaystyle\sum_{j \in C} (1 - \delta s_j) x_j
                         + \sum_{j \notin E} (1 + \delta) x_j,
                       \quad \delta = \frac{1}{2 (|C| + p + 1)} & \\
     \text{subject to} & y_i \le \displaystyle\sum_{j \in N_i} x_j & \forall i \\
                       & \displaystyle\sum_i a_i y_i \ge W_1 & \\
                       & \displaystyle\sum_{j \notin E} x_j \le p, \quad
                         \displaystyle\sum_{j \in C} x_j \ge |C| - k & \\
                       & x_j = 1 & \forall j \in E \setminus C
     \end{array}

  with :math:`W_1` the stage-1 covered weight and :math:`s_j \in [0, 1]`
  the weight for which :math:`j` is the nearest existing site within the
  norm (over the largest). The count comes first (the :math:`\delta` terms
  add less than :math:`\tfrac12`); among equally many sites an existing site
  is kept rather than swapped for an equivalent new one, and the sites
  serving the fewest residents close first.
* greedy and p-median: one at a time, close the open closable site that
  loses nothing (no covered weight, resp. it is the strictly nearest open site
  of nobody) and serves the fewest residents, until ``k`` are closed.

A p-median closure therefore only happens when nobody gets farther.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy import sparse

from spreiding.errors import OptimizationError
from spreiding.siting._checks import _aggregate, _Case, _covered_by
from spreiding.siting._solver import _solve

__all__: list[str] = []

logger = logging.getLogger(__name__)


def _served(case: _Case) -> np.ndarray:
    """Weight per existing column for which it is the nearest existing site (finite distance), by column index."""
    served = np.zeros(case.dist.shape[1])
    if case.ex.size == 0:
        return served
    sub = case.dist[:, case.ex]
    best = np.argmin(sub, axis=1)
    reach = np.isfinite(sub[np.arange(sub.shape[0]), best])
    served[case.ex] = np.bincount(best[reach], weights=case.w[reach], minlength=case.ex.size)
    return served


def _pick_closure(case: _Case, sel: np.ndarray, lossless: np.ndarray, served: np.ndarray) -> np.ndarray:
    """Close the lossless open closable site that serves the fewest (lowest column on ties); ``sel`` without it."""
    cand = np.intersect1d(lossless, case.closable)
    if cand.size == 0:
        return sel
    pick = cand[np.argmin(served[cand])]
    return np.setdiff1d(sel, [pick])


def _n_closed(case: _Case, sel: np.ndarray) -> int:
    return int(np.setdiff1d(case.closable, sel).size)


def close_greedy_cover(case: _Case, cover: sparse.csr_array, selected: np.ndarray) -> np.ndarray:
    """Close open closable sites that cover nobody on their own, fewest served first, up to ``max_closures``."""
    sel = np.unique(selected)
    csc = cover.tocsc()
    served = _served(case)
    while _n_closed(case, sel) < (case.max_closures or 0):
        counts = np.asarray(csc[:, sel].sum(axis=1)).ravel()
        unique_w = csc[:, sel].T @ (case.w * (counts == 1))
        nxt = _pick_closure(case, sel, sel[unique_w <= 0], served)
        if nxt.size == sel.size:
            break
        sel = nxt
    return sel


def close_median(case: _Case, selected: np.ndarray) -> np.ndarray:
    """Close open closable sites that are the strictly nearest open site of nobody, up to ``max_closures``."""
    sel = np.unique(selected)
    pos = case.w > 0
    served = _served(case)
    while sel.size > 1 and _n_closed(case, sel) < (case.max_closures or 0):
        sub = case.dist[np.ix_(pos, sel)]
        order = np.argsort(sub, axis=1, kind="stable")
        best = np.take_along_axis(sub, order[:, :1], axis=1).ravel()
        second = np.take_along_axis(sub, order[:, 1:2], axis=1).ravel()
        nxt = _pick_closure(case, sel, np.setdiff1d(sel, sel[order[best < second, 0]]), served)
        if nxt.size == sel.size:
            break
        sel = nxt
    return sel


def close_cover_milp(
    case: _Case, cover: sparse.csr_array, selected: np.ndarray
) -> tuple[np.ndarray, str, float | None]:
    """Stage 2 of relocation for MCLP (see the module docstring); falls back to ``selected`` on solver failure."""
    m = cover.shape[1]
    k_max = case.max_closures or 0
    if case.closable.size == 0 or k_max == 0:
        return np.unique(selected), "optimal", 0.0
    by_fixed = _covered_by(cover, case.fixed)
    keep = np.flatnonzero(_covered_by(cover, np.arange(m)) & ~by_fixed & (case.w > 0))
    if keep.size == 0:  # the sites that stay open already cover all that can be covered
        return close_greedy_cover(case, cover, selected), "optimal", 0.0
    need = float(case.w[keep][_covered_by(cover, np.unique(selected))[keep]].sum())
    g, group_w = _aggregate(cover, case.w, keep)
    n_g = group_w.size
    is_new = ~np.isin(np.arange(m), case.ex)
    rows = np.concatenate([g.row, np.arange(n_g), np.full(n_g, n_g), np.full(is_new.sum(), n_g + 1)])
    rows = np.concatenate([rows, np.full(case.closable.size, n_g + 2)])
    cols = np.concatenate([g.col, m + np.arange(n_g), m + np.arange(n_g), np.flatnonzero(is_new), case.closable])
    data = np.concatenate([-np.ones(g.nnz), np.ones(n_g), group_w, np.ones(is_new.sum() + case.closable.size)])
    a = sparse.csr_array((data, (rows, cols)), shape=(n_g + 3, m + n_g))
    a_lb = np.concatenate([np.full(n_g, -np.inf), [need * (1 - 1e-9), 0.0, float(case.closable.size - k_max)]])
    a_ub = np.concatenate([np.zeros(n_g), [np.inf, float(case.p or 0), np.inf]])
    served = _served(case)
    c = np.zeros(m + n_g)
    top = float(served[case.closable].max())
    step = 0.5 / (case.closable.size + (case.p or 0) + 1)
    c[case.closable] = 1.0 - step * (served[case.closable] / top if top > 0 else 0.0)
    c[:m][is_new] = 1.0 + step
    lb = np.zeros(m + n_g)
    lb[case.fixed] = 1.0
    try:
        x, status, gap = _solve(case.remaining(), c, m, (lb, np.ones(m + n_g)), a, a_lb, a_ub)
    except OptimizationError as exc:
        logger.warning(
            "verplaatsen: geen sluitingen berekend (%s); elk bestaand punt blijft open; geef meer tijd (--time-limit)",
            exc,
        )
        return np.unique(selected), "time_limit", None
    return np.flatnonzero(x[:m] > 0.5), status, gap
