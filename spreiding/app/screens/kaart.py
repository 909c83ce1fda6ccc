"""Kaart: cells by distance or coverage, service points, and scenario edits by clicking."""

from __future__ import annotations

import zlib
from typing import Any

import streamlit as st

from spreiding.analysis.scenario import Edit
from spreiding.app.labels import KIND_LABELS, STATUS_LABELS, as_text, label_of
from spreiding.app.screens._headline import headline_metrics
from spreiding.app.state import page_args, user_errors
from spreiding.app.views import (
    coverage_view,
    dutch_style,
    excluded_text,
    facility_choices,
    headline,
    large_list_note,
    model_text,
)
from spreiding.app.workspace import BASE_SCENARIO, Settings, Workspace
from spreiding.output.maps import click_to_rd, map_component

__all__ = ["render"]

_CREDIT = (
    "Klik op de kaart om een plek voor een nieuw punt te kiezen; klik op een voorziening om die te kiezen. "
    "Achtergrond en wegennet: © OpenStreetMap contributors (ODbL). Bevolking: CBS/Eurostat 1 km-grid 2021."
)


_SEARCH_ZOOM = 13


def _search(ws: Workspace) -> dict[str, Any] | None:
    """A search box for a village, town or service point; the choice centres the map (no internet needed)."""
    with user_errors():
        index = ws.search_places()
    choice = st.selectbox(
        "Zoek een plaats of voorziening",
        list(index),
        index=None,
        key="kaart_search",
        placeholder="Typ een dorp, stad of bibliotheek …",
    )
    if choice is None or choice not in index:
        st.session_state.pop("kaart_focus", None)
        return None
    x, y = index[choice]
    focus = {"x": x, "y": y, "zoom": _SEARCH_ZOOM, "key": choice}
    st.session_state["kaart_focus"] = focus
    return focus


def _map(ws: Workspace, settings: Settings) -> None:
    ss = st.session_state
    focus = _search(ws)
    with user_errors():
        payload = ws.map_payload(selected=ss.get("selected_id"), marker_xy=ss.get("pending_xy"), focus=focus)
    event = map_component(payload, key="kaart_map", height_px=580, fit_key=settings.data_dir)
    st.caption(_CREDIT)
    if event and event.get("seq") != ss.get("kaart_seq"):
        ss["kaart_seq"] = event.get("seq")
        if event.get("type") == "click":
            ss["pending_xy"] = click_to_rd(event)
            ss["new_x"], ss["new_y"] = (float(round(v)) for v in ss["pending_xy"])
        elif event.get("type") == "select":
            ss["selected_id"] = str(event.get("id"))
            ss["edit_id"] = ss["selected_id"]
        st.rerun()


def _pick(ident: str) -> None:
    st.session_state["selected_id"] = ident
    st.session_state["edit_id"] = ident


def _picked(ws: Workspace, labels: dict[str, str]) -> None:
    """Which point a marker click picked, and a switch between points on the same spot."""
    ss = st.session_state
    fid = ss.get("selected_id")
    if fid not in labels:
        return
    here = [i for i in ws.co_located(fid) if i in labels]
    line = f"Gekozen: {as_text(labels[fid])}"
    if len(here) > 1:
        line += f", {len(here)} punten op deze plek"
    st.markdown(line)
    if len(here) > 1:
        # the key carries the labels: a status that changes gives a fresh widget, never a stale label
        key = f"kaart_pick_{zlib.crc32('|'.join(labels[i] for i in here).encode()):08x}"
        st.radio(
            "Ander punt op deze plek kiezen",
            here,
            index=here.index(fid),
            key=key,
            format_func=lambda i: labels.get(i, i),
            on_change=lambda: _pick(str(ss[key])),
        )


def _edit(ws: Workspace, edit: Edit) -> None:
    with user_errors():
        ws.apply_edit(edit)
        st.session_state["kaart_note"] = ws.edit_note(edit)
    st.session_state.pop("pending_xy", None)
    st.rerun()


def _open_actions(ws: Workspace, fid: str) -> None:
    ss = st.session_state
    b1, b2, b3 = st.columns(3)
    kind_new = st.selectbox("Nieuwe soort", list[str](KIND_LABELS), format_func=label_of(KIND_LABELS), key="edit_kind")
    pending = ss.get("pending_xy")
    if b1.button("Sluiten", key="btn_close"):
        _edit(ws, Edit("close", fid))
    if b2.button("Verplaats naar klik", key="btn_move", disabled=pending is None) and pending is not None:
        _edit(ws, Edit("move", fid, x=pending[0], y=pending[1]))
    if b3.button("Soort wijzigen", key="btn_retype"):
        _edit(ws, Edit("retype", fid, kind=str(kind_new)))


_REOPEN_LABELS = {"closed": "Heropenen", "planned": "Openen", "cancelled": "Toch openen"}


def _closed_actions(ws: Workspace, fid: str, status: str) -> None:
    label = _REOPEN_LABELS.get(status, "Openen")
    st.caption(
        f"Deze voorziening is {STATUS_LABELS.get(status, status)}: sluiten, verplaatsen of een andere soort kan "
        f"pas als ze open is. {label} opent haar op de plek uit de lijst."
    )
    note = ws.edit_note(Edit("reopen", fid))
    if note:
        st.info(note)
    if st.button(label, key="btn_reopen", type="primary"):
        _edit(ws, Edit("reopen", fid))


def _change_existing(ws: Workspace) -> None:
    ss = st.session_state
    st.markdown("**Voorziening wijzigen**")
    facilities = ws.evaluate().facilities
    labels = facility_choices(facilities)
    names = facility_choices(facilities, with_status=False)  # names only: the status is said below the choice
    ids = list(labels)
    if not ids:  # e.g. a header-only upload: nothing to change, a new point can still be added
        st.info("De voorzieningenlijst is leeg: er is niets te wijzigen. Voeg hieronder een nieuw punt toe.")
        return
    if ss.get("edit_id") not in ids:
        ss["edit_id"] = ids[0]
    _picked(ws, labels)
    st.selectbox("Voorziening", ids, key="edit_id", format_func=lambda i: names.get(i, i))
    fid = ss["edit_id"]
    status = ws.status_of(fid) or "open"
    st.caption(f"Status: {STATUS_LABELS.get(status, status)}")
    if status == "open":  # the actions offered fit the point's status
        _open_actions(ws, fid)
    else:
        _closed_actions(ws, fid, status)
    note = ss.pop("kaart_note", None)
    if note:
        st.info(note)


def _add_new(ws: Workspace) -> None:
    ss = st.session_state
    st.markdown("**Nieuw punt (bijv. servicepunt in een MFA)**")
    ss.setdefault("new_x", 235000.0)
    ss.setdefault("new_y", 550000.0)
    ss.setdefault("new_name", "Nieuw servicepunt")
    ss.setdefault("new_host", "MFA")
    ss.setdefault("new_kind", "servicepunt")  # a kept choice: its default in session state, never as index=
    kind = st.selectbox(
        "Soort (kies vóór het plaatsen)",
        list[str](KIND_LABELS),
        format_func=label_of(KIND_LABELS),
        key="new_kind",
    )
    note = ws.edit_note(Edit("open", "nieuw", name="nieuw", kind=str(kind), x=0.0, y=0.0))
    if note:
        st.info(note, icon=":material/info:")
    st.caption("Klik op de kaart om de plek te kiezen, of typ de RD-coördinaten.")
    n1, n2 = st.columns(2)
    x = n1.number_input("x (RD, m)", step=100.0, key="new_x")
    y = n2.number_input("y (RD, m)", step=100.0, key="new_y")
    n3, n4 = st.columns(2)
    name = n3.text_input("Naam", key="new_name")
    host = n4.text_input("Gebouw (MFA, school, dorpshuis)", key="new_host")
    if st.button("Punt toevoegen", key="btn_add", type="primary"):
        with user_errors():
            edit = ws.new_site(name.strip() or "Nieuw punt", str(kind), x, y, host_building=host.strip() or None)
        _edit(ws, edit)


def _scenario_edits(ws: Workspace) -> None:
    scen = ws.scenario()
    if not scen.edits:
        return
    st.markdown("**Wijzigingen in dit scenario**")
    for line in ws.describe():
        st.text(f"• {line}")  # user text (names, ids) as text, never as Markdown
    u1, u2 = st.columns(2)
    if u1.button("Laatste ongedaan maken", key="btn_undo"):
        ws.undo()
        st.rerun()
    new_name = u2.text_input("Naam", value=scen.name, key="rename")
    replace_current = u2.checkbox(
        "Een bestaand scenario met deze naam vervangen (de oude versie blijft terug te halen)", key="save_replace"
    )
    if u2.button("Bewaar onder deze naam", key="btn_save") and new_name.strip() and new_name != BASE_SCENARIO:
        with user_errors():
            st.session_state["save_result"] = (new_name, ws.save_as(new_name, replace_current=replace_current))
            st.rerun()  # the sidebar lists the stored scenarios; the feedback survives the rerun
    _save_feedback(ws)


def _save_feedback(ws: Workspace) -> None:
    """Say what the last save did; when the store failed, offer the scenario as a file so nothing is lost."""
    last = st.session_state.get("save_result")
    if last is None:
        return
    name, result = last
    if result is None:
        st.error(
            "Opslaan in de scenario-opslag is mislukt (de opslag is niet te openen of niet schrijfbaar). "
            "Het scenario staat alleen in deze sessie: download het hieronder om het te bewaren."
        )
        st.download_button(
            "Scenario downloaden (JSON)", ws.scenario_file(name), file_name="scenario.json", key="save_download"
        )
    elif result.became_current:
        st.success(as_text(result.message))  # the message names the scenario: user text
    else:
        st.warning(as_text(result.message))


def _figures(ws: Workspace, settings: Settings) -> None:
    ev = ws.evaluate()
    if ev.counted.empty:
        st.warning(
            "Geen enkele open voorziening telt onder deze norm: alle inwoners tellen als onbereikbaar. "
            "Kies andere soorten in de norm, heropen een punt of upload een lijst met open voorzieningen."
        )
    head = headline(ev)
    assert head is not None
    st.subheader(f"Scenario: {as_text(ws.active)}")
    headline_metrics(head, ("Buiten de norm", head.outside))
    st.caption(f"Norm: {settings.norm.describe()} · {model_text(ev.model)} · tellen: {head.counted} punten")
    large = large_list_note(len(ws.facilities))
    if large:
        st.info(large)
    note = excluded_text(ev)
    if note:
        st.warning(note)
    st.dataframe(dutch_style(coverage_view(ev.table)), hide_index=True, height=300, key="kaart_table")


def render(ws: Workspace, settings: Settings) -> None:
    """The map page."""
    st.title("Kaart: spreiding van bibliotheekvoorzieningen")
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _map(ws, settings)
    with right:
        with user_errors():
            _figures(ws, settings)
        _change_existing(ws)
        _add_new(ws)
        _scenario_edits(ws)
        st.markdown(f"**Downloads ({as_text(ws.active)}, hele regio)**")
        with user_errors():
            files = ws.downloads()
        for col, f in zip(st.columns(len(files)), files, strict=True):
            col.download_button(f.label, f.data, f.file_name, mime=f.mime, key=f"dl_{f.key}")


if __name__ == "__main__":
    render(*page_args())
