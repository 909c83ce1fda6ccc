"""Sparse, local distance matrix: same values as the dense path and as plain Dijkstra on the whole graph.

Graphs here are invented (random or hand-made): node positions on a jittered 400 m grid, integer edge
lengths at least the straight line between their ends (as real roads are), so every sum is exact and a
cut-off equal to a distance can be tested bit for bit. The oracle is scipy's Dijkstra on the
uncontracted search graph (no chains, no subgraphs).
"""

from __future__ import annotations

import importlib.util
import io
from contextlib import redirect_stdout
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse import csgraph

from spreiding.errors import ConfigError
from spreiding.network.engine import distance_matrix
from spreiding.network.roads import RoadNetwork, build_network

from .conftest import NODE_XY, TINY_EDGES, TINY_NODES, points

_CLASSES = np.array(["residential", "tertiary", "primary", "secondary"])


def _random_network(side: int, seed: int, missing: float, oneway: float, mode: str = "car") -> RoadNetwork:
    """An invented road grid: ``side``² nodes 400 m apart (± 100 m), some links missing, some one-way."""
    rng = np.random.default_rng(seed)
    ids = np.arange(side * side).reshape(side, side)
    x = (np.arange(side)[None, :] * 400 + rng.integers(-100, 100, (side, side))).ravel()
    y = (np.arange(side)[:, None] * 400 + rng.integers(-100, 100, (side, side))).ravel()
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel(), ids[:-1, :-1].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel(), ids[1:, 1:].ravel()])
    keep = rng.random(u.size) > missing
    u, v = u[keep], v[keep]
    straight = np.hypot(x[u] - x[v], y[u] - y[v])
    length = np.ceil(straight) + rng.integers(0, 40, u.size)  # never shorter than the straight line
    nodes = pd.DataFrame({"node_id": np.arange(side * side), "x": x.astype(float), "y": y.astype(float)})
    edges = pd.DataFrame(
        {
            "u": u,
            "v": v,
            "highway": _CLASSES[rng.integers(0, _CLASSES.size, u.size)],
            "oneway": rng.random(u.size) < oneway,
            "length_m": length,
        }
    )
    return build_network(nodes, edges, mode, source="invented grid")


def _frames(net: RoadNetwork, seed: int, n_points: int, n_sites: int) -> tuple[gpd.GeoDataFrame, ...]:
    """Points 5 m off a node (3-4-5 triangle, exact leg) and sites exactly on nodes, all in the LCC."""
    rng = np.random.default_rng(seed + 7)
    lcc = net.lcc_nodes
    p = rng.choice(lcc, min(n_points, lcc.size))
    s = rng.choice(lcc, min(n_sites, lcc.size), replace=False)
    pts = points(list(zip(net.x[p] + 3, net.y[p] + 4, strict=True)))
    sites = points(list(zip(net.x[s], net.y[s], strict=True)), id=[f"s{i}" for i in range(s.size)])
    return pts, sites, p, s


def _oracle(graph: sparse.csr_matrix, net: RoadNetwork, p: np.ndarray, s: np.ndarray, leg: float) -> np.ndarray:
    """Plain Dijkstra on the uncontracted reversed graph: points × sites, plus the points' snap leg."""
    pos = np.searchsorted(net.lcc_nodes, np.concatenate([p, s]))
    dist = csgraph.dijkstra(graph, directed=True, indices=pos[p.size :])
    return (dist[:, pos[: p.size]] + leg).T


def _cut(values: np.ndarray, limit: float) -> np.ndarray:
    return np.where(values <= limit, values, np.inf).astype(np.float32)


@settings(max_examples=25)
@given(
    side=st.integers(4, 14),
    seed=st.integers(0, 10_000),
    missing=st.floats(0, 0.4),
    oneway=st.floats(0, 0.5),
    n_sites=st.integers(1, 12),
    quantile=st.floats(0, 1),
)
@example(side=12, seed=1, missing=0.2, oneway=0.3, n_sites=10, quantile=0.2)
def test_property_sparse_equals_dense_and_plain_dijkstra(side, seed, missing, oneway, n_sites, quantile):
    net = _random_network(side, seed, missing, oneway)
    pts, sites, p, s = _frames(net, seed, 60, n_sites)
    ref = _oracle(net.search_length_m, net, p, s, 5.0)
    finite = ref[np.isfinite(ref)]
    limit = float(np.quantile(finite, quantile, method="nearest")) if finite.size else 1000.0  # ON an entry
    sparse_m = distance_matrix(pts, sites, net, cutoff_m=limit, with_time=False, storage="sparse")
    dense_m = distance_matrix(pts, sites, net, cutoff_m=limit, with_time=False, storage="dense")
    assert sparse_m.is_sparse and not dense_m.is_sparse
    np.testing.assert_array_equal(sparse_m.dist_m, _cut(ref, limit))
    np.testing.assert_array_equal(dense_m.dist_m, _cut(ref, limit))
    assert sparse_m.entries == int((ref <= limit).sum())
    assert sparse_m.dist_store.nnz == sparse_m.entries  # memory grows with the entries within the cut-off
    np.testing.assert_array_equal(sparse_m.has_entry(), np.isfinite(_cut(ref, limit)).any(axis=1))
    np.testing.assert_array_equal(dense_m.has_entry(), sparse_m.has_entry())
    pd.testing.assert_frame_equal(sparse_m.nearest().table, dense_m.nearest().table)
    some = sites["id"].to_numpy()[::2]
    pd.testing.assert_frame_equal(sparse_m.nearest(some).table, dense_m.nearest(some).table)


@settings(max_examples=12)
@given(side=st.integers(5, 12), seed=st.integers(0, 10_000), oneway=st.floats(0, 0.5))
def test_property_time_cutoff_searches_far_enough(side, seed, oneway):
    # car times need their own search; the disc is cutoff_s × the network's largest speed
    net = _random_network(side, seed, 0.1, oneway)
    pts, sites, p, s = _frames(net, seed, 50, 6)
    legs_s = 5.0 * 3.6 / net.mode.connector_kmh
    ref = _oracle(net.search_time_s, net, p, s, legs_s)
    finite = ref[np.isfinite(ref)]
    limit = float(np.median(finite)) * (1 + 1e-9)  # never on a time: float sums may round differently
    sparse_m = distance_matrix(pts, sites, net, cutoff_m=2500.0, cutoff_s=limit, storage="sparse")
    dense_m = distance_matrix(pts, sites, net, cutoff_m=2500.0, cutoff_s=limit, storage="dense")
    assert isinstance(sparse_m.time_store, sparse.csc_array)
    np.testing.assert_allclose(sparse_m.time_s, _cut(ref, limit), rtol=1e-6, atol=0)
    np.testing.assert_array_equal(sparse_m.time_s, dense_m.time_s)
    np.testing.assert_array_equal(sparse_m.dist_m, dense_m.dist_m)


def test_hand_made_sparse_keeps_zero_and_the_entry_at_the_cutoff():
    # the hand-made graph (conftest): to A, from A 0 m, B 1000, C 2700, D 1200, 30 m north of C 2730
    car = build_network(TINY_NODES, TINY_EDGES, "car")
    pop = points([NODE_XY[n] for n in "ABCD"] + [(2000.0, 30.0)])
    libs = points([NODE_XY["A"]], id=["fA"])
    m = distance_matrix(pop, libs, car, cutoff_m=2730.0, storage="sparse")
    assert m.is_sparse
    assert m.dist_m[:, 0].tolist() == [0.0, 1000.0, 2700.0, 1200.0, 2730.0]
    assert m.dist_store.nnz == 5  # the 0 of A is an explicit entry, not a missing (inf) one
    near = m.nearest().table
    assert near["dist_m"].tolist() == [0.0, 1000.0, 2700.0, 1200.0, 2730.0]
    assert near["nearest_id"].tolist() == ["fA"] * 5
    tight = distance_matrix(pop, libs, car, cutoff_m=2729.0, storage="sparse")
    assert np.isinf(tight.dist_m[4, 0]) and tight.entries == 4


def test_no_time_matrix_without_times():
    car = build_network(TINY_NODES, TINY_EDGES, "car")
    pop = points([NODE_XY[n] for n in "ABCD"])
    libs = points([NODE_XY["A"], NODE_XY["C"]], id=["fA", "fC"])
    for storage in ("sparse", "dense"):
        m = distance_matrix(pop, libs, car, with_time=False, storage=storage)
        assert m.time_store is None and m.speed_mps is None  # nothing allocated for times
        assert np.isnan(m.nearest().table["time_s"]).all()
    bike = build_network(TINY_NODES, TINY_EDGES, "bike")
    m = distance_matrix(pop, libs, bike, storage="sparse")
    assert m.time_store is None and m.speed_mps == pytest.approx(15 / 3.6)
    np.testing.assert_allclose(m.nearest().table["time_s"], m.nearest().table["dist_m"] / (15 / 3.6), rtol=1e-6)


def test_subset_and_extend_mix_storages():
    net = _random_network(8, 3, 0.1, 0.2)
    pts, sites, _, _ = _frames(net, 3, 40, 6)
    a = distance_matrix(pts, sites.iloc[:4], net, cutoff_m=1500.0, storage="sparse")
    b = distance_matrix(pts, sites.iloc[3:], net, cutoff_m=1500.0, storage="dense")
    whole = distance_matrix(pts, sites, net, cutoff_m=1500.0, storage="dense")
    both = a.extend(b)
    assert both.is_sparse and both.facility_ids.tolist() == ["s0", "s1", "s2", "s3", "s4", "s5"]
    np.testing.assert_array_equal(both.dist_m, whole.dist_m)
    np.testing.assert_array_equal(both.time_s, whole.time_s)
    sub = both.subset(["s5", "s1"])
    np.testing.assert_array_equal(sub.dist_m, whole.dist_m[:, [5, 1]])
    pd.testing.assert_frame_equal(sub.nearest().table, whole.nearest(["s5", "s1"]).table)


def test_storage_is_checked():
    car = build_network(TINY_NODES, TINY_EDGES, "car")
    pop, libs = points([NODE_XY["B"]]), points([NODE_XY["A"]], id=["fA"])
    with pytest.raises(ConfigError, match="eindige grens"):
        distance_matrix(pop, libs, car, cutoff_m=np.inf, storage="sparse")
    with pytest.raises(ConfigError, match="bestaat niet"):
        distance_matrix(pop, libs, car, storage="compact")


def test_scale_benchmark_runs_small():
    # the CI-sized run of benchmarks/bench_scale.py: same code path as the 5M-node run, checked against scipy
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_scale.py"
    spec = importlib.util.spec_from_file_location("bench_scale", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = io.StringIO()
    with redirect_stdout(out):
        assert bench.main(["--nodes", "20000", "--storage", "sparse", "--sites", "12", "--cutoff-m", "5000"]) == 0
    figures = dict(line.split("=", 1) for line in out.getvalue().splitlines() if "=" in line)
    assert figures["sparse"] == "1" and figures["same_entries"] == "1"
    assert float(figures["max_abs_diff_m"]) < 0.01 and int(figures["entries"]) > 0
    assert {"nearest_seconds", "matrix_seconds", "matrix_peak_mb", "scipy_matrix_seconds"} <= figures.keys()
