"""The one analysis object: every question about a region goes through a :class:`Study`.

A study is built once from a region's population and service points, a
travel mode's road network (or none: crow-fly), a placement of residents and
the matrix cut-offs (:class:`StudySettings`). It answers:

- :meth:`Study.evaluate` — coverage of a norm in a scenario (the base
  situation is the scenario without edits);
- :meth:`Study.compare` — scenario B against scenario A;
- :meth:`Study.closure_impact` / :meth:`Study.opening_impact` — what closing
  one counted service point, or opening one candidate, would change;
- :meth:`Study.suggest_sites` — new sites by MCLP / LSCP / p-median.

The CLI, the app, the report, the exports and the notebook all use it. The
base situation of a norm with one limit is computed by one multi-source search
(fast); everything else reuses one points × service-points matrix built on
first need. Results are cached per study in a bounded LRU keyed on the frozen
norm and scenario; :meth:`Study.fork` gives a study that shares the immutable
base matrix but has its own cache and its own grown matrix (one per app
session), so nothing mutable is shared.

Examples
--------
A hand-made line: residents at 0, 1 and 4 km, one library at 0 km (crow-fly, no detour).

>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> from spreiding.analysis.norm import Norm
>>> pop = gpd.GeoDataFrame({"cell_id": ["a", "b", "c"], "pop_total": [10.0, 20.0, 30.0],
...     "municipality": ["X", "X", "Y"]}, geometry=[Point(0, 0), Point(1000, 0), Point(4000, 0)], crs=28992)
>>> lib = gpd.GeoDataFrame({"id": ["L"], "name": ["Bieb"], "kind": ["vestiging"], "status": ["open"]},
...     geometry=[Point(0, 0)], crs=28992)
>>> study = Study(pop, lib, settings=StudySettings(detour_factor=1.0), total_label="Proef")
>>> result = study.evaluate(Norm(name="2 km", mode="car", max_dist_m=2000.0))
>>> total = result.table.iloc[-1]
>>> str(total["municipality"]), float(total["residents"]), float(total["covered"])
('Proef', 60.0, 30.0)
>>> round(float(total["mean_dist_m"]), 1)
2333.3

Residents at 0 and 1 km (30) are within 2 km; the mean is (10·0 + 20·1000 + 30·4000) / 60.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from spreiding.analysis.coverage import TOTAL_LABEL, coverage_table
from spreiding.analysis.evaluation import (
    SCENARIO_CUTOFF_S,
    Evaluation,
    ScenarioContext,
    compare_results,
    evaluate,
    prepare_context,
)
from spreiding.analysis.groups import with_groups
from spreiding.analysis.impact import closure_impact, opening_impact
from spreiding.analysis.measures import is_covered
from spreiding.analysis.norm import Norm
from spreiding.analysis.placement import DEFAULT_PLACEMENT, PLACEMENTS, counted_facilities, population_points
from spreiding.analysis.prepared import cached_points
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
    nearest_facility,
)
from spreiding.network.roads import RoadNetwork
from spreiding.vocabulary import fmt_int

__all__ = ["BASE", "MATRIX_MAX_SITES", "Analysis", "Study", "StudySettings", "analyse"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

BASE = Scenario(name="basis")
"""The base situation: the scenario without edits."""

MATRIX_MAX_SITES = 2_000
"""Largest service-point list evaluated through the points × service-points matrix.

Above it, scenarios of a norm with one limit are evaluated like the base: one
multi-source search over the counted points (about as fast as plain coverage at
any size), and the rankings that need the matrix (closure / opening impact,
site advice) are refused with a Dutch message instead of building a matrix of
every point against every service point. Override per study with
:attr:`StudySettings.matrix_max_sites`.
"""


@dataclass(frozen=True)
class StudySettings:
    """How a study computes distances (frozen: a cache key).

    Attributes
    ----------
    mode
        Travel mode (``car``, ``bike``, ``walk``); must match the network.
    placement
        ``"street_nodes"`` (default: residents spread over residential street nodes) or
        ``"cell_centre"``. A study without a road network (crow-fly) has no streets and uses
        cell centres; its results say so in their ``placement`` column.
    cutoff_m, cutoff_s
        Largest distance / travel time kept in the points × service-points
        matrix; points beyond get an exact search, never "unreachable".
    detour_factor
        Crow-fly model only (no network).
    max_snap_m, facility_max_snap_m
        Largest straight leg to the road for residents / service points.
    matrix_max_sites
        Largest service-point list evaluated through the matrix (:data:`MATRIX_MAX_SITES`); above it
        scenarios of one-limit norms are evaluated by one search each.
    """

    mode: str = "car"
    placement: str = DEFAULT_PLACEMENT
    cutoff_m: float = DEFAULT_CUTOFF_M
    cutoff_s: float = SCENARIO_CUTOFF_S
    detour_factor: float = DEFAULT_DETOUR_FACTOR
    max_snap_m: float = DEFAULT_POINT_SNAP_M
    facility_max_snap_m: float = DEFAULT_FACILITY_SNAP_M
    matrix_max_sites: int = MATRIX_MAX_SITES

    def __post_init__(self) -> None:
        if self.placement not in PLACEMENTS:
            msg = f"onbekende plaatsing {self.placement!r}; kies uit {', '.join(PLACEMENTS)} (--placement)"
            raise ConfigError(msg)
        if not (self.cutoff_m > 0 and self.cutoff_s > 0):
            msg = (
                f"de grenzen van de afstandsmatrix zijn {self.cutoff_m!r} m en {self.cutoff_s!r} s; "
                "geef grenzen groter dan 0"
            )
            raise ConfigError(msg)
        if self.matrix_max_sites < 0:
            msg = f"matrixgrens {self.matrix_max_sites!r} kan niet; geef matrix_max_sites in de instellingen 0 of meer"
            raise ConfigError(msg)


class _LRU:
    """A small thread-safe LRU cache (bounded; one per study)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]  # type: ignore[no-any-return]
        value = make()
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class Study:
    """One region, one travel mode, one placement: every coverage question goes through here.

    Parameters
    ----------
    population
        Population cells (``pop_total``, age bands, ``municipality``, point geometry).
    facilities
        All service points, every status and kind (scenarios choose among them).
    network
        The mode's road network, or ``None`` for crow-fly estimates.
    settings
        :class:`StudySettings` (mode, placement, cut-offs, snap limits).
    total_label
        Label of the total row (the region's name).
    cache_size
        Results kept in this study's LRU cache.
    progress
        Progress bars while building the matrix.
    sources
        What the loaders read (``frame.attrs["source"]`` dicts), for provenance on every output.
    places
        OSM place points: the residents' points get their kern
        (:mod:`spreiding.analysis.kernen`), so ``evaluate(..., by="kern")``
        works and uncovered points carry ``kern_name``.
    areas
        CBS wijk/buurt polygons by level (``{"wijk": ..., "buurt": ...}``),
        for ``by="wijk"`` / ``by="buurt"``.
    region_area, outside_value
        The region's outline and the ``region`` value of service points across
        its border: site advice never closes those (see
        :func:`spreiding.siting.advice.closable_mask`); ``None``: not known.
    municipalities
        The region's municipal polygons: with street nodes, residents go to the municipality
        their street node lies in (see :func:`~spreiding.analysis.placement.population_points`).
    """

    def __init__(
        self,
        population: gpd.GeoDataFrame,
        facilities: gpd.GeoDataFrame,
        network: RoadNetwork | None = None,
        settings: StudySettings | None = None,
        *,
        total_label: str = TOTAL_LABEL,
        cache_size: int = 32,
        progress: bool = False,
        sources: tuple[Mapping[str, Any], ...] = (),
        places: gpd.GeoDataFrame | None = None,
        areas: Mapping[str, gpd.GeoDataFrame] | None = None,
        region_area: Any = None,
        outside_value: str | None = None,
        municipalities: gpd.GeoDataFrame | None = None,
    ) -> None:
        self.settings = settings or StudySettings(mode=network.mode.name if network is not None else "car")
        if network is not None and network.mode.name != self.settings.mode:
            msg = (
                f"de studie rekent voor {self.settings.mode!r} maar het wegennet is voor {network.mode.name!r}; "
                f"laad het wegennet voor {self.settings.mode} (--network) of kies dezelfde reiswijze (--mode)"
            )
            raise ConfigError(msg)
        frame = facilities.copy()
        frame["id"] = frame["id"].astype(str)
        self.population = population
        self.facilities = frame
        self.network = network
        self.total_label = total_label
        self.progress = progress
        self.sources = tuple(sources)
        self.places = places
        self.areas = dict(areas or {})
        self.region_area = region_area
        self.outside_value = outside_value
        self.municipalities = municipalities
        self._cache = _LRU(cache_size)
        self._lock = threading.RLock()
        self._base_context: ScenarioContext | None = None
        self._context: ScenarioContext | None = None

    @classmethod
    def from_region(
        cls, region: Any, network: RoadNetwork | None = None, settings: StudySettings | None = None, **kwargs: Any
    ) -> Study:
        """A study of a loaded :class:`~spreiding.data.region.Region` (its total label is the region's)."""
        label = getattr(region, "total_label", None) or region.name
        kwargs.setdefault("sources", tuple(region.sources))
        kwargs.setdefault("region_area", region.province.geometry.union_all())
        spec = getattr(region, "spec", None)
        kwargs.setdefault("outside_value", spec.columns.outside_value if spec is not None else None)
        kwargs.setdefault("municipalities", region.municipalities)
        return cls(region.population, region.facilities, network, settings, total_label=label, **kwargs)

    def fork(self) -> Study:
        """A study sharing this one's points and base matrix (immutable) with its own cache and growth."""
        other = Study.__new__(Study)
        other.__dict__.update({k: v for k, v in self.__dict__.items() if k not in ("_cache", "_lock", "_context")})
        other._cache = _LRU(self._cache.maxsize)
        other._lock = threading.RLock()
        other._context = self._base_context
        return other

    # ------------------------------------------------------------------ inputs

    @cached_property
    def points(self) -> gpd.GeoDataFrame:
        """The residents' points (street nodes, or cell centres; always cell centres without a network).

        With their kern, wijk and buurt when known.
        """
        placement = self.settings.placement
        if self.network is None and placement == "street_nodes":
            logger.info("geen wegennet (hemelsbreed): inwoners in het midden van hun cel")
            placement = "cell_centre"

        def build() -> gpd.GeoDataFrame:
            points = population_points(self.population, placement, self.network, areas=self.municipalities)
            return with_groups(points, places=self.places, areas=self.areas)

        inputs = {"population": self.population, "municipalities": self.municipalities, "places": self.places}
        inputs.update({f"areas_{level}": frame for level, frame in self.areas.items()})
        network_key = self.network.cache_key if self.network is not None else "crowfly"
        return cached_points(build, network_key=network_key, inputs=inputs, placement=placement)

    @property
    def model(self) -> DistanceModel:
        """The distance model."""
        if self.network is not None:
            return DistanceModel("network", self.network.mode.name, source=self.network.source)
        return DistanceModel("crowfly", self.settings.mode, detour_factor=self.settings.detour_factor)

    @property
    def context(self) -> ScenarioContext:
        """The points × service-points matrix (built on first use; grows with new sites)."""
        with self._lock:
            if self._context is None:
                if self._base_context is None:
                    self._base_context = self._build_context()
                self._context = self._base_context
            return self._context

    @property
    def has_matrix(self) -> bool:
        """Whether the matrix has been built."""
        return self._context is not None

    def prepare(self) -> None:
        """Build the matrix now (so forks share it), but only at or below the size switch.

        Above :attr:`StudySettings.matrix_max_sites` nothing is built: scenarios of one-limit norms are
        evaluated by search, and a two-limit norm builds the matrix on first need.
        """
        if not self.is_large:
            self.context  # noqa: B018 - built here, once

    @property
    def is_large(self) -> bool:
        """Whether the service-point list is above :attr:`StudySettings.matrix_max_sites` (search route)."""
        return len(self.facilities) > self.settings.matrix_max_sites

    def _by_search(self, norm: Norm) -> bool:
        """Whether scenarios of ``norm`` are evaluated by search (large list, one limit)."""
        if not self.is_large:
            return False
        if _two_limits(norm):
            logger.warning(
                "norm %r heeft twee grenzen: de scenario's vragen de matrix van %d punten x %d voorzieningen (traag)",
                norm.name,
                len(self.points),
                len(self.facilities),
            )
            return False
        return True

    def _refuse_large(self, what: str) -> None:
        """Raise the Dutch ConfigError for a ranking that needs the matrix on a large list."""
        if not self.is_large:
            return
        msg = (
            f"de lijst heeft {fmt_int(len(self.facilities))} punten; {what} rekent met een afstandsmatrix en is "
            f"beschikbaar tot {fmt_int(self.settings.matrix_max_sites)} punten. Beperk de lijst (bijvoorbeeld tot "
            "één gemeente of tot de bibliotheken) of verhoog matrix_max_sites in de instellingen van de studie."
        )
        raise ConfigError(msg)

    def _build_context(self) -> ScenarioContext:
        s = self.settings
        ctx = prepare_context(
            self.points,
            self.facilities,
            self.network,
            mode=s.mode,
            placement="cell_centre",  # self.points are placed already
            cutoff_m=s.cutoff_m,
            cutoff_s=s.cutoff_s,
            detour_factor=s.detour_factor,
            total_label=self.total_label,
            max_snap_m=s.max_snap_m,
            facility_max_snap_m=s.facility_max_snap_m,
            progress=self.progress,
        )
        return ctx

    def _grow(self, context: ScenarioContext) -> None:
        with self._lock:
            if self._context is None or context.matrix.shape[1] > self._context.matrix.shape[1]:
                self._context = context

    # ------------------------------------------------------------------ questions

    def _check_norm(self, norm: Norm) -> None:
        if norm.mode != self.settings.mode:
            msg = (
                f"de norm geldt voor {norm.mode!r} maar deze studie rekent afstanden voor {self.settings.mode!r}; "
                f"kies dezelfde reiswijze (--mode {norm.mode})"
            )
            raise ConfigError(msg)

    def evaluate(self, norm: Norm, scenario: Scenario | None = None, *, by: str = "municipality") -> Evaluation:
        """Coverage of ``norm`` in ``scenario`` (the base when ``None``), compared with the base.

        Parameters
        ----------
        norm
            The norm (its mode must be the study's).
        scenario
            The scenario; ``None`` or a scenario without edits is the base.
        by
            Grouping column of the population (``municipality``).

        Returns
        -------
        Evaluation
        """
        self._check_norm(norm)
        scenario = scenario if scenario is not None else BASE
        if not scenario.edits:
            return self._base(norm, by)
        key = ("scenario", norm, scenario, by)
        if self._by_search(norm):
            base_s = self._base(norm, by)
            return self._cache.get(key, lambda: self._evaluate_by_search(norm, scenario, by, base_s))
        base = self._base(norm, by, matrix=True)
        result = self._cache.get(key, lambda: evaluate(self.context, scenario, norm, by=by, base=base))
        if result.context is not None:
            self._grow(result.context)
        return result

    def _base(self, norm: Norm, by: str, *, matrix: bool = False) -> Evaluation:
        search = self.is_large and not _two_limits(norm)
        use_matrix = not search and (matrix or _two_limits(norm) or self.has_matrix)
        key = ("base", norm, by, use_matrix)
        if use_matrix:
            return self._cache.get(key, lambda: evaluate(self.context, BASE, norm, by=by))
        return self._cache.get(key, lambda: self._base_by_search(norm, by))

    def _base_by_search(self, norm: Norm, by: str) -> Evaluation:
        """The base of a one-limit norm by one multi-source search (no matrix needed)."""
        counted = counted_facilities(self.facilities, norm)
        if counted.empty:
            logger.warning(
                "geen open voorzieningen van de soorten %s tellen mee onder norm %r; kies andere soorten (--kinds)",
                sorted(norm.kinds),
                norm.name,
            )
            if not self.is_large:  # the matrix route's "everyone unreachable" (with the points' real snap legs)
                return evaluate(self.context, BASE, norm, by=by)
        return self._search_evaluation(BASE, norm, self.facilities, counted, by, None)

    def _evaluate_by_search(self, norm: Norm, scenario: Scenario, by: str, base: Evaluation) -> Evaluation:
        """A scenario of a one-limit norm by one multi-source search over its counted points (no matrix).

        Moved and new locations are searched at their scenario place (the counted rows' geometry), so
        this gives the matrix route's answer at the cost of one search.
        """
        edited = apply_scenario(self.facilities, scenario)
        counted = counted_facilities(edited, norm)
        if counted.empty:
            logger.warning("scenario %r laat geen voorziening over die meetelt", scenario.name)
        return self._search_evaluation(scenario, norm, edited, counted, by, base)

    def _search_evaluation(
        self,
        scenario: Scenario,
        norm: Norm,
        edited: gpd.GeoDataFrame,
        counted: gpd.GeoDataFrame,
        by: str,
        base: Evaluation | None,
    ) -> Evaluation:
        near = self._search(counted)
        covered = is_covered(norm, near.dist_m, near.time_s)
        table = coverage_table(self.points, near, norm, covered=covered, by=by, total_label=self.total_label)
        unreachable = float(table["unreachable"].iloc[-1])
        if unreachable > 0:
            logger.warning(
                "%.0f inwoners kunnen geen voorziening bereiken die meetelt (%s)", unreachable, near.model.label
            )
        return Evaluation(
            scenario, norm, near.model, self.points, edited, counted, near, covered, table,
            None, base, by, self.total_label,
        )  # fmt: skip

    def _search(self, counted: gpd.GeoDataFrame) -> NearestResult:
        """Nearest counted point of every resident's point by one multi-source search (``inf`` when none)."""
        s = self.settings
        sites = gpd.GeoDataFrame(
            {"id": counted["id"].astype(str).to_numpy()}, geometry=counted.geometry.to_numpy(), crs=counted.crs
        )
        if sites.empty:
            return _unreachable(self.points, self.model)
        return nearest_facility(
            self.points,
            sites,
            self.network,
            mode=s.mode,
            detour_factor=s.detour_factor,
            max_snap_m=s.max_snap_m,
            facility_max_snap_m=s.facility_max_snap_m,
        )

    def compare(self, a: Evaluation, b: Evaluation) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Scenario B against scenario A (see :func:`~spreiding.analysis.evaluation.compare_results`)."""
        return compare_results(a, b)

    def closure_impact(self, norm: Norm, scenario: Scenario | None = None) -> pd.DataFrame:
        """What closing each counted service point alone would change.

        See :func:`~spreiding.analysis.impact.closure_impact`.
        """
        self._check_norm(norm)
        self._refuse_large("de sluitingsrangorde")
        scenario = scenario if scenario is not None else BASE
        ev = self._base(norm, "municipality", matrix=True) if not scenario.edits else self.evaluate(norm, scenario)
        return self._cache.get(("closure", norm, scenario), lambda: closure_impact(ev))

    def candidate_matrix(self, candidates: gpd.GeoDataFrame) -> DistanceMatrix:
        """Points × candidate sites (one search per candidate), keyed by ``candidate_id`` / ``id``."""
        from spreiding.siting.advice import candidate_matrix

        self._refuse_large("de afstandsmatrix van kandidaatlocaties")
        return candidate_matrix(self.context, candidates, progress=self.progress)

    def opening_impact(
        self, norm: Norm, candidates: gpd.GeoDataFrame, scenario: Scenario | None = None
    ) -> pd.DataFrame:
        """What opening each candidate alone would add (see :func:`~spreiding.analysis.impact.opening_impact`)."""
        self._refuse_large("de openingsrangorde")
        ev = self.evaluate(norm, scenario)
        if ev.context is None:
            ev = self._base(norm, "municipality", matrix=True)
        return opening_impact(ev, candidates, self.candidate_matrix(candidates))

    def suggest_sites(
        self, norm: Norm, candidates: gpd.GeoDataFrame, *, scenario: Scenario | None = None, **kwargs: Any
    ) -> Any:
        """New sites by MCLP / LSCP / p-median (see :func:`spreiding.siting.advice.suggest_sites`).

        Returns
        -------
        spreiding.siting.advice.SiteAdvice
        """
        from spreiding.siting.advice import suggest_sites

        self._check_norm(norm)
        self._refuse_large("het locatieadvies")
        kwargs.setdefault("progress", self.progress)
        kwargs.setdefault("region_area", getattr(self, "region_area", None))
        kwargs.setdefault("outside_value", getattr(self, "outside_value", None))
        return suggest_sites(self.context, candidates, norm, scenario=scenario, **kwargs)


def _two_limits(norm: Norm) -> bool:
    return norm.max_dist_m is not None and norm.max_time_s is not None


def _unreachable(points: gpd.GeoDataFrame, model: DistanceModel) -> NearestResult:
    """Every point unreachable (no counted service point at all)."""
    n = len(points)
    none = np.full(n, None, dtype=object)
    inf = np.full(n, np.inf)
    return NearestResult(points.index, inf, inf, none, none, np.zeros(n), np.ones(n, bool), model)


Analysis = Evaluation
"""Former name of the result of :func:`analyse` (now an :class:`Evaluation` of the base)."""


def analyse(
    population: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    norm: Norm,
    network: RoadNetwork | None = None,
    *,
    placement: str = DEFAULT_PLACEMENT,
    total_label: str | None = None,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    max_snap_m: float = DEFAULT_POINT_SNAP_M,
    facility_max_snap_m: float = DEFAULT_FACILITY_SNAP_M,
    areas: gpd.GeoDataFrame | None = None,
) -> Evaluation:
    """Coverage of one norm in the base situation: ``Study(...).evaluate(norm)`` in one call.

    Parameters
    ----------
    population, facilities, network
        As for :class:`Study`.
    norm
        The norm.
    placement, detour_factor, max_snap_m, facility_max_snap_m
        See :class:`StudySettings`.
    total_label
        Label of the total row; default the default region's (``SPREIDING_REGION``).
    areas
        Municipal polygons for street-node placement (see :class:`Study`).

    Returns
    -------
    Evaluation
    """
    if total_label is None:
        from spreiding.data.regions import get_region

        total_label = get_region().total_label
    if network is not None and network.mode.name != norm.mode:
        msg = (
            f"de norm geldt voor {norm.mode!r}, het wegennet voor {network.mode.name!r}; "
            f"laad het wegennet voor {norm.mode} (--network) of kies dezelfde reiswijze (--mode)"
        )
        raise ConfigError(msg)
    settings = StudySettings(
        mode=norm.mode,
        placement=placement,
        detour_factor=detour_factor,
        max_snap_m=max_snap_m,
        facility_max_snap_m=facility_max_snap_m,
    )
    study = Study(population, facilities, network, settings, total_label=total_label, municipalities=areas)
    return study.evaluate(norm)
