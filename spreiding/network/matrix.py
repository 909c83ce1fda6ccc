"""The points × service points distance matrix that scenario work reuses.

:func:`spreiding.network.engine.distance_matrix` builds it; this module holds
the result type and its column operations (nearest, subset, extend) on the
dense or sparse store, without new graph searches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse

from spreiding._validate import rows_text
from spreiding.errors import InvalidDataError
from spreiding.network._local import concat_columns, from_dense, select_columns, sparse_nearest, to_dense
from spreiding.network._ranked import Ranked, merge_ranked, nearest_columns, rank_columns
from spreiding.network.nearest import DistanceModel, NearestResult, ids_at

__all__ = ["DistanceMatrix"]


@dataclass(frozen=True, eq=False)
class DistanceMatrix:
    """Distances (and times) from every point to every service point.

    Entries beyond ``cutoff_m`` or unreachable are ``inf``. Scenario work
    takes the minimum over the columns of the service points that are open,
    with no new graph search.

    The values are stored dense (a ``float32`` array, points × service
    points) or sparse (a ``scipy.sparse.csc_array`` holding only the entries
    within the cut-off, explicit zeros included; a missing entry is ``inf``);
    :func:`distance_matrix` chooses (see its ``storage``). :meth:`nearest`,
    :meth:`subset` and :meth:`extend` work on either form without densifying.
    ``dist_m`` / ``time_s`` are the documented boundary to dense arrays: on a
    sparse matrix the first access builds the dense array (points × service
    points × 4 bytes) and keeps it.

    Attributes
    ----------
    point_index
        Index of the points frame (row order).
    facility_ids
        Service-point id per column.
    dist_store
        Distances in metres, dense ``float32`` array or sparse ``csc_array``.
    time_store
        Travel times in seconds in the same forms, or ``None`` when times
        follow from the distances at ``speed_mps`` (``NaN`` when that is ``None``).
    point_snap_m
        Snap leg of every point.
    point_snapped
        Whether the point's snap leg is within the limit (others are ``inf``).
    model
        The distance model.
    cutoff_m
        Largest distance kept.
    excluded
        Ids of service points too far from the road network (their columns are ``inf``).
    speed_mps
        Constant speed giving times from distances when ``time_store`` is ``None``.
    """

    point_index: pd.Index
    facility_ids: np.ndarray
    dist_store: np.ndarray | sparse.csc_array
    time_store: np.ndarray | sparse.csc_array | None
    point_snap_m: np.ndarray
    point_snapped: np.ndarray
    model: DistanceModel
    cutoff_m: float
    excluded: tuple[str, ...] = field(default=())
    speed_mps: float | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """(points, service points)."""
        return (int(self.dist_store.shape[0]), int(self.dist_store.shape[1]))

    @property
    def is_sparse(self) -> bool:
        """Whether the values are stored sparse (only the entries within the cut-off)."""
        return sparse.issparse(self.dist_store)

    @property
    def entries(self) -> int:
        """Number of finite distances (the entries within the cut-off)."""
        if isinstance(self.dist_store, np.ndarray):
            return int(np.isfinite(self.dist_store).sum())
        return int(self.dist_store.nnz)

    def has_entry(self) -> np.ndarray:
        """Per point, whether any service point lies within the cut-off (without building a dense array)."""
        if isinstance(self.dist_store, np.ndarray):
            return np.asarray(np.isfinite(self.dist_store).any(axis=1), dtype=bool)
        out = np.zeros(self.shape[0], bool)
        out[self.dist_store.indices] = True
        return out

    @cached_property
    def dist_m(self) -> np.ndarray:
        """Distances as a dense ``float32`` array (built once from a sparse store)."""
        return _dense(self.dist_store)

    @cached_property
    def time_s(self) -> np.ndarray:
        """Travel times as a dense ``float32`` array (built once from a sparse or derived store)."""
        if self.time_store is None:
            return self.dist_m / np.float32(self.speed_mps or np.nan)
        return _dense(self.time_store)

    def columns(self, ids: Sequence[str] | np.ndarray) -> np.ndarray:
        """Column positions of service-point ids; unknown ids raise InvalidDataError."""
        lookup = pd.Index(self.facility_ids)
        pos = lookup.get_indexer(pd.Index(np.asarray(ids, dtype=str)))
        if (pos < 0).any():
            missing = np.asarray(ids, dtype=str)[pos < 0]
            msg = (
                f"voorziening(en) {rows_text(missing)} staan niet in de afstandsmatrix; "
                "reken de matrix opnieuw met deze punten"
            )
            raise InvalidDataError(msg)
        return pos

    def _best(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(dist, its column, time, its column) per point over ``cols`` (column -1 where not finite)."""
        n = self.shape[0]
        if sparse.issparse(self.dist_store):
            dist32, arg_d = sparse_nearest(self.dist_store, cols)
            if self.time_store is None:
                time32, arg_t = dist32 / np.float32(self.speed_mps or np.nan), arg_d
            else:
                time32, arg_t = _best_of(self.time_store, cols)
            dist, time = dist32.astype(float), time32.astype(float)
        else:
            d = self.dist_store[:, cols]
            t = d / np.float32(self.speed_mps or np.nan) if self.time_store is None else self.time_store[:, cols]
            arg_d = np.argmin(d, axis=1)
            arg_t = np.argmin(t, axis=1)
            dist = d[np.arange(n), arg_d].astype(float)
            time = t[np.arange(n), arg_t].astype(float)
        return dist, np.where(np.isfinite(dist), arg_d, -1), time, np.where(np.isfinite(time), arg_t, -1)

    def nearest(self, ids: Sequence[str] | np.ndarray | None = None) -> NearestResult:
        """Nearest service point among ``ids`` (all columns when ``None``) for every point.

        Entries beyond the cut-off are ``inf`` here; :class:`spreiding.analysis.study.Study`
        completes them with an exact search.
        """
        cols = np.arange(self.shape[1]) if ids is None else self.columns(ids)
        n = self.shape[0]
        if cols.size == 0:
            dist = np.full(n, np.inf)
            time = np.full(n, np.inf)
            nid = tid = np.full(n, pd.NA, dtype=object)
        else:
            if isinstance(self.dist_store, np.ndarray):  # dense: each row's nearest columns ranked once
                dist, arg_d, time, arg_t = self._best_ranked(cols)
                nid, tid = ids_at(self.facility_ids, arg_d), ids_at(self.facility_ids, arg_t)
            else:
                dist, arg_d, time, arg_t = self._best(cols)
                sub_ids = self.facility_ids[cols]
                nid, tid = ids_at(sub_ids, arg_d), ids_at(sub_ids, arg_t)
        chosen = set(self.facility_ids[cols].tolist())
        excluded = tuple(e for e in self.excluded if e in chosen)
        return NearestResult.of_ids(
            self.point_index, dist, time, nid, tid, self.point_snap_m, self.point_snapped, self.model, excluded
        )

    def extend(self, other: DistanceMatrix) -> DistanceMatrix:
        """Return a matrix with the columns of ``other`` (same points) added or replaced."""
        if not self.point_index.equals(other.point_index) or other.model != self.model:
            msg = (
                "de afstandsmatrices verschillen in punten of afstandsmodel; "
                "reken ze op dezelfde punten en hetzelfde wegennet"
            )
            raise InvalidDataError(msg)
        kept = ~np.isin(self.facility_ids, other.facility_ids)
        keep = np.flatnonzero(kept)
        mine, theirs = _times(self), _times(other)
        same_speed = self.speed_mps == other.speed_mps and mine is None and theirs is None
        out = DistanceMatrix(
            point_index=self.point_index,
            facility_ids=np.concatenate([self.facility_ids[keep], other.facility_ids]),
            dist_store=_hstack(_take(self.dist_store, keep), other.dist_store),
            time_store=None if same_speed else _hstack(_take(_times(self, True), keep), _times(other, True)),
            point_snap_m=self.point_snap_m,
            point_snapped=self.point_snapped,
            model=self.model,
            cutoff_m=min(self.cutoff_m, other.cutoff_m),
            excluded=tuple(sorted(set(self.excluded) | set(other.excluded))),
            speed_mps=self.speed_mps if same_speed else None,
        )
        for name, values in (("ranked_dist", out.dist_store), ("ranked_time", out.time_store)):
            same_metric = name == "ranked_dist" or self.time_store is not None
            if name in self.__dict__ and same_metric and isinstance(values, np.ndarray):  # update, not re-sort
                out.__dict__[name] = merge_ranked(self.__dict__[name], kept, values)
        return out

    @cached_property
    def ranked_dist(self) -> Ranked:
        """The nearest columns of every row by distance, dense matrices (see :mod:`spreiding.network._ranked`)."""
        return rank_columns(_dense(self.dist_store))

    @cached_property
    def ranked_time(self) -> Ranked:
        """The nearest columns of every row by travel time, dense matrices with stored times."""
        return rank_columns(_dense(self.time_store if self.time_store is not None else self.dist_store))

    def _best_ranked(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """As :meth:`_best` on a dense matrix through the rankings; columns index the whole matrix."""
        rows = np.arange(self.shape[0])
        dist_store = _dense(self.dist_store)
        arg_d = nearest_columns(dist_store, self.ranked_dist, cols)
        dist = dist_store[rows, arg_d].astype(float)
        if self.time_store is None:
            time, arg_t = dist / (self.speed_mps or np.nan), arg_d
        else:
            time_store = _dense(self.time_store)
            arg_t = nearest_columns(time_store, self.ranked_time, cols)
            time = time_store[rows, arg_t].astype(float)
        return dist, np.where(np.isfinite(dist), arg_d, -1), time, np.where(np.isfinite(time), arg_t, -1)

    def subset(self, ids: Sequence[str] | np.ndarray) -> DistanceMatrix:
        """Return a matrix with only the columns of ``ids``."""
        cols = self.columns(ids)
        return DistanceMatrix(
            self.point_index,
            self.facility_ids[cols],
            _take(self.dist_store, cols),
            None if self.time_store is None else _take(self.time_store, cols),
            self.point_snap_m,
            self.point_snapped,
            self.model,
            self.cutoff_m,
            tuple(e for e in self.excluded if e in set(self.facility_ids[cols])),
            self.speed_mps,
        )


def _dense(store: np.ndarray | sparse.csc_array) -> np.ndarray:
    return to_dense(store) if sparse.issparse(store) else store


def _best_of(store: np.ndarray | sparse.csc_array, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if sparse.issparse(store):
        return sparse_nearest(store, cols)
    t = store[:, cols]
    arg = np.argmin(t, axis=1)
    return t[np.arange(t.shape[0]), arg], arg


def _take(store: np.ndarray | sparse.csc_array, cols: np.ndarray) -> np.ndarray | sparse.csc_array:
    return select_columns(store, cols) if sparse.issparse(store) else store[:, cols]


def _times(matrix: DistanceMatrix, derive: bool = False) -> np.ndarray | sparse.csc_array | None:
    """The matrix's time store; with ``derive``, times from distances when they are not stored."""
    if matrix.time_store is not None or not derive:
        return matrix.time_store
    if isinstance(matrix.dist_store, np.ndarray):
        return matrix.dist_store / np.float32(matrix.speed_mps or np.nan)
    store = matrix.dist_store.copy()
    store.data = store.data / np.float32(matrix.speed_mps or np.nan)
    return store


def _hstack(left: np.ndarray | sparse.csc_array, right: np.ndarray | sparse.csc_array) -> np.ndarray | sparse.csc_array:
    """Columns side by side; sparse when either side is (a dense side keeps its finite entries)."""
    if not sparse.issparse(left) and not sparse.issparse(right):
        return np.hstack([left, right])
    as_sparse = [s if sparse.issparse(s) else from_dense(s) for s in (left, right)]
    return concat_columns(as_sparse[0], as_sparse[1])
