r"""Location optimisation: maximal coverage (MCLP), set cover (LSCP) and p-median.

Arrays in, a frozen :class:`OptimizeResult` out. Callers (scenario code, the
app) wrap the results with GeoDataFrames; this module knows nothing about
geometry.

Inputs shared by all models: ``weights`` (``n`` demand weights, residents,
possibly age-weighted, finite and ``>= 0``); ``dist_m`` (``n x m`` distance
over the road from demand point ``i`` to candidate site ``j`` in metres,
``np.inf`` where beyond the search cut-off or unreachable; NaN is refused);
``existing`` (column indices of sites that are already open).

Meaning of ``p``
----------------
With ``allow_close=False`` (the default) the existing sites stay open and
``p`` is the number of **new** sites to add. With ``allow_close=True`` the
existing sites are ordinary candidates (preferred on ties) and ``p`` is the
**total** number of open sites; existing sites that are not chosen are
reported in ``closed``. ``p`` is an upper bound: a new site that adds nothing
(covers nobody more, brings nobody closer) is not opened, so fewer than ``p``
sites may be returned.

Methods
-------
``"milp"`` builds the model with :func:`scipy.optimize.milp` (HiGHS) from
sparse matrices; ``"greedy"`` adds the best site one at a time (a heuristic,
labelled ``method="greedy"``, ``status="greedy"``); ``"auto"`` uses the MILP
while the model is below a size threshold and greedy above it.

Notation
--------
The formulations in :func:`mclp`, :func:`lscp` and :func:`p_median` use:
:math:`I` demand points (rows of ``dist_m``), weight :math:`a_i \ge 0`;
:math:`J` candidate sites (columns), :math:`E \subseteq J` the existing ones;
:math:`d_{ij}` the distance, :math:`S` the norm (``norm_m``) and
:math:`N_i = \{ j \in J : d_{ij} \le S \}` the sites that cover :math:`i`;
:math:`x_j \in \{0, 1\}` is 1 when site :math:`j` is open.

Example data
------------
The examples use three villages A, B and C (100, 200 and 300 residents) and
three candidate sites X, Y and Z (columns 0, 1, 2), distances in metres::

             X      Y      Z
    A     1000   6000   9000
    B     6000   3000   8000
    C     9000   4000   2000
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from spreiding._progress import progress_bar
from spreiding._validate import rows_text
from spreiding.analysis.measures import mean_distance
from spreiding.errors import OptimizationError
from spreiding.siting._checks import (
    Method,
    _aggregate,
    _Case,
    _check_number,
    _coverage,
    _covered_by,
    _nearest,
    _prepare,
    _prune_cover,
    _prune_median,
)

__all__ = [
    "MILP_MAX_NONZEROS",
    "MILP_MAX_VARS",
    "PMEDIAN_MAX_ASSIGN_VARS",
    "OptimizeResult",
    "greedy_lscp",
    "greedy_mclp",
    "greedy_p_median",
    "lscp",
    "mclp",
    "p_median",
]

logger = logging.getLogger(__name__)


#: ``method="auto"`` solves MCLP/LSCP exactly up to this many variables ...
MILP_MAX_VARS = 1_000_000
#: ... and this many non-zeros in the coverage matrix.
MILP_MAX_NONZEROS = 20_000_000
#: ``method="auto"`` solves p-median exactly up to this many assignment variables.
PMEDIAN_MAX_ASSIGN_VARS = 2_000_000


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


# --------------------------------------------------------------------------- checks


def _auto(case: _Case, size: int, limit: int, nnz: int) -> str:
    """Resolve ``method="auto"``: the MILP up to ``limit`` variables and MILP_MAX_NONZEROS non-zeros."""
    if case.method != "auto":
        return case.method
    if size <= limit and nnz <= MILP_MAX_NONZEROS:
        return "milp"
    logger.info("%s model has %d variables, %d non-zeros; using the greedy heuristic", case.model, size, nnz)
    return "greedy"


# --------------------------------------------------------------------------- results


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


# --------------------------------------------------------------------------- shared pieces


def _solve(
    case: _Case,
    c: np.ndarray,
    n_int: int,
    bounds: tuple[np.ndarray, np.ndarray],
    a: sparse.csr_array,
    a_lb: np.ndarray,
    a_ub: np.ndarray,
) -> tuple[np.ndarray, str, float | None]:
    """Run HiGHS (the first ``n_int`` variables binary); return (x, status, gap) or raise OptimizationError."""
    res = milp(
        c=c,
        integrality=np.concatenate([np.ones(n_int), np.zeros(c.size - n_int)]),
        bounds=Bounds(*bounds),
        constraints=LinearConstraint(a, a_lb, a_ub),
        options={"time_limit": case.time_limit_s, "mip_rel_gap": case.mip_rel_gap, "disp": False},
    )
    gap = getattr(res, "mip_gap", None)
    gap_f = float(gap) if gap is not None and np.isfinite(gap) else None
    if res.x is None:
        if res.status == 2:
            msg = f"the {case.model} model is infeasible; allow more sites (raise p) or add candidates"
        elif res.status == 1:
            msg = f"HiGHS found no {case.model} solution within {case.time_limit_s} s; raise time_limit_s or use greedy"
        else:
            msg = f"HiGHS failed on the {case.model} model (status {res.status}: {res.message}); try method='greedy'"
        raise OptimizationError(msg)
    status = "optimal" if res.status == 0 else "time_limit"
    if status == "time_limit":
        logger.warning("%s stopped at the time limit (%.1f s); MIP gap %s", case.model, case.time_limit_s, gap_f)
    return np.asarray(res.x), status, gap_f


# --------------------------------------------------------------------------- MCLP


def mclp(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    norm_m: float,
    p: int,
    *,
    existing: Sequence[int] | np.ndarray = (),
    allow_close: bool = False,
    time_limit_s: float = 60.0,
    method: Method = "auto",
    progress: bool = False,
    mip_rel_gap: float = 1e-6,
) -> OptimizeResult:
    r"""Maximal covering location: open ``p`` sites to cover the most weight within ``norm_m``.

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
        New sites to add (``allow_close=False``) or total open sites
        (``allow_close=True``); an upper bound, see the module docstring.
    existing
        Columns already open.
    allow_close
        Let the model close existing sites (then ``p`` counts all open sites).
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

    With ``allow_close=True`` the row :math:`x_j = 1, j \in E` is dropped, the
    cardinality row reads :math:`\sum_j x_j \le p`, and the objective gains
    :math:`\varepsilon \sum_{j \in E} x_j`, :math:`\varepsilon = 10^{-9}
    \sum_i a_i / |E|`: an existing site stays open on a tie. Points with the
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

    ``allow_close=True``, two sites in all: X and Y cover everyone, so Z closes.

    >>> res = mclp(weights, dist_m, norm_m=5000, p=2, existing=[2], allow_close=True)
    >>> res.selected, res.closed, res.objective
    ((0, 1), (2,), 600.0)
    """
    case = _prepare("mclp", weights, dist_m, p, existing, allow_close, (method, time_limit_s, mip_rel_gap, None))
    norm = _check_number(norm_m, "norm_m", allow_zero=True)
    cover = _coverage(case.dist, norm)
    if _auto(case, sum(case.dist.shape), MILP_MAX_VARS, cover.nnz) == "greedy":
        return _result(case, "greedy", _greedy_cover(case, cover, None, progress), norm, "greedy", None)
    sel, status, gap = _mclp_milp(case, cover)
    return _result(case, "milp", _prune_cover(case, cover, sel), norm, status, gap)


def _mclp_milp(case: _Case, cover: sparse.csr_array) -> tuple[np.ndarray, str, float | None]:
    """Variables x_j (open, binary) and y_k (group covered, continuous: y = min(1, sum x) at an optimum)."""
    n, m = cover.shape
    coverable = _covered_by(cover, np.arange(m)) & ~_covered_by(cover, case.fixed)
    keep = np.flatnonzero(coverable & (case.w > 0))
    lb = np.zeros(m)
    lb[case.fixed] = 1.0
    if keep.size == 0:
        logger.info("mclp: nothing left to cover beyond the fixed sites")
        return case.fixed.copy(), "optimal", 0.0
    g, group_w = _aggregate(cover, case.w, keep)
    k = group_w.size
    logger.info("mclp: %d demand rows -> %d coverage groups, %d candidates, p_total=%d", n, k, m, case.p_total)
    rows = np.concatenate([g.row, np.arange(k), np.full(m, k)])
    cols = np.concatenate([g.col, m + np.arange(k), np.arange(m)])
    data = np.concatenate([-np.ones(g.nnz), np.ones(k), np.ones(m)])
    a = sparse.csr_array((data, (rows, cols)), shape=(k + 1, m + k))
    c = np.concatenate([np.zeros(m), -group_w])
    if case.allow_close and case.ex.size:
        c[case.ex] = -1e-9 * float(group_w.sum()) / case.ex.size  # tie-break: keep existing sites open
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
    progress: bool = False,
) -> OptimizeResult:
    """Greedy MCLP heuristic: repeatedly open the site covering the most uncovered weight.

    Same inputs and ``p`` semantics as :func:`mclp`; ties prefer existing
    sites, then the lowest column. Stops early when no site adds coverage.
    Returns an :class:`OptimizeResult` with ``method="greedy"``.
    """
    return mclp(
        weights, dist_m, norm_m, p, existing=existing, allow_close=allow_close, method="greedy", progress=progress
    )


# --------------------------------------------------------------------------- LSCP


def _lscp_target(w: np.ndarray, coverable: np.ndarray, target_share: float) -> float:
    share = float(target_share)
    if not 0 < share <= 1:
        msg = f"target_share must be in (0, 1], got {target_share!r}"
        raise OptimizationError(msg)
    total = float(w.sum())
    reachable = float(w[coverable].sum())
    never = np.flatnonzero(~coverable & (w > 0))
    if never.size:
        logger.warning(
            "lscp: %d demand rows (weight %.1f) have no candidate within the norm", never.size, total - reachable
        )
    if share == 1.0:
        return reachable  # full coverage means: everything that can be covered
    if share * total > reachable * (1 + 1e-12):
        msg = (
            f"target_share={share:.4f} needs weight {share * total:.1f} covered but only {reachable:.1f} "
            f"({reachable / total:.4f} of the total) has a candidate within the norm (rows {rows_text(never)} never "
            f"do); lower target_share to <= {reachable / total:.4f}, add candidate sites there or raise the norm"
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
    time_limit_s: float = 60.0,
    method: Method = "auto",
    progress: bool = False,
    mip_rel_gap: float = 1e-6,
) -> OptimizeResult:
    r"""Location set cover: the fewest sites that cover ``target_share`` of the weight within ``norm_m``.

    Existing sites stay open and count in the objective. Demand rows with no
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
    """
    case = _prepare("lscp", weights, dist_m, None, existing, False, (method, time_limit_s, mip_rel_gap, None))
    norm = _check_number(norm_m, "norm_m", allow_zero=True)
    cover = _coverage(case.dist, norm)
    coverable = _covered_by(cover, np.arange(cover.shape[1]))
    target = _lscp_target(case.w, coverable, target_share)
    if _auto(case, sum(case.dist.shape), MILP_MAX_VARS, cover.nnz) == "greedy":
        sel = _greedy_cover(case, cover, target * (1 - 1e-12), progress)
        return _result(case, "greedy", sel, norm, "greedy", None)
    sel, status, gap = _lscp_milp(case, cover, coverable, target)
    return _result(case, "milp", sel, norm, status, gap)


def _lscp_milp(
    case: _Case, cover: sparse.csr_array, coverable: np.ndarray, target: float
) -> tuple[np.ndarray, str, float | None]:
    """Min sum x s.t. y_k <= sum_j a_kj x_j and sum_k w_k y_k >= need; full cover fixes every y_k at 1."""
    m = cover.shape[1]
    by_existing = _covered_by(cover, case.ex)
    keep = np.flatnonzero(coverable & ~by_existing & (case.w > 0))
    need = target - float(case.w[by_existing].sum())
    if keep.size == 0 or need <= 0:
        return case.ex.copy(), "optimal", 0.0
    g, group_w = _aggregate(cover, case.w, keep)
    k = group_w.size
    full = need >= float(group_w.sum()) * (1 - 1e-12)
    rows = np.concatenate([g.row, np.arange(k), np.full(k, k)])
    cols = np.concatenate([g.col, m + np.arange(k), m + np.arange(k)])
    data = np.concatenate([-np.ones(g.nnz), np.ones(k), group_w])
    a = sparse.csr_array((data, (rows, cols)), shape=(k + 1, m + k))
    lb = np.zeros(m + k)
    lb[case.ex] = 1.0
    lb[m:] = 1.0 if full else 0.0
    a_lb = np.concatenate([np.full(k, -np.inf), [0.0 if full else need * (1 - 1e-9)]])
    a_ub = np.concatenate([np.zeros(k), [np.inf]])
    c = np.concatenate([np.ones(m), np.zeros(k)])
    x, status, gap = _solve(case, c, m, (lb, np.ones(m + k)), a, a_lb, a_ub)
    return np.flatnonzero(x[:m] > 0.5), status, gap


def greedy_lscp(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    norm_m: float,
    *,
    target_share: float = 1.0,
    existing: Sequence[int] | np.ndarray = (),
    progress: bool = False,
) -> OptimizeResult:
    """Greedy set cover: add the site covering the most uncovered weight until the target is met.

    Same inputs as :func:`lscp`; returns ``method="greedy"``.
    """
    return lscp(
        weights, dist_m, norm_m, target_share=target_share, existing=existing, method="greedy", progress=progress
    )


# --------------------------------------------------------------------------- p-median


def p_median(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    p: int,
    *,
    existing: Sequence[int] | np.ndarray = (),
    allow_close: bool = False,
    time_limit_s: float = 60.0,
    method: Method = "auto",
    max_dist_m: float | None = None,
    progress: bool = False,
    mip_rel_gap: float = 1e-6,
) -> OptimizeResult:
    r"""p-median: open ``p`` sites to minimise the total weighted distance to the nearest open site.

    Assignment variables exist only for finite pairs (and, with
    ``max_dist_m``, pairs within it), so the model is sparse.

    Parameters
    ----------
    weights, dist_m, p, existing, allow_close, time_limit_s, method, progress, mip_rel_gap
        As in :func:`mclp`.
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

    With ``allow_close=True`` the row :math:`x_j = 1, j \in E` is dropped, the
    cardinality row reads :math:`\sum_j x_j \le p`, and the objective gains
    :math:`-\varepsilon \sum_{j \in E} x_j`, :math:`\varepsilon = 10^{-9}
    \max(1, \sum a_i d_{ij}) / |E|`: an existing site stays open on a tie. A
    chosen site that is the strictly nearest of no point is dropped
    afterwards, so :math:`p` is an upper bound.

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

    X is open; ``allow_close=True`` with one site in all: X closes for Y.

    >>> res = p_median(weights, dist_m, p=1, existing=[0], allow_close=True)
    >>> res.selected, res.closed, res.objective
    ((1,), (0,), 2400000.0)
    """
    settings = (method, time_limit_s, mip_rel_gap, max_dist_m)
    case = _prepare("p-median", weights, dist_m, p, existing, allow_close, settings)
    finite = np.isfinite(case.dist[case.w > 0])
    lost = np.flatnonzero(~np.isfinite(case.dist).any(axis=1) & (case.w > 0))
    if lost.size:
        msg = (
            f"{lost.size} demand points with weight (rows {rows_text(lost)}) have no finite distance to any candidate"
            f"{' within max_dist_m' if max_dist_m is not None else ''}; raise the search cut-off / max_dist_m, "
            "add candidates near them, or drop them (weight 0)"
        )
        raise OptimizationError(msg)
    n_pairs = int(finite.sum())
    if _auto(case, n_pairs, PMEDIAN_MAX_ASSIGN_VARS, 3 * n_pairs) == "greedy":
        return _result(case, "greedy", _greedy_median(case, progress), None, "greedy", None)
    sel, status, gap = _median_milp(case)
    return _result(case, "milp", _prune_median(case, sel), None, status, gap)


def _median_milp(case: _Case) -> tuple[np.ndarray, str, float | None]:
    """Variables x_j (binary) and z_r for finite pairs r=(i, j) (continuous); rows: assign, link, cardinality."""
    m = case.dist.shape[1]
    keep = np.flatnonzero(case.w > 0)
    sub = case.dist[keep]
    pi, pj = np.nonzero(np.isfinite(sub))
    n_k, n_p = keep.size, pi.size
    logger.info("p-median: %d demand rows, %d candidates, %d pairs, p_total=%d", n_k, m, n_p, case.p_total)
    link = np.arange(n_p)
    rows = np.concatenate([pi, n_k + link, n_k + link, np.full(m, n_k + n_p)])
    cols = np.concatenate([m + link, m + link, pj, np.arange(m)])
    data = np.concatenate([np.ones(2 * n_p), -np.ones(n_p), np.ones(m)])
    a = sparse.csr_array((data, (rows, cols)), shape=(n_k + n_p + 1, m + n_p))
    a_lb = np.concatenate([np.ones(n_k), np.full(n_p, -np.inf), [0.0]])
    a_ub = np.concatenate([np.ones(n_k), np.zeros(n_p), [float(case.p_total)]])
    cost = case.w[keep][pi] * sub[pi, pj]
    c = np.concatenate([np.zeros(m), cost])
    if case.allow_close and case.ex.size:
        c[case.ex] = -1e-9 * max(float(cost.sum()), 1.0) / case.ex.size  # tie-break: keep existing sites open
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
        logger.warning("greedy p-median: %d weighted demand rows reach no open site", int(np.isinf(current).sum()))
    return np.asarray(selected, dtype=np.int64)


def greedy_p_median(
    weights: Sequence[float] | np.ndarray,
    dist_m: np.ndarray,
    p: int,
    *,
    existing: Sequence[int] | np.ndarray = (),
    allow_close: bool = False,
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
        method="greedy",
        max_dist_m=max_dist_m,
        progress=progress,
    )
