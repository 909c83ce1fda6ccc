"""Data: sources, reference dates, record counts and data-quality warnings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from spreiding.app.state import (
    MAX_UPLOAD_MB,
    Settings,
    active_facilities,
    check_upload,
    get_network,
    get_region,
    upload_error_nl,
    user_errors,
)
from spreiding.errors import SpreidingError

__all__: list[str] = []

settings: Settings = st.session_state["settings"]
st.title("Data: bronnen en kwaliteit")

with user_errors():
    region = get_region(settings.data_dir)

st.markdown(f"Gegevensmap: `{region.data_dir}`")
rows = []
for src in region.sources:
    quality = src.get("quality") or {}
    rows.append(
        {
            "soort": src.get("kind"),
            "bestand": Path(str(src.get("path"))).name,
            "peiljaar": src.get("year"),
            "regels": src.get("rows"),
            "CRS": src.get("crs"),
            "beschrijving": src.get("description", ""),
            "kwaliteit": "; ".join(f"{k}: {v:g}" for k, v in quality.items() if isinstance(v, int | float) and v),
        }
    )
st.subheader("Bronnen")
st.dataframe(pd.DataFrame(rows), hide_index=True, key="data_sources")

st.subheader("Aantallen")
fac = active_facilities(settings)
if settings.upload:
    st.info("De aantallen hieronder gaan over het geüploade voorzieningenbestand dat nu in gebruik is.")
c1, c2, c3, c4 = st.columns(4)
c1.metric("Bevolkingscellen", f"{len(region.population):,}".replace(",", "."))
c2.metric("Inwoners", f"{region.residents:,.0f}".replace(",", "."))
c3.metric("Voorzieningen (alle statussen)", len(fac))
c4.metric("Gemeenten", len(region.municipalities))
st.dataframe(
    fac.groupby(["kind", "status"])
    .size()
    .rename("aantal")
    .reset_index()
    .rename(columns={"kind": "soort", "status": "status"}),
    hide_index=True,
    key="data_counts",
)

st.subheader("Waarschuwingen over de kwaliteit")
warnings: list[str] = []
for src in region.sources:
    warnings += [f"{src.get('kind')}: {w}" for w in src.get("warnings") or []]
    q = src.get("quality") or {}
    if q.get("secret_cells"):
        warnings.append(f"{src.get('kind')}: {q['secret_cells']:g} geheime cellen (minder dan 5 inwoners), geschat")
if "confidence" in fac:
    low = fac.loc[fac["confidence"].astype(str).isin(["low", "medium"])]
    if len(low):
        warnings.append(f"{len(low)} voorzieningen met onzekere ligging of status (confidence medium/low)")
if "location_precision" in fac:
    approx = fac["location_precision"].astype(str).str.contains("centre|center|centrum", case=False)
    if approx.any():
        warnings.append(f"{int(approx.sum())} voorzieningen liggen op het dorps- of stadscentrum, niet op het adres")
network = None if settings.crowfly else get_network(settings.data_dir, settings.norm.mode)
if network is None:
    warnings.append("geen wegennet geladen: afstanden zijn hemelsbrede schattingen")
else:
    warnings.append(f"wegennet: {network.source} (OpenStreetMap 2021; geen maximumsnelheden)")
for w in warnings:
    st.markdown(f"- {w}")
if "location_precision" in fac:
    with st.expander("Ligging per voorziening"):
        cols = [c for c in ("id", "name", "kind", "status", "location_precision", "confidence") if c in fac]
        st.dataframe(pd.DataFrame(fac[cols]), hide_index=True)

st.subheader("Eigen voorzieningenbestand")
st.markdown(
    "Upload een lijst van bibliotheekvoorzieningen (CSV, GeoJSON of GeoPackage, hoogstens "
    f"{MAX_UPLOAD_MB} MB) met de kolommen `id`, `name`, `kind` (vestiging / kleine_vestiging / servicepunt), "
    "`status` (open / closed / planned / cancelled) en de ligging (`lon`/`lat` in WGS84 of `x`/`y` in RD New). "
    "Na controle kunt u hem voor deze sessie gebruiken in plaats van de lijst uit de gegevensmap; "
    "alle pagina's rekenen dan met uw lijst."
)
upload = st.file_uploader("Voorzieningenbestand", type=["csv", "geojson", "gpkg"], key="data_upload")
ss = st.session_state
if upload is not None:
    try:
        digest, checked = check_upload(upload.name, upload.getvalue(), settings.data_dir)
    except SpreidingError as exc:
        st.error(upload_error_nl(exc))
    else:
        ss.setdefault("uploads", {})[digest] = (upload.name, checked)
        ss["upload_last"] = digest
        counted = checked.loc[checked["status"] == "open"]
        st.success(f"{len(checked)} voorzieningen gelezen en gecontroleerd ({len(counted)} open) uit {upload.name}.")
        for w in checked.attrs.get("validation_warnings") or []:
            st.warning(str(w))
        st.dataframe(pd.DataFrame(checked.drop(columns="geometry")).head(50), hide_index=True, key="data_upload_rows")
last = ss.get("upload_last")
if last and last in ss.get("uploads", {}):
    fname = ss["uploads"][last][0]

    def _toggle_upload() -> None:
        ss["upload_on"] = last if ss.get("use_upload_w") else ""

    st.toggle(
        f"Gebruik geüploade voorzieningen ({fname})",
        value=ss.get("upload_on") == last,
        key="use_upload_w",
        on_change=_toggle_upload,
        help="Alleen voor deze sessie; de gegevensmap verandert niet.",
    )

st.caption("Wegennet en kernen: © OpenStreetMap contributors (ODbL). Bevolking: CBS/Eurostat Census 2021 1 km-grid.")
