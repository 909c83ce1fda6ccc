"""Streamlit glue: process-wide read-only inputs, the session's Workspace, the sidebar and Dutch errors.

Only read-only inputs are shared between sessions (``st.cache_resource``,
bounded): the region, the road networks, place and candidate points, and the
base :class:`~spreiding.study.Study` per study key. Everything a user changes
or grows lives in the session's :class:`~spreiding.app.workspace.Workspace`
(``st.session_state["workspace"]``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import streamlit as st

from spreiding.analysis.norm import AGE_BANDS, ALL_KINDS, DEFAULT_KINDS, DEFAULT_TARGET_SHARE, PRESETS, Norm
from spreiding.app.labels import AGE_LABELS, COLOUR_LABELS, KIND_LABELS, MODE_LABELS, as_text, label_of
from spreiding.app.workspace import Settings, StudyKey, Workspace
from spreiding.data.region import Region, load_region
from spreiding.errors import ConfigError, DataNotFoundError, SpreidingError
from spreiding.network.nearest import DistanceModel
from spreiding.network.roads import RoadNetwork, load_network
from spreiding.study import Study, StudySettings

__all__ = ["MAX_STUDIES", "StreamlitInputs", "model_banner", "page_args", "sidebar", "user_errors", "workspace"]

logger = logging.getLogger(__name__)

MAX_STUDIES = 4
"""Base studies kept per process (data folder × mode × crow-fly × placement × upload)."""


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Show package errors as a message that says what to fix, never a traceback (names in it as text)."""
    try:
        yield
    except SpreidingError as exc:
        st.error(as_text(exc))
        st.stop()


# --------------------------------------------------------------------------- shared read-only inputs


@st.cache_resource(show_spinner="Gegevens laden …", max_entries=4)
def _region(data_dir: str) -> Region:
    return load_region(data_dir or None)


@st.cache_resource(show_spinner="Wegennet laden …", max_entries=6)
def _network(data_dir: str, mode: str) -> RoadNetwork | None:
    try:
        return load_network(None, mode, data_dir=data_dir or None, progress=False)
    except DataNotFoundError as exc:
        logger.warning("no road network: %s", exc)
        return None


@st.cache_resource(show_spinner="Afstanden berekenen …", max_entries=MAX_STUDIES)
def _base_study(
    data_dir: str, mode: str, crowfly: bool, placement: str, upload: str, _facilities: gpd.GeoDataFrame | None
) -> Study:
    """The base Study of one key, its matrix built (shared by sessions, never changed afterwards)."""
    region = _region(data_dir)
    network = None if crowfly else _network(data_dir, mode)
    facilities = _facilities if upload and _facilities is not None else region.facilities
    settings = StudySettings(mode=mode, placement=placement)
    study = Study(region.population, facilities, network, settings, total_label=region.name)
    study.prepare()  # the matrix is built once on the shared base (not above the size switch)
    return study


@st.cache_resource(show_spinner="Kernen laden …", max_entries=4)
def _places(data_dir: str) -> gpd.GeoDataFrame | None:
    from spreiding.data.candidates import load_osm_candidates
    from spreiding.data.config import data_paths
    from spreiding.output.report import VILLAGE_CLASSES

    if not data_paths(data_dir or None).osm_points.exists():
        return None
    return load_osm_candidates(data_dir=data_dir or None, place_classes=VILLAGE_CLASSES, building_kinds=())


@st.cache_resource(show_spinner="Kandidaatlocaties laden …", max_entries=8)
def _candidates(data_dir: str, source: str) -> gpd.GeoDataFrame:
    from spreiding.data.candidates import load_candidates, load_osm_candidates
    from spreiding.data.config import data_paths

    if data_paths(data_dir or None).osm_points.exists():
        if source == "kernen":
            return load_osm_candidates(data_dir=data_dir or None, building_kinds=())
        return load_osm_candidates(data_dir=data_dir or None, place_classes=())
    frame = load_candidates("osm", data_dir=data_dir or None)
    wanted = "osm_place" if source == "kernen" else "osm_building"
    return frame.loc[frame["source"] == wanted].reset_index(drop=True)


class StreamlitInputs:
    """The workspace's :class:`~spreiding.app.workspace.Inputs`, cached per process by Streamlit."""

    def study(self, key: StudyKey, facilities: gpd.GeoDataFrame | None) -> Study:
        """The shared base Study of ``key``."""
        return _base_study(key.data_dir, key.mode, key.crowfly, key.placement, key.upload, facilities)

    def region(self, data_dir: str) -> Region:
        """The region's inputs."""
        return _region(data_dir)

    def places(self, data_dir: str) -> gpd.GeoDataFrame | None:
        """OSM place points (``None`` when absent)."""
        return _places(data_dir)

    def candidates(self, data_dir: str, source: str) -> gpd.GeoDataFrame:
        """Candidate sites (``kernen`` or ``gebouwen``)."""
        return _candidates(data_dir, source)


# --------------------------------------------------------------------------- the session


def workspace() -> Workspace:
    """The session's workspace (made on first use, with the stored scenarios)."""
    ss = st.session_state
    if "workspace" not in ss:
        ws = Workspace(StreamlitInputs())
        ss["workspace"] = ws
        with contextlib.suppress(SpreidingError):
            ws.load_stored()
    ws = ss["workspace"]
    assert isinstance(ws, Workspace)
    for line in ws.damaged:  # damaged stored rows are reported by name and skipped; the rest loads
        st.warning(f"Opgeslagen scenario overgeslagen (beschadigd): {as_text(line)}", icon="⚠️")
    return ws


def page_args() -> tuple[Workspace, Settings]:
    """What a page's ``render`` gets: the session's workspace and the sidebar's settings."""
    settings = st.session_state["settings"]
    assert isinstance(settings, Settings)
    return workspace(), settings


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


def _norm(preset: Norm | None) -> Norm:
    ss = st.session_state
    km, minutes = float(ss["norm_km"]), float(ss["norm_min"])
    if km <= 0 and minutes <= 0:
        msg = "de norm heeft geen afstand en geen reistijd; vul een redelijke afstand of een maximale reistijd in"
        raise ConfigError(msg)
    values = {
        "mode": ss["norm_mode"],
        "max_dist_m": km * 1000 if km > 0 else None,
        "max_time_s": minutes * 60 if minutes > 0 else None,
        "kinds": frozenset(ss["norm_kinds"] or DEFAULT_KINDS),
        "age_band": None if ss["norm_age"] == "pop_total" else ss["norm_age"],
    }
    if preset is not None and all(getattr(preset, k) == v for k, v in values.items()):
        return preset  # the same norm as the CLI's --norm <preset>
    parts = [f"{km:g} km"] if km > 0 else []
    parts += [f"{minutes:g} min"] if minutes > 0 else []
    name = f"{' en '.join(parts) or 'norm'} {MODE_LABELS.get(ss['norm_mode'], ss['norm_mode'])}"
    return Norm(name=name, **values)  # type: ignore[arg-type]


def _norm_widgets(sb: Any) -> Norm:
    sb.selectbox(
        "Voorbeeldnorm",
        list(PRESETS),
        key="norm_preset",
        format_func=lambda k: PRESETS[k].name,
        on_change=_apply_preset,
        help="De wet (Wsob) noemt geen getal voor de redelijke afstand; dit zijn voorbeelden.",
    )
    sb.radio(
        "Vervoerswijze", list[str](MODE_LABELS), key="norm_mode", format_func=label_of(MODE_LABELS), horizontal=True
    )
    sb.number_input("Redelijke afstand over de weg (km, 0 = geen)", 0.0, 100.0, step=0.5, key="norm_km")
    sb.number_input("Maximale reistijd (min, 0 = geen)", 0.0, 240.0, step=1.0, key="norm_min")
    sb.multiselect(
        "Telt als volwaardige bibliotheek", sorted(ALL_KINDS), key="norm_kinds", format_func=label_of(KIND_LABELS)
    )
    sb.selectbox("Leeftijdsgroep", ["pop_total", *AGE_BANDS], key="norm_age", format_func=label_of(AGE_LABELS))
    st.session_state.setdefault("norm_target", 100.0 * DEFAULT_TARGET_SHARE)
    sb.number_input("Doel: inwoners binnen de norm (%)", 1.0, 100.0, step=1.0, key="norm_target")
    with user_errors():
        norm = _norm(PRESETS.get(st.session_state.get("norm_preset", "")))
        norm = norm.with_(target_share=float(st.session_state["norm_target"]) / 100.0)
    if not st.session_state["norm_kinds"]:
        sb.warning("Geen soort gekozen; vestigingen en kleine vestigingen tellen.")
    sb.caption(f"Norm: {norm.describe()} (voorbeeld; de wet noemt geen getal).")
    return norm


def sidebar(ws: Workspace) -> Settings:
    """Draw the shared sidebar (norm, colours, scenario, data) and apply it to the workspace."""
    ss = st.session_state
    if "norm_mode" not in ss:
        ss["norm_preset"] = "5km-auto"
        _apply_preset()
    sb = st.sidebar
    sb.header("Instellingen")
    norm = _norm_widgets(sb)
    sb.radio(
        "Kleur cellen naar",
        list[str](COLOUR_LABELS),
        key="colour_by",
        format_func=label_of(COLOUR_LABELS),
        horizontal=True,
    )
    ss["active_scenario"] = ws.active
    sb.selectbox(
        "Scenario", list(ws.scenarios), key="active_scenario", on_change=lambda: ws.activate(ss["active_scenario"])
    )
    _stored_panel(sb, ws)
    with sb.expander("Gegevensmap en afstandsmodel"):
        st.text_input("Gegevensmap (leeg = standaard)", key="data_dir", value=os.environ.get("SPREIDING_DATA_DIR", ""))
        st.checkbox("Hemelsbreed rekenen (schatting, geen wegennet)", key="crowfly")
    upload = ss.get("upload_on", "")
    if upload and upload in ws.uploads:
        sb.info(f"Eigen voorzieningenbestand in gebruik: {as_text(ws.uploads[upload])} (zie Data).")
    else:
        upload = ""
    settings = Settings(
        data_dir=ss.get("data_dir", "") or "",
        norm=norm,
        crowfly=bool(ss.get("crowfly", False)),
        upload=upload,
        colour_by=ss.get("colour_by", "distance"),
    )
    with user_errors():
        ws.configure(settings)
    return settings


def _stored_panel(sb: Any, ws: Workspace) -> None:
    """Stored scenarios with a delete button that asks for confirmation."""
    names = ws.stored_names()
    with sb.expander(f"Bewaarde scenario's ({len(names)})"):
        if not names:
            st.caption("Nog geen bewaarde scenario's; bewaar er een op de Kaart of bij Optimaliseren.")
            return
        pick = st.selectbox("Bewaard scenario", names, key="store_pick")
        pending = st.session_state.get("confirm_delete")
        if pending not in names:
            if st.button("Verwijderen …", key="btn_del"):
                st.session_state["confirm_delete"] = pick
                st.rerun()
            return
        st.warning(f"Scenario '{as_text(pending)}' definitief verwijderen uit de opslag?")
        c1, c2 = st.columns(2)
        if c1.button("Ja, verwijderen", key="btn_del_yes", type="primary"):
            st.session_state.pop("confirm_delete", None)
            with user_errors():
                ws.delete_stored(pending)
            st.rerun()
        if c2.button("Annuleren", key="btn_del_no"):
            st.session_state.pop("confirm_delete", None)
            st.rerun()


def model_banner(model: DistanceModel) -> None:
    """The crow-fly banner (shown on every page when distances are estimates)."""
    if model.is_estimate:
        st.warning(
            f"Afstanden zijn **hemelsbrede schattingen** ({model.label_nl}), geen afstanden over de weg. "
            "Zet het wegennet in de gegevensmap (osm/…) of zet 'Hemelsbreed rekenen' uit.",
            icon="⚠️",
        )
