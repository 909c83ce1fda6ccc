"""A region's preparation settings: what :func:`spreiding.data.prepare.prepare_region` reads and writes.

:class:`RegionConfig` is read from the region's manifest
(``spreiding/data/regions/<region>.json``) by :func:`load_region_config`:
the province, its municipalities or CBS province code, the downloads to
prepare from, the ring width and the output file names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from spreiding.data.regions import RegionColumns, RegionFiles, read_manifest, region_from_mapping
from spreiding.errors import ConfigError

__all__ = ["RegionConfig", "load_region_config"]


@dataclass(frozen=True)
class RegionConfig:
    """What :func:`prepare_region` needs to know about a region.

    Parameters
    ----------
    name
        Region key (``"drenthe"``).
    province
        Province name written to the ``provincie`` layer (``"Drenthe"``).
    municipalities
        Municipality names as CBS spells them in the boundary file's year.
    boundaries_zip, population_zip, osm_pbf
        Paths of the downloads relative to the data folder (``/`` separators).
    ring_m
        Width of the ring around the province (m) from which OSM libraries
        are taken and around which the population file is read.
    province_code
        The province's CBS code (``"PV22"``; ``"NL01"``: every municipality);
        with it the municipalities are derived from the boundary download
        (:mod:`spreiding.data._membership`) and ``municipalities``, when
        given, is a check.
    ring_pbfs
        The neighbouring provinces' OSM extracts (relative paths). When the
        region's ``roads_pbf`` is not ``osm_pbf`` itself, it is prepared from
        the province's extract and these, merged and cut to the study area
        (:mod:`spreiding.data._ring`).
    neighbour_m
        Municipalities within this distance (m) of the province go to the
        ``buurgemeenten`` layer.
    files
        Output file names; ``None``: :meth:`RegionFiles.conventional` of ``name``.
    columns
        Region column and values written to the OSM service points; ``None``:
        :meth:`RegionColumns.conventional` of ``name``.
    """

    name: str
    province: str
    municipalities: tuple[str, ...]
    boundaries_zip: str
    population_zip: str
    osm_pbf: str
    ring_m: float = 15000.0
    neighbour_m: float = 20000.0
    files: RegionFiles | None = None
    columns: RegionColumns | None = None
    province_code: str | None = None
    ring_pbfs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.municipalities and not self.province_code:
            msg = (
                f"regio {self.name!r} noemt geen gemeenten en geen province_code; zet een van beide in het regiobestand"
            )
            raise ConfigError(msg)
        for value, label in ((self.ring_m, "ring_m"), (self.neighbour_m, "neighbour_m")):
            if not (np.isfinite(value) and value >= 0):
                msg = (
                    f"regio {self.name!r}: {label} moet een eindig getal >= 0 zijn, niet {value!r}; "
                    "verbeter het regiobestand"
                )
                raise ConfigError(msg)

    @property
    def data_files(self) -> RegionFiles:
        """The output file names (given, or the conventional ones)."""
        return self.files if self.files is not None else RegionFiles.conventional(self.name)

    @property
    def region_columns(self) -> RegionColumns:
        """The region column and values (given, or the conventional ones)."""
        return self.columns if self.columns is not None else RegionColumns.conventional(self.name)

    @property
    def ring_out(self) -> str | None:
        """The prepared road extract (``roads_pbf``), or None when that is the download itself."""
        out = self.data_files.roads_pbf
        return None if out == self.osm_pbf else out

    @property
    def boundaries_out(self) -> str:
        """Prepared boundaries, relative to the data folder."""
        return self.data_files.boundaries

    @property
    def population_out(self) -> str:
        """Prepared CBS squares, relative to the data folder."""
        return self.data_files.vierkant

    @property
    def libraries_list(self) -> str:
        """The hand-compiled service-point list (never downloaded)."""
        return self.data_files.libraries

    @property
    def osm_libraries_out(self) -> str:
        """The OSM fallback service-point list."""
        return self.data_files.osm_libraries


def load_region_config(region: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> RegionConfig:
    """Read the preparation settings of a region from its manifest.

    Parameters
    ----------
    region
        A region name (``spreiding/data/regions/<name>.json``), the path of a
        manifest JSON file, the manifest already parsed as a dict, or ``None``
        for the default region (see :func:`spreiding.data.regions.get_region`).

    Returns
    -------
    RegionConfig

    Raises
    ------
    ConfigError
        The manifest lacks ``province``, ``municipalities`` or the ``prepare``
        block, or that block names a file entry the manifest does not have.
    """
    raw = dict(region) if isinstance(region, Mapping) else read_manifest(region)
    name = str(raw.get("region", "")).strip()
    where = f"regiobestand van regio {name or region!r}"
    raw_prep = raw.get("prepare")
    listed = raw.get("municipalities", [] if raw.get("province_code") else None)
    if not name or not raw.get("province") or not isinstance(listed, list) or not isinstance(raw_prep, Mapping):
        msg = (
            f"{where} mist 'region', 'province', 'municipalities' (een lijst) of 'province_code', of 'prepare'; "
            "vul ze aan (zie de regiobestanden in spreiding/data/regions/)"
        )
        raise ConfigError(msg)
    prep: dict[str, Any] = dict(raw_prep)
    dests = {str(f.get("name")): str(f.get("dest")) for f in raw.get("files", []) if isinstance(f, Mapping)}

    def dest_of(key: str, entry: Any = None) -> str:
        entry = prep.get(key) if entry is None else entry
        if entry not in dests:
            msg = (
                f"{where}: prepare.{key} = {entry!r} is geen naam uit de lijst 'files'; "
                f"gebruik een van {', '.join(sorted(dests)) or '(geen)'}"
            )
            raise ConfigError(msg)
        dest = dests[entry]
        if PurePosixPath(dest).is_absolute() or ".." in PurePosixPath(dest).parts:
            msg = f"{where}: bestand {entry!r} heeft dest {dest!r}; geef een relatief pad binnen de datamap"
            raise ConfigError(msg)
        return dest

    spec = region_from_mapping(raw) if "data_files" in raw or "columns" in raw else None
    ring = prep.get("ring_osm", [])
    if not isinstance(ring, list):
        msg = f"{where}: prepare.ring_osm moet een lijst met namen uit 'files' zijn, niet {ring!r}"
        raise ConfigError(msg)
    code = raw.get("province_code")
    return RegionConfig(
        name=name,
        province=str(raw["province"]),
        municipalities=tuple(str(m).strip() for m in listed),
        boundaries_zip=dest_of("boundaries"),
        population_zip=dest_of("population"),
        osm_pbf=dest_of("osm"),
        ring_m=float(raw.get("ring_m", prep.get("ring_m", 15000.0))),
        neighbour_m=float(prep.get("neighbour_m", 20000.0)),
        files=spec.files if spec is not None else None,
        columns=spec.columns if spec is not None else None,
        province_code=str(code).strip().upper() if code else None,
        ring_pbfs=tuple(dest_of("ring_osm", entry) for entry in ring),
    )
