"""Site suggestions: where new service points (e.g. in an MFA) help most.

Builds the points × candidates matrix, joins it to the counted open service
points (fixed columns, optionally allowed to close) and runs
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

from spreiding._validate import rows_text
from spreiding.analysis.evaluation import ScenarioContext, location_keys, site_matrix, with_sites
from spreiding.analysis.measures import covered_by_one, is_covered, mean_distance
from spreiding.analysis.norm import AGE_BANDS, Norm
from spreiding.analysis.placement import counted_facilities
from spreiding.analysis.scenario import Edit, Scenario, apply_scenario, close, norm_to_dict, open_site
from spreiding.errors import ConfigError, InvalidDataError
from spreiding.network.engine import DistanceMatrix
from spreiding.siting.models import OptimizeResult, lscp, mclp, p_median

__all__ = ["MODELS", "SiteAdvice", "age_weights", "candidate_matrix", "suggest_sites"]

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
            "%d candidate site(s) lie too far from the road network and can serve nobody: %s",
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
    """

    result: OptimizeResult
    sites: gpd.GeoDataFrame
    closed: tuple[str, ...]
    before: Mapping[str, float]
    after: Mapping[str, float]
    norm: Norm
    unreachable: tuple[str, ...] = ()

    def to_scenario(self, name: str, *, kind: str = "kleine_vestiging", description: str | None = None) -> Scenario:
        """The advice as a scenario: open every suggested site (as ``kind``), close the closed points."""
        edits: list[Edit] = []
        for row in self.sites.itertuples():  # a handful of sites
            host = f"{row.name} ({row.kind})" if isinstance(row.name, str) and row.name else str(row.kind)
            label = row.name if isinstance(row.name, str) and row.name else f"Locatie {row.id}"
            edits.append(open_site(label, kind, row.geometry.x, row.geometry.y, host_building=host, id=f"new-{row.id}"))
        edits += [close(i) for i in self.closed]
        text = description or (
            f"Advies {self.result.model} ({self.result.method}) voor {self.norm.describe()}: "
            f"{self.before['covered_pct']:.1f}% -> {self.after['covered_pct']:.1f}% binnen de norm"
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


def suggest_sites(
    context: ScenarioContext,
    candidates: gpd.GeoDataFrame,
    norm: Norm,
    *,
    model: str = "mclp",
    p: int | None = None,
    target_share: float = 0.95,
    allow_close: bool = False,
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
        New sites (or all open sites with ``allow_close``).
    target_share
        LSCP: share of coverable weight to cover.
    allow_close
        Let MCLP / p-median close existing points.
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
    if model not in MODELS:
        msg = f"onbekend model {model!r}; kies met --model uit {', '.join(MODELS)}"
        raise ConfigError(msg)
    if model != "lscp" and p is None:
        msg = f"model {model} heeft een aantal locaties nodig; geef dat met --p"
        raise ConfigError(msg)
    if norm.mode != context.model.mode:
        msg = f"de norm geldt voor {norm.mode!r}, de afstanden voor {context.model.mode!r}; kies één reiswijze (--mode)"
        raise ConfigError(msg)
    if candidates.empty:
        msg = "geen kandidaatlocaties; gebruik --candidates osm of geef met --candidates een bestand met locaties"
        raise InvalidDataError(msg)
    cm = cand_matrix if cand_matrix is not None else candidate_matrix(context, candidates, progress=progress)
    edited = context.facilities if scenario is None else apply_scenario(context.facilities, scenario)
    existing = counted_facilities(edited, norm)
    if "location_key" in existing and (existing["location_key"] != existing["id"]).any():
        context = with_sites(context, existing.loc[existing["location_key"] != existing["id"]])
    ex_ids = existing["id"].astype(str).to_numpy()
    keys = location_keys(existing)
    ecols = context.matrix.columns(keys)
    id_col = "candidate_id" if "candidate_id" in candidates else "id"
    cand_ids = candidates[id_col].astype(str).to_numpy()
    ccols = cm.columns(cand_ids)
    dist = np.hstack([context.matrix.dist_m[:, ecols], cm.dist_m[:, ccols]])
    time = np.hstack([context.matrix.time_s[:, ecols], cm.time_s[:, ccols]])
    eff, limit = _effective(dist, time, norm)
    w_opt = age_weights(context.points, weights_by_age, norm.weight_column)
    k = len(ex_ids)
    fixed = np.arange(k)
    opts = {"time_limit_s": time_limit_s, "method": method, "progress": progress}
    if model == "mclp":
        res = mclp(w_opt, eff, limit, int(p or 0), existing=fixed, allow_close=allow_close, **opts)  # type: ignore[arg-type]
    elif model == "lscp":
        res = lscp(w_opt, eff, limit, target_share=target_share, existing=fixed, **opts)  # type: ignore[arg-type]
    else:
        res = p_median(w_opt, dist, int(p or 0), existing=fixed, allow_close=allow_close, **opts)  # type: ignore[arg-type]
    w = context.points[norm.weight_column].to_numpy(float)
    kept = np.array([c for c in res.selected if c < k], dtype=int)
    new = [c for c in res.new if c >= k]
    before = _summary(dist, time, fixed, w, norm)
    # order the new sites by marginal covered residents (greedy over the few chosen sites)
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
    after = _summary(dist, time, np.asarray(res.selected, dtype=int), w, norm)
    rows = candidates.iloc[[c - k for c in order]]
    sites = gpd.GeoDataFrame(
        {
            "rank": np.arange(1, len(order) + 1),
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
    closed = tuple(str(ex_ids[c]) for c in res.closed)
    unreachable = tuple(i for i in cand_ids if i in set(cm.excluded))
    return SiteAdvice(res, sites, closed, before, after, norm, unreachable)
