"""Distance engine: hand-computed distances, snapping, crow-fly, matrix = nearest, networkx oracle."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from spreiding.errors import ConfigError, CRSError, InvalidDataError
from spreiding.network.engine import DistanceMatrix, distance_matrix, facility_snaps, nearest_facility
from spreiding.network.roads import build_network, load_network

from .conftest import NODE_XY, TINY_EDGES, TINY_NODES, points


@pytest.fixture()
def car():
    return build_network(TINY_NODES, TINY_EDGES, "car")


@pytest.fixture()
def bike():
    return build_network(TINY_NODES, TINY_EDGES, "bike")


def fac(*names: str) -> object:
    return points([NODE_XY[n] for n in names], id=[f"f{n}" for n in names], name=list(names))


def test_nearest_over_the_road_with_snap_leg(car):
    # resident 30 m north of C and one at B; library at A
    pop = points([(2000.0, 30.0), NODE_XY["B"]])
    res = nearest_facility(pop, fac("A"), car).table
    assert res["dist_m"].tolist() == pytest.approx([2700.0 + 30.0, 1000.0])
    assert res["snap_m"].iloc[0] == pytest.approx(30.0)
    assert res["nearest_id"].tolist() == ["fA", "fA"]
    assert (res["distance_model"] == "network:car").all()
    # time: C->D tertiary 1500 m @50, D->A 1200 m @50, 30 m connector @20
    assert res["time_s"].iloc[0] == pytest.approx(2700 / (50 / 3.6) + 30 / (20 / 3.6), abs=0.01)


def test_nearest_picks_closest_of_several_and_facility_snap_is_added(car):
    pop = points([NODE_XY["C"]])
    libs = points([(0.0, 40.0), (1000.0, 1000.0)], id=["a", "d"])  # a: 40 m off node A
    res = nearest_facility(pop, libs, car).table
    assert res["nearest_id"].iloc[0] == "d"
    assert res["dist_m"].iloc[0] == pytest.approx(1500.0)
    only_a = nearest_facility(pop, libs.iloc[[0]], car).table
    assert only_a["dist_m"].iloc[0] == pytest.approx(2700.0 + 40.0)


def test_bike_goes_against_oneway(bike):
    res = nearest_facility(points([NODE_XY["C"]]), fac("A"), bike).table
    assert res["dist_m"].iloc[0] == pytest.approx(2000.0)
    assert res["time_s"].iloc[0] == pytest.approx(2000.0 / (15 / 3.6))


def test_limits_unreachable_and_far_points_are_inf_not_zero(car):
    pop = points([NODE_XY["C"], (9000.0, 9000.0)])  # second point ~5.6 km from any road node
    res = nearest_facility(pop, fac("A"), car, max_snap_m=2000.0).table
    assert np.isinf(res["dist_m"].iloc[1])
    assert not res["snapped"].iloc[1]
    assert res["nearest_id"].isna().iloc[1]
    limited = nearest_facility(pop, fac("A"), car, limit_m=2500.0).table
    assert np.isinf(limited["dist_m"].iloc[0])


def test_facility_far_from_network_is_left_out_and_reported(car):
    libs = points([(0.0, 0.0), (20000.0, 0.0)], id=["near", "far"])
    res = nearest_facility(points([NODE_XY["B"]]), libs, car, facility_max_snap_m=500.0).table
    assert nearest_facility(points([NODE_XY["B"]]), libs, car, facility_max_snap_m=500.0).excluded == ("far",)
    assert res["nearest_id"].iloc[0] == "near"
    snaps = facility_snaps(libs, car, max_snap_m=500.0)
    assert snaps["used"].tolist() == [True, False]
    assert snaps["snap_m"].iloc[1] == pytest.approx(18000.0)


def test_crowfly_model(car):
    pop = points([NODE_XY["C"]])
    res = nearest_facility(pop, fac("A"), None, mode="car", detour_factor=1.5).table
    assert res["dist_m"].iloc[0] == pytest.approx(3000.0)
    assert res["distance_model"].iloc[0] == "crowfly:car:x1.5"
    with pytest.raises(ConfigError):
        nearest_facility(pop, fac("A"), None, detour_factor=0.5)


def test_matrix_equals_nearest_and_reuses_columns(car):
    pop = points([NODE_XY[n] for n in "ABCD"] + [(2000.0, 30.0)])
    libs = fac("A", "C", "D")
    m = distance_matrix(pop, libs, car)
    assert isinstance(m, DistanceMatrix)
    assert m.shape == (5, 3)
    # column fA: distances to A
    assert m.dist_m[:, 0] == pytest.approx([0.0, 1000.0, 2700.0, 1200.0, 2730.0], abs=0.01)
    full = nearest_facility(pop, libs, car).table
    pd.testing.assert_series_equal(m.nearest().table["dist_m"], full["dist_m"], atol=0.01, check_dtype=False)
    only_a = m.nearest(["fA"]).table
    assert only_a["dist_m"].iloc[2] == pytest.approx(2700.0, abs=0.01)
    none = m.nearest([]).table
    assert np.isinf(none["dist_m"]).all()
    extra = distance_matrix(pop, fac("B"), car)
    both = m.extend(extra)
    assert both.shape == (5, 4)
    assert both.nearest().table["dist_m"].iloc[1] == pytest.approx(0.0, abs=0.01)
    with pytest.raises(InvalidDataError, match="niet in de afstandsmatrix"):
        m.nearest(["nope"])


def test_matrix_cutoff(car):
    m = distance_matrix(points([NODE_XY["C"]]), fac("A"), car, cutoff_m=2500.0)
    assert np.isinf(m.dist_m[0, 0])


def test_bad_inputs(car):
    libs = fac("A")
    with pytest.raises(InvalidDataError, match="dubbele id's"):
        nearest_facility(points([NODE_XY["C"]]), pd.concat([libs, libs]), car)
    nocrs = points([NODE_XY["C"]]).set_crs(None, allow_override=True)
    with pytest.raises(CRSError):
        nearest_facility(nocrs, libs, car)
    with pytest.raises(ConfigError, match="verschilt van die van het wegennet"):
        nearest_facility(points([NODE_XY["C"]]), libs, car, mode="bike")


def test_inputs_not_mutated(car):
    pop = points([NODE_XY["C"]], pop_total=[10.0])
    libs = fac("A")
    before = (pop.copy(), libs.copy())
    nearest_facility(pop, libs, car)
    distance_matrix(pop, libs, car)
    pd.testing.assert_frame_equal(pop, before[0])
    pd.testing.assert_frame_equal(libs, before[1])


@settings(max_examples=40, deadline=None)
@given(
    n_nodes=st.integers(3, 12),
    edges=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(1, 5000), st.booleans()), min_size=2, max_size=40
    ),
    fac_nodes=st.lists(st.integers(0, 11), min_size=1, max_size=4),
    extra=st.integers(0, 11),
)
def test_property_adding_a_service_point_never_increases_a_distance(n_nodes, edges, fac_nodes, extra):
    assume(any(u != v for u, v, _, _ in edges))
    rng = np.random.default_rng(len(edges))
    nodes = pd.DataFrame({"node_id": np.arange(12), "x": rng.uniform(0, 5000, 12), "y": rng.uniform(0, 5000, 12)})
    e = pd.DataFrame(edges, columns=["u", "v", "length_m", "oneway"]).assign(highway="primary")
    net = build_network(nodes, e, "car")
    pop = points(list(zip(nodes.x, nodes.y, strict=True)))
    base = points([(nodes.x[i], nodes.y[i]) for i in fac_nodes], id=[f"f{k}" for k in range(len(fac_nodes))])
    more = pd.concat([base, points([(nodes.x[extra], nodes.y[extra])], id=["new"])])
    d0 = nearest_facility(pop, base, net, facility_max_snap_m=1e9, max_snap_m=1e9).table["dist_m"].to_numpy()
    d1 = nearest_facility(pop, more, net, facility_max_snap_m=1e9, max_snap_m=1e9).table["dist_m"].to_numpy()
    assert (d1 <= d0 + 1e-6).all()


@pytest.mark.data
def test_oracle_networkx_dijkstra_on_real_network(real_data):
    """Engine distances equal networkx's multi-source Dijkstra on the real Drenthe network (car)."""
    from spreiding.network.roads import read_road_tables

    net = load_network(real_data.roads, "car", progress=False)
    _, edges = read_road_tables(real_data.roads, progress=False)
    # an independent graph: straight from the raw edge table with networkx (reversed: to the library)
    drive = edges[edges.highway.isin(net.mode.highways)]
    g = nx.DiGraph()
    fwd = drive[["v", "u", "length_m"]].to_numpy()  # reversed arcs: v -> u means travel u -> v
    back = drive.loc[~drive.oneway, ["u", "v", "length_m"]].to_numpy()
    for a, b, w in np.vstack([fwd, back]):  # building the oracle graph: test code, not the engine
        a, b = int(a), int(b)
        if a != b and (not g.has_edge(a, b) or g[a][b]["weight"] > w):
            g.add_edge(a, b, weight=max(float(w), 0.01))
    rng = np.random.default_rng(7)
    lcc = net.lcc_nodes
    lib_nodes = net.node_ids[rng.choice(lcc, 40, replace=False)]
    pts_idx = rng.choice(lcc, 300, replace=False)
    oracle = nx.multi_source_dijkstra_path_length(g, set(lib_nodes.tolist()), weight="weight")
    libs = points(
        [(net.x[i], net.y[i]) for i in np.flatnonzero(np.isin(net.node_ids, lib_nodes))],
        id=[f"l{i}" for i in range(40)],
    )
    pop = points([(net.x[i], net.y[i]) for i in pts_idx])
    ours = nearest_facility(pop, libs, net).table["dist_m"].to_numpy()
    expected = np.array([oracle.get(int(net.node_ids[i]), np.inf) for i in pts_idx])
    np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=0.05)
