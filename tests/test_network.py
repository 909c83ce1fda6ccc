"""Network building on the hand-made graph of conftest.py, and on the real Drenthe network."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csgraph

from spreiding.errors import DataNotFoundError, InvalidDataError, NetworkError
from spreiding.network.roads import build_network, load_network, read_road_tables

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
    with pytest.raises(InvalidDataError, match="duplicate node ids"):
        build_network(dup, edges, "car")
    with pytest.raises(NetworkError, match="no roads usable"):
        build_network(nodes, edges.assign(highway="footway"), "car")


def test_missing_and_corrupt_files(tmp_path):
    with pytest.raises(DataNotFoundError, match="spreiding fetch"):
        read_road_tables(tmp_path / "nope.gpkg")
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"not a geopackage at all")
    with pytest.raises(InvalidDataError, match="cannot read road network"):
        read_road_tables(bad)
    other = tmp_path / "roads.shp"
    other.write_text("x")
    with pytest.raises(InvalidDataError, match="unknown road network format"):
        read_road_tables(other)


def test_gpkg_roundtrip_in_osmnx_layout(tmp_path, tiny_tables):
    """A GeoPackage written like osmnx's save_graph_geopackage (lon/lat CRS, list-valued highway) loads."""
    import geopandas as gpd
    from shapely.geometry import LineString

    nodes, edges = tiny_tables
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
    path = tmp_path / "g.gpkg"
    gnodes.to_file(path, layer="nodes")
    gedges.to_file(path, layer="edges")
    n2, e2 = read_road_tables(path)
    assert e2.highway.iloc[0] == "residential"
    assert n2.x.iloc[1] - n2.x.iloc[0] == pytest.approx(1000.0, abs=0.5)  # reprojected to RD
    net = load_network(path, "car", cache=True, progress=False)
    assert _dist(net, 3, 1) == pytest.approx(2700.0)
    again = load_network(path, "car", cache=True, progress=False)  # from the disk cache
    assert (again.length_m != net.length_m).nnz == 0


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
