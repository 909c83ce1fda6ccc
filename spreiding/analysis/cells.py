"""Residents' points summed per population cell: the unit the maps draw, for every placement.

With residents at their cell's centre (``cell_centre``) a cell has one point;
with residents on street nodes (``street_nodes``, see
:mod:`spreiding.analysis.placement`) a cell has several points that share its
``cell_id``. Maps still draw cells: a cell shows the person-weighted mean
distance of its residents' points (:func:`cell_summary`) and, between two
scenarios, the shares of its residents newly outside or newly inside the norm
(:func:`cell_change`). Mean distance and reachability follow
:mod:`spreiding.analysis.measures`.

Examples
--------
Two street points of cell ``a`` (10 and 30 residents at 1 and 3 km) and one of
cell ``b`` (invented values):

>>> import pandas as pd, numpy as np
>>> pts = pd.DataFrame({"cell_id": ["a", "a", "b"], "pop_total": [10.0, 30.0, 5.0]})
>>> s = cell_summary(pts, np.array([1000.0, 3000.0, np.inf]), np.array([True, False, False]), ["a", "b"])
>>> s["mean_dist_m"].tolist(), s["covered_share"].tolist()
([2500.0, nan], [0.25, 0.0])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from spreiding.analysis.measures import mean_distance, reachable
from spreiding.errors import ConfigError

__all__ = [
    "CELL_CHANGE_CLASSES",
    "SAME_M",
    "SAME_S",
    "catchment_table",
    "cell_change",
    "cell_codes",
    "cell_main_nearest",
    "cell_summary",
]

SAME_M = 100.0
"""A cell's mean distance that changes by at most this much counts as unchanged (the ``± 0,1 km`` bin)."""

SAME_S = 30.0
"""A cell's mean travel time that changes by at most this much counts as unchanged (``± 0,5 min``, as the
travel-time bins of the change chart)."""

_CHANGE_UNITS: dict[str, tuple[str, float]] = {"km": ("dist_m", SAME_M), "min": ("time_s", SAME_S)}
"""Per figure unit: the column suffix of :func:`cell_change` and its unchanged band."""

CELL_CHANGE_CLASSES: tuple[str, ...] = ("newly_outside", "newly_inside", "longer", "shorter", "same", "empty")
"""Classes of :func:`cell_change`, most important first (labels: ``vocabulary.CELL_CHANGE_LABELS``)."""


def cell_codes(points: pd.DataFrame, cell_ids: Sequence[str]) -> np.ndarray:
    """Position in ``cell_ids`` of each point's cell (``-1`` when its cell is not drawn).

    Points without a ``cell_id`` column are their own cells, matched by index.
    """
    keys = points["cell_id"].astype(str) if "cell_id" in points.columns else pd.Index(points.index).astype(str)
    return pd.Index(pd.Index(cell_ids).astype(str)).get_indexer(pd.Index(keys))


def _sums(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    keep = codes >= 0
    return np.bincount(codes[keep], weights=values[keep], minlength=n)


def _check(points: pd.DataFrame, arrays: Sequence[np.ndarray], weight_column: str) -> np.ndarray:
    if weight_column not in points.columns:
        msg = f"de inwonerspunten hebben geen kolom {weight_column!r}; geef punten van de bevolking van de studie"
        raise ConfigError(msg)
    bad = [len(a) for a in arrays if len(a) != len(points)]
    if bad:
        msg = f"{len(points)} inwonerspunten maar {bad[0]} waarden; geef afstanden van dezelfde punten"
        raise ConfigError(msg)
    return np.nan_to_num(points[weight_column].to_numpy(dtype=float), nan=0.0)


def cell_summary(
    points: pd.DataFrame,
    dist_m: np.ndarray,
    covered: np.ndarray,
    cell_ids: Sequence[str],
    *,
    weight_column: str = "pop_total",
    time_s: np.ndarray | None = None,
) -> pd.DataFrame:
    """Residents, person-weighted mean distance (and travel time) and covered share per cell.

    Parameters
    ----------
    points
        Residents' points with ``cell_id`` (any placement) and ``weight_column``; not modified.
    dist_m
        Distance to the nearest counted point per point (``inf`` = unreachable).
    covered
        Whether each point meets the norm.
    cell_ids
        The drawn cells, in drawing order.
    weight_column
        Residents column (the norm's age band).
    time_s
        Shortest travel time per point (``inf`` = unreachable), or ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per cell in ``cell_ids`` order: ``residents``, ``mean_dist_m`` (reachable residents only;
        NaN when none), ``covered_share``, ``unreachable_share`` (0–1; 0 for an empty cell); with ``time_s``
        also ``mean_time_s`` (person-weighted, residents with a finite time only; NaN when none).
    """
    w = _check(points, [dist_m, covered] if time_s is None else [dist_m, covered, time_s], weight_column)
    d = np.asarray(dist_m, dtype=float)
    ok = reachable(d)
    codes = cell_codes(points, cell_ids)
    n = len(cell_ids)
    residents = _sums(codes, w, n)
    reach_w = _sums(codes, np.where(ok, w, 0.0), n)
    sum_wd = _sums(codes, np.where(ok, w * np.where(ok, d, 0.0), 0.0), n)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(residents > 0, _sums(codes, np.where(covered, w, 0.0), n) / residents, 0.0)
        unr = np.where(residents > 0, (residents - reach_w) / residents, 0.0)
    out = pd.DataFrame(
        {
            "cell_id": pd.Index(cell_ids).astype(str),
            "residents": residents,
            "mean_dist_m": mean_distance(sum_wd, reach_w),
            "covered_share": cov,
            "unreachable_share": np.clip(unr, 0.0, 1.0),
        }
    )
    if time_s is not None:
        out["mean_time_s"] = _weighted_mean(codes, np.asarray(time_s, dtype=float), w, n)
    return out


def _weighted_mean(codes: np.ndarray, values: np.ndarray, weight: np.ndarray, n: int) -> np.ndarray:
    """Person-weighted mean of the finite ``values`` per cell (NaN where no resident has one)."""
    ok = reachable(values)
    w_ok = np.where(ok, weight, 0.0)
    return mean_distance(_sums(codes, w_ok * np.where(ok, values, 0.0), n), _sums(codes, w_ok, n))


def cell_change(
    points: pd.DataFrame,
    a: tuple[np.ndarray, np.ndarray],
    b: tuple[np.ndarray, np.ndarray],
    cell_ids: Sequence[str],
    *,
    weight_column: str = "pop_total",
    unit: str = "km",
) -> pd.DataFrame:
    """Per cell, scenario B against scenario A: mean distances (or travel times), the change and who crosses the norm.

    Parameters
    ----------
    points
        Residents' points with ``cell_id`` and ``weight_column``; not modified.
    a, b
        ``(figure, covered)`` per point in scenario A and in scenario B; the figure is the distance in metres
        (``unit="km"``) or the travel time in seconds (``unit="min"``, for a norm with only a time limit).
    cell_ids
        The drawn cells, in drawing order.
    weight_column
        Residents column (the norm's age band).
    unit
        ``"km"`` or ``"min"`` (:attr:`spreiding.analysis.norm.Norm.figure_unit`).

    Returns
    -------
    pandas.DataFrame
        One row per cell: ``residents``, ``mean_dist_m_a``, ``mean_dist_m_b``, ``mean_dist_m_delta`` (B − A;
        ``inf`` when the cell became unreachable, ``-inf`` when reachable again; ``mean_time_s_*`` for
        ``unit="min"``), ``newly_outside_share``, ``newly_inside_share`` (shares of the cell's residents, 0–1)
        and ``change``, one of :data:`CELL_CHANGE_CLASSES`: newly outside or inside when any resident crosses
        the norm (the larger share wins), else longer / shorter when the mean moves more than :data:`SAME_M`
        (:data:`SAME_S`), else same; ``empty`` for a cell without residents.
    """
    if unit not in _CHANGE_UNITS:
        msg = f"eenheid {unit!r} onbekend; kies km of min"
        raise ConfigError(msg)
    suffix, same = _CHANGE_UNITS[unit]
    (dist_a, cov_a), (dist_b, cov_b) = a, b
    w = _check(points, [dist_a, dist_b, cov_a, cov_b], weight_column)
    sa = cell_summary(points, dist_a, cov_a, cell_ids, weight_column=weight_column)  # the mean of the figure
    sb = cell_summary(points, dist_b, cov_b, cell_ids, weight_column=weight_column)
    codes = cell_codes(points, cell_ids)
    n = len(cell_ids)
    ca, cb = np.asarray(cov_a, bool), np.asarray(cov_b, bool)
    residents = sa["residents"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out_share = np.where(residents > 0, _sums(codes, np.where(ca & ~cb, w, 0.0), n) / residents, 0.0)
        in_share = np.where(residents > 0, _sums(codes, np.where(cb & ~ca, w, 0.0), n) / residents, 0.0)
    ma = sa["mean_dist_m"].to_numpy(dtype=float)
    mb = sb["mean_dist_m"].to_numpy(dtype=float)
    fa, fb = np.isfinite(ma), np.isfinite(mb)
    with np.errstate(invalid="ignore"):
        delta = np.where(fa & fb, mb - ma, np.where(fa & ~fb, np.inf, np.where(~fa & fb, -np.inf, 0.0)))
    change = np.select(
        [
            residents <= 0,
            (out_share > 0) & (out_share >= in_share),
            in_share > 0,
            delta > same,
            delta < -same,
        ],
        ["empty", "newly_outside", "newly_inside", "longer", "shorter"],
        default="same",
    )
    return pd.DataFrame(
        {
            "cell_id": sa["cell_id"],
            "residents": residents,
            f"mean_{suffix}_a": ma,
            f"mean_{suffix}_b": mb,
            f"mean_{suffix}_delta": delta,
            "newly_outside_share": out_share,
            "newly_inside_share": in_share,
            "change": change,
        }
    )


def catchment_table(
    points: pd.DataFrame,
    nearest_id: np.ndarray,
    dist_m: np.ndarray,
    covered: np.ndarray,
    *,
    weight_column: str = "pop_total",
) -> pd.DataFrame:
    """Residents per service point for whom it is the nearest counted one (its *verzorgingsgebied*).

    Parameters
    ----------
    points
        Residents' points with ``weight_column``; not modified.
    nearest_id
        Id of the nearest counted service point per point (empty or NA when none is reachable).
    dist_m, covered
        Distance to it and whether the point meets the norm.
    weight_column
        Residents column.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``residents_nearest``, ``mean_dist_m`` (person-weighted), ``covered`` (residents within the
        norm), most residents first. Residents with no reachable point are left out.
    """
    w = _check(points, [nearest_id, dist_m, covered], weight_column)
    ids = pd.array(nearest_id, dtype="string").fillna("")
    d = np.asarray(dist_m, float)
    keep = (np.asarray(ids != "", dtype=bool)) & reachable(d)
    codes, names = pd.factorize(pd.Series(ids)[keep])
    n = len(names)
    wk, dk = w[keep], d[keep]
    residents = np.bincount(codes, weights=wk, minlength=n)
    out = pd.DataFrame(
        {
            "id": pd.Index(names).astype(str),
            "residents_nearest": residents,
            "mean_dist_m": mean_distance(np.bincount(codes, weights=wk * dk, minlength=n), residents),
            "covered": np.bincount(codes, weights=np.where(np.asarray(covered, bool)[keep], wk, 0.0), minlength=n),
        }
    )
    return out.sort_values(["residents_nearest", "id"], ascending=[False, True], ignore_index=True)


def cell_main_nearest(
    points: pd.DataFrame, nearest_id: np.ndarray, cell_ids: Sequence[str], *, weight_column: str = "pop_total"
) -> np.ndarray:
    """Per cell, the nearest service point of most of its residents ("" for a cell where none is reachable)."""
    w = _check(points, [nearest_id], weight_column)
    codes = cell_codes(points, cell_ids)
    ids = pd.array(nearest_id, dtype="string").fillna("")
    frame = pd.DataFrame({"cell": codes, "id": np.asarray(ids, dtype=object), "w": w})
    frame = frame.loc[(frame["cell"] >= 0) & (frame["id"] != "")]
    sums = frame.groupby(["cell", "id"], sort=False)["w"].sum().reset_index()
    top = sums.sort_values("w", ascending=False, kind="stable").drop_duplicates("cell")
    out = np.full(len(cell_ids), "", dtype=object)
    out[top["cell"].to_numpy(dtype=np.int64)] = top["id"].to_numpy(dtype=object)
    return out
