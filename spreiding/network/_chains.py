"""Exact shortest paths on a graph with its pass-through chains contracted.

A third of the nodes of a road graph only pass traffic on: two neighbours,
either both ways (``a <-> x <-> b``) or one way (``a -> x -> b``). Searching
on a graph where every such *chain* of nodes between two junctions (*core*
nodes) is one arc makes scipy's Dijkstra markedly faster, and distances stay
exact:

- a node ``x`` on a chain from core ``u`` to core ``w`` is reached via
  ``u`` (``dist(u) + d(u -> x)``) or via ``w`` (``dist(w) + d(w -> x)``);
- a source on a chain enters the contracted graph at ``u`` and ``w`` with the
  along-chain distance added, and reaches nodes of its own chain directly.

Sources enter the search through one *virtual* node each, with one arc per
entry point whose weight is the entry cost (snap offset plus, on a chain, the
along-chain distance to the end). An entry cost of 0 (a source snapped exactly
onto a junction) is stored as an explicit zero in the CSR arrays, which
scipy's csgraph reads as an arc of weight 0 (documented in
``scipy.sparse.csgraph``: "the zero values are explicitly encoded in the
graph"); it is never floored or shifted. Why the result is exact:

1. Every path from virtual node ``i`` starts with exactly one virtual arc
   (virtual nodes have no incoming arcs), so its length is
   ``offset_i + d(entry -> x)``, the length of the same route in the full
   graph from the source node plus its offset.
2. A shortest route from a source to ``x`` either stays on the source's own
   chain (covered by the direct along-chain term) or leaves it through ``u``
   or ``w`` and then only passes chain interiors between core nodes, which
   the contracted arcs carry with their full length (the minimum of parallel
   arcs is kept); its last leg enters ``x``'s chain from ``u`` or ``w``.

So every value equals the full graph's shortest distance plus the offset,
with no tolerance. Only floating-point rounding can differ, because sums are
taken in another order (cumulative along-chain sums); with integer weights
and offsets (below 2**53) the results are bit-identical, as the tests check.

Everything is vectorised: chains are found as connected components, their
order along the chain with one unweighted multi-source search, and the
cumulative along-chain distances with grouped cumulative sums.

Searches then run on the contracted graph without its dead-end trees
(``ChainGraph.search``; exact, see :mod:`spreiding.network._trees`): a core
node in a tree costs its root's cost plus its depth, and pairs of a source
and a query in one tree add the tree path (:func:`local_pairs`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from spreiding.network._sweep import nearest_labels
from spreiding.network._trees import Trees, join_equal, prune_trees, tree_path_costs
from spreiding.network._zorder import z_order

__all__ = [
    "SWEEP_MIN_NODES",
    "ChainGraph",
    "build_chains",
    "chain_entries",
    "local_pairs",
    "min_csr",
    "nearest_sources",
    "query_anchors",
    "same_chain_costs",
    "search_entries",
    "source_columns",
]


SWEEP_MIN_NODES = 500_000
"""Search-graph nodes from which :func:`nearest_sources` uses the vectorised sweep (:mod:`._sweep`) instead of
scipy's Dijkstra: same costs bit for bit, faster on millions of nodes, slower on a province (rounds of array
work cost more than a heap there). Equal costs then go to the lowest source, not to the one scipy reaches first."""


def min_csr(
    rows: np.ndarray, cols: np.ndarray, weight: np.ndarray, n: int, *, min_weight: float = 0.0
) -> sparse.csr_matrix:
    """CSR keeping the smallest weight of parallel arcs (coo would sum them) and no self-loops.

    ``min_weight`` floors the weights: a search graph must have positive
    weights, since `build_chains` reads a weight of 0 as "no arc".
    """
    key = np.asarray(rows, np.int64) * n + np.asarray(cols, np.int64)  # one sort key instead of a 3-key lexsort
    order = np.argsort(key)
    key = key[order]
    first = np.ones(key.shape[0], bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    w = np.fmin.reduceat(weight[order], starts) if starts.size else weight[:0]  # fmin: NaN only when all are
    r, c = np.divmod(key[starts], n)
    keep = r != c
    matrix = sparse.csr_matrix((np.maximum(w[keep], min_weight), (r[keep], c[keep])), shape=(n, n))
    matrix.sort_indices()
    return matrix


@dataclass(frozen=True, eq=False)
class ChainGraph:
    """A search graph with its pass-through chains contracted.

    Per node of the full graph: ``core_index`` (position in the contracted
    graph, ``-1`` for chain nodes), ``chain`` (chain id, ``-1`` for core
    nodes), ``pos`` (1-based position along the chain), and the along-chain
    distances ``from_u`` (``u -> x``), ``from_w`` (``w -> x``), ``to_u``
    (``x -> u``), ``to_w`` (``x -> w``), ``inf`` where the chain is one-way
    the other way. ``fc`` / ``gc`` are the cumulative forward / backward
    step sums used for two nodes of one chain. Per chain: ``u``, ``w`` (core
    indices of its ends), ``fwd_ok``, ``bwd_ok``. Per core node, the dead-end
    trees of the contracted graph (:class:`~spreiding.network._trees.Trees`):
    ``search`` is the graph searches run on, ``kept`` a core node's index in
    it (``-1`` in a tree), ``root``, ``depth``, ``parent``, ``hops``.
    """

    graph: sparse.csr_matrix
    core_index: np.ndarray
    chain: np.ndarray
    pos: np.ndarray
    from_u: np.ndarray
    from_w: np.ndarray
    to_u: np.ndarray
    to_w: np.ndarray
    fc: np.ndarray
    gc: np.ndarray
    u: np.ndarray
    w: np.ndarray
    fwd_ok: np.ndarray
    bwd_ok: np.ndarray
    search: sparse.csr_matrix
    kept: np.ndarray
    root: np.ndarray
    depth: np.ndarray
    parent: np.ndarray
    hops: np.ndarray

    @property
    def n_core(self) -> int:
        """Nodes of the contracted graph."""
        return int(self.graph.shape[0])

    @property
    def n_search(self) -> int:
        """Nodes of the search graph (the contracted graph without its dead-end trees)."""
        return int(self.search.shape[0])

    @property
    def trees(self) -> Trees:
        """The dead-end trees of the contracted graph (see :mod:`._trees`)."""
        return Trees(self.search, self.kept, self.root, self.depth, self.parent, self.hops)


def _pair_weights(graph: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Arc weights for (row, col) pairs; 0 where there is no arc."""
    if rows.size == 0:
        return np.zeros(0)
    return np.asarray(graph[rows, cols]).ravel().astype(float)


def _through_nodes(graph: sparse.csr_matrix) -> tuple[np.ndarray, sparse.csr_matrix]:
    ones = graph.copy()
    ones.data[:] = 1.0
    und = ((ones + ones.T) > 0).astype(np.int8).tocsr()
    und.setdiag(0)
    und.eliminate_zeros()
    deg = np.diff(und.indptr)
    outd = np.diff(graph.indptr)
    ind = np.diff(graph.tocsc().indptr)
    through = (deg == 2) & (((outd == 2) & (ind == 2)) | ((outd == 1) & (ind == 1)))
    return through, und


def _group_cumsum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Cumulative sums restarting at every index where ``starts`` is true (input sorted by group)."""
    total = np.cumsum(values)
    offset = np.maximum.accumulate(np.where(starts, np.arange(values.size), 0))
    base = np.where(offset > 0, total[np.maximum(offset - 1, 0)], 0.0)
    return total - base


def build_chains(graph: sparse.csr_matrix, xy: np.ndarray | None = None) -> ChainGraph:
    """Contract the pass-through chains of a strongly connected search graph.

    Parameters
    ----------
    graph
        CSR search graph with positive weights (zero entries are no arcs).
    xy
        Optional (n, 2) node coordinates: the search graph's nodes are then
        numbered along a Z-order curve (:func:`~spreiding.network._zorder.z_order`), so that a search
        reads nearby nodes from nearby memory (a fifth to a third less time
        on millions of nodes); without them, in node order. Costs do not depend on it.

    Returns
    -------
    ChainGraph
    """
    graph = graph.tocsr()
    n = graph.shape[0]
    through, und = _through_nodes(graph)
    tn = np.flatnonzero(through)
    n1, n2 = und.indices[und.indptr[tn]], und.indices[und.indptr[tn] + 1]
    # chains: connected components of the undirected graph on chain nodes
    sub = und[tn][:, tn]
    _, label = csgraph.connected_components(sub, directed=False)
    core_nb = ~through[n1] | ~through[n2]
    # chains without an end at a core node (isolated cycles) stay core
    has_end = np.bincount(label, weights=core_nb, minlength=label.max() + 1 if label.size else 0) > 0
    keep = has_end[label]
    if not keep.all():
        through[tn[~keep]] = False
        tn, n1, n2 = tn[keep], n1[keep], n2[keep]
        sub = und[tn][:, tn]
        _, label = csgraph.connected_components(sub, directed=False)
        core_nb = ~through[n1] | ~through[n2]
    n_chain = int(label.max()) + 1 if label.size else 0
    # start of every chain: its lowest-numbered node with a core neighbour
    cand = np.where(core_nb, np.arange(tn.size), tn.size)
    start = np.full(n_chain, tn.size)
    np.minimum.at(start, label, cand)
    hops = csgraph.dijkstra(sub, directed=False, indices=start, unweighted=True, min_only=True)
    pos = hops.astype(np.int64) + 1
    order = np.lexsort((pos, label))
    lab_o, node_o, n1_o, n2_o = label[order], tn[order], n1[order], n2[order]
    first = np.ones(tn.size, bool)
    first[1:] = lab_o[1:] != lab_o[:-1]
    last = np.ones(tn.size, bool)
    last[:-1] = lab_o[:-1] != lab_o[1:]
    single = first & last
    core1 = np.where(~through[n1_o], n1_o, n2_o)  # the (or a) core neighbour
    core2 = np.where(~through[n1_o] & ~through[n2_o], np.maximum(n1_o, n2_o), core1)
    core1 = np.where(single, np.minimum(n1_o, n2_o), core1)
    prev = np.where(first, core1, np.roll(node_o, 1))
    u = core1[first]
    w = core2[last]
    # steps: into each node from its predecessor (forward) and back (backward)
    f = _pair_weights(graph, prev, node_o)
    g = _pair_weights(graph, node_o, prev)
    f_last = _pair_weights(graph, node_o[last], w)
    g_last = _pair_weights(graph, w, node_o[last])
    chain_of = lab_o
    fwd_ok = (np.bincount(chain_of, weights=(f <= 0), minlength=n_chain) == 0) & (f_last > 0)
    bwd_ok = (np.bincount(chain_of, weights=(g <= 0), minlength=n_chain) == 0) & (g_last > 0)
    fc = _group_cumsum(np.where(f > 0, f, 0.0), first)
    gc = _group_cumsum(np.where(g > 0, g, 0.0), first)
    f_tot = fc[last] + f_last
    g_tot = gc[last] + g_last
    fo, bo = fwd_ok[chain_of], bwd_ok[chain_of]
    node_vals = {
        "from_u": np.where(fo, fc, np.inf),
        "to_w": np.where(fo, f_tot[chain_of] - fc, np.inf),
        "to_u": np.where(bo, gc, np.inf),
        "from_w": np.where(bo, g_tot[chain_of] - gc, np.inf),
        "fc": fc,
        "gc": gc,
    }
    full = {k: np.full(n, np.inf if k not in ("fc", "gc") else 0.0) for k in node_vals}
    for k, v in node_vals.items():
        full[k][node_o] = v
    chain = np.full(n, -1, np.int64)
    chain[node_o] = chain_of
    pos_full = np.zeros(n, np.int64)
    pos_full[node_o] = pos[order]
    # contracted graph: core-core arcs plus one arc per chain direction
    core_nodes = np.flatnonzero(~through)
    core_index = np.full(n, -1, np.int64)
    core_index[core_nodes] = np.arange(core_nodes.size)
    coo = graph.tocoo()
    cc = ~through[coo.row] & ~through[coo.col]
    rows = [core_index[coo.row[cc]], core_index[u[fwd_ok]], core_index[w[bwd_ok]]]
    cols = [core_index[coo.col[cc]], core_index[w[fwd_ok]], core_index[u[bwd_ok]]]
    wts = [coo.data[cc], f_tot[fwd_ok], g_tot[bwd_ok]]
    contracted = min_csr(np.concatenate(rows), np.concatenate(cols), np.concatenate(wts), core_nodes.size)
    trees = prune_trees(contracted, None if xy is None else z_order(np.asarray(xy, float)[core_nodes]))
    return ChainGraph(
        search=trees.search,
        kept=trees.kept,
        root=trees.root,
        depth=trees.depth,
        parent=trees.parent,
        hops=trees.hops,
        graph=contracted,
        core_index=core_index,
        chain=chain,
        pos=pos_full,
        u=core_index[u],
        w=core_index[w],
        fwd_ok=fwd_ok,
        bwd_ok=bwd_ok,
        **full,
    )


def chain_entries(cg: ChainGraph, nodes: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each source enters the contracted graph: (source, core node, cost) triples."""
    core = cg.core_index[nodes]
    on_chain = core < 0
    ch = cg.chain[nodes]
    src = np.arange(nodes.size)
    parts = [
        (src[~on_chain], core[~on_chain], offset[~on_chain]),
        (src[on_chain], cg.u[ch[on_chain]], offset[on_chain] + cg.to_u[nodes[on_chain]]),
        (src[on_chain], cg.w[ch[on_chain]], offset[on_chain] + cg.to_w[nodes[on_chain]]),
    ]
    s, c, d = (np.concatenate([p[i] for p in parts]) for i in range(3))
    ok = np.isfinite(d)
    return s[ok], c[ok], d[ok]


def search_entries(cg: ChainGraph, nodes: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each source enters the search graph: (source, search-graph node, cost); trees enter at their root."""
    s, c, d = chain_entries(cg, nodes, offset)
    return s, cg.kept[cg.root[c]], d + cg.depth[c]


def query_anchors(cg: ChainGraph, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Core nodes a query is reached through: (query position, core node, cost from it to the query)."""
    core = cg.core_index[queries]
    on_chain = core < 0
    q = np.arange(queries.size)
    u, w = _chain_ends(cg, queries)
    parts = [
        (q[~on_chain], core[~on_chain], np.zeros(int((~on_chain).sum()))),
        (q[on_chain], u[on_chain], cg.from_u[queries[on_chain]]),
        (q[on_chain], w[on_chain], cg.from_w[queries[on_chain]]),
    ]
    a, c, x = (np.concatenate([p[i] for p in parts]) for i in range(3))
    ok = np.isfinite(x)
    return a[ok], c[ok], x[ok]


def local_pairs(
    cg: ChainGraph, nodes: np.ndarray, offset: np.ndarray, queries: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Costs the search graph does not carry: (source, query, cost) on one chain or inside one dead-end tree."""
    chain_s, chain_q, chain_c = same_chain_costs(cg, nodes, offset, queries)
    tree_s, tree_q, tree_c = tree_path_costs(cg.trees, chain_entries(cg, nodes, offset), query_anchors(cg, queries))
    return np.concatenate([chain_s, tree_s]), np.concatenate([chain_q, tree_q]), np.concatenate([chain_c, tree_c])


def _augmented(cg: ChainGraph, nodes: np.ndarray, offset: np.ndarray) -> sparse.csr_matrix:
    """The search graph plus one virtual node per source (rows ``n_search + i``).

    Entry costs are stored as they are, zeros included: the CSR is built from
    its arrays (no ``eliminate_zeros``), and csgraph treats an explicit 0 as
    an arc of weight 0.
    """
    graph, nc, k = cg.search, cg.n_search, nodes.size
    s, c, d = search_entries(cg, nodes, offset)
    order = np.argsort(s, kind="stable")
    s, c, d = s[order], c[order], d[order]
    counts = np.bincount(s, minlength=k)
    indptr = np.concatenate([graph.indptr, graph.indptr[-1] + np.cumsum(counts)]).astype(graph.indptr.dtype)
    indices = np.concatenate([graph.indices, c.astype(graph.indices.dtype)])
    data = np.concatenate([graph.data, d])
    return sparse.csr_matrix((data, indices, indptr), shape=(nc + k, nc + k))


def _chain_ends(cg: ChainGraph, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Core indices of the two ends of each query node's chain (0 for core nodes; unused there)."""
    if cg.u.size == 0:
        zero = np.zeros(queries.size, np.int64)
        return zero, zero
    ch = np.maximum(cg.chain[queries], 0)
    return cg.u[ch], cg.w[ch]


def _at_core(cg: ChainGraph, search_dist: np.ndarray, core: np.ndarray) -> np.ndarray:
    """Costs at core nodes from search-graph costs (last axis): a tree node costs its root's plus its depth."""
    return search_dist[..., cg.kept[cg.root[core]]] + cg.depth[core]


def _via_ends(cg: ChainGraph, search_dist: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cost at query nodes from search-graph costs (last axis), and which end (0 own/u, 1 w) gave it."""
    core = cg.core_index[queries]
    on_chain = core < 0
    own = _at_core(cg, search_dist, np.maximum(core, 0))
    u, w = _chain_ends(cg, queries)
    via_u = _at_core(cg, search_dist, u) + cg.from_u[queries]
    via_w = _at_core(cg, search_dist, w) + cg.from_w[queries]
    chained = np.minimum(via_u, via_w)
    cost = np.where(on_chain, chained, own)
    end = np.where(on_chain & (via_w < via_u), 1, 0)
    return cost, end


def _sweep_labels(cg: ChainGraph, nodes: np.ndarray, offset: np.ndarray, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """Cost and nearest source at every search-graph node, vectorised (:mod:`._sweep`; ties: lowest source)."""
    s, c, d = search_entries(cg, nodes, offset)
    return nearest_labels(cg.search, c, d, s, limit)


def _dijkstra_labels(
    cg: ChainGraph, nodes: np.ndarray, offset: np.ndarray, limit: float
) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_sweep_labels` with scipy's Dijkstra (ties: the source scipy reaches first)."""
    nc = cg.n_search
    aug = _augmented(cg, nodes, offset)
    dist, _, src = csgraph.dijkstra(
        aug, directed=True, indices=nc + np.arange(nodes.size), min_only=True, return_predecessors=True, limit=limit
    )
    return dist[:nc], np.where(src[:nc] >= nc, src[:nc] - nc, -1)


def _labels_at(
    cg: ChainGraph, search_dist: np.ndarray, search_src: np.ndarray, queries: np.ndarray, lowest: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Cost and source at query nodes from the search graph's labels.

    A chain node is reached via its end ``u`` or ``w``; on equal costs ``u``
    wins, or with ``lowest`` the lower source.
    """
    core = cg.core_index[queries]
    on_chain = core < 0
    u, w = _chain_ends(cg, queries)
    first = np.where(on_chain, u, np.maximum(core, 0))  # a core node itself, or its chain's end u
    at_first = _at_core(cg, search_dist, first)
    cost_a = np.where(on_chain, at_first + cg.from_u[queries], at_first)
    cost_b = np.where(on_chain, _at_core(cg, search_dist, w) + cg.from_w[queries], np.inf)
    src_a, src_b = search_src[cg.kept[cg.root[first]]], search_src[cg.kept[cg.root[w]]]
    take_b = cost_b < cost_a
    if lowest:
        take_b |= (cost_b == cost_a) & (src_b < src_a)
    cost = np.where(take_b, cost_b, cost_a)
    return cost, np.where(np.isfinite(cost), np.where(take_b, src_b, src_a), -1)


def same_chain_costs(
    cg: ChainGraph, nodes: np.ndarray, offset: np.ndarray, queries: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direct along-chain costs (source position, query position, cost) for every pair on one chain."""
    src = np.flatnonzero(cg.chain[nodes] >= 0)
    qry = np.flatnonzero(cg.chain[queries] >= 0)
    i, j = join_equal(cg.chain[nodes[src]], cg.chain[queries[qry]])
    s, q = src[i], qry[j]
    y, x = nodes[s], queries[q]
    ch = cg.chain[y]
    py, px = cg.pos[y], cg.pos[x]
    forward = np.where(cg.fwd_ok[ch], cg.fc[x] - cg.fc[y], np.inf)
    backward = np.where(cg.bwd_ok[ch], cg.gc[y] - cg.gc[x], np.inf)
    along = np.where(px > py, forward, np.where(px < py, backward, 0.0))
    return s.astype(np.int64), q.astype(np.int64), offset[s] + along


def nearest_sources(
    cg: ChainGraph,
    nodes: np.ndarray,
    offset: np.ndarray,
    queries: np.ndarray,
    limit: float,
    *,
    sweep: bool | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cost from the nearest source to every query node, and which source (``-1``: none within ``limit``).

    Parameters
    ----------
    cg
        The contracted search graph.
    nodes, offset
        Source nodes (full-graph indices) and their entry costs (``>= 0``;
        0 is kept exactly, see the module docstring).
    queries
        Query nodes (full-graph indices).
    limit
        Largest cost searched; a cost equal to ``limit`` is kept.
    sweep
        Search with the vectorised sweep (:mod:`._sweep`) rather than
        scipy's Dijkstra; by default from :data:`SWEEP_MIN_NODES` search-graph
        nodes. The costs are the same bit for bit.

    Returns
    -------
    cost : numpy.ndarray
        Per query node, ``offset + distance`` from its nearest source
        (``inf`` beyond ``limit``).
    which : numpy.ndarray
        Per query node, the position in ``nodes`` of that source (``-1``
        beyond ``limit``). Of sources with equal costs, the sweep names the
        lowest position; scipy's Dijkstra the one it reaches first.
    """
    cost = np.full(queries.size, np.inf)
    which = np.full(queries.size, -1, np.int64)
    if nodes.size == 0 or queries.size == 0:
        return cost, which
    lowest = cg.n_search >= SWEEP_MIN_NODES if sweep is None else sweep
    dist, src = _sweep_labels(cg, nodes, offset, limit) if lowest else _dijkstra_labels(cg, nodes, offset, limit)
    cost, which = _labels_at(cg, dist, src, queries, lowest)
    ds, dq, dc = local_pairs(cg, nodes, offset, queries)
    if dq.size:
        order = np.lexsort((ds, dc, dq)) if lowest else np.lexsort((dc, dq))
        first = np.ones(order.size, bool)
        first[1:] = dq[order][1:] != dq[order][:-1]
        q, c, s = dq[order][first], dc[order][first], ds[order][first]
        better = c < cost[q]
        if lowest:
            better |= (c == cost[q]) & (s < which[q])
        cost[q[better]] = c[better]
        which[q[better]] = s[better]
    beyond = cost > limit
    cost[beyond] = np.inf
    which[beyond] = -1
    return cost, which


def source_columns(
    cg: ChainGraph, nodes: np.ndarray, offset: np.ndarray, queries: np.ndarray, limit: float, batch: int
) -> Iterator[np.ndarray]:
    """Cost from every source to every query node, yielded in blocks of ``batch`` sources (``(b, queries)``)."""
    nc = cg.n_search
    aug = _augmented(cg, nodes, offset)
    ds, dq, dc = local_pairs(cg, nodes, offset, queries)
    for lo in range(0, nodes.size, batch):  # a few blocks of sources, not a loop over nodes
        ids = np.arange(lo, min(lo + batch, nodes.size))
        dist = csgraph.dijkstra(aug, directed=True, indices=nc + ids, limit=limit)
        block, _ = _via_ends(cg, dist[:, :nc], queries)
        part = (ds >= lo) & (ds < lo + ids.size)
        np.minimum.at(block, (ds[part] - lo, dq[part]), dc[part])
        block[block > limit] = np.inf
        yield block
