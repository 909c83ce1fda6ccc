"""Verzorgingsgebied: residents per service point for whom it is the nearest (table and map)."""

from __future__ import annotations

import streamlit as st

from spreiding.app.labels import as_text
from spreiding.app.state import page_args, user_errors
from spreiding.app.views import catchment_view, comparison_columns, dutch_style, model_text
from spreiding.app.workspace import Settings, Workspace
from spreiding.output.maps import map_component

__all__ = ["render"]


def render(ws: Workspace, settings: Settings) -> None:
    """The catchment page of the active scenario."""
    st.title("Verzorgingsgebied: voor wie is welke vestiging de dichtstbijzijnde?")
    with user_errors():
        ev = ws.evaluate()
        table, payload = ws.catchments()
    st.caption(
        f"Scenario: {as_text(ws.active)} · norm: {settings.norm.describe()} · {model_text(ev.model)}. "
        "Elke cel heeft de kleur van de meetellende vestiging die voor de meeste van haar inwoners het dichtstbij "
        "ligt; gemeentegrenzen tellen niet (zoals bij het CBS)."
    )
    left, right = st.columns([3, 2], gap="medium")
    with left:
        map_component(payload, key="vzg_map", height_px=620)
        st.caption("Kaartgegevens en wegennet: © OpenStreetMap contributors (ODbL).")
    with right:
        st.markdown(f"**{len(table)} vestigingen met inwoners die er het dichtstbij wonen**")
        view = catchment_view(table)
        st.dataframe(
            dutch_style(view), hide_index=True, height=600, key="vzg_table", column_config=comparison_columns(view)
        )


if __name__ == "__main__":
    render(*page_args())
