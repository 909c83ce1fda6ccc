"""AppTest of the verdict on the Gemeente page, the target control and the Provincie page (real Drenthe data)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from spreiding.analysis.verdict import meets_sentence

from .conftest import app_ok as _ok

pytestmark = pytest.mark.data  # every test here runs the app on the real data folder


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_gemeente_page_shows_the_verdict_and_the_list_warnings(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Emmen").run()
    _ok(app)
    text = _text(app)
    assert ":red[Emmen voldoet niet]" in text
    assert "het doel is 95 %" in text and "er ontbreken" in text
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Doel"] == "95 %" and metrics["Bevolking (jaar)"] == "2021"
    assert int(metrics["Tekort (inwoners)"].replace(".", "")) > 10_000
    assert "Kernen met inwoners buiten de norm" in text and "Erica" in text
    warnings = " ".join(w.value for w in app.warning)
    # Emmen's service points rest on 2018 sources (data README): named next to the figures
    assert "Servicepunt Erica" in warnings and "laatst bevestigd in 2018" in warnings
    app.selectbox(key="gem_name").set_value("Assen").run()
    _ok(app)
    assert ":green[Assen voldoet]" in _text(app)
    assert "Krap" not in _text(app)  # 96.1 % (residents on street nodes) is more than 1 point above 95 %
    app.sidebar.text_input(key="norm_target").set_value("96,5").run()
    _ok(app)
    assert ":red[Assen voldoet niet]" in _text(app) and "Krap" in _text(app)  # 96.1 % against 96.5 %


def test_target_control_turns_the_verdict(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Assen").run()
    app.sidebar.text_input(key="norm_target").set_value("97").run()
    _ok(app)
    assert ":red[Assen voldoet niet]" in _text(app)
    assert "minstens 97 % van de inwoners" in " ".join(c.value for c in app.sidebar.caption)


def test_provincie_page_lists_every_municipality(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/provincie.py").run()
    _ok(app)
    table = app.dataframe[0].value
    assert len(table) == 12
    verdicts = dict(zip(table["gemeente"], table["oordeel"], strict=True))
    assert verdicts["Assen"] == "voldoet" and verdicts["Emmen"] == "voldoet niet"
    assert meets_sentence(list(verdicts.values()).count("voldoet"), 12) in _text(app)


def test_gemeente_page_has_coverage_per_kern_as_the_cli(app: AppTest) -> None:
    """The kern table of Emmen: every kern of `coverage --by kern` for Emmen, largest first, Dutch headers."""
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Emmen").run()
    _ok(app)
    table = next(d.value for d in app.dataframe if "kern" in d.value.columns and "binnen norm (%)" in d.value.columns)
    assert len(table) > 20 and table["kern"].iloc[0] == "Emmen"  # the town itself is the largest kern
    assert table["inwoners"].is_monotonic_decreasing
    assert table["binnen norm (%)"].between(0, 100).all()
