"""Gemeente: the duty-of-care report for one municipality (printable)."""

from __future__ import annotations

import streamlit as st

from spreiding.app.labels import as_text
from spreiding.app.screens._charts import bar_chart
from spreiding.app.screens._curve import render_curve
from spreiding.app.screens._timeline import render_timeline
from spreiding.app.state import page_args, user_errors
from spreiding.app.views import (
    age_view,
    dutch_style,
    excluded_text,
    headline,
    impact_view,
    kernen_view,
    model_text,
    villages_view,
)
from spreiding.app.workspace import Settings, Workspace
from spreiding.output._figures import distance_bars
from spreiding.vocabulary import fmt_int

__all__ = ["render"]


def _report(ws: Workspace, muni: str, cols: list) -> None:  # type: ignore[type-arg]
    key = (muni, *ws.result_key())
    if cols[-1].button("Rapport (HTML) maken", key="gem_mk_report"):
        html, file_name = ws.report(muni)
        st.session_state["gem_report"] = (key, html, file_name)
    rep = st.session_state.get("gem_report")
    if rep and rep[0] == key:  # only a report of this municipality, scenario and norm
        cols[-1].download_button(
            "Rapport downloaden", rep[1].encode("utf-8"), rep[2], mime="text/html", key="gem_report_dl"
        )
        with st.expander("Rapport bekijken (afdrukbaar)"):
            st.iframe(rep[1], height=800)


def _verdict(ws: Workspace, muni: str) -> None:
    """The verdict box: voldoet / voldoet niet, target, short, flags, villages and the list's uncertain rows."""
    v = ws.verdict(muni)
    with st.container(border=True, key="gem_verdict"):
        colour = "green" if v.meets else "red"
        st.markdown(f"### :{colour}[{as_text(v.municipality)} {v.label}]")
        st.markdown(as_text(v.sentence()))
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Doel", v.target_text)
        c2.metric("Tekort (inwoners)", fmt_int(v.short))
        c3.metric("Via andere gemeente", fmt_int(v.residents_elsewhere))
        c4.metric("Bevolking (jaar)", str(v.population_year or "onbekend"))
        for flag in v.flags():
            st.markdown(f"- {as_text(flag)}")
        if v.villages:
            shown = ", ".join(f"{p} ({fmt_int(n)})" for p, n in v.villages[:10])
            st.markdown(f"**Kernen met inwoners buiten de norm** (grootste eerst): {as_text(shown)}")
        for w in v.low_confidence_rows:  # list completeness, next to the figures it affects
            st.warning(f"Volledigheid voorzieningenlijst: {as_text(w.text())}.", icon="⚠️")
            if w.notes:
                st.markdown(f"*Toelichting in de lijst (Engels):* {as_text(w.notes)}")


def _figures(ws: Workspace, settings: Settings, muni: str) -> None:
    ev = ws.evaluate()
    head = headline(ev, muni, with_delta=False)
    if head is not None:
        means = head.means()  # with a time limit the mean travel time too (minutes first if time only)
        cols = st.columns(2 + len(means))
        cols[0].metric("Binnen de norm", head.covered_pct)
        cols[1].metric("Buiten de norm (inwoners)", head.outside)
        for col, (label, value, _) in zip(cols[2:], means, strict=True):
            col.metric(label, value)
    st.caption(f"Scenario: {as_text(ws.active)} · norm: {settings.norm.describe()} · {model_text(ev.model)}")
    note = excluded_text(ev)
    if note:
        st.warning(note)
    st.subheader("Dekking per leeftijdsgroep")
    st.dataframe(dutch_style(age_view(ev.by_age, muni)), hide_index=True, key="gem_age")


def render(ws: Workspace, settings: Settings) -> None:
    """The municipality page."""
    st.title("Gemeente: zorgplicht en redelijke afstand")
    with user_errors():
        names = sorted(ws.region.municipalities["municipality"].astype(str))
    muni = st.selectbox("Gemeente", names, key="gem_name")
    with user_errors():
        _verdict(ws, muni)
        _figures(ws, settings, muni)
        st.subheader("Vestigingen die het meest tellen (gevolg van sluiting)")
        st.dataframe(dutch_style(impact_view(ws.closure_impact(), muni)), hide_index=True, key="gem_impact")
        by_time = settings.norm.time_only
        st.subheader("Verdeling van de reistijd" if by_time else "Afstandsverdeling")
        x_title = (
            "reistijd tot de snelst bereikbare voorziening (min)"
            if by_time
            else "afstand tot de dichtstbijzijnde voorziening (km)"
        )
        st.altair_chart(bar_chart(distance_bars(ws.distribution(muni)), x_title=x_title), width="stretch")
        render_curve(ws, settings, muni)
        st.subheader("Dorpen en kernen met inwoners buiten de norm")
        villages = villages_view(ws.villages(muni), settings.norm)
        st.dataframe(dutch_style(villages), hide_index=True, key="gem_uncovered")
    if not ws.has_places:
        st.caption("Geen OSM-kernen in de gegevensmap: cellen staan op hun eigen id.")
    else:
        with st.expander("Dekking per kern (alle kernen, grootste eerst)"), user_errors():
            st.dataframe(dutch_style(kernen_view(ws.kernen(muni))), hide_index=True, key="gem_kernen")
    render_timeline(ws, muni)
    st.subheader(f"Downloads ({as_text(ws.active)}, gemeente {as_text(muni)})")
    with user_errors():
        files = ws.downloads(municipality=muni)
        cols = st.columns(len(files) + 1)
        for col, f in zip(cols[:-1], files, strict=True):
            col.download_button(f.label, f.data, f.file_name, mime=f.mime, key=f"gem_{f.key}")
        _report(ws, muni, cols)


if __name__ == "__main__":
    render(*page_args())
