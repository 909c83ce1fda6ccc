"""Vergelijken: two scenarios side by side; the differences are B against A directly."""

from __future__ import annotations

import streamlit as st

from spreiding.app.labels import as_text
from spreiding.app.state import page_args, user_errors
from spreiding.app.views import change_chart, comparison_view, headline
from spreiding.app.workspace import Settings, Workspace
from spreiding.output.maps import map_component

__all__ = ["render"]


def render(ws: Workspace, settings: Settings) -> None:
    """The comparison page."""
    st.title("Vergelijken: twee scenario's naast elkaar")
    names = list(ws.scenarios)
    c1, c2 = st.columns(2)
    name_a = c1.selectbox("Scenario A", names, index=0, key="cmp_a")
    name_b = c2.selectbox("Scenario B", names, index=len(names) - 1, key="cmp_b")
    with user_errors():
        diff, hist = ws.compare(name_a, name_b)
        for col, name, key in ((c1, name_a, "cmp_map_a"), (c2, name_b, "cmp_map_b")):
            with col:
                map_component(ws.map_payload(name), key=key, height_px=420)
                head = headline(ws.evaluate(name), with_delta=False)
                st.metric(f"{as_text(name)}: binnen de norm", head.covered_pct if head else "-")
    st.caption("Kaartgegevens en wegennet: © OpenStreetMap contributors (ODbL).")
    st.subheader(f"Verschillen per gemeente: {as_text(name_b)} (B) ten opzichte van {as_text(name_a)} (A)")
    st.caption("Verliezen / winnen dekking: inwoners die van A naar B buiten / binnen de norm komen.")
    st.dataframe(comparison_view(diff), hide_index=True, key="cmp_table")
    total = ws.study.total_label
    st.subheader(f"Verandering van afstand van A naar B ({as_text(total)})")
    st.bar_chart(change_chart(hist, total), x_label="verandering van afstand (B − A)", y_label="inwoners")


if __name__ == "__main__":
    render(*page_args())
