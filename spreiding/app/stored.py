"""The sidebar panel of the scenario store: what is stored, earlier versions, restore, take out of the list.

Nothing here deletes a version: "verwijderen" takes a scenario out of the
list and every version stays, to be restored here or with ``spreiding
scenario restore``. A store that cannot be opened is said, with what to do.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from spreiding.app.feedback import user_errors
from spreiding.app.labels import as_text
from spreiding.app.views import dutch_style
from spreiding.app.workspace import Workspace

__all__ = ["history_view", "stored_panel"]

_DELETED = " (verwijderd)"


def history_view(history: pd.DataFrame) -> pd.DataFrame:
    """The versions of one scenario for people: Dutch headers, ``ja`` for the current one, damage in words."""
    return pd.DataFrame(
        {
            "versie": history["version"].astype(int),
            "bewaard op": history["saved_at"].astype(str).str.replace("T", " ").str.slice(0, 16),
            "actief": history["current"].map({True: "ja", False: ""}),
            "wijzigingen": history["n_edits"],
            "beschrijving": history["description"].astype(str),
            "beschadigd": history["damaged"].astype(str),
        }
    )


def stored_panel(sb: Any, ws: Workspace) -> None:
    """Stored scenarios: pick one, see its versions, restore one, or take it out of the list (asks first)."""
    names = ws.stored_names()  # opens the store; store_problem then says why it did not
    problem = ws.store_problem
    deleted = [] if problem else [n for n in ws.deleted_stored() if n not in names]
    for line in ws.damaged:  # damaged stored rows are reported by name (once) and skipped; the rest loads
        sb.warning(f"Opgeslagen scenario overgeslagen (beschadigd): {as_text(line)}", icon="⚠️")
    with sb.expander(f"Bewaarde scenario's ({len(names)})"):
        if problem:
            st.warning(
                f"De scenario-opslag is niet te openen: {as_text(problem)}. Bewaren lukt nu niet: download uw "
                "scenario op de Kaart als bestand, of zet SPREIDING_STORE op een schrijfbaar bestand."
            )
            return
        if not names and not deleted:
            st.caption("Nog geen bewaarde scenario's; bewaar er een op de Kaart of bij Optimaliseren.")
            return
        options = [*names, *(n + _DELETED for n in deleted)]
        shown = st.selectbox("Bewaard scenario", options, key="store_pick")
        pick = shown.removesuffix(_DELETED) if shown in options[len(names) :] else shown
        _versions(ws, pick)
        if pick in names:
            _delete(ws, pick, names)


def _versions(ws: Workspace, name: str) -> None:
    history = ws.stored_history(name)
    st.caption("Eerdere versies (geen enkele versie wordt gewist)")
    st.dataframe(dutch_style(history_view(history)), hide_index=True, key="store_history")
    older = [int(v) for v, current in zip(history["version"], history["current"], strict=True) if not current]
    if not older:
        return
    version = st.selectbox("Versie", older[::-1], key="store_version")
    if st.button("Deze versie terugzetten", key="btn_restore"):
        with user_errors():
            result = ws.restore_stored(name, int(version))
            st.session_state["store_message"] = result.message
            st.rerun()


def _delete(ws: Workspace, pick: str, names: list[str]) -> None:
    pending = st.session_state.get("confirm_delete")
    if pending not in names:
        if st.button("Verwijderen …", key="btn_del"):
            st.session_state["confirm_delete"] = pick
            st.rerun()
        return
    st.warning(
        f"Scenario '{as_text(pending)}' uit de lijst halen? Alle versies blijven bewaard en zijn hier terug te zetten."
    )
    c1, c2 = st.columns(2)
    if c1.button("Ja, verwijderen", key="btn_del_yes", type="primary"):
        st.session_state.pop("confirm_delete", None)
        with user_errors():
            ws.delete_stored(pending)
        st.rerun()
    if c2.button("Annuleren", key="btn_del_no"):
        st.session_state.pop("confirm_delete", None)
        st.rerun()
