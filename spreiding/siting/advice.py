"""Site suggestions: where new service points (e.g. in an MFA) help most.

Builds the points × candidates matrix, joins it to the counted open service
points (fixed columns; with ``allow_close`` those inside the region may
close: relocation, see :mod:`spreiding.siting.relocation`) and runs
:func:`spreiding.siting.models.mclp`, :func:`~spreiding.siting.models.lscp` or
:func:`~spreiding.siting.models.p_median`. The advice can be saved as a
:class:`~spreiding.analysis.scenario.Scenario`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from spreiding._validate import rows_text
from spreiding.analysis.evaluation import ScenarioContext, location_keys, site_matrix, with_sites
from spreiding.analysis.measures import covered_by_one, is_covered, mean_distance
from spreiding.analysis.norm import AGE_BANDS, Norm
from spreiding.analysis.placement import counted_facilities
from spreiding.analysis.scenario import Edit, Scenario, apply_scenario, close, norm_to_dict, open_site
from spreiding.errors import ConfigError, InvalidDataError
from spreiding.network.engine import DistanceMatrix
from spreiding.siting.models import OptimizeResult, lscp, mclp, p_median
from spreiding.vocabulary import fmt_pct

__all__ = ["MODELS", "SiteAdvice", "age_weights", "candidate_matrix", "closable_mask", "suggest_sites"]

logger = logging.getLogger(__name__)

MODELS = ("mclp", "lscp", "p-median")


def candidate_matrix(
    context: ScenarioContext, candidates: gpd.GeoDataFrame, *, progress: bool = False
) -> DistanceMatrix:
    """Points × candidates distances (one search per candidate), keyed by ``candidate_id``."""
    id_col = "candidate_id" if "candidate_id" in candidates else "id"
    matrix = site_matrix(context, candidates[id_col], candidates.geometry, progress=progress)
    if matrix.excluded:
        logger.warning(
            "%d kandidaatlocatie(s) liggen te ver van het wegennet en bedienen niemand: %s",
            len(matrix.excluded),
            rows_text(matrix.excluded),
        )
    return matrix


def age_weights(population: pd.DataFrame, factors: Mapping[str, float] | None, base: str = "pop_total") -> np.ndarray:
    """Demand weights: ``base`` plus ``(factor − 1) × band`` for each weighted age band.

    ``{"pop_0_14": 2.0, "pop_65plus": 2.0}`` counts children and over-65s twice.
    """
    w = population[base].to_numpy(float).copy()
    for band, factor in (factors or {}).items():
        if band not in AGE_BANDS or band not in population:
            msg = f"onbekende of ontbrekende leeftijdsgroep {band!r} bij --age-weight; kies uit {', '.join(AGE_BANDS)}"
            raise ConfigError(msg)
        if not factor >= 0:
            msg = f"gewicht {factor!r} voor {band} kan niet; geef --age-weight {band}=<getal van 0 of meer>"
            raise ConfigError(msg)
        w += (float(factor) - 1.0) * population[band].to_numpy(float)
    return np.maximum(w, 0.0)


def _effective(dist: np.ndarray, time: np.ndarray, norm: Norm) -> tuple[np.ndarray, float]:
    """One matrix and one limit that encode the norm: a pair within the limit iff it meets every limit.

    The optimisers cover a point when ``matrix <= limit``; pairs that fail any
    limit of the norm (:func:`~spreiding.analysis.measures.is_covered`) become ``inf``.
    """
    value, limit = (time, norm.max_time_s) if norm.max_dist_m is None else (dist, norm.max_dist_m)
    return np.where(is_covered(norm, dist, time), value, np.inf), float(limit if limit is not None else np.inf)


@dataclass(frozen=True, eq=False)
class SiteAdvice:
    """Suggested sites and what they change.

    Attributes
    ----------
    result
        The optimiser's result (column indices over existing + candidates).
    sites
        Suggested new sites in order of added coverage: ``rank, id, name,
        kind, source, municipality, gain_covered, cumulative_covered``, geometry.
    closed
        Ids of existing points the model closes (``allow_close``).
    before, after
        Covered residents, covered share and mean distance before and after.
    norm
        The norm used.
    unreachable
        Candidate ids too far from the road network to serve anyone
        (reported, never silently dropped).
    closed_names
        Names of the closed points, in the order of ``closed``.
    unreachable_names
        Names of the ``unreachable`` candidates (the id where a candidate has no name).
    kept_outside
        Number of counted points across the region's border (never closed).
    max_closures
        Most closures allowed (``None`` without ``allow_close`` or without a limit).
    out_of_reach
        Residents' points with weight that no site (existing or candidate)
        reaches within the norm, with ``dist_m`` and ``nearest_id`` of the
        nearest site (:func:`spreiding.output.report.uncovered_places` groups
        them by village).
    scenario
        Name of the scenario the advice starts from (``None``: the base).
    allow_close
        Whether the model could close points inside the region.
    """

    result: OptimizeResult
    sites: gpd.GeoDataFrame
    closed: tuple[str, ...]
    before: Mapping[str, float]
    after: Mapping[str, float]
    norm: Norm
    unreachable: tuple[str, ...] = ()
    closed_names: tuple[str, ...] = ()
    unreachable_names: tuple[str, ...] = ()
    kept_outside: int = 0
    max_closures: int | None = None
    out_of_reach: gpd.GeoDataFrame | None = None
    scenario: str | None = None
    allow_close: bool = False

    def to_scenario(
        self,
        name: str,
        *,
        kind: str = "kleine_vestiging",
        description: str | None = None,
        base: Scenario | None = None,
    ) -> Scenario:
        """The advice as a scenario: open every suggested site (as ``kind``), close the closed points.

        With ``base`` (the scenario the advice started from) its edits come first.
        """
        edits: list[Edit] = list(base.edits) if base is not None else []
        for row in self.sites.itertuples():  # a handful of sites
            host = f"{row.name} ({row.kind})" if isinstance(row.name, str) and row.name else str(row.kind)
            label = row.name if isinstance(row.name, str) and row.name else f"Locatie {row.id}"
            edits.append(open_site(label, kind, row.geometry.x, row.geometry.y, host_building=host, id=f"new-{row.id}"))
        edits += [close(i) for i in self.closed]
        text = description or (
            f"Advies {self.result.model} ({self.result.method}) voor {self.norm.describe()}: "
            f"{fmt_pct(self.before['covered_pct'])} -> {fmt_pct(self.after['covered_pct'])} binnen de norm"
        )
        return Scenario(name, text, tuple(edits), norm_to_dict(self.norm))


def _summary(dist: np.ndarray, time: np.ndarray, cols: np.ndarray, w: np.ndarray, norm: Norm) -> dict[str, float]:
    d = dist[:, cols].min(axis=1, initial=np.inf).astype(float)
    cov = covered_by_one(norm, dist[:, cols], time[:, cols])
    fin = np.isfinite(d)
    total = float(w.sum())
    covered = float(w[cov].sum())
    mean = float(mean_distance(float((w[fin] * d[fin]).sum()), float(w[fin].sum())))
    return {"covered": covered, "covered_pct": 100.0 * covered / total if total else float("nan"), "mean_dist_m": mean}


def closable_mask(
    facilities: pd.DataFrame,
    region_area: BaseGeometry | None = None,
    *,
    outside_value: str | None = None,
    region_column: str = "region",
) -> np.ndarray:
    """Which service points lie inside the region and may therefore close in an advice.

    A point may close when it lies in ``region_area`` (when given) and its
    ``region_column`` is not ``outside_value`` (when given). Points across the
    border always stay open: residents on this side count on them.
    """
    inside = np.ones(len(facilities), dtype=bool)
    if region_area is not None:
        shapely.prepare(region_area)
        inside &= shapely.covers(region_area, facilities.geometry.to_numpy())
    if outside_value is not None and region_column in facilities:
        inside &= (facilities[region_column].astype("string") != outside_value).fillna(True).to_numpy(bool)
    return inside


def _order_sites(
    dist: np.ndarray, time: np.ndarray, kept: np.ndarray, new: list[int], w: np.ndarray, norm: Norm
) -> tuple[list[int], list[float], list[float]]:
    """The new sites in order of marginal covered residents (greedy over the few chosen sites)."""
    order: list[int] = []
    gains: list[float] = []
    cumulative: list[float] = []
    current = kept
    base_cov = _summary(dist, time, current, w, norm)["covered"]
    remaining = list(new)
    while remaining:
        scores = [_summary(dist, time, np.append(current, c), w, norm)["covered"] for c in remaining]
        best = int(np.argmax(scores))
        order.append(remaining.pop(best))
        gains.append(scores[best] - base_cov)
        base_cov = scores[best]
        cumulative.append(base_cov)
        current = np.append(current, order[-1])
    return order, gains, cumulative


def _sites_frame(
    candidates: gpd.GeoDataFrame, id_col: str, cols: list[int], gains: list[float], cumulative: list[float]
) -> gpd.GeoDataFrame:
    rows = candidates.iloc[cols]
    return gpd.GeoDataFrame(
        {
            "rank": np.arange(1, len(cols) + 1),
            "id": rows[id_col].astype(str).to_numpy(),
            "name": rows["name"].to_numpy() if "name" in rows else None,
            "kind": rows["kind"].to_numpy() if "kind" in rows else None,
            "source": rows["source"].to_numpy() if "source" in rows else None,
            "municipality": rows["municipality"].to_numpy() if "municipality" in rows else None,
            "gain_covered": np.asarray(gains, float),
            "cumulative_covered": np.asarray(cumulative, float),
        },
        geometry=rows.geometry.to_numpy(),
        crs=candidates.crs,
    )


def _out_of_reach(
    points: gpd.GeoDataFrame, eff: np.ndarray, limit: float, dist: np.ndarray, ids: np.ndarray, w: np.ndarray
) -> gpd.GeoDataFrame:
    """Points with weight that no column reaches within the norm, with the nearest site's distance and id."""
    never = (w > 0) & ~(eff <= limit).any(axis=1)
    sub = dist[never]
    out = points.loc[never].copy()
    nearest = np.argmin(np.where(np.isfinite(sub), sub, np.finfo(float).max), axis=1)
    out["dist_m"] = sub.min(axis=1, initial=np.inf)
    out["nearest_id"] = pd.Series(ids[nearest], index=out.index, dtype="object").where(np.isfinite(out["dist_m"]))
    return out


def _names_of(candidates: gpd.GeoDataFrame, id_col: str, ids: list[str]) -> tuple[str, ...]:
    """Candidate names for ids (kind and id where a candidate has no name)."""
    rows = candidates.set_index(candidates[id_col].astype(str))
    out = []
    for i in ids:  # the few candidates off the road network
        name = rows.at[i, "name"] if "name" in rows else None
        kind = rows.at[i, "kind"] if "kind" in rows else ""
        out.append(str(name) if isinstance(name, str) and name.strip() else f"{kind} zonder naam")
    return tuple(out)


def _check_request(model: str, p: int | None, norm: Norm, context: ScenarioContext, empty: bool) -> None:
    if model not in MODELS:
        msg = f"onbekend model {model!r}; kies met --model uit {', '.join(MODELS)}"
        raise ConfigError(msg)
    if model != "lscp" and p is None:
        msg = f"model {model} heeft een aantal locaties nodig; geef dat met --p"
        raise ConfigError(msg)
    if norm.mode != context.model.mode:
        msg = f"de norm geldt voor {norm.mode!r}, de afstanden voor {context.model.mode!r}; kies één reiswijze (--mode)"
        raise ConfigError(msg)
    if empty:
        msg = "geen kandidaatlocaties; gebruik --candidates osm of geef met --candidates een bestand met locaties"
        raise InvalidDataError(msg)


def suggest_sites(
    context: ScenarioContext,
    candidates: gpd.GeoDataFrame,
    norm: Norm,
    *,
    model: str = "mclp",
    p: int | None = None,
    target_share: float = 0.95,
    allow_close: bool = False,
    max_closures: int | None = None,
    region_area: BaseGeometry | None = None,
    outside_value: str | None = None,
    weights_by_age: Mapping[str, float] | None = None,
    cand_matrix: DistanceMatrix | None = None,
    time_limit_s: float = 60.0,
    method: str = "auto",
    progress: bool = False,
    scenario: Scenario | None = None,
) -> SiteAdvice:
    """Suggest new sites among ``candidates`` next to the counted open service points.

    Parameters
    ----------
    context
        Scenario context (points, all service points, their matrix).
    candidates
        Candidate sites (:mod:`spreiding.data.candidates`; ``candidate_id`` is the id).
    norm
        The norm (its limit defines coverage; its weight column the residents).
    model
        ``"mclp"`` (needs ``p``), ``"lscp"`` (uses ``target_share``) or
        ``"p-median"`` (needs ``p``).
    p
        New sites (an upper bound).
    target_share
        LSCP: share of the residents to cover.
    allow_close
        Relocation: MCLP / p-median open ``p`` new sites and close at most
        ``max_closures`` points inside the region that the new ones make
        redundant; LSCP finds the fewest points inside the region (kept +
        new) that reach the target. Points across the border never close.
    max_closures
        Most closures (default ``p``; LSCP: no limit).
    region_area, outside_value
        The region's outline and the ``region`` value of points across the
        border (:func:`closable_mask`); ``None``: not used.
    weights_by_age
        Extra weight per age band (see :func:`age_weights`).
    cand_matrix
        Precomputed :func:`candidate_matrix` (computed when ``None``).
    time_limit_s, method, progress
        Passed to the optimiser.
    scenario
        Start from this scenario's service points (the base when ``None``).

    Returns
    -------
    SiteAdvice
    """
    _check_request(model, p, norm, context, candidates.empty)
    cm = cand_matrix if cand_matrix is not None else candidate_matrix(context, candidates, progress=progress)
    edited = context.facilities if scenario is None else apply_scenario(context.facilities, scenario)
    existing = counted_facilities(edited, norm)
    if "location_key" in existing and (existing["location_key"] != existing["id"]).any():
        context = with_sites(context, existing.loc[existing["location_key"] != existing["id"]])
    ex_ids = existing["id"].astype(str).to_numpy()
    ecols = context.matrix.columns(location_keys(existing))
    id_col = "candidate_id" if "candidate_id" in candidates else "id"
    cand_ids = candidates[id_col].astype(str).to_numpy()
    ccols = cm.columns(cand_ids)
    dist = np.hstack([context.matrix.dist_m[:, ecols], cm.dist_m[:, ccols]])
    time = np.hstack([context.matrix.time_s[:, ecols], cm.time_s[:, ccols]])
    eff, limit = _effective(dist, time, norm)
    w_opt = age_weights(context.points, weights_by_age, norm.weight_column)
    k = len(ex_ids)
    inside = closable_mask(existing, region_area, outside_value=outside_value)
    closing = {
        "allow_close": allow_close,
        "closable": np.flatnonzero(inside),
        "max_closures": max_closures if max_closures is not None or model == "lscp" else p,
    }
    opts = {"time_limit_s": time_limit_s, "method": method, "progress": progress, **closing}
    if model == "mclp":
        res = mclp(w_opt, eff, limit, int(p or 0), existing=np.arange(k), **opts)  # type: ignore[arg-type]
    elif model == "lscp":
        res = lscp(w_opt, eff, limit, target_share=target_share, existing=np.arange(k), **opts)  # type: ignore[arg-type]
    else:
        res = p_median(w_opt, dist, int(p or 0), existing=np.arange(k), **opts)  # type: ignore[arg-type]
    w = context.points[norm.weight_column].to_numpy(float)
    kept = np.array([c for c in res.selected if c < k], dtype=int)
    order, gains, cumulative = _order_sites(dist, time, kept, [c for c in res.new if c >= k], w, norm)
    names = existing["name"].astype(str).to_numpy() if "name" in existing else ex_ids
    excluded = set(cm.excluded)
    return SiteAdvice(
        result=res,
        sites=_sites_frame(candidates, id_col, [c - k for c in order], gains, cumulative),
        closed=tuple(str(ex_ids[c]) for c in res.closed),
        before=_summary(dist, time, np.arange(k), w, norm),
        after=_summary(dist, time, np.asarray(res.selected, dtype=int), w, norm),
        norm=norm,
        unreachable=tuple(i for i in cand_ids if i in excluded),
        closed_names=tuple(str(names[c]) for c in res.closed),
        unreachable_names=_names_of(candidates, id_col, [i for i in cand_ids if i in excluded]),
        kept_outside=int((~inside).sum()),
        max_closures=closing["max_closures"] if allow_close else None,  # type: ignore[arg-type]
        out_of_reach=_out_of_reach(context.points, eff, limit, dist, np.concatenate([ex_ids, cand_ids]), w),
        scenario=None if scenario is None else scenario.name,
        allow_close=allow_close,
    )
