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

from spreiding.data._plausible import check_municipalities
from spreiding.data.border import SHARE_COLUMN, load_border_cells, with_border_cells
from spreiding.data.boundaries import load_municipalities, load_province, study_area
from spreiding.data.config import DataPaths, resolve_data_dir
from spreiding.data.facilities import load_facilities
from spreiding.data.population import load_cbs_vierkant, load_census_grid, load_pc4, pc4_as_population
from spreiding.data.regions import RegionLike, RegionSpec, get_region
from spreiding.data.sources import source_of

__all__ = ["OSM_FALLBACK_WARNING", "Region", "load_region"]

logger = logging.getLogger(__name__)


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
    border_file
        The ring-cell file that belongs beside the region's census grid (whether present or not;
        read when present), or ``None`` when another population file is used.
    """

    name: str
    data_dir: Path
    population: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame
    province: gpd.GeoDataFrame
    sources: tuple[Mapping[str, Any], ...] = field(default=())
    spec: RegionSpec = field(default_factory=get_region)
    border_file: Path | None = None

    @property
    def total_label(self) -> str:
        """Label of the total row of coverage tables (``spec.total_label``)."""
        return self.spec.total_label

    @property
    def residents(self) -> float:
        """Total residents (ring cells weighted by their share inside the region)."""
        pop = self.population["pop_total"].to_numpy(dtype="float64")
        if SHARE_COLUMN in self.population.columns:
            pop = pop * self.population[SHARE_COLUMN].to_numpy(dtype="float64", na_value=1.0)
        return float(pop.sum())

    @property
    def border_cells(self) -> int:
        """Ring cells in the population (0 when the ring-cell file is absent or not used)."""
        if SHARE_COLUMN not in self.population.columns:
            return 0
        return int((self.population[SHARE_COLUMN].to_numpy(dtype="float64", na_value=1.0) < 1.0).sum())


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


def _add_border_cells(
    population: gpd.GeoDataFrame, paths: DataPaths, municipalities: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, Mapping[str, Any] | None]:
    """The census cells plus the ring cells beside the grid when that file is present, and its source."""
    if not paths.border_grid.is_file():
        logger.warning(
            "geen randcellenbestand in %s: cellen over de grens met hun midden buiten de regio ontbreken; "
            "maak het met `spreiding prepare`",
            paths.border_grid,
        )
        return population, None
    pc4 = load_pc4(data_dir=paths.root, region=paths.spec) if paths.pc4.is_file() else None
    border = load_border_cells(data_dir=paths.root, municipalities=municipalities, pc4=pc4, region=paths.spec)
    return with_border_cells(population, border), source_of(border)


def _mark_fallback(facilities: gpd.GeoDataFrame) -> None:
    """Add the OSM-fallback warning to the SourceInfo of a frame ``load_region`` itself loaded."""
    info = dict(source_of(facilities) or {})
    info["warnings"] = [*info.get("warnings", []), OSM_FALLBACK_WARNING]
    info["description"] = "ongecontroleerde OpenStreetMap-bibliotheekpunten (geen samengestelde lijst)"
    facilities.attrs["source"] = info
    logger.warning(
        "bibliotheekvestigingen: %s (%s); zet een gecontroleerde lijst in de gegevensmap of geef --facilities",
        OSM_FALLBACK_WARNING,
        info.get("path", ""),
    )


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

    Raises
    ------
    ImplausibleDataError
        The boundaries lack a municipality of the region file (its residents
        would silently go to a neighbour), or a population file fails the
        plausibility checks of :mod:`spreiding.data._plausible`.
    """
    spec = get_region(region)
    paths = DataPaths(resolve_data_dir(data_dir), spec)
    root = paths.root
    municipalities = load_municipalities(data_dir=root, region=spec)
    region_file = str(spec.source) if spec.source is not None else f"regio {spec.key}"
    boundaries = f"het grenzenbestand {paths.boundaries}"
    check_municipalities(spec.municipalities, municipalities["municipality"], boundaries, region_file)
    province = load_province(data_dir=root, region=spec)
    population = _population(Path(population_path) if population_path else None, paths, municipalities)
    grid = population_path is None and paths.population == paths.population_grid
    border_source = None
    if grid:
        population, border_source = _add_border_cells(population, paths, municipalities)
    area = study_area(province, buffer_m=spec.ring_m)
    fallback = facilities_path is None and paths.libraries_are_fallback
    facilities = load_facilities(
        facilities_path, data_dir=root, study_area=area, on_outside="drop" if fallback else "error", region=spec
    )
    if fallback:
        _mark_fallback(facilities)
    sources = tuple(s for s in (source_of(f) for f in (population, facilities, municipalities)) if s)
    sources = sources[:1] + ((border_source,) if border_source else ()) + sources[1:]
    label = name if name is not None else spec.name
    border_file = paths.border_grid if grid else None
    return Region(label, root, population, facilities, municipalities, province, sources, spec, border_file)
