"""spreiding: de Streamlit-app (Nederlandstalig).

Start met ``streamlit run app.py`` (of ``spreiding app``). The pages hold no
analysis code: they call :mod:`spreiding`. Leaflet is copied from the
installed ``xstatic-leaflet`` package into ``static/leaflet`` at start, so the
maps work without internet.
"""

from __future__ import annotations

import streamlit as st

from app_pages._state import APP_DIR, evaluate_scenario, model_banner, network_missing, sidebar, user_errors
from spreiding.maps import install_static_assets

__all__: list[str] = []

st.set_page_config(
    page_title="spreiding – bibliotheken in de regio", page_icon=":material/local_library:", layout="wide"
)


@st.cache_resource(show_spinner=False)
def _assets() -> str:
    return str(install_static_assets(APP_DIR))


_assets()
pages = [
    st.Page("app_pages/kaart.py", title="Kaart", icon=":material/map:", default=True),
    st.Page("app_pages/vergelijken.py", title="Vergelijken", icon=":material/compare:"),
    st.Page("app_pages/gemeente.py", title="Gemeente", icon=":material/account_balance:"),
    st.Page("app_pages/optimaliseren.py", title="Optimaliseren", icon=":material/target:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/description:"),
]
page = st.navigation(pages)
settings = sidebar()
st.session_state["settings"] = settings
with user_errors():
    if network_missing(settings):
        st.info("Geen wegennet gevonden voor deze vervoerswijze; de app rekent hemelsbreed.")
    model_banner(evaluate_scenario(settings).model)
page.run()
