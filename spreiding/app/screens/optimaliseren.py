"""Optimaliseren: suggested sites (MCLP / LSCP / p-median) on the active scenario, the result map, saving."""

from __future__ import annotations

from typing import Any

import streamlit as st

from spreiding.app.labels import AGE_LABELS, KIND_LABELS, MODEL_LABELS, SOURCE_LABELS, as_text, label_of
from spreiding.app.screens._headline import headline_metrics
from spreiding.app.state import page_args, user_errors
from spreiding.app.views import advice_headline, dutch_style, out_of_reach_view, sites_view, solver_text
from spreiding.app.workspace import Settings, Workspace
from spreiding.output.maps import map_component
from spreiding.siting.texts import closing_control_text, closing_text
from spreiding.vocabulary import fmt_int

__all__ = ["render"]

_NEW_KINDS = ("vestiging", "kleine_vestiging", "servicepunt")
_LSCP_CLOSE = (
    "Bestaande punten binnen de provincie mogen sluiten: het minste aantal punten binnen de provincie "
    "(bestaand + nieuw) dat het doel haalt; bibliotheken over de grens blijven open"
)


def _closing(model: str, p: int | None) -> tuple[bool, int | None]:
    """The closing control (its label says exactly what it does) and, for MCLP / p-median, k."""
    e1, e2 = st.columns([3, 1])
    k = st.session_state.get("opt_k", p)
    label = _LSCP_CLOSE if model == "lscp" else f"Bestaande punten mogen sluiten: {closing_control_text(p, k)}"
    allow = e1.checkbox(label, key="opt_close")
    if model == "lscp" or not allow:
        return allow, None
    st.session_state.setdefault("opt_k", p or 0)
    k = e2.number_input("Hoogstens k sluitingen", 0, 20, step=1, key="opt_k")
    return allow, int(k)


def _options(settings: Settings) -> tuple[str, str, dict[str, Any]]:
    ss = st.session_state
    for key, default in (("opt_target", 95), ("opt_p", 3), ("opt_time", 30)):
        ss.setdefault(key, default)  # defaults in session state: the choices are kept across pages (KEPT_KEYS)
    c1, c2, c3 = st.columns(3)
    model = c1.selectbox("Model", list[str](MODEL_LABELS), format_func=label_of(MODEL_LABELS), key="opt_model")
    source = c2.selectbox(
        "Kandidaatlocaties", list[str](SOURCE_LABELS), format_func=label_of(SOURCE_LABELS), key="opt_source"
    )
    if model == "lscp":
        target_pct = c3.slider("Doel: inwoners binnen de norm (%)", 50, 100, step=1, key="opt_target", format="%d %%")
        p = None
    else:
        p = c3.slider("Aantal nieuwe punten (p)", 1, 10, step=1, key="opt_p")
        target_pct = 95
    d1, d2, d3 = st.columns(3)
    counted = [k for k in _NEW_KINDS if k in settings.norm.kinds] or list(_NEW_KINDS)
    ss.setdefault("opt_kind", counted[-1])
    kind = d1.selectbox(
        "Soort van de nieuwe punten", list(_NEW_KINDS), key="opt_kind",
        format_func=label_of(KIND_LABELS),
    )  # fmt: skip
    heavier = d2.multiselect(
        "Zwaarder laten wegen (x2)", ["pop_0_14", "pop_65plus"], format_func=label_of(AGE_LABELS), key="opt_weights",
        placeholder="kies een leeftijdsgroep",
    )  # fmt: skip
    time_limit = d3.slider("Rekentijd (s)", 5, 120, step=5, key="opt_time")
    allow_close, k = _closing(str(model), p)
    options = {
        "model": model,
        "p": p,
        "target_share": target_pct / 100,
        "allow_close": allow_close,
        "max_closures": k,
        "weights_by_age": dict.fromkeys(heavier, 2.0),
        "time_limit_s": time_limit,
    }
    return str(source), str(kind), options


def _show(ws: Workspace, advice: Any, kind: str) -> None:
    head = advice_headline(advice, ws.advice_evaluation(advice, kind=kind))
    headline_metrics(head, ("Nieuwe punten", head.counted))
    st.caption(f"{solver_text(advice)} Norm: {ws.settings.norm.describe()}")
    if advice.allow_close:
        (st.warning if advice.closed else st.info)(as_text(closing_text(advice)))
    if advice.unreachable:
        more = " …" if len(advice.unreachable) > 10 else ""
        st.warning(
            f"{len(advice.unreachable)} kandidaatlocatie(s) liggen te ver van het wegennet en tellen niet mee: "
            + as_text(", ".join(advice.unreachable_names[:10]))
            + more
        )
    st.dataframe(dutch_style(sites_view(ws.advice_sites(advice))), hide_index=True, key="opt_sites")
    _out_of_reach(ws, advice)
    with user_errors():
        title = f"Na het advies (scenario '{advice.scenario}' + advies); paars = voorgestelde punten"
        map_component(ws.advice_map(advice, kind=kind, title=title), key="opt_map", height_px=480)
    st.caption("Kaart: afstanden met het advies uitgevoerd. Kaartgegevens en kandidaten: © OpenStreetMap (ODbL).")
    _save(ws, advice, kind)


def _out_of_reach(ws: Workspace, advice: Any) -> None:
    far = ws.advice_out_of_reach(advice)
    if far.empty:
        return
    total = fmt_int(far["residents"].sum())
    st.markdown(
        f"**{total} inwoners** wonen buiten de norm van elke kandidaatlocatie en elk bestaand punt; "
        "geen advies kan hen binnen de norm brengen:"
    )
    st.dataframe(dutch_style(out_of_reach_view(far)), hide_index=True, key="opt_far")


def _save(ws: Workspace, advice: Any, kind: str) -> None:
    default = f"Advies {advice.result.model.upper()} {len(advice.sites)} locaties"
    name = st.text_input("Naam van het scenario", value=default, key="opt_name")
    replace_current = st.checkbox(
        "Een bestaand scenario met deze naam vervangen (de oude versie blijft terug te halen)", key="opt_replace"
    )
    if st.button("Opslaan als scenario", key="opt_save"):
        with user_errors():
            scen = ws.advice_scenario(advice, name.strip() or "Advies", kind=kind)
            result = ws.keep(scen, replace_current=replace_current)
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
    st.caption(f"Het advies gaat uit van het actieve scenario: {as_text(ws.active)}.")
    source, kind, options = _options(settings)
    counts = kind in settings.norm.kinds
    if not counts:
        st.warning(
            f"Een nieuwe {KIND_LABELS.get(kind, kind)} telt niet mee in de norm ({settings.norm.describe()}): "
            "het advies zou niets veranderen. Kies een soort die meetelt of pas de norm aan."
        )
    # the advice belongs to these inputs; a change of norm, data, scenario or options hides an old advice
    inputs = (
        settings.study_key,
        settings.norm,
        ws.result_key(),
        source,
        kind,
        tuple(sorted(map(str, options.items()))),
    )
    if st.button("Bereken advies", key="opt_run", type="primary", disabled=not counts):
        with user_errors(), st.spinner("Optimaliseren …"):
            st.session_state["opt_advice"] = (inputs, ws.suggest_sites(source, **options))
    stored = st.session_state.get("opt_advice")
    advice = stored[1] if stored is not None and stored[0] == inputs else None
    if stored is not None and advice is None:
        st.info("De instellingen of het actieve scenario zijn veranderd: bereken het advies opnieuw.")
    if advice is not None:
        _show(ws, advice, kind)


if __name__ == "__main__":
    render(*page_args())
