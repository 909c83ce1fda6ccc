"""The vectorised nearest-source sweep gives scipy's Dijkstra costs bit for bit, and the lowest source on ties; min_csr.

Oracles: scipy's ``csgraph.dijkstra`` on the graph plus one virtual node per source (costs), and the
textbook per-source Dijkstra of ``test_chains`` (which sources are nearest, for the tie rule).
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse import csgraph

from spreiding.network._chains import build_chains, min_csr, nearest_sources
from spreiding.network._sweep import nearest_labels
from spreiding.network._zorder import query_in_z_order, z_order
from tests.test_chains import _GRAPHS, _graph, _oracle, _random_arcs, _sources


def _scipy_nearest(
    graph: sparse.csr_matrix, node: np.ndarray, cost: np.ndarray, source: np.ndarray, limit: float
) -> np.ndarray:
    """Costs from scipy: virtual node per source, one arc per entry, ``min_only``."""
    n, k = graph.shape[0], int(source.max()) + 1
    order = np.argsort(source, kind="stable")
    counts = np.bincount(source, minlength=k)
    indptr = np.concatenate([graph.indptr, graph.indptr[-1] + np.cumsum(counts)])
    aug = sparse.csr_matrix(
        (np.concatenate([graph.data, cost[order]]), np.concatenate([graph.indices, node[order]]), indptr),
        shape=(n + k, n + k),
    )
    dist = csgraph.dijkstra(aug, directed=True, indices=n + np.arange(k), min_only=True, limit=limit)
    return dist[:n]


def test_hand_made_tie_goes_to_the_lowest_source():
    # 0 -> 1 -> 2 and 3 -> 2, all 10 m; sources 1 (at 3) and 0 (at 0) reach 2 with 20 m each
    g = sparse.csr_matrix(([10.0, 10.0, 10.0], ([0, 1, 3], [1, 2, 2])), shape=(4, 4))
    g.sort_indices()
    dist, which = nearest_labels(g, np.array([3, 0]), np.array([10.0, 0.0]), np.array([1, 0]))
    assert dist.tolist() == [0.0, 10.0, 20.0, 10.0]
    assert which.tolist() == [0, 0, 0, 1]


def test_many_arcs_into_one_node_in_one_round_keep_the_smallest_cost_and_the_lowest_source():
    # sources 0..5 at nodes 0..5 (cost 0, one round); i -> 6 weighs 1 + i (the last arc read is the largest),
    # i -> 7 weighs 4 for i < 2 and 3 for i >= 2 (four equal winners, sources 2..5)
    src = np.arange(6)
    rows = np.concatenate([src, src])
    cols = np.concatenate([np.full(6, 6), np.full(6, 7)])
    weight = np.concatenate([1.0 + src, np.where(src < 2, 4.0, 3.0)])
    g = sparse.csr_matrix((weight, (rows, cols)), shape=(8, 8))
    g.sort_indices()
    dist, which = nearest_labels(g, src, np.zeros(6), src)
    assert dist.tolist() == [0.0] * 6 + [1.0, 3.0]
    assert which.tolist() == [0, 1, 2, 3, 4, 5, 0, 2]
    np.testing.assert_array_equal(dist, _scipy_nearest(g, src, np.zeros(6), src, np.inf))


def test_limit_is_inclusive_and_unreached_nodes_have_no_source():
    g = sparse.csr_matrix(([5.0, 5.0], ([0, 1], [1, 2])), shape=(4, 4))
    dist, which = nearest_labels(g, np.array([0]), np.array([0.0]), np.array([0]), limit=5.0)
    assert dist.tolist() == [0.0, 5.0, np.inf, np.inf]
    assert which.tolist() == [0, 0, -1, -1]
    dist, which = nearest_labels(g, np.array([0]), np.array([6.0]), np.array([0]), limit=5.0)
    assert np.isinf(dist).all() and (which == -1).all()


@settings(max_examples=60)
@given(**_GRAPHS, integral=st.booleans(), offsets=st.lists(st.integers(0, 20).map(float), min_size=1, max_size=6))
@example(n=6, seed=3, extra=4, two_way=0.5, integral=True, offsets=[0.0, 0.0, 0.0, 0.0, 0.0])
def test_property_sweep_costs_equal_scipy_bit_for_bit(n, seed, extra, two_way, integral, offsets):
    arcs = _random_arcs(n, seed, extra, two_way, integral=integral)
    graph = _graph(arcs, n)
    src, off = _sources(n, seed, offsets)
    rng = np.random.default_rng(seed)
    node = np.concatenate([src, rng.integers(0, n, src.size)])  # a second entry per source
    cost = np.concatenate([off, off + rng.integers(0, 30, src.size)])
    source = np.concatenate([np.arange(src.size), np.arange(src.size)])
    for limit in (np.inf, float(np.median(_scipy_nearest(graph, node, cost, source, np.inf)))):
        ref = _scipy_nearest(graph, node, cost, source, limit)
        dist, which = nearest_labels(graph, node, cost, source, limit)
        np.testing.assert_array_equal(dist, ref)
        assert ((which >= 0) == np.isfinite(ref)).all()


@settings(max_examples=60)
@given(**_GRAPHS, offsets=st.lists(st.integers(0, 20).map(float), min_size=1, max_size=6))
@example(n=6, seed=3, extra=4, two_way=0.5, offsets=[0.0, 0.0, 0.0, 0.0, 0.0])
def test_property_nearest_sources_sweep_names_the_lowest_nearest_source(n, seed, extra, two_way, offsets):
    # integer weights: every sum is exact, so ties are common and the oracle sees them exactly
    arcs = _random_arcs(n, seed, extra, two_way, integral=True)
    src, off = _sources(n, seed, offsets)
    xy = np.random.default_rng(seed).uniform(0, 1000, (n, 2))
    cg, q = build_chains(_graph(arcs, n), xy=xy), np.arange(n)
    ref = _oracle(arcs, n, src, off)
    best = ref.min(axis=0)
    cost, which = nearest_sources(cg, src, off, q, np.inf, sweep=True)
    np.testing.assert_array_equal(cost, best)
    np.testing.assert_array_equal(which, np.argmax(ref == best[None, :], axis=0))  # the first nearest source
    heap_cost, _ = nearest_sources(build_chains(_graph(arcs, n)), src, off, q, np.inf, sweep=False)
    np.testing.assert_array_equal(heap_cost, cost)
    limit = float(np.median(ref))
    near, near_which = nearest_sources(cg, src, off, q, limit, sweep=True)
    np.testing.assert_array_equal(near, np.where(best <= limit, best, np.inf))
    assert ((near_which >= 0) == np.isfinite(near)).all()


def test_z_order_keeps_nearby_points_together():
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [10.0, 10.0], [9.0, 10.0]])
    order = np.argsort(z_order(xy), kind="stable")
    assert set(order[:4].tolist()) == {0, 1, 2, 3}  # the corner square first, then the far pair
    assert z_order(np.zeros((0, 2))).size == 0
    assert z_order(np.ones((3, 2))).tolist() == [0, 0, 0]  # no extent: one cell


def test_snapping_in_z_order_gives_the_tree_answers():
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(5)
    nodes = np.round(rng.uniform(0, 5000, (3000, 2)))  # rounded: equal distances happen
    tree = cKDTree(nodes)
    xy = np.round(rng.uniform(-100, 5100, (25_000, 2)))
    dist, pos = query_in_z_order(tree, xy)
    ref_dist, ref_pos = tree.query(xy, k=1)
    np.testing.assert_array_equal(dist, ref_dist)
    np.testing.assert_array_equal(pos, ref_pos)


@settings(max_examples=60)
@given(n=st.integers(1, 40), seed=st.integers(0, 10_000), k=st.integers(0, 200), floor=st.sampled_from([0.0, 0.5]))
def test_property_min_csr_keeps_the_smallest_parallel_arc_and_no_loops(n, seed, k, floor):
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(0, n, k), rng.integers(0, n, k)
    weight = np.round(rng.uniform(0, 10, k), 1)  # rounded: equal parallel weights happen
    got = min_csr(rows, cols, weight, n, min_weight=floor)
    best: dict[tuple[int, int], float] = {}
    for r, c, w in zip(rows.tolist(), cols.tolist(), weight.tolist(), strict=True):
        if r != c:
            best[(r, c)] = min(w, best.get((r, c), np.inf))
    coo = got.tocoo()
    assert got.has_sorted_indices and coo.nnz == len(best)
    assert {(r, c): w for r, c, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)} == {
        key: max(w, floor) for key, w in best.items()
    }
