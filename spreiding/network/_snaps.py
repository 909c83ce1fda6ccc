"""The nearest network node of large point sets, kept per network so that the same points snap once.

An app asks the same network about the same residents' points again and
again (every scenario, every nearest pass): snapping 400,000 points to a
national network is a KD-tree query of most of a second, each time with the
same answer. :class:`SnapCache` keeps the answers for the last few large
point sets, keyed by the coordinates' bytes and checked against a stored copy
of them (a hash collision can never return another set's answer). Callers get
copies, so changing a returned array never changes the cache.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
from scipy.spatial import cKDTree

from spreiding.network._zorder import query_in_z_order

__all__ = ["SNAP_CACHE_ENTRIES", "SNAP_CACHE_MIN_POINTS", "SnapCache"]

SNAP_CACHE_MIN_POINTS = 10_000
"""Point sets from which snaps are kept (smaller sets, such as service points, snap in milliseconds)."""
SNAP_CACHE_ENTRIES = 4
"""Point sets kept per network, the most recently used ones (each about 32 bytes per point)."""


class SnapCache:
    """Nearest tree point of every coordinate, remembered for the last few large point sets.

    Parameters
    ----------
    tree
        Returns the KD-tree to query (called on a miss only, so a lazily built tree is built when first needed).
    entries, min_points
        See :data:`SNAP_CACHE_ENTRIES` and :data:`SNAP_CACHE_MIN_POINTS`.
    """

    def __init__(
        self,
        tree: Callable[[], cKDTree],
        *,
        entries: int = SNAP_CACHE_ENTRIES,
        min_points: int = SNAP_CACHE_MIN_POINTS,
    ) -> None:
        self._tree = tree
        self._max_entries = entries
        self._min_points = min_points
        self._entries: OrderedDict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()  # a network is shared by the app's sessions (threads)

    def __len__(self) -> int:
        """Point sets currently kept."""
        return len(self._entries)

    def query(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(distance, index) of the nearest tree point of every coordinate, as :func:`query_in_z_order`.

        Parameters
        ----------
        xy
            (n, 2) coordinates.

        Returns
        -------
        dist : numpy.ndarray
            Distance to the nearest tree point (float64, a new array).
        pos : numpy.ndarray
            Its index in the tree (int64, a new array).
        """
        xy = np.ascontiguousarray(xy, dtype=float)
        if xy.shape[0] < self._min_points:
            return query_in_z_order(self._tree(), xy)
        key = hashlib.blake2b(xy.tobytes(), digest_size=16).digest() + str(xy.shape).encode()
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and np.array_equal(kept[0], xy, equal_nan=True):
                self._entries.move_to_end(key)
                return kept[1].copy(), kept[2].copy()
        dist, pos = query_in_z_order(self._tree(), xy)
        with self._lock:
            self._entries[key] = (xy.copy(), dist.copy(), pos.copy())
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return dist, pos
