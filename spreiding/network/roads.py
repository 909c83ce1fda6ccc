"""Road networks per travel mode as sparse graphs.

Inputs are *raw road tables* (one row per node, one row per street segment)
read from:

- a GeoPackage in osmnx's layout (``nodes`` + ``edges`` layers, as
  :func:`osmnx.save_graph_geopackage` writes; the offline Drenthe network);
- an OpenStreetMap ``.osm.pbf`` or ``.osm`` XML file (:mod:`spreiding.network.osm`).

:func:`build_network` turns them into a :class:`RoadNetwork` for one
:class:`~spreiding.network.modes.Mode`: node coordinates in EPSG:28992 and two
``scipy.sparse`` CSR matrices (length in metres and travel time in seconds),
with parallel edges reduced to the shortest one and one-way streets honoured
for cars. :func:`load_network` caches built networks on disk (:mod:`spreiding._cache`),
keyed by the content of the source file, the mode and the build code; the
contracted search graphs and the KD-tree of a cached network are cached too.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import scipy
from pyproj import CRS, Transformer
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from spreiding import _cache
from spreiding._progress import advance, steps
from spreiding._validate import require_columns, require_file
from spreiding.data._plausible import check_edge_lengths
from spreiding.data.config import data_paths
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import InvalidDataError, NetworkError
from spreiding.network._chains import ChainGraph, build_chains, min_csr
from spreiding.network._snaps import SnapCache
from spreiding.network.modes import Mode, get_mode
from spreiding.vocabulary import fmt_dec, fmt_int

__all__ = ["BUILD_VERSION", "RESIDENTIAL_CLASSES", "RoadNetwork", "build_network", "load_network", "read_road_tables"]

logger = logging.getLogger(__name__)

BUILD_VERSION = "2"  # bump when the cached structures change in a way the build code's source does not show
_NETWORK_CODE = (Path(__file__), Path(__file__).with_name("osm.py"))
_CHAINS_CODE = tuple(Path(__file__).with_name(f) for f in ("_chains.py", "_trees.py", "_zorder.py"))
_MIN_EDGE_M = 0.01  # csgraph ignores zero weights; keep coincident nodes connected
RESIDENTIAL_CLASSES = frozenset({"residential", "living_street"})
_ACCESS_COLUMNS = ("access", "motor_vehicle", "motorcar", "bicycle", "foot")


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed road graph for one travel mode.

    Attributes
    ----------
    mode
        The travel mode the graph was built for.
    node_ids
        Source node id of every graph node (row/column order of the matrices).
    x, y
        Node coordinates in EPSG:28992 (metres).
    length_m
        CSR matrix, ``length_m[i, j]`` is the length of the arc i → j.
    time_s
        CSR matrix of travel times in seconds for the same arcs.
    in_lcc
        Whether a node belongs to the largest strongly connected component;
        points are only snapped onto these nodes.
    residential
        Whether a node lies on a residential street (for placing residents).
    source
        The file the network was read from.
    cache_key
        Key of the network's disk-cache entry (:mod:`spreiding._cache`); the
        contracted graphs and the KD-tree are cached under keys derived from
        it. Empty when the network is not cached.
    """

    mode: Mode
    node_ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    length_m: sparse.csr_matrix
    time_s: sparse.csr_matrix
    in_lcc: np.ndarray
    residential: np.ndarray
    source: str = ""
    cache_key: str = ""

    @property
    def n_nodes(self) -> int:
        """Number of graph nodes."""
        return int(self.x.shape[0])

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs."""
        return int(self.length_m.nnz)

    @cached_property
    def reverse_length_m(self) -> sparse.csr_matrix:
        """Transposed length graph: searches from a facility give distances *to* it."""
        return self.length_m.T.tocsr()

    @cached_property
    def reverse_time_s(self) -> sparse.csr_matrix:
        """Transposed travel-time graph."""
        return self.time_s.T.tocsr()

    @cached_property
    def search_length_m(self) -> sparse.csr_matrix:
        """Reversed length graph restricted to the largest strongly connected component.

        Row/column ``k`` is node ``lcc_nodes[k]``. Searches run on this compact
        graph: scipy's Dijkstra is markedly faster without the unused nodes.
        """
        keep = self.lcc_nodes
        return self.reverse_length_m[keep][:, keep].tocsr()

    @cached_property
    def search_time_s(self) -> sparse.csr_matrix:
        """Reversed travel-time graph on the largest strongly connected component (as ``search_length_m``)."""
        keep = self.lcc_nodes
        return self.reverse_time_s[keep][:, keep].tocsr()

    @cached_property
    def chains_length(self) -> ChainGraph:
        """``search_length_m`` with its pass-through chains contracted (exact, faster searches)."""
        return _cached(
            self, "chains-length", _CHAINS_ENTRY, lambda: build_chains(self.search_length_m, xy=self._lcc_xy)
        )

    @cached_property
    def chains_time(self) -> ChainGraph:
        """``search_time_s`` with its pass-through chains contracted."""
        return _cached(self, "chains-time", _CHAINS_ENTRY, lambda: build_chains(self.search_time_s, xy=self._lcc_xy))

    @property
    def _lcc_xy(self) -> np.ndarray:
        """Coordinates of the search graphs' nodes (``lcc_nodes``), (n, 2)."""
        return np.column_stack([self.x[self.lcc_nodes], self.y[self.lcc_nodes]])

    @cached_property
    def lcc_nodes(self) -> np.ndarray:
        """Indices of the nodes in the largest strongly connected component."""
        return np.flatnonzero(self.in_lcc)

    @cached_property
    def lcc_tree(self) -> cKDTree:
        """KD-tree over the nodes of the largest strongly connected component."""
        return _cached(self, "tree", _TREE_ENTRY, lambda: _build_tree(self))

    @cached_property
    def snaps(self) -> SnapCache:
        """Nearest ``lcc_tree`` node of point sets, the last few large sets remembered (see :mod:`._snaps`)."""
        return SnapCache(lambda: self.lcc_tree)

    @cached_property
    def constant_speed_mps(self) -> float | None:
        """The single speed (m/s) of every arc and connector, or ``None`` when speeds differ."""
        speeds = {v for _, v in self.mode.highway_speeds_kmh} | {self.mode.connector_kmh}
        return next(iter(speeds)) / 3.6 if len(speeds) == 1 and not self.mode.use_maxspeed else None

    def describe(self) -> str:
        """One-line summary for logs."""
        used = (np.diff(self.length_m.indptr) > 0) | (np.diff(self.reverse_length_m.indptr) > 0)
        share = self.in_lcc.sum() / max(int(used.sum()), 1) * 100
        return (
            f"wegennet ({self.mode.label_nl}) uit {self.source}: {fmt_int(int(used.sum()))} bruikbare knopen, "
            f"{fmt_int(self.n_arcs)} wegstukken, {fmt_dec(share, 2)}% van de bruikbare knopen in de grootste "
            "sterk samenhangende component"
        )


# --------------------------------------------------------------------------- reading


def _first_class(highway: pd.Series) -> pd.Series:
    """osmnx stores merged classes as "['residential', 'service']"; keep the first."""
    text = highway.astype("string").fillna("")
    listed = text.str.startswith("[")
    first = text.str.extract(r"\[\s*'([^']+)'", expand=False)
    return text.where(~listed, first).fillna("")


def _as_bool(values: pd.Series) -> pd.Series:
    if values.dtype == bool:
        return values
    text = values.astype("string").str.strip().str.lower()
    return text.isin(["true", "yes", "1", "-1"]).fillna(False).astype(bool)


def _read_gpkg_tables(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    try:
        layers = {name for name, _ in pyogrio.list_layers(path)}
    except Exception as exc:
        msg = (
            f"kan wegennet {path} niet lezen: {exc}; download het opnieuw (`spreiding fetch --force`) "
            "of wijs met --data-dir of --network een goede kopie aan"
        )
        raise InvalidDataError(msg) from exc
    if not {"nodes", "edges"} <= layers:
        msg = (
            f"wegennet {path} heeft de lagen {sorted(layers)}, verwacht 'nodes' en 'edges' "
            "(osmnx-GeoPackage); geef een wegennet in die opzet of een .osm.pbf (--network)"
        )
        raise InvalidDataError(msg)
    nodes = pyogrio.read_dataframe(path, layer="nodes", read_geometry=False)
    edges = pyogrio.read_dataframe(path, layer="edges", read_geometry=False)
    crs = pyogrio.read_info(path, layer="nodes")["crs"] or "EPSG:4326"
    return nodes, edges, str(crs)


def read_road_tables(path: str | os.PathLike[str], *, progress: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read raw road tables from a GeoPackage, ``.osm.pbf`` or ``.osm`` file.

    Parameters
    ----------
    path
        The network file.
    progress
        Show progress while reading OSM files.

    Returns
    -------
    nodes : pandas.DataFrame
        ``node_id``, ``x``, ``y`` (EPSG:28992).
    edges : pandas.DataFrame
        ``u``, ``v``, ``highway``, ``oneway`` (bool, u → v only), ``length_m``,
        ``maxspeed_kmh`` and the OSM access columns where present.
    """
    p = require_file(
        Path(path), "wegennet", "haal het op met `spreiding fetch`, of zet SPREIDING_DATA_DIR op de gegevensmap"
    )
    name = p.name.lower()
    if name.endswith((".osm.pbf", ".pbf", ".osm", ".osm.xml")):
        from spreiding.network.osm import read_osm_roads

        return read_osm_roads(p, progress=progress)
    if not name.endswith(".gpkg"):
        msg = f"onbekend wegennetformaat {p.name}; geef met --network een .gpkg (osmnx-opzet), .osm.pbf of .osm"
        raise InvalidDataError(msg)
    raw_nodes, raw_edges, crs = _read_gpkg_tables(p)
    require_columns(raw_nodes, ["osmid", "x", "y"], f"laag nodes van {p.name}", "sla de graaf op met osmnx")
    require_columns(raw_edges, ["u", "v", "highway", "length"], f"laag edges van {p.name}", "sla de graaf op met osmnx")
    x = raw_nodes["x"].to_numpy(float)
    y = raw_nodes["y"].to_numpy(float)
    if CRS.from_user_input(crs).to_epsg() != 28992:
        x, y = Transformer.from_crs(crs, "EPSG:28992", always_xy=True).transform(x, y)
    nodes = pd.DataFrame({"node_id": raw_nodes["osmid"].to_numpy(np.int64), "x": x, "y": y})
    edges = pd.DataFrame(
        {
            "u": raw_edges["u"].to_numpy(np.int64),
            "v": raw_edges["v"].to_numpy(np.int64),
            "highway": _first_class(raw_edges["highway"]).to_numpy(object),
            "oneway": _as_bool(raw_edges["oneway"]).to_numpy()
            if "oneway" in raw_edges
            else np.zeros(len(raw_edges), bool),
            "length_m": pd.to_numeric(raw_edges["length"], errors="coerce").to_numpy(float),
        }
    )
    if "maxspeed" in raw_edges:
        speed = raw_edges["maxspeed"].astype("string").str.extract(r"(\d+)", expand=False)
        edges["maxspeed_kmh"] = pd.to_numeric(speed, errors="coerce").to_numpy(float)
    for col in _ACCESS_COLUMNS:
        if col in raw_edges:
            edges[col] = raw_edges[col].astype("string").to_numpy(object)
    attach_source(
        edges,
        SourceInfo(
            kind="network",
            path=str(p),
            rows=len(edges),
            crs="EPSG:28992",
            description="wegennet, osmnx-GeoPackage (OpenStreetMap)",
        ),
    )
    return nodes, edges


# --------------------------------------------------------------------------- building


def _usable(edges: pd.DataFrame, mode: Mode) -> np.ndarray:
    ok = edges["highway"].isin(mode.highways).to_numpy().copy()
    for col in mode.access_tags:
        if col in edges:
            blocked = edges[col].astype("string").str.lower().isin(mode.blocked_access).fillna(False).to_numpy(bool)
            ok &= ~blocked
    length = edges["length_m"].to_numpy(float)
    return ok & np.isfinite(length) & (length >= 0)


def _speed_mps(edges: pd.DataFrame, mode: Mode) -> np.ndarray:
    kmh = edges["highway"].map(mode.speed_table()).to_numpy(float)
    if mode.use_maxspeed and "maxspeed_kmh" in edges:
        tagged = edges["maxspeed_kmh"].to_numpy(float)
        kmh = np.where(np.isfinite(tagged) & (tagged > 0), tagged, kmh)
    return kmh / 3.6


def build_network(nodes: pd.DataFrame, edges: pd.DataFrame, mode: str | Mode, *, source: str = "") -> RoadNetwork:
    """Build the sparse graph of one mode from raw road tables.

    Parameters
    ----------
    nodes, edges
        Raw road tables as returned by :func:`read_road_tables`.
    mode
        Travel mode (name or :class:`~spreiding.network.modes.Mode`).
    source
        Where the tables came from (kept for reports).

    Returns
    -------
    RoadNetwork

    Raises
    ------
    NetworkError
        No road is usable by the mode.
    ImplausibleNetworkError
        Most usable roads have (nearly) zero length (see :mod:`spreiding.data._plausible`).
    """
    mode = get_mode(mode)
    require_columns(nodes, ["node_id", "x", "y"], "knopentabel van het wegennet")
    require_columns(edges, ["u", "v", "highway", "oneway", "length_m"], "wegentabel van het wegennet")
    node_index = pd.Index(nodes["node_id"].to_numpy(np.int64))
    if not node_index.is_unique:
        msg = f"wegennet {source} heeft dubbele knoop-id's; maak het wegennetbestand opnieuw"
        raise InvalidDataError(msg)
    n = len(node_index)
    u = node_index.get_indexer(edges["u"].to_numpy(np.int64))
    v = node_index.get_indexer(edges["v"].to_numpy(np.int64))
    dangling = (u < 0) | (v < 0)
    if dangling.any():
        logger.warning(
            "%s wegstukken verwijzen naar knopen die niet in de knopentabel staan; ze zijn weggelaten "
            "(maak het wegennetbestand opnieuw als het er veel zijn)",
            fmt_int(int(dangling.sum())),
        )
    use = _usable(edges, mode) & ~dangling
    length = edges["length_m"].to_numpy(float)[use]
    check_edge_lengths(length, source or "(onbekend)", mode.label_nl)
    time = length / _speed_mps(edges, mode)[use]
    uu, vv = u[use], v[use]
    both = ~edges["oneway"].to_numpy(bool)[use] if mode.respect_oneway else np.ones(uu.shape[0], bool)
    rows = np.concatenate([uu, vv[both]])
    cols = np.concatenate([vv, uu[both]])
    length_m = min_csr(rows, cols, np.concatenate([length, length[both]]), n, min_weight=_MIN_EDGE_M)
    time_s = min_csr(rows, cols, np.concatenate([time, time[both]]), n, min_weight=_MIN_EDGE_M)
    if length_m.nnz == 0:
        msg = f"wegennet {source} heeft geen wegen voor {mode.name}; controleer de wegklassen (highway) in het bestand"
        raise NetworkError(msg)
    n_comp, labels = csgraph.connected_components(length_m, directed=True, connection="strong")
    degree = np.diff(length_m.indptr) + np.diff(length_m.tocsc().indptr)
    sizes = np.bincount(labels[degree > 0], minlength=n_comp)
    in_lcc = labels == int(np.argmax(sizes))
    res_edges = edges["highway"].isin(RESIDENTIAL_CLASSES).to_numpy() & ~dangling
    residential = np.zeros(n, bool)
    residential[u[res_edges]] = True
    residential[v[res_edges]] = True
    network = RoadNetwork(
        mode=mode,
        node_ids=node_index.to_numpy(),
        x=nodes["x"].to_numpy(float),
        y=nodes["y"].to_numpy(float),
        length_m=length_m,
        time_s=time_s,
        in_lcc=in_lcc,
        residential=residential,
        source=source,
    )
    logger.info("gebouwd: %s", network.describe())
    return network


# --------------------------------------------------------------------------- caching
#
# One entry per network (name ``network-<mode>``), and, derived from its key,
# one per contracted graph and one for the KD-tree. Sparse matrices are stored
# as data/indices/indptr/shape; ChainGraph is stored field by field, so a field
# added to it later is cached without a change here.

_SPARSE_TYPES = {
    cls.__name__: cls for cls in (sparse.csr_matrix, sparse.csc_matrix, sparse.csr_array, sparse.csc_array)
}
_TREE_GLOBALS = {
    ("scipy.spatial._ckdtree", "cKDTree"),
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "_reconstruct"),
}


def _put(arrays: dict[str, np.ndarray], name: str, value: object) -> None:
    """Store one value under ``name``: an array as-is, a compressed sparse matrix as its parts."""
    if sparse.issparse(value) and type(value).__name__ in _SPARSE_TYPES:
        m: Any = value
        arrays |= {f"{name}.data": m.data, f"{name}.indices": m.indices, f"{name}.indptr": m.indptr}
        arrays |= {f"{name}.shape": np.asarray(m.shape, np.int64), f"{name}.sparse": np.asarray(type(m).__name__)}
    elif isinstance(value, np.ndarray) and value.dtype != object:
        arrays[name] = value
    elif isinstance(value, bool | int | float | np.generic):
        arrays[f"{name}.scalar"] = np.asarray(value)
    else:
        msg = f"kan een {type(value).__name__} ({name}) niet in de cache bewaren"
        raise TypeError(msg)


def _get(arrays: Mapping[str, np.ndarray], name: str) -> Any:
    """Inverse of :func:`_put`; a missing key raises ``KeyError`` (the entry is then rebuilt)."""
    if f"{name}.sparse" in arrays:
        cls = _SPARSE_TYPES[str(arrays[f"{name}.sparse"])]
        parts = (arrays[f"{name}.data"], arrays[f"{name}.indices"], arrays[f"{name}.indptr"])
        return cls(parts, shape=tuple(int(n) for n in arrays[f"{name}.shape"]))
    if f"{name}.scalar" in arrays:
        return arrays[f"{name}.scalar"].item()
    return arrays[name]


_NETWORK_FIELDS = ("node_ids", "x", "y", "length_m", "time_s", "in_lcc", "residential")


def _network_arrays(network: RoadNetwork) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    for name in _NETWORK_FIELDS:
        _put(arrays, name, getattr(network, name))
    return arrays


def _network(arrays: Mapping[str, np.ndarray], *, mode: Mode, source: str, cache_key: str) -> RoadNetwork:
    values = {name: _get(arrays, name) for name in _NETWORK_FIELDS}
    return RoadNetwork(mode=mode, source=source, cache_key=cache_key, **values)


def _chains_arrays(graph: ChainGraph) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    for field in dataclasses.fields(graph):
        if field.init:
            _put(arrays, field.name, getattr(graph, field.name))
    return arrays


def _chains(arrays: Mapping[str, np.ndarray]) -> ChainGraph:
    return ChainGraph(**{f.name: _get(arrays, f.name) for f in dataclasses.fields(ChainGraph) if f.init})


def _build_tree(network: RoadNetwork) -> cKDTree:
    return cKDTree(np.column_stack([network.x[network.lcc_nodes], network.y[network.lcc_nodes]]))


class _TreeUnpickler(pickle.Unpickler):
    """Unpickles a cKDTree and the numpy arrays inside it, nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _TREE_GLOBALS:
            msg = f"onverwacht {module}.{name} in een KD-boom uit de cache"
            raise pickle.UnpicklingError(msg)
        return super().find_class(module, name)


def _tree_arrays(tree: cKDTree) -> dict[str, np.ndarray]:
    # loading a pickled tree takes ~5 ms on Drenthe's 146k nodes, rebuilding it ~60 ms
    return {"pickle": np.frombuffer(pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL), np.uint8)}


def _tree(arrays: Mapping[str, np.ndarray]) -> cKDTree:
    tree = _TreeUnpickler(io.BytesIO(arrays["pickle"].tobytes())).load()
    if not isinstance(tree, cKDTree):
        msg = f"de KD-boom uit de cache bevat een {type(tree).__name__}"
        raise TypeError(msg)
    return tree


@dataclass(frozen=True)
class _Entry:
    """How one structure derived from a network is keyed (its build code's version) and stored."""

    code: object
    to_arrays: Callable[[Any], dict[str, np.ndarray]]
    from_arrays: Callable[[Mapping[str, np.ndarray]], Any]


_CHAINS_ENTRY = _Entry(_CHAINS_CODE, _chains_arrays, _chains)
_TREE_ENTRY = _Entry(f"scipy {scipy.__version__}", _tree_arrays, _tree)  # the pickle depends on scipy's version


def _cached(network: RoadNetwork, what: str, entry: _Entry, build: Callable[[], Any]) -> Any:
    """Read a structure derived from ``network`` from the disk cache, or build and store it."""
    if not network.cache_key:
        return build()
    key = _cache.cache_key(what, network.cache_key, BUILD_VERSION, entry.code)
    name = f"{what}-{network.mode.name}"
    arrays = _cache.load_arrays(name, key)
    if arrays is not None:
        try:
            return entry.from_arrays(arrays)
        except Exception as exc:  # a damaged entry is rebuilt, never trusted
            logger.warning("beschadigde cache %s-%s genegeerd (%s); wordt opnieuw gemaakt", name, key, exc)
    value = build()
    try:
        stored = entry.to_arrays(value)
    except TypeError as exc:  # a field type the cache does not know: carry on uncached
        logger.warning("%s van het wegennet (%s) niet in de cache bewaard: %s", what, network.mode.label_nl, exc)
        return value
    _cache.save_arrays(name, key, stored)
    return value


def load_network(
    path: str | os.PathLike[str] | None = None,
    mode: str | Mode = "car",
    *,
    data_dir: str | os.PathLike[str] | None = None,
    cache: bool = True,
    progress: bool = True,
) -> RoadNetwork:
    """Load the road network of one mode, from the disk cache when possible.

    Parameters
    ----------
    path
        Network file (``.gpkg`` in osmnx layout, ``.osm.pbf`` or ``.osm``);
        defaults to the region's network in the data folder.
    mode
        ``"car"``, ``"bike"`` or ``"walk"``.
    data_dir
        Data folder (see :mod:`spreiding.data.config`).
    cache
        Read and write the built graph in the cache folder.
    progress
        Show a progress bar while building.

    Returns
    -------
    RoadNetwork

    Raises
    ------
    NetworkError
        No road is usable by the mode.
    ImplausibleNetworkError
        Most usable roads have (nearly) zero length (see :mod:`spreiding.data._plausible`).
    """
    mode = get_mode(mode)
    p = require_file(
        Path(path) if path is not None else data_paths(data_dir).roads,
        "wegennet",
        "haal het op met `spreiding fetch` (internet nodig), of zet SPREIDING_DATA_DIR op de gegevensmap",
    )
    key = _cache.cache_key("network", p, mode, BUILD_VERSION, *_NETWORK_CODE) if cache else ""
    name = f"network-{mode.name}"
    arrays = _cache.load_arrays(name, key) if cache else None
    if arrays is not None:
        try:
            network = _network(arrays, mode=mode, source=str(p), cache_key=key)
            logger.info("uit de cache: %s", network.describe())
            return network
        except Exception as exc:  # a damaged entry is rebuilt, never trusted
            logger.warning("beschadigde wegennetcache %s-%s genegeerd (%s); wordt opnieuw gemaakt", name, key, exc)
    with steps(f"wegennet ({mode.label_nl})", 2, progress=progress) as bar:
        nodes, edges = read_road_tables(p, progress=progress)
        advance(bar, "gelezen")
        network = dataclasses.replace(build_network(nodes, edges, mode, source=str(p)), cache_key=key)
        advance(bar, "graaf gebouwd")
    if cache:
        _cache.save_arrays(name, key, _network_arrays(network))
    return network
