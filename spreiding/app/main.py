"""The Streamlit app's entry script (run by ``spreiding app`` and by the top-level ``app.py``).

Streamlit runs this file as a script on every rerun; :func:`run` builds the
navigation over the pages in :mod:`spreiding.app.pages`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from spreiding.app.state import APP_DIR, evaluate_scenario, model_banner, network_missing, sidebar, user_errors
from spreiding.output.maps import install_static_assets

__all__ = ["PAGES_DIR", "run"]

PAGES_DIR = Path(__file__).resolve().parent / "pages"


@st.cache_resource(show_spinner=False)
def _assets() -> str:
    return str(install_static_assets(APP_DIR))


def run() -> None:
    """Build the page navigation and run the chosen page."""
    st.set_page_config(
        page_title="spreiding – bibliotheken in de regio", page_icon=":material/local_library:", layout="wide"
    )
    _assets()
    pages = [
        st.Page(PAGES_DIR / "kaart.py", title="Kaart", icon=":material/map:", default=True),
        st.Page(PAGES_DIR / "vergelijken.py", title="Vergelijken", icon=":material/compare:"),
        st.Page(PAGES_DIR / "gemeente.py", title="Gemeente", icon=":material/account_balance:"),
        st.Page(PAGES_DIR / "optimaliseren.py", title="Optimaliseren", icon=":material/target:"),
        st.Page(PAGES_DIR / "data.py", title="Data", icon=":material/description:"),
    ]
    page = st.navigation(pages)
    settings = sidebar()
    st.session_state["settings"] = settings
    with user_errors():
        if network_missing(settings):
            st.info("Geen wegennet gevonden voor deze vervoerswijze; de app rekent hemelsbreed.")
        model_banner(evaluate_scenario(settings).model)
    page.run()


if __name__ == "__main__":
    run()
