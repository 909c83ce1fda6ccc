"""Streamlit glue: process-wide read-only inputs, the session's Workspace, the sidebar and Dutch errors.

Only read-only inputs are shared between sessions (``st.cache_resource``,
bounded): the region, the road networks, place and candidate points, and the
base :class:`~spreiding.study.Study` per study key. Everything a user changes
or grows lives in the session's :class:`~spreiding.app.workspace.Workspace`
(``st.session_state["workspace"]``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os

import geopandas as gpd
import streamlit as st

from spreiding.analysis.norm import PRESETS
from spreiding.analysis.placement import DEFAULT_PLACEMENT, PLACEMENTS
from spreiding.app.feedback import user_errors
from spreiding.app.labels import COLOUR_LABELS, as_text, label_of
from spreiding.app.norm_controls import NORM_KEYS, norm_widgets
from spreiding.app.stored import stored_panel
from spreiding.app.workspace import Settings, StudyKey, Workspace
from spreiding.data.region import Region, load_region
from spreiding.data.status import missing_required
from spreiding.errors import DataNotFoundError, SpreidingError
from spreiding.network.nearest import DistanceModel
from spreiding.network.roads import RoadNetwork, load_network
from spreiding.study import Study, StudySettings
from spreiding.vocabulary import PLACEMENT_LABELS

__all__ = [
    "KEPT_KEYS",
    "MAX_STUDIES",
    "StreamlitInputs",
    "keep_choices",
    "model_banner",
    "page_args",
    "sidebar",
    "user_errors",
    "workspace",
]

logger = logging.getLogger(__name__)

MAX_STUDIES = 4
"""Base studies kept per process (data folder × mode × crow-fly × placement × upload)."""


# --------------------------------------------------------------------------- shared read-only inputs


@st.cache_resource(show_spinner="Gegevens laden …", max_entries=4)
def _region(data_dir: str) -> Region:
    return load_region(data_dir or None)


@st.cache_resource(show_spinner="Wegennet laden …", max_entries=6)
def _network(data_dir: str, mode: str) -> RoadNetwork | None:
    try:
        return load_network(None, mode, data_dir=data_dir or None, progress=False)
    except DataNotFoundError as exc:
        logger.warning("geen wegennet: %s", exc)
        return None


@st.cache_resource(show_spinner="Afstanden berekenen …", max_entries=MAX_STUDIES)
def _base_study(
    data_dir: str,
    mode: str,
    crowfly: bool,
    placement: str,
    upload: str,
    as_of: str,
    _facilities: gpd.GeoDataFrame | None,
) -> Study:
    """The base Study of one key, its matrix built (shared by sessions, never changed afterwards).

    ``_facilities`` is the key's list (the upload or the data folder's) dated on ``as_of`` by the workspace.
    """
    region = _region(data_dir)
    network = None if crowfly else _network(data_dir, mode)
    facilities = _facilities if _facilities is not None else region.facilities
    settings = StudySettings(mode=mode, placement=placement)
    places = _places(data_dir)  # residents' points carry their kern (map tooltips, exports)
    study = Study(
        region.population,
        facilities,
        network,
        settings,
        total_label=region.name,
        places=places,
        municipalities=region.municipalities,  # residents on street nodes go to the municipality of their street
        region_area=region.province.geometry.union_all(),  # site advice never closes points across the border
        outside_value=region.spec.columns.outside_value,
        sources=tuple(region.sources),
    )
    study.prepare()  # the matrix is built once on the shared base (not above the size switch)
    return study


@st.cache_resource(show_spinner="Kernen laden …", max_entries=4)
def _places(data_dir: str) -> gpd.GeoDataFrame | None:
    from spreiding.data.config import data_paths
    from spreiding.data.wijkbuurt import load_places

    if not data_paths(data_dir or None).osm_points.exists():
        return None
    return load_places(data_dir or None)


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
        return _base_study(key.data_dir, key.mode, key.crowfly, key.placement, key.upload, key.as_of, facilities)

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
    return ws


def page_args() -> tuple[Workspace, Settings]:
    """What a page's ``render`` gets: the session's workspace and the sidebar's settings."""
    settings = st.session_state["settings"]
    assert isinstance(settings, Settings)
    return workspace(), settings


def sidebar(ws: Workspace) -> Settings:
    """Draw the shared sidebar (norm, colours, scenario, data) and apply it to the workspace."""
    ss = st.session_state
    sb = st.sidebar
    sb.header("Instellingen")
    norm = norm_widgets(sb) or ss.get("last_norm") or PRESETS["5km-auto"]
    ss["last_norm"] = norm
    sb.radio(
        "Kleur cellen naar",
        list[str](COLOUR_LABELS),
        key="colour_by",
        format_func=label_of(COLOUR_LABELS),
        horizontal=True,
    )
    sb.date_input(
        "Peildatum",
        value=dt.date.today(),
        min_value=dt.date(2000, 1, 1),
        max_value=dt.date.today(),
        key="as_of",
        format="DD-MM-YYYY",
        help="De voorzieningen die op deze dag open waren (open vanaf / open tot en met in de lijst); "
        "standaard vandaag.",
    )
    ss["active_scenario"] = ws.active
    sb.selectbox(
        "Scenario", list(ws.scenarios), key="active_scenario", on_change=lambda: ws.activate(ss["active_scenario"])
    )
    stored_panel(sb, ws)
    with sb.expander("Gegevensmap en afstandsmodel"):
        st.text_input("Gegevensmap (leeg = standaard)", key="data_dir", value=os.environ.get("SPREIDING_DATA_DIR", ""))
        st.checkbox("Hemelsbreed rekenen (schatting, geen wegennet)", key="crowfly")
        st.radio(
            "Inwoners plaatsen",
            sorted(PLACEMENTS, key=lambda p: p != DEFAULT_PLACEMENT),
            key="placement",
            format_func=label_of(PLACEMENT_LABELS),
            help="Op woonstraten (standaard) of op het middelpunt van hun cel; hemelsbreed altijd op het middelpunt.",
        )
    upload = ss.get("upload_on", "")
    if upload and upload in ws.uploads:
        sb.info(f"Eigen voorzieningenbestand in gebruik: {as_text(ws.uploads[upload])} (zie Data).")
    else:
        upload = ""
    data_dir = ss.get("data_dir", "") or ""
    ss["missing_data"] = missing_required(data_dir or None)
    settings = Settings(
        data_dir=data_dir,
        norm=norm,
        crowfly=bool(ss.get("crowfly", False)),
        placement=ss.get("placement", DEFAULT_PLACEMENT),
        upload=upload,
        colour_by=ss.get("colour_by", "distance"),
        as_of=ss.get("as_of") or dt.date.today(),
    )
    if ss["missing_data"]:
        sb.warning("Gegevens ontbreken; zie de pagina Data.")
        return settings
    with user_errors():
        ws.configure(settings)
    return settings


KEPT_KEYS: tuple[str, ...] = (
    "gem_name",
    "opt_model",
    "opt_source",
    "opt_target",
    "opt_p",
    "opt_weights",
    "opt_close",
    "opt_k",
    "opt_kind",
    "opt_time",
    "cmp_a",
    "cmp_b",
    "edit_kind",
    "new_kind",
    "edit_id",
)
"""Page choices that survive navigation (Streamlit forgets a widget's value on pages where it is not drawn)."""


def keep_choices() -> None:
    """Keep the page choices of :data:`KEPT_KEYS` for the session.

    Re-assigning a widget's key before any widget is drawn turns it into session
    state, which Streamlit keeps when the page that draws it is not shown
    (its documented way to keep widget values across pages). Pages give such
    widgets their defaults through ``st.session_state.setdefault``, never as
    ``value=``/``index=``, so re-assigning raises no warning.
    """
    ss = st.session_state
    for key in (*KEPT_KEYS, *NORM_KEYS):
        if key in ss:
            ss[key] = ss[key]


def model_banner(model: DistanceModel) -> None:
    """The crow-fly banner (shown on every page when distances are estimates)."""
    if model.is_estimate:
        st.warning(
            f"Afstanden zijn **hemelsbrede schattingen** ({model.label_nl}), geen afstanden over de weg. "
            "Zet het wegennet in de gegevensmap (osm/…) of zet 'Hemelsbreed rekenen' uit.",
            icon="⚠️",
        )
