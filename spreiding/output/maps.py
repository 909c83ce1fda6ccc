"""Maps without internet: compact map data, a Leaflet component and standalone HTML.

Every map of the app is drawn by one small JavaScript renderer
(``_leaflet_component/spreiding_map.js``) on Leaflet 1.9.3 served from the
installed ``xstatic-leaflet`` package, never from a CDN. Python builds a small
JSON *payload* from frames (population cells coloured by distance or by
covered / not covered, service points by kind and status, municipality
outlines, a legend); the renderer adds the OpenStreetMap credit, a scale bar,
and falls back to a plain background when no tile server answers.

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
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from spreiding._validate import require_columns, to_rd_new
from spreiding.analysis.coverage import covered_mask
from spreiding.analysis.norm import Norm
from spreiding.errors import ConfigError
from spreiding.network.nearest import NearestResult
from spreiding.vocabulary import KIND_LABELS, OSM_CREDIT, STATUS_LABELS, Col

__all__ = [
    "COMPONENT_DIR",
    "DIST_BINS_M",
    "DIST_COLOURS",
    "KIND_LABELS",
    "OSM_CREDIT",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "TILE_URL",
    "click_to_rd",
    "distance_classes",
    "leaflet_dir",
    "map_component",
    "map_html",
    "map_payload",
]

logger = logging.getLogger(__name__)

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
COMPONENT_DIR = Path(__file__).resolve().parent / "_leaflet_component"

#: Distance classes (upper bounds, metres) used to colour the cells.
DIST_BINS_M: tuple[float, ...] = (2500.0, 5000.0, 7500.0, 10000.0, 15000.0, float("inf"))
DIST_COLOURS: tuple[str, ...] = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#7f0000")
_UNREACHABLE_COLOUR = "#808080"
_COVERED_COLOURS = ("#d73027", "#1a9850")  # not covered, covered

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


def leaflet_dir() -> Path:
    """Folder of the installed Leaflet 1.9.3 files (``xstatic-leaflet``)."""
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:  # pragma: no cover - dependency of the package
        msg = "the map needs the 'xstatic-leaflet' package; install it with `pip install xstatic-leaflet`"
        raise ConfigError(msg) from exc
    return Path(xleaflet.BASE_DIR)


def distance_classes(dist_m: np.ndarray) -> np.ndarray:
    """Class index per distance (see :data:`DIST_BINS_M`); ``-1`` for unreachable."""
    d = np.asarray(dist_m, dtype=float)
    cls = np.searchsorted(np.asarray(DIST_BINS_M), d, side="left")
    return np.where(np.isfinite(d), np.minimum(cls, len(DIST_BINS_M) - 1), -1)


def _legend_distance() -> list[dict[str, str]]:
    items = []
    lower = 0.0
    for upper, colour in zip(DIST_BINS_M, DIST_COLOURS, strict=True):
        label = f"{lower / 1000:g}–{upper / 1000:g} km" if np.isfinite(upper) else f"meer dan {lower / 1000:g} km"
        items.append({"label": label, "color": colour})
        lower = upper
    items.append({"label": "niet bereikbaar", "color": _UNREACHABLE_COLOUR})
    return items


def _round(values: np.ndarray) -> list[float]:
    return list(np.round(np.asarray(values, dtype=float), _DECIMALS).tolist())


def _cells(
    population: gpd.GeoDataFrame, nearest: NearestResult, covered: np.ndarray, weight_column: str, colour_by: str
) -> tuple[dict[str, list[Any]], list[dict[str, str]]]:
    pop = to_rd_new(population, "population")
    x = pop.geometry.x.to_numpy()
    y = pop.geometry.y.to_numpy()
    half = (pop["cell_size_m"].to_numpy(dtype=float) if "cell_size_m" in pop else np.full(len(pop), 1000.0)) / 2.0
    west, south = _TO_WGS84.transform(x - half, y - half)
    east, north = _TO_WGS84.transform(x + half, y + half)
    dist = nearest.dist_m
    if colour_by == "covered":
        colours = np.where(covered, _COVERED_COLOURS[1], _COVERED_COLOURS[0])
        legend = [
            {"label": "binnen de norm", "color": _COVERED_COLOURS[1]},
            {"label": "buiten de norm", "color": _COVERED_COLOURS[0]},
        ]
    else:
        cls = distance_classes(dist)
        palette = np.asarray([*DIST_COLOURS, _UNREACHABLE_COLOUR])
        colours = palette[np.where(cls < 0, len(DIST_COLOURS), cls)]
        legend = _legend_distance()
    km = np.where(np.isfinite(dist), np.round(dist / 1000.0, 1), -1.0)
    cells: dict[str, list[Any]] = {
        "s": _round(south),
        "w": _round(west),
        "n": _round(north),
        "e": _round(east),
        "c": [str(c) for c in colours],
        "km": np.asarray(km, dtype=float).tolist(),
        "pop": np.rint(pop[weight_column].to_numpy(dtype=float)).astype(int).tolist(),
        "cov": np.asarray(covered, dtype=int).tolist(),
    }
    if Col.KERN_NAME in pop.columns:  # the kern of each point (spreiding.analysis.kernen), shown in the tooltip
        cells["k"] = [html.escape(str(k)) if pd.notna(k) else "" for k in pop[Col.KERN_NAME]]
    return cells, legend


def _facilities(facilities: gpd.GeoDataFrame, counted_ids: set[str], selected: str | None) -> list[dict[str, Any]]:
    if facilities.empty:
        return []
    require_columns(facilities, ["id", "name", "kind", "status"], "service points", "load them with load_facilities()")
    fac = to_rd_new(facilities, "service points")
    lon, lat = _TO_WGS84.transform(fac.geometry.x.to_numpy(), fac.geometry.y.to_numpy())
    status_col = fac["status"].astype(str)
    if "scenario_edit" in fac:  # points a scenario opens are drawn as "new (scenario)", the legend's colour
        opened = fac["scenario_edit"].astype(str).str.startswith("open") & (status_col == "open")
        status_col = status_col.where(~opened, "new")
    out = []
    for fid, name, kind, status, la, lo in zip(
        fac["id"].astype(str),
        fac["name"].astype(str),
        fac["kind"].astype(str),
        status_col,
        lat,
        lon,
        strict=True,
    ):  # one row per service point (about 100), not per cell
        out.append(
            {
                # data, not markup: the renderer escapes text where it builds HTML, and a click sends the id back as is
                "id": fid,
                "name": name,
                "kind": KIND_LABELS.get(kind, kind),
                "status": STATUS_LABELS.get(status, status),
                "lat": round(float(la), _DECIMALS),
                "lon": round(float(lo), _DECIMALS),
                "color": STATUS_COLOURS.get(status, "#444444"),
                "r": _KIND_RADIUS.get(kind, 6),
                "counted": fid in counted_ids,
                "selected": fid == selected,
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
) -> dict[str, Any]:
    """Build the compact map data for the renderer (JSON-serialisable).

    Parameters
    ----------
    population
        Population cells (points at cell centres, ``cell_size_m``), EPSG:28992.
    nearest
        Distances per cell (index = ``population.index``), see
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
        ``"distance"`` or ``"covered"``.
    selected
        Id of a highlighted service point.
    marker_xy
        A pending point (EPSG:28992), e.g. where the user clicked.
    tiles
        Tile URL template, or ``None`` for a plain background.
    title
        Text shown above the legend.

    Returns
    -------
    dict
    """
    if colour_by not in ("distance", "covered"):
        msg = f"unknown colour_by {colour_by!r}; use 'distance' or 'covered'"
        raise ConfigError(msg)
    if not population.index.equals(nearest.index):
        msg = "population and distances have different rows; compute distances for this population frame"
        raise ConfigError(msg)
    ok = covered_mask(nearest, norm, covered)
    cells, legend = _cells(population, nearest, ok, norm.weight_column, colour_by)
    counted = set(map(str, counted_ids)) if counted_ids is not None else set()
    fac = _facilities(facilities, counted, selected)
    marker = None
    if marker_xy is not None:
        lon, lat = _TO_WGS84.transform(float(marker_xy[0]), float(marker_xy[1]))
        marker = {"lat": round(float(lat), _DECIMALS), "lon": round(float(lon), _DECIMALS)}
    if cells["s"]:
        bounds = [[min(cells["s"]), min(cells["w"])], [max(cells["n"]), max(cells["e"])]]
    else:
        bounds = [[52.6, 6.1], [53.2, 7.1]]
    status_legend = [
        {"label": STATUS_LABELS[s], "color": STATUS_COLOURS[s]} for s in ("open", "closed", "planned", "new")
    ]
    return {
        "cells": cells,
        "legend": legend,
        "legend_title": html.escape(
            title
            or ("Afstand tot dichtstbijzijnde voorziening" if colour_by == "distance" else f"Norm: {norm.describe()}")
        ),
        "status_legend": status_legend,
        "facilities": fac,
        "outlines": _outlines(municipalities),
        "marker": marker,
        "bounds": bounds,
        "tiles": tiles,
        "credit": OSM_CREDIT,
    }


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
        msg = f"map event {dict(event)!r} has no lat/lon; pass a click event from map_component()"
        raise ConfigError(msg) from exc
    x, y = _TO_RD.transform(lon, lat)
    return float(x), float(y)
