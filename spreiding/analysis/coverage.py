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
from spreiding.analysis.groups import group_details, require_grouping
from spreiding.analysis.measures import group_stats, is_covered, reachable, weighted_quantiles
from spreiding.analysis.norm import AGE_BAND_LABELS, AGE_BANDS, Norm
from spreiding.errors import ConfigError, InvalidDataError
from spreiding.network.nearest import NearestResult
from spreiding.vocabulary import Col

__all__ = [
    "COVERAGE_COLUMNS",
    "CURVE_STEPS_KM",
    "CURVE_STEPS_MIN",
    "DISTANCE_BINS_KM",
    "GROUP_COLUMNS",
    "TIME_BINS_MIN",
    "TOTAL_LABEL",
    "coverage_by_age",
    "coverage_curve",
    "coverage_table",
    "covered_mask",
    "distance_distribution",
    "uncovered_cells",
    "weighted_quantiles",
]

logger = logging.getLogger(__name__)

TOTAL_LABEL = "Totaal"
COVERAGE_COLUMNS = (
    Col.MUNICIPALITY,
    Col.RESIDENTS,
    Col.COVERED,
    Col.COVERED_PCT,
    Col.UNCOVERED,
    Col.UNREACHABLE,
    Col.MEAN_DIST_M,
    Col.MEDIAN_DIST_M,
    Col.P90_DIST_M,
    Col.MEAN_TIME_S,
    Col.DISTANCE_MODEL,
    Col.PLACEMENT,
    Col.NORM,
)
GROUP_COLUMNS = (Col.CODE, Col.NAME)
"""Columns before :data:`COVERAGE_COLUMNS` in a table by kern, wijk or buurt (``municipality`` is the group's)."""


def _check(population: pd.DataFrame, nearest: NearestResult) -> None:
    if not isinstance(nearest, NearestResult):
        msg = "de afstanden zijn geen uitkomst van de afstandsberekening; bereken ze met spreiding (Study)"
        raise InvalidDataError(msg)
    if not population.index.equals(nearest.index):
        msg = "bevolking en afstanden hebben verschillende rijen; bereken de afstanden voor deze bevolking opnieuw"
        raise InvalidDataError(msg)


def covered_mask(nearest: NearestResult, norm: Norm, covered: np.ndarray | None = None) -> np.ndarray:
    """Whether each point meets the norm (see :mod:`spreiding.analysis.measures`).

    With a single limit the nearest point decides. A norm with both a
    distance and a time limit needs one site meeting both, which only a
    points × sites matrix can tell: pass ``covered`` computed with
    :func:`~spreiding.analysis.measures.covered_by_one` (a :class:`~spreiding.analysis.study.Study`
    does this).
    """
    if covered is not None:
        return np.asarray(covered, dtype=bool)
    if norm.max_dist_m is not None and norm.max_time_s is not None:
        msg = (
            f"norm {norm.describe()!r} heeft een afstands- en een tijdgrens: of één voorziening aan beide voldoet, "
            "vraagt de afstandsmatrix; reken deze norm door met een Study (de CLI en de app doen dat)"
        )
        raise ConfigError(msg)
    return is_covered(norm, nearest.dist_m, nearest.time_s)


def _group_codes(population: pd.DataFrame, by: str) -> tuple[np.ndarray, list[str]]:
    require_grouping(population, by)
    labels = population[by].astype("string").fillna("(onbekend)")
    codes, uniques = pd.factorize(labels, sort=True)
    return codes.astype(np.int64), [str(u) for u in uniques]


def _labels(nearest: NearestResult, population: pd.DataFrame) -> tuple[str, str]:
    placement = (
        ",".join(sorted(population["placement"].astype(str).unique())) if "placement" in population else "unknown"
    )
    return nearest.model.label, placement


def coverage_table(
    population: pd.DataFrame,
    nearest: NearestResult,
    norm: Norm,
    *,
    covered: np.ndarray | None = None,
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
        Grouping (:data:`spreiding.analysis.groups.GROUPINGS`): ``municipality``,
        or ``kern``, ``wijk``, ``buurt`` when the points carry that grouping's
        columns (:func:`spreiding.analysis.groups.with_groups`).
    total_label
        Label of the total row (e.g. the province name).

    Returns
    -------
    pandas.DataFrame
        One row per group and a last total row, with :data:`COVERAGE_COLUMNS`;
        by kern, wijk or buurt first :data:`GROUP_COLUMNS` (the group's code
        and name; ``municipality`` is the group's municipality).
    """
    _check(population, nearest)
    weight_col = norm.weight_column
    require_columns(population, [weight_col], "bevolking", "laad die met een bevolkingslader van spreiding")
    weight = population[weight_col].to_numpy(float)
    if np.isnan(weight).any() or (weight < 0).any():
        msg = (
            f"bevolkingskolom {weight_col} heeft lege of negatieve waarden; "
            "vul die cellen aan (bv. geheime cellen schatten) of laat ze weg"
        )
        raise InvalidDataError(msg)
    dist, time = nearest.dist_m, nearest.time_s
    ok = covered_mask(nearest, norm, covered)
    codes, names = _group_codes(population, by)
    order = np.argsort(dist, kind="stable")  # one sort for the groups' and the total's quantiles
    per = group_stats(dist, time, weight, ok, codes, len(names), order)
    tot = group_stats(dist, time, weight, ok, np.zeros(len(dist), np.int64), 1, order)
    table = pd.DataFrame({by: names, **per})
    table = pd.concat([table, pd.DataFrame({by: [total_label], **tot})], ignore_index=True)
    model, placement = _labels(nearest, population)
    table["distance_model"] = model
    table["placement"] = placement
    table["norm"] = norm.describe()
    if by == "municipality":
        return table.loc[:, list(COVERAGE_COLUMNS)]
    details = group_details(population, by, codes, len(names))
    table = table.rename(columns={by: Col.CODE})
    table[Col.NAME] = [*details["name"], total_label]
    table[Col.MUNICIPALITY] = [*details["municipality"], total_label]
    rows = table.iloc[:-1].sort_values([Col.MUNICIPALITY, Col.NAME, Col.CODE], kind="stable").index
    table = table.loc[[*rows, table.index[-1]]].reset_index(drop=True)
    return table.loc[:, [*GROUP_COLUMNS, *COVERAGE_COLUMNS]]


def coverage_by_age(
    population: pd.DataFrame,
    nearest: NearestResult,
    norm: Norm,
    *,
    covered: np.ndarray | None = None,
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
        part = coverage_table(population, nearest, band_norm, covered=covered, by=by, total_label=total_label)
        at = list(part.columns).index(Col.MUNICIPALITY) + 1
        part.insert(at, "age_band", band)
        part.insert(at + 1, "age_label", AGE_BAND_LABELS[band])
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def uncovered_cells(
    population: gpd.GeoDataFrame, nearest: NearestResult, norm: Norm, covered: np.ndarray | None = None
) -> gpd.GeoDataFrame:
    """Population points that do not meet the norm, with their distance and nearest service point.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame: the population columns plus ``dist_m``, ``time_s``,
        ``nearest_id`` and ``reachable``; sorted by residents, largest first.
    """
    _check(population, nearest)
    mask = ~covered_mask(nearest, norm, covered)
    out = population.loc[mask].copy()
    out["dist_m"] = nearest.dist_m[mask]
    out["time_s"] = nearest.time_s[mask]
    out["nearest_id"] = pd.array(nearest.nearest_id[mask], dtype="string")
    out["reachable"] = reachable(nearest.dist_m[mask])
    weight_col = norm.weight_column if norm.weight_column in out else "pop_total"
    return out.sort_values(weight_col, ascending=False)


TIME_BINS_MIN: tuple[float, ...] = (0, 5, 10, 15, 20, 30, 45, 60)
"""Bin edges of the travel-time distribution in minutes (a last open bin beyond 60 min)."""
DISTANCE_BINS_KM: tuple[float, ...] = (0, 1, 2, 3, 4, 5, 7.5, 10, 15, 20)
"""Default bin edges (km) of :func:`distance_distribution`; the last bin is open-ended."""


def distance_distribution(
    population: pd.DataFrame,
    nearest: NearestResult,
    norm: Norm,
    *,
    municipality: str | None = None,
    edges_km: tuple[float, ...] = DISTANCE_BINS_KM,
    unit: str = "km",
) -> pd.Series:
    """Residents per distance bin (or travel-time bin) to the nearest counted service point.

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
    unit
        ``"km"`` (distance, ``edges_km``) or ``"min"``: travel time to the fastest point in
        :data:`TIME_BINS_MIN` (for a time-only norm).

    Returns
    -------
    pandas.Series
        Residents per bin, indexed by Dutch labels (``"0–1 km"`` ...
        ``"> 20 km"``, or ``"0–5 min"`` ... ``"> 60 min"``, then ``"onbereikbaar"``).
    """
    _check(population, nearest)
    mask = np.ones(len(population), bool)
    if municipality is not None:
        require_columns(population, ["municipality"], "bevolking")
        mask = (population["municipality"].astype("string") == municipality).fillna(False).to_numpy(bool)
    if unit not in ("km", "min"):
        msg = f"onbekende eenheid {unit!r} voor de verdeling; kies 'km' of 'min'"
        raise ConfigError(msg)
    by_time = unit == "min"
    values = np.asarray(nearest.time_s if by_time else nearest.dist_m, float)[mask] / (60.0 if by_time else 1000.0)
    weight = population[norm.weight_column].to_numpy(float)[mask]
    edges = np.asarray(TIME_BINS_MIN if by_time else edges_km, float)
    finite = np.isfinite(values)
    bins = np.digitize(values[finite], edges[1:], right=True)  # 0 .. len(edges) - 1
    counts = np.bincount(bins, weights=weight[finite], minlength=len(edges))
    labels = [f"{lo:g}–{hi:g} {unit}" for lo, hi in itertools.pairwise(edges)] + [f"> {edges[-1]:g} {unit}"]
    out = pd.Series(np.append(counts, weight[~finite].sum()), index=[*labels, "onbereikbaar"], name="residents")
    out.index.name = "reistijd" if by_time else "afstand"
    return out


CURVE_STEPS_KM: tuple[float, ...] = tuple(float(x) for x in np.arange(0.5, 30.01, 0.5))
"""Distances of the coverage curve (every 500 m up to 30 km)."""
CURVE_STEPS_MIN: tuple[float, ...] = tuple(float(x) for x in range(1, 61))
"""Travel times of the coverage curve (every minute up to an hour)."""


def coverage_curve(
    population: pd.DataFrame,
    nearest: NearestResult,
    norm: Norm,
    *,
    municipality: str | None = None,
    unit: str = "km",
) -> pd.DataFrame:
    """Share of residents within each distance (or travel time) of the nearest counted service point.

    The curve helps a council choose its norm: where it flattens, a stricter
    norm buys little. Person-weighted with the norm's weight column; the
    denominator is *all* residents, so unreachable residents never count as
    within.

    Parameters
    ----------
    population
        Population points with the norm's weight column and ``municipality``.
    nearest
        Distances (and times) for the same rows.
    norm
        The norm (its age band selects the weight column).
    municipality
        Only this municipality's residents (all when ``None``).
    unit
        ``"km"`` (road distance) or ``"min"`` (travel time; needs times).

    Returns
    -------
    pandas.DataFrame
        ``limit`` (km or minutes), ``within`` (residents) and ``within_pct``.
    """
    _check(population, nearest)
    if unit not in ("km", "min"):
        msg = f"onbekende eenheid {unit!r} voor de dekkingscurve; kies km of min"
        raise ConfigError(msg)
    mask = np.ones(len(population), bool)
    if municipality is not None:
        require_columns(population, ["municipality"], "bevolking")
        mask = (population["municipality"].astype("string") == municipality).fillna(False).to_numpy(bool)
    value = nearest.dist_m / 1000.0 if unit == "km" else nearest.time_s / 60.0
    steps = np.asarray(CURVE_STEPS_KM if unit == "km" else CURVE_STEPS_MIN, float)
    weight = population[norm.weight_column].to_numpy(float)[mask]
    value = np.where(np.isnan(value[mask]), np.inf, value[mask])
    order = np.argsort(value, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(weight[order])])
    within = cum[np.searchsorted(value[order], steps, side="right")]
    total = float(weight.sum())
    pct = within / total * 100.0 if total > 0 else np.zeros_like(within)
    return pd.DataFrame({"limit": steps, "within": within, "within_pct": pct})
