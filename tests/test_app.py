"""Streamlit AppTest of every page and its main interactions, on the real Drenthe data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from spreiding.config import DataPaths

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture()
def app(real_data: DataPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SPREIDING_DATA_DIR", str(real_data.root))
    monkeypatch.setenv("SPREIDING_STORE", str(tmp_path / "scenarios.sqlite"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _covered_pct(at: AppTest) -> float:
    return float(at.metric[0].value.split()[0])


def test_kaart_first_view(app: AppTest) -> None:
    _ok(app)
    pct = _covered_pct(app)
    assert 50 < pct < 100
    assert app.dataframe[0].value.shape[0] == 13  # 12 municipalities + Drenthe
    assert any("OpenStreetMap" in c.value for c in app.caption)


def test_change_norm_changes_coverage(app: AppTest) -> None:
    before = _covered_pct(app)
    app.number_input(key="norm_km").set_value(10.0).run()
    _ok(app)
    assert _covered_pct(app) > before


def test_close_and_add_branch(app: AppTest) -> None:
    before = _covered_pct(app)
    app.selectbox(key="edit_id").set_value("dr-001").run()
    app.button(key="btn_close").click().run()
    _ok(app)
    assert app.session_state["active_scenario"] == "Werkscenario 1"
    closed = _covered_pct(app)
    assert closed < before
    # re-open nearby as a new point at the same place (Gieten, RD 247156, 558536)
    app.number_input(key="new_x").set_value(247156.0)
    app.number_input(key="new_y").set_value(558536.0)
    app.selectbox(key="new_kind").set_value("vestiging")
    app.button(key="btn_add").click().run()
    _ok(app)
    assert _covered_pct(app) == pytest.approx(before, abs=0.05)
    app.button(key="btn_undo").click().run()
    assert _covered_pct(app) == pytest.approx(closed, abs=0.01)


def test_crowfly_banner(app: AppTest) -> None:
    app.checkbox(key="crowfly").check().run()
    _ok(app)
    assert any("hemelsbrede schattingen" in w.value for w in app.warning)


def test_compare_page(app: AppTest) -> None:
    app.button(key="btn_close").click().run()
    app.switch_page("app_pages/vergelijken.py").run()
    _ok(app)
    table = app.dataframe[0].value
    assert table.shape[0] == 13
    assert (table["verschil %-punt"] <= 0).all() and (table["verschil %-punt"] < 0).any()
    assert table["verliezen dekking"].sum() > 0


def test_gemeente_page_and_report(app: AppTest) -> None:
    app.switch_page("app_pages/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Emmen").run()
    _ok(app)
    assert app.dataframe[0].value.shape[0] >= 5
    assert app.dataframe[1].value.shape[0] >= 1
    app.button(key="gem_mk_report").click().run()
    _ok(app)
    muni, html = app.session_state["gem_report"]
    assert muni == "Emmen" and "Emmen" in html and "<table" in html


def test_optimise_and_save(app: AppTest) -> None:
    app.switch_page("app_pages/optimaliseren.py").run()
    app.slider(key="opt_p").set_value(2).run()
    app.button(key="opt_run").click().run()
    _ok(app)
    sites = app.dataframe[0].value
    assert len(sites) == 2
    assert (sites["gain_covered"] > 0).all()
    app.text_input(key="opt_name").set_value("Advies test").run()
    app.button(key="opt_save").click().run()
    _ok(app)
    assert "Advies test" in app.session_state["scenarios"]
    from spreiding.store import ScenarioStore

    assert "Advies test" in ScenarioStore.open().names()


def test_data_page(app: AppTest) -> None:
    app.switch_page("app_pages/data.py").run()
    _ok(app)
    sources = app.dataframe[0].value
    assert len(sources) >= 2
    assert "voorzieningen" in " ".join(m.label for m in app.metric).lower()
