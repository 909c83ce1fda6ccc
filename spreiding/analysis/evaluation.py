"""Evaluating what-if scenarios on precomputed distances.

Evaluation reuses one precomputed points × service-points
:class:`~spreiding.network.engine.DistanceMatrix` over *all* rows of the service
point list (:func:`prepare_context`): closing, re-opening or retyping a known
point only chooses other matrix columns; a new or moved location costs one
single-source search, cached in the returned context. Points whose every
counted service point lies beyond the matrix's cut-off get one exact search
(rare: only when a scenario closes everything within the cut-off), so a
cut-off never turns into "unreachable".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd

from spreiding._validate import rows_text
from spreiding.analysis.coverage import TOTAL_LABEL, coverage_by_age, coverage_table, uncovered_cells
from spreiding.analysis.measures import covered_by_one, is_covered
from spreiding.analysis.norm import Norm
from spreiding.analysis.placement import DEFAULT_PLACEMENT, counted_facilities, population_points
from spreiding.analysis.scenario import Scenario, apply_scenario
from spreiding.errors import ConfigError
from spreiding.network.engine import (
    DEFAULT_CUTOFF_M,
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_FACILITY_SNAP_M,
    DEFAULT_POINT_SNAP_M,
    DistanceMatrix,
    DistanceModel,
    NearestResult,
    distance_matrix,
    nearest_facility,
    snap_positions,
)
from spreiding.network.roads import RoadNetwork
from spreiding.vocabulary import Col, fmt_int, fmt_km

__all__ = [
    "CHANGE_BINS",
    "SCENARIO_CUTOFF_S",
    "TIME_CHANGE_BINS",
    "Evaluation",
    "ScenarioContext",
    "ScenarioResult",
    "check_within_cutoffs",
    "compare_results",
    "distance_change_histogram",
    "evaluate",
    "exact_nearest",
    "location_keys",
    "prepare_context",
    "site_matrix",
    "with_sites",
]

logger = logging.getLogger(__name__)

SCENARIO_CUTOFF_S = 1800.0
"""Travel times kept in a scenario matrix (about what the 20 km distance cut-off takes by car);
rows beyond it get an exact search when a time norm needs them."""

#: Bins of the distance change (scenario − base, metres): (code, label).
CHANGE_BINS: tuple[tuple[str, str], ...] = (
    ("lt_-2km", "< -2 km"),
    ("-2_-0.5km", "-2 .. -0,5 km"),
    ("-0.5_-0.1km", "-0,5 .. -0,1 km"),
    ("same", "± 0,1 km"),
    ("0.1_0.5km", "0,1 .. 0,5 km"),
    ("0.5_2km", "0,5 .. 2 km"),
    ("2_5km", "2 .. 5 km"),
    ("gt_5km", "> 5 km"),
    ("lost", "niet meer bereikbaar"),
    ("gained", "weer bereikbaar"),
    ("never", "in beide onbereikbaar"),
)
TIME_CHANGE_BINS: tuple[tuple[str, str], ...] = (
    ("lt_-2km", "< -10 min"),
    ("-2_-0.5km", "-10 .. -2 min"),
    ("-0.5_-0.1km", "-2 .. -0,5 min"),
    ("same", "± 0,5 min"),
    ("0.1_0.5km", "0,5 .. 2 min"),
    ("0.5_2km", "2 .. 5 min"),
    ("2_5km", "5 .. 10 min"),
    ("gt_5km", "> 10 min"),
    *CHANGE_BINS[-3:],
)
"""The same bins (same codes) for a change of travel time, for a time-only norm."""
_EDGES = {
    "km": ([-2000.0, -500.0, -100.0], [100.0, 500.0, 2000.0, 5000.0]),
    "min": ([-600.0, -120.0, -30.0], [30.0, 120.0, 300.0, 600.0]),
}
"""Bin edges of :data:`CHANGE_BINS` (metres) and :data:`TIME_CHANGE_BINS` (seconds): shorter, longer."""


@dataclass(frozen=True, eq=False)
class ScenarioContext:
    """Precomputed distances for scenario work (never mutated).

    Attributes
    ----------
    points
        Residents' points (cells or street placements).
    facilities
        All service points (every status) the base stands on.
    matrix
        Points × location keys (all rows of ``facilities`` plus any new or
        moved locations added since).
    network
        The road network (``None`` for crow-fly).
    detour_factor
        Crow-fly detour factor.
    total_label
        Label of the total row.
    cutoff_s
        Travel times kept in the matrix (new sites use the same cut-offs).
    max_snap_m, facility_max_snap_m
        Snap limits of the points and of the service points.
    point_snap
        The points' snap to the network (:func:`~spreiding.network.engine.snap_positions`), kept so a
        new site does not snap every point again (``None`` for crow-fly).
    """

    points: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    matrix: DistanceMatrix
    network: RoadNetwork | None = None
    detour_factor: float = DEFAULT_DETOUR_FACTOR
    total_label: str = TOTAL_LABEL
    cutoff_s: float = SCENARIO_CUTOFF_S
    max_snap_m: float = DEFAULT_POINT_SNAP_M
    facility_max_snap_m: float = DEFAULT_FACILITY_SNAP_M
    point_snap: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def model(self) -> DistanceModel:
        """The distance model."""
        return self.matrix.model


def prepare_context(
    population: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network: RoadNetwork | None = None,
    *,
    mode: str = "car",
    placement: str | None = None,
    cutoff_m: float = DEFAULT_CUTOFF_M,
    cutoff_s: float = SCENARIO_CUTOFF_S,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    total_label: str = TOTAL_LABEL,
    max_snap_m: float = DEFAULT_POINT_SNAP_M,
    facility_max_snap_m: float = DEFAULT_FACILITY_SNAP_M,
    progress: bool = False,
) -> ScenarioContext:
    """Compute the points × all-service-points matrix once for scenario work.

    Parameters
    ----------
    population
        Population cells.
    facilities
        All service points, every status and kind (so closing, re-opening
        or retyping is a choice of columns).
    network
        The mode's road network, or ``None`` for crow-fly estimates.
    mode
        Travel mode (must match the network).
    placement
        ``"street_nodes"`` or ``"cell_centre"``; ``None``: street nodes with a network, cell centres
        without one.
    cutoff_m, cutoff_s
        Largest distance / travel time kept (use more than the norm;
        points beyond both have ``inf`` and count as unreachable).
    detour_factor
        Crow-fly only.
    total_label
        Label of the total row.
    progress
        Show a progress bar.
    """
    if placement is None:
        placement = DEFAULT_PLACEMENT if network is not None else "cell_centre"
    points = population_points(population, placement, network)
    frame = facilities.copy()
    frame["id"] = frame["id"].astype(str)
    snapped = snap_positions(points, network, max_snap_m) if network is not None else None
    matrix = distance_matrix(
        points,
        frame,
        network,
        mode=mode,
        cutoff_m=cutoff_m,
        cutoff_s=cutoff_s,
        detour_factor=detour_factor,
        max_snap_m=max_snap_m,
        facility_max_snap_m=facility_max_snap_m,
        progress=progress,
        snapped_points=snapped,
    )
    if network is not None and not np.isfinite(matrix.dist_m).any(axis=1).all():
        far = int((~np.isfinite(matrix.dist_m).any(axis=1)).sum())
        logger.warning(
            "%s bevolkingspunt(en) hebben geen servicepunt (welke status ook) binnen %s over de weg en tellen "
            "als onbereikbaar; controleer of het wegennet (--network) en de voorzieningenlijst (--facilities) "
            "bij de regio horen",
            fmt_int(far),
            fmt_km(cutoff_m, 0),
        )
    return ScenarioContext(
        points, frame, matrix, network, detour_factor, total_label, cutoff_s, max_snap_m, facility_max_snap_m, snapped
    )


def site_matrix(
    context: ScenarioContext, ids: pd.Series, geometry: gpd.GeoSeries, *, progress: bool = False
) -> DistanceMatrix:
    """Distances from the context's points to other sites (one search each), with the context's settings.

    Parameters
    ----------
    context
        The scenario context (points, network, cut-offs).
    ids
        Site ids (become the matrix's column ids).
    geometry
        Site points.
    progress
        Show a progress bar.
    """
    frame = gpd.GeoDataFrame({"id": ids.astype(str).to_numpy()}, geometry=geometry.to_numpy(), crs=geometry.crs)
    return distance_matrix(
        context.points,
        frame,
        context.network,
        mode=context.model.mode,
        cutoff_m=context.matrix.cutoff_m,
        cutoff_s=context.cutoff_s,
        detour_factor=context.detour_factor,
        max_snap_m=context.max_snap_m,
        facility_max_snap_m=context.facility_max_snap_m,
        progress=progress,
        snapped_points=context.point_snap,
    )


def with_sites(
    context: ScenarioContext, sites: gpd.GeoDataFrame, *, key_column: str = "location_key"
) -> ScenarioContext:
    """Return a context whose matrix also has the columns of ``sites`` (one search per new key).

    Keys already in the matrix cost nothing.
    """
    keys = sites[key_column].astype(str)
    new = sites.loc[~keys.isin(context.matrix.facility_ids).to_numpy()].drop_duplicates(key_column)
    if new.empty:
        return context
    extra = site_matrix(context, new[key_column], new.geometry)
    if extra.excluded:
        logger.warning(
            "nieuwe plek(ken) %s liggen te ver van het wegennet en bereiken niemand; kies een plek dichter bij een weg",
            rows_text(extra.excluded),
        )
    return replace(context, matrix=context.matrix.extend(extra))


def location_keys(counted: gpd.GeoDataFrame) -> np.ndarray:
    """The matrix column keys of service points (``location_key`` after a move or an opening, else ``id``)."""
    column = "location_key" if "location_key" in counted else "id"
    return counted[column].astype(str).to_numpy()


def _nearest(context: ScenarioContext, counted: gpd.GeoDataFrame) -> NearestResult:
    """Nearest counted point from the matrix, completed exactly beyond the cut-off, ids (not keys)."""
    keys = location_keys(counted)
    near = _beyond_cutoff(context, counted, keys, context.matrix.nearest(keys))
    ids = counted["id"].astype(str).to_numpy()
    if np.array_equal(keys, ids):  # no moved or new location: the keys are the ids
        return near
    return near.with_ids(pd.Series(ids, index=keys))


def _beyond_cutoff(
    context: ScenarioContext, counted: gpd.GeoDataFrame, keys: np.ndarray, near: NearestResult
) -> NearestResult:
    """Exact distances and times for points whose counted service points all lie beyond the matrix cut-off.

    A cut-off never turns into "unreachable": only a point without any path
    keeps ``inf`` (see :mod:`spreiding.analysis.measures`).
    """
    missing = ~np.isfinite(near.dist_m) | ~np.isfinite(near.time_s)
    far = near.snapped & missing
    if not far.any() or counted.empty:
        return near
    rows = np.flatnonzero(far)
    exact = exact_nearest(context, rows, keys, counted.geometry)
    logger.info("%d punt(en) voorbij de grens van de afstandsmatrix: exact gezocht", rows.size)
    return near.with_rows(rows, exact)


def exact_nearest(
    context: ScenarioContext, rows: np.ndarray, keys: np.ndarray, geometry: gpd.GeoSeries, *, with_time: bool = True
) -> NearestResult:
    """One exact multi-source search (no cut-off) from some points (positions) to some sites.

    Uses the context's network, mode, detour factor and snap limits.
    """
    sites = gpd.GeoDataFrame({"id": keys}, geometry=np.asarray(geometry), crs=geometry.crs)
    return nearest_facility(
        context.points.iloc[rows],
        sites,
        context.network,
        mode=context.model.mode,
        detour_factor=context.detour_factor,
        max_snap_m=context.max_snap_m,
        facility_max_snap_m=context.facility_max_snap_m,
        with_time=with_time,
    )


def check_within_cutoffs(context: ScenarioContext, norm: Norm) -> None:
    """Refuse a norm whose limits lie beyond the matrix cut-offs (the matrix could not tell coverage)."""
    if (norm.max_dist_m or 0.0) > context.matrix.cutoff_m or (norm.max_time_s or 0.0) > context.cutoff_s:
        msg = (
            f"norm {norm.describe()!r} gaat verder dan de grenzen van de afstandsmatrix "
            f"({context.matrix.cutoff_m:.0f} m, {context.cutoff_s:.0f} s); kies een kleinere --max-km of --max-min"
        )
        raise ConfigError(msg)


def covered_points(context: ScenarioContext, counted: gpd.GeoDataFrame, near: NearestResult, norm: Norm) -> np.ndarray:
    """Coverage per point: one counted service point meets every limit of the norm.

    A norm with one limit is decided by the (exact) nearest point; a norm with
    two limits by the matrix (both limits must lie within its cut-offs).
    """
    if norm.max_dist_m is None or norm.max_time_s is None:
        return is_covered(norm, near.dist_m, near.time_s)
    check_within_cutoffs(context, norm)
    cols = context.matrix.columns(location_keys(counted))
    return covered_by_one(norm, context.matrix.dist_m[:, cols], context.matrix.time_s[:, cols])


def distance_change_histogram(
    population: pd.DataFrame,
    nearest_base: NearestResult,
    nearest: NearestResult,
    norm: Norm,
    *,
    by: str = "municipality",
    total_label: str = TOTAL_LABEL,
    unit: str = "km",
) -> pd.DataFrame:
    """Residents per bin of distance change (scenario − base), per group and in total.

    Bins: :data:`CHANGE_BINS` (``< -2 km`` ... ``> 5 km``; ``± 0,1 km`` is
    ``|change| <= 100 m``), plus "no longer reachable", "reachable again"
    and "unreachable in both". With ``unit="min"`` (a time-only norm) the change of travel time to the fastest
    point, in :data:`TIME_CHANGE_BINS` (``± 0,5 min`` is ``|change| <= 30 s``).

    Returns
    -------
    pandas.DataFrame
        Long format: ``municipality``, ``bin``, ``label``, ``residents``
        (weighted by the norm's population column), total rows last.
    """
    if unit not in _EDGES:
        msg = f"onbekende eenheid {unit!r} voor de verandering; kies 'km' of 'min'"
        raise ConfigError(msg)
    by_time = unit == "min"
    d0 = np.asarray(nearest_base.time_s if by_time else nearest_base.dist_m, float)
    d1 = np.asarray(nearest.time_s if by_time else nearest.dist_m, float)
    f0, f1 = np.isfinite(d0), np.isfinite(d1)
    with np.errstate(invalid="ignore"):
        delta = np.where(f0 & f1, d1 - d0, 0.0)
    shorter, longer = _EDGES[unit]
    neg = np.digitize(delta, shorter)  # 0..3
    pos = np.digitize(delta, longer, right=True)  # 0..4
    code = np.where(neg < 3, neg, 3 + pos)
    code = np.where(f0 & ~f1, 8, np.where(~f0 & f1, 9, np.where(~f0 & ~f1, 10, code)))
    weight = population[norm.weight_column].to_numpy(float)
    groups, names = pd.factorize(population[by].astype("string").fillna("(onbekend)"), sort=True)
    nb = len(CHANGE_BINS)
    per = np.bincount(groups * nb + code, weights=weight, minlength=len(names) * nb).reshape(len(names), nb)
    total = np.bincount(code, weights=weight, minlength=nb)[None, :]
    counts = np.vstack([per, total])
    labels = [*map(str, names), total_label]
    bins = TIME_CHANGE_BINS if by_time else CHANGE_BINS
    return pd.DataFrame(
        {
            "municipality": np.repeat(labels, nb),
            "bin": [b for _ in labels for b, _l in bins],
            "label": [lab for _ in labels for _b, lab in bins],
            "residents": counts.ravel(),
        }
    )


_DIFF_KEEP = (Col.COVERED, Col.COVERED_PCT, Col.UNREACHABLE, Col.MEAN_DIST_M, Col.MEAN_TIME_S)


def _diff(
    table_base: pd.DataFrame,
    table: pd.DataFrame,
    population: pd.DataFrame,
    bands: list[str],
    lose_mask: np.ndarray,
    gain_mask: np.ndarray,
    by: str,
) -> pd.DataFrame:
    """Base, scenario and delta columns plus residents losing/gaining coverage, row-aligned with the tables."""
    keys = [c for c in ("code", "name", "municipality", "age_band", "age_label") if c in table_base.columns]
    out = table_base.loc[:, [*keys, "residents"]].reset_index(drop=True)
    for col in _DIFF_KEEP:
        b, s = table_base[col].to_numpy(float), table[col].to_numpy(float)
        out[f"{col}_base"] = b
        out[col] = s
        with np.errstate(invalid="ignore"):
            out[f"{col}_delta"] = s - b
    groups, names = pd.factorize(population[by].astype("string").fillna("(onbekend)"), sort=True)
    lose: list[np.ndarray] = []
    gain: list[np.ndarray] = []
    for band in bands:  # at most six bands: columns, not cells
        w = population[band].to_numpy(float)
        for mask, acc in ((lose_mask, lose), (gain_mask, gain)):
            per = np.bincount(groups, weights=np.where(mask, w, 0.0), minlength=len(names))
            acc.append(np.append(per, per.sum()))
    out["lose_coverage"] = np.concatenate(lose)
    out["gain_coverage"] = np.concatenate(gain)
    return out


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A scenario evaluated against a norm (the base situation is the scenario without edits).

    Tables that are not always shown (age bands, the diff with the base, the
    change histogram, uncovered points) are computed on first access.

    Attributes
    ----------
    scenario, norm, model
        What was evaluated, with which distance model.
    points
        The residents' points (cells or street placements).
    facilities
        The full service-point list after the edits (see :func:`apply_scenario`).
    counted
        The service points that count under the norm.
    nearest
        Nearest counted service point per point (exact; ``inf`` only without a path).
    covered
        Whether each point meets the norm (:mod:`spreiding.analysis.measures`).
    table
        Coverage per municipality (+ total row).
    context
        The precomputed distances the evaluation used (extended with new sites).
    base
        The evaluation of the base (``None`` when this is the base).
    by
        Grouping column.
    """

    scenario: Scenario
    norm: Norm
    model: DistanceModel
    points: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    counted: gpd.GeoDataFrame
    nearest: NearestResult
    covered: np.ndarray
    table: pd.DataFrame
    context: ScenarioContext | None = None
    base: Evaluation | None = None
    by: str = "municipality"
    total_label: str = TOTAL_LABEL

    @property
    def is_base(self) -> bool:
        """Whether this is the base situation."""
        return self.base is None

    @property
    def _base(self) -> Evaluation:
        return self if self.base is None else self.base

    @property
    def nearest_base(self) -> NearestResult:
        """Nearest counted point in the base."""
        return self._base.nearest

    @property
    def table_base(self) -> pd.DataFrame:
        """Coverage table of the base."""
        return self._base.table

    @property
    def covered_base(self) -> np.ndarray:
        """Coverage per point in the base."""
        return self._base.covered

    @property
    def excluded(self) -> tuple[str, ...]:
        """Counted service points left out for lying too far from the road network."""
        return self.nearest.excluded

    @property
    def placement(self) -> str:
        """How residents were placed (``cell_centre`` / ``street_nodes``)."""
        if "placement" not in self.points or self.points.empty:
            return "cell_centre"
        return ",".join(sorted(self.points["placement"].astype(str).unique()))

    @cached_property
    def diff(self) -> pd.DataFrame:
        """Per municipality: base, scenario and delta of covered residents, covered %, unreachable, mean
        distance and mean time; residents who lose or gain coverage (the norm's population column)."""
        c0, c1 = self.covered_base, self.covered
        return _diff(self.table_base, self.table, self.points, [self.norm.weight_column], c0 & ~c1, c1 & ~c0, self.by)

    @property
    def total(self) -> pd.Series:
        """The total row of :attr:`diff`."""
        return self.diff.iloc[-1]

    @cached_property
    def change_hist(self) -> pd.DataFrame:
        """Residents per bin of distance change (:func:`distance_change_histogram`)."""
        return distance_change_histogram(
            self.points,
            self.nearest_base,
            self.nearest,
            self.norm,
            by=self.by,
            total_label=self.total_label,
            unit=self.norm.figure_unit,
        )

    @cached_property
    def by_age(self) -> pd.DataFrame:
        """Coverage per municipality and age band (long)."""
        out = coverage_by_age(
            self.points, self.nearest, self.norm, covered=self.covered, by=self.by, total_label=self.total_label
        )
        if self.norm.age_band is not None:  # the norm's own band keeps the norm's description
            out.loc[out["age_band"] == self.norm.age_band, "norm"] = self.norm.describe()
        return out

    @property
    def by_age_base(self) -> pd.DataFrame:
        """Base coverage per municipality and age band (long)."""
        return self._base.by_age

    @cached_property
    def diff_by_age(self) -> pd.DataFrame:
        """:attr:`diff` for every age band (long: ``municipality, age_band, age_label, ...``)."""
        c0, c1 = self.covered_base, self.covered
        bands = list(dict.fromkeys(self.by_age_base["age_band"]))
        return _diff(self.by_age_base, self.by_age, self.points, bands, c0 & ~c1, c1 & ~c0, self.by)

    @cached_property
    def uncovered(self) -> gpd.GeoDataFrame:
        """Points that do not meet the norm, largest first."""
        return uncovered_cells(self.points, self.nearest, self.norm, self.covered)


ScenarioResult = Evaluation
"""Former name of :class:`Evaluation`."""


def _check_mode(context: ScenarioContext, norm: Norm) -> None:
    if norm.mode != context.model.mode:
        msg = (
            f"de norm geldt voor {norm.mode!r} maar de scenario-afstanden zijn voor {context.model.mode!r}; "
            f"kies dezelfde reiswijze (--mode {norm.mode})"
        )
        raise ConfigError(msg)


def evaluate(
    context: ScenarioContext,
    scenario: Scenario,
    norm: Norm,
    *,
    by: str = "municipality",
    base: Evaluation | None = None,
) -> Evaluation:
    """Evaluate a scenario against a norm, compared with the base.

    Parameters
    ----------
    context
        From :func:`prepare_context` (or a previous result's ``context``).
    scenario
        The scenario (an empty scenario gives the base).
    norm
        The norm; its mode must be the context's.
    by
        Grouping column of the population.
    base
        The base evaluation for the same norm and grouping, when already known
        (computed here otherwise).

    Returns
    -------
    Evaluation

    Raises
    ------
    ConfigError
        The norm's mode differs from the context's.
    ScenarioError
        An edit cannot be applied.
    """
    _check_mode(context, norm)
    edited = apply_scenario(context.facilities, scenario)
    counted = counted_facilities(edited, norm)
    located = counted.loc[counted["location_key"] != counted["id"]]
    if not located.empty:
        context = with_sites(context, located)
    if counted.empty:
        logger.warning(
            "in scenario %r blijft geen servicepunt over dat meetelt voor de norm; heropen een punt of neem meer "
            "soorten mee in de norm (--kinds)",
            scenario.name,
        )
    near = _nearest(context, counted)
    covered = covered_points(context, counted, near, norm)
    table = coverage_table(context.points, near, norm, covered=covered, by=by, total_label=context.total_label)
    if scenario.edits and base is None:
        base = evaluate(context, Scenario(name="basis"), norm, by=by)
    return Evaluation(
        scenario,
        norm,
        context.model,
        context.points,
        edited,
        counted,
        near,
        covered,
        table,
        context,
        base if scenario.edits else None,
        by,
        context.total_label,
    )


def compare_results(a: Evaluation, b: Evaluation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare scenario B with scenario A directly (not each with the base).

    Uses the two results' distances and coverage only; no graph search.

    Parameters
    ----------
    a, b
        Two evaluations for the same points, norm and grouping.

    Returns
    -------
    table : pandas.DataFrame
        One row per municipality plus the total row (order of ``a.table``):
        ``municipality``, ``residents``; for ``covered``, ``covered_pct``,
        ``unreachable``, ``mean_dist_m`` and ``mean_time_s`` the columns
        ``<col>_a``, ``<col>_b`` and ``<col>_delta`` (B − A); residents who
        ``lose_coverage`` (covered in A, not in B) and ``gain_coverage``
        (covered in B, not in A), weighted by the norm's population column.
    histogram : pandas.DataFrame
        Residents per bin of distance change from A to B
        (:func:`distance_change_histogram`, total rows last).

    Raises
    ------
    ConfigError
        The results differ in norm, grouping or points.
    """
    if a.norm != b.norm:
        msg = (
            f"scenario {a.scenario.name!r} is doorgerekend voor norm {a.norm.describe()!r} en "
            f"{b.scenario.name!r} voor {b.norm.describe()!r}; reken beide door met dezelfde norm"
        )
        raise ConfigError(msg)
    if a.by != b.by:
        msg = f"uitkomsten gegroepeerd per {a.by!r} en per {b.by!r}; reken beide door met dezelfde groepering"
        raise ConfigError(msg)
    points = a.points
    if not points.index.equals(b.points.index) or len(a.table) != len(b.table):
        msg = (
            f"scenario's {a.scenario.name!r} en {b.scenario.name!r} zijn doorgerekend op verschillende punten; "
            "reken beide door met dezelfde gegevens"
        )
        raise ConfigError(msg)
    cov_a, cov_b = a.covered, b.covered
    table = _diff(a.table, b.table, points, [a.norm.weight_column], cov_a & ~cov_b, cov_b & ~cov_a, a.by)
    renames = {f"{col}_base": f"{col}_a" for col in _DIFF_KEEP} | {col: f"{col}_b" for col in _DIFF_KEEP}
    table = table.rename(columns=renames)
    hist = distance_change_histogram(
        points, a.nearest, b.nearest, a.norm, by=a.by, total_label=a.total_label, unit=a.norm.figure_unit
    )
    return table, hist
