"""Chain contraction gives exactly the distances of the uncontracted graph (hand-made and random graphs)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse import csgraph

from spreiding.network._chains import build_chains, min_csr, nearest_sources, source_columns


def _graph(arcs: list[tuple[int, int, float]], n: int) -> sparse.csr_matrix:
    a = np.asarray(arcs, dtype=float)
    return min_csr(a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2], n, min_weight=0.01)


def _reference(g: sparse.csr_matrix, src: np.ndarray, off: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Brute force: one full Dijkstra per source plus its offset; rows = sources."""
    return csgraph.dijkstra(g, directed=True, indices=src)[:, queries] + off[:, None]


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
    assert cost == pytest.approx(np.array([300, 200, 0, 350, 400, 300, 310, 320]) + 7.0)
    assert (which == 0).all()
    np.testing.assert_allclose(cost, _reference(g, src, off, q)[0])


def test_one_way_chain_is_only_used_its_way():
    g = _graph(HAND, 8)
    cg = build_chains(g)
    # from node 4 (one-way chain 5->3->4->0): 0 is 50 m ahead; 3 is reachable only round the graph
    cost, _ = nearest_sources(cg, np.array([4]), np.array([0.0]), np.array([0, 3, 5]), np.inf)
    assert cost == pytest.approx([50.0, 50 + 600 + 50, 50 + 600])
    limited, which = nearest_sources(cg, np.array([4]), np.array([0.0]), np.array([0, 3]), 100.0)
    assert limited[0] == pytest.approx(50.0) and np.isinf(limited[1]) and which[1] == -1


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(3, 30),
    seed=st.integers(0, 10_000),
    extra=st.integers(0, 25),
    two_way=st.floats(0, 1),
    k=st.integers(1, 5),
)
def test_property_contracted_equals_brute_force(n, seed, extra, two_way, k):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    arcs = [(int(perm[i]), int(perm[(i + 1) % n]), float(rng.uniform(1, 100))) for i in range(n)]  # a cycle
    for _ in range(extra):
        a, b = (int(x) for x in rng.integers(0, n, 2))
        arcs.append((a, b, float(rng.uniform(1, 100))))
    arcs += [(b, a, w) for a, b, w in arcs if rng.random() < two_way]
    g = _graph(arcs, n)
    cg = build_chains(g)
    src = rng.choice(n, size=min(k, n), replace=False)
    off = rng.uniform(0, 20, src.size)
    q = np.arange(n)
    ref = _reference(g, src, off, q)
    cost, which = nearest_sources(cg, src, off, q, np.inf)
    np.testing.assert_allclose(cost, ref.min(axis=0), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(ref[which, q], cost, rtol=1e-9, atol=1e-6)  # the named source is a nearest one
    blocks = np.vstack(list(source_columns(cg, src, off, q, np.inf, 2)))
    np.testing.assert_allclose(blocks, ref, rtol=1e-9, atol=1e-6)
    limit = float(np.median(ref)) * (1 + 1e-9)  # never exactly on a distance: rounding differs along chains
    cut = np.vstack(list(source_columns(cg, src, off, q, limit, 3)))
    np.testing.assert_allclose(cut, np.where(ref <= limit, ref, np.inf), rtol=1e-9, atol=1e-6)
