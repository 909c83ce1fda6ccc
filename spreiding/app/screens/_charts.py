"""Charts of the app pages with Dutch numbers on the axes and in the tooltips (``1.000``, ``2,5``).

Streamlit's built-in charts format axes the English way (``1,000``; ``2.5``)
and cannot be given a locale, so every page chart is an Altair chart built
here with :data:`DUTCH_AXIS`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from spreiding.output._figures import BAR_LABEL, BAR_VALUE
from spreiding.vocabulary import fmt_int

__all__ = ["DUTCH_AXIS", "bar_chart", "step_chart"]

DUTCH_AXIS = "replace(replace(replace(format(datum.value, ',~r'), /,/g, '_'), /[.]/g, ','), /_/g, '.')"
"""Vega label expression: axis numbers with Dutch thousands separators and a decimal comma."""


def bar_chart(bars: pd.DataFrame, *, x_title: str, y_title: str = "inwoners") -> alt.Chart:
    """Bars in the frame's row order (distance classes stay in numeric order), Dutch numbers.

    Parameters
    ----------
    bars
        ``klasse`` (label per bar) and ``inwoners`` (value), as :mod:`spreiding.output._figures` makes them.
    x_title, y_title
        Axis titles.
    """
    data = pd.DataFrame(
        {
            BAR_LABEL: bars[BAR_LABEL].astype(str).to_numpy(),
            BAR_VALUE: bars[BAR_VALUE].to_numpy(float),
            "tip": [fmt_int(v) for v in bars[BAR_VALUE].to_numpy(float)],
        }
    )
    order = data[BAR_LABEL].tolist()
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(f"{BAR_LABEL}:N", title=x_title, sort=order, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y(f"{BAR_VALUE}:Q", title=y_title, axis=alt.Axis(labelExpr=DUTCH_AXIS)),
            tooltip=[alt.Tooltip(f"{BAR_LABEL}:N", title="klasse"), alt.Tooltip("tip:N", title=y_title)],
        )
    )


def step_chart(days: list[pd.Timestamp], values: list[float], *, y_title: str, digits: int = 2) -> alt.Chart:
    """A value that holds until the next change (step line over dates), years on the axis, Dutch numbers."""
    data = pd.DataFrame({"datum": days, "waarde": values})
    data["tip_datum"] = data["datum"].dt.strftime("%d-%m-%Y")
    data["tip_waarde"] = [f"{v:.{digits}f}".replace(".", ",") for v in values]
    return (
        alt.Chart(data)
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("datum:T", title="datum", axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("waarde:Q", title=y_title, scale=alt.Scale(zero=False), axis=alt.Axis(labelExpr=DUTCH_AXIS)),
            tooltip=[alt.Tooltip("tip_datum:N", title="datum"), alt.Tooltip("tip_waarde:N", title=y_title)],
        )
    )
