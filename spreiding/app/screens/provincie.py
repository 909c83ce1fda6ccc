"""Provincie: every municipality with its duty-of-care verdict (voldoet / voldoet niet) in the active scenario."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spreiding.analysis.verdict import OVERVIEW_COLUMNS, meets_sentence
from spreiding.app.labels import as_text
from spreiding.app.state import page_args, user_errors
from spreiding.app.views import dutch_style
from spreiding.app.workspace import Settings, Workspace
from spreiding.vocabulary import Col, column_label, fmt_dec, fmt_int

__all__ = ["overview_view", "render"]


def overview_view(overview: pd.DataFrame) -> pd.DataFrame:
    """The overview for display: Dutch headers, Dutch numbers, ja/nee (a new frame)."""
    view = pd.DataFrame(overview[[c for c in OVERVIEW_COLUMNS if c in overview.columns]]).copy()
    for col in (Col.RESIDENTS, Col.SHORT, Col.RESIDENTS_ELSEWHERE):
        view[col] = view[col].map(fmt_int)
    view[Col.COVERED_PCT] = view[Col.COVERED_PCT].map(lambda v: fmt_dec(v, 1))
    for col in (Col.CLOSE, Col.LOW_CONFIDENCE):
        view[col] = view[col].map(lambda b: "ja" if b else "nee")
    return view.rename(columns={c: column_label(c) for c in view.columns})


def render(ws: Workspace, settings: Settings) -> None:
    """The province overview page."""
    st.title("Provincie: oordeel per gemeente")
    with user_errors():
        overview = ws.overview()
    meets = int(overview[Col.MEETS].sum())
    st.markdown(f"**{meets_sentence(meets, len(overview))}** aan de norm: {as_text(settings.norm.describe())}.")
    st.caption(
        f"Scenario: {as_text(ws.active)}. Bibliotheken in andere gemeenten en provincies tellen mee, zoals in de "
        "methode van het CBS. Kies een gemeente op de pagina Gemeente voor het volledige oordeel en het rapport."
    )
    st.dataframe(dutch_style(overview_view(overview)), hide_index=True, key="prov_overview")
    with user_errors():
        f = ws.overview_download()
        st.download_button(f.label, f.data, f.file_name, mime=f.mime, key="prov_csv")


if __name__ == "__main__":
    render(*page_args())
