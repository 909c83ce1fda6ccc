"""Charts and the static map of the printable report (matplotlib, Agg), as ``data:`` PNG URIs."""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from spreiding._validate import to_rd_new
from spreiding.analysis.norm import Norm
from spreiding.vocabulary import COVERAGE_STATE_LABELS, fmt_dec, fmt_int

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from spreiding.study import Analysis

__all__ = [
    "BAR_LABEL",
    "BAR_VALUE",
    "COLOURS",
    "UNCHANGED_BIN",
    "ChangeBars",
    "boundary",
    "change_bars",
    "distance_bars",
    "distance_histogram",
    "map_image",
    "png",
]

logger = logging.getLogger(__name__)

COLOURS = {"covered": "#3182bd", "uncovered": "#e6550d", "unreachable": "#636363"}


UNCHANGED_BIN = "same"
"""Code of the ``± 0,1 km`` bin of the distance-change histogram, shown apart from the bars."""
BAR_LABEL = "klasse"
BAR_VALUE = "inwoners"


@dataclass(frozen=True)
class ChangeBars:
    """The distance-change chart: bars in numeric order and the unchanged residents shown apart.

    Attributes
    ----------
    bars
        Columns ``klasse`` (an ordered categorical, most shorter first) and ``inwoners``; without the unchanged bin.
    unchanged
        Residents whose distance changes by at most 0,1 km.
    unchanged_share
        Their share of all residents (0–1; 0 without residents).
    unchanged_label
        The unchanged bin's label (``± 0,1 km``; ``± 0,5 min`` for travel times).
    """

    bars: pd.DataFrame
    unchanged: float
    unchanged_share: float
    unchanged_label: str = "± 0,1 km"

    @property
    def text(self) -> str:
        """Dutch line for above the chart."""
        return (
            f"Gelijk gebleven ({self.unchanged_label}): {fmt_int(self.unchanged)} inwoners "
            f"({fmt_dec(100.0 * self.unchanged_share, 1)} %); de staven tonen de overige inwoners."
        )


def _ordered(labels: list[str], values: np.ndarray) -> pd.DataFrame:
    """Bars whose order is their data order (an ordered categorical: charts cannot sort them by name)."""
    return pd.DataFrame(
        {BAR_LABEL: pd.Categorical(labels, categories=labels, ordered=True), BAR_VALUE: np.round(values, 0)}
    )


def change_bars(hist: pd.DataFrame, total_label: str) -> ChangeBars:
    """Chart data of a distance-change histogram (:func:`spreiding.analysis.evaluation.distance_change_histogram`):
    the region total's bins from most shorter to most longer, then reachability changes; the unchanged bin apart.

    Examples
    --------
    >>> h = pd.DataFrame({"municipality": ["R"] * 3, "bin": ["lt_-2km", "same", "gt_5km"],
    ...                   "label": ["< -2 km", "± 0,1 km", "> 5 km"], "residents": [10.0, 80.0, 10.0]})
    >>> c = change_bars(h, "R")
    >>> list(c.bars["klasse"]), c.unchanged, c.unchanged_share
    (['< -2 km', '> 5 km'], 80.0, 0.8)
    """
    total = hist["municipality"].astype(str) == total_label
    part = hist.loc[total] if total.any() else hist
    sums = part.groupby(["bin", "label"], sort=False)["residents"].sum().reset_index()  # keeps the bins' order
    same = sums["bin"] == UNCHANGED_BIN
    unchanged = float(sums.loc[same, "residents"].sum())
    everyone = float(sums["residents"].sum())
    rest = sums.loc[~same]
    share = unchanged / everyone if everyone > 0 else 0.0
    label = str(sums.loc[same, "label"].iloc[0]) if same.any() else "± 0,1 km"
    bars = _ordered(rest["label"].astype(str).tolist(), rest["residents"].to_numpy(float))
    return ChangeBars(bars, unchanged, share, label)


def distance_bars(distribution: pd.Series) -> pd.DataFrame:
    """Chart data of a distance distribution (:func:`spreiding.analysis.coverage.distance_distribution`) in its
    numeric order (``0–1 km``, ``1–2 km``, ..., ``> 20 km``, ``onbereikbaar``), never alphabetical; decimal
    commas in the labels.

    Examples
    --------
    >>> d = pd.Series([5.0, 3.0, 1.0], index=["0–1 km", "1–2 km", "10–15 km"])
    >>> distance_bars(d)["klasse"].cat.categories.tolist()
    ['0–1 km', '1–2 km', '10–15 km']
    """
    labels = [str(i).replace(".", ",") for i in distribution.index]  # "7.5–10 km" → "7,5–10 km"
    return _ordered(labels, distribution.to_numpy(float))


def _short(value: float) -> str:
    """``7.5`` → ``"7,5"``, ``5.0`` → ``"5"`` (Dutch decimal comma, at most one decimal)."""
    return fmt_dec(value, 0 if float(value).is_integer() else 1)


def _dutch_ticks(ax: object) -> None:
    """Tick labels with Dutch number formats (``1.000``; ``2,5``)."""
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _short(round(v, 1))))  # type: ignore[attr-defined]
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_int(v)))  # type: ignore[attr-defined]


def png(fig: Figure) -> str:
    """Render a matplotlib figure (Agg) to a ``data:`` URI."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=130, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def distance_histogram(values: np.ndarray, weights: np.ndarray, norm: Norm) -> str:
    """Residents by distance (km) or travel time (min), norm as a vertical line."""
    from matplotlib.figure import Figure

    by_time = norm.max_dist_m is None and norm.max_time_s is not None
    scale, unit = (60.0, "min") if by_time else (1000.0, "km")
    limit = (norm.max_time_s if by_time else norm.max_dist_m) or 0.0
    x = values / scale
    finite = np.isfinite(x)
    x, w = x[finite], weights[finite]
    top = max(float(x.max()) if len(x) else 1.0, limit / scale) * 1.02
    width = max(0.5, float(np.ceil(top / 30.0 * 2.0) / 2.0))
    bins = np.arange(0.0, top + width, width)
    counts, edges = np.histogram(x, bins=bins, weights=w)
    centres = (edges[:-1] + edges[1:]) / 2.0
    colours = np.where(centres <= limit / scale, COLOURS["covered"], COLOURS["uncovered"])
    fig = Figure(figsize=(7.0, 3.0))
    ax = fig.add_subplot()
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=list(colours), edgecolor="white")
    ax.axvline(limit / scale, color="#222222", linestyle="--", linewidth=1.5)
    ax.text(
        limit / scale, ax.get_ylim()[1] * 0.97, f"norm {_short(limit / scale)} {unit}", va="top", ha="center",
        fontsize=9,
        bbox={"facecolor": "white", "edgecolor": "#222222", "boxstyle": "round,pad=0.2"},
    )  # fmt: skip
    kind = "reistijd" if by_time else "afstand"
    ax.set_xlabel(f"{kind} tot de dichtstbijzijnde meetellende vestiging ({unit})")
    ax.set_ylabel("inwoners")
    ax.spines[["top", "right"]].set_visible(False)
    _dutch_ticks(ax)
    return png(fig)


def boundary(municipalities: gpd.GeoDataFrame | None, municipality: str) -> gpd.GeoDataFrame | None:
    if municipalities is None:
        return None
    column = next((c for c in ("municipality", "gemeente", "name") if c in municipalities.columns), None)
    if column is None:
        logger.warning("de gemeentegrenzen hebben geen kolom 'municipality'; de kaart toont geen grens")
        return None
    rd = to_rd_new(municipalities, "municipalities")
    part = rd.loc[rd[column].astype("string") == municipality]
    if part.empty:
        logger.warning("gemeente %r staat niet in de gemeentegrenzen; de kaart toont geen grens", municipality)
        return None
    return part


def map_image(
    analysis: Analysis,
    pts: gpd.GeoDataFrame,
    covered: np.ndarray,
    reachable: np.ndarray,
    boundary: gpd.GeoDataFrame | None,
    labels: gpd.GeoDataFrame | None,
) -> str:
    """Static map: cells coloured by coverage, counted branches, village labels."""
    from matplotlib import patheffects
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    fig = Figure(figsize=(7.5, 7.5))
    ax = fig.add_subplot()
    x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    state = np.where(covered, "covered", np.where(reachable, "uncovered", "unreachable"))
    is_cells = "cell_size_m" in pts.columns and bool((pts.get("placement", "cell_centre") == "cell_centre").all())
    for key, label in COVERAGE_STATE_LABELS.items():
        mask = state == key
        if not mask.any():
            continue
        if is_cells:
            half = pts["cell_size_m"].to_numpy(float)[mask] / 2.0
            boxes = shapely.box(x[mask] - half, y[mask] - half, x[mask] + half, y[mask] + half)
            gpd.GeoSeries(boxes).plot(ax=ax, color=COLOURS[key], edgecolor="white", linewidth=0.4, alpha=0.75)
        else:
            ax.scatter(x[mask], y[mask], s=6, color=COLOURS[key], label=label)
    if boundary is not None:
        boundary.boundary.plot(ax=ax, color="#08306b", linewidth=1.6)
        xmin, ymin, xmax, ymax = boundary.total_bounds
    else:
        xmin, ymin, xmax, ymax = float(x.min()), float(y.min()), float(x.max()), float(y.max())
    pad = 2500.0
    xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    fac = to_rd_new(analysis.counted, "service points")
    fx, fy = fac.geometry.x.to_numpy(), fac.geometry.y.to_numpy()
    inside = (fx >= xmin) & (fx <= xmax) & (fy >= ymin) & (fy <= ymax)
    ax.scatter(fx[inside], fy[inside], marker="^", s=55, color="black", edgecolor="white", zorder=5)
    fac_names = fac["name"].astype("string").fillna("").to_numpy() if "name" in fac else np.full(len(fac), "")
    for name, px, py in zip(fac_names[inside], fx[inside], fy[inside], strict=True):
        ax.annotate(
            str(name), (px, py), xytext=(4, 4), textcoords="offset points", fontsize=7, path_effects=halo, zorder=6
        )
    if labels is not None:
        for name, px, py in zip(labels["name"], labels.geometry.x, labels.geometry.y, strict=True):
            ax.annotate(
                str(name), (px, py), xytext=(0, -10), textcoords="offset points", fontsize=7.5, style="italic",
                color="#a63603", ha="center", path_effects=halo, zorder=6,
            )  # fmt: skip
    bar_m = 5000.0 if (xmax - xmin) > 15000 else 1000.0
    bx, by = xmin + 0.05 * (xmax - xmin), ymin + 0.04 * (ymax - ymin)
    ax.plot([bx, bx + bar_m], [by, by], color="black", linewidth=3)
    ax.text(bx + bar_m / 2, by + 0.012 * (ymax - ymin), f"{_short(bar_m / 1000)} km", ha="center", fontsize=8)
    handles: list[Artist] = [Patch(color=COLOURS[key], label=text) for key, text in COVERAGE_STATE_LABELS.items()]
    from matplotlib.lines import Line2D

    handles.append(Line2D([], [], marker="^", color="black", linestyle="", label="meetellende vestiging"))
    present = {"covered", "uncovered", "unreachable"} & set(state.tolist())
    handles = [
        h
        for h, key in zip(handles, ("covered", "uncovered", "unreachable", ""), strict=True)
        if key in present or not key
    ]
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles), fontsize=8, frameon=False
    )
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return png(fig)
