"""Exact searches without the dead-end trees of a contracted search graph.

After chain contraction a large share of the remaining (core) nodes sit in
*dead-end trees*: subtrees that hang off the rest of the graph (its 2-core)
by one node, the tree's *root*. No shortest path between two nodes outside a
tree enters it, so searches can run on the graph without the trees (the
*search graph*), and the cost at a tree node ``x`` with root ``r`` is

- ``cost(r) + depth(x)`` for a source outside the tree, where ``depth`` is
  the tree-path cost from the root (every route into the tree passes ``r``);
- for a source that enters the graph at a node ``e`` of the same tree, the
  smaller of that and ``offset + d(e, x)`` with ``d`` the tree path through
  the lowest common ancestor: ``depth(e) + depth(x) - 2 depth(lca)``. A
  route that leaves the tree and comes back passes ``r`` twice, so it is
  never shorter than the tree path.

Sources in a tree enter the search graph at its root with ``depth(e)``
added. Exactness needs the tree path to cost the same both ways, so only
trees whose arcs are two-way with equal weights both ways are pruned: a
node whose arc to its parent is one-way or differs from the way back stays
in the search graph, with all its ancestors (its descendants can still hang
off it). The trees are found by peeling leaves of the undirected graph,
level by level (a loop over levels, each vectorised).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = ["Trees", "join_equal", "min_per_pair", "prune_trees", "tree_path_costs"]


@dataclass(frozen=True, eq=False)
class Trees:
    """Dead-end trees of a graph with ``n`` nodes.

    ``search``: the graph on the kept nodes; per node: ``kept`` (index in
    ``search``, ``-1`` when pruned), ``root`` (itself when kept), ``depth``
    (tree-path cost from the root, 0 when kept), ``parent`` (``-1`` when kept)
    and ``hops`` (tree edges from the root).
    """

    search: sparse.csr_matrix
    kept: np.ndarray
    root: np.ndarray
    depth: np.ndarray
    parent: np.ndarray
    hops: np.ndarray


def _undirected(graph: sparse.csr_matrix) -> sparse.csr_matrix:
    ones = graph.copy()
    ones.data[:] = 1.0
    und = ((ones + ones.T) > 0).astype(np.int8).tocsr()
    und.setdiag(0)
    und.eliminate_zeros()
    return und


def _peel(und: sparse.csr_matrix) -> tuple[np.ndarray, list[np.ndarray]]:
    """Parent of every peeled node (``-1``: in the 2-core) and the peeled nodes level by level."""
    n = und.shape[0]
    deg = np.diff(und.indptr).astype(np.int64)
    removed = np.zeros(n, bool)
    parent = np.full(n, -1, np.int64)
    levels: list[np.ndarray] = []
    leaves = np.flatnonzero(deg == 1)
    while leaves.size:  # one pass per tree level
        lens = np.diff(und.indptr)[leaves]
        nb = und.indices[np.repeat(und.indptr[leaves], lens) + _within(lens)]
        owner = np.repeat(leaves, lens)
        live = ~removed[nb]
        nb, owner = nb[live], owner[live]
        mutual = (deg[nb] == 1) & ~removed[nb]  # two leaves on one edge: the whole graph is a tree there
        nb, owner = nb[~mutual], owner[~mutual]
        if owner.size == 0:
            break
        removed[owner] = True
        parent[owner] = nb
        levels.append(owner)
        np.subtract.at(deg, nb, 1)
        cand = np.unique(nb)
        leaves = cand[(deg[cand] == 1) & ~removed[cand]]
    return parent, levels


def _within(lens: np.ndarray) -> np.ndarray:
    """0..len-1 for every length, concatenated."""
    total = int(lens.sum())
    return np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)


def _arc(graph: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if rows.size == 0:
        return np.zeros(0)
    return np.asarray(graph[rows, cols]).ravel().astype(float)


def prune_trees(graph: sparse.csr_matrix, order: np.ndarray | None = None) -> Trees:
    """Find the dead-end trees of a strongly connected search graph and the graph without them.

    Parameters
    ----------
    graph
        CSR search graph with positive weights (zero entries are no arcs).
    order
        Optional sort key per node: the kept nodes are numbered in increasing
        key order (ties by node), e.g. a space-filling curve so that nearby
        nodes lie close in memory; by default in node order.

    Returns
    -------
    Trees
    """
    graph = graph.tocsr()
    n = graph.shape[0]
    parent, levels = _peel(_undirected(graph))
    if not levels or sum(level.size for level in levels) >= n - 1:  # nothing to prune, or all one tree
        parent[:] = -1
        levels = []
    peeled = np.flatnonzero(parent >= 0)
    down = _arc(graph, parent[peeled], peeled)
    up = _arc(graph, peeled, parent[peeled])
    weight = np.zeros(n)
    weight[peeled] = down
    stays = np.zeros(n, bool)
    stays[peeled] = (down <= 0) | (up != down)
    for level in levels:  # leaves first: a staying node keeps its parent
        np.logical_or.at(stays, parent[level], stays[level])
    root = np.arange(n)
    depth = np.zeros(n)
    hops = np.zeros(n, np.int64)
    for level in reversed(levels):  # from the 2-core outwards
        go = level[~stays[level]]
        p = parent[go]
        root[go] = root[p]
        depth[go] = depth[p] + weight[go]
        hops[go] = hops[p] + 1
    pruned = root != np.arange(n)
    parent = np.where(pruned, parent, -1)
    keep = np.flatnonzero(~pruned)
    if order is not None:
        keep = keep[np.argsort(order[keep], kind="stable")]
    kept = np.full(n, -1, np.int64)
    kept[keep] = np.arange(keep.size)
    search = graph[keep][:, keep].tocsr()
    search.sort_indices()
    return Trees(search, kept, root, depth, parent, hops)


def _lca(trees: Trees, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Lowest common ancestor of node pairs of one tree each (walks up level by level, vectorised)."""
    a, b = a.copy(), b.copy()
    while True:
        diff = np.flatnonzero(a != b)
        if diff.size == 0:
            return a
        ha, hb = trees.hops[a[diff]], trees.hops[b[diff]]
        up_a, up_b = diff[ha >= hb], diff[hb >= ha]
        a[up_a] = trees.parent[a[up_a]]
        b[up_b] = trees.parent[b[up_b]]


def join_equal(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with ``left[i] == right[j]`` (an inner join on integer keys, vectorised)."""
    order = np.argsort(left, kind="stable")
    keys = left[order]
    lo, hi = np.searchsorted(keys, right, "left"), np.searchsorted(keys, right, "right")
    lens = hi - lo
    j = np.repeat(np.arange(right.size), lens)
    i = order[np.repeat(lo, lens) + _within(lens)]
    return i, j


def min_per_pair(s: np.ndarray, q: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The smallest cost of every (s, q) pair."""
    order = np.lexsort((cost, q, s))
    s, q, cost = s[order], q[order], cost[order]
    first = np.ones(s.size, bool)
    first[1:] = (s[1:] != s[:-1]) | (q[1:] != q[:-1])
    return s[first], q[first], cost[first]


def tree_path_costs(
    trees: Trees,
    entries: tuple[np.ndarray, np.ndarray, np.ndarray],
    anchors: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Costs along tree paths from sources' entry nodes to queries' anchor nodes in the same pruned tree.

    Parameters
    ----------
    trees
        The pruned trees.
    entries
        (source, node, cost) where sources enter the graph.
    anchors
        (query, node, extra cost from the node to the query).

    Returns
    -------
    source, query, cost : numpy.ndarray
        The smallest ``cost + d(node, anchor) + extra`` per (source, query)
        pair whose entry and anchor lie in one pruned tree (entries at a root
        are left out: the search covers them).
    """
    s, e, d = entries
    q, a, x = anchors
    pe, pa = trees.parent[e] >= 0, trees.parent[a] >= 0
    s, e, d, q, a, x = s[pe], e[pe], d[pe], q[pa], a[pa], x[pa]
    i, j = join_equal(trees.root[e], trees.root[a])
    if i.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    lca = _lca(trees, e[i], a[j])
    path = trees.depth[e[i]] + trees.depth[a[j]] - 2 * trees.depth[lca]
    return min_per_pair(s[i], q[j], d[i] + path + x[j])
