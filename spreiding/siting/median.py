"""The p-median model: minimise the weighted distance to the nearest open site, exact (HiGHS) or greedy.

Notation and example data: :mod:`spreiding.siting.models`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from spreiding._progress import progress_bar
from spreiding._validate import rows_text
from spreiding.errors import OptimizationError
from spreiding.siting._checks import Method, _Case, _nearest, _prepare, _prune_median
from spreiding.siting._solver import PMEDIAN_MAX_ASSIGN_VARS, _auto, _solve
from spreiding.siting.relocation import close_median
from spreiding.siting.result import OptimizeResult, _result

__all__ = ["greedy_p_median", "p_median"]

logger = logging.getLogger(__name__)


def p_median(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    p: int,
    *,
    existing: Sequence[int] | np.ndarray = (),
    allow_close: bool = False,
    max_closures: int | None = None,
    closable: Sequence[int] | np.ndarray | None = None,
    time_limit_s: float = 60.0,
    method: Method = "auto",
    max_dist_m: float | None = None,
    progress: bool = False,
    mip_rel_gap: float = 1e-6,
) -> OptimizeResult:
    r"""p-median: open ``p`` new sites to minimise the total weighted distance to the nearest open site.

    Assignment variables exist only for finite pairs (and, with
    ``max_dist_m``, pairs within it), so the model is sparse.

    Parameters
    ----------
    weights, dist_m, p, existing, allow_close, max_closures, closable, time_limit_s, method, progress, mip_rel_gap
        As in :func:`mclp`; with ``allow_close`` a site closes only when
        it is nobody's strictly nearest open site (nobody gets farther).
    max_dist_m
        Ignore pairs farther than this (no demand point is assigned beyond it).

    Returns
    -------
    OptimizeResult
        ``objective`` is the sum of weight x distance to the nearest open
        site (weight-metres); ``covered_weight`` is the weight that reaches an
        open site (within ``max_dist_m``).

    Raises
    ------
    OptimizationError
        On bad input, when a demand point with weight has no finite distance
        to any candidate, or when the model is infeasible (too few sites).

    Notes
    -----
    The p-median problem (Hakimi, 1964; ReVelle & Swain, 1970) in the
    notation of the module docstring, with :math:`I^+ = \{ i \in I : a_i > 0 \}` and
    :math:`J_i = \{ j \in J : d_{ij} < \infty \}` the sites that point
    :math:`i` can reach (with ``max_dist_m`` :math:`D`: :math:`d_{ij} \le D`).
    Besides :math:`x_j`, :math:`z_{ij} \in [0, 1]` for :math:`i \in I^+, j \in J_i` (point
    :math:`i` is served by site :math:`j`; at an optimum every point is
    served by its nearest open site).

    .. math::

       \begin{array}{lll}
       \text{minimise}   & \displaystyle\sum_{i \in I^+} \sum_{j \in J_i} a_i d_{ij} z_{ij} & \\
       \text{subject to} & \displaystyle\sum_{j \in J_i} z_{ij} = 1 & \forall i \in I^+ \\
                         & z_{ij} \le x_j & \forall i \in I^+, j \in J_i \\
                         & \displaystyle\sum_{j \in J} x_j \le p + |E| & \\
                         & x_j = 1 & \forall j \in E \\
                         & x_j \in \{0, 1\}, \quad 0 \le z_{ij} \le 1 & \forall i \in I^+, j \in J_i
       \end{array}

    A chosen new site that is the strictly nearest of no point is dropped
    afterwards, so :math:`p` is an upper bound. With ``allow_close=True``
    this is stage 1; then up to ``max_closures`` closable sites close that
    are the strictly nearest open site of nobody
    (:func:`spreiding.siting.relocation.close_median`).

    Examples
    --------
    On the example data of the module docstring:

    >>> import numpy as np
    >>> weights, dist_m = [100, 200, 300], np.array([[1000, 6000, 9000], [6000, 3000, 8000], [9000, 4000, 2000]])
    >>> from spreiding.siting.models import p_median

    One site: X gives 4,000,000 resident-metres, Y 100 x 6000 + 200 x 3000 +
    300 x 4000 = 2,400,000 (4 km on average), Z 3,100,000:

    >>> res = p_median(weights, dist_m, p=1)
    >>> res.selected, res.objective, res.mean_dist_m
    ((1,), 2400000.0, 4000.0)

    Two sites: {X, Y} and {X, Z} give 1,900,000, {Y, Z} 3 x 600,000:

    >>> res = p_median(weights, dist_m, p=2)
    >>> res.selected, res.objective, res.mean_dist_m
    ((1, 2), 1800000.0, 3000.0)

    X is open and may close (``allow_close=True``), one new site: X is the
    nearest site of A whichever site opens, so X stays.

    >>> res = p_median(weights, dist_m, p=1, existing=[0], allow_close=True)
    >>> res.closed, res.objective
    ((), 1900000.0)
    """
    settings = (method, time_limit_s, mip_rel_gap, max_dist_m)
    case = _prepare("p-median", weights, dist_m, p, existing, allow_close, settings, (closable, max_closures))
    finite = np.isfinite(case.dist[case.w > 0])
    lost = np.flatnonzero(~np.isfinite(case.dist).any(axis=1) & (case.w > 0))
    if lost.size:
        msg = (
            f"{lost.size} inwonerspunten (rijen {rows_text(lost)}) bereiken geen enkele locatie"
            f"{' binnen de grootste afstand die meetelt' if max_dist_m is not None else ''}; voeg daar "
            "kandidaatlocaties toe, kies maximale dekking (MCLP) of laat deze punten weg (gewicht 0)"
        )
        raise OptimizationError(msg)
    n_pairs = int(finite.sum())
    first = case.kept_open()
    if _auto(case, n_pairs, PMEDIAN_MAX_ASSIGN_VARS, 3 * n_pairs) == "greedy":
        sel, how, status, gap = _greedy_median(first, progress), "greedy", "greedy", None
    else:
        sel, status, gap = _median_milp(first)
        sel, how = _prune_median(first, sel), "milp"
    if case.allow_close:
        sel = close_median(case, sel)
    return _result(case, how, sel, None, status, gap)


def _median_milp(case: _Case) -> tuple[np.ndarray, str, float | None]:
    """Variables x_j (binary) and z_r for finite pairs r=(i, j) (continuous); rows: assign, link, cardinality."""
    m = case.dist.shape[1]
    keep = np.flatnonzero(case.w > 0)
    sub = case.dist[keep]
    pi, pj = np.nonzero(np.isfinite(sub))
    n_k, n_p = keep.size, pi.size
    logger.info("p-median: %d inwonerspunten, %d kandidaten, %d paren, p_totaal=%d", n_k, m, n_p, case.p_total)
    link = np.arange(n_p)
    rows = np.concatenate([pi, n_k + link, n_k + link, np.full(m, n_k + n_p)])
    cols = np.concatenate([m + link, m + link, pj, np.arange(m)])
    data = np.concatenate([np.ones(2 * n_p), -np.ones(n_p), np.ones(m)])
    a = sparse.csr_array((data, (rows, cols)), shape=(n_k + n_p + 1, m + n_p))
    a_lb = np.concatenate([np.ones(n_k), np.full(n_p, -np.inf), [0.0]])
    a_ub = np.concatenate([np.ones(n_k), np.zeros(n_p), [float(case.p_total)]])
    cost = case.w[keep][pi] * sub[pi, pj]
    c = np.concatenate([np.zeros(m), cost])
    lb = np.zeros(m + n_p)
    lb[case.fixed] = 1.0
    x, status, gap = _solve(case, c, m, (lb, np.ones(m + n_p)), a, a_lb, a_ub)
    return np.flatnonzero(x[:m] > 0.5), status, gap


def _greedy_median(case: _Case, progress: bool) -> np.ndarray:
    """Add the site that most lowers (unreached weight, weighted distance), compared lexicographically."""
    keep = case.w > 0
    d, wk = case.dist[keep], case.w[keep]
    m = d.shape[1]
    is_existing = np.isin(np.arange(m), case.ex)
    selected = [int(j) for j in case.fixed]
    current = _nearest(d, case.fixed)
    open_mask = np.zeros(m, dtype=bool)
    open_mask[selected] = True
    chunk = max(1, 20_000_000 // max(d.shape[0], 1))
    steps = case.p or 0
    for _ in progress_bar(range(steps), desc="greedy p-median", total=steps, progress=progress):
        unreached, total = np.empty(m), np.empty(m)
        for start in range(0, m, chunk):  # blocks of candidate columns bound the memory
            block = np.minimum(current[:, None], d[:, start : start + chunk])
            inf = np.isinf(block)
            unreached[start : start + chunk] = wk @ inf
            total[start : start + chunk] = wk @ np.where(inf, 0.0, block)
        unreached[open_mask] = np.inf
        total[open_mask] = np.inf
        cand = np.flatnonzero(unreached == unreached.min())
        ties = cand[total[cand] == total[cand].min()]
        now_inf = np.isinf(current)
        if unreached[ties[0]] >= wk @ now_inf and total[ties[0]] >= wk @ np.where(now_inf, 0.0, current):
            break  # no site improves anything
        pick = int(ties[is_existing[ties]][0]) if is_existing[ties].any() else int(ties[0])
        selected.append(pick)
        open_mask[pick] = True
        current = np.minimum(current, d[:, pick])
    if np.isinf(current).any():
        logger.warning(
            "p-median (benadering): %d inwonerspunten bereiken geen open locatie", int(np.isinf(current).sum())
        )
    return np.asarray(selected, dtype=np.int64)


def greedy_p_median(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    p: int,
    *,
    existing: Sequence[int] | np.ndarray = (),
    allow_close: bool = False,
    max_closures: int | None = None,
    closable: Sequence[int] | np.ndarray | None = None,
    max_dist_m: float | None = None,
    progress: bool = False,
) -> OptimizeResult:
    """Greedy p-median heuristic: repeatedly open the site that lowers the weighted distance most.

    Same inputs and ``p`` semantics as :func:`p_median`; stops early when no
    site improves any distance. Returns ``method="greedy"``.
    """
    return p_median(
        weights,
        dist_m,
        p,
        existing=existing,
        allow_close=allow_close,
        max_closures=max_closures,
        closable=closable,
        method="greedy",
        max_dist_m=max_dist_m,
        progress=progress,
    )
