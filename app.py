"""spreiding: de Streamlit-app (Nederlandstalig).

A thin entry to the packaged app (:mod:`spreiding.app.main`): ``streamlit run
app.py`` keeps working from a checkout; ``spreiding app`` runs the packaged
script directly.
"""

from spreiding.app.main import run

run()
