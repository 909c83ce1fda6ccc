"""Turn a region's downloads into the files the loaders read.

``spreiding fetch`` downloads public files that cover more than the region
(all of the Netherlands) or have another layout than the loaders expect.
:func:`prepare_region` (run by :func:`spreiding.data.fetch.fetch_region` after the
downloads, or on its own) derives from them:

* the region's ``boundaries`` file (``gebieden/<region>_gebieden.gpkg``) from
  the CBS wijk- en buurtkaart zip:
  layers ``gemeenten`` (the region's municipalities: ``gemeente``,
  ``inwoners``, ``oppervlakte_km2``), ``provincie`` (their dissolved union:
  ``provincie``, ``inwoners``, ``oppervlakte_km2``) and ``buurgemeenten``
  (other municipalities within 20 km);
  which municipalities form the region is derived from the province's CBS
  code (``province_code``; :mod:`spreiding.data._membership`), or read from
  the region's ``municipalities`` list;
* the ``roads_pbf`` file (``osm/<region>_ring.osm.pbf``): the province's
  OpenStreetMap extract and those of the provinces within its ring, merged
  and cut to the province plus ``ring_m`` (:mod:`spreiding.data._ring`);
* the ``vierkant`` file (``cbs/<region>_vk100.gpkg``) from the CBS
  vierkantstatistieken zip: the
  squares whose centre lies in the province, with the CBS columns unchanged
  (read by :func:`spreiding.data.population.load_cbs_vierkant`);
* the ``osm_libraries`` file (``voorzieningen/bibliotheken_osm.csv``) from the
  OpenStreetMap PBF, only when the hand-compiled ``libraries`` list is absent:
  every ``amenity=library`` node or way within the province + ``ring_m``,
  marked unchecked (``confidence`` = ``low``).

The region's manifest (``spreiding/data/regions/<region>.json``, see
:mod:`spreiding.data.regions`) has ``province``, ``province_code`` and/or
``municipalities``, ``ring_m``, ``data_files`` (the output names; without it
the conventional names of
:meth:`~spreiding.data.regions.RegionFiles.conventional`), ``columns`` and a
``prepare`` block naming the manifest entries to read (``boundaries``,
``population``, ``osm`` and the neighbours' extracts ``ring_osm``). Every step is
idempotent (an output newer than all its inputs is kept) and writes
atomically (a temporary file in the same folder, then :func:`os.replace`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from spreiding._progress import advance, steps
from spreiding._validate import RD_NEW, rows_text
from spreiding.data._membership import (
    PROVINCE_CODE_COLUMNS,
    PROVINCE_NAME_COLUMNS,
    RegionIdentity,
    province_columns,
    select_members,
)
from spreiding.data._ring import ring_extract
from spreiding.data._zipped import REFETCH, first_column, inner_vectors, layer_fields, list_layers, read_layer
from spreiding.data.boundaries import (
    assign_municipality,
    load_municipalities,
    load_neighbours,
    load_province,
    study_area,
)
from spreiding.data.region_config import RegionConfig, load_region_config
from spreiding.data.regions import RegionColumns, get_region
from spreiding.errors import ConfigError, InvalidDataError, MissingColumnsError
from spreiding.vocabulary import fmt_int

__all__ = [
    "OSM_LIBRARY_NOTE",
    "RegionConfig",
    "boundaries_from_wijkbuurtkaart",
    "load_region_config",
    "osm_libraries",
    "prepare_region",
    "vierkant_from_zip",
]

logger = logging.getLogger(__name__)

OSM_LIBRARY_NOTE = "ongecontroleerd OSM-bibliotheekpunt; mogelijk ook een niet-openbare bibliotheek"
"""``notes`` of every service point taken from OpenStreetMap by :func:`osm_libraries`."""

_NAME_COLUMNS = ("gemeentenaam", "GM_NAAM")
_RESIDENT_COLUMNS = ("aantal_inwoners", "AANT_INW")
_WATER_COLUMNS = ("water", "WATER")
_VK_ID = re.compile(r"^crs28992res\d+m$")
_FACILITY_COLUMNS = (
    "id",
    "name",
    "kind",
    "status",
    "municipality",
    "host_building",
    "location_precision",
    "confidence",
    "sources",
    "notes",
    "region",
    "osm_type",
    "osm_id",
    "lon",
    "lat",
)


# --------------------------------------------------------------------------- small helpers


def _rel(root: Path, dest: str) -> Path:
    return root.joinpath(*PurePosixPath(dest).parts)


@contextlib.contextmanager
def _atomic(dest: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``dest``; move it onto ``dest`` when the block succeeds."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp{dest.suffix}")
    try:
        yield tmp
        tmp.replace(dest)
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _fresh(out: Path, inputs: Sequence[Path]) -> bool:
    """True when ``out`` exists and is not older than any input."""
    if not out.is_file():
        return False
    newest = max(p.stat().st_mtime_ns for p in inputs)
    return out.stat().st_mtime_ns >= newest


# --------------------------------------------------------------------------- boundaries


def boundaries_from_wijkbuurtkaart(
    zip_path: str | os.PathLike[str], config: RegionConfig
) -> dict[str, gpd.GeoDataFrame]:
    """Build the three boundary layers from a CBS wijk- en buurtkaart zip.

    Parameters
    ----------
    zip_path
        The downloaded zip with a GeoPackage (layer ``gemeenten``) or
        shapefiles (``gemeenten_<year>_v1.shp``) inside; the first layer
        whose name starts with ``gemeente`` and has a ``gemeentenaam`` (or
        shapefile ``GM_NAAM``) column is read, with ``aantal_inwoners`` /
        ``AANT_INW`` and ``water`` / ``WATER`` when present.
    config
        The region: its province code (the municipalities whose province
        column, or whose interior point in a ``provincie`` layer, is the
        province's; ``NL01``: all) or its list of municipalities.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        ``gemeenten`` (``gemeente``, ``inwoners``, ``oppervlakte_km2``),
        ``provincie`` (``provincie``, ``inwoners``, ``oppervlakte_km2``) and
        ``buurgemeenten`` (as ``gemeenten``), EPSG:28992. Only land parts are
        kept (``water == "NEE"``) when the file has a ``water`` column; CBS's
        negative codes in ``aantal_inwoners`` become NaN, and the province's
        ``inwoners`` is NaN when any municipality's is unknown (never a sum of
        codes or a silent undercount). Areas are land areas in km².

    Raises
    ------
    InvalidDataError
        The zip is corrupt or holds no usable GeoPackage.
    MissingColumnsError
        No layer has a municipality-name column.
    ConfigError
        A configured municipality is not in the file or not in the province,
        or no municipality is in the province.
    """
    path = Path(zip_path)
    what = "CBS wijk- en buurtkaart"
    found = [(src, n) for src in inner_vectors(path, what) for n in list_layers(src, path, what)]
    ordered = sorted(found, key=lambda item: not item[1].lower().startswith("gemeente"))
    match = next(((src, n) for src, n in ordered if first_column(layer_fields(src, n), _NAME_COLUMNS)), None)
    if match is None:
        msg = (
            f"{what} in {path} heeft geen laag met een kolom {' of '.join(_NAME_COLUMNS)} "
            f"(lagen: {', '.join(n for _, n in found)}); {REFETCH} of controleer de url in het regiobestand"
        )
        raise MissingColumnsError(msg)
    source, layer = match
    fields = layer_fields(source, layer)
    name_col = first_column(fields, _NAME_COLUMNS)
    res_col = first_column(fields, _RESIDENT_COLUMNS)
    water_col = first_column(fields, _WATER_COLUMNS)
    assert name_col is not None
    prov_cols = province_columns(fields, PROVINCE_CODE_COLUMNS, PROVINCE_NAME_COLUMNS)
    columns = [c for c in (name_col, res_col, water_col, *prov_cols) if c is not None]
    raw = read_layer(source, path, f"{what} (laag {layer})", layer=layer, columns=columns)
    if water_col is not None:
        raw = raw.loc[raw[water_col].astype("str").str.strip().str.upper().eq("NEE").to_numpy()]
    names = raw[name_col].astype("str").str.strip()
    residents = (
        pd.to_numeric(raw[res_col], errors="coerce").astype("float64")
        if res_col is not None
        else pd.Series(np.nan, index=raw.index, dtype="float64")
    )
    residents = residents.where(residents >= 0)  # CBS codes (-99997 ...) -> NaN
    parts = gpd.GeoDataFrame(
        {"gemeente": names.to_numpy(), "inwoners": residents.to_numpy(), **{c: raw[c].to_numpy() for c in prov_cols}},
        geometry=raw.geometry.make_valid().to_numpy(),
        crs=RD_NEW,
    )
    parts = parts.loc[parts["gemeente"].notna().to_numpy() & ~parts.geometry.is_empty.to_numpy()]
    areas = parts.dissolve(
        by="gemeente", aggfunc={"inwoners": "max", **dict.fromkeys(prov_cols, "first")}, as_index=False
    )
    areas["oppervlakte_km2"] = areas.geometry.area.to_numpy() / 1e6
    identity = RegionIdentity(config.name, config.province, config.province_code, config.municipalities)
    inside = select_members(areas, prov_cols, [item for item in found if item[1] != layer], path, identity)
    areas = areas[["gemeente", "inwoners", "oppervlakte_km2", "geometry"]]

    wanted = set(config.municipalities)
    absent = sorted(wanted - set(areas["gemeente"]))
    if absent:
        msg = (
            f"in {what} in {path} ontbreken de gemeenten {rows_text(absent)} van regio {config.name!r}; "
            "controleer de lijst 'municipalities' in het regiobestand (namen zoals CBS ze in dat jaar spelt, "
            "bv. na een herindeling)"
        )
        raise ConfigError(msg)
    outside = sorted(wanted - set(areas.loc[inside, "gemeente"]))
    if outside:
        msg = (
            f"volgens {what} in {path} liggen de gemeenten {rows_text(outside)} uit de lijst van regio "
            f"{config.name!r} buiten provincie {config.province_code} ({config.province}); verbeter de lijst "
            "'municipalities' in het regiobestand"
        )
        raise ConfigError(msg)
    municipalities = areas.loc[inside].sort_values("gemeente").reset_index(drop=True)
    outline = shapely.make_valid(municipalities.geometry.union_all())
    known = municipalities["inwoners"].notna().all()
    province = gpd.GeoDataFrame(
        {
            "provincie": [config.province],
            "inwoners": [float(municipalities["inwoners"].sum()) if known else np.nan],
            "oppervlakte_km2": [float(outline.area) / 1e6],
        },
        geometry=[outline],
        crs=RD_NEW,
    )
    others = areas.loc[~inside]
    near = shapely.dwithin(others.geometry.to_numpy(), outline, config.neighbour_m)
    neighbours = others.loc[near].sort_values("gemeente").reset_index(drop=True)
    logger.info(
        "%s: %d municipalities, %d neighbours within %.0f m",
        what,
        len(municipalities),
        len(neighbours),
        config.neighbour_m,
    )
    return {"gemeenten": municipalities, "provincie": province, "buurgemeenten": neighbours}


# --------------------------------------------------------------------------- population


def vierkant_from_zip(
    zip_path: str | os.PathLike[str], province: BaseGeometry, *, margin_m: float = 15000.0
) -> gpd.GeoDataFrame:
    """Read the CBS squares whose centre lies in ``province`` from a vierkantstatistieken zip.

    Parameters
    ----------
    zip_path
        CBS zip with a GeoPackage (or shapefile) of 100 m (or 500 m) squares.
    province
        The province outline in EPSG:28992.
    margin_m
        The file is read with a bounding box of the province grown by this
        margin (only squares in that box are read at all).

    Returns
    -------
    geopandas.GeoDataFrame
        The squares (polygons) with every CBS column unchanged, EPSG:28992;
        secret codes (``-99997``) are left as they are for the loader.

    Raises
    ------
    InvalidDataError
        The zip is corrupt, unreadable, or no square lies in the province.
    MissingColumnsError
        No layer has a ``crs28992res100m``-style id column.
    """
    path = Path(zip_path)
    what = "CBS vierkantstatistieken"
    found = [(src, n) for src in inner_vectors(path, what) for n in list_layers(src, path, what)]
    fits = [(src, n) for src, n in found if any(_VK_ID.match(f) for f in layer_fields(src, n))]
    if len(fits) != 1:
        layers, matching = ", ".join(n for _, n in found) or "geen", ", ".join(n for _, n in fits) or "geen"
        msg = (
            f"{what} in {path} moet precies één laag hebben met een id-kolom crs28992res100m/crs28992res500m "
            f"(lagen: {layers}, passend: {matching}); {REFETCH}"
        )
        raise MissingColumnsError(msg)
    source, layer = fits[0]
    minx, miny, maxx, maxy = province.bounds
    window = box(minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)
    layer_crs = pyogrio.read_info(source, layer=layer)["crs"]
    bbox: tuple[float, ...] = tuple(window.bounds)
    if layer_crs is not None and pyproj.CRS.from_user_input(layer_crs).to_epsg() != 28992:
        bbox = tuple(float(v) for v in gpd.GeoSeries([window], crs=RD_NEW).to_crs(layer_crs).total_bounds)
    frame = read_layer(source, path, f"{what} (laag {layer})", layer=layer, bbox=bbox)
    shapely.prepare(province)
    keep = shapely.covers(province, frame.geometry.centroid.to_numpy())
    out = frame.loc[keep].reset_index(drop=True)
    if out.empty:
        msg = (
            f"{what} in {path} heeft geen vierkant met het middelpunt in de provincie; {REFETCH} "
            "of controleer de url in het regiobestand"
        )
        raise InvalidDataError(msg)
    logger.info("%s: %d van %d gelezen vierkanten liggen in de provincie", what, len(out), len(frame))
    return out


# --------------------------------------------------------------------------- OSM libraries


def osm_libraries(
    pbf: str | os.PathLike[str],
    *,
    area: BaseGeometry | None = None,
    province: BaseGeometry | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
    columns: RegionColumns | None = None,
) -> gpd.GeoDataFrame:
    """Every ``amenity=library`` node or way of an OSM extract as an (unchecked) service point.

    Reads the PBF with :func:`spreiding.data.candidates.candidates_from_pbf` (ways
    become their centroid) and keeps the library objects.

    Parameters
    ----------
    pbf
        The ``.osm.pbf`` extract.
    area
        Shapely geometry in EPSG:28992; only libraries inside it are kept.
    province
        Shapely geometry in EPSG:28992; sets the region column to
        ``columns.region_value`` inside and ``columns.outside_value`` outside
        (NA without it).
    municipalities
        Polygons with a ``municipality`` column; points outside all get NA.
    columns
        The region column's name and values; default: the default region's.

    Returns
    -------
    geopandas.GeoDataFrame
        Facility columns ``id`` (``osm-n123`` / ``osm-w456``), ``name`` (OSM
        name, or ``"bibliotheek zonder naam (osm-...)"``), ``kind`` =
        ``vestiging``, ``status`` = ``open``, ``municipality``,
        ``host_building``, ``location_precision`` = ``OSM library point``,
        ``confidence`` = ``low``, ``sources``, ``notes``, the region column,
        ``osm_type``, ``osm_id``, ``lon``, ``lat`` and point geometry in
        EPSG:28992, sorted by id.
    """
    from spreiding.data.candidates import candidates_from_pbf  # pyosmium reader

    labels = columns if columns is not None else get_region().columns
    found = candidates_from_pbf(pbf, area=area)
    libs = found.loc[found["subclass"].eq("library").to_numpy()].reset_index(drop=True)
    ids = "osm-" + libs["osm_type"].astype("str") + libs["osm_id"].astype("str")
    names = libs["name"].astype("str").str.strip()
    names = names.where(names.notna() & names.ne(""), "bibliotheek zonder naam (" + ids + ")")
    geometry = libs.geometry
    if municipalities is not None and len(libs):
        muni = assign_municipality(libs, municipalities, outside="none")
    else:
        muni = pd.Series(pd.NA, index=libs.index, dtype="str")
    if province is not None:
        shapely.prepare(province)
        inside = shapely.covers(province, geometry.to_numpy())
        where = pd.Series(np.where(inside, labels.region_value, labels.outside_value), index=libs.index, dtype="str")
    else:
        where = pd.Series(pd.NA, index=libs.index, dtype="str")
    wgs = geometry.to_crs("EPSG:4326")
    out = gpd.GeoDataFrame(
        {
            "id": ids.to_numpy(),
            "name": names.to_numpy(),
            "kind": "vestiging",
            "status": "open",
            "municipality": muni.to_numpy(),
            "host_building": pd.Series(pd.NA, index=libs.index, dtype="str").to_numpy(),
            "location_precision": "OSM library point",
            "confidence": "low",
            "sources": "OpenStreetMap (ODbL)",
            "notes": OSM_LIBRARY_NOTE,
            labels.region_column: where.to_numpy(),
            "osm_type": libs["osm_type"].to_numpy(),
            "osm_id": libs["osm_id"].to_numpy(dtype="int64"),
            "lon": wgs.x.to_numpy(),
            "lat": wgs.y.to_numpy(),
        },
        geometry=geometry.to_numpy(),
        crs=RD_NEW,
    )
    out = out.sort_values("id").reset_index(drop=True)
    for column in ("id", "name", "kind", "status", "municipality", "host_building", labels.region_column):
        out[column] = out[column].astype("str")
    return out


# --------------------------------------------------------------------------- the steps


def _write_layers(layers: Mapping[str, gpd.GeoDataFrame], dest: Path) -> None:
    with _atomic(dest) as tmp:
        for name, frame in layers.items():
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", promote_to_multi=True)


def _step_boundaries(root: Path, config: RegionConfig, force: bool) -> Path | None:
    src, out = _rel(root, config.boundaries_zip), _rel(root, config.boundaries_out)
    if not src.is_file():
        if out.is_file():
            logger.info("grenzen: %s aanwezig (geen download om het opnieuw uit te maken)", out)
            return out
        logger.warning("grenzen: kan %s niet maken: %s ontbreekt; voer `spreiding fetch` uit", out, src)
        return None
    if not force and _fresh(out, [src]):
        logger.info("grenzen: %s is actueel; overgeslagen", out)
        return out
    layers = boundaries_from_wijkbuurtkaart(src, config)
    _write_layers(layers, out)
    logger.info("grenzen: %s geschreven", out)
    return out


def _step_population(root: Path, config: RegionConfig, boundaries: Path | None, force: bool) -> Path | None:
    src, out = _rel(root, config.population_zip), _rel(root, config.population_out)
    if not src.is_file():
        if out.is_file():
            logger.info("bevolking: %s aanwezig (geen download om het opnieuw uit te maken)", out)
            return out
        logger.info("bevolking: %s ontbreekt; %s niet gemaakt", src, out)
        return None
    if boundaries is None:
        logger.warning("bevolking: kan %s niet maken zonder de grenzen; voer `spreiding fetch` uit", out)
        return None
    if not force and _fresh(out, [src, boundaries]):
        logger.info("bevolking: %s is actueel; overgeslagen", out)
        return out
    outline = shapely.make_valid(load_province(boundaries).geometry.union_all())
    squares = vierkant_from_zip(src, outline, margin_m=config.ring_m)
    layer = f"{config.name}_vk"
    _write_layers({layer: squares}, out)
    logger.info("bevolking: %s geschreven (%d vierkanten)", out, len(squares))
    return out


def _study_window(boundaries: Path, ring_m: float) -> tuple[float, float, float, float]:
    """Bounding box (lon/lat) of the province in ``boundaries`` grown by ``ring_m``."""
    outline = shapely.make_valid(load_province(boundaries).geometry.union_all())
    area = gpd.GeoSeries([study_area(gpd.GeoDataFrame(geometry=[outline], crs=RD_NEW), ring_m)], crs=RD_NEW)
    minx, miny, maxx, maxy = (float(v) for v in area.to_crs("EPSG:4326").total_bounds)
    return minx, miny, maxx, maxy


def _step_ring(
    root: Path, config: RegionConfig, boundaries: Path | None, force: bool, progress: bool = False
) -> Path | None:
    """The province's extract and its neighbours', merged and cut to the study area (``roads_pbf``)."""
    if config.ring_out is None:
        return None
    out = _rel(root, config.ring_out)
    sources = [_rel(root, config.osm_pbf), *(_rel(root, p) for p in config.ring_pbfs)]
    present = [p for p in sources if p.is_file()]
    if not sources[0].is_file() or boundaries is None:
        if out.is_file():
            return out
        logger.warning(
            "wegen: kan %s niet maken (nodig: %s en de grenzen); voer `spreiding fetch` uit", out, sources[0]
        )
        return None
    absent = [p for p in sources if not p.is_file()]
    if absent:
        logger.warning(
            "wegen: %s ontbreekt; de ring rond %s mist die wegen; voer `spreiding fetch` uit",
            ", ".join(map(str, absent)),
            config.name,
        )
    if not force and _fresh(out, [*present, boundaries]):
        logger.info("wegen: %s is actueel; overgeslagen", out)
        return out
    window = _study_window(boundaries, config.ring_m)
    with _atomic(out) as tmp:
        ring_extract(present, tmp, window, progress=progress)
    logger.info("wegen: %s geschreven uit %d uitsnede(n)", out, len(present))
    return out


def _step_libraries(root: Path, config: RegionConfig, boundaries: Path | None, force: bool) -> Path | None:
    ring = _rel(root, config.ring_out) if config.ring_out is not None else None
    compiled, src, out = (
        _rel(root, config.libraries_list),
        ring if ring is not None and ring.is_file() else _rel(root, config.osm_pbf),
        _rel(root, config.osm_libraries_out),
    )
    if compiled.is_file():
        logger.info("voorzieningen: de samengestelde lijst %s is aanwezig; geen OSM-noodlijst nodig", compiled)
        return None
    if not src.is_file() or boundaries is None:
        if out.is_file():
            return out
        logger.warning(
            "voorzieningen: kan de OSM-noodlijst %s niet maken (nodig: %s en de grenzen); voer `spreiding fetch` uit",
            out,
            src,
        )
        return None
    if not force and _fresh(out, [src, boundaries]):
        logger.info("voorzieningen: %s is actueel; overgeslagen", out)
        return out
    outline = shapely.make_valid(load_province(boundaries).geometry.union_all())
    has_neighbours = pyogrio.read_info(boundaries, layer="buurgemeenten")["features"] > 0  # none for the country
    neighbours = [load_neighbours(boundaries)] if has_neighbours else []
    areas = pd.concat([load_municipalities(boundaries), *neighbours], ignore_index=True)
    frame = osm_libraries(
        src,
        area=study_area(gpd.GeoDataFrame(geometry=[outline], crs=RD_NEW), config.ring_m),
        province=outline,
        municipalities=gpd.GeoDataFrame(areas, geometry="geometry", crs=RD_NEW),
        columns=config.region_columns,
    )
    names = [config.region_columns.region_column if c == "region" else c for c in _FACILITY_COLUMNS]
    table = pd.DataFrame(frame[names])
    with _atomic(out) as tmp:
        table.to_csv(tmp, index=False, float_format="%.7f")
    logger.warning(
        "voorzieningen: geen samengestelde lijst in %s; %s ongecontroleerde OSM-bibliotheekpunten geschreven naar %s "
        "(zet een gecontroleerde lijst in %s of geef --facilities)",
        compiled,
        fmt_int(len(table)),
        out,
        compiled,
    )
    return out


def prepare_region(
    data_dir: str | os.PathLike[str],
    region: str | os.PathLike[str] | Mapping[str, Any] | RegionConfig | None = None,
    *,
    force: bool = False,
    progress: bool = True,
) -> list[Path]:
    """Derive the region's loader files from its downloads (see module docstring).

    Parameters
    ----------
    data_dir
        The data folder the downloads are in; outputs go there too.
    region
        Region name, manifest path, parsed manifest, or a :class:`RegionConfig`;
        ``None`` for the default region.
    force
        Rebuild every output even when it is newer than its inputs.
    progress
        Show a tqdm bar over the steps.

    Returns
    -------
    list of pathlib.Path
        The prepared files present afterwards (written now or up to date).
        A step whose download is missing is skipped with a warning.

    Raises
    ------
    InvalidDataError
        A download is corrupt (the message names it and ``spreiding fetch --force``).
    ConfigError
        The region's configuration does not match the downloaded files.
    """
    config = region if isinstance(region, RegionConfig) else load_region_config(region)
    root = Path(data_dir)
    done: list[Path] = []
    with steps(f"prepare {config.name}", 4, progress=progress) as bar:
        boundaries = _step_boundaries(root, config, force)
        advance(bar, "boundaries")
        population = _step_population(root, config, boundaries, force)
        advance(bar, "population")
        roads = _step_ring(root, config, boundaries, force, progress)
        advance(bar, "roads")
        libraries = _step_libraries(root, config, boundaries, force)
        advance(bar, "service points")
    done = [p for p in (boundaries, population, roads, libraries) if p is not None]
    return done
