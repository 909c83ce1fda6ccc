"""One definition of each measure: covered, reachable, and the person-weighted statistics.

Every part of the package that asks "is this resident covered?" or "what is
the mean distance?" (coverage tables, scenarios, closure impact, site
suggestions, optimisation) calls this module:

- **covered**: one counted service point meets *every* limit of the norm
  (:func:`is_covered` for a point–site pair, :func:`covered_by_one` over
  sites). With a single limit this is the nearest point's distance or time.
- **reachable**: a finite shortest distance to a counted service point. A
  point beyond a matrix cut-off is not unreachable: producers complete such
  rows with an exact search first.
- **mean / median / p90 distance**: person-weighted over reachable residents;
  unreachable residents are counted apart, never as 0 and never as ``inf``.
"""

from __future__ import annotations

import numpy as np

from spreiding.analysis.norm import Norm

__all__ = [
    "covered_by_one",
    "group_stats",
    "is_covered",
    "mean_distance",
    "reachable",
    "weighted_quantiles",
]


def is_covered(norm: Norm, dist_m: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """Whether a distance/time pair (to ONE service point) meets every limit of ``norm``.

    Works elementwise on arrays of any shape (a vector of nearest values, or a
    points × sites block).

    Examples
    --------
    >>> n = Norm(name="x", mode="car", max_dist_m=5000.0, max_time_s=600.0)
    >>> is_covered(n, np.array([4000.0, 4000.0, 6000.0]), np.array([500.0, 700.0, 500.0])).tolist()
    [True, False, False]
    """
    d = np.asarray(dist_m)  # float32 matrix blocks are compared as they are (no float64 copy)
    ok = np.ones(d.shape, bool)
    if norm.max_dist_m is not None:
        ok &= d <= norm.max_dist_m
    if norm.max_time_s is not None:
        ok &= np.asarray(time_s) <= norm.max_time_s
    return ok


def covered_by_one(norm: Norm, dist_m: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """Per row of a points × sites block: does one site meet every limit?

    Examples
    --------
    >>> n = Norm(name="x", mode="car", max_dist_m=5000.0, max_time_s=600.0)
    >>> d = np.array([[4000.0, 9000.0], [4000.0, 4500.0]])
    >>> t = np.array([[700.0, 300.0], [700.0, 550.0]])
    >>> covered_by_one(n, d, t).tolist()  # row 0: each limit met, but by different sites
    [False, True]
    """
    if np.ndim(dist_m) != 2 or np.shape(dist_m)[1] == 0:
        return np.zeros(np.shape(dist_m)[0], bool)
    return np.asarray(is_covered(norm, dist_m, time_s).any(axis=1), dtype=bool)


def reachable(dist_m: np.ndarray) -> np.ndarray:
    """Whether a shortest distance is finite (a path exists)."""
    return np.isfinite(np.asarray(dist_m, dtype=float))


def mean_distance(sum_weighted_m: np.ndarray | float, reachable_weight: np.ndarray | float) -> np.ndarray:
    """Person-weighted mean distance from its two sums over reachable residents (``nan`` without any).

    Examples
    --------
    >>> float(mean_distance(3000.0, 2.0))
    1500.0
    >>> bool(np.isnan(mean_distance(0.0, 0.0)))
    True
    """
    s = np.asarray(sum_weighted_m, dtype=float)
    w = np.asarray(reachable_weight, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(w > 0, s / np.where(w > 0, w, 1.0), np.nan)


def weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, groups: np.ndarray, n_groups: int, q: float
) -> np.ndarray:
    """Weighted ``q``-quantile of ``values`` per group, vectorised.

    The quantile is the smallest value whose cumulative weight reaches
    ``q`` of the group's weight (``inf`` values count, so a p90 is ``inf``
    when more than 10 % cannot reach a service point). Groups without
    weight get ``nan``.

    Examples
    --------
    >>> weighted_quantiles(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 2.0]), np.zeros(3, int), 1, 0.5).tolist()
    [2.0]
    """
    return _quantiles(values, weights, groups, n_groups, (q,))[0]


def _quantiles(
    values: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    qs: tuple[float, ...],
    value_order: np.ndarray | None = None,
) -> list[np.ndarray]:
    """:func:`weighted_quantiles` for several ``qs`` with one sort (``value_order``: a stable argsort of ``values``)."""
    order = np.argsort(values, kind="stable") if value_order is None else value_order
    if n_groups > 1:  # then stably by group: the order of np.lexsort((values, groups))
        small = np.min_scalar_type(int(n_groups) - 1)  # few groups: a radix sort
        order = order[np.argsort(np.asarray(groups)[order].astype(small), kind="stable")]
    v, w, g = values[order], weights[order], groups[order]
    cum = np.cumsum(w)
    totals = np.bincount(g, weights=w, minlength=n_groups)
    before = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    result = []
    for q in qs:
        target = before + q * totals
        idx = np.searchsorted(cum, target - 1e-9 * np.maximum(totals, 1.0), side="left")
        idx = np.clip(idx, 0, max(len(v) - 1, 0))
        out = v[idx] if len(v) else np.full(n_groups, np.nan)
        result.append(np.where(totals > 0, out, np.nan))
    return result


def group_stats(
    dist_m: np.ndarray,
    time_s: np.ndarray,
    weight: np.ndarray,
    covered: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    value_order: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Residents, covered, uncovered, unreachable and mean/median/p90 distance and mean time per group.

    Parameters
    ----------
    dist_m, time_s
        Shortest distance and time per point (``inf``: unreachable).
    weight
        Residents per point.
    covered
        Coverage per point (from :func:`is_covered` / :func:`covered_by_one`).
    groups, n_groups
        Group code per point (0 .. n_groups-1).
    value_order
        ``np.argsort(dist_m, kind="stable")`` when already known (one sort for several calls).
    """
    finite = reachable(dist_m)
    wf = np.where(finite, weight, 0.0)
    residents = np.bincount(groups, weights=weight, minlength=n_groups)
    reach_w = np.bincount(groups, weights=wf, minlength=n_groups)
    cov = np.bincount(groups, weights=np.where(covered, weight, 0.0), minlength=n_groups)
    sum_d = np.bincount(groups, weights=np.where(finite, dist_m, 0.0) * wf, minlength=n_groups)
    tfin = reachable(time_s)
    tw = np.where(tfin, weight, 0.0)
    sum_t = np.bincount(groups, weights=np.where(tfin, time_s, 0.0) * tw, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100.0 * cov / residents
    median, p90 = _quantiles(
        np.asarray(dist_m, dtype=float), np.asarray(weight, dtype=float), groups, n_groups, (0.5, 0.9), value_order
    )
    return {
        "residents": residents,
        "covered": cov,
        "covered_pct": pct,
        "uncovered": residents - cov,
        "unreachable": residents - reach_w,
        "mean_dist_m": mean_distance(sum_d, reach_w),
        "median_dist_m": median,
        "p90_dist_m": p90,
        "mean_time_s": mean_distance(sum_t, np.bincount(groups, weights=tw, minlength=n_groups)),
    }
