"""One region's inputs loaded together, and the coverage analysis on them.

:func:`load_region` reads population, service points and boundaries from the
data folder, with the file names and settings of the region's
:class:`~spreiding.data.regions.RegionSpec` (each loader reports what it
read); :func:`analyse` computes distances for a norm and returns every
coverage table at once. The CLI and the app both go through these two
functions.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from spreiding.analysis.coverage import coverage_by_age, coverage_table, uncovered_cells
from spreiding.analysis.norm import Norm
from spreiding.analysis.placement import place_on_streets
from spreiding.data.boundaries import load_municipalities, load_province, study_area
from spreiding.data.config import DataPaths, resolve_data_dir
from spreiding.data.facilities import load_facilities, select_facilities
from spreiding.data.population import load_cbs_vierkant, load_census_grid, load_pc4, pc4_as_population
from spreiding.data.regions import RegionLike, RegionSpec, get_region
from spreiding.data.sources import source_of
from spreiding.errors import ConfigError, InvalidDataError
from spreiding.network.engine import (
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_FACILITY_SNAP_M,
    DEFAULT_POINT_SNAP_M,
    DistanceModel,
    nearest_facility,
)
from spreiding.network.roads import RoadNetwork

__all__ = [
    "OSM_FALLBACK_WARNING",
    "PLACEMENTS",
    "Analysis",
    "Region",
    "analyse",
    "counted_facilities",
    "load_region",
    "population_points",
]

logger = logging.getLogger(__name__)

PLACEMENTS = ("cell_centre", "street_nodes")


@dataclass(frozen=True, eq=False)
class Region:
    """The inputs of one region (never mutated after loading).

    Attributes
    ----------
    name
        Region name (the spec's province name, e.g. "Drenthe").
    data_dir
        Folder the data came from.
    population
        Population cells (one row per cell, EPSG:28992).
    facilities
        All service points, every status (open, closed, planned, ...).
    municipalities, province
        Boundaries.
    sources
        What every loader read (see :mod:`spreiding.data.sources`).
    spec
        The region file's settings (file names, ring, column names, total label).
    """

    name: str
    data_dir: Path
    population: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame
    province: gpd.GeoDataFrame
    sources: tuple[Mapping[str, Any], ...] = field(default=())
    spec: RegionSpec = field(default_factory=get_region)

    @property
    def total_label(self) -> str:
        """Label of the total row of coverage tables (``spec.total_label``)."""
        return self.spec.total_label

    @property
    def residents(self) -> float:
        """Total residents."""
        return float(self.population["pop_total"].sum())


OSM_FALLBACK_WARNING = "bibliotheeklijst ontbreekt: ongecontroleerde OSM-bibliotheekpunten gebruikt"


def _population(path: Path | None, paths: DataPaths, municipalities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Read the population file: ``path``, or the data folder's census CSV or prepared CBS squares."""
    file = path if path is not None else paths.population
    name = file.name.lower()
    if name.endswith(".csv"):
        pc4 = load_pc4(data_dir=paths.root, region=paths.spec) if paths.pc4.is_file() else None
        return load_census_grid(file, data_dir=paths.root, municipalities=municipalities, pc4=pc4, region=paths.spec)
    if "pc4" in name:
        return pc4_as_population(load_pc4(file))
    return load_cbs_vierkant(file, municipalities=municipalities)


def _mark_fallback(facilities: gpd.GeoDataFrame) -> None:
    """Add the OSM-fallback warning to the SourceInfo of a frame ``load_region`` itself loaded."""
    info = dict(source_of(facilities) or {})
    info["warnings"] = [*info.get("warnings", []), OSM_FALLBACK_WARNING]
    info["description"] = "unchecked OpenStreetMap library points (no compiled list)"
    facilities.attrs["source"] = info
    logger.warning("facilities: %s (%s)", OSM_FALLBACK_WARNING, info.get("path", ""))


def load_region(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    population_path: str | os.PathLike[str] | None = None,
    facilities_path: str | os.PathLike[str] | None = None,
    region: RegionLike = None,
    name: str | None = None,
) -> Region:
    """Load population, service points and boundaries from the data folder.

    Parameters
    ----------
    data_dir
        Data folder (default: see :func:`spreiding.data.config.resolve_data_dir`).
    population_path
        Other population file: Eurostat grid CSV, CBS vierkantstatistieken
        GeoPackage, or the PC4 GeoPackage (file name containing ``pc4``).
        Default :attr:`spreiding.data.config.DataPaths.population`: the census
        CSV when present, else the CBS squares ``spreiding fetch`` prepared.
    facilities_path
        Other service-point file (CSV, GeoJSON, GeoPackage). Default
        :attr:`spreiding.data.config.DataPaths.libraries`; when that is the OSM
        fallback (no compiled list), its SourceInfo carries the warning
        :data:`OSM_FALLBACK_WARNING` and points outside the study area are
        dropped rather than refused.
    region
        The region: a :class:`~spreiding.data.regions.RegionSpec`, a region
        key (``spreiding/data/regions/<key>.json``), the path of a region
        file, or ``None`` for the default region (``SPREIDING_REGION``, else
        ``drenthe``). It names the default files and the ring (``ring_m``)
        around the province within which service points are accepted.
    name
        Region name; default the spec's province name.

    Returns
    -------
    Region
        Carries the spec; :attr:`Region.total_label` is ``spec.total_label``.
    """
    spec = get_region(region)
    paths = DataPaths(resolve_data_dir(data_dir), spec)
    root = paths.root
    municipalities = load_municipalities(data_dir=root, region=spec)
    province = load_province(data_dir=root, region=spec)
    population = _population(Path(population_path) if population_path else None, paths, municipalities)
    area = study_area(province, buffer_m=spec.ring_m)
    fallback = facilities_path is None and paths.libraries_are_fallback
    facilities = load_facilities(
        facilities_path, data_dir=root, study_area=area, on_outside="drop" if fallback else "error", region=spec
    )
    if fallback:
        _mark_fallback(facilities)
    sources = tuple(s for s in (source_of(f) for f in (population, facilities, municipalities)) if s)
    label = name if name is not None else spec.name
    return Region(label, root, population, facilities, municipalities, province, sources, spec)


def population_points(
    population: gpd.GeoDataFrame, placement: str = "cell_centre", network: RoadNetwork | None = None
) -> gpd.GeoDataFrame:
    """Residents' points: cell centres, or spread over residential street nodes.

    Parameters
    ----------
    population
        Population cells.
    placement
        ``"cell_centre"`` or ``"street_nodes"`` (needs ``network``).
    network
        Road network whose residential street nodes receive the residents.
    """
    if placement not in PLACEMENTS:
        msg = f"unknown placement {placement!r}; use one of {PLACEMENTS}"
        raise ConfigError(msg)
    if placement == "cell_centre":
        return population
    if network is None:
        msg = "placement 'street_nodes' needs a road network; load one or use placement 'cell_centre'"
        raise ConfigError(msg)
    return place_on_streets(population, network.x, network.y, network.residential, fallback=network.in_lcc)


def counted_facilities(facilities: gpd.GeoDataFrame, norm: Norm) -> gpd.GeoDataFrame:
    """The open service points of the kinds the norm counts."""
    return select_facilities(facilities, kinds=sorted(norm.kinds), statuses=("open",))


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything one coverage run produces.

    Attributes
    ----------
    norm
        The norm applied.
    model
        Distance model (network mode or crow-fly).
    points
        The residents' points used (cells or street placements).
    nearest
        Distance, time and nearest service point per point.
    table
        Coverage per municipality plus the total row.
    by_age
        Coverage per municipality and age band.
    uncovered
        Points that do not meet the norm.
    facilities
        The service points that counted.
    """

    norm: Norm
    model: DistanceModel
    points: gpd.GeoDataFrame
    nearest: pd.DataFrame
    table: pd.DataFrame
    by_age: pd.DataFrame
    uncovered: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame

    @property
    def excluded_facilities(self) -> list[dict[str, Any]]:
        """Service points left out because they lie too far from the road network."""
        return list(self.nearest.attrs.get("excluded_facilities", []))


def analyse(
    population: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    norm: Norm,
    network: RoadNetwork | None = None,
    *,
    placement: str = "cell_centre",
    total_label: str | None = None,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    max_snap_m: float = DEFAULT_POINT_SNAP_M,
    facility_max_snap_m: float = DEFAULT_FACILITY_SNAP_M,
) -> Analysis:
    """Distances and coverage for one norm.

    Parameters
    ----------
    population
        Population cells of the region.
    facilities
        All service points; the open ones of the norm's kinds count.
    norm
        The norm.
    network
        Road network of the norm's mode, or ``None`` for crow-fly estimates.
    placement
        Where residents are placed (see :func:`population_points`).
    total_label
        Label of the total row; default the default region's
        (``get_region().total_label``). Pass ``region.total_label`` for a
        loaded :class:`Region`.
    detour_factor, max_snap_m, facility_max_snap_m
        See :func:`spreiding.network.engine.nearest_facility`.

    Returns
    -------
    Analysis
    """
    if network is not None and network.mode.name != norm.mode:
        msg = (
            f"the norm is for {norm.mode!r} but the network is for {network.mode.name!r}; load the {norm.mode} network"
        )
        raise ConfigError(msg)
    counted = counted_facilities(facilities, norm)
    if counted.empty:
        msg = f"no open service points of kinds {sorted(norm.kinds)}; check the service-point file or the norm's kinds"
        raise InvalidDataError(msg)
    points = population_points(population, placement, network)
    nearest = nearest_facility(
        points,
        counted,
        network,
        mode=norm.mode,
        detour_factor=detour_factor,
        max_snap_m=max_snap_m,
        facility_max_snap_m=facility_max_snap_m,
    )
    model = DistanceModel(**nearest.attrs["model"])
    total_label = total_label if total_label is not None else get_region().total_label
    table = coverage_table(points, nearest, norm, total_label=total_label)
    by_age = coverage_by_age(points, nearest, norm, total_label=total_label)
    uncovered = uncovered_cells(points, nearest, norm)
    unreachable = float(table["unreachable"].iloc[-1])
    if unreachable > 0:
        logger.warning("%.0f residents cannot reach a counted service point (%s)", unreachable, model.label)
    return Analysis(norm, model, points, nearest, table, by_age, uncovered, counted)
