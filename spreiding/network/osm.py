"""Raw road tables from OpenStreetMap ``.osm.pbf`` and ``.osm`` (XML) files.

:func:`read_osm_roads` reads every way with a ``highway`` tag with pyosmium
and returns two plain tables that :mod:`spreiding.network.roads` turns into
per-mode graphs:

* ``nodes``: ``node_id`` (OSM node id), ``x``, ``y`` (EPSG:28992 metres);
* ``edges``: one row per graph edge between two graph nodes, with the way's
  tags (``highway``, ``oneway``, ``maxspeed_kmh``, access tags, ``name``) and
  ``length_m``.

Graph nodes are the end points of highway ways and every node that two or
more highway ways share (or that one way visits twice, such as the closing
node of a ring). The stretch of a way between two consecutive graph nodes
becomes one edge whose length is the sum of its segment lengths.

Lengths are great-circle lengths (haversine on a sphere of radius
6,371,009 m, as osmnx measures them). Within the Netherlands they agree with
RD New planar lengths to about 0.02 %; outside it RD New distorts lengths
(1.4 % at Helsinki), which is why they are not measured in the plane.

Only the reading loop over ways is Python; splitting, measuring and
aggregating are vectorised with numpy.

Ways that reference nodes missing from the file (ways cut at the border of an
extract) keep the pieces whose nodes are all present; the missing-location
count is reported in the attached :class:`~spreiding.data.sources.SourceInfo`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pyproj import Transformer
from tqdm.auto import tqdm

from spreiding._validate import require_file
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import InvalidDataError
from spreiding.vocabulary import fmt_int

__all__ = [
    "EDGE_COLUMNS",
    "NODE_COLUMNS",
    "SKIP_HIGHWAYS",
    "TAG_COLUMNS",
    "parse_maxspeed",
    "read_osm_roads",
]

logger = logging.getLogger(__name__)

#: ``highway`` values that are not (usable) roads and are skipped.
SKIP_HIGHWAYS: frozenset[str] = frozenset(
    {
        "proposed",
        "construction",
        "abandoned",
        "platform",
        "raceway",
        "bus_stop",
        "elevator",
        "rest_area",
        "services",
    }
)

#: Access-like tags copied verbatim (``NA`` when absent).
TAG_COLUMNS: tuple[str, ...] = ("access", "motor_vehicle", "motorcar", "bicycle", "foot", "name")

NODE_COLUMNS: tuple[str, ...] = ("node_id", "x", "y")
EDGE_COLUMNS: tuple[str, ...] = ("u", "v", "highway", "oneway", "length_m", "maxspeed_kmh", *TAG_COLUMNS)

_EARTH_RADIUS_M = 6_371_009.0
_UNDEFINED_COORD = 2_147_483_647  # osmium's Location::undefined_coordinate
_COORD_SCALE = 1e-7  # osmium stores degrees as int32 in units of 1e-7
_ONEWAY_TRUE = frozenset({"yes", "true", "1"})
_ONEWAY_REVERSED = frozenset({"-1", "reverse"})
_ONEWAY_FALSE = frozenset({"no", "false", "0"})
#: Classes that OSM defines as implicitly one-way (when no ``oneway`` tag says otherwise).
_IMPLIED_ONEWAY_HIGHWAYS = frozenset({"motorway"})
_MPH_TO_KMH = 1.609344
#: Dutch implicit ``maxspeed`` values (``NL:urban`` etc.), km/h.
_NAMED_SPEEDS_KMH: dict[str, float] = {
    "nl:urban": 50.0,
    "nl:rural": 80.0,
    "nl:motorway": 130.0,
    "nl:trunk": 100.0,
}
_NUMBER_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$", re.IGNORECASE)
_ZONE_RE = re.compile(r"^[a-z]{2}:zone:?(\d+)$", re.IGNORECASE)


def _parse_one_maxspeed(value: object) -> float:
    """Return km/h for one raw ``maxspeed`` value, NaN when unknown."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    text = str(value).strip()
    if not text:
        return np.nan
    # "50;30" or "50|30": conditional or per-lane values; take the first.
    text = re.split(r"[;|]", text, maxsplit=1)[0].strip()
    lowered = text.lower()
    if lowered in _NAMED_SPEEDS_KMH:
        return _NAMED_SPEEDS_KMH[lowered]
    zone = _ZONE_RE.match(lowered)
    if zone:
        return float(zone.group(1))
    match = _NUMBER_RE.match(text)
    if not match:
        return np.nan  # "none", "signals", "walk", ... carry no number
    speed = float(match.group(1).replace(",", "."))
    unit = (match.group(2) or "").lower()
    if unit == "mph":
        return speed * _MPH_TO_KMH
    if unit == "knots":
        return speed * 1.852
    return speed


def parse_maxspeed(values: pd.Series | list[Any] | np.ndarray) -> pd.Series:
    """Convert raw OSM ``maxspeed`` values to km/h.

    Parameters
    ----------
    values
        Raw tag values (str, ``None`` or NaN when absent).

    Returns
    -------
    pandas.Series
        float64 km/h, NaN when absent or without a number (``"none"``,
        ``"signals"``). ``"50"`` and ``"50 km/h"`` give 50, ``"30 mph"`` gives
        48.28, ``"NL:urban"`` 50, ``"NL:rural"`` 80, ``"NL:motorway"`` 130,
        ``"NL:zone30"`` 30; of ``"50;30"`` the first value counts.

    Notes
    -----
    Only the distinct values are parsed (a handful per file), then mapped.
    """
    series = pd.Series(values, dtype=object).reset_index(drop=True)
    series = series.where(series.notna(), None)
    uniques = pd.unique(series.dropna())
    lookup = {v: _parse_one_maxspeed(v) for v in uniques}
    return series.map(lookup).astype("float64")


@dataclass
class _WayBuffer:
    """Flat arrays collected while streaming the ways (private)."""

    counts: list[int] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)
    xs: list[int] = field(default_factory=list)
    ys: list[int] = field(default_factory=list)
    tags: dict[str, list[str | None]] = field(default_factory=dict)


_READ_TAGS: tuple[str, ...] = ("highway", "oneway", "junction", "maxspeed", *TAG_COLUMNS)


def _read_ways(path: Path, progress: bool) -> tuple[_WayBuffer, str | None]:
    """Stream the highway ways of ``path`` into flat lists (the only Python loop)."""
    import osmium  # local: keeps ``import spreiding`` light

    buf = _WayBuffer(tags={k: [] for k in _READ_TAGS})
    try:
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        timestamp = processor.header.get("osmosis_replication_timestamp", "") or None
        bar = tqdm(desc=f"reading {path.name}", unit=" ways", disable=not progress, leave=False)
        with bar:
            for way in processor:
                if not isinstance(way, osmium.osm.Way):  # the entity filter passes ways only
                    continue
                tags = way.tags
                highway = tags.get("highway")
                if highway in SKIP_HIGHWAYS or tags.get("area") == "yes":
                    continue
                nodes = way.nodes
                if len(nodes) < 2:
                    continue
                buf.counts.append(len(nodes))
                buf.refs.extend([n.ref for n in nodes])
                buf.xs.extend([n.x for n in nodes])
                buf.ys.extend([n.y for n in nodes])
                for key, column in buf.tags.items():
                    column.append(tags.get(key))
                bar.update()
    except (RuntimeError, OSError, ValueError) as exc:
        msg = f"kan OSM-bestand {path} niet lezen: {exc}; download het opnieuw met `spreiding fetch --force`"
        raise InvalidDataError(msg) from exc
    return buf, timestamp


def _haversine_m(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres (vectorised, degrees in)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class _Pieces:
    """Way pieces between graph nodes (private result of :func:`_split_ways`)."""

    way: np.ndarray  # way index of each piece
    u: np.ndarray  # node id at the start
    v: np.ndarray  # node id at the end
    length_m: np.ndarray
    node_ids: np.ndarray  # sorted unique graph node ids
    node_lon: np.ndarray
    node_lat: np.ndarray
    missing_refs: int


def _split_ways(buf: _WayBuffer) -> _Pieces:
    """Split ways at graph nodes and sum segment lengths (all vectorised)."""
    counts = np.asarray(buf.counts, dtype=np.int64)
    way_of = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    ref = np.asarray(buf.refs, dtype=np.int64)
    xi = np.asarray(buf.xs, dtype=np.int64)
    yi = np.asarray(buf.ys, dtype=np.int64)
    valid = (xi != _UNDEFINED_COORD) & (yi != _UNDEFINED_COORD)
    lon = xi * _COORD_SCALE
    lat = yi * _COORD_SCALE

    # segment s joins positions s and s+1
    seg_ok = (way_of[:-1] == way_of[1:]) & valid[:-1] & valid[1:] & (ref[:-1] != ref[1:])
    has_prev = np.concatenate(([False], seg_ok))  # segment ending at this position is usable
    has_next = np.concatenate((seg_ok, [False]))  # segment starting at this position is usable
    used = has_prev | has_next
    run_end = used & ~(has_prev & has_next)

    used_refs = ref[used]
    uniq, inverse = np.unique(used_refs, return_inverse=True)
    occurrences = np.bincount(inverse, minlength=len(uniq))
    shared = np.zeros(len(ref), dtype=bool)
    shared[used] = occurrences[inverse] >= 2
    is_graph = run_end | shared

    segs = np.flatnonzero(seg_ok)
    seg_len = _haversine_m(lon[segs], lat[segs], lon[segs + 1], lat[segs + 1])
    starts = is_graph[segs]  # a piece starts at every segment leaving a graph node
    start_idx = np.flatnonzero(starts)
    end_idx = np.concatenate((start_idx[1:] - 1, [len(segs) - 1])) if len(segs) else start_idx
    first_seg = segs[start_idx]
    last_seg = segs[end_idx]
    length_m = np.add.reduceat(seg_len, start_idx) if len(segs) else np.zeros(0)

    graph_refs, first_pos = np.unique(ref[is_graph], return_index=True)
    graph_pos = np.flatnonzero(is_graph)[first_pos]
    return _Pieces(
        way=way_of[first_seg],
        u=ref[first_seg],
        v=ref[last_seg + 1],
        length_m=length_m.astype(np.float64),
        node_ids=graph_refs,
        node_lon=lon[graph_pos],
        node_lat=lat[graph_pos],
        missing_refs=int((~valid).sum()),
    )


def _oneway_flags(tags: dict[str, list[str | None]]) -> tuple[np.ndarray, np.ndarray]:
    """Return per-way ``(oneway, reversed)`` boolean arrays."""
    oneway = pd.Series(tags["oneway"], dtype=object).str.strip().str.lower()
    junction = pd.Series(tags["junction"], dtype=object)
    highway = pd.Series(tags["highway"], dtype=object)
    reverse = oneway.isin(_ONEWAY_REVERSED).to_numpy()
    explicit_no = oneway.isin(_ONEWAY_FALSE).to_numpy()
    implied = (junction.eq("roundabout") | highway.isin(_IMPLIED_ONEWAY_HIGHWAYS)).to_numpy() & oneway.isna().to_numpy()
    flag = (oneway.isin(_ONEWAY_TRUE).to_numpy() | reverse | implied) & ~explicit_no
    return flag, reverse


def _edge_table(buf: _WayBuffer, pieces: _Pieces) -> pd.DataFrame:
    """Build the edges frame from the pieces and their ways' tags."""
    oneway, reverse = _oneway_flags(buf.tags)
    w = pieces.way
    flip = reverse[w]
    u = np.where(flip, pieces.v, pieces.u)
    v = np.where(flip, pieces.u, pieces.v)
    maxspeed_per_way = parse_maxspeed(buf.tags["maxspeed"]).to_numpy()
    data: dict[str, Any] = {
        "u": u.astype(np.int64),
        "v": v.astype(np.int64),
        "highway": pd.Series(np.asarray(buf.tags["highway"], dtype=object)[w], dtype="str"),
        "oneway": oneway[w].astype(bool),
        "length_m": pieces.length_m,
        "maxspeed_kmh": maxspeed_per_way[w].astype(np.float64),
    }
    for key in TAG_COLUMNS:
        data[key] = pd.Series(np.asarray(buf.tags[key], dtype=object)[w], dtype="str")
    return pd.DataFrame(data, columns=list(EDGE_COLUMNS))


def _node_table(pieces: _Pieces) -> pd.DataFrame:
    """Build the nodes frame (RD New metres) of the graph nodes."""
    to_rd = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    x, y = to_rd.transform(pieces.node_lon, pieces.node_lat)
    return pd.DataFrame(
        {
            "node_id": pieces.node_ids.astype(np.int64),
            "x": np.asarray(x, dtype=np.float64),
            "y": np.asarray(y, dtype=np.float64),
        }
    )


def _year_of(timestamp: str | None) -> int | None:
    if not timestamp:
        return None
    match = re.match(r"(\d{4})-", timestamp)
    return int(match.group(1)) if match else None


def read_osm_roads(path: str | Path, *, progress: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the road network of an OpenStreetMap file as raw node and edge tables.

    Parameters
    ----------
    path
        ``.osm.pbf`` or ``.osm`` (XML) file.
    progress
        Show a tqdm progress bar while reading the ways.

    Returns
    -------
    nodes : pandas.DataFrame
        ``node_id`` (int64 OSM id), ``x``, ``y`` (float64, EPSG:28992 metres),
        one row per graph node, sorted by ``node_id``.
    edges : pandas.DataFrame
        One row per edge between two graph nodes, in file order: ``u``, ``v``
        (int64 node ids), ``highway`` (str), ``oneway`` (bool, True when cars
        may only drive ``u`` → ``v``; ``oneway=-1`` ways are stored reversed;
        roundabouts and motorways without a ``oneway`` tag are one-way),
        ``length_m`` (float64, great-circle), ``maxspeed_kmh`` (float64, NaN
        when absent, see :func:`parse_maxspeed`), ``access``,
        ``motor_vehicle``, ``motorcar``, ``bicycle``, ``foot``, ``name`` (str,
        NA when absent). ``edges.attrs["source"]`` holds a
        :class:`~spreiding.data.sources.SourceInfo`. A closed way that touches no
        other way becomes one edge with ``u == v``.

    Raises
    ------
    DataNotFoundError
        The file does not exist.
    InvalidDataError
        The file cannot be parsed, or holds no usable highway ways.
    """
    p = require_file(path, "OpenStreetMap-bestand", "haal het op met `spreiding fetch` of geef het juiste pad")
    buf, timestamp = _read_ways(p, progress)
    if not buf.counts:
        msg = (
            f"OSM-bestand {p} bevat geen bruikbare wegen; controleer dat het een wegenuitsnede van de regio is "
            "(download het opnieuw met `spreiding fetch --force`)"
        )
        raise InvalidDataError(msg)
    pieces = _split_ways(buf)
    if len(pieces.u) == 0:
        msg = (
            f"OSM-bestand {p} heeft wegen maar geen enkele met knoopposities ({fmt_int(pieces.missing_refs)} "
            "knoopverwijzingen ontbreken); download de uitsnede opnieuw met `spreiding fetch --force`"
        )
        raise InvalidDataError(msg)
    nodes = _node_table(pieces)
    edges = _edge_table(buf, pieces)

    warnings: tuple[str, ...] = ()
    if pieces.missing_refs:
        warnings = (
            f"{fmt_int(pieces.missing_refs)} knoopverwijzingen van wegen hebben geen positie in het bestand "
            "(wegen afgesneden aan de rand van de uitsnede); de wegstukken ernaast zijn weggelaten",
        )
    info = SourceInfo(
        kind="network",
        path=str(p),
        rows=len(edges),
        year=_year_of(timestamp),
        description="OpenStreetMap-wegen (alle highway-ways), gesplitst op kruisingen",
        quality=(
            ("ways", float(len(buf.counts))),
            ("graph_nodes", float(len(nodes))),
            ("missing_node_refs", float(pieces.missing_refs)),
            ("total_length_km", float(edges["length_m"].sum() / 1000.0)),
        ),
        warnings=warnings,
    )
    attach_source(edges, info)
    logger.debug("%d knopen en %d wegstukken gelezen uit %s", len(nodes), len(edges), p)
    return nodes, edges
