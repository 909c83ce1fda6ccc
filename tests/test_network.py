"""Network building on the hand-made graph of conftest.py, and on the real Drenthe network."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.sparse import csgraph
from shapely.geometry import LineString

from spreiding.errors import DataNotFoundError, InvalidDataError, NetworkError
from spreiding.network import roads
from spreiding.network._chains import ChainGraph
from spreiding.network.roads import RoadNetwork, build_network, load_network, read_road_tables

from .conftest import TINY_EDGES, TINY_NODES


def _dist(net, a: int, b: int) -> float:
    i, j = (int(np.flatnonzero(net.node_ids == k)[0]) for k in (a, b))
    return float(csgraph.dijkstra(net.length_m, indices=i)[j])


def test_car_respects_oneway_and_keeps_shortest_parallel(tiny_tables):
    nodes, edges = tiny_tables
    net = build_network(nodes, edges, "car")
    assert _dist(net, 1, 3) == pytest.approx(2000.0)  # A-B-C
    assert _dist(net, 3, 1) == pytest.approx(2700.0)  # C-D-A, B->C is one-way
    assert _dist(net, 1, 2) == pytest.approx(1000.0)  # parallel 1300 m edge ignored
    assert net.length_m[0, 1] == pytest.approx(1000.0)
    # time: residential 30 km/h -> 1000 m = 120 s
    assert net.time_s[0, 1] == pytest.approx(120.0)
    # footway B-D is not for cars
    assert net.length_m[1, 3] == 0
    assert not net.in_lcc[4]  # isolated node E
    assert net.in_lcc[:4].all()


def test_bike_ignores_oneway_uses_footway_no_motorway(tiny_tables):
    nodes, edges = tiny_tables
    edges.loc[len(edges)] = [1, 3, "motorway", False, 10.0]
    net = build_network(nodes, edges, "bike")
    assert _dist(net, 3, 1) == pytest.approx(2000.0)  # C-B-A against the one-way
    assert _dist(net, 2, 4) == pytest.approx(1000.0)  # footway
    assert _dist(net, 1, 3) == pytest.approx(2000.0)  # the 10 m motorway is not for bikes
    assert net.constant_speed_mps == pytest.approx(15 / 3.6)


def test_car_uses_motorway_and_maxspeed(tiny_tables):
    nodes, edges = tiny_tables
    edges["maxspeed_kmh"] = [np.nan, np.nan, 100.0, np.nan, np.nan, np.nan]
    net = build_network(nodes, edges, "car")
    assert net.time_s[1, 2] == pytest.approx(1000 / (100 / 3.6))


def test_access_no_closes_road(tiny_tables):
    nodes, edges = tiny_tables
    edges["access"] = [None, None, None, "private", None, None]
    net = build_network(nodes, edges, "car")
    assert _dist(net, 3, 4) == np.inf or net.length_m[2, 3] == 0


def test_input_is_not_mutated(tiny_tables):
    nodes, edges = tiny_tables
    build_network(nodes, edges, "car")
    pd.testing.assert_frame_equal(edges, TINY_EDGES)
    pd.testing.assert_frame_equal(nodes, TINY_NODES)


def test_bad_tables_give_clear_errors(tiny_tables):
    nodes, edges = tiny_tables
    with pytest.raises(InvalidDataError, match="length_m"):
        build_network(nodes, edges.drop(columns="length_m"), "car")
    dup = pd.concat([nodes, nodes.iloc[[0]]])
    with pytest.raises(InvalidDataError, match="dubbele knoop-id"):
        build_network(dup, edges, "car")
    with pytest.raises(NetworkError, match="heeft geen wegen voor"):
        build_network(nodes, edges.assign(highway="footway"), "car")


def test_missing_and_corrupt_files(tmp_path):
    with pytest.raises(DataNotFoundError, match="spreiding fetch"):
        read_road_tables(tmp_path / "nope.gpkg")
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"not a geopackage at all")
    with pytest.raises(InvalidDataError, match=r"kan wegennet .* niet lezen"):
        read_road_tables(bad)
    other = tmp_path / "roads.shp"
    other.write_text("x")
    with pytest.raises(InvalidDataError, match="onbekend wegennetformaat"):
        read_road_tables(other)


def write_osmnx_gpkg(path: Path, nodes: pd.DataFrame, edges: pd.DataFrame) -> Path:
    """Write road tables like osmnx's save_graph_geopackage (lon/lat, list-valued highway), 230/550 km into RD."""
    pts = gpd.GeoSeries(gpd.points_from_xy(nodes.x + 230000, nodes.y + 550000), crs=28992).to_crs(4326)
    gnodes = gpd.GeoDataFrame({"osmid": nodes.node_id, "x": pts.x, "y": pts.y}, geometry=pts, crs=4326)
    lines = [LineString([(0, 0), (1, 1)])] * len(edges)
    gedges = gpd.GeoDataFrame(
        {
            "u": edges.u,
            "v": edges.v,
            "key": 0,
            "highway": ["['residential', 'service']", *edges.highway[1:]],
            "oneway": edges.oneway,
            "length": edges.length_m,
        },
        geometry=lines,
        crs=4326,
    )
    gnodes.to_file(path, layer="nodes")
    gedges.to_file(path, layer="edges")
    return path


def test_gpkg_roundtrip_in_osmnx_layout(tmp_path, tiny_tables):
    """A GeoPackage written like osmnx's save_graph_geopackage (lon/lat CRS, list-valued highway) loads."""
    path = write_osmnx_gpkg(tmp_path / "g.gpkg", *tiny_tables)
    n2, e2 = read_road_tables(path)
    assert e2.highway.iloc[0] == "residential"
    assert n2.x.iloc[1] - n2.x.iloc[0] == pytest.approx(1000.0, abs=0.5)  # reprojected to RD
    net = load_network(path, "car", cache=True, progress=False)
    assert _dist(net, 3, 1) == pytest.approx(2700.0)


# --------------------------------------------------------------------------- the disk cache


@pytest.fixture()
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SPREIDING_CACHE_DIR", str(folder))
    return folder


@pytest.fixture()
def tiny_gpkg(tmp_path: Path, tiny_tables) -> Path:
    return write_osmnx_gpkg(tmp_path / "g.gpkg", *tiny_tables)


@pytest.fixture()
def builds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the calls of the three build functions (they still run)."""
    counts: Counter[str] = Counter()
    for name in ("build_network", "build_chains", "_build_tree"):
        original = getattr(roads, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(roads, name, counting)
    return counts


def _load_all(path: Path, **kwargs) -> RoadNetwork:
    """Load the car network and everything a nearest-facility pass needs."""
    net = load_network(path, "car", progress=False, **kwargs)
    net.chains_length, net.chains_time, net.lcc_tree  # noqa: B018
    return net


def _assert_same(a: object, b: object) -> None:
    assert type(a) is type(b)
    if sparse.issparse(a):
        assert a.shape == b.shape
        assert (a != b).nnz == 0
    else:
        np.testing.assert_array_equal(a, b)


def _entries(folder: Path) -> list[str]:
    return sorted(p.name.rsplit("-", 1)[0] for p in folder.glob("*.npz"))


ALL_ENTRIES = ["chains-length-car", "chains-time-car", "network-car", "tree-car"]
ONE_BUILD = {"build_network": 1, "build_chains": 2, "_build_tree": 1}


def test_network_chains_and_tree_are_read_back_from_the_cache(cache_folder, tiny_gpkg, builds):
    first = _load_all(tiny_gpkg)
    assert builds == ONE_BUILD
    assert _entries(cache_folder) == ALL_ENTRIES
    again = _load_all(tiny_gpkg)
    assert builds == ONE_BUILD  # nothing rebuilt: all four were read from disk
    assert again is not first and again.cache_key == first.cache_key != ""
    fresh = _load_all(tiny_gpkg, cache=False)
    assert fresh.cache_key == ""
    for name in ("node_ids", "x", "y", "length_m", "time_s", "in_lcc", "residential"):
        _assert_same(getattr(again, name), getattr(fresh, name))
    for which in ("chains_length", "chains_time"):
        for field in dataclasses.fields(ChainGraph):
            _assert_same(getattr(getattr(again, which), field.name), getattr(getattr(fresh, which), field.name))
    _assert_same(again.lcc_tree.data, fresh.lcc_tree.data)
    _assert_same(again.lcc_tree.indices, fresh.lcc_tree.indices)
    probe = np.array([[230400.0, 550100.0], [231900.0, 550800.0]])
    _assert_same(again.lcc_tree.query(probe)[1], np.array([0, 2]))
    assert _dist(again, 3, 1) == pytest.approx(2700.0)


def test_build_version_bump_rebuilds_everything(cache_folder, tiny_gpkg, builds, monkeypatch):
    _load_all(tiny_gpkg)
    monkeypatch.setattr(roads, "BUILD_VERSION", "test-bump")
    _load_all(tiny_gpkg)
    assert builds == {name: 2 * n for name, n in ONE_BUILD.items()}
    _load_all(tiny_gpkg)
    assert builds == {name: 2 * n for name, n in ONE_BUILD.items()}


def test_damaged_cache_files_are_rebuilt_with_a_warning(cache_folder, tiny_gpkg, builds, caplog):
    _load_all(tiny_gpkg)
    (network_file,) = cache_folder.glob("network-car-*.npz")
    (chains_file,) = cache_folder.glob("chains-length-car-*.npz")
    network_file.write_bytes(b"not a zip file")
    chains_file.write_bytes(chains_file.read_bytes()[:200])
    with caplog.at_level(logging.WARNING, logger="spreiding"):
        net = _load_all(tiny_gpkg)
    damaged = [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()]
    assert len(damaged) == 2
    assert builds == {"build_network": 2, "build_chains": 3, "_build_tree": 1}  # chains_time, tree still read
    assert _dist(net, 3, 1) == pytest.approx(2700.0)
    _load_all(tiny_gpkg)  # the rebuilt files are good again
    assert builds == {"build_network": 2, "build_chains": 3, "_build_tree": 1}


def test_unwritable_cache_folder_logs_and_carries_on(tmp_path, tiny_gpkg, builds, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("SPREIDING_CACHE_DIR", str(blocker / "cache"))  # mkdir fails, even as root
    with caplog.at_level(logging.WARNING, logger="spreiding"):
        net = _load_all(tiny_gpkg)
    assert sum("kan cachebestand" in r.getMessage() for r in caplog.records) == 4
    assert _dist(net, 3, 1) == pytest.approx(2700.0)
    assert builds == ONE_BUILD


def test_cache_false_writes_nothing(cache_folder, tiny_gpkg, builds):
    _load_all(tiny_gpkg, cache=False)
    _load_all(tiny_gpkg, cache=False)
    assert not cache_folder.exists()
    assert builds == {name: 2 * n for name, n in ONE_BUILD.items()}


@pytest.mark.data
def test_real_drenthe_network(real_data):
    net = load_network(real_data.roads, "car", progress=False)
    used = (np.diff(net.length_m.indptr) > 0) | (np.diff(net.reverse_length_m.indptr) > 0)
    share = net.in_lcc.sum() / used.sum()
    assert net.n_nodes == 215_399
    assert share > 0.98  # the data README: 98.75 % of drivable nodes in the largest SCC
    assert 300_000 < net.n_arcs < 340_000
    walk = load_network(real_data.roads, "walk", progress=False)
    assert walk.n_arcs > net.n_arcs  # footways and cycleways, both directions
    assert net.residential.sum() > 10_000


def test_a_field_added_to_chaingraph_later_is_cached_too(cache_folder, tiny_gpkg, builds, monkeypatch):
    @dataclasses.dataclass(frozen=True)
    class Wider(ChainGraph):
        extra: sparse.csc_array = None
        scale: float = 0.0

    counting_build = roads.build_chains

    def build_wider(graph, **kwargs):
        base = counting_build(graph, **kwargs)
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(ChainGraph)}
        return Wider(**fields, extra=sparse.csc_array(np.eye(3) * 2.5), scale=1.25)

    monkeypatch.setattr(roads, "ChainGraph", Wider)
    monkeypatch.setattr(roads, "build_chains", build_wider)
    _load_all(tiny_gpkg)
    again = _load_all(tiny_gpkg).chains_length
    assert builds["build_chains"] == 2  # length and time once each, then read back
    assert isinstance(again, Wider) and again.scale == 1.25
    _assert_same(again.extra, sparse.csc_array(np.eye(3) * 2.5))
