"""Input checks and shared array pieces of the location models (:mod:`spreiding.siting.models`)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from scipy import sparse

from spreiding._validate import rows_text
from spreiding.errors import OptimizationError

__all__ = ["Method"]

Method = Literal["auto", "milp", "greedy"]

_METHODS = ("auto", "milp", "greedy")
_FIX_SHAPES = "geef evenveel gewichten als rijen in de afstandsmatrix (n inwonerspunten x m locaties)"


@dataclass(frozen=True)
class _Case:
    """One checked problem: arrays, fixed sites, closable sites and solver settings."""

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
    closable: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    max_closures: int | None = None

    @property
    def fixed(self) -> np.ndarray:
        """Columns that must stay open (all existing, or those that may not close)."""
        return np.setdiff1d(self.ex, self.closable) if self.allow_close else self.ex

    @property
    def p_total(self) -> int:
        """Upper bound on the number of open sites when every existing site stays open."""
        return (self.p or 0) + self.ex.size

    def remaining(self) -> _Case:
        """The same problem with the time left of ``time_limit_s`` (at least 1 s) for a second solve."""
        left = self.time_limit_s - (time.perf_counter() - self.started)
        return replace(self, time_limit_s=max(1.0, left))

    def kept_open(self) -> _Case:
        """The same problem with every existing site fixed open (the first stage of relocation)."""
        return replace(self, allow_close=False, closable=np.empty(0, np.int64), max_closures=None)


def _check_arrays(weights: Any, dist_m: Any) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(weights, dtype=float)
    d = np.asarray(dist_m, dtype=float)
    if w.ndim != 1 or d.ndim != 2 or d.shape[0] != w.shape[0]:
        msg = f"de gewichten hebben vorm {w.shape} en de afstanden {d.shape}; {_FIX_SHAPES}"
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
            f"gewichten (inwoners) moeten eindig zijn en 0 of meer; rijen {rows_text(bad_w)} zijn dat niet "
            f"(bv. {w[bad_w[0]]!r}); vervang lege of negatieve aantallen (bv. geheime cellen) door 0 of een schatting"
        )
        raise OptimizationError(msg)
    if not w.sum() > 0:
        msg = "alle gewichten zijn 0: er zijn geen inwoners om te bedienen; geef het aantal inwoners per punt"
        raise OptimizationError(msg)
    bad_rows = np.flatnonzero((np.isnan(d) | (d < 0)).any(axis=1))
    if bad_rows.size:
        msg = (
            f"de afstanden bevatten lege of negatieve waarden in rijen {rows_text(bad_rows)}; "
            "gebruik oneindig (np.inf) voor onbereikbare paren"
        )
        raise OptimizationError(msg)
    return w, d


def _check_existing(existing: Sequence[int] | np.ndarray, m: int) -> np.ndarray:
    ex = np.asarray(existing, dtype=float).ravel()
    if ex.size and (not np.all(np.isfinite(ex)) or np.any(ex != np.round(ex))):
        msg = (
            f"bestaande locaties moeten kolomnummers (gehele getallen) zijn, niet {ex[:8].tolist()}; "
            "geef posities in de kolommen van de afstandsmatrix"
        )
        raise OptimizationError(msg)
    ex_int = ex.astype(np.int64)
    bad = ex_int[(ex_int < 0) | (ex_int >= m)]
    if bad.size:
        msg = (
            f"bestaande locaties {rows_text(bad)} vallen buiten de kolommen 0..{m - 1}; "
            "geef posities in de kolommen van de afstandsmatrix"
        )
        raise OptimizationError(msg)
    uniq, counts = np.unique(ex_int, return_counts=True)
    if np.any(counts > 1):
        msg = f"bestaande locaties {rows_text(uniq[counts > 1])} staan er meer dan eens in; noem elk open punt eenmaal"
        raise OptimizationError(msg)
    return uniq


_NAMES = {
    "norm_m": "de norm (--max-km / --max-min; in de app: de norm in de zijbalk)",
    "time_limit_s": "de rekentijd (--time-limit; in de app: 'Rekentijd (s)')",
    "mip_rel_gap": "de toegestane afwijking van het optimum",
    "max_dist_m": "de grootste afstand die meetelt",
}


def _check_p(p: Any, m: int, n_existing: int) -> int:
    if isinstance(p, bool) or not isinstance(p, int | np.integer):
        msg = f"--p {p!r} kan niet; geef een geheel aantal nieuwe locaties"
        raise OptimizationError(msg)
    room = m - n_existing
    if not 0 <= int(p) <= room:
        msg = (
            f"--p {p} (nieuwe locaties naast de {n_existing} bestaande) kan niet; geef --p "
            f"(in de app: 'Aantal nieuwe punten') een getal van 0 tot en met {room} (beschikbare kandidaten)"
        )
        raise OptimizationError(msg)
    return int(p)


def _check_closing(closable: Any, max_closures: Any, ex: np.ndarray, p: int | None) -> tuple[np.ndarray, int | None]:
    """Closable columns (default: every existing one) and the most closures (default ``p``; ``None``: no limit)."""
    cols = ex if closable is None else np.unique(np.asarray(closable, dtype=np.int64).ravel())
    stray = np.setdiff1d(cols, ex)
    if stray.size:
        msg = (
            f"locaties {rows_text(stray)} mogen sluiten maar zijn geen bestaande punten; "
            "alleen bestaande punten kunnen sluiten"
        )
        raise OptimizationError(msg)
    k = p if max_closures is None else max_closures
    if k is None:
        return cols, None
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        msg = (
            f"--max-closures {k!r} kan niet; geef --max-closures (in de app: 'Hoogstens k sluitingen') "
            "een geheel getal van 0 of meer"
        )
        raise OptimizationError(msg)
    return cols, min(int(k), int(cols.size))


def _check_number(value: Any, name: str, *, allow_zero: bool) -> float:
    number = float(value)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        what = _NAMES.get(name, name)
        msg = f"{what}: {value!r} kan niet; geef een eindig getal {'van 0 of meer' if allow_zero else 'groter dan 0'}"
        raise OptimizationError(msg)
    return number


def _prepare(
    model: str,
    weights: Any,
    dist_m: Any,
    p: int | None,
    existing: Any,
    allow_close: bool,
    settings: tuple[Any, ...],
    closing: tuple[Any, Any] = (None, None),
) -> _Case:
    """Check all inputs; ``settings`` is ``(method, time_limit_s, mip_rel_gap, max_dist_m)``,
    ``closing`` is ``(closable, max_closures)`` (used with ``allow_close``)."""
    started = time.perf_counter()
    method, time_limit_s, mip_rel_gap, max_dist_m = settings
    w, dist = _check_arrays(weights, dist_m)
    if max_dist_m is not None:
        cut = _check_number(max_dist_m, "max_dist_m", allow_zero=False)
        dist = np.where(dist <= cut, dist, np.inf)
    ex = _check_existing(existing, dist.shape[1])
    p_int = None if p is None else _check_p(p, dist.shape[1], ex.size)
    closable, k = _check_closing(*closing, ex, p_int) if allow_close else (np.empty(0, np.int64), None)
    if method not in _METHODS:
        msg = f"onbekende methode {method!r}; kies uit {', '.join(_METHODS)}"
        raise OptimizationError(msg)
    limit = _check_number(time_limit_s, "time_limit_s", allow_zero=False)
    gap = _check_number(mip_rel_gap, "mip_rel_gap", allow_zero=True)
    return _Case(model, w, dist, ex, p_int, allow_close, method, limit, gap, started, closable, k)


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
    """Drop selected new sites that add no covered weight (one at a time); existing sites are never dropped here."""
    sel = np.unique(selected)
    csc = cover.tocsc()
    while (free := np.setdiff1d(sel, case.ex)).size:
        counts = np.asarray(csc[:, sel].sum(axis=1)).ravel()
        unique_w = csc[:, free].T @ (case.w * (counts == 1))
        useless = free[unique_w <= 0]
        if useless.size == 0:
            break
        sel = np.setdiff1d(sel, useless[:1])
    return sel


def _prune_median(case: _Case, selected: np.ndarray) -> np.ndarray:
    """Drop selected new sites that are the strictly nearest open site of no weighted row (existing ones stay)."""
    sel = np.unique(selected)
    pos = case.w > 0
    while sel.size > 1 and (free := np.setdiff1d(sel, case.ex)).size:
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
