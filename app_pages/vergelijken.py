"""Vergelijken: two scenarios side by side, with the differences per municipality."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._state import Settings, evaluate_scenario, get_region, scenarios, user_errors
from spreiding.maps import map_component, map_payload

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

for col, res, key in ((c1, res_a, "cmp_map_a"), (c2, res_b, "cmp_map_b")):
    with col:
        payload = map_payload(
            res.context.points,
            res.nearest,
            settings.norm,
            res.facilities,
            counted_ids=res.counted["id"].astype(str).tolist(),
            municipalities=region.municipalities,
            colour_by=settings.colour_by,
        )
        map_component(payload, key=key, height_px=420)
        total = res.table.iloc[-1]
        st.metric(f"{res.scenario.name}: binnen de norm", f"{total['covered_pct']:.1f} %")
st.caption("Kaartgegevens en wegennet: © OpenStreetMap contributors (ODbL).")

# differences B - A, per municipality, from the two results against the same base
a = res_a.diff.set_index("municipality")
b = res_b.diff.set_index("municipality")
table = pd.DataFrame(
    {
        "inwoners": b["residents"].round(0).astype("int64"),
        "binnen norm % A": a["covered_pct"].round(1),
        "binnen norm % B": b["covered_pct"].round(1),
        "verschil %-punt": (b["covered_pct"] - a["covered_pct"]).round(1),
        "gem. afstand A (km)": (a["mean_dist_m"] / 1000).round(2),
        "gem. afstand B (km)": (b["mean_dist_m"] / 1000).round(2),
        "verschil (km)": ((b["mean_dist_m"] - a["mean_dist_m"]) / 1000).round(2),
    }
).reset_index(names="gemeente")
if name_a == names[0]:
    table["verliezen dekking"] = b["lose_coverage"].round(0).astype("int64").to_numpy()
    table["winnen dekking"] = b["gain_coverage"].round(0).astype("int64").to_numpy()
else:
    st.caption("Verliezers en winnaars worden getoond ten opzichte van de huidige situatie (kies die als A).")
st.subheader("Verschillen per gemeente (B ten opzichte van A)")
st.dataframe(table, hide_index=True, key="cmp_table")

st.subheader("Verandering van afstand (scenario B ten opzichte van de huidige situatie)")
hist = res_b.change_hist
total_label = region.name
part = hist.loc[hist["municipality"] == total_label] if (hist["municipality"] == total_label).any() else hist
chart = part.groupby("label", sort=False)["residents"].sum()
st.bar_chart(chart, x_label="verandering van afstand", y_label="inwoners")
