"""Optimaliseren: suggested sites (MCLP / LSCP / p-median) and saving them as a scenario."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._state import (
    Settings,
    context_for,
    evaluate_scenario,
    get_candidate_matrix,
    get_candidates,
    get_region,
    put_scenario,
    save_to_store,
    user_errors,
)
from spreiding.maps import map_component, map_payload
from spreiding.siting import suggest_sites

__all__: list[str] = []

settings: Settings = st.session_state["settings"]
st.title("Optimaliseren: waar helpt een nieuw punt (bijv. in een MFA) het meest?")
models = {
    "mclp": "MCLP: meeste inwoners binnen de norm met p nieuwe punten",
    "lscp": "LSCP: minste punten voor een doel-dekking",
    "p-median": "p-median: kleinste gemiddelde afstand met p nieuwe punten",
}
c1, c2, c3 = st.columns(3)
model = c1.selectbox("Model", list(models), format_func=models.get, key="opt_model")
source = c2.selectbox(
    "Kandidaatlocaties",
    ["kernen", "gebouwen"],
    format_func={"kernen": "dorpen en steden (OSM)", "gebouwen": "scholen, dorpshuizen, MFA's (OSM)"}.get,
    key="opt_source",
)
if model == "lscp":
    target = c3.slider("Doel: aandeel inwoners binnen de norm", 0.5, 1.0, 0.95, 0.01, key="opt_target")
    p = None
else:
    p = c3.slider("Aantal nieuwe punten (p)", 1, 10, 3, key="opt_p")
    target = 0.95
if st.button("Bereken advies", key="opt_run", type="primary"):
    with user_errors(), st.spinner("Optimaliseren …"):
        context = context_for(settings)
        cands = get_candidates(settings.data_dir, source)
        cmat = get_candidate_matrix(settings.data_dir, settings.norm.mode, settings.crowfly, source)
        st.session_state["opt_advice"] = suggest_sites(
            context, cands, settings.norm, model=model, p=p, target_share=target, cand_matrix=cmat, time_limit_s=30
        )

advice = st.session_state.get("opt_advice")
if advice is not None:
    res = advice.result
    a, b = advice.before, advice.after
    m1, m2, m3 = st.columns(3)
    m1.metric("Binnen de norm", f"{b['covered_pct']:.1f} %", f"{b['covered_pct'] - a['covered_pct']:+.1f} %-punt")
    m2.metric(
        "Gem. afstand",
        f"{b['mean_dist_m'] / 1000:.2f} km",
        f"{(b['mean_dist_m'] - a['mean_dist_m']) / 1000:+.2f} km",
        delta_color="inverse",
    )
    m3.metric("Nieuwe punten", len(advice.sites))
    st.caption(
        f"Oplosser: {res.method}, status {res.status}, {res.solve_time_s:.1f} s. Norm: {settings.norm.describe()}"
    )
    sites = pd.DataFrame(advice.sites.drop(columns="geometry"))
    show = [c for c in ("rank", "name", "kind", "municipality", "gain_covered", "cumulative_covered") if c in sites]
    st.dataframe(sites[show].round(0), hide_index=True, key="opt_sites")
    with user_errors():
        region = get_region(settings.data_dir)
        base = evaluate_scenario(settings, "Huidige situatie")
        preview = advice.to_scenario("voorbeeld")
        from spreiding.scenario import apply_scenario

        facilities = apply_scenario(
            base.facilities.drop(columns=["location_key", "scenario_edit"], errors="ignore"), preview
        )
        payload = map_payload(
            base.context.points,
            base.nearest,
            settings.norm,
            facilities,
            counted_ids=base.counted["id"].astype(str).tolist(),
            municipalities=region.municipalities,
            colour_by=settings.colour_by,
            title="Huidige afstand; paars = voorgestelde punten",
        )
    map_component(payload, key="opt_map", height_px=480)
    st.caption("Kaartgegevens en kandidaten: © OpenStreetMap contributors (ODbL).")
    name = st.text_input("Naam van het scenario", value=f"Advies {res.model} p={len(advice.sites)}", key="opt_name")
    if st.button("Opslaan als scenario", key="opt_save"):
        with user_errors():
            scen = advice.to_scenario(name.strip() or "Advies")
            put_scenario(scen)
            stored = save_to_store(scen)
            st.success(f"Scenario '{scen.name}' bewaard" + (" (ook in de scenario-opslag)." if stored else "."))
