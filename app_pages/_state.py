"""Shared sidebar state and cached loaders of the app (no analysis code here).

Heavy inputs (region, road network, distance matrix over every service point)
are loaded once per process with ``st.cache_resource`` and never mutated.
User edits live in ``st.session_state`` until saved to the scenario store.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from spreiding.coverage import uncovered_cells
from spreiding.distance import DistanceModel
from spreiding.errors import DataNotFoundError, SpreidingError
from spreiding.evaluation import ScenarioContext, ScenarioResult, evaluate, prepare_context
from spreiding.network import RoadNetwork, load_network
from spreiding.norm import AGE_BAND_LABELS, AGE_BANDS, ALL_KINDS, DEFAULT_KINDS, PRESETS, Norm
from spreiding.region import Analysis, Region, load_region
from spreiding.scenario import Edit, Scenario

__all__ = [
    "APP_DIR",
    "BASE_SCENARIO",
    "KIND_NL",
    "MAX_UPLOAD_MB",
    "MODE_LABELS",
    "Settings",
    "add_edit",
    "as_analysis",
    "evaluate_scenario",
    "get_candidate_matrix",
    "get_candidates",
    "get_context",
    "get_network",
    "get_region",
    "get_scenario",
    "get_store",
    "load_stored",
    "model_banner",
    "network_missing",
    "put_scenario",
    "save_to_store",
    "scenarios",
    "sidebar",
    "table_nl",
    "user_errors",
]

logger = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent.parent
MAX_UPLOAD_MB = 20
BASE_SCENARIO = "Huidige situatie"
MODE_LABELS = {"car": "auto", "bike": "fiets", "walk": "lopen"}
KIND_NL = {"vestiging": "vestiging", "kleine_vestiging": "kleine vestiging", "servicepunt": "servicepunt"}


@dataclass(frozen=True)
class Settings:
    """What the sidebar says (frozen; used as cache key)."""

    data_dir: str
    crowfly: bool
    norm: Norm
    scenario: str
    colour_by: str = "distance"
    extra: tuple[str, ...] = field(default=())


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Show package errors as a message that says what to fix, never a traceback."""
    try:
        yield
    except SpreidingError as exc:
        st.error(str(exc))
        st.stop()


# --------------------------------------------------------------------------- cached loaders


@st.cache_resource(show_spinner="Gegevens laden …")
def get_region(data_dir: str) -> Region:
    """The region's inputs (once per process)."""
    return load_region(data_dir or None)


@st.cache_resource(show_spinner="Wegennet laden …")
def get_network(data_dir: str, mode: str) -> RoadNetwork | None:
    """The road network of a mode, or ``None`` when the file is missing (crow-fly fallback)."""
    try:
        return load_network(None, mode, data_dir=data_dir or None, progress=False)
    except DataNotFoundError as exc:
        logger.warning("no road network: %s", exc)
        return None


@st.cache_resource(show_spinner="Afstanden berekenen …")
def get_context(data_dir: str, mode: str, crowfly: bool) -> ScenarioContext:
    """Distances from every cell to every service point (all statuses), once per process."""
    region = get_region(data_dir)
    network = None if crowfly else get_network(data_dir, mode)
    return prepare_context(region.population, region.facilities, network, mode=mode, total_label=region.name)


# --------------------------------------------------------------------------- sidebar


def _apply_preset() -> None:
    key = st.session_state.get("norm_preset")
    if key not in PRESETS:
        return
    norm = PRESETS[key]
    st.session_state["norm_mode"] = norm.mode
    st.session_state["norm_km"] = float(norm.max_dist_m / 1000) if norm.max_dist_m else 0.0
    st.session_state["norm_min"] = float(norm.max_time_s / 60) if norm.max_time_s else 0.0
    st.session_state["norm_kinds"] = sorted(norm.kinds)
    st.session_state["norm_age"] = norm.age_band or "pop_total"


def _defaults() -> None:
    ss = st.session_state
    if "norm_mode" not in ss:
        ss["norm_preset"] = "5km-auto"
        _apply_preset()
    ss.setdefault("scenarios", {BASE_SCENARIO: Scenario(BASE_SCENARIO)})
    ss.setdefault("active_scenario", BASE_SCENARIO)
    if "_next_scenario" in ss:
        ss["active_scenario"] = ss.pop("_next_scenario")


def sidebar() -> Settings:
    """Draw the shared sidebar (data, mode, norm, age band, scenario) and return its state."""
    _defaults()
    sb = st.sidebar
    sb.header("Instellingen")
    sb.selectbox(
        "Voorbeeldnorm",
        list(PRESETS),
        key="norm_preset",
        format_func=lambda k: PRESETS[k].name,
        on_change=_apply_preset,
        help="De wet (Wsob) noemt geen getal voor de redelijke afstand; dit zijn voorbeelden.",
    )
    sb.radio("Vervoerswijze", list(MODE_LABELS), key="norm_mode", format_func=MODE_LABELS.get, horizontal=True)
    sb.number_input("Redelijke afstand over de weg (km, 0 = geen)", 0.0, 100.0, step=0.5, key="norm_km")
    sb.number_input("Maximale reistijd (min, 0 = geen)", 0.0, 240.0, step=1.0, key="norm_min")
    sb.multiselect("Telt als volwaardige bibliotheek", sorted(ALL_KINDS), key="norm_kinds", format_func=KIND_NL.get)
    sb.selectbox("Leeftijdsgroep", ["pop_total", *AGE_BANDS], key="norm_age", format_func=AGE_BAND_LABELS.get)
    sb.radio(
        "Kleur cellen naar",
        ["distance", "covered"],
        key="colour_by",
        format_func={"distance": "afstand", "covered": "binnen / buiten de norm"}.get,
        horizontal=True,
    )
    if not st.session_state.get("_stored_loaded"):
        st.session_state["_stored_loaded"] = True
        with contextlib.suppress(SpreidingError):
            load_stored()
    names = list(st.session_state["scenarios"])
    if st.session_state.get("active_scenario") not in names:
        st.session_state["active_scenario"] = BASE_SCENARIO
    sb.selectbox("Scenario", names, key="active_scenario")
    with sb.expander("Gegevensmap en afstandsmodel"):
        st.text_input("Gegevensmap (leeg = standaard)", key="data_dir", value=os.environ.get("SPREIDING_DATA_DIR", ""))
        st.checkbox("Hemelsbreed rekenen (schatting, geen wegennet)", key="crowfly")
    km = float(st.session_state["norm_km"])
    minutes = float(st.session_state["norm_min"])
    age = st.session_state["norm_age"]
    kinds = frozenset(st.session_state["norm_kinds"] or DEFAULT_KINDS)
    preset = PRESETS.get(st.session_state.get("norm_preset", ""), None)
    with user_errors():
        norm = Norm(
            name=_norm_name(km, minutes, st.session_state["norm_mode"], preset),
            mode=st.session_state["norm_mode"],
            max_dist_m=km * 1000 if km > 0 else None,
            max_time_s=minutes * 60 if minutes > 0 else None,
            kinds=kinds,
            age_band=None if age == "pop_total" else age,
        )
    if not st.session_state["norm_kinds"]:
        sb.warning("Geen soort gekozen; vestigingen en kleine vestigingen tellen.")
    sb.caption(f"Norm: {norm.describe()} (voorbeeld; de wet noemt geen getal).")
    return Settings(
        data_dir=st.session_state.get("data_dir", "") or "",
        crowfly=bool(st.session_state.get("crowfly", False)),
        norm=norm,
        scenario=st.session_state["active_scenario"],
        colour_by=st.session_state.get("colour_by", "distance"),
    )


def _norm_name(km: float, minutes: float, mode: str, preset: Norm | None) -> str:
    parts = []
    if km > 0:
        parts.append(f"{km:g} km")
    if minutes > 0:
        parts.append(f"{minutes:g} min")
    return f"{' en '.join(parts) or 'norm'} {MODE_LABELS.get(mode, mode)}"


# --------------------------------------------------------------------------- scenario state


def scenarios() -> dict[str, Scenario]:
    """The session's scenarios by name (the base is an empty scenario)."""
    return st.session_state.setdefault("scenarios", {BASE_SCENARIO: Scenario(BASE_SCENARIO)})


def get_scenario(name: str) -> Scenario:
    """One session scenario (the base when unknown)."""
    return scenarios().get(name) or Scenario(BASE_SCENARIO)


def put_scenario(scenario: Scenario, *, activate: bool = True) -> None:
    """Store a scenario in the session and make it active on the next run."""
    scenarios()[scenario.name] = scenario
    if activate:
        st.session_state["_next_scenario"] = scenario.name
    st.session_state.pop("_results", None)


def add_edit(settings: Settings, edit: Edit) -> Scenario:
    """Append an edit to the active scenario (the base gets a new working scenario)."""
    current = get_scenario(settings.scenario)
    if current.name == BASE_SCENARIO:
        n = 1
        while f"Werkscenario {n}" in scenarios():
            n += 1
        current = Scenario(f"Werkscenario {n}", "gemaakt op de kaart")
    updated = current.with_edits(edit)
    put_scenario(updated)
    return updated


def evaluate_scenario(settings: Settings, name: str | None = None) -> ScenarioResult:
    """Coverage of a scenario (default: the active one) against the base, for the sidebar's norm.

    Results are memoised in the session keyed on the frozen settings and
    scenario; the context grown by new sites is kept for the next edit.
    """
    scenario = get_scenario(name or settings.scenario)
    memo: dict[Any, ScenarioResult] = st.session_state.setdefault("_results", {})
    key = (settings, scenario)
    if key in memo:
        return memo[key]
    ckey = (settings.data_dir, settings.norm.mode, settings.crowfly)
    contexts: dict[Any, ScenarioContext] = st.session_state.setdefault("_contexts", {})
    context = contexts.get(ckey) or get_context(*ckey)
    result = evaluate(context, scenario, settings.norm)
    contexts[ckey] = result.context
    if len(memo) > 32:
        memo.clear()
    memo[key] = result
    return result


def as_analysis(result: ScenarioResult, settings: Settings) -> Analysis:
    """A scenario result in the shape the export functions take."""
    points = result.context.points
    uncovered = uncovered_cells(points, result.nearest, settings.norm)
    return Analysis(
        settings.norm, result.model, points, result.nearest, result.table, result.by_age, uncovered, result.counted
    )


def network_missing(settings: Settings) -> bool:
    """Whether the road network of the norm's mode is absent (crow-fly fallback)."""
    return not settings.crowfly and get_network(settings.data_dir, settings.norm.mode) is None


def model_banner(model: DistanceModel) -> None:
    """The crow-fly banner (shown on every page when distances are estimates)."""
    if model.is_estimate:
        st.warning(
            f"Afstanden zijn **hemelsbrede schattingen** ({html.escape(model.label_nl)}), geen afstanden over "
            "de weg. Zet het wegennet in de gegevensmap (osm/…) of zet 'Hemelsbreed rekenen' uit.",
            icon="⚠️",
        )


_TABLE_NL = {
    "municipality": "gemeente",
    "residents": "inwoners",
    "covered": "binnen norm",
    "covered_pct": "binnen norm %",
    "uncovered": "buiten norm",
    "unreachable": "onbereikbaar",
    "mean_dist_m": "gem. afstand (km)",
    "median_dist_m": "mediaan (km)",
    "p90_dist_m": "P90 (km)",
    "mean_time_s": "gem. reistijd (min)",
    "age_label": "leeftijd",
}


def table_nl(table: pd.DataFrame) -> pd.DataFrame:
    """A coverage table for display: Dutch headers, km and minutes, rounded."""
    view = table.copy()
    for col in ("mean_dist_m", "median_dist_m", "p90_dist_m"):
        if col in view:
            view[col] = (view[col] / 1000).round(2)
    if "mean_time_s" in view:
        view["mean_time_s"] = (view["mean_time_s"] / 60).round(1)
    for col in ("residents", "covered", "uncovered", "unreachable"):
        if col in view:
            view[col] = view[col].round(0).astype("int64")
    if "covered_pct" in view:
        view["covered_pct"] = view["covered_pct"].round(1)
    view = view.drop(columns=[c for c in ("distance_model", "placement", "norm", "age_band") if c in view])
    return view.rename(columns=_TABLE_NL)


def get_store() -> Any:
    """The SQLite scenario store (``$SPREIDING_STORE`` or the default place), or ``None`` if unusable."""
    from spreiding.store import ScenarioStore

    try:
        return ScenarioStore.open()
    except SpreidingError as exc:
        logger.warning("scenario store unusable: %s", exc)
        return None


def save_to_store(scenario: Scenario) -> bool:
    """Save a scenario in the SQLite store; ``False`` when no store can be opened."""
    store = get_store()
    if store is None:
        return False
    store.save(scenario)
    return True


def load_stored() -> None:
    """Put the stored scenarios that the session does not have yet into the session."""
    store = get_store()
    if store is None:
        return
    have = scenarios()
    for name in store.names():
        if name not in have:
            have[name] = store.load(name)


@st.cache_resource(show_spinner="Kandidaatlocaties laden …")
def get_candidates(data_dir: str, source: str) -> gpd.GeoDataFrame:
    """OSM candidate sites: ``kernen`` (villages/towns) or ``gebouwen`` (MFA-like buildings)."""
    from spreiding.candidates import load_osm_candidates

    if source == "kernen":
        return load_osm_candidates(data_dir=data_dir or None, building_kinds=None)
    return load_osm_candidates(data_dir=data_dir or None, place_classes=None)


@st.cache_resource(show_spinner="Afstanden naar kandidaten berekenen …")
def get_candidate_matrix(data_dir: str, mode: str, crowfly: bool, source: str) -> Any:
    """Points × candidates distances (once per process and candidate source)."""
    from spreiding.siting import candidate_matrix

    return candidate_matrix(get_context(data_dir, mode, crowfly), get_candidates(data_dir, source))
