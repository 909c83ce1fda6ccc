"""The few nearest columns of every row of a distance matrix, so a scenario's nearest needs no full scan.

A scenario chooses which service points (matrix columns) count; its nearest
point per resident is the minimum over those columns. Scanning every column
for every resident costs time proportional to points × service points, which
grows with residents on street nodes. :func:`rank_columns` keeps, per row,
the :data:`TOP_K` nearest columns in ascending (value, column) order once;
:func:`nearest_columns` then takes, per row, the first ranked column that
counts, and scans the full row only for the rare rows whose ranked columns
all left the scenario. Ties go to the lowest column, exactly as
``numpy.argmin`` over the columns in ascending order.

:func:`merge_ranked` updates a ranking when columns are replaced or added
(a new site), without sorting the matrix again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TOP_K", "Ranked", "merge_ranked", "nearest_columns", "rank_columns"]

TOP_K = 8
"""Columns ranked per row."""


@dataclass(frozen=True, eq=False)
class Ranked:
    """Per row, the nearest columns in ascending (value, column) order.

    Attributes
    ----------
    cols
        ``(rows, k)`` column positions.
    depth
        Per row, how many leading entries of ``cols`` are certainly the row's nearest columns
        (every column not among them is at least as far as each of them).
    """

    cols: np.ndarray
    depth: np.ndarray


def rank_columns(values: np.ndarray, k: int = TOP_K) -> Ranked:
    """Rank the ``k`` nearest columns of every row of ``values`` (``(rows, columns)``)."""
    n, m = values.shape
    kk = min(k, m)
    order = np.argsort(values, axis=1, kind="stable")[:, :kk]
    return Ranked(order.astype(np.intp, copy=False), np.full(n, kk, dtype=np.intp))


def nearest_columns(values: np.ndarray, ranked: Ranked, cols: np.ndarray) -> np.ndarray:
    """Per row, the column among ``cols`` with the smallest value (ties: the lowest column).

    Parameters
    ----------
    values
        ``(rows, columns)`` matrix.
    ranked
        Its ranking (:func:`rank_columns` or :func:`merge_ranked`).
    cols
        Non-empty array of the column positions that count.
    """
    n, m = values.shape
    member = np.zeros(m, dtype=bool)
    member[cols] = True
    k = ranked.cols.shape[1]
    if k == 0:
        return _scan(values, np.arange(n), cols, np.zeros(n, dtype=np.intp))
    arg = ranked.cols[:, 0].copy()
    # most rows keep their nearest column: look further down the ranking only for the others
    other = np.flatnonzero(~member[arg] | (ranked.depth < 1))
    hit = member[ranked.cols[other]] & (np.arange(k)[None, :] < ranked.depth[other, None])
    found = hit.any(axis=1)
    arg[other] = ranked.cols[other, hit.argmax(axis=1)]
    return _scan(values, other[~found], cols, arg)


def _scan(values: np.ndarray, rest: np.ndarray, cols: np.ndarray, arg: np.ndarray) -> np.ndarray:
    """``arg`` with the rows ``rest`` set by a full scan over ``cols`` (ties: the lowest column)."""
    if rest.size:
        ordered = np.sort(np.asarray(cols, dtype=np.intp))
        arg[rest] = ordered[np.argmin(values[np.ix_(rest, ordered)], axis=1)]
    return np.asarray(arg, dtype=np.intp)


def merge_ranked(old: Ranked, keep: np.ndarray, values: np.ndarray, k: int = TOP_K) -> Ranked:
    """The ranking of a matrix made of ``old``'s kept columns followed by new columns.

    Parameters
    ----------
    old
        Ranking of the old matrix.
    keep
        Boolean mask of the old columns kept (in order, first in the new matrix).
    values
        The new matrix: the kept old columns, then the new ones.
    k
        Columns ranked per row.
    """
    n, m_new = values.shape
    n_keep = int(keep.sum())
    kk = old.cols.shape[1]
    if n_keep == keep.size and m_new == n_keep + 1 and kk:
        return _insert_last(old, values, k)
    newpos = np.cumsum(keep) - 1
    valid = (np.arange(kk)[None, :] < old.depth[:, None]) & keep[old.cols]
    old_cols = np.where(valid, newpos[old.cols], m_new)
    added = np.broadcast_to(np.arange(n_keep, m_new, dtype=np.intp), (n, m_new - n_keep))
    cand = np.concatenate([old_cols, added], axis=1)
    is_old = np.concatenate([valid, np.zeros(added.shape, dtype=bool)], axis=1)
    invalid = cand >= m_new
    vals = np.where(invalid, np.inf, values[np.arange(n)[:, None], np.minimum(cand, max(m_new - 1, 0))])
    order = np.lexsort((cand, vals, invalid))
    cand = np.take_along_axis(cand, order, axis=1)
    is_old = np.take_along_axis(is_old, order, axis=1)
    n_valid = (~invalid).sum(axis=1)
    # every old column outside the old ranking is at least as far as its last kept entry: the merged
    # order is certain up to that entry, or for all candidates when the old ranking held every column
    last_old = np.where(is_old.any(axis=1), is_old.shape[1] - 1 - np.argmax(is_old[:, ::-1], axis=1), -1)
    complete = old.depth >= keep.size
    depth = np.where(complete, n_valid, last_old + 1)
    width = min(k, cand.shape[1])
    cols = np.where(cand[:, :width] < m_new, cand[:, :width], 0)  # placeholders lie beyond the depth
    return Ranked(cols.astype(np.intp), np.minimum(depth, width).astype(np.intp))


def _insert_last(old: Ranked, values: np.ndarray, k: int) -> Ranked:
    """:func:`merge_ranked` when one column is appended and none is removed (a new site): an insertion."""
    n, m_new = values.shape
    kk = old.cols.shape[1]
    new = values[:, -1]
    rows = np.arange(n)
    # entries at or below the new value stay first (a tie goes to the old, lower column); most rows lie
    # far from a new site, so the new column only goes before their last certain entry for a few rows
    last = old.cols[rows, np.maximum(old.depth - 1, 0)]
    ins = old.depth.copy()
    near = np.flatnonzero((old.depth > 0) & (new < values[rows, last]))
    valid = np.arange(kk)[None, :] < old.depth[near, None]
    ins[near] = ((values[near[:, None], old.cols[near]] <= new[near, None]) & valid).sum(axis=1)
    cols = np.empty((n, kk + 1), dtype=np.intp)
    cols[:, :kk] = old.cols
    cols[:, kk] = m_new - 1
    moved = np.flatnonzero(ins < kk)
    if moved.size:
        j = np.arange(kk + 1)[None, :]
        at = ins[moved, None]
        shifted = np.take_along_axis(old.cols[moved], np.clip(np.where(j < at, j, j - 1), 0, kk - 1), axis=1)
        cols[moved] = np.where(j == at, m_new - 1, shifted)
    complete = old.depth >= m_new - 1
    # the new column is certainly placed when it comes before the last certain entry (or every column was ranked)
    depth = np.where(complete | (ins < old.depth), old.depth + 1, old.depth)
    width = min(k, kk + 1)
    return Ranked(cols[:, :width], np.minimum(depth, width).astype(np.intp))
