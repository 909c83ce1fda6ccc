"""Points × sites costs searched only near each site, stored sparse.

A road path of ``L`` metres cannot leave the straight-line disc of radius
``L`` around its start, because no arc is shorter than the straight line
between its ends (chain arcs are sums of such arcs). So the search from a
site with entry cost ``offset`` and a cut-off ``limit`` only needs the core
nodes within ``(limit - offset) * scale`` of the site, where ``scale`` is 1
for lengths and the network's largest speed (m/s) for travel times. Every
cost within the cut-off found on that induced subgraph equals the cost on the
whole graph, and everything beyond it is dropped anyway, so the result is
exact. A small margin (:data:`_MARGIN`) absorbs the difference between the
projected straight line and a length measured on the ellipsoid.

The plane is cut into square tiles (a quarter of the search radius a side)
and the search graph (contracted, dead-end trees pruned) is renumbered tile
by tile, so the nodes of a column of tiles are one range of rows. Sources
are searched in groups (those in one square of 8 × 8 tiles, up to 64) on the subgraph
of the tile columns their discs touch, cut out as a few row ranges; arcs
that leave it point to a sink node. Only those nodes are initialised, and
only the query nodes in those tiles are read back, so time and memory grow
with the number of entries within the cut-off, not with points × sites.
Pairs the search graph does not carry (a source and a query on one chain or
in one dead-end tree) come from :func:`~spreiding.network._chains.local_pairs`.

The result is a ``scipy.sparse.csc_array`` (points × sites) whose stored
entries are exactly the costs within the cut-off; an entry of 0 is stored as
an explicit zero. A missing entry means *beyond the cut-off* (``inf``), never
0: read it with :func:`sparse_nearest` / :func:`to_dense`, not with scipy's
arithmetic, which reads missing entries as 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from spreiding.network._chains import ChainGraph, local_pairs, search_entries

__all__ = [
    "LocalGrid",
    "concat_columns",
    "from_dense",
    "local_columns",
    "make_grid",
    "select_columns",
    "sparse_nearest",
    "to_dense",
    "to_sparse",
]

_MARGIN = (1.01, 50.0)
"""Search radius = reach × 1.01 + 50 m: covers ellipsoidal vs projected lengths and rounded edge lengths."""
_BATCH = 64
_TILE_SHARE = 0.25
"""Tile side as a share of the search radius: small tiles fit the searched square tightly."""
_GROUP_TILES = 8
"""Sources in one square of this many tiles a side are searched together (on one subgraph)."""


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, e)`` for every pair, vectorised."""
    lens = np.maximum(ends - starts, 0)
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    shift = np.repeat(starts - np.cumsum(lens) + lens, lens)
    return shift + np.arange(total)


@dataclass(frozen=True, eq=False)
class LocalGrid:
    """The contracted graph renumbered tile by tile, and the query nodes bucketed by tile.

    Tiles are squares of side ``tile_m`` numbered ``tx * ny + ty``; the core
    nodes are renumbered in tile order (``rank``: old core index -> new), so
    the nodes of one column of tiles ``ty0..ty1`` are one contiguous range of
    ``graph``'s rows: ``core_ptr[tx * ny + ty0]`` to ``core_ptr[tx * ny + ty1 + 1]``.
    ``query_ptr`` / ``query_items`` give the query positions per tile the same way.
    """

    x0: float
    y0: float
    tile_m: float
    nx: int
    ny: int
    rank: np.ndarray
    graph: sparse.csr_matrix
    core_ptr: np.ndarray
    query_ptr: np.ndarray
    query_items: np.ndarray

    def tile_of(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tile column and row of coordinates (clipped to the grid)."""
        return _tile_of(xy, self.x0, self.y0, self.tile_m, self.nx, self.ny)

    def strips(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per tile column overlapping the box ``lo``-``hi``: the first and one-past-last tile id."""
        tx, ty = self.tile_of(np.vstack([lo, hi]))
        cols = np.arange(tx[0], tx[1] + 1)
        return cols * self.ny + ty[0], cols * self.ny + ty[1] + 1


def _tile_of(xy: np.ndarray, x0: float, y0: float, tile_m: float, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    tx = np.clip(np.floor((xy[:, 0] - x0) / tile_m), 0, nx - 1).astype(np.int64)
    ty = np.clip(np.floor((xy[:, 1] - y0) / tile_m), 0, ny - 1).astype(np.int64)
    return tx, ty


def _bucket(tile: np.ndarray, n_tiles: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(tile, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(np.bincount(tile, minlength=n_tiles))])
    return ptr, order


def _renumbered(graph: sparse.csr_matrix, order: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """``graph`` with node ``order[i]`` renumbered ``i``; returns it and ``rank`` (old -> new)."""
    rank = np.empty(order.size, np.int64)
    rank[order] = np.arange(order.size)
    starts, ends = graph.indptr[order], graph.indptr[order + 1]
    pos = _ranges(starts.astype(np.int64), ends.astype(np.int64))
    indptr = np.concatenate([[0], np.cumsum(ends - starts)]).astype(graph.indptr.dtype)
    indices = rank[graph.indices[pos]].astype(graph.indices.dtype)
    return sparse.csr_matrix((graph.data[pos], indices, indptr), shape=graph.shape), rank


def make_grid(cg: ChainGraph, core_xy: np.ndarray, query_xy: np.ndarray, radius_m: float) -> LocalGrid:
    """Tile the search graph's nodes (renumbering ``cg.search``) and the query nodes for searches of ``radius_m``.

    ``core_xy`` holds the coordinates of ``cg.search``'s nodes, in its order.
    """
    tile_m = max(radius_m * _TILE_SHARE, 1.0)
    both = np.vstack([core_xy, query_xy])
    x0, y0 = both.min(axis=0)
    nx, ny = (np.floor((both.max(axis=0) - [x0, y0]) / tile_m).astype(np.int64) + 1).tolist()
    ctx, cty = _tile_of(core_xy, x0, y0, tile_m, nx, ny)
    qtx, qty = _tile_of(query_xy, x0, y0, tile_m, nx, ny)
    core_ptr, order = _bucket(ctx * ny + cty, nx * ny)
    query_ptr, query_items = _bucket(qtx * ny + qty, nx * ny)
    graph, rank = _renumbered(cg.search, order)
    return LocalGrid(float(x0), float(y0), float(tile_m), nx, ny, rank, graph, core_ptr, query_ptr, query_items)


def _subgraph(grid: LocalGrid, first: np.ndarray, stop: np.ndarray, local: np.ndarray) -> tuple[np.ndarray, ...]:
    """Rows of the tile columns ``first``-``stop`` as a CSR subgraph; arcs leaving it go to a sink node ``k``.

    Sets ``local`` (new core index -> subgraph node) for the selected nodes; returns (data, indices, indptr, sel).
    """
    g = grid.graph
    r0, r1 = grid.core_ptr[first], grid.core_ptr[stop]
    sel = _ranges(r0, r1)
    local[sel] = np.arange(sel.size)
    a0, a1 = g.indptr[r0], g.indptr[r1]
    cols = local[np.concatenate([g.indices[a:b] for a, b in zip(a0, a1, strict=True)])]  # a few tile columns
    cols[cols < 0] = sel.size
    data = np.concatenate([g.data[a:b] for a, b in zip(a0, a1, strict=True)])
    lens = g.indptr[sel + 1] - g.indptr[sel]
    return data, cols, np.concatenate([[0], np.cumsum(lens)]), sel


def _batch_costs(
    sub: tuple[np.ndarray, ...], entry: tuple[np.ndarray, np.ndarray, np.ndarray], b: int, limit: float
) -> np.ndarray:
    """Dijkstra from ``b`` virtual sources on the subgraph; costs at its ``k`` nodes, shape (b, k + 2).

    Node ``k`` is the sink that arcs leaving the subgraph point to; node ``k + 1`` has no arcs at all, so
    its column is ``inf`` (the cost of every node outside the subgraph).
    """
    data, indices, indptr, sel = sub
    k = sel.size
    s, lc, d = entry
    order = np.argsort(s, kind="stable")
    counts = np.bincount(s, minlength=b)
    n = k + 2 + b
    end = indptr[-1]
    aug = sparse.csr_matrix(
        (
            np.concatenate([data, d[order]]),
            np.concatenate([indices, lc[order]]).astype(np.int32),
            np.concatenate([indptr, [end, end], end + np.cumsum(counts)]).astype(np.int32),
        ),
        shape=(n, n),
    )
    dist = csgraph.dijkstra(aug, directed=True, indices=k + 2 + np.arange(b), limit=limit)
    return dist[:, : k + 2]


def _at_queries(
    cg: ChainGraph, grid: LocalGrid, costs: np.ndarray, local: np.ndarray, qnodes: np.ndarray
) -> np.ndarray:
    """Costs at query nodes (core or on a chain) from costs at the subgraph's nodes."""

    nowhere = costs.shape[1] - 1  # the column that is inf (see _batch_costs)

    def at(core: np.ndarray) -> np.ndarray:
        lc = local[grid.rank[cg.kept[cg.root[np.maximum(core, 0)]]]]
        return costs[:, np.where((lc >= 0) & (core >= 0), lc, nowhere)] + cg.depth[np.maximum(core, 0)]

    core = cg.core_index[qnodes]
    on_chain = core < 0
    if cg.u.size:
        ch = np.maximum(cg.chain[qnodes], 0)
        via = np.minimum(at(cg.u[ch]) + cg.from_u[qnodes], at(cg.w[ch]) + cg.from_w[qnodes])
        return np.where(on_chain, via, at(core))
    return at(core)


def local_columns(
    cg: ChainGraph,
    grid: LocalGrid,
    source_xy: np.ndarray,
    nodes: np.ndarray,
    offset: np.ndarray,
    queries: np.ndarray,
    query_leg: np.ndarray,
    limit: float,
    scale: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Costs within ``limit`` from every source to every query, searched near each source.

    Parameters
    ----------
    cg
        The contracted search graph.
    grid
        Tiles over ``cg``'s core nodes and over ``queries`` (:func:`make_grid`).
    source_xy, nodes, offset
        Per source: coordinates of its node, its node (full-graph index) and entry cost.
    queries, query_leg
        Query nodes and the cost added at each (the snap leg).
    limit
        Largest cost kept (a cost equal to it is kept).
    scale
        Metres per unit of cost at most (1 for lengths; the largest speed in m/s for times).

    Returns
    -------
    rows, data, counts : numpy.ndarray
        Query position and cost of every entry within ``limit``, grouped by
        source in source order; ``counts`` entries per source.
    """
    reach = np.maximum(limit - offset, 0.0) * scale * _MARGIN[0] + _MARGIN[1]
    tx, ty = grid.tile_of(source_xy)
    gx, gy = tx // _GROUP_TILES, ty // _GROUP_TILES
    order = np.lexsort((gy, gx))
    group = (gx * (grid.ny + 1) + gy)[order]
    cut = np.flatnonzero((group[1:] != group[:-1]) | (np.arange(1, group.size) % _BATCH == 0)) + 1
    local = np.full(cg.n_search, -1, np.int64)
    qlocal = np.full(queries.size, -1, np.int64)
    s_all, c_all, d_all = search_entries(cg, nodes, offset)
    c_all = grid.rank[c_all]
    d_src, d_q, d_cost = local_pairs(cg, nodes, offset, queries)
    slot = np.full(nodes.size, -1, np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for batch in np.split(order, cut):  # one search per group of nearby sources, not a loop over nodes
        first, stop = grid.strips(
            (source_xy[batch] - reach[batch, None]).min(axis=0), (source_xy[batch] + reach[batch, None]).max(axis=0)
        )
        sub = _subgraph(grid, first, stop, local)
        qsel = grid.query_items[_ranges(grid.query_ptr[first], grid.query_ptr[stop])]
        qlocal[qsel] = np.arange(qsel.size)
        slot[batch] = np.arange(batch.size)
        mine = (slot[s_all] >= 0) & (local[c_all] >= 0)
        entry = (slot[s_all[mine]], local[c_all[mine]], d_all[mine])
        block = _at_queries(cg, grid, _batch_costs(sub, entry, batch.size, limit), local, queries[qsel])
        pick = (slot[d_src] >= 0) & (qlocal[d_q] >= 0)
        np.minimum.at(block, (slot[d_src[pick]], qlocal[d_q[pick]]), d_cost[pick])
        full = block + query_leg[qsel][None, :]
        r, q = np.nonzero(full <= limit)
        parts.append((batch, np.bincount(r, minlength=batch.size), qsel[q], full[r, q].astype(np.float32)))
        local[sub[3]] = -1
        qlocal[qsel] = -1
        slot[batch] = -1
    return _in_source_order(parts, nodes.size)


def _in_source_order(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reorder per-batch entries (grouped by source) into source order."""
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(n, np.int64)
    src = np.concatenate([p[0] for p in parts])
    counts_b = np.concatenate([p[1] for p in parts])
    rows = np.concatenate([p[2] for p in parts])
    data = np.concatenate([p[3] for p in parts])
    start_b = np.concatenate([[0], np.cumsum(counts_b)[:-1]])
    counts = np.zeros(n, np.int64)
    counts[src] = counts_b
    starts = np.zeros(n, np.int64)
    starts[src] = start_b
    take = _ranges(starts, starts + counts)
    return rows[take], data[take], counts


def to_sparse(
    rows: np.ndarray, data: np.ndarray, counts: np.ndarray, cols: np.ndarray, shape: tuple[int, int]
) -> sparse.csc_array:
    """CSC array (points × sites) from entries grouped by column ``cols`` (in increasing order)."""
    per_col = np.zeros(shape[1], np.int64)
    per_col[cols] = counts
    indptr = np.concatenate([[0], np.cumsum(per_col)])
    index_dtype = np.int32 if max(shape) < 2**31 and indptr[-1] < 2**31 else np.int64
    return sparse.csc_array(
        (data.astype(np.float32, copy=False), rows.astype(index_dtype), indptr.astype(index_dtype)), shape=shape
    )


def select_columns(store: sparse.csc_array, cols: np.ndarray) -> sparse.csc_array:
    """The columns ``cols`` of a sparse store (explicit zeros kept)."""
    starts, ends = store.indptr[cols], store.indptr[cols + 1]
    pos = _ranges(starts.astype(np.int64), ends.astype(np.int64))
    indptr = np.concatenate([[0], np.cumsum(ends - starts)]).astype(store.indptr.dtype)
    return sparse.csc_array((store.data[pos], store.indices[pos], indptr), shape=(store.shape[0], cols.size))


def concat_columns(left: sparse.csc_array, right: sparse.csc_array) -> sparse.csc_array:
    """Columns of ``left`` then ``right`` (same rows; explicit zeros kept)."""
    indptr = np.concatenate([left.indptr.astype(np.int64), right.indptr[1:].astype(np.int64) + left.indptr[-1]])
    index_dtype = np.int32 if indptr[-1] < 2**31 and left.shape[0] < 2**31 else np.int64
    return sparse.csc_array(
        (
            np.concatenate([left.data, right.data]),
            np.concatenate([left.indices, right.indices]).astype(index_dtype),
            indptr.astype(index_dtype),
        ),
        shape=(left.shape[0], left.shape[1] + right.shape[1]),
    )


def from_dense(values: np.ndarray) -> sparse.csc_array:
    """Sparse store of the finite entries of a dense (points × sites) array."""
    c, r = np.nonzero(np.isfinite(values.T))
    counts = np.bincount(c, minlength=values.shape[1])
    return to_sparse(r, values[r, c], counts, np.arange(values.shape[1]), values.shape)


def to_dense(store: sparse.csc_array) -> np.ndarray:
    """Dense ``float32`` array with ``inf`` where no entry is stored."""
    out = np.full(store.shape, np.inf, np.float32)
    col = np.repeat(np.arange(store.shape[1]), np.diff(store.indptr))
    out[store.indices, col] = store.data
    return out


def sparse_nearest(store: sparse.csc_array, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest cost per row among ``cols`` and its position in ``cols`` (lowest on ties; -1 when none)."""
    n = store.shape[0]
    starts, ends = store.indptr[cols].astype(np.int64), store.indptr[cols + 1].astype(np.int64)
    pos = _ranges(starts, ends)
    rows, vals = store.indices[pos], store.data[pos]
    which = np.repeat(np.arange(cols.size), ends - starts)
    best = np.full(n, np.inf, np.float32)
    np.minimum.at(best, rows, vals)
    hit = vals == best[rows]
    arg = np.full(n, cols.size, np.int64)
    np.minimum.at(arg, rows[hit], which[hit])
    arg[arg == cols.size] = -1
    return best.astype(float), arg
