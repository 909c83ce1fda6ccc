"""The Streamlit app's entry script (run by ``spreiding app`` and by the top-level ``app.py``).

Streamlit runs this file as a script on every rerun; :func:`run` draws the
sidebar into the session's :class:`~spreiding.app.workspace.Workspace` and
runs the chosen page of :mod:`spreiding.app.pages` (each page file calls its
``render(workspace, settings)``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from spreiding.app.state import model_banner, sidebar, user_errors, workspace

__all__ = ["PAGES", "PAGES_DIR", "run"]

PAGES_DIR = Path(__file__).resolve().parent / "pages"
# File, title and menu icon per page (menu icons ship with Streamlit's frontend). A comment, not a docstring:
# `spreiding app` runs this file as the script, and Streamlit's "magic" would print a bare string on every page.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("kaart.py", "Kaart", ":material/map:"),
    ("vergelijken.py", "Vergelijken", ":material/compare:"),
    ("gemeente.py", "Gemeente", ":material/account_balance:"),
    ("optimaliseren.py", "Optimaliseren", ":material/target:"),
    ("data.py", "Data", ":material/description:"),
    ("verzorgingsgebied.py", "Verzorgingsgebied", ":material/hub:"),
)


def run() -> None:
    """Draw the sidebar, then run the chosen page."""
    st.set_page_config(page_title="spreiding – bibliotheken in de regio", page_icon="📚", layout="wide")
    pages = [
        st.Page(PAGES_DIR / name, title=title, icon=icon, default=i == 0) for i, (name, title, icon) in enumerate(PAGES)
    ]
    page = st.navigation(pages)
    ws = workspace()
    st.session_state["settings"] = sidebar(ws)
    with user_errors():
        if ws.network_missing:
            st.info("Geen wegennet gevonden voor deze vervoerswijze; de app rekent hemelsbreed.")
        model_banner(ws.study.model)
    page.run()


if __name__ == "__main__":
    run()
