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

The plane is cut into square tiles of the cut-off radius; sites are searched
in batches of one tile, on the subgraph of the core nodes in the tiles that
the batch's discs touch. Only those nodes are initialised, and only the query
nodes in those tiles are read back, so time and memory grow with the number
of entries within the cut-off, not with points × sites.

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

from spreiding.network._chains import ChainGraph, chain_entries, same_chain_costs

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
_BATCH = 32


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
    """Square tiles of side ``tile_m`` over the core nodes and the query nodes.

    ``core_ptr`` / ``core_items``: per tile the core indices in it (CSR-like);
    ``query_ptr`` / ``query_items``: per tile the query positions in it.
    """

    x0: float
    y0: float
    tile_m: float
    nx: int
    ny: int
    core_ptr: np.ndarray
    core_items: np.ndarray
    query_ptr: np.ndarray
    query_items: np.ndarray

    def tile_of(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tile column and row of coordinates (clipped to the grid)."""
        tx = np.clip(((xy[:, 0] - self.x0) // self.tile_m).astype(np.int64), 0, self.nx - 1)
        ty = np.clip(((xy[:, 1] - self.y0) // self.tile_m).astype(np.int64), 0, self.ny - 1)
        return tx, ty

    def tiles_in(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Ids of the tiles that overlap the box ``lo``-``hi`` (x, y)."""
        (tx0, tx1), (ty0, ty1) = (self.tile_of(np.vstack([lo, hi]))[k] for k in range(2))
        gx, gy = np.meshgrid(np.arange(tx0, tx1 + 1), np.arange(ty0, ty1 + 1), indexing="ij")
        return (gx * self.ny + gy).ravel()


def _bucket(tile: np.ndarray, n_tiles: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(tile, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(np.bincount(tile, minlength=n_tiles))])
    return ptr, order


def make_grid(core_xy: np.ndarray, query_xy: np.ndarray, tile_m: float) -> LocalGrid:
    """Tile the core nodes and query nodes (coordinates in metres)."""
    both = np.vstack([core_xy, query_xy])
    x0, y0 = both.min(axis=0)
    nx, ny = (np.floor((both.max(axis=0) - [x0, y0]) / tile_m).astype(np.int64) + 1).tolist()
    grid = LocalGrid(float(x0), float(y0), float(tile_m), nx, ny, *(np.zeros(0, np.int64),) * 4)
    ctx, cty = grid.tile_of(core_xy)
    qtx, qty = grid.tile_of(query_xy)
    core_ptr, core_items = _bucket(ctx * ny + cty, nx * ny)
    query_ptr, query_items = _bucket(qtx * ny + qty, nx * ny)
    return LocalGrid(float(x0), float(y0), float(tile_m), nx, ny, core_ptr, core_items, query_ptr, query_items)


def _subgraph(graph: sparse.csr_matrix, sel: np.ndarray, local: np.ndarray) -> tuple[np.ndarray, ...]:
    """Induced subgraph on ``sel`` (``local`` maps core index -> position in ``sel``, else -1): CSR arrays."""
    starts, ends = graph.indptr[sel], graph.indptr[sel + 1]
    pos = _ranges(starts, ends)
    col = local[graph.indices[pos]]
    keep = col >= 0
    row = np.repeat(np.arange(sel.size), ends - starts)[keep]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=sel.size))])
    return graph.data[pos][keep], col[keep], indptr


def _batch_costs(
    cg: ChainGraph,
    sub: tuple[np.ndarray, ...],
    local: np.ndarray,
    entry: tuple[np.ndarray, np.ndarray, np.ndarray],
    b: int,
    limit: float,
) -> np.ndarray:
    """Dijkstra from ``b`` virtual sources on the subgraph; returns costs at its ``k`` nodes, shape (b, k)."""
    data, indices, indptr = sub
    k = indptr.size - 1
    s, c, d = entry
    lc = local[c]
    ok = lc >= 0
    s, lc, d = s[ok], lc[ok], d[ok]
    order = np.argsort(s, kind="stable")
    counts = np.bincount(s, minlength=b)
    aug = sparse.csr_matrix(
        (
            np.concatenate([data, d[order]]),
            np.concatenate([indices, lc[order]]).astype(np.int32),
            np.concatenate([indptr, indptr[-1] + np.cumsum(counts)]).astype(np.int32),
        ),
        shape=(k + b, k + b),
    )
    dist = csgraph.dijkstra(aug, directed=True, indices=k + np.arange(b), limit=limit)
    return dist[:, :k]


def _at_queries(cg: ChainGraph, costs: np.ndarray, local: np.ndarray, qnodes: np.ndarray) -> np.ndarray:
    """Costs at query nodes (core or on a chain) from costs at the subgraph's nodes."""

    def at(core: np.ndarray) -> np.ndarray:
        lc = local[np.maximum(core, 0)]
        val = costs[:, np.maximum(lc, 0)]
        return np.where((lc >= 0) & (core >= 0), val, np.inf)

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
    order = np.lexsort((ty, tx))
    tile = (tx * grid.ny + ty)[order]
    cut = np.flatnonzero((tile[1:] != tile[:-1]) | (np.arange(1, tile.size) % _BATCH == 0)) + 1
    local = np.full(cg.n_core, -1, np.int64)
    qlocal = np.full(queries.size, -1, np.int64)
    s_all, c_all, d_all = chain_entries(cg, nodes, offset)
    direct = same_chain_costs(cg, nodes, offset, queries)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for batch in np.split(order, cut):  # one search per tile of sources, not a loop over nodes
        lo = (source_xy[batch] - reach[batch, None]).min(axis=0)
        hi = (source_xy[batch] + reach[batch, None]).max(axis=0)
        tiles = grid.tiles_in(lo, hi)
        sel = grid.core_items[_ranges(grid.core_ptr[tiles], grid.core_ptr[tiles + 1])]
        qsel = grid.query_items[_ranges(grid.query_ptr[tiles], grid.query_ptr[tiles + 1])]
        local[sel] = np.arange(sel.size)
        qlocal[qsel] = np.arange(qsel.size)
        slot = np.full(nodes.size, -1, np.int64)
        slot[batch] = np.arange(batch.size)
        mine = slot[s_all] >= 0
        entry = (slot[s_all[mine]], c_all[mine], d_all[mine])
        costs = _batch_costs(cg, _subgraph(cg.graph, sel, local), local, entry, batch.size, limit)
        block = _at_queries(cg, costs, local, queries[qsel])
        d_src, d_q, d_cost = direct
        pick = (slot[d_src] >= 0) & (qlocal[d_q] >= 0)
        np.minimum.at(block, (slot[d_src[pick]], qlocal[d_q[pick]]), d_cost[pick])
        full = block + query_leg[qsel][None, :]
        r, q = np.nonzero(full <= limit)
        parts.append((batch, np.bincount(r, minlength=batch.size), qsel[q], full[r, q].astype(np.float32)))
        local[sel] = -1
        qlocal[qsel] = -1
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
