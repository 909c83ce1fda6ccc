"""What the app shows on a machine without the region's data: each missing file, in Dutch, with how to get it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from spreiding.app.labels import as_text
from spreiding.data.status import DataFile

__all__ = ["PAGE_NEEDS", "render_missing"]

PAGE_NEEDS: dict[str, str] = {
    "Kaart": "de kaart met voorzieningen en bevolking",
    "Vergelijken": "het vergelijken van scenario's",
    "Gemeente": "de cijfers en het oordeel per gemeente",
    "Provincie": "het overzicht van alle gemeenten met hun oordeel",
    "Optimaliseren": "het zoeken naar nieuwe locaties",
    "Verzorgingsgebied": "de verzorgingsgebieden van de voorzieningen",
}
"""What each page would show, for the notice on a page that cannot run yet."""


def _lower_first(text: str) -> str:
    """``Bevolking`` → ``bevolking`` inside a sentence; abbreviations such as ``CBS`` stay as they are."""
    word = text.split(" ", 1)[0]
    return text if word.isupper() else text[:1].lower() + text[1:]


def _file_rows(files: Sequence[DataFile]) -> list[dict[str, str]]:
    return [
        {
            "Bestand": f.label_nl,
            "Aanwezig": "ja" if f.present else "nee",
            "Nodig voor": f.needed_for,
            "Waar": str(f.path),
            "Zo komt u eraan": f.how_nl.replace("`", ""),
        }
        for f in files
    ]


def render_missing(missing: Sequence[DataFile], page_title: str, *, data_page: Any) -> None:
    """The Data page's list of missing files, or a notice on another page that points to it."""
    from spreiding.data.config import data_paths
    from spreiding.data.status import data_status

    if page_title != "Data":
        st.title(page_title)
        need = PAGE_NEEDS.get(page_title, "deze pagina")
        names = ", ".join(_lower_first(f.label_nl) for f in missing)
        st.warning(f"Voor {need} zijn gegevens nodig die nog ontbreken: {as_text(names)}.", icon="📂")
        st.page_link(data_page, label="Naar de pagina Data: wat ontbreekt en hoe u eraan komt")
        return
    st.title("Data: wat ontbreekt")
    root = data_paths(st.session_state.get("data_dir") or None).root
    st.warning(
        "De app heeft de gegevens van de regio nog niet. Met internet haalt `spreiding fetch` ze op "
        "(één keer; daarna werkt alles zonder internet). Zonder internet: zet de bestanden in de gegevensmap "
        f"({as_text(root)}) of kies een andere map in de zijbalk onder 'Gegevensmap en afstandsmodel'.",
        icon="📂",
    )
    st.dataframe(_file_rows(data_status(st.session_state.get("data_dir") or None)), hide_index=True)
