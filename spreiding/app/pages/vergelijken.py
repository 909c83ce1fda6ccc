"""Vergelijken: two scenarios side by side; the differences are B against A directly."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spreiding.app.state import (
    Settings,
    compare_scenarios,
    evaluate_scenario,
    get_region,
    result_map,
    scenarios,
    user_errors,
)
from spreiding.output.maps import map_component

__all__: list[str] = []

settings: Settings = st.session_state["settings"]
st.title("Vergelijken: twee scenario's naast elkaar")
names = list(scenarios())
c1, c2 = st.columns(2)
name_a = c1.selectbox("Scenario A", names, index=0, key="cmp_a")
name_b = c2.selectbox("Scenario B", names, index=len(names) - 1, key="cmp_b")

with user_errors():
    region = get_region(settings.data_dir)
    res_a = evaluate_scenario(settings, name_a)
    res_b = evaluate_scenario(settings, name_b)
    diff, hist = compare_scenarios(settings, name_a, name_b)

for col, res, key in ((c1, res_a, "cmp_map_a"), (c2, res_b, "cmp_map_b")):
    with col:
        payload = result_map(res, settings, region.municipalities)
        map_component(payload, key=key, height_px=420)
        total = res.table.iloc[-1]
        st.metric(f"{res.scenario.name}: binnen de norm", f"{total['covered_pct']:.1f} %")
st.caption("Kaartgegevens en wegennet: © OpenStreetMap contributors (ODbL).")

table = pd.DataFrame(
    {
        "gemeente": diff["municipality"].astype(str),
        "inwoners": diff["residents"].round(0).astype("int64"),
        "binnen norm % A": diff["covered_pct_a"].round(1),
        "binnen norm % B": diff["covered_pct_b"].round(1),
        "verschil %-punt": diff["covered_pct_delta"].round(1),
        "gem. afstand A (km)": (diff["mean_dist_m_a"] / 1000).round(2),
        "gem. afstand B (km)": (diff["mean_dist_m_b"] / 1000).round(2),
        "verschil (km)": (diff["mean_dist_m_delta"] / 1000).round(2),
        "verliezen dekking": diff["lose_coverage"].round(0).astype("int64"),
        "winnen dekking": diff["gain_coverage"].round(0).astype("int64"),
    }
)
st.subheader(f"Verschillen per gemeente: {name_b} (B) ten opzichte van {name_a} (A)")
st.caption("Verliezen / winnen dekking: inwoners die van A naar B buiten / binnen de norm komen.")
st.dataframe(table, hide_index=True, key="cmp_table")

st.subheader(f"Verandering van afstand van A naar B ({region.name})")
total_label = region.name
part = hist.loc[hist["municipality"] == total_label] if (hist["municipality"] == total_label).any() else hist
chart = part.groupby("label", sort=False)["residents"].sum()
st.bar_chart(chart, x_label="verandering van afstand (B − A)", y_label="inwoners")
