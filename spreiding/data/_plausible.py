"""Plausibility checks: inputs that can be read but cannot be true are refused.

A file with 10^12 residents, a road network whose roads all have length 0 or
that lies in another part of the country, a distance limit of ``inf`` or a
boundary file that lacks a municipality would otherwise give a result (often
"100 % covered"). Each check here raises a :mod:`spreiding.errors` error with
a Dutch message that names the file and the check. The thresholds are named
constants, documented in the README's "Bad input" table; the real data of the
project passes every check with a wide margin.

A leaf module (numpy and the error classes only), so the data, network and
analysis layers can all use it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from spreiding.errors import ConfigError, ImplausibleDataError, ImplausibleNetworkError, NetworkOutsideRegionError
from spreiding.vocabulary import fmt_dec, fmt_int

__all__ = [
    "MAX_DIST_KM",
    "MAX_RESIDENTS_PER_CELL",
    "MAX_RESIDENTS_TOTAL",
    "MAX_TIME_H",
    "MIN_POINTS_FOR_SNAP_SHARE",
    "MIN_SNAP_SHARE",
    "NEAR_ZERO_EDGE_M",
    "check_edge_lengths",
    "check_municipalities",
    "check_norm_limits",
    "check_population",
    "check_snap_share",
]

MAX_RESIDENTS_PER_CELL: dict[int, float] = {100: 2_000.0, 500: 15_000.0, 1000: 30_000.0}
"""Most residents one grid cell of this size (m) can hold (densest Dutch blocks stay well below)."""
MAX_RESIDENTS_TOTAL = 20_000_000.0
"""Most residents a population file can hold (the whole Netherlands has about 18 million)."""
MIN_SNAP_SHARE = 0.9
"""Least share of residents' points that must lie within the snap distance of a usable road."""
MIN_POINTS_FOR_SNAP_SHARE = 20
"""The snap share is checked only with at least this many points (a share of a handful says nothing)."""
NEAR_ZERO_EDGE_M = 0.5
"""A usable road shorter than this counts as length zero."""
MAX_DIST_KM = 100.0
"""Largest distance limit of a norm (km); a province is about 100 km across."""
MAX_TIME_H = 3.0
"""Largest travel-time limit of a norm (hours)."""


def _cell_limit(size_m: float) -> float | None:
    """Most residents in a cell of ``size_m`` metres (area-scaled beyond the known sizes); None when not a grid."""
    if not math.isfinite(size_m) or size_m <= 0:
        return None
    known = sorted(MAX_RESIDENTS_PER_CELL)
    fitting = [s for s in known if s >= size_m]
    if fitting:
        return MAX_RESIDENTS_PER_CELL[fitting[0]]
    largest = known[-1]
    return MAX_RESIDENTS_PER_CELL[largest] * (size_m / largest) ** 2


def check_population(
    pop_total: np.ndarray, cell_size_m: np.ndarray | float, cell_ids: Sequence[object] | np.ndarray, what: str
) -> None:
    """Refuse residents per cell above :data:`MAX_RESIDENTS_PER_CELL` or a total above :data:`MAX_RESIDENTS_TOTAL`.

    Parameters
    ----------
    pop_total
        Residents per cell (or area).
    cell_size_m
        Cell size per row (NaN for areas such as postcodes: only the total is checked).
    cell_ids
        Cell ids, to name the offending cells.
    what
        The file, for the message.

    Raises
    ------
    ImplausibleDataError
        Naming the file, the cells and the limit.
    """
    total = np.asarray(pop_total, dtype=float)
    sizes = np.broadcast_to(np.asarray(cell_size_m, dtype=float), total.shape)
    for size in np.unique(sizes[np.isfinite(sizes)]):
        limit = _cell_limit(float(size))
        over = np.flatnonzero((sizes == size) & (total > (limit or np.inf)))
        if over.size:
            shown = ", ".join(f"{cell_ids[i]}: {fmt_int(total[i])}" for i in over[:5])
            more = f" en nog {over.size - 5}" if over.size > 5 else ""
            msg = (
                f"{what}: {over.size} cel(len) van {fmt_int(size)} m hebben meer dan {fmt_int(limit)} inwoners "
                f"({shown}{more}); dat kan niet kloppen. Controleer of de kolom met inwoners de juiste is en of "
                "de getallen niet met een factor vermenigvuldigd zijn"
            )
            raise ImplausibleDataError(msg)
    residents = float(np.nansum(total))
    if residents > MAX_RESIDENTS_TOTAL:
        msg = (
            f"{what}: in totaal {fmt_int(residents)} inwoners, meer dan {fmt_int(MAX_RESIDENTS_TOTAL)} "
            "(heel Nederland heeft er ongeveer 18 miljoen); dat kan niet kloppen. Controleer de kolom met inwoners"
        )
        raise ImplausibleDataError(msg)


def check_municipalities(expected: Iterable[str], present: Iterable[str], what: str, region_file: str) -> None:
    """Refuse boundaries that lack a municipality the region file names.

    Raises
    ------
    ImplausibleDataError
        Naming the boundary file, the region file and the missing municipalities.
    """
    have = {str(name).strip().casefold() for name in present}
    missing = [name for name in expected if str(name).strip().casefold() not in have]
    if missing:
        msg = (
            f"{what} mist {len(missing)} gemeente(n) uit het regiobestand {region_file}: {', '.join(missing)}; "
            "zonder grens krijgen hun inwoners stilzwijgend een buurgemeente. Gebruik een grenzenbestand met alle "
            "gemeenten van de regio (spreiding fetch) of pas de gemeentelijst in het regiobestand aan"
        )
        raise ImplausibleDataError(msg)


def check_edge_lengths(length_m: np.ndarray, source: str, mode: str) -> None:
    """Refuse a network whose usable roads (nearly) all have length zero.

    Raises
    ------
    ImplausibleNetworkError
        When more than half of the usable edges are shorter than :data:`NEAR_ZERO_EDGE_M`.
    """
    lengths = np.asarray(length_m, dtype=float)
    if lengths.size == 0:
        return
    short = ~(lengths >= NEAR_ZERO_EDGE_M)  # NaN counts as no length
    if short.mean() > 0.5:
        msg = (
            f"het wegennet {source}: {fmt_dec(100 * short.mean(), 0)} % van de wegen voor {mode} is korter dan "
            f"{fmt_dec(NEAR_ZERO_EDGE_M)} m (lengte nul); afstanden zouden dan nergens op slaan. Controleer de "
            "kolom length (meters) of maak het wegennet opnieuw"
        )
        raise ImplausibleNetworkError(msg)


def check_snap_share(snapped: np.ndarray, max_snap_m: float, source: str, what: str = "het gebied") -> None:
    """Refuse a network that does not cover the points: fewer than :data:`MIN_SNAP_SHARE` lie near a road.

    Parameters
    ----------
    snapped
        Per point, whether it lies within ``max_snap_m`` of a usable road.
    max_snap_m
        The snap distance used.
    source
        The network file, for the message.
    what
        The area the points belong to (region or population file).

    Raises
    ------
    NetworkOutsideRegionError
        With the share, the network file and the fix.
    """
    flags = np.asarray(snapped, dtype=bool)
    if flags.size < MIN_POINTS_FOR_SNAP_SHARE:
        return
    share = float(flags.mean())
    if share < MIN_SNAP_SHARE:
        msg = (
            f"het wegennet {source or '(onbekend)'} raakt {what} niet: slechts {fmt_dec(100 * share, 0)} % van de "
            f"inwonerspunten ligt binnen {fmt_dec(max_snap_m / 1000, 1)} km van een weg (minstens "
            f"{fmt_dec(100 * MIN_SNAP_SHARE, 0)} % nodig); kies het wegennet van deze regio (--network)"
        )
        raise NetworkOutsideRegionError(msg)


def check_norm_limits(name: str, max_dist_m: float | None, max_time_s: float | None) -> None:
    """Refuse norm limits that are missing, zero, negative, not finite or implausibly large.

    Raises
    ------
    ConfigError
        Naming the norm, the limit and the allowed range (with the CLI options).
    """
    given = [v for v in (max_dist_m, max_time_s) if v is not None and v != 0]
    if not given:
        msg = (
            f"norm {name!r} heeft geen grens: geef een afstand (--max-km, meer dan 0) en/of een reistijd "
            "(--max-min, meer dan 0)"
        )
        raise ConfigError(msg)
    checks = (
        ("afstandsgrens", "--max-km", max_dist_m, 1000.0, MAX_DIST_KM, "km"),
        ("tijdsgrens", "--max-min", max_time_s, 60.0, MAX_TIME_H * 60, "min"),
    )
    for label, option, value, per_unit, top, unit in checks:
        if value is None:
            continue
        number = float(value)
        if not math.isfinite(number) or not 0 < number <= top * per_unit:
            shown = f"{number / per_unit:g}".replace(".", ",")
            msg = (
                f"norm {name!r}: {label} {shown} {unit} kan niet; geef {option} een getal groter dan 0 en "
                f"hoogstens {fmt_int(top)} {unit}"
            )
            raise ConfigError(msg)
