"""The headline of a page as a row of metrics (Kaart, Optimaliseren)."""

from __future__ import annotations

import streamlit as st

from spreiding.app.views import Headline

__all__ = ["headline_metrics"]


def headline_metrics(head: Headline, last: tuple[str, str | int]) -> None:
    """Covered share, the mean figures (minutes first for a time-only norm), then ``last`` (label, value)."""
    means = head.means()  # the mean distance; with a time limit the mean travel time too
    cols = st.columns(2 + len(means))
    cols[0].metric("Binnen de norm", head.covered_pct, head.covered_pct_delta)
    for col, (label, value, delta) in zip(cols[1:-1], means, strict=True):
        col.metric(label, value, delta, delta_color="inverse")
    cols[-1].metric(*last)
