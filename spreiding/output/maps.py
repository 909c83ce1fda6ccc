"""Maps without internet: compact map data, a Leaflet component and standalone HTML.

Every map of the app is drawn by one small JavaScript renderer
(``_leaflet_component/spreiding_map.js``) on Leaflet 1.9.3 served from the
installed ``xstatic-leaflet`` package, never from a CDN. Python builds a small
JSON *payload* from frames (population cells coloured by distance, by travel
time for a time-only norm, or by covered / not covered, service points by
kind and status, municipality outlines, a legend); the renderer adds the
OpenStreetMap credit, a scale bar, and falls back to a plain background when
no tile server answers.

* :func:`map_payload` — payload from population, distances, norm, facilities;
* :func:`map_html` — a self-contained HTML page (Leaflet inlined), e.g. for
  reports and tests;
* :func:`map_component` — the bidirectional Streamlit component (clicks on the
  map and on service points come back to Python); it loads Leaflet from the
  installed package folder, registered as a second (asset-only) component, so
  nothing is copied and no static file serving is needed;
* :func:`click_to_rd` — a click's WGS84 position in EPSG:28992.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.spatial import cKDTree

from spreiding._validate import require_columns, to_rd_new
from spreiding.analysis.cells import CELL_CHANGE_CLASSES, cell_change, cell_codes, cell_main_nearest, cell_summary
from spreiding.analysis.coverage import covered_mask
from spreiding.analysis.kernen import KERN_CLASSES, assign_kernen
from spreiding.analysis.norm import Norm
from spreiding.errors import ConfigError
from spreiding.network.nearest import NearestResult
from spreiding.output._cell_layer import (
    COVERED_COLOURS,
    DIST_BINS_M,
    DIST_COLOURS,
    UNREACHABLE_COLOUR,
    class_colours,
    dec1,
    distance_classes,
    figure_text,
    int_nl,
    km_text,
    legend_for,
    tips,
)
from spreiding.vocabulary import (
    CELL_CHANGE_LABELS,
    KIND_LABELS,
    OSM_CREDIT,
    STATUS_LABELS,
    TIME_CELL_CHANGE_LABELS,
    Col,
)

__all__ = [
    "CHANGE_COLOURS",
    "COMPONENT_DIR",
    "DIST_BINS_M",
    "DIST_COLOURS",
    "FACILITY_NEAR_M",
    "KIND_LABELS",
    "OSM_CREDIT",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "TILE_URL",
    "MapBase",
    "catchment_payload",
    "cell_kernen",
    "click_to_rd",
    "co_located",
    "diff_payload",
    "distance_classes",
    "leaflet_dir",
    "map_base",
    "map_component",
    "map_html",
    "map_payload",
    "place_labels",
]

logger = logging.getLogger(__name__)

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
COMPONENT_DIR = Path(__file__).resolve().parent / "_leaflet_component"

STATUS_COLOURS: dict[str, str] = {
    "open": "#08306b",
    "closed": "#969696",
    "planned": "#ff7f00",
    "cancelled": "#d9d9d9",
    "new": "#7b2cbf",
}
_KIND_RADIUS = {"vestiging": 8, "kleine_vestiging": 6, "servicepunt": 5}
_TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
_TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
_DECIMALS = 5  # about 1 m
_PLACE_RANK = {"city": 0, "town": 0, "village": 1, "hamlet": 2}  # the kernen classes (analysis.kernen)
"""Label layer: which OSM place classes, and from which zoom they show (0 always, 1 from 10, 2 from 12)."""


def leaflet_dir() -> Path:
    """Folder of the installed Leaflet 1.9.3 files (``xstatic-leaflet``)."""
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:  # pragma: no cover - dependency of the package
        msg = "de kaart heeft het pakket 'xstatic-leaflet' nodig; installeer het met `pip install xstatic-leaflet`"
        raise ConfigError(msg) from exc
    return Path(xleaflet.BASE_DIR)


def _round(values: np.ndarray) -> list[float]:
    return list(np.round(np.asarray(values, dtype=float), _DECIMALS).tolist())


def _cell_frame(population: gpd.GeoDataFrame, cells: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """The drawn cells: ``cells`` when given, else the points themselves when each is its own cell."""
    if cells is not None:
        return to_rd_new(cells, "population cells")
    ids = population["cell_id"].astype(str) if "cell_id" in population.columns else None
    if ids is not None and ids.duplicated().any():
        msg = "de inwoners staan op straatpunten: geef de bevolkingscellen mee (cells=) om per cel te tekenen"
        raise ConfigError(msg)
    return to_rd_new(population, "population")


def _cell_ids(cells: gpd.GeoDataFrame) -> list[str]:
    return cells["cell_id"].astype(str).tolist() if "cell_id" in cells.columns else [str(i) for i in cells.index]


def _boxes(cells: gpd.GeoDataFrame) -> dict[str, list[Any]]:
    """South/west/north/east (WGS84) of each cell's square."""
    x = cells.geometry.x.to_numpy()
    y = cells.geometry.y.to_numpy()
    size = cells["cell_size_m"].to_numpy(dtype=float) if "cell_size_m" in cells else np.full(len(cells), 1000.0)
    half = np.where(np.isfinite(size) & (size > 0), size, 1000.0) / 2.0
    west, south = _TO_WGS84.transform(x - half, y - half)
    east, north = _TO_WGS84.transform(x + half, y + half)
    return {"s": _round(south), "w": _round(west), "n": _round(north), "e": _round(east)}


def cell_kernen(cells: gpd.GeoDataFrame, places: gpd.GeoDataFrame | None) -> np.ndarray:
    """Name of each cell's kern (:func:`spreiding.analysis.kernen.assign_kernen`, the one definition of a
    village: the nearest place point of the cell's own municipality); empty strings without place points."""
    if places is None or places.empty or cells.empty:
        return np.full(len(cells), "", dtype=object)
    names = assign_kernen(cells, places)["kern_name"].fillna("")
    return names.astype(str).to_numpy(dtype=object)


def _points_kern(points: gpd.GeoDataFrame, cell_ids: list[str]) -> np.ndarray:
    """Per cell, the kern its residents' points carry (``kern_name``; the most populous point's), else ""."""
    out = np.full(len(cell_ids), "", dtype=object)
    if Col.KERN_NAME not in points.columns:
        return out
    weight = points["pop_total"].to_numpy(float) if "pop_total" in points.columns else np.ones(len(points))
    frame = pd.DataFrame(
        {
            "cell": cell_codes(points, cell_ids),
            "w": weight,
            "kern": points[Col.KERN_NAME].astype("string").fillna("").to_numpy(dtype=object),
        }
    )
    top = frame.loc[frame["cell"] >= 0].sort_values("w", ascending=False, kind="stable").drop_duplicates("cell")
    out[top["cell"].to_numpy(np.int64)] = top["kern"].to_numpy(dtype=object)
    return out


def _named_places(places: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if places is None or places.empty or "name" not in places.columns:
        return None
    rd = to_rd_new(places, "place points")
    keep = rd["name"].notna().to_numpy() & (rd.geom_type == "Point").to_numpy()
    if "place_class" in rd.columns:
        keep &= rd["place_class"].isin(KERN_CLASSES).to_numpy()
    return rd.loc[keep] if keep.any() else None


def place_labels(places: gpd.GeoDataFrame | None) -> list[dict[str, Any]]:
    """Village and town names for the map's label layer (``rank`` 0 city/town, 1 village, 2 hamlet)."""
    named = _named_places(places)
    if named is None:
        return []
    lon, lat = _TO_WGS84.transform(named.geometry.x.to_numpy(), named.geometry.y.to_numpy())
    ranks = named["place_class"].map(_PLACE_RANK).fillna(1) if "place_class" in named else pd.Series(1, named.index)
    return [
        {"name": str(name), "lat": round(float(la), 4), "lon": round(float(lo), 4), "rank": int(rank)}
        for name, la, lo, rank in zip(named["name"], lat, lon, ranks, strict=True)
    ]  # about 400 places, not cells


@dataclass(frozen=True, eq=False)
class MapBase:
    """What every map of one study shares, computed once (:func:`map_base`): the drawn cells' ids and squares,
    the village nearest to each cell, the label layer and the municipality outlines."""

    cell_ids: list[str]
    boxes: dict[str, list[Any]]
    place: np.ndarray
    labels: list[dict[str, Any]]
    outlines: list[list[list[float]]]


def map_base(
    population: gpd.GeoDataFrame,
    cells: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
) -> MapBase:
    """The shared layers of a study's maps (pass it as ``base=`` to the payload functions to skip rebuilding).

    Parameters as in :func:`map_payload`.
    """
    drawn = _cell_frame(population, cells)
    ids = _cell_ids(drawn)
    kern = cell_kernen(drawn, places) if places is not None else _points_kern(population, ids)
    return MapBase(ids, _boxes(drawn), kern, place_labels(places), _outlines(municipalities))


def _cells(
    base: MapBase, summary: pd.DataFrame, colour_by: str, norm: Norm
) -> tuple[dict[str, list[Any]], list[dict[str, str]]]:
    """The cell layer: colours by class (mean distance, or mean travel time for a time-only norm) or by
    coverage, and Dutch tooltips (:mod:`spreiding.output._cell_layer`)."""
    dist = summary["mean_dist_m"].to_numpy(dtype=float)
    share = summary["covered_share"].to_numpy(dtype=float)
    covered = share >= 0.5
    if colour_by == "covered":
        colours = np.where(covered, COVERED_COLOURS[1], COVERED_COLOURS[0])
        legend = [
            {"label": "binnen de norm", "color": COVERED_COLOURS[1]},
            {"label": "buiten de norm", "color": COVERED_COLOURS[0]},
        ]
    else:
        colours, legend = class_colours(summary, norm), legend_for(norm)
    km = np.where(np.isfinite(dist), np.round(dist / 1000.0, 1), -1.0)
    residents = summary["residents"].to_numpy(dtype=float)
    whole = (share >= 1.0) | (share <= 0.0)
    norm_text = np.where(
        whole,
        np.where(covered, "binnen de norm", "buiten de norm"),
        np.char.mod("%d", np.rint(100.0 * share).astype(np.int64)).astype(object) + " % binnen de norm",
    )
    out: dict[str, list[Any]] = {
        **base.boxes,
        "c": [str(c) for c in colours],
        "km": np.asarray(km, dtype=float).tolist(),
        "pop": np.rint(residents).astype(int).tolist(),
        "cov": np.asarray(covered, dtype=int).tolist(),
        "tip": tips(base.place, [figure_text(summary, norm), int_nl(residents) + " inw.", norm_text]),
    }
    return out, legend


FACILITY_NEAR_M = 1000.0
"""Service points closer than this are "on the same spot" for the map (they overlap at the region's zoom)."""


def _neighbours(x: np.ndarray, y: np.ndarray, radius_m: float) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of points within ``radius_m`` of each other."""
    if len(x) < 2:
        return np.empty((0, 2), dtype=np.int64)
    pairs = cKDTree(np.column_stack([x, y])).query_pairs(radius_m, output_type="ndarray")
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


def co_located(facilities: gpd.GeoDataFrame, ident: str, radius_m: float = FACILITY_NEAR_M) -> list[str]:
    """Ids of the service points within ``radius_m`` of point ``ident`` (itself first; ``[]`` when unknown)."""
    if facilities.empty:
        return []
    fac = to_rd_new(facilities, "service points")
    ids = fac["id"].astype(str).to_numpy()
    hit = np.flatnonzero(ids == str(ident))
    if not hit.size:
        return []
    x, y = fac.geometry.x.to_numpy(), fac.geometry.y.to_numpy()
    near = np.hypot(x - x[hit[0]], y - y[hit[0]]) <= radius_m
    near[hit[0]] = False
    return [str(ident), *ids[near].tolist()]


def _draw_order(status: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Open counted points are drawn last (on top), closed and planned ones first."""
    return np.argsort(np.where(counted, 2, np.where(status == "open", 1, 0)), kind="stable")


def _facilities(facilities: gpd.GeoDataFrame, counted_ids: set[str], selected: str | None) -> list[dict[str, Any]]:
    if facilities.empty:
        return []
    require_columns(facilities, ["id", "name", "kind", "status"], "service points", "load them with load_facilities()")
    fac = to_rd_new(facilities[["id", "name", "kind", "status", facilities.geometry.name]], "service points")
    ids = fac["id"].astype(str).to_numpy()
    status = fac["status"].astype(str).to_numpy()
    if "scenario_edit" in facilities:  # points a scenario opens are drawn as "new (scenario)", the legend's colour
        opened = facilities["scenario_edit"].astype(str).str.startswith("open").to_numpy() & (status == "open")
        status = np.where(opened, "new", status)
    counted = np.isin(ids, list(counted_ids))
    order = _draw_order(status, counted)
    names, kinds = fac["name"].astype(str).to_numpy()[order], fac["kind"].astype(str).to_numpy()[order]
    ids, status, counted = ids[order], status[order], counted[order]
    x, y = fac.geometry.x.to_numpy()[order], fac.geometry.y.to_numpy()[order]
    pairs = _neighbours(x, y, FACILITY_NEAR_M)
    here = 1 + np.bincount(pairs.ravel(), minlength=len(ids))
    below = np.zeros(len(ids), dtype=bool)
    below[pairs[:, 0]] = True  # a neighbour is drawn after (over) this point
    lon, lat = _TO_WGS84.transform(x, y)
    out = []
    for k, (fid, name, kind, st) in enumerate(
        zip(ids, names, kinds, status, strict=True)
    ):  # one row per service point (about 100), not per cell
        out.append(
            {
                # data, not markup: the renderer escapes text where it builds HTML, and a click sends the id back as is
                "id": fid,
                "name": name,
                "kind": KIND_LABELS.get(kind, kind),
                "status": STATUS_LABELS.get(st, st),
                "lat": round(float(lat[k]), _DECIMALS),
                "lon": round(float(lon[k]), _DECIMALS),
                "color": STATUS_COLOURS.get(st, "#444444"),
                "r": _KIND_RADIUS.get(kind, 6),
                "counted": bool(counted[k]),
                "selected": fid == selected,
                "here": int(here[k]),
                # the count badge goes on the point drawn last among its neighbours (the one on top)
                "badge": int(here[k]) if here[k] > 1 and not below[k] else 0,
            }
        )
    return out


def _outlines(municipalities: gpd.GeoDataFrame | None, tolerance_m: float = 150.0) -> list[list[list[float]]]:
    if municipalities is None or municipalities.empty:
        return []
    geoms = to_rd_new(municipalities, "municipalities").geometry.simplify(tolerance_m).boundary
    lines: list[list[list[float]]] = []
    for geom in geoms.explode(index_parts=False):
        xy = np.asarray(geom.coords)
        lon, lat = _TO_WGS84.transform(xy[:, 0], xy[:, 1])
        lines.append(np.round(np.column_stack([lat, lon]), 4).tolist())
    return lines


def _latlon(xy: tuple[float, float]) -> dict[str, float]:
    lon, lat = _TO_WGS84.transform(float(xy[0]), float(xy[1]))
    return {"lat": round(float(lat), _DECIMALS), "lon": round(float(lon), _DECIMALS)}


def _bounds(cells: Mapping[str, list[Any]]) -> list[list[float]]:
    if cells["s"]:
        return [[min(cells["s"]), min(cells["w"])], [max(cells["n"]), max(cells["e"])]]
    return [[52.6, 6.1], [53.2, 7.1]]


def _frame(
    cells: dict[str, list[Any]],
    legend: list[dict[str, str]],
    legend_title: str,
    facilities: list[dict[str, Any]],
    *,
    base: MapBase,
    marker_xy: tuple[float, float] | None,
    focus: Mapping[str, Any] | None,
    tiles: str | None,
) -> dict[str, Any]:
    """The payload around the cell layer: markers, outlines, labels, legend, view."""
    status_legend = [
        {"label": STATUS_LABELS[s], "color": STATUS_COLOURS[s]} for s in ("open", "closed", "planned", "new")
    ]
    return {
        "cells": cells,
        "legend": legend,
        "legend_title": html.escape(legend_title),
        "status_legend": status_legend,
        "facilities": facilities,
        "outlines": base.outlines,
        "places": base.labels,
        "marker": None if marker_xy is None else _latlon(marker_xy),
        "focus": None
        if focus is None
        else {
            **_latlon((focus["x"], focus["y"])),
            "zoom": int(focus.get("zoom", 12)),
            "key": str(focus.get("key", "")),
        },
        "bounds": _bounds(cells),
        "tiles": tiles,
        "credit": OSM_CREDIT,
    }


def _summary(
    population: gpd.GeoDataFrame, nearest: NearestResult, covered: np.ndarray, base: MapBase, norm: Norm
) -> pd.DataFrame:
    """Per drawn cell: residents, mean distance, covered share (and mean travel time when the norm has a limit)."""
    time = np.asarray(nearest.time_s, float) if norm.uses_time else None
    return cell_summary(
        population, np.asarray(nearest.dist_m, float), covered, base.cell_ids, weight_column=norm.weight_column,
        time_s=time,
    )  # fmt: skip


def _class_title(norm: Norm) -> str:
    """Legend title of the map coloured by class: travel time for a time-only norm, else distance."""
    if norm.time_only:
        return "Reistijd tot snelst bereikbare voorziening"
    return "Afstand tot dichtstbijzijnde voorziening"


def map_payload(
    population: gpd.GeoDataFrame,
    nearest: NearestResult,
    norm: Norm,
    facilities: gpd.GeoDataFrame,
    *,
    counted_ids: Sequence[str] | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
    colour_by: str = "distance",
    selected: str | None = None,
    marker_xy: tuple[float, float] | None = None,
    tiles: str | None = TILE_URL,
    title: str = "",
    covered: np.ndarray | None = None,
    cells: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    focus: Mapping[str, Any] | None = None,
    base: MapBase | None = None,
) -> dict[str, Any]:
    """Build the compact map data for the renderer (JSON-serialisable).

    Parameters
    ----------
    population
        Residents' points (cell centres, or street points with ``cell_id``), EPSG:28992.
    nearest
        Distances per point (index = ``population.index``), see
        :func:`spreiding.network.engine.nearest_facility`.
    norm
        The norm (decides covered / not covered and the weight column).
    facilities
        Service points to draw (any status); names are HTML-escaped.
    counted_ids
        Ids of the service points that count for the norm (drawn solid).
    municipalities
        Municipality polygons, drawn as outlines (also without tiles).
    colour_by
        ``"distance"`` (the person-weighted mean distance of the cell's residents; for a norm with a
        travel-time limit only, their mean travel time, legend in minutes) or ``"covered"`` (most of the
        cell's residents within the norm or not). Tooltips give the mean time in minutes too when the norm
        has a time limit.
    selected
        Id of a highlighted service point.
    marker_xy
        A pending point (EPSG:28992), e.g. where the user clicked.
    tiles
        Tile URL template, or ``None`` for a plain background.
    title
        Text shown above the legend.
    covered
        Coverage per point (default: decided from ``nearest`` by the norm).
    cells
        The population cells to draw (``cell_id``, ``cell_size_m``, centre points); required when the points
        are street points, else the points are the cells.
    places
        OSM place points (``name``, ``place_class``): the label layer and the village in each cell's tooltip.
    focus
        ``{"x", "y"}`` (EPSG:28992), optional ``zoom`` and ``key``: centre the view there (once per key).
    base
        The shared layers from :func:`map_base` (then ``cells``, ``places`` and ``municipalities`` are not read).

    Returns
    -------
    dict
    """
    if colour_by not in ("distance", "covered"):
        msg = f"onbekende kleuring {colour_by!r}; kies 'distance' (afstand) of 'covered' (binnen de norm)"
        raise ConfigError(msg)
    if not population.index.equals(nearest.index):
        msg = "bevolking en afstanden hebben verschillende rijen; bereken de afstanden voor deze bevolking"
        raise ConfigError(msg)
    ok = covered_mask(nearest, norm, covered)
    base = base or map_base(population, cells, places, municipalities)
    summary = _summary(population, nearest, ok, base, norm)
    layer, legend = _cells(base, summary, colour_by, norm)
    counted = set(map(str, counted_ids)) if counted_ids is not None else set()
    title = title or (_class_title(norm) if colour_by == "distance" else f"Norm: {norm.describe()}")
    return _frame(
        layer, legend, title, _facilities(facilities, counted, selected), base=base, marker_xy=marker_xy,
        focus=focus, tiles=tiles,
    )  # fmt: skip


CHANGE_COLOURS: dict[str, str] = {
    "newly_outside": "#b2182b",
    "newly_inside": "#1a9850",
    "longer": "#f4a582",
    "shorter": "#92c5de",
    "same": "#e0e0e0",
    "empty": "#ffffff",
}
"""Colour of each :data:`~spreiding.analysis.cells.CELL_CHANGE_CLASSES` class on the difference map."""


def _unit_text(values: np.ndarray, unit: str) -> np.ndarray:
    """Metres as km or seconds as minutes, one decimal, without unit (``""`` where not finite)."""
    if unit == "km":
        return km_text(values)
    v = np.asarray(values, float)
    return np.where(np.isfinite(v), dec1(np.where(np.isfinite(v), v, 0.0) / 60.0), "")


def _signed(delta: np.ndarray, unit: str) -> np.ndarray:
    d = np.asarray(delta, float)
    finite = np.isfinite(d)
    text = np.where(d >= 0, "+", "") + _unit_text(np.where(finite, d, 0.0), unit) + f" {unit}"
    return np.where(finite, text, np.where(d > 0, "niet meer bereikbaar", "weer bereikbaar")).astype(object)


def _share_text(share: np.ndarray, what: str) -> np.ndarray:
    pct = np.char.mod("%d", np.rint(100.0 * np.asarray(share, float)).astype(np.int64)).astype(object)
    return np.where(np.asarray(share) > 0, pct + f" % {what}", "").astype(object)


def diff_payload(
    population: gpd.GeoDataFrame,
    a: tuple[np.ndarray, np.ndarray],
    b: tuple[np.ndarray, np.ndarray],
    norm: Norm,
    facilities: gpd.GeoDataFrame,
    *,
    cells: gpd.GeoDataFrame | None = None,
    counted_ids: Sequence[str] | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    tiles: str | None = TILE_URL,
    title: str = "Verschil B − A per cel",
    base: MapBase | None = None,
) -> dict[str, Any]:
    """The difference map: each cell coloured by how scenario B changes its residents' distance against A.

    Classes (:func:`spreiding.analysis.cells.cell_change`): newly outside the norm, newly inside, longer,
    shorter, unchanged (± 0,1 km). ``a`` and ``b`` are ``(figure, covered)`` per point, the figure in the
    norm's :attr:`~spreiding.analysis.norm.Norm.figure_unit`: the distance in metres, or for a norm with only a
    travel-time limit the travel time in seconds (then the map compares mean travel times, ± 0,5 min, and its
    legend and tooltips are in minutes). ``facilities`` are B's service points. Other parameters as in
    :func:`map_payload`.
    """
    base = base or map_base(population, cells, places, municipalities)
    unit = norm.figure_unit
    change = cell_change(population, a, b, base.cell_ids, weight_column=norm.weight_column, unit=unit)
    suffix = "time_s" if unit == "min" else "dist_m"
    kind = change["change"].to_numpy(dtype=object)
    colours = change["change"].map(CHANGE_COLOURS).to_numpy(dtype=object)
    ma, mb = change[f"mean_{suffix}_a"].to_numpy(float), change[f"mean_{suffix}_b"].to_numpy(float)
    figure = np.where(
        np.isfinite(ma) | np.isfinite(mb),
        "A "
        + np.where(np.isfinite(ma), _unit_text(ma, unit), "–")
        + " → B "
        + np.where(np.isfinite(mb), _unit_text(mb, unit), "–")
        + f" {unit} ("
        + _signed(change[f"mean_{suffix}_delta"].to_numpy(float), unit)
        + ")",
        "niet bereikbaar",
    ).astype(object)
    crossing = (
        _share_text(change["newly_outside_share"].to_numpy(), "nieuw buiten de norm")
        + np.where((change["newly_outside_share"] > 0) & (change["newly_inside_share"] > 0), ", ", "")
        + _share_text(change["newly_inside_share"].to_numpy(), "nieuw binnen de norm")
    )
    parts = [figure, int_nl(change["residents"].to_numpy()) + " inw."]
    tip = np.asarray(tips(base.place, parts), dtype=object)
    tip = np.where(crossing != "", tip + " · " + crossing, tip)
    layer = {
        **base.boxes,
        "c": [str(c) for c in colours],
        # "km" is the renderer's key of the cell's figure (only shown when a cell has no tooltip; these all have)
        "km": np.where(np.isfinite(mb), np.round(mb / (60.0 if unit == "min" else 1000.0), 1), -1.0).tolist(),
        "pop": np.rint(change["residents"].to_numpy(float)).astype(int).tolist(),
        "cov": np.isin(kind, ["newly_inside"]).astype(int).tolist(),
        "tip": tip.tolist(),
        "change": kind.tolist(),
    }
    labels = TIME_CELL_CHANGE_LABELS if unit == "min" else CELL_CHANGE_LABELS
    legend = [{"label": labels[k], "color": CHANGE_COLOURS[k]} for k in CELL_CHANGE_CLASSES[:-1]]
    counted = set(map(str, counted_ids)) if counted_ids is not None else set()
    return _frame(
        layer, legend, title, _facilities(facilities, counted, None), base=base, marker_xy=None, focus=None,
        tiles=tiles,
    )  # fmt: skip


_CATCHMENT_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d",
)  # fmt: skip


def catchment_payload(
    population: gpd.GeoDataFrame,
    nearest: NearestResult,
    norm: Norm,
    facilities: gpd.GeoDataFrame,
    *,
    cells: gpd.GeoDataFrame | None = None,
    counted_ids: Sequence[str] | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    tiles: str | None = TILE_URL,
    base: MapBase | None = None,
) -> dict[str, Any]:
    """The *verzorgingsgebied* map: each cell coloured by the nearest counted service point of most of its
    residents (neighbouring areas get different colours from a 16-colour palette, by the points' order)."""
    base = base or map_base(population, cells, places, municipalities)
    ids = np.asarray(pd.array(nearest.nearest_id, dtype="string").fillna(""), dtype=object)
    main = cell_main_nearest(population, ids, base.cell_ids, weight_column=norm.weight_column)
    fac = to_rd_new(facilities, "service points") if not facilities.empty else facilities
    fac_ids = fac["id"].astype(str).to_numpy() if len(fac) else np.asarray([], dtype=str)
    order = np.argsort(fac.geometry.x.to_numpy() * 7 + fac.geometry.y.to_numpy()) if len(fac) else np.asarray([])
    rank = pd.Series(np.arange(len(fac_ids)), index=fac_ids[order.astype(int)]) if len(fac) else pd.Series(dtype=int)
    pos = pd.Index(rank.index).get_indexer(main)
    palette = np.asarray(_CATCHMENT_PALETTE, dtype=object)
    colours = np.where(pos >= 0, palette[rank.to_numpy()[np.maximum(pos, 0)] % len(palette)], UNREACHABLE_COLOUR)
    names = dict(zip(fac_ids, fac["name"].astype(str), strict=True)) if len(fac) else {}
    main_name = pd.Series(main, dtype=object).map(names).fillna("").to_numpy(dtype=object)
    summary = _summary(population, nearest, covered_mask(nearest, norm), base, norm)
    dist = summary["mean_dist_m"].to_numpy(float)
    near_text = np.where(main_name != "", "dichtstbij: " + main_name.astype(str), "geen bereikbare vestiging")
    layer = {
        **base.boxes,
        "c": [str(c) for c in colours],
        "km": np.where(np.isfinite(dist), np.round(dist / 1000.0, 1), -1.0).tolist(),
        "pop": np.rint(summary["residents"].to_numpy(float)).astype(int).tolist(),
        "cov": (summary["covered_share"].to_numpy() >= 0.5).astype(int).tolist(),
        "tip": tips(base.place, [near_text.astype(object), figure_text(summary, norm),
                            int_nl(summary["residents"].to_numpy()) + " inw."]),
        "nearest": main.tolist(),
    }  # fmt: skip
    legend = [
        {"label": "kleur: dichtstbijzijnde meetellende vestiging (zie de tabel)", "color": _CATCHMENT_PALETTE[0]},
        {"label": "geen vestiging bereikbaar", "color": UNREACHABLE_COLOUR},
    ]
    counted = set(map(str, counted_ids)) if counted_ids is not None else set()
    return _frame(
        layer, legend, "Verzorgingsgebieden", _facilities(facilities, counted, None), base=base, marker_xy=None,
        focus=None, tiles=tiles,
    )  # fmt: skip


def _renderer_js() -> str:
    return (COMPONENT_DIR / "spreiding_map.js").read_text(encoding="utf-8")


def map_html(payload: Mapping[str, Any], *, height_px: int = 600) -> str:
    """Return a standalone HTML page that draws ``payload`` with no CDN asset (Leaflet inlined).

    Parameters
    ----------
    payload
        From :func:`map_payload`.
    height_px
        Map height.
    """
    src = leaflet_dir()
    head = (
        f"<style>{(src / 'leaflet.css').read_text(encoding='utf-8')}</style>\n"
        f"<script>{(src / 'leaflet.js').read_text(encoding='utf-8')}</script>"
    )
    data = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")
    return (
        '<!doctype html>\n<html lang="nl"><head><meta charset="utf-8">\n'
        f"{head}\n<script>{_renderer_js()}</script>\n"
        f"<style>html,body{{margin:0;padding:0}}#map{{width:100%;height:{int(height_px)}px}}</style>\n"
        '</head><body><div id="map"></div>\n'
        f"<script>SpreidingMap.render(document.getElementById('map'), {data}, null);</script>\n"
        "</body></html>\n"
    )


def map_component(
    payload: Mapping[str, Any], *, key: str, height_px: int = 560, fit_key: str = ""
) -> dict[str, Any] | None:
    """Draw ``payload`` in the bidirectional Leaflet component; return the last event.

    Events are ``{"type": "click", "lat", "lon", "seq"}`` for a click on the
    map and ``{"type": "select", "id", "seq"}`` for a click on a service
    point; ``seq`` grows with every event so callers can spot new ones.
    ``fit_key`` changes re-fit the view to the payload bounds.

    Leaflet's files are served from the installed ``xstatic-leaflet`` folder,
    registered as an asset-only component (``<name>`` below); the map's page
    loads them from ``/component/<name>/`` on the same server.
    """
    import streamlit.components.v1 as components

    assets = components.declare_component("leaflet_assets", path=str(leaflet_dir()))
    component = components.declare_component("spreiding_map", path=str(COMPONENT_DIR))
    value = component(
        payload=dict(payload), leaflet=assets.name, height=int(height_px), fit_key=fit_key, key=key, default=None
    )
    return value if isinstance(value, dict) else None


def click_to_rd(event: Mapping[str, Any]) -> tuple[float, float]:
    """A click event's position (``lat``/``lon``) in EPSG:28992 metres."""
    try:
        lat = float(event["lat"])
        lon = float(event["lon"])
    except (KeyError, TypeError, ValueError) as exc:
        msg = f"kaartklik {dict(event)!r} heeft geen lat/lon; geef een klik door uit map_component()"
        raise ConfigError(msg) from exc
    x, y = _TO_RD.transform(lon, lat)
    return float(x), float(y)
