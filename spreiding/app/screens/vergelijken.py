"""Vergelijken: two scenarios side by side, the difference map; the differences are B against A directly."""

from __future__ import annotations

import streamlit as st

from spreiding.app.labels import as_text
from spreiding.app.screens._charts import bar_chart
from spreiding.app.state import page_args, user_errors
from spreiding.app.views import comparison_columns, comparison_view, dutch_style, headline
from spreiding.app.workspace import Settings, Workspace
from spreiding.output._figures import change_bars
from spreiding.output.maps import map_component

__all__ = ["render"]


def _side_by_side(ws: Workspace, names: tuple[str, str]) -> None:
    cols = st.columns(2)
    for col, name, key in zip(cols, names, ("cmp_map_a", "cmp_map_b"), strict=True):
        with col:
            map_component(ws.map_payload(name), key=key, height_px=520)
            head = headline(ws.evaluate(name), with_delta=False)
            st.metric(f"{as_text(name)}: binnen de norm", head.covered_pct if head else "-")


def render(ws: Workspace, settings: Settings) -> None:
    """The comparison page."""
    st.title("Vergelijken: twee scenario's naast elkaar")
    names = list(ws.scenarios)
    c1, c2 = st.columns(2)
    ss = st.session_state
    for key, default in (("cmp_a", names[0]), ("cmp_b", names[-1])):
        if ss.get(key) not in names:  # kept choices (never index=); a removed scenario falls back to the default
            ss[key] = default
    name_a = c1.selectbox("Scenario A", names, key="cmp_a")
    name_b = c2.selectbox("Scenario B", names, key="cmp_b")
    with user_errors():
        diff, hist = ws.compare(name_a, name_b)
        _side_by_side(ws, (name_a, name_b))
        st.subheader(f"Verschilkaart: {as_text(name_b)} (B) ten opzichte van {as_text(name_a)} (A)")
        what, band = ("reistijd", "0,5 min") if settings.norm.time_only else ("afstand", "0,1 km")
        st.caption(
            f"Per cel: de gemiddelde {what} van de inwoners (gewogen naar inwoners) in B min die in A. Rood: "
            "inwoners komen buiten de norm; groen: inwoners komen binnen de norm; oranje / blauw: langere / kortere "
            f"{what} (meer dan {band}); grijs: gelijk. Beweeg over een cel voor de cijfers."
        )
        map_component(ws.diff_payload(name_a, name_b), key="cmp_map_diff", height_px=640)
    st.caption("Kaartgegevens en wegennet: © OpenStreetMap contributors (ODbL).")
    st.subheader(f"Verschillen per gemeente: {as_text(name_b)} (B) ten opzichte van {as_text(name_a)} (A)")
    st.caption("Verliezen / winnen dekking: inwoners die van A naar B buiten / binnen de norm komen.")
    view = comparison_view(diff, time_only=settings.norm.time_only)
    st.dataframe(dutch_style(view), hide_index=True, key="cmp_table", column_config=comparison_columns(view))
    total = ws.study.total_label
    st.subheader(f"Verandering van {what} van A naar B ({as_text(total)})")
    bars = change_bars(hist, total)
    st.markdown(bars.text)
    st.altair_chart(bar_chart(bars.bars, x_title=f"verandering van {what} (B − A)"), width="stretch")


if __name__ == "__main__":
    render(*page_args())
