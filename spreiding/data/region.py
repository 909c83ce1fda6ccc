"""One region's inputs loaded together.

:func:`load_region` reads population, service points and boundaries from the
data folder (each loader reports what it read); a
:class:`~spreiding.analysis.study.Study` analyses it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from spreiding.data.boundaries import load_municipalities, load_province, study_area
from spreiding.data.config import DataPaths, data_paths
from spreiding.data.facilities import load_facilities
from spreiding.data.population import load_cbs_vierkant, load_census_grid, load_pc4, pc4_as_population
from spreiding.data.sources import source_of

__all__ = ["OSM_FALLBACK_WARNING", "Region", "load_region"]

logger = logging.getLogger(__name__)

_RING_M = 15000.0


@dataclass(frozen=True, eq=False)
class Region:
    """The inputs of one region (never mutated after loading).

    Attributes
    ----------
    name
        Region name ("Drenthe").
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
    """

    name: str
    data_dir: Path
    population: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame
    province: gpd.GeoDataFrame
    sources: tuple[Mapping[str, Any], ...] = field(default=())

    @property
    def residents(self) -> float:
        """Total residents."""
        return float(self.population["pop_total"].sum())


OSM_FALLBACK_WARNING = "bibliotheeklijst ontbreekt: ongecontroleerde OSM-bibliotheekpunten gebruikt"


def _population(path: Path | None, data_dir: Path, municipalities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Read the population file: ``path``, or the data folder's census CSV or prepared CBS squares."""
    paths = data_paths(data_dir)
    file = path if path is not None else paths.population
    name = file.name.lower()
    if name.endswith(".csv"):
        pc4 = load_pc4(data_dir=data_dir) if paths.pc4.is_file() else None
        return load_census_grid(file, data_dir=data_dir, municipalities=municipalities, pc4=pc4)
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
    name: str = "Drenthe",
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
    name
        Region name for the total row.

    Returns
    -------
    Region
    """
    from spreiding.data.config import resolve_data_dir

    root = resolve_data_dir(data_dir)
    municipalities = load_municipalities(data_dir=root)
    province = load_province(data_dir=root)
    population = _population(Path(population_path) if population_path else None, root, municipalities)
    area = study_area(province, buffer_m=_RING_M)
    fallback = facilities_path is None and DataPaths(root).libraries_are_fallback
    facilities = load_facilities(
        facilities_path, data_dir=root, study_area=area, on_outside="drop" if fallback else "error"
    )
    if fallback:
        _mark_fallback(facilities)
    sources = tuple(s for s in (source_of(f) for f in (population, facilities, municipalities)) if s)
    return Region(name, root, population, facilities, municipalities, province, sources)
