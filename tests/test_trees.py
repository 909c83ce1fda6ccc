"""Dead-end tree pruning gives exactly the distances of the full graph (hand-made and random graphs).

The oracle is the textbook Dijkstra of tests/test_chains.py on the raw arcs (no code shared with spreiding).
Graphs are invented: a strongly connected core with dead-end trees, chains and one-way arcs hung on it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from spreiding.network._chains import build_chains, nearest_sources, source_columns

from .test_chains import Arc, _graph, _oracle

# Hand-made: a core 0-1-2-10, every pair two-way 100 m; a dead-end tree on 0: 0-3 (10), 3-4 (20), 3-5 (30),
# 5-6 (40) with a pass-through node 7 between 6 and 8 (5 + 5); and on 1 a branch 1-9 that is 50 m out and
# 70 m back (not the same both ways: it must stay in the search graph).
HAND = [
    (0, 1, 100.0), (1, 0, 100.0), (1, 2, 100.0), (2, 1, 100.0), (2, 0, 100.0), (0, 2, 100.0),
    (10, 0, 100.0), (0, 10, 100.0), (10, 1, 100.0), (1, 10, 100.0), (10, 2, 100.0), (2, 10, 100.0),
    (0, 3, 10.0), (3, 0, 10.0), (3, 4, 20.0), (4, 3, 20.0), (3, 5, 30.0), (5, 3, 30.0),
    (5, 6, 40.0), (6, 5, 40.0), (6, 7, 5.0), (7, 6, 5.0), (7, 8, 5.0), (8, 7, 5.0),
    (1, 9, 50.0), (9, 1, 70.0),
]  # fmt: skip


def test_hand_made_tree_is_pruned_and_exact():
    cg = build_chains(_graph(HAND, 11))
    core = cg.core_index
    pruned = {node for node in range(11) if core[node] >= 0 and cg.kept[core[node]] < 0}
    assert pruned == {3, 4, 8}  # the tree on 0 (5, 6, 7 are chain nodes); 9 stays: 50 m out, 70 m back
    assert cg.n_search == 5  # 0, 1, 2, 10, 9
    # by hand, from 4 (in the tree, offset 2): 3 20, 5 50, 6 90, 7 95, 8 100, 0 30, 1 2 10 130, 9 180
    src, off, q = np.array([4]), np.array([2.0]), np.arange(11)
    expected = np.array([30, 130, 130, 20, 0, 50, 90, 95, 100, 180, 130]) + 2.0
    cost, which = nearest_sources(cg, src, off, q, np.inf)
    np.testing.assert_array_equal(cost, expected)
    np.testing.assert_array_equal(_oracle(HAND, 11, src, off)[0], expected)
    # two sources, one in the tree (8) and one outside (2): 6 is 10 from 8; 4 is 100 from 8 and 130 from 2
    src, off = np.array([8, 2]), np.array([0.0, 0.0])
    rows = np.vstack(list(source_columns(cg, src, off, q, np.inf, 1)))
    np.testing.assert_array_equal(rows, _oracle(HAND, 11, src, off))
    assert rows[:, 4].tolist() == [100.0, 130.0]
    cost, which = nearest_sources(cg, src, off, q, np.inf)
    assert cost[[6, 4, 1]].tolist() == [10.0, 100.0, 100.0] and which[[6, 4, 1]].tolist() == [0, 0, 1]


def _tree_arcs(n_core: int, n_tree: int, seed: int, extra: int, oneway: float, skew: float) -> list[Arc]:
    """A random strongly connected core (a cycle plus extra arcs) with trees and paths hung on it."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n_core)
    arcs = [(int(perm[i]), int(perm[(i + 1) % n_core]), float(rng.integers(1, 100))) for i in range(n_core)]
    for _ in range(extra):
        a, b = (int(x) for x in rng.integers(0, n_core, 2))
        arcs.append((a, b, float(rng.integers(1, 100))))
    arcs += [(b, a, w) for a, b, w in arcs if rng.random() > oneway]
    for node in range(n_core, n_core + n_tree):  # each tree node hangs on an earlier node, two-way
        parent = int(rng.integers(0, node))
        w = float(rng.integers(1, 100))
        back = w + float(rng.integers(1, 20)) if rng.random() < skew else w
        arcs += [(parent, node, w), (node, parent, back)]
    return arcs


@settings(max_examples=60)
@given(
    n_core=st.integers(1, 12),
    n_tree=st.integers(0, 25),
    seed=st.integers(0, 10_000),
    extra=st.integers(0, 10),
    oneway=st.floats(0, 1),
    skew=st.sampled_from([0.0, 0.0, 0.2]),
    n_src=st.integers(1, 5),
)
@example(n_core=3, n_tree=12, seed=5, extra=2, oneway=0.5, skew=0.0, n_src=4)
@example(n_core=1, n_tree=6, seed=1, extra=0, oneway=0.0, skew=0.0, n_src=2)
def test_property_pruned_equals_brute_force(n_core, n_tree, seed, extra, oneway, skew, n_src):
    # integer weights and offsets: every sum is exact, so pruned + contracted == brute force, bit for bit
    n = n_core + n_tree
    arcs = _tree_arcs(n_core, n_tree, seed, extra, oneway, skew)
    if n < 2 or not arcs:
        return
    rng = np.random.default_rng(seed + 1)
    src = rng.choice(n, size=min(n_src, n), replace=False)
    off = rng.integers(0, 20, src.size).astype(float)
    cg, q = build_chains(_graph(arcs, n)), np.arange(n)
    ref = _oracle(arcs, n, src, off)
    cost, which = nearest_sources(cg, src, off, q, np.inf)
    np.testing.assert_array_equal(cost, ref.min(axis=0))
    np.testing.assert_array_equal(ref[which, q], cost)  # the named source is a nearest one
    np.testing.assert_array_equal(np.vstack(list(source_columns(cg, src, off, q, np.inf, 2))), ref)
    limit = float(np.median(ref))
    cut = np.vstack(list(source_columns(cg, src, off, q, limit, 3)))
    np.testing.assert_array_equal(cut, np.where(ref <= limit, ref, np.inf))


def test_trees_are_pruned_in_random_graphs():
    # the property test must exercise pruning: most random examples above have trees that go
    cg = build_chains(_graph(_tree_arcs(5, 30, 7, 3, 0.3, 0.0), 35))
    assert cg.n_search < cg.n_core
