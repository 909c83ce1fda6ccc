"""Kaart: cells by distance or coverage, service points, and scenario edits by clicking."""

from __future__ import annotations

import streamlit as st

from spreiding.analysis.scenario import Edit, Scenario, describe_edits
from spreiding.app.state import (
    BASE_SCENARIO,
    KIND_NL,
    Settings,
    active_facilities,
    add_edit,
    evaluate_scenario,
    export_files,
    get_region,
    get_scenario,
    model_text,
    put_scenario,
    result_map,
    save_to_store,
    table_nl,
    user_errors,
)
from spreiding.data.facilities import KINDS
from spreiding.output.maps import click_to_rd, map_component

__all__: list[str] = []

settings: Settings = st.session_state["settings"]
st.title("Kaart: spreiding van bibliotheekvoorzieningen")

with user_errors():
    region = get_region(settings.data_dir)
    result = evaluate_scenario(settings)
ss = st.session_state
selected = ss.get("selected_id")
pending = ss.get("pending_xy")

left, right = st.columns([3, 2], gap="medium")
with left:
    with user_errors():
        payload = result_map(result, settings, region.municipalities, selected=selected, marker_xy=pending)
    event = map_component(payload, key="kaart_map", height_px=580, fit_key=settings.data_dir)
    st.caption(
        "Klik op de kaart om een plek voor een nieuw punt te kiezen; klik op een voorziening om die te kiezen. "
        "Achtergrond en wegennet: © OpenStreetMap contributors (ODbL). Bevolking: CBS/Eurostat 1 km-grid 2021."
    )
    if event and event.get("seq") != ss.get("kaart_seq"):
        ss["kaart_seq"] = event.get("seq")
        if event.get("type") == "click":
            ss["pending_xy"] = click_to_rd(event)
            ss["new_x"], ss["new_y"] = (float(round(v)) for v in ss["pending_xy"])
        elif event.get("type") == "select":
            ss["selected_id"] = str(event.get("id"))
            ss["edit_id"] = ss["selected_id"]
        st.rerun()

with right:
    total = result.diff.iloc[-1]
    st.subheader(f"Scenario: {result.scenario.name}")
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Binnen de norm",
        f"{total['covered_pct']:.1f} %",
        f"{total['covered_pct_delta']:+.1f} %-punt" if result.scenario.edits else None,
    )
    c2.metric(
        "Gem. afstand",
        f"{total['mean_dist_m'] / 1000:.2f} km",
        f"{total['mean_dist_m_delta'] / 1000:+.2f} km" if result.scenario.edits else None,
        delta_color="inverse",
    )
    c3.metric("Buiten de norm", f"{total['residents'] - total['covered']:,.0f}".replace(",", "."))
    st.caption(f"Norm: {settings.norm.describe()} · {model_text(result.model)} · tellen: {len(result.counted)} punten")
    st.dataframe(table_nl(result.table), hide_index=True, height=300, key="kaart_table")

    st.markdown("**Voorziening wijzigen**")
    fac = result.facilities
    ids = fac["id"].astype(str).tolist()
    labels = dict(zip(ids, (f"{n} ({s})" for n, s in zip(fac["name"], fac["status"], strict=True)), strict=True))
    if ss.get("edit_id") not in ids:
        ss["edit_id"] = ids[0]
    st.selectbox("Voorziening", ids, key="edit_id", format_func=lambda i: labels.get(i, i))
    b1, b2, b3 = st.columns(3)
    kind_new = st.selectbox("Nieuwe soort", list(KINDS), format_func=lambda k: str(KIND_NL.get(k)), key="edit_kind")
    fid = ss["edit_id"]
    with user_errors():
        if b1.button("Sluiten", key="btn_close"):
            add_edit(settings, Edit("close", fid))
            st.rerun()
        if b2.button("Verplaats naar klik", key="btn_move", disabled=pending is None) and pending is not None:
            add_edit(settings, Edit("move", fid, x=pending[0], y=pending[1]))
            ss.pop("pending_xy", None)
            st.rerun()
        if b3.button("Soort wijzigen", key="btn_retype"):
            add_edit(settings, Edit("retype", fid, kind=kind_new))
            st.rerun()

    st.markdown("**Nieuw punt (bijv. servicepunt in een MFA)**")
    n1, n2 = st.columns(2)
    ss.setdefault("new_x", 235000.0)
    ss.setdefault("new_y", 550000.0)
    ss.setdefault("new_name", "Nieuw servicepunt")
    ss.setdefault("new_host", "MFA")
    x = n1.number_input("x (RD, m)", step=100.0, key="new_x")
    y = n2.number_input("y (RD, m)", step=100.0, key="new_y")
    name = st.text_input("Naam", key="new_name")
    n3, n4 = st.columns(2)
    kind = n3.selectbox(
        "Soort",
        list(KINDS),
        index=list(KINDS).index("servicepunt"),
        format_func=lambda k: str(KIND_NL.get(k)),
        key="new_kind",
    )
    host = n4.text_input("Gebouw (MFA, school, dorpshuis)", key="new_host")
    if st.button("Punt toevoegen", key="btn_add", type="primary"):
        with user_errors():
            n = 1
            existing = set(ids)
            while f"nieuw-{n}" in existing:
                n += 1
            add_edit(settings, Edit("open", f"nieuw-{n}", name=name, kind=kind, x=x, y=y, host_building=host))
            ss.pop("pending_xy", None)
            st.rerun()

    scen = get_scenario(settings.scenario)
    if scen.edits:
        st.markdown("**Wijzigingen in dit scenario**")
        for line in describe_edits(scen, active_facilities(settings)):
            st.markdown(f"- {line}")
        u1, u2 = st.columns(2)
        if u1.button("Laatste ongedaan maken", key="btn_undo"):
            put_scenario(Scenario(scen.name, scen.description, scen.edits[:-1]))
            st.rerun()
        new_name = u2.text_input("Naam", value=scen.name, key="rename")
        if u2.button("Bewaar onder deze naam", key="btn_save") and new_name.strip() and new_name != BASE_SCENARIO:
            with user_errors():
                saved = Scenario(new_name.strip(), scen.description, scen.edits)
                put_scenario(saved)
                save_to_store(saved)
                st.rerun()

    st.markdown(f"**Downloads ({result.scenario.name}, hele regio)**")
    with user_errors():
        files = export_files(result, settings, region.sources)
    for col, f in zip(st.columns(len(files)), files, strict=True):
        col.download_button(f.label, f.data, f.file_name, mime=f.mime, key=f"dl_{f.key}")
