"""Candidate sites where a multipurpose centre (MFA) could host a library.

A *candidates frame* is a GeoDataFrame in EPSG:28992 (RD New) with one point
per site and the columns

``candidate_id``
    unique text id: ``kern-<fid>`` / ``gebouw-<fid>`` for the OSM GeoPackage
    layers, ``kern-n<osm id>`` / ``gebouw-w<osm id>`` for a PBF, ``user-...``
    for a user file;
``name``
    text or missing (many OSM schools have no name);
``kind``
    place class (city, town, village, hamlet) for place points, or a building
    kind (:data:`BUILDING_KINDS`);
``source``
    ``"osm_place"``, ``"osm_building"`` or ``"user"``;
``municipality``
    text or missing;
``in_region``
    nullable boolean: the site lies inside the region (missing when the input
    does not say). The input files name this column after the region
    (``in_drenthe``; the region file's ``columns.inside_column``); the loaders
    read it from there.

Other input columns (``place_class``, ``subclass``, ``province``, ``osm_id``)
are kept.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from spreiding._validate import RD_NEW, require_columns, require_file, require_unique, rows_text
from spreiding.data.config import data_paths
from spreiding.data.facilities import OnOutside, _points_from_table, _read_point_table, _select_outside
from spreiding.data.regions import RegionLike, get_region
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import ConfigError, DataNotFoundError, DuplicateIdError, InvalidDataError
from spreiding.vocabulary import fmt_int

__all__ = [
    "BUILDING_KINDS",
    "COLUMNS",
    "DEFAULT_BUILDING_KINDS",
    "KERN_CLASSES",
    "PBF_AMENITY_KINDS",
    "PBF_PLACE_CLASSES",
    "SOURCES",
    "candidates_from_pbf",
    "concat_candidates",
    "load_candidates",
    "load_osm_candidates",
    "load_user_candidates",
]

logger = logging.getLogger(__name__)

COLUMNS: tuple[str, ...] = ("candidate_id", "name", "kind", "source", "municipality", "in_region")
SOURCES: tuple[str, ...] = ("osm_place", "osm_building", "user")
BUILDING_KINDS: tuple[str, ...] = (
    "school",
    "dorpshuis/buurthuis",
    "bibliotheek",
    "kinderopvang/kleuterschool",
    "gemeentehuis",
    "mbo/hbo",
)
DEFAULT_BUILDING_KINDS: tuple[str, ...] = ("dorpshuis/buurthuis", "school", "gemeentehuis", "bibliotheek")
PBF_PLACE_CLASSES: tuple[str, ...] = ("city", "town", "village", "hamlet")
KERN_CLASSES: tuple[str, ...] = ("city", "town", "village", "hamlet")
"""OSM ``place`` classes that make a kern (suburbs, quarters, neighbourhoods and localities do not)."""
PBF_AMENITY_KINDS: dict[str, str] = {
    "community_centre": "dorpshuis/buurthuis",
    "townhall": "gemeentehuis",
    "school": "school",
    "library": "bibliotheek",
}
_EXTRA_PLACE_CLASSES: tuple[str, ...] = ("suburb", "quarter", "neighbourhood", "locality")
_AMENITY_OF: dict[str, str] = {kind: amenity for amenity, kind in PBF_AMENITY_KINDS.items()}
_PLACE_LAYER = "kernen"
_BUILDING_LAYER = "kandidaten"
_OSM_YEAR = 2021
_FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _finish(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Put the schema columns first with their dtypes; return the same (new) frame."""
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    for column in ("candidate_id", "name", "kind", "source", "municipality"):
        frame[column] = frame[column].astype("str")
    frame["in_region"] = frame["in_region"].astype("boolean")
    rest = [c for c in frame.columns if c not in COLUMNS and c != frame.geometry.name]
    out = frame[[*COLUMNS, *rest, frame.geometry.name]]
    require_unique(out["candidate_id"], "kandidaten")
    return out


def _quality(frame: pd.DataFrame) -> tuple[tuple[str, float], ...]:
    pairs = [(f"source_{s}", float(n)) for s, n in frame["source"].value_counts().sort_index().items()]
    pairs += [(f"kind_{k}", float(n)) for k, n in frame["kind"].value_counts().sort_index().items()]
    pairs.append(("unnamed", float(frame["name"].isna().sum())))
    return tuple(pairs)


def _check_choice(values: Iterable[str] | None, allowed: Sequence[str], what: str) -> list[str] | None:
    if values is None:
        return None
    chosen = [values] if isinstance(values, str) else list(values)
    unknown = sorted(set(chosen) - set(allowed))
    if unknown:
        msg = f"onbekende {what} {', '.join(unknown)}; kies uit {', '.join(allowed)}"
        raise ConfigError(msg)
    return chosen


def load_osm_candidates(
    path: str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    place_classes: Iterable[str] | None = ("city", "town", "village"),
    building_kinds: Iterable[str] | None = DEFAULT_BUILDING_KINDS,
    in_region_only: bool = True,
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Read place points and candidate buildings from the OSM points GeoPackage.

    Parameters
    ----------
    path
        GeoPackage with layers ``kernen`` and ``kandidaten``; default
        ``data_paths(data_dir, region).osm_points``.
    data_dir
        Data folder when ``path`` is not given.
    place_classes
        ``place_class`` values to keep (city, town, village, hamlet, suburb,
        quarter, neighbourhood, locality); ``None`` keeps all; an empty
        sequence keeps no place points.
    building_kinds
        Building ``kind`` values to keep (:data:`BUILDING_KINDS`); ``None``
        keeps all; an empty sequence keeps no buildings. Default:
        :data:`DEFAULT_BUILDING_KINDS`.
    in_region_only
        Keep only rows inside the region (``in_region`` true).
    region
        Region whose file is the default and whose ``columns.inside_column``
        marks the sites inside it (default: the default region).

    Returns
    -------
    geopandas.GeoDataFrame
        Candidates frame (see module docstring) with a SourceInfo in
        ``attrs["source"]``. Ids are ``kern-<fid>`` and ``gebouw-<fid>`` with
        the GeoPackage feature id, so they do not change with the filters.

    Raises
    ------
    DataNotFoundError, MissingColumnsError, ConfigError, InvalidDataError
    """
    spec = get_region(region)
    p = Path(path) if path is not None else data_paths(data_dir, spec).osm_points
    require_file(
        p, "GeoPackage met OSM-punten", "geef het pad met --candidates of zet SPREIDING_DATA_DIR op de gegevensmap"
    )
    places = _check_choice(place_classes, tuple(PBF_PLACE_CLASSES) + _EXTRA_PLACE_CLASSES, "plaatsklasse(n)")
    kinds = _check_choice(building_kinds, BUILDING_KINDS, "gebouwsoort(en)")
    parts: list[gpd.GeoDataFrame] = []
    for layer, key, prefix, source, wanted in (
        (_PLACE_LAYER, "place_class", "kern", "osm_place", places),
        (_BUILDING_LAYER, "kind", "gebouw", "osm_building", kinds),
    ):
        if wanted is not None and not wanted:
            continue
        part = _read_layer(p, layer, key, spec.columns.inside_column)
        keep = np.ones(len(part), dtype=bool)
        if wanted is not None:
            keep &= part[key].isin(wanted).to_numpy()
        if in_region_only:
            keep &= part["in_region"].fillna(False).to_numpy(dtype=bool)
        part = part.loc[keep].copy()
        part["candidate_id"] = [f"{prefix}-{fid:04d}" for fid in part.index.to_numpy()]
        part["kind"] = part[key]
        part["source"] = source
        parts.append(part.reset_index(drop=True))
    if parts:
        frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=RD_NEW)
    else:
        frame = gpd.GeoDataFrame({c: [] for c in COLUMNS}, geometry=[], crs=RD_NEW)
    frame = _finish(frame)
    info = SourceInfo(
        kind="candidates",
        path=str(p),
        rows=len(frame),
        year=_OSM_YEAR,
        crs=RD_NEW,
        description="OSM-plaatspunten en gebouwen die een bibliotheek kunnen huisvesten (2021)",
        quality=_quality(frame),
    )
    return attach_source(frame, info)


def _read_layer(path: Path, layer: str, key: str, inside_column: str) -> gpd.GeoDataFrame:
    """Read one layer (fid as index), checked and in RD New; ``inside_column`` becomes ``in_region``."""
    try:
        part = gpd.read_file(path, layer=layer, fid_as_index=True)
    except Exception as exc:  # pyogrio raises several types
        msg = f"kan laag {layer!r} van {path} niet lezen ({exc}); geef de OSM-punten-GeoPackage (kernen, kandidaten)"
        raise InvalidDataError(msg) from exc
    require_columns(part, ["name", key, "municipality", inside_column], f"laag {layer!r} van {path.name}")
    part = part.rename(columns={inside_column: "in_region"})
    if part.crs is None or part.crs.to_epsg() != 28992:
        part = part.set_crs(RD_NEW) if part.crs is None else part.to_crs(RD_NEW)
    return part


def _way_centroids(coords: list[tuple[float, float]], counts: list[int], closed: list[bool]) -> np.ndarray:
    """Return the centroids of ways from their flat node coordinates (vectorised with shapely).

    Closed ways with at least four nodes are taken as areas (area centroid);
    the others as lines (length-weighted centroid).
    """
    if not counts:
        return np.empty(0, dtype=object)
    xy = np.asarray(coords, dtype=float)
    n = np.asarray(counts)
    index = np.repeat(np.arange(len(n)), n)
    out = shapely.centroid(shapely.linestrings(xy, indices=index))
    area_like = np.asarray(closed, dtype=bool) & (n >= 4)
    if area_like.any():
        pick = area_like[index]
        ring_of_way = np.cumsum(area_like) - 1
        rings = shapely.linearrings(xy[pick], indices=ring_of_way[index[pick]])
        out[area_like] = shapely.centroid(shapely.polygons(rings))
    return out


def candidates_from_pbf(
    path: str | os.PathLike[str],
    *,
    area: BaseGeometry | None = None,
    region: BaseGeometry | None = None,
) -> gpd.GeoDataFrame:
    """Read candidate sites from an OpenStreetMap ``.osm.pbf`` with pyosmium.

    Nodes and ways tagged ``place`` = city/town/village/hamlet (source
    ``osm_place``, kind = the place class) or ``amenity`` =
    community_centre/townhall/school/library (source ``osm_building``, kind
    from :data:`PBF_AMENITY_KINDS`). A way becomes its centroid (the area
    centroid for closed ways). Multipolygon relations are not read.

    Parameters
    ----------
    path
        The ``.osm.pbf`` (or ``.osm``) file.
    area
        Shapely geometry in EPSG:28992; only sites inside it are kept.
    region
        Shapely geometry in EPSG:28992 that sets ``in_region``; without it
        ``in_region`` is missing.

    Returns
    -------
    geopandas.GeoDataFrame
        Candidates frame with extra columns ``osm_type`` (``n``/``w``),
        ``osm_id`` and ``subclass`` (the OSM tag value); a SourceInfo in
        ``attrs["source"]``. May have zero rows when the extract holds none.
    """
    import osmium  # local import: only this reader needs it

    p = require_file(Path(path), "OSM-PBF-bestand", "geef met --candidates het pad van een .osm.pbf-uitsnede")
    tags = [("place", v) for v in PBF_PLACE_CLASSES] + [("amenity", v) for v in PBF_AMENITY_KINDS]
    rows: list[tuple[str, int, str | None, str, str, str]] = []
    node_xy: list[tuple[float, float]] = []
    way_xy: list[tuple[float, float]] = []
    way_counts: list[int] = []
    way_closed: list[bool] = []
    way_rows: list[tuple[str, int, str | None, str, str, str]] = []
    skipped = 0
    try:
        processor = (
            osmium.FileProcessor(str(p), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.TagFilter(*tags))
        )
        for item in processor:  # streaming reader: one Python step per tagged object
            obj: Any = item
            place = obj.tags.get("place")
            if place in PBF_PLACE_CLASSES:
                meta = ("osm_place", place, "place")
            else:
                amenity = str(obj.tags.get("amenity"))
                meta = ("osm_building", PBF_AMENITY_KINDS[amenity], amenity)
            row = (obj.type_str(), obj.id, obj.tags.get("name"), *meta)
            if obj.is_node():
                node_xy.append((obj.location.lon, obj.location.lat))
                rows.append(row)
                continue
            pts = [(nd.lon, nd.lat) for nd in obj.nodes if nd.location.valid()]
            if len(pts) < 2:
                skipped += 1
                continue
            way_xy.extend(pts)
            way_counts.append(len(pts))
            way_closed.append(obj.is_closed() and len(pts) == len(obj.nodes))
            way_rows.append(row)
    except RuntimeError as exc:
        msg = f"kan OSM-bestand {p} niet lezen ({exc}); geef met --candidates een geldige .osm.pbf-uitsnede"
        raise InvalidDataError(msg) from exc
    xy = np.asarray(node_xy, dtype=float).reshape(-1, 2)
    geoms = np.concatenate([shapely.points(xy), _way_centroids(way_xy, way_counts, way_closed)])
    table = pd.DataFrame(rows + way_rows, columns=["osm_type", "osm_id", "name", "source", "kind", "osm_key"]).astype(
        {"osm_id": "int64"}
    )
    subclass = np.where(table["osm_key"] == "place", table["kind"], table["kind"].map(_AMENITY_OF))
    table["subclass"] = subclass
    table = table.drop(columns="osm_key")
    table["candidate_id"] = (
        np.where(table["source"] == "osm_place", "kern-", "gebouw-")
        + table["osm_type"]
        + (table["osm_id"].astype("str"))
    )
    frame = gpd.GeoDataFrame(table, geometry=list(geoms), crs="EPSG:4326").to_crs(RD_NEW)
    warnings: list[str] = []
    if skipped:
        warnings.append(
            f"{fmt_int(skipped)} OSM-way(s) zonder knoopposities in de uitsnede overgeslagen "
            "(download de uitsnede opnieuw met `spreiding fetch --force` als er veel ontbreken)"
        )
    if area is not None and len(frame):
        shapely.prepare(area)
        frame = frame.loc[shapely.covers(area, frame.geometry.to_numpy())].reset_index(drop=True)
    if region is not None and len(frame):
        shapely.prepare(region)
        frame["in_region"] = shapely.covers(region, frame.geometry.to_numpy())
    frame = _finish(frame)
    info = SourceInfo(
        kind="candidates",
        path=str(p),
        rows=len(frame),
        crs=RD_NEW,
        description="OSM-plaatspunten en gebouwen uit een PBF-uitsnede",
        quality=_quality(frame),
        warnings=tuple(warnings),
    )
    return attach_source(frame, info)


def load_user_candidates(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    study_area: BaseGeometry | None = None,
    on_outside: OnOutside = "error",
    region: BaseGeometry | None = None,
    crs: str | None = None,
    region_spec: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Read the user's own candidate sites (CSV, GeoJSON or GeoPackage).

    Parameters
    ----------
    path
        File with a ``name`` column and coordinates: ``lon``/``lat`` (WGS84),
        ``x``/``y`` (RD New) or a WKT ``geometry`` column (CSV), or any point
        layer. Optional columns: ``candidate_id`` or ``id`` (made unique as
        ``user-<id>``; otherwise ``user-0001`` ... in file order), ``kind``
        (default ``"user"``), ``municipality``, ``in_region`` or the region's
        inside column (``in_drenthe``; true/false, 1/0, yes/no).
    layer
        Layer of a GeoPackage.
    study_area
        Shapely geometry in EPSG:28992; rows outside are handled per
        ``on_outside`` (``"error"``, ``"warn"``, ``"drop"``).
    region
        Shapely geometry in EPSG:28992 that sets ``in_region`` (wins over the
        file's column).
    crs
        CRS of ``x``/``y`` or WKT coordinates when not RD New / WGS84.
    region_spec
        Region whose ``columns.inside_column`` names the file's inside column
        (default: the default region).

    Returns
    -------
    geopandas.GeoDataFrame
        Candidates frame with ``source == "user"`` and a SourceInfo.

    Raises
    ------
    DataNotFoundError, MissingColumnsError, DuplicateIdError, InvalidDataError, CRSError, OutsideRegionError
        Naming the offending rows (ids or 1-based CSV line numbers).
    """
    p = require_file(
        Path(path), "kandidatenbestand", "geef met --candidates het pad van een CSV-, GeoJSON- of GeoPackage-bestand"
    )
    what = f"kandidatenbestand {p.name}"
    table, line_offset = _read_point_table(p, what, layer=layer)
    require_columns(table, ["name"], what, "voeg een kolom name toe")
    data = table.copy()
    id_column = next((c for c in ("candidate_id", "id") if c in data.columns), None)
    if id_column is not None:
        ids = data[id_column].astype("string").str.strip()
        blank = (ids.isna() | (ids == "")).to_numpy()
        if blank.any():
            rows = [f"line {i + line_offset}" if line_offset else f"row {i + 1}" for i in np.flatnonzero(blank)]
            msg = f"{what}: lege {id_column} in {rows_text(rows)}; vul die in of laat de kolom weg"
            raise InvalidDataError(msg)
        require_unique(ids, what)
        data["candidate_id"] = "user-" + ids.str.removeprefix("user-")
    else:
        data["candidate_id"] = [f"user-{i:04d}" for i in range(1, len(data) + 1)]
    if "kind" not in data.columns:
        data["kind"] = "user"
    if id_column == "id":
        data = data.drop(columns="id")
    frame, warnings = _points_from_table(data, what, id_column="candidate_id", line_offset=line_offset, crs=crs)
    frame, out_warnings = _select_outside(frame, study_area, on_outside, what, frame["candidate_id"].tolist())
    warnings += out_warnings
    frame["source"] = "user"
    inside = get_region(region_spec).columns.inside_column
    if "in_region" not in frame.columns and inside in frame.columns:
        frame = frame.rename(columns={inside: "in_region"})
    if region is not None and len(frame):
        shapely.prepare(region)
        frame["in_region"] = shapely.covers(region, frame.geometry.to_numpy())
    elif "in_region" in frame.columns:
        flags = frame["in_region"].astype("string").str.strip().str.lower()
        frame["in_region"] = flags.map(_FLAGS)
    frame = _finish(frame)
    info = SourceInfo(
        kind="candidates",
        path=str(p),
        rows=len(frame),
        crs=RD_NEW,
        description="kandidaatlocaties van de gebruiker",
        quality=_quality(frame),
        warnings=tuple(warnings),
    )
    return attach_source(frame, info)


def concat_candidates(frames: Iterable[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Stack candidate frames into one (new) frame; ids must stay unique.

    Raises
    ------
    DuplicateIdError
        The same ``candidate_id`` occurs in more than one frame.
    """
    parts = [f.to_crs(RD_NEW) if f.crs is not None and f.crs.to_epsg() != 28992 else f for f in frames]
    if not parts:
        return _finish(gpd.GeoDataFrame({c: [] for c in COLUMNS}, geometry=[], crs=RD_NEW))
    frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=RD_NEW)
    try:
        return _finish(frame)
    except DuplicateIdError as exc:
        msg = f"{exc}; de kandidatensets overlappen (hetzelfde bestand twee keer geladen?); geef elk bestand één keer"
        raise DuplicateIdError(msg) from exc


def load_candidates(
    source: str | os.PathLike[str] = "osm",
    *,
    data_dir: str | os.PathLike[str] | None = None,
    area: BaseGeometry | None = None,
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Candidate sites from the source a user names.

    Parameters
    ----------
    source
        ``"osm"``: the region's OSM place points and buildings (the offline
        GeoPackage when present, else the region's ``.osm.pbf``); a path to an
        ``.osm.pbf``; or a user file (CSV, GeoJSON, GeoPackage).
    data_dir
        Data folder for ``"osm"``.
    area
        Keep only PBF candidates inside this geometry (EPSG:28992).
    region
        Region whose files and inside column to use (default: the default region).

    Returns
    -------
    geopandas.GeoDataFrame
        Candidates in the module schema.
    """
    text = str(source)
    if text == "osm":
        paths = data_paths(data_dir, region)
        if paths.osm_points.exists():
            return load_osm_candidates(data_dir=data_dir, region=paths.spec)
        if paths.roads.name.endswith(".pbf"):
            return candidates_from_pbf(paths.roads, area=area, region=area)
        msg = (
            f"geen OSM-kandidaatlocaties in {paths.root}: geen {paths.osm_points.name} en geen .osm.pbf; "
            "haal ze op met `spreiding fetch` of geef met --candidates een bestand met locaties"
        )
        raise DataNotFoundError(msg)
    if text.lower().endswith(".pbf"):
        return candidates_from_pbf(text, area=area, region=area)
    return load_user_candidates(text, region_spec=region)
