"""What a distance search returns: the distance model and the typed nearest result.

:class:`NearestResult` replaces the earlier DataFrame-with-``attrs`` contract:
the distance model and the service points left out for lying too far from the
road travel with the distances, so every output can show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from spreiding.vocabulary import model_label_nl

__all__ = ["NEAREST_COLUMNS", "DistanceModel", "NearestResult"]

NEAREST_COLUMNS = ("dist_m", "nearest_id", "time_s", "nearest_time_id", "snap_m", "snapped", "distance_model")
"""Columns of :attr:`NearestResult.table`."""


@dataclass(frozen=True)
class DistanceModel:
    """Which model produced a distance.

    Parameters
    ----------
    kind
        ``"network"`` (shortest path over the road) or ``"crowfly"``.
    mode
        Travel mode name.
    detour_factor
        Factor on the straight line (crow-fly only).
    source
        Network file (network only).

    Examples
    --------
    >>> DistanceModel("network", "car").label
    'network:car'
    >>> DistanceModel("crowfly", "bike", detour_factor=1.3).label
    'crowfly:bike:x1.3'
    """

    kind: str
    mode: str
    detour_factor: float | None = None
    source: str = ""

    @property
    def label(self) -> str:
        """Stable label for tables and files, e.g. ``network:car`` or ``crowfly:car:x1.3``."""
        if self.kind == "network":
            return f"network:{self.mode}"
        return f"crowfly:{self.mode}:x{self.detour_factor:g}"

    @property
    def label_nl(self) -> str:
        """Dutch label for the interface."""
        return model_label_nl(self.label)

    @property
    def is_estimate(self) -> bool:
        """Whether distances are crow-fly estimates."""
        return self.kind != "network"


def ids_at(ids: np.ndarray, which: np.ndarray) -> np.ndarray:
    """``ids[which]`` as strings (object array), missing where ``which`` < 0 (labels converted once, not per point)."""
    labels = pd.array(np.asarray(ids, dtype=object), dtype="string").to_numpy()
    labels = np.append(labels, np.array([pd.NA], dtype=object))
    return labels[np.where(np.asarray(which) >= 0, which, -1)]


def _ids(values: np.ndarray | pd.Series | list[object]) -> np.ndarray:
    """Ids as strings with ``pd.NA`` for missing (object array); the few distinct ids are converted once."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    labels = pd.array(np.asarray(uniques, dtype=object), dtype="string").to_numpy()
    return np.append(labels, np.array([pd.NA], dtype=object))[codes]


def _mapped(values: np.ndarray, mapping: pd.Series) -> np.ndarray:
    """``values`` mapped through ``mapping`` as :func:`_ids` (missing when absent), each distinct value once."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    labels = _ids(pd.Series(uniques, dtype=object).map(mapping).to_numpy(dtype=object))
    return np.append(labels, np.array([pd.NA], dtype=object))[codes]


@dataclass(frozen=True, eq=False)
class NearestResult:
    """Nearest counted service point of every point (rows align with the points).

    Attributes
    ----------
    index
        Index of the points frame.
    dist_m, time_s
        Shortest distance and shortest travel time (``inf``: no path at all;
        never "beyond a cut-off": producers complete such rows exactly).
    nearest_id, nearest_time_id
        Id of the nearest service point by distance / by time (missing when unreachable).
    snap_m, snapped
        Straight leg from the point to the road, and whether it was within the snap limit.
    model
        The distance model.
    excluded
        Ids of counted service points left out for lying too far from the road network.

    Examples
    --------
    >>> r = NearestResult(pd.RangeIndex(2), np.array([100.0, np.inf]), np.array([9.0, np.inf]),
    ...                   np.array(["a", None], dtype=object), np.array(["a", None], dtype=object),
    ...                   np.zeros(2), np.ones(2, bool), DistanceModel("network", "car"))
    >>> r.reachable.tolist()
    [True, False]
    >>> list(r.table.columns)[:3]
    ['dist_m', 'nearest_id', 'time_s']
    """

    index: pd.Index
    dist_m: np.ndarray
    time_s: np.ndarray
    nearest_id: np.ndarray
    nearest_time_id: np.ndarray
    snap_m: np.ndarray
    snapped: np.ndarray
    model: DistanceModel
    excluded: tuple[str, ...] = field(default=())

    @classmethod
    def of_ids(
        cls,
        index: pd.Index,
        dist_m: np.ndarray,
        time_s: np.ndarray,
        nearest_id: np.ndarray,
        nearest_time_id: np.ndarray,
        snap_m: np.ndarray,
        snapped: np.ndarray,
        model: DistanceModel,
        excluded: tuple[str, ...] = (),
    ) -> NearestResult:
        """Like the constructor, for id arrays that are already strings with ``pd.NA`` for missing.

        Skips converting the ids point by point (see :func:`_ids`).
        """
        out = cls.__new__(cls)
        values = {
            "index": index,
            "dist_m": np.asarray(dist_m, dtype=float),
            "time_s": np.asarray(time_s, dtype=float),
            "nearest_id": nearest_id,
            "nearest_time_id": nearest_time_id,
            "snap_m": np.asarray(snap_m, dtype=float),
            "snapped": np.asarray(snapped, dtype=bool),
            "model": model,
            "excluded": excluded,
        }
        for name, value in values.items():
            object.__setattr__(out, name, value)
        return out

    def __post_init__(self) -> None:
        for name in ("dist_m", "time_s", "snap_m"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=float))
        for name in ("nearest_id", "nearest_time_id"):
            object.__setattr__(self, name, _ids(getattr(self, name)))
        object.__setattr__(self, "snapped", np.asarray(self.snapped, dtype=bool))

    def __len__(self) -> int:
        return int(self.dist_m.shape[0])

    @property
    def reachable(self) -> np.ndarray:
        """Whether a point reaches any counted service point (the one definition of "reachable")."""
        return np.isfinite(self.dist_m)

    @cached_property
    def table(self) -> pd.DataFrame:
        """The result as a frame indexed like the points (:data:`NEAREST_COLUMNS`)."""
        return pd.DataFrame(
            {
                "dist_m": self.dist_m,
                "nearest_id": pd.array(self.nearest_id, dtype="string"),
                "time_s": self.time_s,
                "nearest_time_id": pd.array(self.nearest_time_id, dtype="string"),
                "snap_m": self.snap_m,
                "snapped": self.snapped,
                "distance_model": self.model.label,
            },
            index=self.index,
        )

    def take(self, rows: np.ndarray) -> NearestResult:
        """The result for some rows (positions)."""
        return NearestResult(
            self.index[rows],
            self.dist_m[rows],
            self.time_s[rows],
            self.nearest_id[rows],
            self.nearest_time_id[rows],
            self.snap_m[rows],
            self.snapped[rows],
            self.model,
            self.excluded,
        )

    def with_rows(self, rows: np.ndarray, other: NearestResult, *, time: bool = True) -> NearestResult:
        """A copy whose ``rows`` (positions) take distances, ids (and times) from ``other`` (same row order)."""
        arrays = {n: getattr(self, n).copy() for n in ("dist_m", "time_s", "nearest_id", "nearest_time_id")}
        names = ("dist_m", "nearest_id", "time_s", "nearest_time_id") if time else ("dist_m", "nearest_id")
        for name in names:
            arrays[name][rows] = getattr(other, name)
        return NearestResult(
            self.index,
            arrays["dist_m"],
            arrays["time_s"],
            arrays["nearest_id"],
            arrays["nearest_time_id"],
            self.snap_m,
            self.snapped,
            self.model,
            tuple(dict.fromkeys((*self.excluded, *other.excluded))),
        )

    def with_ids(self, mapping: pd.Series) -> NearestResult:
        """A copy with the service-point ids mapped (e.g. location keys → ids)."""
        ids = {n: _mapped(getattr(self, n), mapping) for n in ("nearest_id", "nearest_time_id")}
        return NearestResult.of_ids(
            self.index,
            self.dist_m,
            self.time_s,
            ids["nearest_id"],
            ids["nearest_time_id"],
            self.snap_m,
            self.snapped,
            self.model,
            self.excluded,
        )
