"""The maps' cell layer in words: colour classes, legends and Dutch tooltips, in km or in minutes.

A distance norm colours cells by their residents' mean distance (:data:`DIST_BINS_M`) and tells it in km,
as it always did. A norm with a travel-time limit only colours them by the mean travel time, in classes of
the limit (:func:`time_bins_s`: a third, two thirds, the limit, four thirds, twice the limit), and tells the
time in minutes first, the distance second; a norm with both limits keeps the distance colours and tells
both figures. Every text is Dutch (decimal comma, thousands dot).

Examples
--------
>>> time_bins_s(900.0)[:3]
(300.0, 600.0, 900.0)
>>> [item["label"] for item in legend_bins(time_bins_s(900.0), "min")][:2]
['0–5 min', '5–10 min']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spreiding.analysis.norm import Norm
from spreiding.vocabulary import fmt_dec

__all__ = [
    "COVERED_COLOURS",
    "DIST_BINS_M",
    "DIST_COLOURS",
    "TIME_SHARES",
    "UNREACHABLE_COLOUR",
    "class_colours",
    "dec1",
    "distance_classes",
    "figure_text",
    "int_nl",
    "km_text",
    "legend_bins",
    "legend_for",
    "time_bins_s",
    "tips",
]

#: Distance classes (upper bounds, metres) used to colour the cells.
DIST_BINS_M: tuple[float, ...] = (2500.0, 5000.0, 7500.0, 10000.0, 15000.0, float("inf"))
DIST_COLOURS: tuple[str, ...] = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#7f0000")
UNREACHABLE_COLOUR = "#808080"
COVERED_COLOURS = ("#d73027", "#1a9850")  # not covered, covered
TIME_SHARES: tuple[float, ...] = (1 / 3, 2 / 3, 1.0, 4 / 3, 2.0, float("inf"))
"""Travel-time classes as shares of the norm's time limit (the first three classes lie within the norm)."""
_UNIT_SCALE = {"km": 1000.0, "min": 60.0}


def distance_classes(values: np.ndarray, bins: tuple[float, ...] = DIST_BINS_M) -> np.ndarray:
    """Class index per value (upper bounds ``bins``, default :data:`DIST_BINS_M`); ``-1`` for unreachable."""
    d = np.asarray(values, dtype=float)
    cls = np.searchsorted(np.asarray(bins), d, side="left")
    return np.where(np.isfinite(d), np.minimum(cls, len(bins) - 1), -1)


def time_bins_s(limit_s: float) -> tuple[float, ...]:
    """Upper bounds (seconds) of the travel-time classes for a norm of ``limit_s`` (:data:`TIME_SHARES`)."""
    return tuple(float(limit_s) * share for share in TIME_SHARES)


def _bound_label(value: float, unit: str) -> str:
    """``2500`` m → ``"2,5"``, ``600`` s → ``"10"`` (Dutch decimal comma; at most one decimal)."""
    shown = round(value / _UNIT_SCALE[unit], 1)
    return fmt_dec(shown, 0 if float(shown).is_integer() else 1) if np.isfinite(shown) else ""


def legend_bins(bins: tuple[float, ...], unit: str) -> list[dict[str, str]]:
    """Legend items of the colour classes (``unit`` ``"km"`` for metres, ``"min"`` for seconds), then unreachable."""
    items = []
    lower = 0.0
    for upper, colour in zip(bins, DIST_COLOURS, strict=True):
        lo, hi = _bound_label(lower, unit), _bound_label(upper, unit)
        label = f"{lo}–{hi} {unit}" if np.isfinite(upper) else f"meer dan {lo} {unit}"
        items.append({"label": label, "color": colour})
        lower = upper
    items.append({"label": "niet bereikbaar", "color": UNREACHABLE_COLOUR})
    return items


def legend_for(norm: Norm) -> list[dict[str, str]]:
    """The class legend of a norm's map: minutes for a time-only norm, else km."""
    if norm.time_only and norm.max_time_s is not None:
        return legend_bins(time_bins_s(norm.max_time_s), "min")
    return legend_bins(DIST_BINS_M, "km")


def class_colours(summary: pd.DataFrame, norm: Norm) -> np.ndarray:
    """Colour per cell by its class: mean travel time for a time-only norm, else mean distance."""
    if norm.time_only and norm.max_time_s is not None:
        cls = distance_classes(summary["mean_time_s"].to_numpy(float), time_bins_s(norm.max_time_s))
    else:
        cls = distance_classes(summary["mean_dist_m"].to_numpy(float))
    palette = np.asarray([*DIST_COLOURS, UNREACHABLE_COLOUR])
    return palette[np.where(cls < 0, len(DIST_COLOURS), cls)]


def tips(place: np.ndarray, parts: list[np.ndarray]) -> list[str]:
    """Tooltip per cell: its village (when known), then the parts joined by `` · ``."""
    head = np.where(place == "", "", place.astype(str) + " · ")
    body = parts[0].astype(object)
    for part in parts[1:]:
        body = body + " · " + part.astype(object)
    return list((head + body).tolist())


def dec1(values: np.ndarray) -> np.ndarray:
    """``3.54`` → ``"3,5"`` for a whole array (vectorised; finite values)."""
    return np.char.replace(np.char.mod("%.1f", np.asarray(values, float)), ".", ",").astype(object)


def int_nl(values: np.ndarray) -> np.ndarray:
    """``12345.6`` → ``"12.346"`` for a whole array (vectorised; below a million)."""
    v = np.rint(np.nan_to_num(np.asarray(values, float))).astype(np.int64)
    thousands = np.char.mod("%d", v // 1000)
    rest = np.char.zfill(np.char.mod("%d", v % 1000), 3)
    return np.where(v >= 1000, np.char.add(np.char.add(thousands, "."), rest), np.char.mod("%d", v)).astype(object)


def km_text(dist_m: np.ndarray) -> np.ndarray:
    """Metres as km with one decimal, without unit (``""`` where not finite)."""
    d = np.asarray(dist_m, float)
    return np.where(np.isfinite(d), dec1(np.where(np.isfinite(d), d, 0.0) / 1000.0), "")


def _with_unit(values: np.ndarray, unit: str) -> np.ndarray:
    """``"8,5 km"`` / ``"14 min"`` per value (``""`` where not finite)."""
    v = np.asarray(values, float)
    finite = np.isfinite(v)
    if unit == "km":
        return np.where(finite, km_text(v) + " km", "").astype(object)
    minutes = np.rint(np.where(finite, v, 0.0) / 60.0).astype(np.int64)
    return np.where(finite, np.char.mod("%d", minutes).astype(object) + " min", "").astype(object)


def figure_text(summary: pd.DataFrame, norm: Norm) -> np.ndarray:
    """A cell's mean figures as text: ``"8,5 km"`` (distance norm), ``"14 min · 3,5 km"`` (time only),
    ``"3,5 km · 14 min"`` (both limits); ``"niet bereikbaar"`` without the first figure."""
    columns = {"km": "mean_dist_m", "min": "mean_time_s"}
    units = ("min", "km") if norm.time_only else ("km", "min") if norm.uses_time else ("km",)
    first = _with_unit(summary[columns[units[0]]].to_numpy(float), units[0])
    text = np.where(first == "", "niet bereikbaar", first).astype(object)
    for unit in units[1:]:
        more = _with_unit(summary[columns[unit]].to_numpy(float), unit)
        text = np.where((first != "") & (more != ""), text + " · " + more, text).astype(object)
    return text
