"""Shared sidebar state and cached loaders of the app (no analysis code here).

Heavy inputs (region, road network, distance matrix over every service point)
are loaded once per process with ``st.cache_resource`` and never mutated.
User edits live in ``st.session_state`` until saved to the scenario store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import html
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from spreiding.analysis.evaluation import ScenarioContext, ScenarioResult, compare_results, evaluate, prepare_context
from spreiding.analysis.norm import AGE_BAND_LABELS, AGE_BANDS, ALL_KINDS, DEFAULT_KINDS, PRESETS, Norm
from spreiding.analysis.scenario import Edit, Scenario, norm_to_dict
from spreiding.data.region import Region, load_region
from spreiding.errors import (
    ConfigError,
    CRSError,
    DataNotFoundError,
    DuplicateIdError,
    InvalidDataError,
    MissingColumnsError,
    OutsideRegionError,
    SpreidingError,
)
from spreiding.network.engine import DistanceModel
from spreiding.network.roads import RoadNetwork, load_network
from spreiding.output.export import analysis_tables, export_name, to_csv_bytes, to_gpkg_bytes, to_xlsx_bytes
from spreiding.study import Analysis

__all__ = [
    "APP_DIR",
    "BASE_SCENARIO",
    "KIND_NL",
    "MAX_UPLOAD_MB",
    "MODE_LABELS",
    "Download",
    "Settings",
    "active_facilities",
    "add_edit",
    "as_analysis",
    "check_upload",
    "closure_impact_for",
    "compare_scenarios",
    "context_for",
    "context_key",
    "delete_stored",
    "evaluate_scenario",
    "export_files",
    "get_candidate_matrix",
    "get_candidates",
    "get_context",
    "get_network",
    "get_places",
    "get_region",
    "get_scenario",
    "get_store",
    "load_stored",
    "model_banner",
    "model_text",
    "network_missing",
    "norm_key",
    "put_scenario",
    "result_key",
    "result_map",
    "save_to_store",
    "scenario_key",
    "scenarios",
    "sidebar",
    "table_nl",
    "upload_error_nl",
    "user_errors",
]

logger = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parents[2]
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
    upload: str = ""
    """Content hash of the uploaded service-point list in use ("" = the data folder's list)."""


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


@st.cache_resource(show_spinner="Afstanden berekenen …", max_entries=8)
def get_context(
    data_dir: str, mode: str, crowfly: bool, upload: str = "", _facilities: gpd.GeoDataFrame | None = None
) -> ScenarioContext:
    """Distances from every cell to every service point (all statuses), once per process.

    ``upload`` is the content hash of an uploaded service-point list (then
    ``_facilities`` holds it; it is not hashed, the hash is the key).
    """
    region = get_region(data_dir)
    network = None if crowfly else get_network(data_dir, mode)
    facilities = region.facilities
    if upload:
        if _facilities is None:
            msg = "de geüploade voorzieningen zijn niet meer in deze sessie; upload het bestand opnieuw (pagina Data)"
            raise ConfigError(msg)
        facilities = _facilities
    return prepare_context(region.population, facilities, network, mode=mode, total_label=region.name)


def context_key(settings: Settings) -> tuple[str, str, bool, str]:
    """Cache key of a scenario context: data folder, mode, crow-fly flag, upload hash."""
    return (settings.data_dir, settings.norm.mode, settings.crowfly, settings.upload)


def active_facilities(settings: Settings) -> gpd.GeoDataFrame:
    """The service-point list in use: the uploaded one (when switched on) or the data folder's."""
    if settings.upload:
        uploads: dict[str, tuple[str, gpd.GeoDataFrame]] = st.session_state.get("uploads", {})
        if settings.upload in uploads:
            return uploads[settings.upload][1]
    return get_region(settings.data_dir).facilities


def context_for(settings: Settings) -> ScenarioContext:
    """The (cached) base scenario context for the settings, with the active service-point list."""
    facilities = active_facilities(settings) if settings.upload else None
    return get_context(*context_key(settings), _facilities=facilities)


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
    sb.radio(
        "Vervoerswijze",
        list(MODE_LABELS),
        key="norm_mode",
        format_func=lambda k: str(MODE_LABELS.get(k)),
        horizontal=True,
    )
    sb.number_input("Redelijke afstand over de weg (km, 0 = geen)", 0.0, 100.0, step=0.5, key="norm_km")
    sb.number_input("Maximale reistijd (min, 0 = geen)", 0.0, 240.0, step=1.0, key="norm_min")
    sb.multiselect(
        "Telt als volwaardige bibliotheek",
        sorted(ALL_KINDS),
        key="norm_kinds",
        format_func=lambda k: str(KIND_NL.get(k)),
    )
    sb.selectbox(
        "Leeftijdsgroep", ["pop_total", *AGE_BANDS], key="norm_age", format_func=lambda k: str(AGE_BAND_LABELS.get(k))
    )
    sb.radio(
        "Kleur cellen naar",
        ["distance", "covered"],
        key="colour_by",
        format_func=lambda k: str({"distance": "afstand", "covered": "binnen / buiten de norm"}.get(k)),
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
    _stored_panel(sb)
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
    upload = ""
    digest = st.session_state.get("upload_on", "")
    if digest and digest in st.session_state.get("uploads", {}):
        upload = digest
        sb.info(f"Eigen voorzieningenbestand in gebruik: {st.session_state['uploads'][digest][0]} (zie Data).")
    return Settings(
        data_dir=st.session_state.get("data_dir", "") or "",
        crowfly=bool(st.session_state.get("crowfly", False)),
        norm=norm,
        scenario=st.session_state["active_scenario"],
        colour_by=st.session_state.get("colour_by", "distance"),
        upload=upload,
    )


def _stored_panel(sb: Any) -> None:
    """Stored scenarios with a delete button that asks for confirmation."""
    store = get_store()
    names = store.names() if store is not None else []
    with sb.expander(f"Bewaarde scenario's ({len(names)})"):
        if not names:
            st.caption("Nog geen bewaarde scenario's; bewaar er een op de Kaart of bij Optimaliseren.")
            return
        pick = st.selectbox("Bewaard scenario", names, key="store_pick")
        pending = st.session_state.get("confirm_delete")
        if pending not in names:
            pending = None
        if pending is None:
            if st.button("Verwijderen …", key="btn_del"):
                st.session_state["confirm_delete"] = pick
                st.rerun()
            return
        st.warning(f"Scenario '{pending}' definitief verwijderen uit de opslag?")
        c1, c2 = st.columns(2)
        if c1.button("Ja, verwijderen", key="btn_del_yes", type="primary"):
            st.session_state.pop("confirm_delete", None)
            with user_errors():
                delete_stored(pending)
            st.rerun()
        if c2.button("Annuleren", key="btn_del_no"):
            st.session_state.pop("confirm_delete", None)
            st.rerun()


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


def norm_key(norm: Norm) -> str:
    """A norm as a stable JSON string (cache key; kinds sorted)."""
    return json.dumps(norm_to_dict(norm), sort_keys=True, default=str)


def scenario_key(scenario: Scenario) -> str:
    """A scenario as a stable JSON string (cache key)."""
    return json.dumps(scenario.to_dict(), sort_keys=True, default=str)


def result_key(settings: Settings, name: str | None = None) -> tuple[Any, ...]:
    """Everything a scenario result depends on, as hashable plain values."""
    return (*context_key(settings), norm_key(settings.norm), scenario_key(get_scenario(name or settings.scenario)))


@st.cache_resource(show_spinner="Scenario doorrekenen …", max_entries=64)
def _evaluate_cached(
    key: tuple[Any, ...], _context: ScenarioContext, _scenario: Scenario, _norm: Norm
) -> ScenarioResult:
    """One scenario result per key (shared by sessions; never mutated by the pages)."""
    return evaluate(_context, _scenario, _norm)


def evaluate_scenario(settings: Settings, name: str | None = None) -> ScenarioResult:
    """Coverage of a scenario (default: the active one) against the base, for the sidebar's norm.

    Results are cached per process (``st.cache_resource``) keyed on plain
    values: data folder, mode, crow-fly flag, upload hash, and the norm and
    scenario as JSON. The session keeps the context grown by new locations
    so the next edit searches only its own new location; the result does not
    depend on which (grown) context is used.
    """
    scenario = get_scenario(name or settings.scenario)
    ckey = context_key(settings)
    contexts: dict[Any, ScenarioContext] = st.session_state.setdefault("_contexts", {})
    context = contexts.get(ckey) or context_for(settings)
    result = _evaluate_cached(result_key(settings, name), context, scenario, settings.norm)
    grown = result.context
    if grown is not None and len(grown.matrix.facility_ids) > len(context.matrix.facility_ids):
        contexts[ckey] = grown
    return result


@st.cache_data(show_spinner=False, max_entries=64)
def _uncovered_cached(key: tuple[Any, ...], _result: ScenarioResult, _norm: Norm) -> gpd.GeoDataFrame:
    return _result.uncovered


def as_analysis(result: ScenarioResult, settings: Settings) -> Analysis:
    """A scenario result in the shape the export functions take."""
    return result


@st.cache_data(show_spinner=False, max_entries=32)
def _compare_cached(key: tuple[Any, ...], _a: ScenarioResult, _b: ScenarioResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    return compare_results(_a, _b)


def compare_scenarios(settings: Settings, name_a: str, name_b: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scenario B against scenario A (table and distance-change histogram), cached on plain keys."""
    a = evaluate_scenario(settings, name_a)
    b = evaluate_scenario(settings, name_b)
    key = (*result_key(settings, name_a), scenario_key(get_scenario(name_b)))
    return _compare_cached(key, a, b)


@st.cache_data(show_spinner="Gevolgen van sluiting berekenen …", max_entries=32)
def _impact_cached(key: tuple[Any, ...], _result: ScenarioResult) -> pd.DataFrame:
    from spreiding.analysis.impact import closure_impact

    return closure_impact(_result)


def closure_impact_for(settings: Settings) -> pd.DataFrame:
    """Loss per counted service point of the active scenario if it alone closed (cached)."""
    return _impact_cached(result_key(settings), evaluate_scenario(settings))


@dataclass(frozen=True)
class Download:
    """One file offered for download; ``data`` builds the bytes when the user clicks (deferred)."""

    key: str
    label: str
    data: Callable[[], bytes]
    file_name: str
    mime: str


_MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gpkg": "application/geopackage+sqlite3",
}
_LABELS = {"csv": "CSV (dekking)", "xlsx": "Excel (met bronnen)", "gpkg": "GeoPackage"}


@st.cache_data(show_spinner=False, max_entries=32)
def _export_bytes(
    key: tuple[Any, ...],
    municipality: str | None,
    ext: str,
    _analysis: Analysis,
    _diff: pd.DataFrame,
    _sources: tuple[Any, ...],
) -> bytes:
    """The bytes of one export file (cached on the scenario/norm key, municipality and format)."""
    tables = analysis_tables(_analysis, municipality)
    if ext == "csv":
        return to_csv_bytes(tables["dekking"])
    if ext == "gpkg":
        return to_gpkg_bytes(
            {"buiten_norm": tables["buiten_norm"], "vestigingen": tables["vestigingen"], "dekking": tables["dekking"]}
        )
    diff = _diff
    if municipality is not None:
        diff = _diff.loc[_diff["municipality"].astype(str) == municipality]
    sheets = {"dekking": tables["dekking"], "leeftijd": tables["leeftijd"], "verschil": diff}
    sheets["buiten_norm"] = tables["buiten_norm"]
    return to_xlsx_bytes(sheets, sources=list(_sources), norm=_analysis.norm, model=_analysis.model)


def export_files(
    result: ScenarioResult, settings: Settings, sources: Any, *, municipality: str | None = None
) -> tuple[Download, ...]:
    """CSV, XLSX (with a sources sheet) and GeoPackage of one scenario, optionally one municipality.

    File names say scenario, norm (and municipality) and today's date
    (:func:`spreiding.output.export.export_name`); the current situation is "basis".
    The files are built only when a download button is clicked, so a
    scenario edit does not wait for them.
    """
    analysis = as_analysis(result, settings)
    scen = None if result.scenario.name == BASE_SCENARIO else result.scenario.name
    key = (*context_key(settings), norm_key(result.norm), scenario_key(result.scenario), dt.date.today().isoformat())
    srcs = tuple(sources)
    return tuple(
        Download(
            ext,
            _LABELS[ext],
            functools.partial(_export_bytes, key, municipality, ext, analysis, result.diff, srcs),
            export_name("dekking", scenario=scen, norm=analysis.norm, municipality=municipality, ext=ext),
            _MIME[ext],
        )
        for ext in ("csv", "xlsx", "gpkg")
    )


def network_missing(settings: Settings) -> bool:
    """Whether the road network of the norm's mode is absent (crow-fly fallback)."""
    return not settings.crowfly and get_network(settings.data_dir, settings.norm.mode) is None


def model_text(model: DistanceModel) -> str:
    """How distances were measured, without repeating the norm's "over de weg (auto)"."""
    return model.label_nl if model.is_estimate else "wegennet OpenStreetMap"


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
    from spreiding.analysis.store import ScenarioStore

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


def delete_stored(name: str) -> None:
    """Delete a scenario from the store and from the session (the base becomes active when it was)."""
    store = get_store()
    if store is None:
        msg = "de scenario-opslag is niet te openen; zet SPREIDING_STORE op een schrijfbaar bestand"
        raise ConfigError(msg)
    store.delete(name)
    scenarios().pop(name, None)
    if st.session_state.get("active_scenario") == name:
        st.session_state["_next_scenario"] = BASE_SCENARIO


def load_stored() -> None:
    """Put the stored scenarios that the session does not have yet into the session."""
    store = get_store()
    if store is None:
        return
    have = scenarios()
    for name in store.names():
        if name not in have:
            have[name] = store.load(name)


@st.cache_resource(show_spinner="Kernen laden …")
def get_places(data_dir: str) -> gpd.GeoDataFrame | None:
    """OSM place points (cities, towns, villages, hamlets) to name villages in reports; ``None`` when absent."""
    from spreiding.data.candidates import load_osm_candidates
    from spreiding.data.config import data_paths
    from spreiding.output.report import VILLAGE_CLASSES

    if not data_paths(data_dir or None).osm_points.exists():
        return None
    return load_osm_candidates(data_dir=data_dir or None, place_classes=VILLAGE_CLASSES, building_kinds=())


@st.cache_resource(show_spinner="Kandidaatlocaties laden …")
def get_candidates(data_dir: str, source: str) -> gpd.GeoDataFrame:
    """OSM candidate sites: ``kernen`` (villages/towns) or ``gebouwen`` (MFA-like buildings).

    From the offline OSM points file when present, else from the region's PBF (fresh machine).
    """
    from spreiding.data.candidates import load_candidates, load_osm_candidates
    from spreiding.data.config import data_paths

    if data_paths(data_dir or None).osm_points.exists():
        if source == "kernen":
            return load_osm_candidates(data_dir=data_dir or None, building_kinds=())
        return load_osm_candidates(data_dir=data_dir or None, place_classes=())
    frame = load_candidates("osm", data_dir=data_dir or None)
    wanted = "osm_place" if source == "kernen" else "osm_building"
    return frame.loc[frame["source"] == wanted].reset_index(drop=True)


@st.cache_resource(show_spinner="Afstanden naar kandidaten berekenen …")
def get_candidate_matrix(data_dir: str, mode: str, crowfly: bool, source: str) -> Any:
    """Points × candidates distances (once per process and candidate source)."""
    from spreiding.siting.advice import candidate_matrix

    return candidate_matrix(get_context(data_dir, mode, crowfly), get_candidates(data_dir, source))


# --------------------------------------------------------------------------- uploads


@st.cache_data(show_spinner="Bestand controleren …", max_entries=16)
def _read_upload(digest: str, suffix: str, data_dir: str, _data: bytes) -> gpd.GeoDataFrame:
    from spreiding.data.boundaries import study_area
    from spreiding.data.facilities import load_facilities

    region = get_region(data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(_data)
        return load_facilities(path, study_area=study_area(region.province))


def check_upload(name: str, data: bytes, data_dir: str) -> tuple[str, gpd.GeoDataFrame]:
    """Validate an uploaded service-point file; return its content hash and the checked frame.

    Raises
    ------
    InvalidDataError
        Too large or an unknown file type.
    SpreidingError
        Whatever :func:`spreiding.data.facilities.load_facilities` finds (see :func:`upload_error_nl`).
    """
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        msg = f"bestand {name} is {len(data) / 1e6:.1f} MB; de grens is {MAX_UPLOAD_MB} MB — verklein het bestand"
        raise InvalidDataError(msg)
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".geojson", ".json", ".gpkg"):
        msg = f"bestand {name}: onbekend type {suffix!r}; gebruik CSV, GeoJSON of GeoPackage"
        raise InvalidDataError(msg)
    digest = hashlib.sha256(data).hexdigest()[:16]
    return digest, _read_upload(digest, suffix, data_dir, data)


def upload_error_nl(exc: SpreidingError) -> str:
    """A Dutch message for an upload error that says what to fix (technical detail appended)."""
    detail = str(exc)
    if isinstance(exc, MissingColumnsError):
        text = (
            "Het bestand mist verplichte kolommen. Zorg voor de kolommen **id**, **name**, **kind** "
            "(vestiging / kleine_vestiging / servicepunt) en **status** (open / closed / planned / cancelled), "
            "plus de ligging: **lon/lat** (WGS84-graden) of **x/y** (RD New-meters)."
        )
    elif isinstance(exc, OutsideRegionError) and "swapped" in detail:
        text = "De kolommen lat en lon lijken verwisseld. Wissel de twee kolommen om en upload opnieuw."
    elif isinstance(exc, OutsideRegionError):
        text = (
            "Een of meer punten liggen buiten Drenthe (plus 15 km). Controleer de coördinaten en het "
            "coördinatenstelsel (lon/lat in WGS84 of x/y in RD New, EPSG:28992)."
        )
    elif isinstance(exc, CRSError):
        text = (
            "Verkeerd coördinatenstelsel. Noem de kolommen **lon/lat** voor WGS84-graden, of geef **x/y** in "
            "RD New-meters (EPSG:28992); geef een GeoJSON/GeoPackage een CRS."
        )
    elif isinstance(exc, DuplicateIdError):
        text = "Sommige id's komen meer dan eens voor. Geef elke voorziening een eigen id."
    elif isinstance(exc, DataNotFoundError):
        text = "Het bestand is niet gevonden of leeg. Upload het opnieuw."
    else:
        text = "Het bestand is niet bruikbaar. Pas het aan zoals hieronder beschreven en upload opnieuw."
    return f"{text}\n\nDetails: {detail}"


def result_map(
    result: ScenarioResult, settings: Settings, municipalities: gpd.GeoDataFrame, **extra: Any
) -> dict[str, Any]:
    """Map payload of a scenario result (cells by distance/coverage, its service points, the gemeenten).

    ``extra`` goes to :func:`spreiding.output.maps.map_payload` (``facilities``,
    ``selected``, ``marker_xy``, ``title``).
    """
    from spreiding.output.maps import map_payload

    facilities = extra.pop("facilities", result.facilities)
    return map_payload(
        result.points,
        result.nearest,
        settings.norm,
        facilities,
        counted_ids=result.counted["id"].astype(str).tolist(),
        covered=result.covered,
        municipalities=municipalities,
        colour_by=settings.colour_by,
        **extra,
    )
