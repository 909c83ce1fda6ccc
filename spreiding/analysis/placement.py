"""Where residents live inside a cell: dasymetric placement on residential streets.

A 1 km cell's residents do not live at its centre. :func:`place_on_streets`
spreads each cell's residents evenly over the residential street nodes inside
it (and keeps cells without such nodes at their centre); every result says
which placement it used in its ``placement`` column.

Street nodes are the default (:data:`DEFAULT_PLACEMENT`). With the region's
municipal polygons, :func:`population_points` gives every street node's
residents to the municipality the node lies in (not the cell centre's); a node
outside every polygon goes to the nearest municipality within
:data:`OUTSIDE_MAX_M`, and beyond that its residents are dropped and counted.
Cells that straddle the region's border with their centre outside (the ring
cells, column :data:`SHARE_COLUMN` < 1) so contribute the residents whose
street nodes lie inside; at cell centres (or without polygons) they are
weighted by their share inside the region.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from spreiding._validate import require_columns, require_unique, to_rd_new
from spreiding.analysis.norm import Norm
from spreiding.data.border import SHARE_COLUMN
from spreiding.data.facilities import select_facilities
from spreiding.data.population import POP_COLUMNS
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import ConfigError, MissingColumnsError
from spreiding.vocabulary import fmt_int

if TYPE_CHECKING:
    from spreiding.network.roads import RoadNetwork

__all__ = [
    "DEFAULT_PLACEMENT",
    "OUTSIDE_MAX_M",
    "PLACEMENTS",
    "counted_facilities",
    "place_on_streets",
    "placement_notes",
    "population_points",
    "weight_by_share",
]

PLACEMENTS = ("cell_centre", "street_nodes")
DEFAULT_PLACEMENT = "street_nodes"
"""Residents on residential street nodes unless a caller asks for cell centres."""
OUTSIDE_MAX_M = 250.0
"""A street node outside every municipal polygon goes to the nearest one within this distance (m)."""

logger = logging.getLogger(__name__)


def place_on_streets(
    population: gpd.GeoDataFrame,
    node_x: np.ndarray,
    node_y: np.ndarray,
    residential: np.ndarray,
    *,
    fallback: np.ndarray | None = None,
    cell_size_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Spread each cell's residents evenly over the residential street nodes inside it.

    Parameters
    ----------
    population
        Frame in the module schema (points at cell centres, ``cell_size_m``).
    node_x, node_y
        Street-node coordinates in EPSG:28992 (m), equal-length 1-D arrays.
    residential
        Boolean mask: nodes that may receive residents.
    fallback
        Optional boolean mask of other road nodes (e.g. every node of the
        car network) used for cells that hold no residential node: rural
        cells whose farms lie along country roads.
    cell_size_m
        Square size for every cell; default the ``cell_size_m`` column.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per (cell, node) with every input column, the node's point,
        the cell's :data:`POP_COLUMNS` divided by its node count,
        ``placement`` ``"street_nodes"``, ``node_pos`` (position in the node
        arrays) and ``point_id`` (``"{cell_id}:{k}"``). Cells without a
        residential node inside (or without a size, such as PC4 points) keep
        one row at their own point (``placement`` unchanged, ``node_pos`` NA,
        ``point_id`` ``"{cell_id}:0"``). Totals per ``cell_id`` are preserved.

    Notes
    -----
    A cell is the axis-aligned square of side ``cell_size_m`` around its point
    in EPSG:28992. For the Eurostat grid, whose squares are axis-aligned in
    EPSG:3035, this is an approximation (the squares are rotated by about a
    degree, shifting borders by at most ~10 m). A node inside several squares
    goes to the one whose centre is nearest (Chebyshev distance).
    """
    require_columns(population, ["cell_id", *POP_COLUMNS], "bevolking", "laad die met een lader van spreiding")
    x = np.asarray(node_x, dtype="float64")
    y = np.asarray(node_y, dtype="float64")
    res = np.asarray(residential)
    if x.ndim != 1 or x.shape != y.shape or res.shape != x.shape or res.dtype != bool:
        msg = (
            f"de straatknopen van het wegennet kloppen niet: x, y en woonstraat hebben vormen {x.shape}, {y.shape}, "
            f"{res.shape} (type {res.dtype}); verwacht drie even lange reeksen, woonstraat ja/nee; "
            "lees het wegennet opnieuw in (--network)"
        )
        raise ConfigError(msg)
    frame = to_rd_new(population, "bevolking")
    require_unique(frame["cell_id"].astype("str"), "bevolking")
    if cell_size_m is not None:
        if not (np.isfinite(cell_size_m) and cell_size_m > 0):
            msg = f"celgrootte {cell_size_m!r} m kan niet; geef een getal groter dan 0"
            raise ConfigError(msg)
        sizes = np.full(len(frame), float(cell_size_m))
    elif "cell_size_m" in frame.columns:
        sizes = frame["cell_size_m"].to_numpy(dtype="float64", na_value=np.nan)
    else:
        msg = (
            "bevolking heeft geen kolom cell_size_m (celgrootte); "
            "lees het bestand met spreiding (--population) of geef de celgrootte"
        )
        raise MissingColumnsError(msg)
    cx = shapely.get_x(frame.geometry.to_numpy())
    cy = shapely.get_y(frame.geometry.to_numpy())
    sized = np.isfinite(sizes) & (sizes > 0) & np.isfinite(cx) & np.isfinite(cy)
    half = np.where(sized, sizes / 2.0, 0.0)
    extra = np.zeros_like(res) if fallback is None else np.asarray(fallback, dtype=bool)
    if extra.shape != res.shape:
        msg = (
            f"de reservelijst van straatknopen heeft vorm {extra.shape}, de woonstraten {res.shape}; "
            "geef voor elke knoop ja/nee"
        )
        raise ConfigError(msg)
    node_idx = np.flatnonzero((res | extra) & np.isfinite(x) & np.isfinite(y))
    cell_of_node = np.full(len(node_idx), -1, dtype=np.int64)
    if sized.any() and len(node_idx):
        cells = np.flatnonzero(sized)
        boxes = shapely.box(
            cx[cells] - half[cells], cy[cells] - half[cells], cx[cells] + half[cells], cy[cells] + half[cells]
        )
        tree = shapely.STRtree(boxes)
        pts_i, box_i = tree.query(shapely.points(x[node_idx], y[node_idx]), predicate="intersects")
        cheb = np.maximum(np.abs(x[node_idx[pts_i]] - cx[cells[box_i]]), np.abs(y[node_idx[pts_i]] - cy[cells[box_i]]))
        order = np.lexsort((cheb, pts_i))
        first = np.ones(len(order), dtype=bool)
        first[1:] = pts_i[order][1:] != pts_i[order][:-1]
        chosen = order[first]
        cell_of_node[pts_i[chosen]] = cells[box_i[chosen]]
    assigned = cell_of_node >= 0
    # a cell with residential nodes uses only those; one without uses its fallback nodes
    is_res = res[node_idx]
    has_res = np.bincount(cell_of_node[assigned & is_res], minlength=len(frame)) > 0
    assigned &= is_res | ~has_res[np.maximum(cell_of_node, 0)]
    pair_cell = cell_of_node[assigned]
    pair_node = node_idx[assigned]
    sort = np.lexsort((pair_node, pair_cell))
    pair_cell, pair_node = pair_cell[sort], pair_node[sort]
    counts = np.bincount(pair_cell, minlength=len(frame))
    lonely = np.flatnonzero(counts == 0)

    base = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    rows = np.concatenate([pair_cell, lonely])
    out = base.iloc[rows].reset_index(drop=True)
    n_pairs = len(pair_cell)
    divisor = np.concatenate([counts[pair_cell], np.ones(len(lonely))]).astype("float64")
    for col in POP_COLUMNS:
        out[col] = out[col].to_numpy(dtype="float64", na_value=np.nan) / divisor
    geometry = np.concatenate([shapely.points(x[pair_node], y[pair_node]), frame.geometry.to_numpy()[lonely]])
    placement = out["placement"].astype("str").to_numpy() if "placement" in out.columns else np.full(len(out), "")
    placement = np.where(np.arange(len(out)) < n_pairs, "street_nodes", placement)
    placement[n_pairs:] = np.where(placement[n_pairs:] == "", "cell_centre", placement[n_pairs:])
    out["placement"] = pd.array(placement, dtype="str")
    out["node_pos"] = pd.arrays.IntegerArray(
        np.concatenate([pair_node, np.zeros(len(lonely), dtype=np.int64)]),
        np.arange(len(out)) >= n_pairs,
    )
    k = pd.Series(rows).groupby(rows).cumcount().to_numpy()
    out["point_id"] = pd.array(out["cell_id"].astype("str").to_numpy() + ":" + k.astype(str), dtype="str")
    result = gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:28992")
    base_info = population.attrs.get("source")
    info = SourceInfo(
        kind="population",
        path=str(base_info.get("path", "")) if isinstance(base_info, dict) else "",
        rows=len(result),
        year=base_info.get("year") if isinstance(base_info, dict) else None,
        description="inwoners verdeeld over de knopen van woonstraten (anders andere wegknopen) binnen elke cel",
        quality=(
            ("cells_on_streets", float((counts > 0).sum())),
            ("cells_at_centre", float(len(lonely))),
            ("street_points", float(n_pairs)),
        ),
    )
    logger.info(
        "%d cellen over %d straatknopen verdeeld; %d cellen in hun midden gehouden",
        (counts > 0).sum(),
        n_pairs,
        len(lonely),
    )
    return attach_source(result, info)  # type: ignore[return-value]


def population_points(
    population: gpd.GeoDataFrame,
    placement: str = DEFAULT_PLACEMENT,
    network: RoadNetwork | None = None,
    *,
    areas: gpd.GeoDataFrame | None = None,
    area_column: str = "municipality",
    outside_max_m: float = OUTSIDE_MAX_M,
) -> gpd.GeoDataFrame:
    """Residents' points: spread over residential street nodes (default), or cell centres.

    Parameters
    ----------
    population
        Population cells; an optional :data:`SHARE_COLUMN` marks ring cells (share inside the region).
    placement
        ``"street_nodes"`` (needs ``network``) or ``"cell_centre"``.
    network
        Road network whose residential street nodes receive the residents.
    areas
        The region's municipal polygons (``area_column`` labels). With street nodes, every node's
        residents go to the polygon the node lies in, else to the nearest within ``outside_max_m``;
        nodes farther out are dropped and counted (quality ``street_points_outside``,
        ``residents_outside``, and a Dutch warning in ``attrs["source"]``). Without ``areas`` the
        nodes keep their cell's municipality and ring cells are weighted by their share.
    area_column
        Label column of ``areas``.
    outside_max_m
        Largest distance (m) from a node outside every polygon to the nearest one.

    Returns
    -------
    geopandas.GeoDataFrame
        The residents' points (a new frame whenever anything changes; the input is never mutated).
        A frame without a ``cell_size_m`` column holds points, not cells, and keeps them.
    """
    if placement not in PLACEMENTS:
        msg = f"onbekende plaatsing {placement!r}; kies uit {', '.join(PLACEMENTS)} (--placement)"
        raise ConfigError(msg)
    if placement == "cell_centre":
        return weight_by_share(population)
    if network is None:
        msg = (
            "plaatsing street_nodes heeft een wegennet nodig; laat --crowfly weg (of geef --network) "
            "of kies --placement cell_centre"
        )
        raise ConfigError(msg)
    if "cell_size_m" not in population.columns:  # points, not cells (e.g. hand-made points): kept where they are
        return weight_by_share(population)
    placed = place_on_streets(population, network.x, network.y, network.residential, fallback=network.in_lcc)
    if areas is None:
        return weight_by_share(placed)
    return _streets_to_areas(placed, areas, area_column, outside_max_m)


def weight_by_share(points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Residents of ring cells weighted by their share inside the region (:data:`SHARE_COLUMN`).

    Returns ``points`` itself when it has no share below 1, else a new frame whose
    :data:`POP_COLUMNS` are multiplied by the share (which becomes 1, so weighting twice is harmless).
    The weighting assumes residents spread evenly over the cell.
    """
    weighted, residents = _weighted(points)
    if weighted is points:
        return points
    weighted.attrs["source"] = _with_quality(points, (("ring_residents_share_weighted", residents),), ())
    return weighted


def _weighted(points: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, float]:
    """(points with shares below 1 applied, the residents those rows keep); ``points`` itself when none."""
    if SHARE_COLUMN not in points.columns:
        return points, 0.0
    share = points[SHARE_COLUMN].to_numpy(dtype="float64", na_value=1.0)
    partial = share < 1.0
    if not partial.any():
        return points, 0.0
    out = points.copy()
    for col in POP_COLUMNS:
        out[col] = out[col].to_numpy(dtype="float64", na_value=np.nan) * share
    out[SHARE_COLUMN] = 1.0
    return out, float(np.nansum(out["pop_total"].to_numpy(dtype="float64")[partial]))


def _streets_to_areas(
    placed: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, column: str, outside_max_m: float
) -> gpd.GeoDataFrame:
    """Street nodes to the area they lie in (nearest within ``outside_max_m``); farther ones dropped, counted.

    A ring cell's street nodes carry its residents in full (those inside are kept); a ring cell
    without a street node stays at its centre, weighted by its share.
    """
    from spreiding.data.boundaries import assign_municipality

    street = (placed["placement"].astype("str") == "street_nodes").to_numpy()
    at = np.flatnonzero(street)
    labels = assign_municipality(placed[street], areas, column=column, outside="nearest", max_dist_m=outside_max_m)
    inside = labels.notna().to_numpy()
    keep = ~street
    keep[at[inside]] = True
    out = placed.copy()
    if "municipality" in out.columns:
        muni = out["municipality"].astype("object").to_numpy().copy()
        muni[at[inside]] = labels.to_numpy()[inside]
        out["municipality"] = pd.array(muni, dtype="str")
    if SHARE_COLUMN in out.columns:
        share = out[SHARE_COLUMN].to_numpy(dtype="float64", na_value=1.0).copy()
        share[street] = 1.0
        out[SHARE_COLUMN] = share
    dropped_pop = float(np.nansum(out["pop_total"].to_numpy(dtype="float64")[~keep]))
    n_dropped = int((~keep).sum())
    out, ring_residents = _weighted(out.loc[keep].reset_index(drop=True))
    warnings: tuple[str, ...] = ()
    if n_dropped:
        warnings = (
            f"{fmt_int(dropped_pop)} inwoners op {fmt_int(n_dropped)} straatknopen buiten de gemeenten "
            f"(verder dan {fmt_int(outside_max_m)} m van de dichtstbijzijnde) tellen niet mee",
        )
        logger.warning("%s", warnings[0])  # the same Dutch sentence, Dutch numbers
    quality = (
        ("street_points_outside", float(n_dropped)),
        ("residents_outside", dropped_pop),
        ("ring_residents_share_weighted", ring_residents),
    )
    out.attrs["source"] = _with_quality(placed, quality, warnings, rows=len(out))
    return out


def _with_quality(
    frame: pd.DataFrame, quality: tuple[tuple[str, float], ...], warnings: tuple[str, ...], rows: int | None = None
) -> dict[str, object]:
    """``frame``'s source dict with extra quality pairs and warnings (a new dict)."""
    info = dict(frame.attrs.get("source") or {})
    info["quality"] = {**dict(info.get("quality") or {}), **dict(quality)}
    info["warnings"] = [*list(info.get("warnings") or []), *warnings]
    info["placement_warnings"] = [*list(info.get("placement_warnings") or []), *warnings]
    if rows is not None:
        info["rows"] = rows
    return info


def placement_notes(points: pd.DataFrame) -> list[str]:
    """The Dutch warnings the placement added to ``points`` (e.g. residents dropped outside every area)."""
    source = points.attrs.get("source")
    return [str(w) for w in (source.get("placement_warnings") or [])] if isinstance(source, dict) else []


def counted_facilities(facilities: gpd.GeoDataFrame, norm: Norm) -> gpd.GeoDataFrame:
    """The open service points of the kinds the norm counts."""
    return select_facilities(facilities, kinds=sorted(norm.kinds), statuses=("open",))
