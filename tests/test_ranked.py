"""The ranked nearest columns give numpy's argmin exactly (ties to the lowest column), also after new sites.

Random matrices (seeded, generated here) with ties (values rounded to whole hundreds) and ``inf``
entries; every subset of columns is compared with a full ``argmin`` over the columns in ascending order.
"""

from __future__ import annotations

import numpy as np
import pytest

from spreiding.network._ranked import merge_ranked, nearest_columns, rank_columns


def _matrix(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    values = np.round(rng.random((n, m)) * 10) * 100.0  # many ties
    values[rng.random((n, m)) < 0.3] = np.inf
    return values.astype(np.float32)


def _argmin(values: np.ndarray, cols: np.ndarray) -> np.ndarray:
    ordered = np.sort(cols)
    return ordered[np.argmin(values[:, ordered], axis=1)]


@pytest.mark.parametrize("seed", range(6))
def test_nearest_columns_equals_argmin(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = _matrix(rng, 300, 20)
    ranked = rank_columns(values, k=4)
    for size in (1, 3, 10, 19, 20):
        cols = rng.choice(20, size=size, replace=False)
        np.testing.assert_array_equal(nearest_columns(values, ranked, cols), _argmin(values, cols))


@pytest.mark.parametrize("seed", range(6))
def test_merged_ranking_equals_a_fresh_one(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    old = _matrix(rng, 300, 12)
    keep = rng.random(12) < 0.8  # some columns replaced ...
    new = np.hstack([old[:, keep], _matrix(rng, 300, 2)])  # ... and two new sites
    merged = merge_ranked(rank_columns(old, k=4), keep, new, k=4)
    for size in (1, 2, 5, new.shape[1]):
        cols = rng.choice(new.shape[1], size=size, replace=False)
        np.testing.assert_array_equal(nearest_columns(new, merged, cols), _argmin(new, cols))
    grown = np.hstack([new, _matrix(rng, 300, 1)])  # one more new site, none replaced: an insertion
    for before in (merged, rank_columns(new, k=4), rank_columns(new, k=40)):
        twice = merge_ranked(before, np.ones(new.shape[1], bool), grown, k=4)
        assert twice.cols.shape == (300, 4)
        assert (twice.depth <= 4).all()
        for size in (1, 2, 5, grown.shape[1]):
            cols = rng.choice(grown.shape[1], size=size, replace=False)
            np.testing.assert_array_equal(nearest_columns(grown, twice, cols), _argmin(grown, cols))
