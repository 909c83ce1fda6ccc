"""The *Tijdlijn* section of the Gemeente page: coverage at every change of the open service points.

The figures come from :meth:`spreiding.app.workspace.Workspace.timeline`; this
module only turns them into Dutch tables and a chart. A step decided by a
partial date (a year or a month: a period) is marked *onzeker*, never shown as
a certain opening or closure.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from spreiding.analysis.timeline import Timeline
from spreiding.app.labels import as_text, display_table
from spreiding.app.screens._charts import step_chart
from spreiding.app.state import user_errors
from spreiding.app.views import dutch_style
from spreiding.app.workspace import Workspace
from spreiding.vocabulary import CONFIDENCE_LABELS, MISSING, Col, column_label, fmt_dec

__all__ = ["changes_view", "render_timeline", "steps_view"]

_STEP_FIGURES = (Col.COVERED_PCT, Col.MEAN_DIST_M, Col.LOSE_COVERAGE, Col.GAIN_COVERAGE)
_CHANGE_TEXT = (Col.NAME, Col.ID, Col.MUNICIPALITY, Col.EVENT, Col.WHEN, Col.DATE_EVIDENCE, Col.CONFIDENCE)


def _day(iso: object) -> str:
    return dt.date.fromisoformat(str(iso)).strftime("%d-%m-%Y")


def _flag(value: object) -> str:
    return "onzeker" if bool(value) else ""


def _text_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Text columns with the vocabulary's Dutch headers (dates as dd-mm-jjjj, the flag as "onzeker")."""
    out = pd.DataFrame(index=range(len(frame)))
    for col in columns:
        values = frame[col].tolist()
        if col == Col.DATE:
            values = [_day(v) for v in values]
        elif col == Col.UNCERTAIN:
            values = [_flag(v) for v in values]
        elif col == Col.CONFIDENCE:
            values = [CONFIDENCE_LABELS.get(str(v), v) for v in values]
        out[column_label(col)] = ["" if pd.isna(v) else str(v) for v in values]
    return out


def _signed(values: pd.Series, scale: float, digits: int) -> list[str]:
    """Signed Dutch numbers (``+19,8``); "–" where there is no previous step."""
    return [MISSING if pd.isna(v) else ("+" if v > 0 else "") + fmt_dec(v / scale, digits) for v in values]


def steps_view(line: Timeline) -> pd.DataFrame:
    """One row per step of the timeline (date, period, flag, figures in km and %, the changes) for display."""
    steps = line.steps
    head = _text_columns(steps, (Col.DATE, Col.PERIOD, Col.UNCERTAIN))
    figures = display_table(steps, _STEP_FIGURES)
    figures.insert(1, column_label(Col.COVERED_PCT_DELTA), _signed(steps[Col.COVERED_PCT_DELTA], 1.0, 1))
    figures.insert(3, column_label(Col.MEAN_DIST_M_DELTA, km=True), _signed(steps[Col.MEAN_DIST_M_DELTA], 1000.0, 2))
    return pd.concat([head, figures, _text_columns(steps, (Col.CHANGES,))], axis=1)


def _chart(line: Timeline) -> alt.Chart:
    """Mean distance per step as a step line (the value holds until the next change), up to the end date."""
    steps = line.steps
    days = [*pd.to_datetime(steps[Col.DATE]), pd.Timestamp(line.end)]
    km = [*(steps[Col.MEAN_DIST_M].to_numpy(float) / 1000), float(steps[Col.MEAN_DIST_M].iloc[-1]) / 1000]
    return step_chart(days, km, y_title="gemiddelde afstand (km)")


def changes_view(line: Timeline) -> pd.DataFrame:
    """The rows that opened or closed, with the date as known and its evidence, for display."""
    return _text_columns(line.changes, (Col.DATE, *_CHANGE_TEXT, Col.UNCERTAIN))


def render_timeline(ws: Workspace, municipality: str) -> None:
    """The Tijdlijn section for ``municipality`` (2015 to the peildatum)."""
    st.subheader("Tijdlijn: openingen en sluitingen sinds 2015")
    with user_errors():
        line = ws.timeline(municipality)
    until = line.end.strftime("%d-%m-%Y")
    st.caption(
        f"Uit de gedateerde rijen van de lijst (open vanaf / open tot en met), 01-01-2015 tot {until}; "
        f"norm: {as_text(line.norm.describe())}. Een datum als 2021 of 2021-11 is een periode: zo'n stap is "
        "onzeker (de dag is niet bekend), geen zekere opening of sluiting."
    )
    if len(line.steps) <= 1:
        st.info(f"Geen gedateerde wijziging die {as_text(municipality)} raakt sinds 2015.")
    st.dataframe(dutch_style(steps_view(line)), hide_index=True, key="gem_timeline")
    st.altair_chart(_chart(line), width="stretch")
    with st.expander("Wijzigingen in de lijst (met de bron van elke datum)"):
        st.dataframe(dutch_style(changes_view(line)), hide_index=True, key="gem_timeline_changes")
