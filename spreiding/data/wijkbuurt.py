"""Groupings' geometry: OSM place points (kernen) and CBS wijk/buurt polygons.

- :func:`load_places`: the ``kernen`` layer of the region's OSM points
  GeoPackage, the place classes that make a kern
  (:data:`spreiding.data.candidates.KERN_CLASSES`).
- :func:`load_areas`: wijk or buurt polygons of the region's municipalities
  from the CBS wijk- en buurtkaart (``spreiding fetch`` downloads the zip; a
  user may pass a GeoPackage, shapefile or zip). Read from, in this order:
  the given ``path``; a ``wijken`` / ``buurten`` layer of the region's
  boundaries GeoPackage; the downloaded zip. CBS's GeoPackage columns
  (``wijkcode``, ``wijknaam``, ``buurtcode``, ``buurtnaam``,
  ``gemeentenaam``, ``water``) and its shapefile columns (``WK_CODE``,
  ``WK_NAAM``, ``BU_CODE``, ``BU_NAAM``, ``GM_NAAM``, ``WATER``) are both
  read; water-only parts (``water`` = ``JA``) are left out.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import geopandas as gpd
import pyogrio

from spreiding._validate import RD_NEW, to_rd_new
from spreiding.data.config import data_paths
from spreiding.data.regions import RegionLike, get_region
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import ConfigError, DataNotFoundError, InvalidDataError, MissingColumnsError

__all__ = ["AREA_COLUMNS", "load_areas", "load_places"]

logger = logging.getLogger(__name__)

AREA_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "wijk": {"code": ("wijkcode", "WK_CODE"), "name": ("wijknaam", "WK_NAAM")},
    "buurt": {"code": ("buurtcode", "BU_CODE"), "name": ("buurtnaam", "BU_NAAM")},
}
"""Per level: the CBS column names (GeoPackage, shapefile) of the code and the name."""
_MUNICIPALITY = ("gemeentenaam", "GM_NAAM")
_WATER = ("water", "WATER")
_FETCH = "haal de CBS wijk- en buurtkaart op met `spreiding fetch` of geef een bestand met de grenzen (--areas)"


def load_places(data_dir: str | os.PathLike[str] | None = None, *, region: RegionLike = None) -> gpd.GeoDataFrame:
    """The region's OSM place points that make kernen (layer ``kernen`` of the OSM points GeoPackage).

    Raises
    ------
    DataNotFoundError
        The GeoPackage is absent (Dutch message naming it and ``spreiding fetch``).
    """
    from spreiding.data.candidates import KERN_CLASSES, load_osm_candidates

    path = data_paths(data_dir, region).osm_points
    if not path.is_file():
        msg = (
            f"kernen: het bestand met OSM-plaatspunten {path} ontbreekt; zet het in de gegevensmap "
            "(laag 'kernen') of draai `spreiding fetch`"
        )
        raise DataNotFoundError(msg)
    return load_osm_candidates(path, place_classes=KERN_CLASSES, building_kinds=(), region=region)


def _first(columns: list[str], wanted: tuple[str, ...]) -> str | None:
    return next((c for c in wanted if c in columns), None)


def _holds(fields: list[str], level: str) -> bool:
    """Whether a layer with ``fields`` holds ``level`` polygons (a buurt layer also carries the wijk code)."""
    has_buurt = _first(fields, AREA_COLUMNS["buurt"]["code"]) is not None
    if level == "buurt":
        return has_buurt
    return _first(fields, AREA_COLUMNS["wijk"]["code"]) is not None and not has_buurt


def _layer_of(source: str, level: str) -> str | None:
    """The layer of ``source`` holding ``level`` polygons (layers named ``<level>en`` first)."""
    try:
        layers = [str(n) for n in pyogrio.list_layers(source)[:, 0]]
    except Exception:  # pyogrio raises DataSourceError and friends; the caller names the file
        return None
    for name in sorted(layers, key=lambda n: not n.lower().startswith(f"{level}en")):
        if _holds([str(f) for f in pyogrio.read_info(source, layer=name)["fields"]], level):
            return name
    return None


def _sources(path: Path) -> list[str]:
    """GDAL paths to try: the file itself, or every GeoPackage and shapefile inside a zip."""
    if path.suffix.lower() != ".zip":
        return [str(path)]
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            inner = [n for n in archive.namelist() if n.lower().endswith((".gpkg", ".shp"))]
    except (zipfile.BadZipFile, OSError) as exc:
        msg = f"{path} is geen leesbaar zip-bestand ({exc}); {_FETCH}"
        raise InvalidDataError(msg) from exc
    return [f"/vsizip/{path.resolve().as_posix()}/{n}" for n in sorted(inner, key=lambda n: not n.endswith(".gpkg"))]


def _candidates(data_dir: str | os.PathLike[str] | None, region: RegionLike) -> list[Path]:
    paths = data_paths(data_dir, region)
    found = [paths.boundaries]
    try:
        from spreiding.data.prepare import load_region_config

        spec = get_region(region)
        found.append(paths.root / load_region_config(spec.source or spec.key).boundaries_zip)
    except ConfigError:  # a region without a download block: only the boundaries file
        pass
    return found


def _read(source: str, layer: str, level: str, shown: Path, municipalities: tuple[str, ...]) -> gpd.GeoDataFrame:
    fields = [str(f) for f in pyogrio.read_info(source, layer=layer)["fields"]]
    code = _first(fields, AREA_COLUMNS[level]["code"])
    name = _first(fields, AREA_COLUMNS[level]["name"])
    muni = _first(fields, _MUNICIPALITY)
    if code is None or name is None or muni is None:
        msg = (
            f"{shown} (laag {layer!r}): kolommen voor {level}code, {level}naam en gemeentenaam ontbreken "
            f"(verwacht {', '.join(AREA_COLUMNS[level]['code'] + AREA_COLUMNS[level]['name'] + _MUNICIPALITY)}); "
            f"{_FETCH}"
        )
        raise MissingColumnsError(msg)
    water = _first(fields, _WATER)
    raw = pyogrio.read_dataframe(source, layer=layer, columns=[c for c in (code, name, muni, water) if c])
    if raw.crs is None:
        raw = raw.set_crs(RD_NEW)  # CBS files are RD New
    raw = to_rd_new(raw, f"{level}grenzen")
    keep = raw[muni].astype(str).str.strip().isin(municipalities).to_numpy() if municipalities else True
    if water is not None:
        keep = keep & ~raw[water].astype(str).str.strip().str.upper().eq("JA").to_numpy()
    raw = raw.loc[keep]
    return gpd.GeoDataFrame(
        {
            "code": raw[code].astype(str).str.strip().to_numpy(),
            "name": raw[name].astype(str).str.strip().to_numpy(),
            "municipality": raw[muni].astype(str).str.strip().to_numpy(),
        },
        geometry=raw.geometry.make_valid().to_numpy(),
        crs=RD_NEW,
    )


def load_areas(
    level: str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Wijk or buurt polygons of the region's municipalities.

    Parameters
    ----------
    level
        ``"wijk"`` or ``"buurt"``.
    data_dir
        Data folder (the boundaries GeoPackage and the downloaded zip).
    path
        A GeoPackage, shapefile or zip with the polygons (instead of the data folder's).
    region
        The region (its municipalities are kept).

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name``, ``municipality`` and polygons in EPSG:28992, with a SourceInfo.

    Raises
    ------
    DataNotFoundError
        No file holds the level's polygons (Dutch message naming the files and ``spreiding fetch``).
    """
    if level not in AREA_COLUMNS:
        msg = f"onbekend gebiedsniveau {level!r}; kies uit {', '.join(AREA_COLUMNS)}"
        raise ConfigError(msg)
    tried = [Path(path)] if path is not None else _candidates(data_dir, region)
    for file in tried:
        if not file.is_file():
            continue
        for source in _sources(file):
            layer = _layer_of(source, level)
            if layer is None:
                continue
            areas = _read(source, layer, level, file, get_region(region).municipalities)
            logger.info("%sgrenzen: %d uit %s (laag %s)", level, len(areas), file, layer)
            info = SourceInfo(
                kind=f"{level}en", path=str(file), rows=len(areas), crs=RD_NEW,
                description=f"CBS {level}grenzen (wijk- en buurtkaart)",
            )  # fmt: skip
            return attach_source(areas, info)
    names = " of ".join(str(p) for p in tried)
    msg = f"geen {level}grenzen gevonden: {names} ontbreekt of heeft geen laag met {level}en; {_FETCH}"
    raise DataNotFoundError(msg)
