"""Optimaliseren: suggested sites (MCLP / LSCP / p-median) and saving them as a scenario."""

from __future__ import annotations

from typing import Any

import streamlit as st

from spreiding.app.labels import AGE_LABELS, MODEL_LABELS, SOURCE_LABELS, as_text, label_of
from spreiding.app.state import page_args, user_errors
from spreiding.app.views import advice_headline, sites_view, solver_text
from spreiding.app.workspace import BASE_SCENARIO, Settings, Workspace
from spreiding.output.maps import map_component

__all__ = ["render"]


def _options() -> tuple[str, dict[str, Any]]:
    c1, c2, c3 = st.columns(3)
    model = c1.selectbox("Model", list[str](MODEL_LABELS), format_func=label_of(MODEL_LABELS), key="opt_model")
    source = c2.selectbox(
        "Kandidaatlocaties", list[str](SOURCE_LABELS), format_func=label_of(SOURCE_LABELS), key="opt_source"
    )
    if model == "lscp":
        target = c3.slider("Doel: aandeel inwoners binnen de norm", 0.5, 1.0, 0.95, 0.01, key="opt_target")
        p = None
    else:
        p = c3.slider("Aantal nieuwe punten (p)", 1, 10, 3, key="opt_p")
        target = 0.95
    d1, d2 = st.columns(2)
    heavier = d1.multiselect(
        "Zwaarder laten wegen (x2)", ["pop_0_14", "pop_65plus"], format_func=label_of(AGE_LABELS), key="opt_weights"
    )
    allow_close = d2.checkbox(
        "Bestaande punten mogen sluiten (p = totaal aantal punten)", key="opt_close", disabled=model == "lscp"
    )
    options = {
        "model": model,
        "p": p,
        "target_share": target,
        "allow_close": allow_close and model != "lscp",
        "weights_by_age": dict.fromkeys(heavier, 2.0),
        "time_limit_s": 30,
    }
    return str(source), options


def _show(ws: Workspace, advice: Any) -> None:
    head = advice_headline(advice)
    m1, m2, m3 = st.columns(3)
    m1.metric("Binnen de norm", head.covered_pct, head.covered_pct_delta)
    m2.metric("Gem. afstand", head.mean_dist, head.mean_dist_delta, delta_color="inverse")
    m3.metric("Nieuwe punten", head.counted)
    st.caption(f"{solver_text(advice)} Norm: {ws.settings.norm.describe()}")
    if advice.closed:
        st.warning(f"Het advies sluit {len(advice.closed)} bestaand(e) punt(en): {as_text(', '.join(advice.closed))}")
    if advice.unreachable:
        more = " …" if len(advice.unreachable) > 10 else ""
        st.warning(
            f"{len(advice.unreachable)} kandidaatlocatie(s) liggen te ver van het wegennet en tellen niet mee: "
            + as_text(", ".join(advice.unreachable[:10]))
            + more
        )
    st.dataframe(sites_view(advice.sites), hide_index=True, key="opt_sites")
    with user_errors():
        payload = ws.map_payload(
            BASE_SCENARIO,
            scenario_points=advice.to_scenario("voorbeeld"),
            title="Huidige afstand; paars = voorgestelde punten",
        )
    map_component(payload, key="opt_map", height_px=480)
    st.caption("Kaartgegevens en kandidaten: © OpenStreetMap contributors (ODbL).")
    default = f"Advies {advice.result.model} p={head.counted}"
    name = st.text_input("Naam van het scenario", value=default, key="opt_name")
    if st.button("Opslaan als scenario", key="opt_save"):
        with user_errors():
            scen = advice.to_scenario(name.strip() or "Advies")
            result = ws.keep(scen)
            if result is None:
                st.error("Opslaan in de scenario-opslag is mislukt; het advies staat alleen in deze sessie.")
                st.download_button("Advies downloaden (JSON)", ws.scenario_file(scen.name), file_name="advies.json")
            elif result.became_current:
                st.success(as_text(result.message))  # the message names the scenario: user text
            else:
                st.warning(as_text(result.message))


def render(ws: Workspace, settings: Settings) -> None:
    """The optimisation page."""
    st.title("Optimaliseren: waar helpt een nieuw punt (bijv. in een MFA) het meest?")
    source, options = _options()
    # the advice belongs to these inputs; a change of norm, data or options hides an old advice
    inputs = (settings.study_key, settings.norm, source, tuple(sorted(map(str, options.items()))))
    if st.button("Bereken advies", key="opt_run", type="primary"):
        with user_errors(), st.spinner("Optimaliseren …"):
            st.session_state["opt_advice"] = (inputs, ws.suggest_sites(source, **options))
    stored = st.session_state.get("opt_advice")
    advice = stored[1] if stored is not None and stored[0] == inputs else None
    if stored is not None and advice is None:
        st.info("De instellingen zijn veranderd: bereken het advies opnieuw.")
    if advice is not None:
        _show(ws, advice)


if __name__ == "__main__":
    render(*page_args())
