"""Gemeente: the duty-of-care report for one municipality (printable)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spreiding.analysis.coverage import distance_distribution
from spreiding.app.state import (
    BASE_SCENARIO,
    Settings,
    as_analysis,
    closure_impact_for,
    evaluate_scenario,
    export_files,
    get_places,
    get_region,
    model_text,
    result_key,
    table_nl,
    user_errors,
)
from spreiding.output.export import analysis_tables
from spreiding.output.report import municipality_report, report_filename, uncovered_places

__all__: list[str] = []

settings: Settings = st.session_state["settings"]
st.title("Gemeente: zorgplicht en redelijke afstand")

with user_errors():
    region = get_region(settings.data_dir)
    result = evaluate_scenario(settings)
    analysis = as_analysis(result, settings)
names = sorted(region.municipalities["municipality"].astype(str))
muni = st.selectbox("Gemeente", names, key="gem_name")
scen_name = None if result.scenario.name == BASE_SCENARIO else result.scenario.name

row = result.table.loc[result.table["municipality"] == muni]
if not row.empty:
    r = row.iloc[0]
    c1, c2, c3 = st.columns(3)
    c1.metric("Binnen de norm", f"{r['covered_pct']:.1f} %")
    c2.metric("Buiten de norm (inwoners)", f"{r['uncovered']:,.0f}".replace(",", "."))
    c3.metric("Gem. afstand", f"{r['mean_dist_m'] / 1000:.2f} km")
st.caption(f"Scenario: {result.scenario.name} · norm: {settings.norm.describe()} · {model_text(result.model)}")

st.subheader("Dekking per leeftijdsgroep")
ages = result.by_age.loc[result.by_age["municipality"] == muni]
st.dataframe(table_nl(ages.drop(columns=["municipality"])), hide_index=True, key="gem_age")

with user_errors():
    impact = closure_impact_for(settings)
st.subheader("Vestigingen die het meest tellen (gevolg van sluiting)")
mine = impact.loc[impact["municipality"].astype(str) == muni]
st.dataframe(
    pd.DataFrame(mine[["name", "kind", "residents_nearest", "covered_loss", "mean_dist_delta_m"]])
    .rename(
        columns={
            "name": "naam",
            "kind": "soort",
            "residents_nearest": "inwoners dichtstbij",
            "covered_loss": "verliezen dekking bij sluiting",
            "mean_dist_delta_m": "extra gem. afstand (m)",
        }
    )
    .round(0),
    hide_index=True,
    key="gem_impact",
)

st.subheader("Afstandsverdeling")
spread = distance_distribution(result.points, result.nearest, settings.norm, municipality=muni)
st.bar_chart(spread.round(0), y_label="inwoners")

st.subheader("Dorpen en kernen met inwoners buiten de norm")
unc = analysis_tables(analysis, muni)["buiten_norm"]
with user_errors():
    places = get_places(settings.data_dir)
    villages = uncovered_places(unc, places, weight_column=settings.norm.weight_column, facilities=analysis.counted)
st.dataframe(
    villages.rename(
        columns={
            "place": "kern",
            "residents": "inwoners buiten de norm",
            "cells": "cellen",
            "unreachable": "onbereikbaar",
            "mean_dist_m": "gem. afstand (m)",
            "max_dist_m": "max. afstand (m)",
            "nearest_name": "dichtstbijzijnde voorziening",
        }
    )
    .drop(columns=["nearest_id"])
    .round(0),
    hide_index=True,
    key="gem_uncovered",
)
if places is None:
    st.caption("Geen OSM-kernen in de gegevensmap: cellen staan op hun eigen id.")

st.subheader(f"Downloads ({result.scenario.name}, gemeente {muni})")
report_key = (muni, *result_key(settings))
with user_errors():
    files = export_files(result, settings, region.sources, municipality=muni)
    cols = st.columns(len(files) + 1)
    for col, f in zip(cols[:-1], files, strict=True):
        col.download_button(f.label, f.data, f.file_name, mime=f.mime, key=f"gem_{f.key}")
    if cols[-1].button("Rapport (HTML) maken", key="gem_mk_report"):
        st.session_state["gem_report"] = (
            report_key,
            municipality_report(
                analysis,
                muni,
                scenario_name=result.scenario.name,
                impact=impact,
                places=places,
                municipalities=region.municipalities,
                sources=region.sources,
            ),
        )
    rep = st.session_state.get("gem_report")
    if rep and rep[0] == report_key:  # only a report of this municipality, scenario and norm
        cols[-1].download_button(
            "Rapport downloaden",
            rep[1].encode("utf-8"),
            report_filename(muni, norm=settings.norm, scenario=scen_name),
            mime="text/html",
            key="gem_report_dl",
        )
        with st.expander("Rapport bekijken (afdrukbaar)"):
            st.iframe(rep[1], height=800)
