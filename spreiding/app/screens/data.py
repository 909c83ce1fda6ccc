"""Data: sources, reference dates, record counts, data-quality warnings and uploads."""

from __future__ import annotations

import streamlit as st

from spreiding.analysis.placement import placement_notes
from spreiding.app.labels import as_text, nl_int
from spreiding.app.state import page_args, user_errors
from spreiding.app.uploads import MAX_UPLOAD_MB, upload_error_nl
from spreiding.app.views import (
    cbs_view,
    counts_view,
    dutch_style,
    large_list_note,
    locations_view,
    quality_warnings,
    sources_view,
    upload_view,
)
from spreiding.app.workspace import BASE_SCENARIO, Settings, Workspace
from spreiding.errors import SpreidingError
from spreiding.vocabulary import placement_label

__all__ = ["render"]

_UPLOAD_HELP = (
    "Upload een lijst van bibliotheekvoorzieningen (CSV, GeoJSON of GeoPackage, hoogstens "
    f"{MAX_UPLOAD_MB} MB) met de kolommen `id`, `name`, `kind` (vestiging / kleine_vestiging / servicepunt), "
    "`status` (open / closed / planned / cancelled) en de ligging (`lon`/`lat` in WGS84 of `x`/`y` in RD New). "
    "Na controle kunt u hem voor deze sessie gebruiken in plaats van de lijst uit de gegevensmap; "
    "alle pagina's rekenen dan met uw lijst."
)


def _analysis_residents(ws: Workspace, in_cells: float) -> None:
    """Say how many residents the analysis counts when it differs from the cells' count (placement)."""
    ev = ws.evaluate(BASE_SCENARIO)
    counted = float(ev.table["residents"].iloc[-1])
    if round(counted) == round(in_cells):
        return
    st.caption(
        f"De analyse telt {nl_int(counted)} inwoners: {as_text(placement_label(ev.placement))}. "
        "Bij randcellen tellen de inwoners op straatknopen binnen de regio; inwoners op knopen buiten elke "
        "gemeente tellen niet mee (zie de waarschuwingen hieronder)."
    )


def _overview(ws: Workspace, settings: Settings) -> None:
    region = ws.region
    st.text(f"Gegevensmap: {region.data_dir}")  # typed in the sidebar: as text
    st.subheader("Bronnen")
    st.dataframe(dutch_style(sources_view(region.sources)), hide_index=True, key="data_sources")
    st.subheader("Aantallen")
    fac = ws.facilities
    if settings.upload:
        st.info("De aantallen hieronder gaan over het geüploade voorzieningenbestand dat nu in gebruik is.")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Bevolkingscellen", nl_int(len(region.population)))
    c2.metric("Inwoners", nl_int(region.residents))
    c3.metric("Voorzieningen (alle statussen)", len(fac))
    c4.metric("Gemeenten", len(region.municipalities))
    if region.border_file is not None and not region.border_file.exists():
        st.info(
            "Geen randcellen: cellen die over de grens van de regio liggen met hun middelpunt erbuiten, "
            f"tellen niet mee (bestand ontbreekt: {as_text(region.border_file)})."
        )
    elif region.border_cells:
        st.caption(
            f"Waarvan {nl_int(region.border_cells)} randcellen over de grens van de regio "
            "(alleen het deel binnen de regio telt)."
        )
    _analysis_residents(ws, region.residents)
    st.dataframe(dutch_style(counts_view(fac)), hide_index=True, key="data_counts")
    st.subheader("Waarschuwingen over de kwaliteit")
    network = ws.study.network
    notes = placement_notes(ws.study.points)
    for w in [*quality_warnings(region.sources, fac, None if network is None else network.source), *notes]:
        st.markdown(f"- {as_text(w)}")  # warnings quote names from the data
    locations = locations_view(fac)
    if locations is not None:
        with st.expander("Ligging per voorziening"):
            st.dataframe(dutch_style(locations), hide_index=True)


def _upload_error(exc: SpreidingError) -> str:
    """The Dutch upload error; its details quote the file (names, columns), so they are shown as text."""
    message, detail = upload_error_nl(exc), str(exc)
    if detail and message.endswith(detail):
        return message[: -len(detail)] + as_text(detail)
    return message


def _upload(ws: Workspace) -> None:
    ss = st.session_state
    st.subheader("Eigen voorzieningenbestand")
    st.markdown(_UPLOAD_HELP)
    upload = st.file_uploader(
        "Voorzieningenbestand (CSV, Excel, GeoJSON of GeoPackage)",
        type=["csv", "txt", "xlsx", "geojson", "json", "gpkg"],
        key="data_upload",
    )
    if upload is not None:
        try:
            digest, checked = ws.add_upload(upload.name, upload.getvalue())
        except SpreidingError as exc:
            st.error(_upload_error(exc))
        else:
            ss["upload_last"] = digest
            summary, rows = upload_view(checked)
            st.success(f"{summary} uit {as_text(upload.name)}.")
            for w in checked.attrs.get("validation_warnings") or []:
                st.warning(as_text(w))
            large = large_list_note(len(checked))
            if large:  # said before the list is switched on, not after a long wait
                st.info(large)
            st.dataframe(dutch_style(rows), hide_index=True, key="data_upload_rows")
    last = ss.get("upload_last")
    if last and last in ws.uploads:

        def _toggle() -> None:
            ss["upload_on"] = last if ss.get("use_upload_w") else ""

        st.toggle(
            f"Gebruik geüploade voorzieningen ({as_text(ws.uploads[last])})",
            value=ss.get("upload_on") == last,
            key="use_upload_w",
            on_change=_toggle,
            help="Alleen voor deze sessie; de gegevensmap verandert niet.",
        )


_CBS_HELP = (
    "Vergelijk de gemiddelde afstand over de weg (auto) tot de dichtstbijzijnde bibliotheek per gemeente met "
    "het cijfer van CBS (*Nabijheid voorzieningen*, bijvoorbeeld tabel 85231NED voor 2021). Download de tabel op "
    "opendata.cbs.nl als CSV (puntkomma's, kolomnamen als `WijkenEnBuurten`, `Gemeentenaam_1`, ...) en upload hem "
    "hier; met de metadata (JSON met `DataProperties`) erbij wordt de kolom via zijn titel gevonden. De tool rekent "
    "dan zoals CBS: auto, alle soorten voorzieningen tellen mee, inwoners op de straten."
)


def _cbs(ws: Workspace, settings: Settings) -> None:
    st.subheader("Vergelijken met CBS")
    st.markdown(_CBS_HELP)
    c1, c2 = st.columns(2)
    table = c1.file_uploader("CBS-tabel (CSV)", type=["csv", "txt"], key="data_cbs_csv")
    meta = c2.file_uploader("Metadata van de tabel (JSON, optioneel)", type=["json"], key="data_cbs_meta")
    if table is None:
        return
    try:
        with st.spinner("Rekenen met de CBS-instellingen (auto, alle soorten, inwoners op de straten) …"):
            result = ws.compare_cbs(table.getvalue(), table.name, meta.getvalue() if meta is not None else None)
    except SpreidingError as exc:
        st.error(as_text(exc))
        return
    cbs = result.cbs
    year = f" ({cbs.year})" if cbs.year else ""
    st.caption(f"CBS-kolom: {as_text(cbs.title)} [{as_text(cbs.key)}]{year}; uit {as_text(table.name)}.")
    day = cbs.reference_date or settings.as_of
    st.caption(f"Peildatum van de vergelijking: {day.strftime('%d-%m-%Y')} (de voorzieningen die toen open waren).")
    st.dataframe(dutch_style(cbs_view(result.table)), hide_index=True, key="data_cbs_table")
    st.markdown("**Waarom de cijfers verschillen**")
    for note in result.notes:
        st.markdown(f"- {as_text(note)}")


def render(ws: Workspace, settings: Settings) -> None:
    """The data page."""
    st.title("Data: bronnen en kwaliteit")
    with user_errors():
        _overview(ws, settings)
    _upload(ws)
    _cbs(ws, settings)
    st.caption(
        "Wegennet en kernen: © OpenStreetMap contributors (ODbL). Bevolking: CBS/Eurostat Census 2021 1 km-grid."
    )


if __name__ == "__main__":
    render(*page_args())
