"""Distances from residents to service points, over the road or crow-fly.

All heavy work lives here: KD-tree snapping, one multi-source Dijkstra pass
for the nearest service point (:func:`nearest_facility`) and a points ×
service-points matrix (:func:`distance_matrix`) that scenario work reuses
without new graph searches.

Network model (as CBS does for "nabijheid voorzieningen"): every point is
snapped to the nearest node of the largest strongly connected component of
the mode's graph and the straight snap leg is added to the route. Searches run
on the *reversed* graph from the service points, so one-way streets count in
the direction a resident travels. A point whose snap leg is longer than the
limit is not used (``inf``) and reported. Unreachable points are ``inf``,
never zero.

Crow-fly model (no network): straight-line distance times a detour factor.
Every result names the model that produced it (``distance_model`` column /
:class:`DistanceModel`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.spatial import cKDTree

from spreiding._progress import progress_bar
from spreiding._validate import require_columns, rows_text, to_rd_new
from spreiding.data._plausible import check_snap_share
from spreiding.errors import ConfigError, InvalidDataError, UnreachableError
from spreiding.network._chains import ChainGraph, nearest_sources, source_columns
from spreiding.network._local import (
    local_columns,
    make_grid,
    to_sparse,
)
from spreiding.network.matrix import DistanceMatrix
from spreiding.network.modes import Mode, get_mode
from spreiding.network.nearest import DistanceModel, NearestResult, ids_at
from spreiding.network.roads import RoadNetwork

__all__ = [
    "DEFAULT_CUTOFF_M",
    "DEFAULT_CUTOFF_S",
    "DEFAULT_DETOUR_FACTOR",
    "DEFAULT_FACILITY_SNAP_M",
    "DEFAULT_POINT_SNAP_M",
    "MAX_DETOUR_FACTOR",
    "SPARSE_MAX_DISC_SHARE",
    "SPARSE_MIN_CORE_NODES",
    "DistanceMatrix",
    "DistanceModel",
    "NearestResult",
    "crowfly_kmh",
    "distance_matrix",
    "facility_snaps",
    "nearest_facility",
    "snap_points",
    "snap_positions",
]

logger = logging.getLogger(__name__)

DEFAULT_POINT_SNAP_M = 2000.0
"""Residents' points further than this from a usable road are not used (1 km cell centres can be ~1 km off)."""
DEFAULT_FACILITY_SNAP_M = 500.0
"""Service points further than this from a usable road are left out (e.g. beyond the network's extent)."""
DEFAULT_DETOUR_FACTOR = 1.3
"""Road distance / straight line; 1.1-1.25 between Drenthe towns, more for short local trips."""
MAX_DETOUR_FACTOR = 3.0
"""Largest detour factor accepted (beyond it a crow-fly estimate says nothing)."""
DEFAULT_CUTOFF_M = 20000.0
"""Largest distance kept in a distance matrix (every Drenthe resident has a library well within it)."""
DEFAULT_CUTOFF_S = 1200.0
"""Largest travel time kept in a distance matrix when times need their own search (cars)."""
_CROWFLY_KMH = {"car": 45.0, "bike": 15.0, "walk": 5.0}
_BATCH = 16
SPARSE_MIN_CORE_NODES = 600_000
"""Contracted nodes from which ``storage="auto"`` searches locally and stores sparse (measured crossover)."""
SPARSE_MAX_DISC_SHARE = 0.25
"""Largest share of the network's extent the cut-off disc may cover for ``storage="auto"`` to go sparse."""


def crowfly_kmh(mode: str) -> float:
    """Speed (km/h) that turns a crow-fly estimate of distance into a travel time.

    >>> crowfly_kmh("bike")
    15.0
    """
    return _CROWFLY_KMH.get(get_mode(mode).name, 45.0)


def _model(network: RoadNetwork | None, mode: str | Mode | None, detour_factor: float) -> DistanceModel:
    if network is not None:
        if mode is not None and get_mode(mode).name != network.mode.name:
            msg = (
                f"reiswijze {get_mode(mode).name!r} verschilt van die van het wegennet ({network.mode.name!r}); "
                "laad het wegennet voor die reiswijze (--network) of kies dezelfde reiswijze (--mode)"
            )
            raise ConfigError(msg)
        return DistanceModel("network", network.mode.name, source=network.source)
    if not 1.0 <= detour_factor <= MAX_DETOUR_FACTOR:  # also refuses nan and inf
        msg = (
            f"omwegfactor {detour_factor!r} kan niet; geef --detour een getal van 1,0 tot en met "
            f"{MAX_DETOUR_FACTOR:g} (over de weg is een route zelden meer dan twee keer zo lang als hemelsbreed)"
        )
        raise ConfigError(msg)
    return DistanceModel("crowfly", get_mode(mode or "car").name, detour_factor=float(detour_factor))


def _xy(frame: gpd.GeoDataFrame, what: str) -> np.ndarray:
    """Point coordinates in EPSG:28992 as an (n, 2) array (reprojecting a copy when needed)."""
    if not isinstance(frame, gpd.GeoDataFrame):
        msg = f"{what} heeft geen puntgeometrie ({type(frame).__name__}); lees het bestand met spreiding in"
        raise InvalidDataError(msg)
    rd = to_rd_new(frame, what) if frame.crs is None or frame.crs.to_epsg() != 28992 else frame
    geom = np.asarray(rd.geometry.array)  # shapely's functions on the geometries directly: a third of the time
    bad = (shapely.get_type_id(geom) != 0) | shapely.is_empty(geom)  # type id -1: missing, 0: point
    if bad.any():
        msg = (
            f"{what} heeft rijen zonder punt als geometrie: {rows_text(rd.index[bad])}; verbeter of verwijder die rijen"
        )
        raise InvalidDataError(msg)
    return np.column_stack([shapely.get_x(geom), shapely.get_y(geom)])  # one value per point, nan kept


def _ids(facilities: gpd.GeoDataFrame) -> np.ndarray:
    require_columns(facilities, ["id"], "voorzieningen", "geef elke voorziening een id")
    ids = facilities["id"].astype(str).to_numpy()
    if len(np.unique(ids)) != len(ids):
        dup = pd.Series(ids)[pd.Series(ids).duplicated()].unique()
        msg = f"voorzieningen hebben dubbele id's: {rows_text(dup)}; maak elke id uniek"
        raise InvalidDataError(msg)
    return ids


@dataclass(frozen=True, eq=False)
class _Snapped:
    node: np.ndarray  # int64 position in network.lcc_nodes (compact search graph), -1 when too far
    snap_m: np.ndarray  # straight distance to that node


def _snap(xy: np.ndarray, network: RoadNetwork, max_snap_m: float) -> _Snapped:
    """Snap to the nearest node of the largest SCC; ``node`` is its position in ``network.lcc_nodes``."""
    if len(network.lcc_nodes) == 0:
        msg = "het wegennet heeft geen samenhangend deel om punten aan te koppelen; controleer het bestand (--network)"
        raise UnreachableError(msg)
    snap_m, node = network.snaps.query(xy)
    node[snap_m > max_snap_m] = -1
    return _Snapped(node, np.asarray(snap_m, dtype=float))


def snap_positions(points: gpd.GeoDataFrame, network: RoadNetwork, max_snap_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The points' snap to the search graph: (position in ``network.lcc_nodes`` or -1, straight leg in m).

    Refuses a network that does not cover the points (as every distance function does).
    """
    pts = _snap(_xy(points, "inwonerspunten"), network, max_snap_m)
    _check_covered(points, pts, network, max_snap_m)
    return pts.node, pts.snap_m


def snap_points(xy: np.ndarray, network: RoadNetwork, max_snap_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Snap coordinates to the nearest node of the largest strongly connected component.

    Parameters
    ----------
    xy
        (n, 2) coordinates in EPSG:28992.
    network
        The mode's road network.
    max_snap_m
        Points further than this get node ``-1``.

    Returns
    -------
    node : numpy.ndarray
        Graph node index per point (``-1`` when too far).
    snap_m : numpy.ndarray
        Straight distance to the nearest node (reported even when too far).
    """
    snapped = _snap(xy, network, max_snap_m)
    node = np.where(snapped.node >= 0, network.lcc_nodes[np.maximum(snapped.node, 0)], -1)
    return node, snapped.snap_m


def facility_snaps(
    facilities: gpd.GeoDataFrame, network: RoadNetwork, *, max_snap_m: float = DEFAULT_FACILITY_SNAP_M
) -> pd.DataFrame:
    """Report how far every service point lies from the road network.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``snap_m`` and ``used`` (whether the snap is within the limit).
    """
    ids = _ids(facilities)
    snapped = _snap(_xy(facilities, "voorzieningen"), network, max_snap_m)
    return pd.DataFrame({"id": ids, "snap_m": snapped.snap_m, "used": snapped.node >= 0}, index=facilities.index)


def _multi_source(
    chains: ChainGraph, fac: _Snapped, pts: _Snapped, leg_scale: float, limit: float
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest service point per point in one Dijkstra pass; returns (cost, facility position)."""
    used = np.flatnonzero(fac.node >= 0)
    ok = np.flatnonzero(pts.node >= 0)
    cost = np.full(pts.node.shape[0], np.inf)
    which = np.full(pts.node.shape[0], -1, np.int64)
    if used.size == 0 or ok.size == 0:
        return cost, which
    node_cost, src = nearest_sources(chains, fac.node[used], fac.snap_m[used] * leg_scale, pts.node[ok], limit)
    node_cost = node_cost + pts.snap_m[ok] * leg_scale
    reached = np.isfinite(node_cost) & (node_cost <= limit) & (src >= 0)
    cost[ok[reached]] = node_cost[reached]
    which[ok[reached]] = used[src[reached]]
    return cost, which


def _crowfly_nearest(pxy: np.ndarray, fxy: np.ndarray, factor: float, limit: float) -> tuple[np.ndarray, np.ndarray]:
    cost = np.full(pxy.shape[0], np.inf)
    which = np.full(pxy.shape[0], -1, np.int64)
    if fxy.shape[0] == 0:
        return cost, which
    d, pos = cKDTree(fxy).query(pxy, k=1)
    d = d * factor
    ok = d <= limit
    cost[ok], which[ok] = d[ok], pos[ok]
    return cost, which


def _check_covered(points: gpd.GeoDataFrame, pts: _Snapped, network: RoadNetwork, max_snap_m: float) -> None:
    """Refuse a network that does not cover the points (see :func:`spreiding.data._plausible.check_snap_share`)."""
    source = points.attrs.get("source") if isinstance(points.attrs.get("source"), dict) else None
    path = str(source.get("path") or "") if source else ""
    area = f"het gebied van {Path(path).name}" if path else "het gebied"
    check_snap_share(pts.node >= 0, max_snap_m, network.source, area)


def nearest_facility(
    points: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network: RoadNetwork | None = None,
    *,
    mode: str | Mode | None = None,
    limit_m: float = np.inf,
    max_snap_m: float = DEFAULT_POINT_SNAP_M,
    facility_max_snap_m: float = DEFAULT_FACILITY_SNAP_M,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    with_time: bool = True,
) -> NearestResult:
    """Distance and travel time from every point to its nearest service point.

    One multi-source Dijkstra pass per metric (scipy.sparse.csgraph,
    ``min_only``); without a network, crow-fly distance times a detour factor.

    Parameters
    ----------
    points
        Residents' points (cells or street placements), point geometry.
    facilities
        Service points with a unique ``id``; all rows count (filter first).
    network
        The mode's :class:`~spreiding.network.roads.RoadNetwork`, or ``None`` for
        the crow-fly model.
    mode
        Travel mode (defaults to the network's; ``car`` for crow-fly).
    limit_m
        Stop searching beyond this distance (points further away get ``inf``).
    max_snap_m, facility_max_snap_m
        Largest straight leg from a point / service point to the road.
    detour_factor
        Crow-fly model only: road distance per metre of straight line.
    with_time
        Also compute the shortest travel time (a second pass for cars).

    Returns
    -------
    NearestResult
        Rows aligned with ``points``; ``excluded`` lists the service points
        too far from the road network.

    Raises
    ------
    NetworkOutsideRegionError
        Fewer than 90 % of 20 or more points lie within ``max_snap_m`` of the
        network: it is the network of another area.
    """
    model = _model(network, mode, detour_factor)
    pxy = _xy(points, "inwonerspunten")
    ids = _ids(facilities)
    fxy = _xy(facilities, "voorzieningen")
    excluded: list[dict[str, object]] = []
    if network is None:
        dist, which = _crowfly_nearest(pxy, fxy, detour_factor, limit_m)
        snap_m = np.zeros(len(pxy))
        snapped = np.ones(len(pxy), bool)
        speed = _CROWFLY_KMH.get(model.mode, 45.0) / 3.6
        time, which_t = dist / speed, which
    else:
        pts = _snap(pxy, network, max_snap_m)
        _check_covered(points, pts, network, max_snap_m)
        fac = _snap(fxy, network, facility_max_snap_m)
        far = fac.node < 0
        if far.any():
            excluded = [{"id": i, "snap_m": float(s)} for i, s in zip(ids[far], fac.snap_m[far], strict=True)]
            logger.warning(
                "%d voorziening(en) liggen meer dan %.0f m van het wegennet (%s) en tellen niet mee: %s",
                far.sum(),
                facility_max_snap_m,
                model.mode,
                rows_text(ids[far]),
            )
        dist, which = _multi_source(network.chains_length, fac, pts, 1.0, limit_m)
        snap_m, snapped = pts.snap_m, pts.node >= 0
        speed_c = network.constant_speed_mps
        if speed_c is not None or not with_time:
            time, which_t = dist / (speed_c or np.nan), which
        else:
            time, which_t = _multi_source(network.chains_time, fac, pts, 3.6 / network.mode.connector_kmh, np.inf)
    result = NearestResult(
        points.index,
        dist,
        time,
        ids_at(ids, which),
        ids_at(ids, which_t),
        snap_m,
        snapped,
        model,
        tuple(str(e["id"]) for e in excluded),
    )
    unreachable = int((~np.isfinite(dist)).sum())
    if unreachable and not np.isfinite(limit_m):
        logger.warning("%d punt(en) kunnen geen enkele voorziening bereiken (%s)", unreachable, model.label)
    return result


def _network_columns(
    chains: ChainGraph,
    fac: _Snapped,
    pts: _Snapped,
    leg_scale: float,
    limit: float,
    progress: bool,
) -> np.ndarray:
    out = np.full((pts.node.shape[0], fac.node.shape[0]), np.inf, dtype=np.float32)
    used = np.flatnonzero(fac.node >= 0)
    ok = np.flatnonzero(pts.node >= 0)
    if used.size == 0 or ok.size == 0:
        return out
    blocks = source_columns(chains, fac.node[used], fac.snap_m[used] * leg_scale, pts.node[ok], limit, _BATCH)
    n_blocks = -(-used.size // _BATCH)
    start = 0
    for block in progress_bar(blocks, desc="afstandsmatrix", total=n_blocks, progress=progress and n_blocks > 2):
        cols = used[start : start + block.shape[0]]
        start += block.shape[0]
        full = block + pts.snap_m[None, ok] * leg_scale
        full[full > limit] = np.inf
        out[np.ix_(ok, cols)] = full.T
    return out


def _max_speed_mps(network: RoadNetwork) -> float | None:
    """Largest length / time over the arcs (bounds how far a time cut-off reaches), ``None`` if unknown."""
    lm, ts = network.length_m, network.time_s
    aligned = lm.nnz == ts.nnz and np.array_equal(lm.indptr, ts.indptr) and np.array_equal(lm.indices, ts.indices)
    if not aligned or lm.nnz == 0 or not (ts.data > 0).all():
        return None
    return float(np.max(lm.data / ts.data))


def _storage(storage: str, network: RoadNetwork, chains: ChainGraph, limit: float, scale: float | None) -> bool:
    """Whether to search locally and store sparse (see :data:`SPARSE_MIN_CORE_NODES`)."""
    if storage not in ("auto", "dense", "sparse"):
        msg = f"opslag {storage!r} bestaat niet; kies 'auto', 'dense' of 'sparse'"
        raise ConfigError(msg)
    if storage == "dense" or not np.isfinite(limit) or scale is None:
        if storage == "sparse":
            msg = "een ijle afstandsmatrix heeft een eindige grens nodig; geef cutoff_m (en cutoff_s) een getal"
            raise ConfigError(msg)
        return False
    if storage == "sparse":
        return True
    xy = np.column_stack([network.x[network.lcc_nodes], network.y[network.lcc_nodes]])
    area = float(np.prod(xy.max(axis=0) - xy.min(axis=0))) if len(xy) else 0.0
    disc = np.pi * (limit * scale) ** 2
    return chains.n_search >= SPARSE_MIN_CORE_NODES and disc <= SPARSE_MAX_DISC_SHARE * area


def _sparse_columns(
    network: RoadNetwork, chains: ChainGraph, fac: _Snapped, pts: _Snapped, leg_scale: float, limit: float, scale: float
) -> sparse.csc_array:
    """Points × service points within ``limit``, searched near each service point (see :mod:`._local`)."""
    used = np.flatnonzero(fac.node >= 0)
    ok = np.flatnonzero(pts.node >= 0)
    shape = (pts.node.shape[0], fac.node.shape[0])
    if used.size == 0 or ok.size == 0:
        return to_sparse(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.int64), used, shape)
    lcc_x, lcc_y = network.x[network.lcc_nodes], network.y[network.lcc_nodes]
    core_full = np.empty(chains.n_search, np.int64)  # the search graph's nodes, in its order
    core_full[chains.kept[chains.kept >= 0]] = np.flatnonzero(chains.core_index >= 0)[chains.kept >= 0]
    q = pts.node[ok]
    grid = make_grid(
        chains,
        np.column_stack([lcc_x[core_full], lcc_y[core_full]]),
        np.column_stack([lcc_x[q], lcc_y[q]]),
        limit * scale,
    )
    nodes = fac.node[used]
    rows, data, counts = local_columns(
        chains,
        grid,
        np.column_stack([lcc_x[nodes], lcc_y[nodes]]),
        nodes,
        fac.snap_m[used] * leg_scale,
        q,
        pts.snap_m[ok] * leg_scale,
        limit,
        scale,
    )
    return to_sparse(ok[rows], data, counts, used, shape)


def distance_matrix(
    points: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network: RoadNetwork | None = None,
    *,
    mode: str | Mode | None = None,
    cutoff_m: float = DEFAULT_CUTOFF_M,
    cutoff_s: float = DEFAULT_CUTOFF_S,
    max_snap_m: float = DEFAULT_POINT_SNAP_M,
    facility_max_snap_m: float = DEFAULT_FACILITY_SNAP_M,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    with_time: bool = True,
    progress: bool = False,
    storage: str = "auto",
    snapped_points: tuple[np.ndarray, np.ndarray] | None = None,
) -> DistanceMatrix:
    """Points × service points distances (and times), cut off at ``cutoff_m``.

    One single-source Dijkstra per service point (batched) on the reversed
    graph; a new site therefore costs one search.

    Parameters
    ----------
    points, facilities, network, mode, max_snap_m, facility_max_snap_m, detour_factor
        As in :func:`nearest_facility`.
    cutoff_m
        Distances beyond this are ``inf`` (the search stops there).
    cutoff_s
        Travel times beyond this are ``inf`` when times need their own search
        (cars); for constant-speed modes times follow from distances.
    with_time
        Compute travel times too (a second set of searches for cars;
        otherwise times follow from the constant speed, or are ``NaN``).
    progress
        Show a progress bar (dense searches).
    storage
        ``"dense"``: whole-graph searches into a points × service points
        array; ``"sparse"``: each service point searched only inside the
        straight-line disc of the cut-off, only the entries within it stored
        (:mod:`spreiding.network._local`); ``"auto"`` (default): sparse on
        networks of at least :data:`SPARSE_MIN_CORE_NODES` contracted nodes
        whose cut-off disc covers at most :data:`SPARSE_MAX_DISC_SHARE` of
        the network's extent, where it is faster. Both give the same values.
    snapped_points
        The points' :func:`snap_positions` when already known (a new site then snaps only itself).

    Returns
    -------
    DistanceMatrix

    Raises
    ------
    NetworkOutsideRegionError
        As in :func:`nearest_facility`.
    """
    model = _model(network, mode, detour_factor)
    ids = _ids(facilities)
    fxy = _xy(facilities, "voorzieningen")
    excluded: tuple[str, ...] = ()
    speed: float | None = None
    time: np.ndarray | sparse.csc_array | None
    if network is None:
        pxy = _xy(points, "inwonerspunten")
        diff = pxy[:, None, :] - fxy[None, :, :]
        dist = (np.hypot(diff[..., 0], diff[..., 1]) * detour_factor).astype(np.float32)
        dist[dist > cutoff_m] = np.inf
        time = dist / np.float32(_CROWFLY_KMH.get(model.mode, 45.0) / 3.6)
        time[time > cutoff_s] = np.inf
        snap = np.zeros(len(pxy))
        snapped = np.ones(len(pxy), bool)
    else:
        pts = _Snapped(*(snapped_points or snap_positions(points, network, max_snap_m)))
        fac = _snap(fxy, network, facility_max_snap_m)
        excluded = tuple(ids[fac.node < 0])
        dist = _columns(network, network.chains_length, fac, pts, (1.0, cutoff_m, 1.0), storage, progress)
        speed = network.constant_speed_mps
        if speed is not None or not with_time:
            time = None
        else:
            legs = (3.6 / network.mode.connector_kmh, cutoff_s, _max_speed_mps(network))
            time = _columns(network, network.chains_time, fac, pts, legs, storage, progress)
        snap, snapped = pts.snap_m, pts.node >= 0
    return DistanceMatrix(
        point_index=points.index,
        facility_ids=ids,
        dist_store=dist,
        time_store=time,
        point_snap_m=snap,
        point_snapped=snapped,
        model=model,
        cutoff_m=float(cutoff_m),
        excluded=excluded,
        speed_mps=speed,
    )


def _columns(
    network: RoadNetwork,
    chains: ChainGraph,
    fac: _Snapped,
    pts: _Snapped,
    legs: tuple[float, float, float | None],
    storage: str,
    progress: bool,
) -> np.ndarray | sparse.csc_array:
    """One metric's columns, dense or sparse; ``legs`` = (leg cost per metre, cut-off, metres per cost unit)."""
    leg_scale, limit, scale = legs
    if _storage(storage, network, chains, limit, scale):
        return _sparse_columns(network, chains, fac, pts, leg_scale, limit, float(scale or 1.0))
    return _network_columns(chains, fac, pts, leg_scale, limit, progress)
