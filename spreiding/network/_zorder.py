"""Z-order (Morton) keys: points close in the plane get close positions along one curve.

Used to lay out work so that nearby things are handled one after another:
the search graph's nodes are numbered along the curve (nearby nodes in nearby
memory, see :func:`~spreiding.network._chains.build_chains`), and many points
are snapped to the network in curve order (:func:`query_in_z_order`). Neither
changes a result, only where in memory the work happens.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

__all__ = ["Z_ORDER_MIN_POINTS", "query_in_z_order", "z_order"]

Z_ORDER_MIN_POINTS = 10_000
"""Points from which :func:`query_in_z_order` sorts them (sorting costs more than it saves on fewer)."""


def z_order(xy: np.ndarray) -> np.ndarray:
    """Position of every point along a Z-order (Morton) curve over its bounding box (16 bits per axis)."""
    if xy.shape[0] == 0:
        return np.zeros(0, np.uint64)
    lo, span = np.nanmin(xy, axis=0), np.nanmax(xy, axis=0)
    span = span - lo
    scaled = np.nan_to_num((xy - lo) / np.where(span > 0, span, 1.0) * 65535.0)  # a missing coordinate: cell 0
    cells = np.clip(np.floor(scaled), 0, 65535).astype(np.uint64)
    return _spread_bits(cells[:, 0]) | (_spread_bits(cells[:, 1]) << np.uint64(1))


def _spread_bits(v: np.ndarray) -> np.ndarray:
    """16-bit integers with a zero bit inserted after every bit (``abcd`` -> ``0a0b0c0d``)."""
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def query_in_z_order(tree: cKDTree, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest tree point of every coordinate: (distance, index); the same answers as one ``tree.query``.

    Many points are queried in Z order (nearby points one after another walk the same
    branches of the tree: a national set of points snaps in half the time) and put back.
    """
    if xy.shape[0] < Z_ORDER_MIN_POINTS:
        dist, pos = tree.query(xy, k=1)
        return np.asarray(dist, dtype=float), np.asarray(pos, dtype=np.int64)
    order = np.argsort(z_order(xy), kind="stable")
    dist, pos = tree.query(xy[order], k=1)
    out_dist, out_pos = np.empty(xy.shape[0]), np.empty(xy.shape[0], np.int64)
    out_dist[order], out_pos[order] = dist, pos
    return out_dist, out_pos
