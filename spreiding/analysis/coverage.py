"""Duty-of-care coverage: who lives within the norm of a counted service point.

Tables per municipality plus a province row: residents, covered residents
and %, uncovered and unreachable residents, and the person-weighted mean,
median and 90th percentile distance. The mean distance over the car network
to the nearest library is the figure comparable with CBS's "nabijheid
voorzieningen". All statistics are weighted by residents (or by one age band)
and computed in one vectorised pass per table.
"""

from __future__ import annotations

import itertools
import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from spreiding._validate import require_columns
from spreiding.analysis.norm import AGE_BAND_LABELS, AGE_BANDS, Norm
from spreiding.errors import InvalidDataError

__all__ = [
    "COVERAGE_COLUMNS",
    "DISTANCE_BINS_KM",
    "TOTAL_LABEL",
    "coverage_by_age",
    "coverage_table",
    "covered_mask",
    "distance_distribution",
    "uncovered_cells",
    "weighted_quantiles",
]

logger = logging.getLogger(__name__)

TOTAL_LABEL = "Totaal"
COVERAGE_COLUMNS = (
    "municipality",
    "residents",
    "covered",
    "covered_pct",
    "uncovered",
    "unreachable",
    "mean_dist_m",
    "median_dist_m",
    "p90_dist_m",
    "mean_time_s",
    "distance_model",
    "placement",
    "norm",
)


def _check(population: pd.DataFrame, nearest: pd.DataFrame) -> None:
    require_columns(nearest, ["dist_m", "time_s"], "distance result", "compute it with nearest_facility()")
    if not population.index.equals(nearest.index):
        msg = "population and distance result have different rows; compute distances for this population frame"
        raise InvalidDataError(msg)


def covered_mask(nearest: pd.DataFrame, norm: Norm) -> np.ndarray:
    """Whether each point meets the norm (distance and/or time limit).

    With both limits a point must meet both (each against its own nearest
    service point). Unreachable points (``inf``) are never covered.
    """
    ok = np.ones(len(nearest), bool)
    if norm.max_dist_m is not None:
        ok &= nearest["dist_m"].to_numpy(float) <= norm.max_dist_m
    if norm.max_time_s is not None:
        ok &= nearest["time_s"].to_numpy(float) <= norm.max_time_s
    return ok


def weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, groups: np.ndarray, n_groups: int, q: float
) -> np.ndarray:
    """Weighted ``q``-quantile of ``values`` per group, vectorised.

    The quantile is the smallest value whose cumulative weight reaches
    ``q`` of the group's weight (``inf`` values count, so a p90 is ``inf``
    when more than 10 % cannot reach a service point). Groups without
    weight get ``nan``.
    """
    order = np.lexsort((values, groups))
    v, w, g = values[order], weights[order], groups[order]
    cum = np.cumsum(w)
    totals = np.bincount(g, weights=w, minlength=n_groups)
    before = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    target = before + q * totals
    idx = np.searchsorted(cum, target - 1e-9 * np.maximum(totals, 1.0), side="left")
    idx = np.clip(idx, 0, max(len(v) - 1, 0))
    out = v[idx] if len(v) else np.full(n_groups, np.nan)
    return np.where(totals > 0, out, np.nan)


def _stats(
    dist: np.ndarray, time: np.ndarray, weight: np.ndarray, covered: np.ndarray, groups: np.ndarray, n: int
) -> dict[str, np.ndarray]:
    finite = np.isfinite(dist)
    wf = np.where(finite, weight, 0.0)
    residents = np.bincount(groups, weights=weight, minlength=n)
    reach_w = np.bincount(groups, weights=wf, minlength=n)
    cov = np.bincount(groups, weights=np.where(covered, weight, 0.0), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_d = np.bincount(groups, weights=np.where(finite, dist, 0.0) * wf, minlength=n) / reach_w
        tfin = np.isfinite(time)
        tw = np.where(tfin, weight, 0.0)
        mean_t = np.bincount(groups, weights=np.where(tfin, time, 0.0) * tw, minlength=n) / np.bincount(
            groups, weights=tw, minlength=n
        )
        pct = 100.0 * cov / residents
    return {
        "residents": residents,
        "covered": cov,
        "covered_pct": pct,
        "uncovered": residents - cov,
        "unreachable": residents - reach_w,
        "mean_dist_m": mean_d,
        "median_dist_m": weighted_quantiles(dist, weight, groups, n, 0.5),
        "p90_dist_m": weighted_quantiles(dist, weight, groups, n, 0.9),
        "mean_time_s": mean_t,
    }


def _group_codes(population: pd.DataFrame, by: str) -> tuple[np.ndarray, list[str]]:
    require_columns(population, [by], "population", "assign municipalities when loading it")
    labels = population[by].astype("string").fillna("(onbekend)")
    codes, uniques = pd.factorize(labels, sort=True)
    return codes.astype(np.int64), [str(u) for u in uniques]


def _labels(nearest: pd.DataFrame, population: pd.DataFrame) -> tuple[str, str]:
    model = str(nearest["distance_model"].iloc[0]) if "distance_model" in nearest and len(nearest) else "unknown"
    placement = (
        ",".join(sorted(population["placement"].astype(str).unique())) if "placement" in population else "unknown"
    )
    return model, placement


def coverage_table(
    population: pd.DataFrame,
    nearest: pd.DataFrame,
    norm: Norm,
    *,
    by: str = "municipality",
    total_label: str = TOTAL_LABEL,
) -> pd.DataFrame:
    """Coverage per municipality plus a total (province) row.

    Parameters
    ----------
    population
        Population points with the weight column of the norm
        (``pop_total`` or an age band) and ``by``.
    nearest
        Distances for the same rows (:func:`~spreiding.network.engine.nearest_facility`
        or :meth:`~spreiding.network.engine.DistanceMatrix.nearest`).
    norm
        The norm; its ``age_band`` selects the weight column.
    by
        Grouping column.
    total_label
        Label of the total row (e.g. the province name).

    Returns
    -------
    pandas.DataFrame
        One row per group and a last total row, with :data:`COVERAGE_COLUMNS`.
    """
    _check(population, nearest)
    weight_col = norm.weight_column
    require_columns(population, [weight_col], "population", "load it with a spreiding population loader")
    weight = population[weight_col].to_numpy(float)
    if np.isnan(weight).any() or (weight < 0).any():
        msg = f"population column {weight_col} has missing or negative values; impute or drop those cells first"
        raise InvalidDataError(msg)
    dist = nearest["dist_m"].to_numpy(float)
    time = nearest["time_s"].to_numpy(float)
    covered = covered_mask(nearest, norm)
    codes, names = _group_codes(population, by)
    per = _stats(dist, time, weight, covered, codes, len(names))
    tot = _stats(dist, time, weight, covered, np.zeros(len(dist), np.int64), 1)
    table = pd.DataFrame({by: names, **per})
    table = pd.concat([table, pd.DataFrame({by: [total_label], **tot})], ignore_index=True)
    model, placement = _labels(nearest, population)
    table["distance_model"] = model
    table["placement"] = placement
    table["norm"] = norm.describe()
    if by != "municipality":
        table = table.rename(columns={by: "municipality"})
    return table.loc[:, list(COVERAGE_COLUMNS)]


def coverage_by_age(
    population: pd.DataFrame,
    nearest: pd.DataFrame,
    norm: Norm,
    *,
    by: str = "municipality",
    total_label: str = TOTAL_LABEL,
) -> pd.DataFrame:
    """Coverage per group and age band (long format).

    Returns
    -------
    pandas.DataFrame
        ``municipality``, ``age_band``, ``age_label`` and the columns of
        :func:`coverage_table` for each of the five CBS age bands and
        ``pop_total``.
    """
    bands = [b for b in ("pop_total", *AGE_BANDS) if b in population.columns]
    frames = []
    for band in bands:  # six bands: a loop over columns, not cells
        band_norm = norm.with_(age_band=None if band == "pop_total" else band)
        part = coverage_table(population, nearest, band_norm, by=by, total_label=total_label)
        part.insert(1, "age_band", band)
        part.insert(2, "age_label", AGE_BAND_LABELS[band])
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def uncovered_cells(population: gpd.GeoDataFrame, nearest: pd.DataFrame, norm: Norm) -> gpd.GeoDataFrame:
    """Population points that do not meet the norm, with their distance and nearest service point.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame: the population columns plus ``dist_m``, ``time_s``,
        ``nearest_id`` and ``reachable``; sorted by residents, largest first.
    """
    _check(population, nearest)
    mask = ~covered_mask(nearest, norm)
    out = population.loc[mask].copy()
    for col in ("dist_m", "time_s", "nearest_id"):
        out[col] = nearest.loc[mask, col].to_numpy()
    out["reachable"] = np.isfinite(out["dist_m"].to_numpy(float))
    weight_col = norm.weight_column if norm.weight_column in out else "pop_total"
    return out.sort_values(weight_col, ascending=False)


DISTANCE_BINS_KM: tuple[float, ...] = (0, 1, 2, 3, 4, 5, 7.5, 10, 15, 20)
"""Default bin edges (km) of :func:`distance_distribution`; the last bin is open-ended."""


def distance_distribution(
    population: pd.DataFrame,
    nearest: pd.DataFrame,
    norm: Norm,
    *,
    municipality: str | None = None,
    edges_km: tuple[float, ...] = DISTANCE_BINS_KM,
) -> pd.Series:
    """Residents per distance bin to the nearest counted service point.

    Parameters
    ----------
    population
        Population points with the norm's weight column and ``municipality``.
    nearest
        Distances for the same rows.
    norm
        The norm (its age band selects the weight column).
    municipality
        Only this municipality's residents (all when ``None``).
    edges_km
        Bin edges in km; a last open bin collects everything beyond.

    Returns
    -------
    pandas.Series
        Residents per bin, indexed by Dutch labels (``"0–1 km"`` ...
        ``"> 20 km"``, then ``"onbereikbaar"``).
    """
    _check(population, nearest)
    mask = np.ones(len(population), bool)
    if municipality is not None:
        require_columns(population, ["municipality"], "population")
        mask = (population["municipality"].astype("string") == municipality).fillna(False).to_numpy(bool)
    dist_km = nearest["dist_m"].to_numpy(float)[mask] / 1000.0
    weight = population[norm.weight_column].to_numpy(float)[mask]
    edges = np.asarray(edges_km, float)
    finite = np.isfinite(dist_km)
    bins = np.digitize(dist_km[finite], edges[1:], right=True)  # 0 .. len(edges) - 1
    counts = np.bincount(bins, weights=weight[finite], minlength=len(edges))
    labels = [f"{lo:g}–{hi:g} km" for lo, hi in itertools.pairwise(edges)] + [f"> {edges[-1]:g} km"]
    out = pd.Series(np.append(counts, weight[~finite].sum()), index=[*labels, "onbereikbaar"], name="residents")
    out.index.name = "afstand"
    return out
