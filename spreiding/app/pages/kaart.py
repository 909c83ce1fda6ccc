"""Kaart: cells by distance or coverage, service points, and scenario edits by clicking."""

from __future__ import annotations

import streamlit as st

from spreiding.analysis.scenario import Edit
from spreiding.app.labels import KIND_LABELS, as_text, label_of
from spreiding.app.state import page_args, user_errors
from spreiding.app.views import coverage_view, excluded_text, facility_choices, headline, model_text
from spreiding.app.workspace import BASE_SCENARIO, Settings, Workspace
from spreiding.output.maps import click_to_rd, map_component
from spreiding.study import MATRIX_MAX_SITES

__all__ = ["render"]

_CREDIT = (
    "Klik op de kaart om een plek voor een nieuw punt te kiezen; klik op een voorziening om die te kiezen. "
    "Achtergrond en wegennet: © OpenStreetMap contributors (ODbL). Bevolking: CBS/Eurostat 1 km-grid 2021."
)


def _map(ws: Workspace, settings: Settings) -> None:
    ss = st.session_state
    with user_errors():
        payload = ws.map_payload(selected=ss.get("selected_id"), marker_xy=ss.get("pending_xy"))
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


def _edit(ws: Workspace, edit: Edit) -> None:
    with user_errors():
        ws.apply_edit(edit)
    st.session_state.pop("pending_xy", None)
    st.rerun()


def _change_existing(ws: Workspace) -> None:
    ss = st.session_state
    st.markdown("**Voorziening wijzigen**")
    labels = facility_choices(ws.evaluate().facilities)
    ids = list(labels)
    if not ids:  # e.g. a header-only upload: nothing to change, a new point can still be added
        st.info("De voorzieningenlijst is leeg: er is niets te wijzigen. Voeg hieronder een nieuw punt toe.")
        return
    if ss.get("edit_id") not in ids:
        ss["edit_id"] = ids[0]
    st.selectbox("Voorziening", ids, key="edit_id", format_func=lambda i: labels.get(i, i))
    b1, b2, b3 = st.columns(3)
    kind_new = st.selectbox("Nieuwe soort", list[str](KIND_LABELS), format_func=label_of(KIND_LABELS), key="edit_kind")
    fid, pending = ss["edit_id"], ss.get("pending_xy")
    if b1.button("Sluiten", key="btn_close"):
        _edit(ws, Edit("close", fid))
    if b2.button("Verplaats naar klik", key="btn_move", disabled=pending is None) and pending is not None:
        _edit(ws, Edit("move", fid, x=pending[0], y=pending[1]))
    if b3.button("Soort wijzigen", key="btn_retype"):
        _edit(ws, Edit("retype", fid, kind=str(kind_new)))


def _add_new(ws: Workspace) -> None:
    ss = st.session_state
    st.markdown("**Nieuw punt (bijv. servicepunt in een MFA)**")
    ss.setdefault("new_x", 235000.0)
    ss.setdefault("new_y", 550000.0)
    ss.setdefault("new_name", "Nieuw servicepunt")
    ss.setdefault("new_host", "MFA")
    n1, n2 = st.columns(2)
    x = n1.number_input("x (RD, m)", step=100.0, key="new_x")
    y = n2.number_input("y (RD, m)", step=100.0, key="new_y")
    name = st.text_input("Naam", key="new_name")
    n3, n4 = st.columns(2)
    kinds = list[str](KIND_LABELS)
    kind = n3.selectbox(
        "Soort", kinds, index=kinds.index("servicepunt"), format_func=label_of(KIND_LABELS), key="new_kind"
    )
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
    c1, c2, c3 = st.columns(3)
    c1.metric("Binnen de norm", head.covered_pct, head.covered_pct_delta)
    c2.metric("Gem. afstand", head.mean_dist, head.mean_dist_delta, delta_color="inverse")
    c3.metric("Buiten de norm", head.outside)
    st.caption(f"Norm: {settings.norm.describe()} · {model_text(ev.model)} · tellen: {head.counted} punten")
    if len(ws.facilities) > MATRIX_MAX_SITES:
        st.info(
            f"De lijst heeft {len(ws.facilities):,} voorzieningen (meer dan {MATRIX_MAX_SITES:,}). ".replace(",", ".")
            + "Elke wijziging wordt met één zoektocht over het wegennet herberekend (ongeveer 0,1–0,5 s per "
            "wijziging bij een provincie zo groot als Drenthe). De sluitingsrangorde en het locatieadvies rekenen "
            "met een afstandsmatrix en zijn voor deze lijst niet beschikbaar; beperk de lijst om ze te gebruiken."
        )
    note = excluded_text(ev)
    if note:
        st.warning(note)
    st.dataframe(coverage_view(ev.table), hide_index=True, height=300, key="kaart_table")


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
