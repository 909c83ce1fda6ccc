"""Chain contraction gives exactly the distances of the uncontracted graph (hand-made and random graphs).

The oracle is a plain Dijkstra written here on the list of arcs as given (parallel arcs and self-loops
included): it shares no code with spreiding.
"""

from __future__ import annotations

import heapq

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import sparse

from spreiding.network._chains import build_chains, min_csr, nearest_sources, source_columns

Arc = tuple[int, int, float]


def _graph(arcs: list[Arc], n: int) -> sparse.csr_matrix:
    """The search graph handed to the code under test."""
    a = np.asarray(arcs, dtype=float)
    return min_csr(a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2], n, min_weight=0.01)


def _oracle(arcs: list[Arc], n: int, src: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Brute force: one textbook Dijkstra per source on the raw arcs, started at its offset; rows = sources."""
    out = np.full((src.size, n), np.inf)
    adjacency: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for a, b, w in arcs:
        adjacency[a].append((b, w))
    for row, (start, offset) in enumerate(zip(src.tolist(), off.tolist(), strict=True)):
        dist = out[row]
        dist[start] = offset
        heap = [(offset, start)]
        while heap:
            d, node = heapq.heappop(heap)
            if d > dist[node]:
                continue
            for nxt, w in adjacency[node]:
                if d + w < dist[nxt]:
                    dist[nxt] = d + w
                    heapq.heappush(heap, (d + w, nxt))
    return out


def test_oracle_on_a_triangle():
    # 0 -> 1 (5), 1 -> 2 (5), 0 -> 2 (12) and a parallel 0 -> 2 (9): from 0 with offset 1
    dist = _oracle([(0, 1, 5.0), (1, 2, 5.0), (0, 2, 12.0), (0, 2, 9.0), (2, 2, 1.0)], 3, np.array([0]), np.ones(1))
    assert dist.tolist() == [[1.0, 6.0, 10.0]]


# Hand-made: junctions J0 (0) and J1 (5); a two-way chain 0-1-2-5 (100, 200, 300 m), a one-way chain
# 5->3->4->0 (50, 50, 50 m), and a one-way loop 0->6->7->0 (10, 10, 10 m) hanging off J0.
#   two-way: 0<->1 100, 1<->2 200, 2<->5 300     one-way: 5->3 50, 3->4 50, 4->0 50     loop: 0->6->7->0 10 each
HAND = [
    (0, 1, 100.0), (1, 0, 100.0), (1, 2, 200.0), (2, 1, 200.0), (2, 5, 300.0), (5, 2, 300.0),
    (5, 3, 50.0), (3, 4, 50.0), (4, 0, 50.0),
    (0, 6, 10.0), (6, 7, 10.0), (7, 0, 10.0),
]  # fmt: skip


def test_hand_made_chains_are_contracted_and_exact():
    g = _graph(HAND, 8)
    cg = build_chains(g)
    assert cg.n_core == 2  # only the junctions 0 and 5 remain
    assert set(np.flatnonzero(cg.chain >= 0)) == {1, 2, 3, 4, 6, 7}
    # source on the chain at node 2 (offset 7 m); queries everywhere
    src, off, q = np.array([2]), np.array([7.0]), np.arange(8)
    cost, which = nearest_sources(cg, src, off, q, np.inf)
    # by hand from 2: to 1: 200; to 0: 300; to 5: 300; to 3: 350; to 4: 400; to 6: 310; to 7: 320
    expected = np.array([300, 200, 0, 350, 400, 300, 310, 320]) + 7.0
    np.testing.assert_array_equal(cost, expected)
    assert (which == 0).all()
    np.testing.assert_array_equal(_oracle(HAND, 8, src, off)[0], expected)


def test_zero_and_tiny_offsets_are_kept_exactly():
    # a source ON junction 0 with offset 0 (the shape a 1 mm floor got wrong), one on the one-way chain at 3
    # with offset 0, and one on junction 5 with a tiny offset 2**-30 m
    cg = build_chains(_graph(HAND, 8))
    src, off, q = np.array([0, 3, 5]), np.array([0.0, 0.0, 2.0**-30]), np.arange(8)
    cost, which = nearest_sources(cg, src, off, q, np.inf)
    # by hand: from 0: 1 100, 2 300, 6 10, 7 20; from 3: 3 0, 4 50; from 5 (300 + tiny to 2 loses to 300 from 0)
    assert cost.tolist() == [0.0, 100.0, 300.0, 0.0, 50.0, 2.0**-30, 10.0, 20.0]
    assert which.tolist() == [0, 0, 0, 1, 1, 2, 0, 0]
    rows = np.vstack(list(source_columns(cg, src, off, q, np.inf, 2)))
    assert rows[0].tolist() == [0.0, 100.0, 300.0, 650.0, 700.0, 600.0, 10.0, 20.0]
    np.testing.assert_array_equal(rows, _oracle(HAND, 8, src, off))


def test_one_way_chain_is_only_used_its_way():
    g = _graph(HAND, 8)
    cg = build_chains(g)
    # from node 4 (one-way chain 5->3->4->0): 0 is 50 m ahead; 3 is reachable only round the graph
    cost, _ = nearest_sources(cg, np.array([4]), np.array([0.0]), np.array([0, 3, 5]), np.inf)
    assert cost.tolist() == [50.0, 50 + 600 + 50, 50 + 600]
    limited, which = nearest_sources(cg, np.array([4]), np.array([0.0]), np.array([0, 3]), 100.0)
    assert limited[0] == 50.0 and np.isinf(limited[1]) and which[1] == -1


def test_limit_keeps_a_cost_equal_to_it():
    cg = build_chains(_graph(HAND, 8))
    cost, which = nearest_sources(cg, np.array([0]), np.array([0.0]), np.array([1, 2, 6]), 100.0)
    assert cost.tolist() == [100.0, np.inf, 10.0]
    assert which.tolist() == [0, -1, 0]


def _random_arcs(n: int, seed: int, extra: int, two_way: float, integral: bool) -> list[Arc]:
    """A random strongly connected graph: a cycle through all nodes plus extra arcs, some made two-way."""
    rng = np.random.default_rng(seed)

    def weight() -> float:
        return float(rng.integers(1, 100)) if integral else float(rng.uniform(1, 100))

    perm = rng.permutation(n)
    arcs = [(int(perm[i]), int(perm[(i + 1) % n]), weight()) for i in range(n)]
    for _ in range(extra):
        a, b = (int(x) for x in rng.integers(0, n, 2))
        arcs.append((a, b, weight()))
    return arcs + [(b, a, w) for a, b, w in arcs if rng.random() < two_way]


def _sources(n: int, seed: int, offsets: list[float]) -> tuple[np.ndarray, np.ndarray]:
    src = np.random.default_rng(seed + 1).choice(n, size=min(len(offsets), n), replace=False)
    return src, np.asarray(offsets[: src.size], dtype=float)


_GRAPHS = {
    "n": st.integers(3, 30),
    "seed": st.integers(0, 10_000),
    "extra": st.integers(0, 25),
    "two_way": st.floats(0, 1),
}


@settings(max_examples=60)
@given(**_GRAPHS, offsets=st.lists(st.integers(0, 20).map(float), min_size=1, max_size=5))
@example(n=6, seed=3, extra=4, two_way=0.5, offsets=[0.0, 0.0, 0.0, 0.0, 0.0])
def test_property_integral_weights_give_identical_distances(n, seed, extra, two_way, offsets):
    # integer weights and offsets: every sum is exact in float64, so contracted == brute force, bit for bit
    arcs = _random_arcs(n, seed, extra, two_way, integral=True)
    src, off = _sources(n, seed, offsets)
    cg, q = build_chains(_graph(arcs, n)), np.arange(n)
    ref = _oracle(arcs, n, src, off)
    cost, which = nearest_sources(cg, src, off, q, np.inf)
    np.testing.assert_array_equal(cost, ref.min(axis=0))
    np.testing.assert_array_equal(ref[which, q], cost)  # the named source is a nearest one
    np.testing.assert_array_equal(np.vstack(list(source_columns(cg, src, off, q, np.inf, 2))), ref)
    limit = float(np.median(ref))  # exact sums: a cost equal to the limit is kept
    cut = np.vstack(list(source_columns(cg, src, off, q, limit, 3)))
    np.testing.assert_array_equal(cut, np.where(ref <= limit, ref, np.inf))
    near, _ = nearest_sources(cg, src, off, q, limit)
    np.testing.assert_array_equal(near, np.where(ref.min(axis=0) <= limit, ref.min(axis=0), np.inf))


_OFFSETS = st.one_of(st.just(0.0), st.floats(0, 1e-3), st.floats(0, 20))


@settings(max_examples=60)
@given(**_GRAPHS, offsets=st.lists(_OFFSETS, min_size=1, max_size=5))
@example(n=6, seed=3, extra=4, two_way=0.5, offsets=[0.0, 1e-9, 0.0, 5e-4, 0.0])
@example(n=3, seed=0, extra=0, two_way=0.0, offsets=[0.0])
def test_property_contracted_equals_brute_force(n, seed, extra, two_way, offsets):
    # real-valued weights: sums are taken in another order, so only float rounding may differ (no absolute slack)
    arcs = _random_arcs(n, seed, extra, two_way, integral=False)
    src, off = _sources(n, seed, offsets)
    cg, q = build_chains(_graph(arcs, n)), np.arange(n)
    ref = _oracle(arcs, n, src, off)
    cost, which = nearest_sources(cg, src, off, q, np.inf)
    np.testing.assert_allclose(cost, ref.min(axis=0), rtol=1e-12, atol=0)
    np.testing.assert_allclose(ref[which, q], cost, rtol=1e-12, atol=0)  # the named source is a nearest one
    blocks = np.vstack(list(source_columns(cg, src, off, q, np.inf, 2)))
    np.testing.assert_allclose(blocks, ref, rtol=1e-12, atol=0)
    limit = float(np.median(ref)) * (1 + 1e-9)  # never exactly on a distance: rounding differs along chains
    cut = np.vstack(list(source_columns(cg, src, off, q, limit, 3)))
    np.testing.assert_allclose(cut, np.where(ref <= limit, ref, np.inf), rtol=1e-12, atol=0)


def test_hypothesis_runs_are_reproducible():
    current = settings()
    assert current.derandomize is True and current.database is None
