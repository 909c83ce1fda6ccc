"""The Streamlit app's entry script (run by ``spreiding app`` and by the top-level ``app.py``).

Streamlit runs this file as a script on every rerun; :func:`run` draws the
sidebar into the session's :class:`~spreiding.app.workspace.Workspace` and
runs the chosen page of :mod:`spreiding.app.screens` (each page file calls its
``render(workspace, settings)``). Without the region's data the pages are not
run: the Data page lists what is missing and how to get it, every other page
says what it needs.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from spreiding.app.screens._missing import render_missing
from spreiding.app.state import keep_choices, model_banner, sidebar, user_errors, workspace
from spreiding.app.uploads import MAX_UPLOAD_MB

__all__ = ["ICON", "PAGES", "PAGES_DIR", "run"]

# Not named "pages": Streamlit would serve a folder of that name beside the script as its own pages on a
# direct page URL, without this script's sidebar (st.navigation is the one way in).
PAGES_DIR = Path(__file__).resolve().parent / "screens"
# Comments, not docstrings, below: Streamlit's "magic" would draw a bare string of this script on every page.
# The page icon, served by the app itself (an emoji icon would be fetched from a font server).
ICON = Path(__file__).resolve().parent / "icon.png"
# File, title and menu icon per page (menu icons ship with Streamlit's frontend).
PAGES: tuple[tuple[str, str, str], ...] = (
    ("kaart.py", "Kaart", ":material/map:"),
    ("vergelijken.py", "Vergelijken", ":material/compare:"),
    ("gemeente.py", "Gemeente", ":material/account_balance:"),
    ("provincie.py", "Provincie", ":material/checklist:"),
    ("optimaliseren.py", "Optimaliseren", ":material/target:"),
    ("verzorgingsgebied.py", "Verzorgingsgebied", ":material/hub:"),
    ("data.py", "Data", ":material/description:"),
)

UPLOADER_CSS = """
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Bestand kiezen"; font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "of sleep het hierheen · hoogstens MAX_MB MB per bestand"; font-size: 0.875rem;
}
"""
"""Streamlit's file uploader speaks English ("Upload", "20MB per file • CSV, ..."): its texts are hidden and
Dutch ones shown in their place (the accepted kinds are in each uploader's label)."""

# Metrics, button and widget labels wrap instead of ending in an ellipsis on a 1280 px screen.
_CSS = (
    """<style>
[data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] > div {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere;
}
[data-testid="stMetricValue"] { font-size: 1.6rem; }
.stButton button p, .stDownloadButton button p, .stFormSubmitButton button p { white-space: normal; }
[data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"], [data-testid="stWidgetLabel"] p {
  white-space: normal; overflow: visible; text-overflow: clip;
}
"""
    + UPLOADER_CSS.replace("MAX_MB", str(MAX_UPLOAD_MB))
    + "</style>"
)


def run() -> None:
    """Draw the sidebar, then run the chosen page (or say which data it needs)."""
    st.set_page_config(page_title="spreiding – bibliotheken in de regio", page_icon=str(ICON), layout="wide")
    st.html(_CSS)
    pages = [
        st.Page(PAGES_DIR / name, title=title, icon=icon, default=i == 0) for i, (name, title, icon) in enumerate(PAGES)
    ]
    page = st.navigation(pages)
    keep_choices()
    ws = workspace()
    st.session_state["settings"] = sidebar(ws)
    missing = st.session_state.get("missing_data")
    if missing:
        render_missing(missing, page.title, data_page=pages[-1])
        return
    with user_errors():
        if ws.network_missing:
            st.info("Geen wegennet gevonden voor deze vervoerswijze; de app rekent hemelsbreed.")
        model_banner(ws.study.model)
    page.run()


if __name__ == "__main__":
    run()
