"""The app's pages, one module each, run through ``st.navigation`` by :mod:`spreiding.app.main`."""
