"""One definition of a *kern* (village or town) as a grouping of residents.

A resident's kern is the nearest OSM place point of class city, town,
village or hamlet (:data:`KERN_CLASSES`) **within the resident's own
municipality**: a straight-line Voronoi diagram of the place points, clipped
to the municipal boundaries. A resident who lives nearer to a village across
the municipal border still belongs to a kern of their own municipality.

Everything that names villages uses this module: ``spreiding coverage --by
kern``, the report's table of villages with residents outside the norm
(:func:`spreiding.output.report.uncovered_places`), the app's village table
and the uncovered-cell exports (column ``kern_name`` when a study has place
points).

Residents whose municipality is unknown, or whose municipality has no place
point, go to the nearest place point of any municipality (counted in the
log). All assignments are one KD-tree query: each municipality's place points
are lifted to their own plane (a third coordinate far apart per
municipality), so the nearest point in 3-D is the nearest of the same
municipality.

Examples
--------
Two municipalities side by side (invented): the resident at x = 900 is
nearer to village "B" (x = 1000) of the other municipality, but belongs to
"A" (x = 0) of its own.

>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> places = gpd.GeoDataFrame(
...     {"name": ["A", "B"], "place_class": ["village", "village"], "municipality": ["West", "Oost"]},
...     geometry=[Point(0, 0), Point(1000, 0)], crs="EPSG:28992")
>>> points = gpd.GeoDataFrame({"municipality": ["West", "Oost"]},
...     geometry=[Point(900, 0), Point(1200, 0)], crs="EPSG:28992")
>>> assign_kernen(points, places)["kern_name"].tolist()
['A', 'B']
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from spreiding._validate import require_columns, to_rd_new
from spreiding.data.candidates import KERN_CLASSES

__all__ = ["KERN_CLASSES", "KERN_COLUMNS", "assign_kernen", "kern_points", "with_kernen"]

logger = logging.getLogger(__name__)


KERN_COLUMNS: tuple[str, str] = ("kern", "kern_name")
"""Columns :func:`assign_kernen` returns: the kern's id and its name."""

_PLANE_M = 1.0e8
"""Distance between two municipalities' planes in the lifted KD-tree (far beyond any distance in a region)."""


def kern_points(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The place points that make kernen: named points of :data:`KERN_CLASSES`, in RD New.

    Parameters
    ----------
    places
        OSM place points with ``name`` and the class in ``place_class`` (the
        ``kernen`` layer) or in ``kind`` (a candidates frame with ``source``
        ``osm_place``); ``municipality`` when known.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame with ``kern`` (id: ``candidate_id`` when present, else
        ``kern-<row label>``), ``name``, ``municipality`` (``<NA>`` when
        unknown) and the point geometry.
    """
    require_columns(places, ["name"], "plaatspunten", "geef de OSM-laag 'kernen' (met een kolom 'name')")
    rd = to_rd_new(places, "plaatspunten")
    keep = rd["name"].notna().to_numpy() & ~rd.geometry.is_empty.to_numpy() & (rd.geom_type == "Point").to_numpy()
    if "place_class" in rd.columns:
        keep &= rd["place_class"].isin(KERN_CLASSES).to_numpy()
    elif "kind" in rd.columns:
        keep &= rd["kind"].isin(KERN_CLASSES).to_numpy()
    rd = rd.loc[keep]
    ids = rd["candidate_id"].astype(str) if "candidate_id" in rd.columns else "kern-" + rd.index.astype(str)
    municipality = rd["municipality"] if "municipality" in rd.columns else pd.Series(pd.NA, index=rd.index)
    return gpd.GeoDataFrame(
        {
            "kern": np.asarray(ids, dtype=object),
            "name": rd["name"].astype(str).to_numpy(),
            "municipality": pd.Series(municipality, index=rd.index).astype("string").to_numpy(),
        },
        geometry=rd.geometry.to_numpy(),
        crs=rd.crs,
    )


def _xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    geom = frame.geometry
    if not (frame.geom_type == "Point").all():
        geom = geom.centroid
    return np.column_stack([geom.x.to_numpy(float), geom.y.to_numpy(float)])


def assign_kernen(points: gpd.GeoDataFrame, places: gpd.GeoDataFrame) -> pd.DataFrame:
    """Each point's kern: the nearest place point of the same municipality.

    Parameters
    ----------
    points
        Residents' points (or cells: their centroid is used) with
        ``municipality`` when known.
    places
        OSM place points (see :func:`kern_points`).

    Returns
    -------
    pandas.DataFrame
        :data:`KERN_COLUMNS` (``kern`` id and ``kern_name``), aligned on
        ``points.index``; ``<NA>`` for every point when there is no place
        point at all.
    """
    kernen = kern_points(places)
    out = pd.DataFrame({c: pd.array([pd.NA] * len(points), dtype="string") for c in KERN_COLUMNS}, index=points.index)
    if kernen.empty or points.empty:
        return out
    xy = _xy(to_rd_new(points, "inwonerspunten"))
    own = (
        points["municipality"].astype("string")
        if "municipality" in points.columns
        else pd.Series(pd.NA, index=points.index, dtype="string")
    )
    codes, names = pd.factorize(kernen["municipality"].astype("string"), use_na_sentinel=True)
    lookup = {str(n): i for i, n in enumerate(names)}
    point_code = own.map(lookup).to_numpy(dtype=float, na_value=np.nan)
    lifted = np.isfinite(point_code)
    idx = np.empty(len(points), np.int64)
    if lifted.any():
        tree = cKDTree(np.column_stack([_xy(kernen), codes * _PLANE_M]))
        _, idx[lifted] = tree.query(np.column_stack([xy[lifted], point_code[lifted] * _PLANE_M]), k=1)
    if (~lifted).any():
        _, idx[~lifted] = cKDTree(_xy(kernen)).query(xy[~lifted], k=1)
        logger.info(
            "kernen: %d punten in een gemeente zonder plaatspunten kregen de dichtstbijzijnde kern van een "
            "willekeurige gemeente",
            int((~lifted).sum()),
        )
    out["kern"] = pd.array(kernen["kern"].to_numpy()[idx], dtype="string")
    out["kern_name"] = pd.array(kernen["name"].to_numpy()[idx], dtype="string")
    return out


def with_kernen(points: gpd.GeoDataFrame, places: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """A copy of ``points`` with the :data:`KERN_COLUMNS` of :func:`assign_kernen` (unchanged when ``None``)."""
    if places is None:
        return points
    out = points.copy()
    assigned = assign_kernen(points, places)
    for column in KERN_COLUMNS:
        out[column] = assigned[column]
    return out
