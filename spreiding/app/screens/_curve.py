"""The Gemeente page's coverage curve: share of residents within d km (or t minutes), to help choose a norm."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from spreiding.app.screens._charts import DUTCH_AXIS
from spreiding.app.workspace import Settings, Workspace
from spreiding.vocabulary import fmt_dec, fmt_pct

__all__ = ["render_curve"]


def _chart(curve: pd.DataFrame, unit_label: str, norm_value: float | None) -> alt.LayerChart | alt.Chart:
    data = curve.assign(
        tip_limit=[f"{fmt_dec(v, 1)} {unit_label}" for v in curve["limit"]],
        tip_pct=[fmt_pct(v) for v in curve["within_pct"]],
    )
    line = (
        alt.Chart(data)
        .mark_line(point=False)
        .encode(
            x=alt.X("limit:Q", title=f"binnen ({unit_label})", axis=alt.Axis(labelExpr=DUTCH_AXIS)),
            y=alt.Y(
                "within_pct:Q",
                title="% inwoners",
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(labelExpr=DUTCH_AXIS),
            ),
            tooltip=[alt.Tooltip("tip_limit:N", title="grens"), alt.Tooltip("tip_pct:N", title="inwoners binnen")],
        )
    )
    if norm_value is None:
        return line
    rule = alt.Chart(pd.DataFrame({"limit": [norm_value]})).mark_rule(strokeDash=[4, 4]).encode(x="limit:Q")
    return line + rule


def render_curve(ws: Workspace, settings: Settings, municipality: str) -> None:
    """Draw the coverage curve of ``municipality`` for the norm's unit (km, or minutes for a time-only norm)."""
    norm = settings.norm
    unit = norm.figure_unit
    unit_label = "minuten" if unit == "min" else "km over de weg"
    norm_value = (norm.max_time_s / 60) if unit == "min" and norm.max_time_s else None
    if unit == "km" and norm.max_dist_m is not None:
        norm_value = norm.max_dist_m / 1000
    curve = ws.coverage_curve(municipality, unit)
    st.subheader("Dekkingscurve: welk deel van de inwoners woont binnen welke afstand?")
    st.altair_chart(_chart(curve, unit_label, norm_value), width="stretch")
    st.caption(
        "Elke grens op de horizontale as is een mogelijke norm; de stippellijn is de gekozen norm. "
        "Waar de curve vlak wordt, levert een strengere norm weinig inwoners op."
    )
