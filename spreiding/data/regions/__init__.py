"""Region specifications: everything region-specific, read from ``regions/<key>.json``.

Generic code names no region. A region file (this folder, or any JSON file
given by path) supplies

``region``
    the key used in file names and in the data's ``region`` column
    (``"drenthe"``);
``province``
    the province's name (``"Drenthe"``);
``total_label``
    the label of the total row of coverage tables (``"Drenthe"``);
``province_code``
    the province's CBS code (``"PV22"``; ``"NL01"``: the whole country);
    with it, ``spreiding prepare`` derives the region's municipalities from
    the CBS wijk- en buurtkaart, and ``municipalities`` may be left out;
``municipalities``
    the municipalities that form the region, as CBS spells them (optional
    with ``province_code``: then a check of the derived list; without a
    list, the region's municipalities are those of the prepared boundaries);
``ring_m``
    width (m) of the ring around the province in which service points and
    roads are taken into account;
``data_files``
    the default file of every role (:data:`FILE_ROLES`), relative to the data
    folder with ``/`` separators;
``columns``
    the names of region-specific data columns and values
    (:class:`RegionColumns`);

plus what ``spreiding fetch`` reads (``files``, ``prepare``; see
:mod:`spreiding.data.fetch` and :mod:`spreiding.data.prepare`).

The default region is the ``SPREIDING_REGION`` environment variable (a name or
the path of a region file), else ``"drenthe"``.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from spreiding.errors import ConfigError

__all__ = [
    "DEFAULT_REGION",
    "FILE_ROLES",
    "REGIONS_DIR",
    "REGION_ENV_VAR",
    "RegionColumns",
    "RegionFiles",
    "RegionLike",
    "RegionSpec",
    "available_regions",
    "default_region_name",
    "get_region",
    "read_manifest",
    "read_region_json",
    "region_file",
    "region_from_mapping",
]

REGIONS_DIR = Path(__file__).resolve().parent
REGION_ENV_VAR = "SPREIDING_REGION"
DEFAULT_REGION = "drenthe"
"""Region used when neither an argument nor ``SPREIDING_REGION`` names one."""


@dataclass(frozen=True)
class RegionFiles:
    """Default file of every role, relative to the data folder (``/`` separators).

    Attributes
    ----------
    population_grid
        Eurostat Census 2021 1 km grid of the cells whose centre lies in the region (CSV).
    border_grid
        The same grid's cells that straddle the border with their centre outside (CSV with the share column).
    vierkant
        CBS 100 m squares prepared by ``spreiding fetch`` (GeoPackage).
    pc4
        CBS population by four-digit postcode with age bands (GeoPackage).
    boundaries
        Municipal and provincial boundaries (GeoPackage).
    libraries
        The hand-compiled service-point list (CSV).
    osm_libraries
        Unchecked OSM library points prepared by ``spreiding fetch`` (CSV).
    roads
        Road network in osmnx's GeoPackage layout.
    roads_pbf
        OpenStreetMap extract (``.osm.pbf``), used when ``roads`` is absent;
        conventionally the one ``spreiding prepare`` cuts from the province's
        and its neighbours' extracts (``osm/<key>_ring.osm.pbf``).
    osm_points
        OSM place points and candidate buildings (GeoPackage).
    """

    population_grid: str
    border_grid: str
    vierkant: str
    pc4: str
    boundaries: str
    libraries: str
    osm_libraries: str
    roads: str
    roads_pbf: str
    osm_points: str

    @classmethod
    def conventional(cls, key: str) -> RegionFiles:
        """The file names ``spreiding fetch`` and the reference data use for region ``key``."""
        return cls(
            population_grid=f"cbs/census2021_grid_1km_{key}.csv",
            border_grid=f"cbs/census2021_grid_1km_{key}_rand.csv",
            vierkant=f"cbs/{key}_vk100.gpkg",
            pc4=f"cbs/pc4_bevolking_leeftijd_{key}.gpkg",
            boundaries=f"gebieden/{key}_gebieden.gpkg",
            libraries=f"voorzieningen/bibliotheken_{key}.csv",
            osm_libraries="voorzieningen/bibliotheken_osm.csv",
            roads=f"osm/{key}_wegen_osm2021.gpkg",
            roads_pbf=f"osm/{key}_ring.osm.pbf",
            osm_points=f"osm/{key}_punten_osm2021.gpkg",
        )

    def path(self, root: Path, role: str) -> Path:
        """Return the file of ``role`` inside the data folder ``root``."""
        return root.joinpath(*PurePosixPath(getattr(self, role)).parts)


FILE_ROLES: tuple[str, ...] = tuple(f.name for f in fields(RegionFiles))
"""The roles a region file's ``data_files`` must name."""


@dataclass(frozen=True)
class RegionColumns:
    """Names of region-specific data columns and values.

    Attributes
    ----------
    region_column
        Column of the service-point list that says where a point lies (``"region"``).
    region_value
        Its value for points inside the region (``"drenthe"``).
    outside_value
        Its value for points in the ring around the region (``"buiten_drenthe"``).
    inside_column
        Boolean column of the OSM points GeoPackage (and of user candidate
        files) that marks sites inside the region (``"in_drenthe"``).
    share_column
        Column of the border-cell grid with the share of each cell inside the
        region (``"share_in_drenthe"``).
    """

    region_column: str
    region_value: str
    outside_value: str
    inside_column: str
    share_column: str

    @classmethod
    def conventional(cls, key: str) -> RegionColumns:
        """The column names the reference data use for region ``key``."""
        return cls("region", key, f"buiten_{key}", f"in_{key}", f"share_in_{key}")


@dataclass(frozen=True)
class RegionSpec:
    """One region, as its region file describes it (see the module docstring).

    Attributes
    ----------
    key
        Short name (``"drenthe"``).
    name
        Province name (``"Drenthe"``).
    total_label
        Label of the total row of coverage tables.
    municipalities
        The region's municipalities as the region file lists them; empty when
        they are derived from the CBS boundaries (``province_code``).
    ring_m
        Width of the ring around the province (m).
    files
        Default files per role.
    columns
        Region-specific column names and values.
    source
        The region file read (``None`` when built from a mapping).
    province_code
        The province's CBS code (``"PV22"``, ``"NL01"`` for the country), or ``None``.
    """

    key: str
    name: str
    total_label: str
    municipalities: tuple[str, ...]
    ring_m: float
    files: RegionFiles
    columns: RegionColumns
    source: Path | None = None
    province_code: str | None = None


RegionLike = RegionSpec | str | os.PathLike[str] | None
"""What functions accept as a region: a spec, a key, a region-file path, or ``None`` (the default)."""


# --------------------------------------------------------------------------- schema check


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        msg = f"{where}: sleutel {key!r} ontbreekt of is geen tekst; vul een niet-lege tekst in"
        raise ConfigError(msg)
    return value.strip()


def _relative(value: str, key: str, where: str) -> str:
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or "\\" in value:
        msg = f"{where}: {key} = {value!r} is geen relatief pad; geef een pad binnen de datamap, zoals 'cbs/x.csv'"
        raise ConfigError(msg)
    return value


def _section(raw: Mapping[str, Any], key: str, names: tuple[str, ...], where: str) -> dict[str, str]:
    """Read an object whose keys are exactly ``names`` and whose values are texts."""
    block = raw.get(key)
    if not isinstance(block, Mapping):
        msg = f"{where}: sleutel {key!r} ontbreekt of is geen object; geef een object met {', '.join(names)}"
        raise ConfigError(msg)
    missing = [n for n in names if n not in block]
    unknown = sorted(set(block) - set(names))
    if missing or unknown:
        parts = ([f"ontbrekend: {', '.join(missing)}"] if missing else []) + (
            [f"onbekend: {', '.join(unknown)}"] if unknown else []
        )
        msg = f"{where}: {key} klopt niet ({'; '.join(parts)}); gebruik precies {', '.join(names)}"
        raise ConfigError(msg)
    return {n: _text(block, n, f"{where}, {key}") for n in names}


_PROVINCE_CODE = re.compile(r"^(PV\d{2}|NL01)$")


def _province_code(raw: Mapping[str, Any], where: str) -> str | None:
    value = raw.get("province_code")
    if value is None:
        return None
    if not isinstance(value, str) or not _PROVINCE_CODE.match(value.strip().upper()):
        msg = (
            f"{where}: province_code = {value!r} is geen CBS-provinciecode; "
            "geef 'PV20' t/m 'PV31' of 'NL01' (heel Nederland)"
        )
        raise ConfigError(msg)
    return value.strip().upper()


def _municipalities(raw: Mapping[str, Any], where: str, derived: bool) -> tuple[str, ...]:
    value = raw.get("municipalities")
    if value is None and derived:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(m, str) and m.strip() for m in value):
        msg = (
            f"{where}: sleutel 'municipalities' ontbreekt of is geen lijst met namen; geef de gemeenten als lijst "
            "of geef 'province_code' (dan leidt spreiding prepare de gemeenten af)"
        )
        raise ConfigError(msg)
    return tuple(m.strip() for m in value)


def _ring_m(raw: Mapping[str, Any], where: str) -> float:
    value = raw.get("ring_m")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        msg = f"{where}: sleutel 'ring_m' ontbreekt of is geen getal >= 0; geef de breedte van de ring in meters"
        raise ConfigError(msg)
    return float(value)


def region_from_mapping(raw: Mapping[str, Any], source: Path | None = None) -> RegionSpec:
    """Check a parsed region file and return its :class:`RegionSpec`.

    Parameters
    ----------
    raw
        The region file's JSON object.
    source
        The file it came from (named in error messages).

    Returns
    -------
    RegionSpec

    Raises
    ------
    ConfigError
        A required key is missing or has the wrong type; the message names
        the file and the key.
    """
    where = f"regiobestand {source}" if source is not None else "regiobeschrijving"
    key = _text(raw, "region", where)
    files = _section(raw, "data_files", FILE_ROLES, where)
    for role, value in files.items():
        _relative(value, f"data_files.{role}", where)
    columns = _section(raw, "columns", tuple(f.name for f in fields(RegionColumns)), where)
    code = _province_code(raw, where)
    return RegionSpec(
        key=key,
        name=_text(raw, "province", where),
        total_label=_text(raw, "total_label", where),
        municipalities=_municipalities(raw, where, derived=code is not None),
        ring_m=_ring_m(raw, where),
        files=RegionFiles(**files),
        columns=RegionColumns(**columns),
        source=source,
        province_code=code,
    )


# --------------------------------------------------------------------------- finding region files


def available_regions() -> list[str]:
    """Return the keys of the regions that ship with the package."""
    return sorted(p.stem for p in REGIONS_DIR.glob("*.json"))


def default_region_name() -> str:
    """Return ``SPREIDING_REGION`` when set, else :data:`DEFAULT_REGION`."""
    return os.environ.get(REGION_ENV_VAR, "").strip() or DEFAULT_REGION


def region_file(region: str | os.PathLike[str] | None = None) -> Path:
    """Return the region file of a name, or ``region`` itself when it is a JSON path.

    Parameters
    ----------
    region
        Region key (``regions/<key>.json`` in the package), the path of a
        region file, or ``None`` for :func:`default_region_name`.

    Raises
    ------
    ConfigError
        The file does not exist or the name is unknown.
    """
    text = os.fspath(region) if region is not None else default_region_name()
    if isinstance(region, os.PathLike) or text.lower().endswith(".json"):
        path = Path(text).expanduser()
        if not path.is_file():
            msg = f"regiobestand {path} bestaat niet; geef het pad van een regiobestand (JSON)"
            raise ConfigError(msg)
        return path.resolve()
    path = REGIONS_DIR / f"{text}.json"
    if not path.is_file():
        msg = f"onbekende regio {text!r}; kies uit {', '.join(available_regions()) or '(geen)'} of geef een JSON-pad"
        raise ConfigError(msg)
    return path


def read_region_json(path: Path) -> dict[str, Any]:
    """Return a region file's JSON object (raises :class:`ConfigError` when unreadable)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        msg = f"regiobestand {path} is geen geldige JSON ({exc}); herstel het bestand"
        raise ConfigError(msg) from exc
    if not isinstance(raw, dict):
        msg = f"regiobestand {path} is geen JSON-object; zet de sleutels in één object {{...}}"
        raise ConfigError(msg)
    return raw


@lru_cache(maxsize=32)
def _cached_spec(path: str, _mtime_ns: int) -> RegionSpec:
    file = Path(path)
    return region_from_mapping(read_region_json(file), source=file)


def get_region(region: RegionLike = None) -> RegionSpec:
    """Return the :class:`RegionSpec` of a region.

    Parameters
    ----------
    region
        A spec (returned as it is), a region key, the path of a region file,
        or ``None`` for the default region (``SPREIDING_REGION``, else
        :data:`DEFAULT_REGION`).

    Returns
    -------
    RegionSpec

    Raises
    ------
    ConfigError
        Unknown region, unreadable file, or a file that fails the schema check.
    """
    if isinstance(region, RegionSpec):
        return region
    path = region_file(region)
    return _cached_spec(str(path), path.stat().st_mtime_ns)


def read_manifest(region: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Return a region's manifest as parsed JSON (files plus region settings).

    Parameters
    ----------
    region
        Region name (``spreiding/data/regions/<region>.json``), the path of a
        manifest JSON file, or ``None`` for the default region
        (:func:`spreiding.data.regions.default_region_name`).

    Raises
    ------
    ConfigError
        Unknown region, missing file or unreadable JSON.
    """
    return read_region_json(region_file(region))
