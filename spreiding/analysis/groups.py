"""Groupings of residents for coverage tables: municipality, kern, wijk, buurt.

- ``municipality``: the points' own ``municipality`` column (from the
  boundaries at loading time).
- ``kern``: the nearest OSM place point within the municipality
  (:mod:`spreiding.analysis.kernen`, the one definition).
- ``wijk`` / ``buurt``: the CBS wijk or buurt polygon that holds the point
  (:func:`assign_areas`; polygons from the CBS wijk- en buurtkaart, see
  :func:`spreiding.data.wijkbuurt.load_areas`).

A grouping other than ``municipality`` puts two columns on the points: the
code (column named after the grouping) and the name (``<grouping>_name``).
The coverage table of such a grouping has ``code``, ``name`` and the
group's ``municipality`` before the usual columns.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from spreiding._validate import require_columns, to_rd_new
from spreiding.analysis.kernen import with_kernen
from spreiding.errors import ConfigError, MissingColumnsError

__all__ = [
    "AREA_LEVELS",
    "GROUPINGS",
    "assign_areas",
    "group_details",
    "require_grouping",
    "with_groups",
]

GROUPINGS: tuple[str, ...] = ("municipality", "kern", "wijk", "buurt")
"""Groupings a coverage table can have (``spreiding coverage --by``)."""

AREA_LEVELS: tuple[str, ...] = ("wijk", "buurt")
"""Groupings by CBS polygons."""

_HINTS: Mapping[str, str] = {
    "municipality": "wijs bij het laden gemeenten toe (grenzenbestand gebieden/…_gebieden.gpkg)",
    "kern": (
        "geef de studie de OSM-plaatspunten mee (laag 'kernen' van osm/…_punten_osm2021.gpkg; "
        "Study(..., places=...)) of haal ze op met `spreiding fetch`"
    ),
    "wijk": "geef de studie de wijkgrenzen mee (CBS wijk- en buurtkaart; haal die op met `spreiding fetch`)",
    "buurt": "geef de studie de buurtgrenzen mee (CBS wijk- en buurtkaart; haal die op met `spreiding fetch`)",
}


def require_grouping(population: pd.DataFrame, by: str) -> None:
    """Raise a Dutch error when ``by`` is not a grouping or its column is missing from ``population``."""
    if by not in GROUPINGS:
        msg = f"onbekende groepering {by!r}; kies uit {', '.join(GROUPINGS)} (--by)"
        raise ConfigError(msg)
    if by not in population.columns:
        msg = f"inwonerspunten hebben geen groepering {by!r}; {_HINTS[by]}"
        raise MissingColumnsError(msg)


def assign_areas(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, level: str) -> pd.DataFrame:
    """The polygon (wijk or buurt) that holds each point.

    Parameters
    ----------
    points
        Residents' points (cells: their centroid).
    areas
        Polygons with ``code`` and ``name`` (:func:`spreiding.data.wijkbuurt.load_areas`).
    level
        ``"wijk"`` or ``"buurt"``: the names of the returned columns.

    Returns
    -------
    pandas.DataFrame
        ``<level>`` (code) and ``<level>_name``, aligned on ``points.index``;
        ``<NA>`` for points outside every polygon. A point on a shared edge
        goes to the first polygon of ``areas``.
    """
    require_columns(areas, ["code", "name"], f"{level}grenzen", "lees ze met spreiding.data.wijkbuurt.load_areas")
    rd_points = to_rd_new(points, "inwonerspunten")
    geom = rd_points.geometry if (rd_points.geom_type == "Point").all() else rd_points.geometry.centroid
    rd_areas = to_rd_new(areas, f"{level}grenzen").reset_index(drop=True)
    hit_point, hit_area = rd_areas.sindex.query(geom.to_numpy(), predicate="within")
    first = pd.Series(hit_area, index=hit_point).groupby(level=0).min()
    area_of = np.full(len(points), -1, np.int64)
    area_of[first.index.to_numpy()] = first.to_numpy()
    found = area_of >= 0
    out = pd.DataFrame(
        {c: pd.array([pd.NA] * len(points), dtype="string") for c in (level, f"{level}_name")}, index=points.index
    )
    out.loc[found, level] = rd_areas["code"].astype(str).to_numpy()[area_of[found]]
    out.loc[found, f"{level}_name"] = rd_areas["name"].astype(str).to_numpy()[area_of[found]]
    return out


def with_groups(
    points: gpd.GeoDataFrame,
    *,
    places: gpd.GeoDataFrame | None = None,
    areas: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> gpd.GeoDataFrame:
    """A copy of ``points`` with the kern columns (when ``places``) and wijk/buurt columns (per ``areas`` level)."""
    out = with_kernen(points, places)
    for level, polygons in (areas or {}).items():
        if level not in AREA_LEVELS:
            msg = f"onbekend gebiedsniveau {level!r}; kies uit {', '.join(AREA_LEVELS)}"
            raise ConfigError(msg)
        out = out.copy() if out is points else out
        assigned = assign_areas(points, polygons, level)
        out[level] = assigned[level]
        out[f"{level}_name"] = assigned[f"{level}_name"]
    return out


def group_details(population: pd.DataFrame, by: str, codes: np.ndarray, n: int) -> pd.DataFrame:
    """Name and municipality of each of ``n`` groups of a non-municipal grouping.

    Parameters
    ----------
    population
        Points with ``by``, ``<by>_name`` and ``municipality``.
    by
        The grouping.
    codes
        Group number of every point (``0 .. n-1``).
    n
        Number of groups.

    Returns
    -------
    pandas.DataFrame
        ``name`` and ``municipality`` per group, from the group's first point
        (all points of a kern or CBS area lie in one municipality).
    """
    order = np.argsort(codes, kind="stable")
    first = order[np.searchsorted(codes[order], np.arange(n))]
    name_col = f"{by}_name"
    names = population[name_col] if name_col in population.columns else population[by]
    municipality = (
        population["municipality"]
        if "municipality" in population.columns
        else pd.Series(pd.NA, index=population.index, dtype="string")
    )
    return pd.DataFrame(
        {
            "name": names.astype("string").fillna("(buiten alle gebieden)").to_numpy()[first],
            "municipality": municipality.astype("string").to_numpy()[first],
        }
    )
