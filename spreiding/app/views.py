"""What the pages show, in Dutch: headline figures and display tables made from the package's results.

The pages know no column names of the package; every table and figure they
show comes from a function here, with headers from :mod:`spreiding.app.labels`.
All functions are pure (they never change the frames they get).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from spreiding.analysis.cbs_compare import display_comparison
from spreiding.analysis.evaluation import Evaluation
from spreiding.analysis.norm import Norm
from spreiding.app.labels import COLUMN_LABELS, STATUS_LABELS, as_text, display_table, nl_dec, nl_int
from spreiding.data.dates import uncertain_note
from spreiding.errors import ConfigError
from spreiding.network.nearest import DistanceModel
from spreiding.siting.texts import solver_sentence
from spreiding.study import MATRIX_MAX_SITES
from spreiding.vocabulary import (
    CANDIDATE_KIND_LABELS,
    CANDIDATE_SOURCE_LABELS,
    HEADLINE_LABELS,
    SOURCE_KIND_LABELS,
    fmt_dec,
    fmt_min,
    quality_label,
    source_description_nl,
)

__all__ = [
    "Headline",
    "advice_headline",
    "age_view",
    "catchment_view",
    "cbs_view",
    "comparison_columns",
    "comparison_view",
    "counts_view",
    "coverage_view",
    "dutch_style",
    "excluded_text",
    "facility_choices",
    "headline",
    "impact_view",
    "kernen_view",
    "large_list_note",
    "locations_view",
    "model_text",
    "out_of_reach_view",
    "quality_warnings",
    "sites_view",
    "solver_text",
    "sources_view",
    "upload_view",
    "villages_view",
]


@dataclass(frozen=True)
class Headline:
    """The figures at the top of a page, as Dutch text (deltas ``None`` when not shown).

    ``mean_time`` (``"12,5 min"``) is given when the norm has a travel-time limit; ``time_first`` when it has
    no distance limit (the minutes are then the main figure, the km the second).
    """

    covered_pct: str
    mean_dist: str
    outside: str
    covered_pct_delta: str | None = None
    mean_dist_delta: str | None = None
    counted: int = 0
    mean_time: str | None = None
    mean_time_delta: str | None = None
    time_first: bool = False

    def means(self) -> list[tuple[str, str, str | None]]:
        """``(label, value, delta)`` of the mean distance and, with a time limit, the mean travel time,
        the main figure first (labels: :data:`~spreiding.vocabulary.HEADLINE_LABELS`)."""
        figures = [(HEADLINE_LABELS["mean_dist_m"], self.mean_dist, self.mean_dist_delta)]
        if self.mean_time is not None:
            time = (HEADLINE_LABELS["mean_time_s"], self.mean_time, self.mean_time_delta)
            figures = [time, *figures] if self.time_first else [*figures, time]
        return figures


def _sign(text: str) -> str:
    return text if text.startswith("-") else f"+{text}"


def headline(ev: Evaluation, municipality: str | None = None, *, with_delta: bool = True) -> Headline | None:
    """Covered share, mean distance (and travel time) and residents outside the norm (a municipality's, or the
    total).

    Deltas against the current situation are given when the scenario has edits
    and ``with_delta``. The mean travel time is given when the norm has a
    time limit. ``None`` when the municipality is not in the table.
    """
    frame = ev.diff if ev.base is not None else ev.table
    rows = frame.iloc[[-1]] if municipality is None else frame.loc[frame["municipality"].astype(str) == municipality]
    if rows.empty:
        return None
    r = rows.iloc[0]
    delta = with_delta and ev.base is not None
    timed = ev.norm.uses_time
    return Headline(
        covered_pct=f"{nl_dec(r['covered_pct'])} %",
        mean_dist=f"{nl_dec(r['mean_dist_m'] / 1000, 2)} km",
        outside=nl_int(r["residents"] - r["covered"]),
        covered_pct_delta=f"{_sign(nl_dec(r['covered_pct_delta']))} %-punt" if delta else None,
        mean_dist_delta=f"{_sign(nl_dec(r['mean_dist_m_delta'] / 1000, 2))} km" if delta else None,
        counted=len(ev.counted),
        mean_time=fmt_min(r["mean_time_s"]) if timed else None,
        mean_time_delta=_sign(fmt_min(r["mean_time_s_delta"])) if timed and delta else None,
        time_first=ev.norm.time_only,
    )


def model_text(model: DistanceModel) -> str:
    """How distances were measured, without repeating the norm's "over de weg (auto)"."""
    return model.label_nl if model.is_estimate else "wegennet OpenStreetMap"


def excluded_text(ev: Evaluation) -> str | None:
    """A Dutch note (Markdown) naming the counted service points left out for lying too far from the road network.

    Names and ids are user text and pass :func:`~spreiding.app.labels.as_text`.
    """
    if not ev.excluded:
        return None
    names = dict(zip(ev.counted["id"].astype(str), ev.counted["name"].astype(str), strict=True))
    items = ", ".join(f"{as_text(names.get(i, i))} [{as_text(i)}]" for i in ev.excluded)
    return f"Niet meegeteld (te ver van het wegennet): {items}. Controleer de ligging van deze voorzieningen."


_COVERAGE = (
    "municipality", "residents", "covered", "covered_pct", "uncovered", "unreachable", "mean_dist_m",
    "median_dist_m", "p90_dist_m", "mean_time_s",
)  # fmt: skip


def coverage_view(table: pd.DataFrame) -> pd.DataFrame:
    """The coverage table per municipality (+ total row) for display."""
    return display_table(table, _COVERAGE)


def age_view(by_age: pd.DataFrame, municipality: str) -> pd.DataFrame:
    """One municipality's coverage per age band for display."""
    rows = by_age.loc[by_age["municipality"].astype(str) == municipality]
    return display_table(rows, ("age_label", *_COVERAGE[1:]))


_COMPARISON = (
    "municipality", "covered_pct_delta", "lose_coverage", "gain_coverage", "covered_pct_a", "covered_pct_b",
    "mean_dist_m_delta", "mean_dist_m_a", "mean_dist_m_b", "residents",
)  # fmt: skip
"""The key columns first (gemeente, change, who loses / gains), so they show without scrolling sideways."""


def comparison_view(diff: pd.DataFrame, *, time_only: bool = False) -> pd.DataFrame:
    """Scenario B against A per municipality (from :meth:`Workspace.compare`) for display, key columns first.

    With ``time_only`` (a norm with only a travel-time limit) the mean travel time in minutes comes before the
    mean distance.
    """
    if not time_only:
        return display_table(diff, _COMPARISON)
    times = ("mean_time_s_delta", "mean_time_s_a", "mean_time_s_b")
    at = _COMPARISON.index("mean_dist_m_delta")
    return display_table(diff, (*_COMPARISON[:at], *times, *_COMPARISON[at:]))


def comparison_columns(view: pd.DataFrame) -> dict[str, Any]:
    """Narrow columns, the first (municipality or name) pinned and wider (numbers: :func:`dutch_style`)."""
    import streamlit as st

    return {
        col: st.column_config.Column(col, pinned=True, width="medium")
        if col == view.columns[0]
        else st.column_config.Column(col, width="small")
        for col in view.columns
    }


_YEAR_WORDS = frozenset({"jaar", "peiljaar"})
"""First word of a column header that holds a year."""


def dutch_style(view: pd.DataFrame) -> Any:
    """A display table with Dutch numbers (``116.448``; ``3,54``; percentages with one decimal) as a Styler;
    the values stay numbers (sorting works)."""
    styler = view.style
    for col in view.columns:
        if pd.api.types.is_integer_dtype(view[col]) and str(col).split(" ")[0] in _YEAR_WORDS:
            styler = styler.format(na_rep="–", subset=[col])  # a year reads 2021, never 2.021
        elif pd.api.types.is_integer_dtype(view[col]):
            styler = styler.format(thousands=".", na_rep="–", subset=[col])
        elif pd.api.types.is_float_dtype(view[col]):
            digits = 1 if "%" in str(col) else 2
            styler = styler.format(precision=digits, decimal=",", thousands=".", na_rep="–", subset=[col])
    return styler


def catchment_view(table: pd.DataFrame) -> pd.DataFrame:
    """Residents per service point for whom it is the nearest (:meth:`Workspace.catchments`) for display."""
    cols = ("name", "residents_nearest", "covered", "mean_dist_m", "municipality", "kind")  # the figures first
    view = display_table(table, cols)
    return view.rename(columns={COLUMN_LABELS["covered"]: "waarvan binnen de norm"})


def impact_view(impact: pd.DataFrame, municipality: str) -> pd.DataFrame:
    """Closure impact of one municipality's service points for display."""
    rows = impact.loc[impact["municipality"].astype(str) == municipality]
    return display_table(rows, ("name", "kind", "residents_nearest", "covered_loss", "mean_dist_delta_m"))


def villages_view(villages: pd.DataFrame, norm: Norm | None = None) -> pd.DataFrame:
    """Residents outside the norm per village for display: distances in km, or travel times in minutes for a
    time-only ``norm`` (both with both limits)."""
    dist, time = ("mean_dist_m", "max_dist_m"), ("mean_time_s", "max_time_s")
    figures = dist if norm is None or not norm.uses_time else time if norm.time_only else (*dist, *time)
    cols = ("place", "residents", "cells", "unreachable", *figures, "nearest_name")
    return display_table(villages, cols).rename(columns={COLUMN_LABELS["residents"]: "inwoners buiten de norm"})


def kernen_view(table: pd.DataFrame) -> pd.DataFrame:
    """Coverage per kern for display, the largest kernen first (the columns of ``coverage --by kern``)."""
    ordered = table.sort_values("residents", ascending=False, kind="stable")
    cols = ("name", "residents", "covered", "covered_pct", "uncovered", "mean_dist_m")
    return display_table(ordered, cols).rename(columns={COLUMN_LABELS["name"]: "kern"})


def facility_choices(facilities: pd.DataFrame, *, with_status: bool = True) -> dict[str, str]:
    """Service-point id → "name (status)" (or the name alone) for a choice list."""
    names = facilities["name"].astype(str)
    if not with_status:
        return dict(zip(facilities["id"].astype(str), names, strict=True))
    status = facilities["status"].astype(str).map(lambda s: STATUS_LABELS.get(s, s))
    labels = (f"{n} ({s})" for n, s in zip(names, status, strict=True))
    return dict(zip(facilities["id"].astype(str), labels, strict=True))


def advice_headline(advice: Any, ev: Evaluation) -> Headline:
    """Covered share and mean distance (and travel time) with an advice applied, with the change against the
    current situation, from ``ev``, the exact evaluation of the advice (``Workspace.advice_evaluation``).

    Exact: the optimiser's own figures come from a matrix with cut-offs, beyond which a resident's distance
    or time is not known; the evaluation searches those residents. With a travel-time limit the mean travel
    time is given too, first when the norm has no distance limit (as :func:`headline`).
    """
    head = headline(ev)
    if head is None:  # the total row is always there
        msg = "de uitkomst van het advies heeft geen totaalrij"
        raise ConfigError(msg)
    return replace(head, counted=len(advice.sites))


def solver_text(advice: Any) -> str:
    """How the optimiser solved it, in plain words ("bewezen optimaal", or how far from optimal at most)."""
    return solver_sentence(advice.result)


def sites_view(sites: pd.DataFrame) -> pd.DataFrame:
    """Suggested sites for display: Dutch headers, kinds and sources."""
    shown = sites.assign(
        kind=sites["kind"].astype(str).map(lambda k: CANDIDATE_KIND_LABELS.get(k, k)),
        source=sites["source"].astype(str).map(lambda k: CANDIDATE_SOURCE_LABELS.get(k, k)),
    )
    cols = ("rank", "name", "kind", "source", "municipality", "gain_covered", "cumulative_covered")
    return display_table(shown, cols)


def out_of_reach_view(villages: pd.DataFrame) -> pd.DataFrame:
    """Residents no site can bring within the norm, per village, for display."""
    view = display_table(villages, ("place", "residents", "cells", "max_dist_m"))
    return view.rename(columns={COLUMN_LABELS["max_dist_m"]: "afstand tot het dichtstbijzijnde punt (km)"})


def sources_view(sources: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per data source: kind, file, year, rows, CRS, description, quality figures."""
    rows = []
    for src in sources:
        quality = src.get("quality") or {}
        rows.append(
            {
                "soort": SOURCE_KIND_LABELS.get(str(src.get("kind")), str(src.get("kind"))),
                "bestand": Path(str(src.get("path"))).name,
                "peiljaar": "" if src.get("year") is None else str(src.get("year")),  # a year, never "2.021"
                "regels": src.get("rows"),
                "CRS": src.get("crs"),
                "beschrijving": source_description_nl(str(src.get("description") or "")),
                "kwaliteit": "; ".join(
                    f"{quality_label(k)}: {fmt_dec(v, 0) if float(v).is_integer() else fmt_dec(v, 1)}"
                    for k, v in quality.items()
                    if isinstance(v, int | float) and v
                ),
            }
        )
    return pd.DataFrame(rows)


def counts_view(facilities: pd.DataFrame) -> pd.DataFrame:
    """Number of service points per kind and status."""
    counts = facilities.groupby(["kind", "status"]).size().rename("count").reset_index()
    return display_table(counts, ("kind", "status", "count"))


def _approximate(facilities: pd.DataFrame) -> pd.Series:
    return facilities["location_precision"].astype(str).str.contains("centre|center|centrum", case=False)


def quality_warnings(
    sources: Sequence[Mapping[str, Any]], facilities: pd.DataFrame, network_source: str | None
) -> list[str]:
    """Data-quality warnings: the loaders' own, secret cells, uncertain or approximate service points, network."""
    warnings: list[str] = []
    for src in sources:
        kind = SOURCE_KIND_LABELS.get(str(src.get("kind")), str(src.get("kind")))
        warnings += [f"{kind}: {w}" for w in src.get("warnings") or []]
        q = src.get("quality") or {}
        if q.get("secret_cells"):
            warnings.append(f"{kind}: {nl_int(q['secret_cells'])} geheime cellen (minder dan 5 inwoners), geschat")
    if "confidence" in facilities:
        low = int(facilities["confidence"].astype(str).isin(["low", "medium"]).sum())
        if low:
            warnings.append(f"{low} voorzieningen met onzekere ligging of status (zekerheid middel of laag)")
    dated = uncertain_note(facilities)
    if dated:
        warnings.append(dated)
    if "location_precision" in facilities and _approximate(facilities).any():
        n = int(_approximate(facilities).sum())
        warnings.append(f"{n} voorzieningen liggen op het dorps- of stadscentrum, niet op het adres")
    if network_source is None:
        warnings.append("geen wegennet geladen: afstanden zijn hemelsbrede schattingen")
    else:
        warnings.append(f"wegennet: {network_source} (OpenStreetMap 2021; geen maximumsnelheden)")
    return warnings


def locations_view(facilities: pd.DataFrame) -> pd.DataFrame | None:
    """Where each service point lies and how sure that is (``None`` when the list does not say)."""
    if "location_precision" not in facilities:
        return None
    return display_table(facilities, ("id", "name", "kind", "status", "location_precision", "confidence"))


def large_list_note(n_points: int) -> str | None:
    """What the app does with a service-point list above :data:`~spreiding.study.MATRIX_MAX_SITES` (else None)."""
    if n_points <= MATRIX_MAX_SITES:
        return None
    return (
        f"De lijst heeft {nl_int(n_points)} voorzieningen (meer dan {nl_int(MATRIX_MAX_SITES)}). "
        "Elke wijziging wordt met één zoektocht over het wegennet herberekend (ongeveer 0,1–0,5 s per "
        "wijziging bij een provincie zo groot als Drenthe; de eerste berekening na het inschakelen duurt langer). "
        "De sluitingsrangorde en het locatieadvies rekenen met een afstandsmatrix en zijn voor deze lijst niet "
        "beschikbaar; beperk de lijst om ze te gebruiken."
    )


_UPLOAD_COLUMNS = (
    "id", "name", "place", "municipality", "kind", "status", "host_building", "open_from", "open_until",
    "location_precision", "confidence",
)  # fmt: skip


def upload_view(frame: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """A summary line and the first rows of a checked upload."""
    n_open = int((frame["status"] == "open").sum())
    rows = display_table(frame.head(50), _UPLOAD_COLUMNS)
    return f"{nl_int(len(frame))} voorzieningen gelezen en gecontroleerd ({nl_int(n_open)} open)", rows


def cbs_view(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison with CBS for display (Dutch headers, km with decimal commas, signed differences)."""
    return display_comparison(table)
