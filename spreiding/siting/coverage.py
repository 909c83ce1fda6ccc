"""Coverage models: maximal covering (MCLP) and set cover (LSCP), exact (HiGHS) or greedy.

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
from spreiding.siting._checks import (
    Method,
    _aggregate,
    _Case,
    _check_number,
    _coverage,
    _covered_by,
    _prepare,
    _prune_cover,
)
from spreiding.siting._solver import MILP_MAX_VARS, _auto, _solve
from spreiding.siting.relocation import close_cover_milp, close_greedy_cover
from spreiding.siting.result import OptimizeResult, _result
from spreiding.vocabulary import fmt_int, fmt_pct

__all__ = ["greedy_lscp", "greedy_mclp", "lscp", "mclp"]

logger = logging.getLogger(__name__)


def mclp(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    norm_m: float,
    p: int,
    *,
    existing: Sequence[int] | np.ndarray = (),
    allow_close: bool = False,
    max_closures: int | None = None,
    closable: Sequence[int] | np.ndarray | None = None,
    time_limit_s: float = 60.0,
    method: Method = "auto",
    progress: bool = False,
    mip_rel_gap: float = 1e-6,
) -> OptimizeResult:
    r"""Maximal covering location: open ``p`` new sites to cover the most weight within ``norm_m``.

    Demand rows with the same coverage pattern are merged and rows already
    covered by fixed sites are left out, which shrinks the MILP.

    Parameters
    ----------
    weights
        Demand weight per row of ``dist_m`` (finite, ``>= 0``).
    dist_m
        ``n x m`` road distance in metres; ``np.inf`` for unreachable pairs.
    norm_m
        A demand point is covered by site ``j`` when ``dist_m[i, j] <= norm_m``.
    p
        New sites to add (an upper bound, see the module docstring).
    existing
        Columns already open.
    allow_close
        Relocation: besides the ``p`` new sites, close at most
        ``max_closures`` of the ``closable`` existing sites that the new ones
        make redundant (:mod:`spreiding.siting.relocation`).
    max_closures
        Most existing sites to close (default ``p``).
    closable
        Existing columns that may close (default all; sites across the
        region's border are left out by the caller and always stay open).
    time_limit_s
        HiGHS time limit; the best solution so far is returned with
        ``status="time_limit"``.
    method
        ``"auto"``, ``"milp"`` or ``"greedy"``.
    progress
        Show a tqdm bar for the greedy heuristic.
    mip_rel_gap
        Relative MIP gap at which HiGHS stops.

    Returns
    -------
    OptimizeResult
        ``objective`` is the covered weight.

    Raises
    ------
    OptimizationError
        On bad input (shapes, NaN, negative weights, ``p`` out of range) or
        when HiGHS finds no solution.

    Notes
    -----
    The maximal covering location problem (Church & ReVelle, 1974) as solved
    with ``method="milp"``, in the notation of the module docstring. Besides
    :math:`x_j`, :math:`y_i \in [0, 1]` is 1 when point :math:`i` is covered
    (continuous suffices: at an optimum :math:`y_i = \min(1, \sum_{j \in N_i}
    x_j)`, which is 0 or 1).

    .. math::

       \begin{array}{lll}
       \text{maximise}   & \displaystyle\sum_{i \in I} a_i y_i & \\
       \text{subject to} & y_i \le \displaystyle\sum_{j \in N_i} x_j & \forall i \in I \\
                         & \displaystyle\sum_{j \in J} x_j \le p + |E| & \\
                         & x_j = 1 & \forall j \in E \\
                         & x_j \in \{0, 1\}, \quad 0 \le y_i \le 1 & \forall i \in I, j \in J
       \end{array}

    With ``allow_close=True`` this is stage 1; stage 2 closes up to
    ``max_closures`` closable sites at the same covered weight
    (:mod:`spreiding.siting.relocation`). Points with the
    same :math:`N_i` are merged and points covered by a fixed site or by no
    site left out (the optimum is unchanged); a chosen site that covers nobody
    on its own is dropped afterwards, so :math:`p` is an upper bound.

    Examples
    --------
    On the example data of the module docstring:

    >>> import numpy as np
    >>> weights, dist_m = [100, 200, 300], np.array([[1000, 6000, 9000], [6000, 3000, 8000], [9000, 4000, 2000]])
    >>> from spreiding.siting.models import mclp

    Within 5 km X covers A, Y covers B and C, Z covers C; one site: Y (500 of 600).

    >>> res = mclp(weights, dist_m, norm_m=5000, p=1)
    >>> res.selected, res.objective, round(res.covered_share, 3)
    ((1,), 500.0, 0.833)

    Z is open and stays; a new Y adds B (200 residents), a new X only A (100):

    >>> res = mclp(weights, dist_m, norm_m=5000, p=1, existing=[2])
    >>> res.selected, res.new, res.objective
    ((1, 2), (1,), 500.0)

    Relocation (``allow_close=True``): one new site and at most one closure.
    Y covers B and C; Z, which only covers C, is then redundant and closes.

    >>> res = mclp(weights, dist_m, norm_m=5000, p=1, existing=[2], allow_close=True)
    >>> res.selected, res.new, res.closed, res.objective
    ((1,), (1,), (2,), 500.0)
    """
    settings = (method, time_limit_s, mip_rel_gap, None)
    case = _prepare("mclp", weights, dist_m, p, existing, allow_close, settings, (closable, max_closures))
    norm = _check_number(norm_m, "norm_m", allow_zero=True)
    cover = _coverage(case.dist, norm)
    first = case.kept_open()
    if _auto(case, sum(case.dist.shape), MILP_MAX_VARS, cover.nnz) == "greedy":
        sel = _greedy_cover(first, cover, None, progress)
        if case.allow_close:
            sel = close_greedy_cover(case, cover, sel)
        return _result(case, "greedy", sel, norm, "greedy", None)
    sel, status, gap = _mclp_milp(first, cover)
    sel = _prune_cover(first, cover, sel)
    if case.allow_close:
        sel, status2, _ = close_cover_milp(case, cover, sel)
        sel = _prune_cover(case, cover, sel)
        status = status if status2 == "optimal" else status2
    return _result(case, "milp", sel, norm, status, gap)


def _mclp_milp(case: _Case, cover: sparse.csr_array) -> tuple[np.ndarray, str, float | None]:
    """Variables x_j (open, binary) and y_k (group covered, continuous: y = min(1, sum x) at an optimum)."""
    n, m = cover.shape
    coverable = _covered_by(cover, np.arange(m)) & ~_covered_by(cover, case.fixed)
    keep = np.flatnonzero(coverable & (case.w > 0))
    lb = np.zeros(m)
    lb[case.fixed] = 1.0
    if keep.size == 0:
        logger.info("mclp: de vaste punten dekken al alles wat te dekken is")
        return case.fixed.copy(), "optimal", 0.0
    g, group_w = _aggregate(cover, case.w, keep)
    k = group_w.size
    logger.info("mclp: %d inwonerspunten -> %d dekkingsgroepen, %d kandidaten, p_totaal=%d", n, k, m, case.p_total)
    rows = np.concatenate([g.row, np.arange(k), np.full(m, k)])
    cols = np.concatenate([g.col, m + np.arange(k), np.arange(m)])
    data = np.concatenate([-np.ones(g.nnz), np.ones(k), np.ones(m)])
    a = sparse.csr_array((data, (rows, cols)), shape=(k + 1, m + k))
    c = np.concatenate([np.zeros(m), -group_w])
    bounds = (np.concatenate([lb, np.zeros(k)]), np.ones(m + k))
    a_lb = np.concatenate([np.full(k, -np.inf), [0.0]])
    a_ub = np.concatenate([np.zeros(k), [float(case.p_total)]])
    x, status, gap = _solve(case, c, m, bounds, a, a_lb, a_ub)
    return np.flatnonzero(x[:m] > 0.5), status, gap


def _greedy_cover(case: _Case, cover: sparse.csr_array, target_w: float | None, progress: bool) -> np.ndarray:
    """Add the site covering the most uncovered weight until ``case.p`` sites or ``target_w`` is reached.

    Ties prefer existing sites, then the lowest column; stops when no site adds coverage.
    """
    csc = cover.tocsc()
    m = cover.shape[1]
    is_existing = np.isin(np.arange(m), case.ex)
    selected = [int(j) for j in case.fixed]
    covered = _covered_by(cover, case.fixed)
    steps = case.p if case.p is not None else m - len(selected)
    open_mask = np.zeros(m, dtype=bool)
    open_mask[selected] = True
    for _ in progress_bar(range(steps), desc=f"greedy {case.model}", total=steps, progress=progress):
        if target_w is not None and float(case.w[covered].sum()) >= target_w:
            break
        gains = np.where(open_mask, -1.0, csc.T @ (case.w * ~covered))
        best = gains.max()
        if best <= 0:
            break
        ties = np.flatnonzero(gains == best)
        pick = int(ties[is_existing[ties]][0]) if is_existing[ties].any() else int(ties[0])
        selected.append(pick)
        open_mask[pick] = True
        covered |= csc[:, [pick]].toarray().ravel() > 0
    return np.asarray(selected, dtype=np.int64)


def greedy_mclp(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    norm_m: float,
    p: int,
    *,
    existing: Sequence[int] | np.ndarray = (),
    allow_close: bool = False,
    max_closures: int | None = None,
    closable: Sequence[int] | np.ndarray | None = None,
    progress: bool = False,
) -> OptimizeResult:
    """Greedy MCLP heuristic: repeatedly open the site covering the most uncovered weight.

    Same inputs and ``p`` semantics as :func:`mclp`; ties prefer existing
    sites, then the lowest column. Stops early when no site adds coverage.
    With ``allow_close`` redundant closable sites then close one at a time
    (:func:`spreiding.siting.relocation.close_greedy_cover`).
    Returns an :class:`OptimizeResult` with ``method="greedy"``.
    """
    return mclp(
        weights,
        dist_m,
        norm_m,
        p,
        existing=existing,
        allow_close=allow_close,
        max_closures=max_closures,
        closable=closable,
        method="greedy",
        progress=progress,
    )


def _lscp_target(w: np.ndarray, coverable: np.ndarray, target_share: float) -> float:
    share = float(target_share)
    if not 0 < share <= 1:
        msg = (
            f"doel {fmt_pct(100 * share)} kan niet; kies een doel boven 0 % en tot en met 100 % "
            "(--target 0.95 = 95 %; in de app: de schuif 'Doel')"
        )
        raise OptimizationError(msg)
    total = float(w.sum())
    reachable = float(w[coverable].sum())
    never = np.flatnonzero(~coverable & (w > 0))
    if never.size:
        logger.warning(
            "lscp: %d inwonerspunten (%.1f inwoners) hebben geen kandidaatlocatie binnen de norm",
            never.size,
            total - reachable,
        )
    if share == 1.0:
        return reachable  # full coverage means: everything that can be covered
    if share * total > reachable * (1 + 1e-12):
        msg = (
            f"het doel {fmt_pct(100 * share)} vraagt {fmt_int(share * total)} inwoners binnen de norm, maar "
            f"{fmt_int(reachable)} ({fmt_pct(100 * reachable / total)}) hebben een locatie binnen de norm "
            f"(rijen {rows_text(never)} nooit); kies een doel van hoogstens {fmt_pct(100 * reachable / total)} "
            "(--target; in de app: de schuif 'Doel'), voeg daar kandidaatlocaties toe of verruim de norm"
        )
        raise OptimizationError(msg)
    return share * total


def lscp(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    norm_m: float,
    *,
    target_share: float = 1.0,
    existing: Sequence[int] | np.ndarray = (),
    allow_close: bool = False,
    max_closures: int | None = None,
    closable: Sequence[int] | np.ndarray | None = None,
    time_limit_s: float = 60.0,
    method: Method = "auto",
    progress: bool = False,
    mip_rel_gap: float = 1e-6,
) -> OptimizeResult:
    r"""Location set cover: the fewest sites that cover ``target_share`` of the weight within ``norm_m``.

    Existing sites stay open and count in the objective; with
    ``allow_close`` only those not ``closable`` (across the border) do, and
    the model finds the fewest open sites in all: closable existing sites
    are kept where they help, and a new site is opened only when it saves
    one. Demand rows with no
    candidate within ``norm_m`` can never be covered; they are logged. With
    ``target_share=1`` the target is all *coverable* weight; with a smaller
    share it is ``target_share x total weight``, and an
    :class:`~spreiding.errors.OptimizationError` is raised when that exceeds
    the coverable weight.

    Parameters
    ----------
    weights, dist_m, norm_m, existing, time_limit_s, method, progress, mip_rel_gap
        As in :func:`mclp`.
    target_share
        Share of the total weight to cover, in ``(0, 1]``.
    allow_close, closable
        Let the ``closable`` existing sites (default all) close.
    max_closures
        With ``allow_close``: most closures (default no limit).

    Returns
    -------
    OptimizeResult
        ``objective`` is the number of open sites (existing + new).

    Raises
    ------
    OptimizationError
        On bad input, when ``target_share`` exceeds the share that any sites
        can cover, or when HiGHS finds no solution.

    Notes
    -----
    The location set covering problem (Toregas et al., 1971), with the
    notation of the module docstring, :math:`y_i` as in :func:`mclp`,
    :math:`\tau` the target share
    (``target_share``) and :math:`C = \{ i \in I : N_i \neq \emptyset \}` the
    points that some site can cover:

    .. math::

       \begin{array}{lll}
       \text{minimise}   & \displaystyle\sum_{j \in J} x_j & \\
       \text{subject to} & y_i \le \displaystyle\sum_{j \in N_i} x_j & \forall i \in C \\
                         & \displaystyle\sum_{i \in C} a_i y_i \ge \tau \sum_{i \in I} a_i & \text{if } \tau < 1 \\
                         & y_i = 1 & \forall i \in C, \text{ if } \tau = 1 \\
                         & x_j = 1 & \forall j \in E \\
                         & x_j \in \{0, 1\}, \quad 0 \le y_i \le 1 & \forall i \in C, j \in J
       \end{array}

    With :math:`\tau = 1` this is the classic :math:`\sum_{j \in N_i} x_j \ge 1`
    for every coverable point; with :math:`\tau < 1` a partial cover (met up
    to a relative :math:`10^{-9}`). Existing sites stay open and count in the
    objective. Points are merged and left out as in :func:`mclp`.

    With ``allow_close=True`` the row :math:`x_j = 1` holds only for
    :math:`j \in E \setminus C` (:math:`C` the closable sites) and, with
    ``max_closures`` :math:`k`, :math:`\sum_{j \in C} x_j \ge |C| - k`;
    a second solve keeps that number of sites, :math:`\sum_j x_j \le N_1`,
    and minimises the new ones, :math:`\sum_{j \notin E} x_j` (so the most
    existing sites are kept; two short solves are much faster than one with
    a weighted tie-break).

    Examples
    --------
    On the example data of the module docstring:

    >>> import numpy as np
    >>> weights, dist_m = [100, 200, 300], np.array([[1000, 6000, 9000], [6000, 3000, 8000], [9000, 4000, 2000]])
    >>> from spreiding.siting.models import lscp

    Everyone within 5 km: X (the only site near A) and Y (the only one near B).

    >>> res = lscp(weights, dist_m, norm_m=5000)
    >>> res.selected, res.objective
    ((0, 1), 2.0)

    For 80 % of the residents Y alone is enough (500 of 600):

    >>> res = lscp(weights, dist_m, norm_m=5000, target_share=0.8)
    >>> res.selected, res.objective, round(res.covered_share, 3)
    ((1,), 1.0, 0.833)

    An existing Z stays open and counts; full cover still needs X and Y:

    >>> res = lscp(weights, dist_m, norm_m=5000, existing=[2])
    >>> res.selected, res.new, res.objective
    ((0, 1, 2), (0, 1), 3.0)

    When Z may close it does: X and Y alone cover everyone.

    >>> res = lscp(weights, dist_m, norm_m=5000, existing=[2], allow_close=True)
    >>> res.selected, res.closed, res.objective
    ((0, 1), (2,), 2.0)
    """
    settings = (method, time_limit_s, mip_rel_gap, None)
    case = _prepare("lscp", weights, dist_m, None, existing, allow_close, settings, (closable, max_closures))
    norm = _check_number(norm_m, "norm_m", allow_zero=True)
    cover = _coverage(case.dist, norm)
    coverable = _covered_by(cover, np.arange(cover.shape[1]))
    target = _lscp_target(case.w, coverable, target_share)
    if _auto(case, sum(case.dist.shape), MILP_MAX_VARS, cover.nnz) == "greedy":
        sel = _greedy_cover(case, cover, target * (1 - 1e-12), progress)
        return _result(case, "greedy", _reopen(case, sel), norm, "greedy", None)
    sel, status, gap = _lscp_milp(case, cover, coverable, target)
    return _result(case, "milp", sel, norm, status, gap)


def _lscp_milp(
    case: _Case, cover: sparse.csr_array, coverable: np.ndarray, target: float
) -> tuple[np.ndarray, str, float | None]:
    """Min sum x s.t. y_k <= sum_j a_kj x_j and sum_k w_k y_k >= need; full cover fixes every y_k at 1."""
    m = cover.shape[1]
    by_fixed = _covered_by(cover, case.fixed)
    keep = np.flatnonzero(coverable & ~by_fixed & (case.w > 0))
    need = target - float(case.w[by_fixed].sum())
    if keep.size == 0 or need <= 0:
        return _reopen(case, case.fixed.copy()), "optimal", 0.0
    g, group_w = _aggregate(cover, case.w, keep)
    k = group_w.size
    full = need >= float(group_w.sum()) * (1 - 1e-12)
    n_c = case.closable.size
    rows = np.concatenate([g.row, np.arange(k), np.full(k, k), np.full(n_c, k + 1)])
    cols = np.concatenate([g.col, m + np.arange(k), m + np.arange(k), case.closable])
    data = np.concatenate([-np.ones(g.nnz), np.ones(k), group_w, np.ones(n_c)])
    a = sparse.csr_array((data, (rows, cols)), shape=(k + 2, m + k))
    lb = np.zeros(m + k)
    lb[case.fixed] = 1.0
    lb[m:] = 1.0 if full else 0.0
    most = n_c if case.max_closures is None else case.max_closures
    a_lb = np.concatenate([np.full(k, -np.inf), [0.0 if full else need * (1 - 1e-9), float(n_c - most)]])
    a_ub = np.concatenate([np.zeros(k), [np.inf, np.inf]])
    c = np.concatenate([np.ones(m), np.zeros(k)])
    bounds = (lb, np.ones(m + k))
    x, status, gap = _solve(case, c, m, bounds, a, a_lb, a_ub)
    sel = np.flatnonzero(x[:m] > 0.5)
    if not case.allow_close:
        return sel, status, gap
    # second stage: at that number of sites, the fewest new ones (the most existing sites kept)
    a2 = sparse.vstack([a, sparse.csr_array(np.concatenate([np.ones(m), np.zeros(k)])[None, :])]).tocsr()
    c2 = np.concatenate([(~np.isin(np.arange(m), case.ex)).astype(float), np.zeros(k)])
    try:
        x2, status2, _ = _solve(
            case.remaining(), c2, m, bounds, a2, np.append(a_lb, 0.0), np.append(a_ub, float(sel.size))
        )
    except OptimizationError as exc:
        logger.warning(
            "lscp: de tweede stap (zoveel mogelijk bestaande punten houden) lukte niet (%s); de uitkomst van de eerste "
            "stap blijft",
            exc,
        )
        return sel, status, gap
    return np.flatnonzero(x2[:m] > 0.5), status if status2 == "optimal" else status2, gap


def _reopen(case: _Case, selected: np.ndarray) -> np.ndarray:
    """Keep closures within ``max_closures``: reopen the closed closable sites that serve the most."""
    closed = np.setdiff1d(case.closable, selected)
    extra = closed.size - (closed.size if case.max_closures is None else case.max_closures)
    if extra <= 0:
        return np.unique(selected)
    sub = case.dist[:, closed]
    best = np.argmin(sub, axis=1)
    reach = np.isfinite(sub[np.arange(sub.shape[0]), best])
    served = np.bincount(best[reach], weights=case.w[reach], minlength=closed.size)
    return np.union1d(selected, closed[np.argsort(-served, kind="stable")[:extra]])


def greedy_lscp(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    norm_m: float,
    *,
    target_share: float = 1.0,
    existing: Sequence[int] | np.ndarray = (),
    allow_close: bool = False,
    max_closures: int | None = None,
    closable: Sequence[int] | np.ndarray | None = None,
    progress: bool = False,
) -> OptimizeResult:
    """Greedy set cover: add the site covering the most uncovered weight until the target is met.

    Same inputs as :func:`lscp` (ties prefer existing sites); returns ``method="greedy"``.
    """
    return lscp(
        weights,
        dist_m,
        norm_m,
        target_share=target_share,
        existing=existing,
        allow_close=allow_close,
        max_closures=max_closures,
        closable=closable,
        method="greedy",
        progress=progress,
    )
