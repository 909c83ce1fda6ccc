"""Optimaliseren: suggested sites (MCLP / LSCP / p-median) and saving them as a scenario."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spreiding.app.state import (
    Settings,
    context_for,
    context_key,
    evaluate_scenario,
    get_candidate_matrix,
    get_candidates,
    get_region,
    norm_key,
    put_scenario,
    result_map,
    save_to_store,
    user_errors,
)
from spreiding.output.maps import map_component
from spreiding.siting.advice import suggest_sites

__all__: list[str] = []

settings: Settings = st.session_state["settings"]
st.title("Optimaliseren: waar helpt een nieuw punt (bijv. in een MFA) het meest?")
models = {
    "mclp": "MCLP: meeste inwoners binnen de norm met p nieuwe punten",
    "lscp": "LSCP: minste punten voor een doel-dekking",
    "p-median": "p-median: kleinste gemiddelde afstand met p nieuwe punten",
}
c1, c2, c3 = st.columns(3)
model = c1.selectbox("Model", list(models), format_func=lambda k: str(models.get(k)), key="opt_model")
source = c2.selectbox(
    "Kandidaatlocaties",
    ["kernen", "gebouwen"],
    format_func=lambda k: str(
        {"kernen": "dorpen en steden (OSM)", "gebouwen": "scholen, dorpshuizen, MFA's (OSM)"}.get(k)
    ),
    key="opt_source",
)
if model == "lscp":
    target = c3.slider("Doel: aandeel inwoners binnen de norm", 0.5, 1.0, 0.95, 0.01, key="opt_target")
    p = None
else:
    p = c3.slider("Aantal nieuwe punten (p)", 1, 10, 3, key="opt_p")
    target = 0.95
d1, d2 = st.columns(2)
heavier = d1.multiselect(
    "Zwaarder laten wegen (x2)",
    ["pop_0_14", "pop_65plus"],
    format_func=lambda k: str({"pop_0_14": "jeugd 0-14 jaar", "pop_65plus": "65 jaar en ouder"}.get(k)),
    key="opt_weights",
)
allow_close = d2.checkbox(
    "Bestaande punten mogen sluiten (p = totaal aantal punten)", key="opt_close", disabled=model == "lscp"
)
# the advice belongs to these inputs; a change of norm, data or options hides an old advice
inputs = (*context_key(settings), norm_key(settings.norm), model, source, p, target, tuple(heavier), allow_close)
if st.button("Bereken advies", key="opt_run", type="primary"):
    with user_errors(), st.spinner("Optimaliseren …"):
        context = context_for(settings)
        cands = get_candidates(settings.data_dir, source)
        cmat = get_candidate_matrix(settings.data_dir, settings.norm.mode, settings.crowfly, source)
        advice_new = suggest_sites(
            context,
            cands,
            settings.norm,
            model=model,
            p=p,
            target_share=target,
            allow_close=allow_close and model != "lscp",
            weights_by_age=dict.fromkeys(heavier, 2.0),
            cand_matrix=cmat,
            time_limit_s=30,
        )
        st.session_state["opt_advice"] = (inputs, advice_new)

stored_advice = st.session_state.get("opt_advice")
advice = stored_advice[1] if stored_advice is not None and stored_advice[0] == inputs else None
if stored_advice is not None and advice is None:
    st.info("De instellingen zijn veranderd: bereken het advies opnieuw.")
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
    how = "exact (HiGHS)" if res.method == "milp" else "heuristiek (greedy), niet bewezen optimaal"
    gap = f", gat {res.mip_gap:.2%}" if res.mip_gap is not None else ""
    st.caption(f"Oplosser: {how}, status {res.status}{gap}, {res.solve_time_s:.1f} s. Norm: {settings.norm.describe()}")
    if advice.closed:
        st.warning(f"Het advies sluit {len(advice.closed)} bestaand(e) punt(en): {', '.join(advice.closed)}")
    if advice.unreachable:
        st.warning(
            f"{len(advice.unreachable)} kandidaatlocatie(s) liggen te ver van het wegennet en tellen niet mee: "
            + ", ".join(advice.unreachable[:10])
            + (" …" if len(advice.unreachable) > 10 else "")
        )
    sites = pd.DataFrame(advice.sites.drop(columns="geometry"))
    show = [c for c in ("rank", "name", "kind", "municipality", "gain_covered", "cumulative_covered") if c in sites]
    st.dataframe(sites[show].round(0), hide_index=True, key="opt_sites")
    with user_errors():
        region = get_region(settings.data_dir)
        base = evaluate_scenario(settings, "Huidige situatie")
        preview = advice.to_scenario("voorbeeld")
        from spreiding.analysis.scenario import apply_scenario

        facilities = apply_scenario(
            base.facilities.drop(columns=["location_key", "scenario_edit"], errors="ignore"), preview
        )
        payload = result_map(
            base,
            settings,
            region.municipalities,
            facilities=facilities,
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
