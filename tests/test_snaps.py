"""Snaps kept per network (``spreiding.network._snaps``): the same answers as a fresh query, never shared arrays."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from spreiding.network._snaps import SnapCache
from spreiding.network._zorder import query_in_z_order


def _setup(n_points: int = 500) -> tuple[cKDTree, list[int], np.ndarray]:
    rng = np.random.default_rng(7)
    tree = cKDTree(np.round(rng.uniform(0, 1000, (2000, 2))))  # rounded: equal distances happen
    calls: list[int] = []
    return tree, calls, rng.uniform(-50, 1050, (n_points, 2))


def _cache(tree: cKDTree, calls: list[int], **kw: int) -> SnapCache:
    def get() -> cKDTree:
        calls.append(1)
        return tree

    return SnapCache(get, min_points=kw.get("min_points", 100), entries=kw.get("entries", 2))


def test_a_repeated_point_set_is_answered_from_the_cache_with_the_tree_answers() -> None:
    tree, calls, xy = _setup()
    cache = _cache(tree, calls)
    ref_dist, ref_pos = query_in_z_order(tree, xy)
    for _ in range(3):
        dist, pos = cache.query(xy.copy())
        np.testing.assert_array_equal(dist, ref_dist)
        np.testing.assert_array_equal(pos, ref_pos)
    assert len(calls) == 1 and len(cache) == 1


def test_changing_a_returned_array_or_the_input_does_not_change_the_cache() -> None:
    tree, calls, xy = _setup()
    cache = _cache(tree, calls)
    original = xy.copy()
    dist, pos = cache.query(xy)
    dist[:] = -1.0
    pos[:] = -1
    xy[0] += 500.0  # the caller's array changes: another point set
    ref_dist, ref_pos = query_in_z_order(tree, xy)
    dist2, pos2 = cache.query(xy)
    np.testing.assert_array_equal(dist2, ref_dist)
    np.testing.assert_array_equal(pos2, ref_pos)
    dist3, _ = cache.query(original)
    assert (dist3 >= 0).all()
    assert len(calls) == 2


def test_small_sets_are_not_kept_and_old_sets_are_dropped() -> None:
    tree, calls, xy = _setup()
    cache = _cache(tree, calls, entries=2)
    cache.query(xy[:50])
    assert len(cache) == 0
    for shift in (0.0, 1.0, 2.0, 0.0):  # the third set pushes out the first
        dist, pos = cache.query(xy + shift)
        ref_dist, ref_pos = query_in_z_order(tree, xy + shift)
        np.testing.assert_array_equal(dist, ref_dist)
        np.testing.assert_array_equal(pos, ref_pos)
    assert len(cache) == 2
    assert len(calls) == 5  # small set, three new sets, and the first again
