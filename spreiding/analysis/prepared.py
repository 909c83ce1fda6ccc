"""Prepared residents' points in the disk cache: placing ~40,000 street points is done once per input.

Placing residents on street nodes, assigning each point its municipality and
kern (:func:`~spreiding.analysis.placement.population_points`,
:func:`~spreiding.analysis.groups.with_groups`) takes ~0.8 s on Drenthe, on
every run. The result depends only on the population frame, the road network,
the municipal areas, the place points and wijk/buurt areas, the placement and
the code that places, so it is kept in the disk cache (:mod:`spreiding._cache`)
under a key made of:

- the *content* of every input frame (:func:`frame_digest`: values, dtypes,
  column names, index, geometry as WKB, ``attrs``);
- the network's own cache key (a network built in memory, without one, is
  never cached: its points are placed every time);
- the placement and the source files of the modules that place.

A frame is stored column by column (numbers, booleans, texts as codes into
their distinct values with the missing ones marked, nullable integers, point geometry as x/y, the CRS and the
``attrs`` as JSON) and read back equal, dtypes included. A frame with anything
else (another geometry type, an object column of mixed values, a non-range
index) is simply not cached. The placement's warnings are logged again on a
cache hit, as the placement itself would.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from spreiding import _cache

__all__ = ["BUILD_VERSION", "cached_points", "frame_digest", "frame_from_arrays", "frame_to_arrays"]

logger = logging.getLogger(__name__)

BUILD_VERSION = "3"
"""Bump when the stored layout changes."""

_ENTRY = "points"
_HERE = Path(__file__).resolve().parent
_CODE = (
    *(_HERE / name for name in ("placement.py", "groups.py", "kernen.py", "prepared.py")),
    _HERE.parent / "data" / "boundaries.py",
)
"""The modules whose code places the points (part of the key)."""


def frame_digest(frame: pd.DataFrame | None) -> str:
    """A sha256 of a frame's content: values, dtypes, column names, index, geometry (WKB) and ``attrs``."""
    if frame is None:
        return "none"
    h = hashlib.sha256()
    geometry = frame.active_geometry_name if isinstance(frame, gpd.GeoDataFrame) else None
    plain = frame.drop(columns=[geometry]) if geometry else frame
    h.update(json.dumps([list(map(str, frame.columns)), [str(t) for t in frame.dtypes]]).encode())
    h.update(pd.util.hash_pandas_object(plain, index=True).to_numpy().tobytes())
    if geometry:
        h.update(str(frame.crs).encode())
        for wkb in shapely.to_wkb(np.asarray(frame.geometry.values)):
            h.update(b"-" if wkb is None else wkb)
    h.update(json.dumps(frame.attrs, sort_keys=True, default=str).encode())
    return h.hexdigest()


def _column(name: str, values: pd.Series) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """One column as arrays and its dtype tag, or ``None`` when its dtype is not stored."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype):
        missing = values.isna().to_numpy(bool)
        texts = values.to_numpy(dtype=object)
        if not all(isinstance(v, str) for v in texts[~missing]):
            return None
        uniques, codes = np.unique(np.where(missing, "", texts).astype(str), return_inverse=True)
        if any("\x00" in u for u in uniques.tolist()):
            return None
        blob = np.frombuffer("\x00".join(uniques.tolist()).encode("utf-8"), dtype=np.uint8)  # UTF-8, not UTF-32
        return {"tag": "text", "dtype": str(dtype)}, {"u": blob, "k": codes.astype(np.int32), "m": missing}
    if isinstance(dtype, pd.Int64Dtype):
        missing = values.isna().to_numpy(bool)
        return {"tag": "Int64"}, {"v": values.fillna(0).to_numpy(np.int64), "m": missing}
    if dtype.kind in "fiub":
        return {"tag": "numpy"}, {"v": values.to_numpy()}
    return None


def frame_to_arrays(frame: gpd.GeoDataFrame) -> dict[str, np.ndarray] | None:
    """A GeoDataFrame of points as named arrays plus a JSON description, or ``None`` when it cannot be stored."""
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1:
        return None
    geom = frame.geometry
    if len(geom) and not (geom.geom_type == "Point").all():
        return None
    arrays: dict[str, np.ndarray] = {"x": geom.x.to_numpy(float), "y": geom.y.to_numpy(float)}
    columns = []
    for i, name in enumerate(frame.columns):
        if name == frame.geometry.name:
            columns.append({"name": name, "tag": "geometry"})
            continue
        stored = _column(str(name), frame[name])
        if stored is None:
            return None
        meta, parts = stored
        columns.append({"name": name, **meta})
        arrays.update({f"c{i}_{k}": v for k, v in parts.items()})
    try:
        description = json.dumps({"columns": columns, "crs": frame.crs.to_string() if frame.crs else None,
                                  "attrs": frame.attrs}, allow_nan=True)  # fmt: skip
    except (TypeError, ValueError):
        return None
    arrays["meta"] = np.array(description)
    return arrays


def frame_from_arrays(arrays: Mapping[str, np.ndarray]) -> gpd.GeoDataFrame:
    """The GeoDataFrame :func:`frame_to_arrays` stored."""
    meta = json.loads(str(arrays["meta"]))
    data: dict[str, Any] = {}
    geometry_name = "geometry"
    for i, col in enumerate(meta["columns"]):
        name, tag = col["name"], col["tag"]
        if tag == "geometry":
            geometry_name = name
            data[name] = gpd.points_from_xy(arrays["x"], arrays["y"])
        elif tag == "text":
            uniques = np.array(arrays[f"c{i}_u"].tobytes().decode("utf-8").split("\x00"), dtype=object)
            values = pd.Series(uniques[arrays[f"c{i}_k"]], dtype=col["dtype"])
            data[name] = values.mask(arrays[f"c{i}_m"])
        elif tag == "Int64":
            values = pd.array(arrays[f"c{i}_v"], dtype="Int64")
            values[arrays[f"c{i}_m"]] = pd.NA
            data[name] = values
        else:
            data[name] = arrays[f"c{i}_v"]
    frame = gpd.GeoDataFrame(data, geometry=geometry_name, crs=meta["crs"])
    frame.attrs = meta["attrs"]
    return frame


def cached_points(
    build: Callable[[], gpd.GeoDataFrame], *, network_key: str | None, inputs: Mapping[str, pd.DataFrame | None],
    placement: str,
) -> gpd.GeoDataFrame:  # fmt: skip
    """The points ``build()`` returns, read from the disk cache when the same inputs placed them before.

    Parameters
    ----------
    build
        Places the points (called on a miss; its result is stored).
    network_key
        The road network's cache key; ``None`` or ``""``: not cached (a network without a key, built in memory,
        cannot be named). Crow-fly studies pass ``"crowfly"``.
    inputs
        The frames the placement reads, by role (hashed by content, :func:`frame_digest`).
    placement
        The placement.
    """
    if not network_key:
        return build()
    digests = {role: frame_digest(frame) for role, frame in sorted(inputs.items())}
    key = _cache.cache_key(_ENTRY, BUILD_VERSION, network_key, placement, digests, *_CODE)
    stored = _cache.load_arrays(_ENTRY, key)
    if stored is not None:
        try:
            points = frame_from_arrays(stored)
        except (KeyError, ValueError, TypeError) as exc:
            logger.warning("onbruikbare geplaatste punten in de cache genegeerd (%s); er wordt opnieuw geplaatst", exc)
        else:
            source = points.attrs.get("source")
            for warning in (source.get("placement_warnings") or []) if isinstance(source, dict) else []:
                logging.getLogger("spreiding.analysis.placement").warning("%s", warning)
            return points
    points = build()
    arrays = frame_to_arrays(points)
    if arrays is not None:
        _cache.save_arrays(_ENTRY, key, arrays)
    return points
