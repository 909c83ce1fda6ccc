"""Input checks and shared array pieces of the location models (:mod:`spreiding.siting.models`)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import sparse

from spreiding._validate import rows_text
from spreiding.errors import OptimizationError

__all__ = ["Method"]

Method = Literal["auto", "milp", "greedy"]

_METHODS = ("auto", "milp", "greedy")
_FIX_SHAPES = "pass weights of length n and dist_m of shape (n, m)"


@dataclass(frozen=True)
class _Case:
    """One checked problem: arrays, fixed sites and solver settings."""

    model: str
    w: np.ndarray
    dist: np.ndarray
    ex: np.ndarray
    p: int | None
    allow_close: bool
    method: str
    time_limit_s: float
    mip_rel_gap: float
    started: float

    @property
    def fixed(self) -> np.ndarray:
        """Columns that must stay open."""
        return np.empty(0, np.int64) if self.allow_close else self.ex

    @property
    def p_total(self) -> int:
        """Upper bound on the number of open sites."""
        p = self.p or 0
        return p if self.allow_close else p + self.ex.size


def _check_arrays(weights: Any, dist_m: Any) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(weights, dtype=float)
    d = np.asarray(dist_m, dtype=float)
    if w.ndim != 1 or d.ndim != 2 or d.shape[0] != w.shape[0]:
        msg = f"weights has shape {w.shape} and dist_m {d.shape}; {_FIX_SHAPES}"
        raise OptimizationError(msg)
    if w.size == 0 or d.shape[1] == 0:
        msg = (
            f"niets te optimaliseren: {w.size} inwonerspunten en {d.shape[1]} kandidaatlocaties; "
            "geef van beide minstens één"
        )
        raise OptimizationError(msg)
    bad_w = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad_w.size:
        msg = (
            f"weights must be finite and >= 0; rows {rows_text(bad_w)} are not (e.g. {w[bad_w[0]]!r}); "
            "replace NaN/negative counts (e.g. secret cells) by 0 or an estimate"
        )
        raise OptimizationError(msg)
    if not w.sum() > 0:
        msg = "all weights are zero; give the residents per demand point"
        raise OptimizationError(msg)
    bad_rows = np.flatnonzero((np.isnan(d) | (d < 0)).any(axis=1))
    if bad_rows.size:
        msg = f"dist_m holds NaN or negative values in rows {rows_text(bad_rows)}; use np.inf for unreachable pairs"
        raise OptimizationError(msg)
    return w, d


def _check_existing(existing: Sequence[int] | np.ndarray, m: int) -> np.ndarray:
    ex = np.asarray(existing, dtype=float).ravel()
    if ex.size and (not np.all(np.isfinite(ex)) or np.any(ex != np.round(ex))):
        msg = f"existing must hold integer column indices, got {ex[:8].tolist()}; pass positions into dist_m's columns"
        raise OptimizationError(msg)
    ex_int = ex.astype(np.int64)
    bad = ex_int[(ex_int < 0) | (ex_int >= m)]
    if bad.size:
        msg = f"existing holds column indices {rows_text(bad)} outside 0..{m - 1}; pass positions into dist_m's columns"
        raise OptimizationError(msg)
    uniq, counts = np.unique(ex_int, return_counts=True)
    if np.any(counts > 1):
        msg = f"existing lists columns {rows_text(uniq[counts > 1])} more than once; list each open site once"
        raise OptimizationError(msg)
    return uniq


def _check_p(p: Any, m: int, n_existing: int, allow_close: bool) -> int:
    if isinstance(p, bool) or not isinstance(p, int | np.integer):
        msg = f"--p {p!r} kan niet; geef een geheel aantal locaties"
        raise OptimizationError(msg)
    room = m if allow_close else m - n_existing
    if not 0 <= int(p) <= room:
        what = "locaties in totaal" if allow_close else f"nieuwe locaties naast de {n_existing} bestaande"
        msg = f"--p {p} ({what}) kan niet; geef --p een getal van 0 tot en met {room} (beschikbare kandidaten)"
        raise OptimizationError(msg)
    return int(p)


def _check_number(value: Any, name: str, *, allow_zero: bool) -> float:
    number = float(value)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        msg = f"{name} {value!r} kan niet; geef een eindig getal {'van 0 of meer' if allow_zero else 'groter dan 0'}"
        raise OptimizationError(msg)
    return number


def _prepare(
    model: str, weights: Any, dist_m: Any, p: int | None, existing: Any, allow_close: bool, settings: tuple[Any, ...]
) -> _Case:
    """Check all inputs; ``settings`` is ``(method, time_limit_s, mip_rel_gap, max_dist_m)``."""
    started = time.perf_counter()
    method, time_limit_s, mip_rel_gap, max_dist_m = settings
    w, dist = _check_arrays(weights, dist_m)
    if max_dist_m is not None:
        cut = _check_number(max_dist_m, "max_dist_m", allow_zero=False)
        dist = np.where(dist <= cut, dist, np.inf)
    ex = _check_existing(existing, dist.shape[1])
    p_int = None if p is None else _check_p(p, dist.shape[1], ex.size, allow_close)
    if method not in _METHODS:
        msg = f"method must be one of {', '.join(_METHODS)}, got {method!r}"
        raise OptimizationError(msg)
    limit = _check_number(time_limit_s, "time_limit_s", allow_zero=False)
    gap = _check_number(mip_rel_gap, "mip_rel_gap", allow_zero=True)
    return _Case(model, w, dist, ex, p_int, allow_close, method, limit, gap, started)


def _nearest(dist: np.ndarray, selected: np.ndarray) -> np.ndarray:
    if selected.size == 0:
        return np.full(dist.shape[0], np.inf)
    return np.asarray(dist[:, selected].min(axis=1))


def _coverage(dist: np.ndarray, norm_m: float) -> sparse.csr_array:
    """Coverage matrix ``a[i, j] = dist[i, j] <= norm_m`` as CSR (built via np.nonzero)."""
    rows, cols = np.nonzero(dist <= norm_m)
    return sparse.csr_array((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=dist.shape)


def _covered_by(cover: sparse.csr_array, cols: np.ndarray) -> np.ndarray:
    """Rows covered by any of ``cols``."""
    if cols.size == 0:
        return np.zeros(cover.shape[0], dtype=bool)
    return np.asarray(cover[:, cols].sum(axis=1)).ravel() > 0


def _aggregate(cover: sparse.csr_array, w: np.ndarray, keep: np.ndarray) -> tuple[sparse.coo_array, np.ndarray]:
    """Merge demand rows in ``keep`` with the same coverage pattern; return (pattern matrix, summed weights)."""
    dense = cover[keep].toarray().astype(bool)
    packed = np.packbits(dense, axis=1)
    _, first, inverse = np.unique(packed, axis=0, return_index=True, return_inverse=True)
    group_w = np.bincount(inverse.reshape(-1), weights=w[keep], minlength=first.size)
    return sparse.coo_array(dense[first]), group_w


def _prune_cover(case: _Case, cover: sparse.csr_array, selected: np.ndarray) -> np.ndarray:
    """Drop selected, non-fixed sites that add no covered weight (one at a time)."""
    sel = np.unique(selected)
    csc = cover.tocsc()
    while (free := np.setdiff1d(sel, case.fixed)).size:
        counts = np.asarray(csc[:, sel].sum(axis=1)).ravel()
        unique_w = csc[:, free].T @ (case.w * (counts == 1))
        useless = free[unique_w <= 0]
        if useless.size == 0:
            break
        sel = np.setdiff1d(sel, useless[:1])
    return sel


def _prune_median(case: _Case, selected: np.ndarray) -> np.ndarray:
    """Drop selected, non-fixed sites that are the strictly nearest open site of no weighted row."""
    sel = np.unique(selected)
    pos = case.w > 0
    while sel.size > 1 and (free := np.setdiff1d(sel, case.fixed)).size:
        sub = case.dist[np.ix_(pos, sel)]
        order = np.argsort(sub, axis=1, kind="stable")
        best = np.take_along_axis(sub, order[:, :1], axis=1).ravel()
        second = np.take_along_axis(sub, order[:, 1:2], axis=1).ravel()
        needed = sel[order[best < second, 0]]
        useless = np.setdiff1d(free, needed)
        if useless.size == 0:
            break
        sel = np.setdiff1d(sel, useless[:1])
    return sel
