"""The sidebar's norm controls, choices kept across pages, Dutch errors and a machine without data."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from spreiding.analysis.norm import PRESETS
from spreiding.app.labels import error_text
from spreiding.app.norm_controls import OWN, norm_from_values, preset_values, speed_text
from spreiding.app.workspace import Settings
from spreiding.data.status import data_status, missing_required
from spreiding.errors import ConfigError, DataNotFoundError

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _values(**changes: object) -> dict[str, object]:
    values = preset_values("5km-auto")
    values.update(changes)
    return values


# --------------------------------------------------------------------------- pure logic


def test_decimal_comma_is_read_as_a_decimal() -> None:
    norm = norm_from_values(_values(norm_km="7,5"), OWN)
    assert norm.max_dist_m == pytest.approx(7500.0)
    assert norm.max_time_s is None
    assert "7,5 km" in norm.describe() or "7.5 km" in norm.describe()


@pytest.mark.parametrize("text", ["abc", "7,5 km", ""])
def test_text_that_is_no_number_is_refused_in_dutch(text: str) -> None:
    with pytest.raises(ConfigError, match=r"getal|groter dan 0"):
        norm_from_values(_values(norm_km=text), OWN)


def test_zero_limit_is_refused_in_dutch() -> None:
    with pytest.raises(ConfigError, match="groter zijn dan 0"):
        norm_from_values(_values(norm_limit="min", norm_min="0"), OWN)


def test_preset_unchanged_is_the_preset_itself() -> None:
    for key in PRESETS:
        assert norm_from_values(preset_values(key), key) is PRESETS[key]


def test_switching_to_a_distance_limit_drops_the_presets_time_limit() -> None:
    values = preset_values("15min-fiets")
    assert values["norm_limit"] == "min"
    values.update(norm_limit="km", norm_km="5")
    norm = norm_from_values(values, OWN)
    assert norm.max_time_s is None and norm.max_dist_m == 5000.0
    assert not norm.example  # an own norm is no example


def test_speeds_are_stated() -> None:
    assert "15 km/u" in speed_text("bike")
    assert "5 km/u" in speed_text("walk")
    assert "km/u" in speed_text("car")


def test_error_text_is_dutch_for_every_error() -> None:
    assert error_text(DataNotFoundError("bestand x ontbreekt")).startswith("**Gegevens ontbreken:**")
    text = error_text(KeyError("some English internals"))
    assert "English" not in text and "onverwachts" in text


def test_data_status_names_every_missing_file(tmp_path: Path) -> None:
    missing = missing_required(tmp_path)
    assert {f.role for f in missing} == {"population", "boundaries", "libraries"}
    assert all("spreiding fetch" in f.how_nl for f in missing)
    assert {f.role for f in data_status(tmp_path)} >= {"roads", "pc4", "osm_points"}


# --------------------------------------------------------------------------- the app


@pytest.fixture()
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    empty = tmp_path / "leeg"
    empty.mkdir()
    monkeypatch.setenv("SPREIDING_DATA_DIR", str(empty))
    monkeypatch.setenv("SPREIDING_STORE", str(tmp_path / "scenarios.sqlite"))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    return AppTest.from_file(APP, default_timeout=60).run()


def test_fresh_machine_without_data_opens_and_says_what_is_missing(fresh: AppTest) -> None:
    assert not fresh.exception and not fresh.error
    assert any("gegevens nodig die nog ontbreken" in w.value for w in fresh.warning)
    fresh.switch_page("spreiding/app/screens/data.py").run()
    assert not fresh.exception and not fresh.error
    table = fresh.dataframe[0].value
    assert (table["Aanwezig"] == "nee").sum() >= 3
    assert table["Zo komt u eraan"].str.contains("spreiding fetch").any()
    for page in ("gemeente", "optimaliseren", "vergelijken"):
        fresh.switch_page(f"spreiding/app/screens/{page}.py").run()
        assert not fresh.exception and not fresh.error, page
        assert fresh.warning, page


def _settings(at: AppTest) -> Settings:
    settings = at.session_state["settings"]
    assert isinstance(settings, Settings)
    return settings


@pytest.mark.data
def test_typing_7_comma_5_gives_7_5_km_and_an_own_norm(app: AppTest) -> None:
    app.text_input(key="norm_km").input("7,5").run()
    assert not app.exception and not app.error
    assert _settings(app).norm.max_dist_m == pytest.approx(7500.0)
    assert app.selectbox(key="norm_preset").value == OWN
    app.text_input(key="norm_km").input("zeven").run()
    assert any("geen getal" in e.value for e in app.sidebar.error)
    assert _settings(app).norm.max_dist_m == pytest.approx(7500.0)  # the last valid norm stays in use


@pytest.mark.data
def test_preset_then_distance_has_no_hidden_time_limit(app: AppTest) -> None:
    app.selectbox(key="norm_preset").set_value("15min-fiets").run()
    assert _settings(app).norm.max_time_s == 900.0
    app.radio(key="norm_limit").set_value("km").run()
    norm = _settings(app).norm
    assert norm.max_time_s is None and norm.max_dist_m == 5000.0 and norm.mode == "bike"
    assert app.selectbox(key="norm_preset").value == OWN


@pytest.mark.data
def test_time_only_preset_shows_minutes_on_the_map_page(app: AppTest) -> None:
    app.selectbox(key="norm_preset").set_value("15min-fiets").run()
    app.switch_page("spreiding/app/screens/kaart.py").run()
    assert not app.exception and not app.error
    labels = [m.label for m in app.metric]
    assert labels == ["Binnen de norm", "Gem. reistijd", "Gem. afstand", "Buiten de norm"]  # minutes first
    values = {m.label: m.value for m in app.metric}
    assert re.fullmatch(r"\d+,\d min", values["Gem. reistijd"]), values
    assert values["Gem. afstand"].endswith(" km")
    workspace = app.session_state["workspace"]
    legend = [item["label"] for item in workspace.map_payload()["legend"]]
    assert legend[0] == "0–5 min" and legend[-2] == "meer dan 30 min"
    app.switch_page("spreiding/app/screens/gemeente.py").run()  # the distribution in minutes too
    assert not app.exception and not app.error
    # the second page change kept the norm (the hidden km input once reset it to 5 km by car)
    assert app.selectbox(key="norm_preset").value == "15min-fiets" and _settings(app).norm.max_time_s == 900.0
    assert "Verdeling van de reistijd" in [h.value for h in app.subheader]
    assert workspace.distribution("Assen").index[:2].tolist() == ["0–5 min", "5–10 min"]
    app.switch_page("spreiding/app/screens/vergelijken.py").run()  # travel time in the comparison table
    assert not app.exception and not app.error
    table = next(d.value for d in app.dataframe if "gemeente" in d.value.columns)
    columns = list(table.columns)
    assert columns.index("gemiddelde reistijd, verschil (min)") < columns.index("gemiddelde afstand, verschil (km)")
    assert any(h.value.startswith("Verandering van reistijd") for h in app.subheader)
    assert any(m.value.startswith("Gelijk gebleven (± 0,5 min)") for m in app.markdown)


@pytest.mark.data
def test_navigation_keeps_the_chosen_municipality(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Emmen").run()
    app.switch_page("spreiding/app/screens/kaart.py").run()
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    assert not app.exception
    assert app.selectbox(key="gem_name").value == "Emmen"


@pytest.mark.data
def test_navigation_keeps_the_optimisation_choices_without_warnings(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/optimaliseren.py").run()
    app.slider(key="opt_p").set_value(5).run()
    app.selectbox(key="opt_source").set_value("gebouwen").run()
    app.switch_page("spreiding/app/screens/data.py").run()
    app.switch_page("spreiding/app/screens/optimaliseren.py").run()
    assert not app.exception
    assert app.slider(key="opt_p").value == 5
    assert app.selectbox(key="opt_source").value == "gebouwen"
    assert not [w.value for w in app.warning if "Session State" in w.value]


@pytest.mark.data
def test_navigation_keeps_the_comparison_and_new_point_choices_without_warnings(app: AppTest) -> None:
    app.button(key="btn_close").click().run()  # a working scenario next to the current situation
    app.selectbox(key="new_kind").set_value("vestiging").run()
    app.switch_page("spreiding/app/screens/vergelijken.py").run()
    app.selectbox(key="cmp_a").set_value("Werkscenario 1")
    app.selectbox(key="cmp_b").set_value("Huidige situatie").run()
    app.switch_page("spreiding/app/screens/data.py").run()
    app.switch_page("spreiding/app/screens/vergelijken.py").run()
    assert not app.exception
    assert app.selectbox(key="cmp_a").value == "Werkscenario 1"
    assert app.selectbox(key="cmp_b").value == "Huidige situatie"
    app.switch_page("spreiding/app/screens/kaart.py").run()
    assert app.selectbox(key="new_kind").value == "vestiging"
    assert not [w.value for w in app.warning if "Session State" in w.value]


def test_every_norm_choice_fits_the_sidebar_box_at_1280_px() -> None:
    """The box shows about 32 characters at 1280 px ("Voorbeeld: 5 km over de weg (au" was cut off)."""
    from spreiding.analysis.norm import PRESETS
    from spreiding.app.norm_controls import OWN, _preset_label

    labels = [_preset_label(k) for k in (OWN, *PRESETS)]
    assert all(len(label) <= 32 for label in labels), labels
    assert len(set(labels)) == len(labels)  # still tells the presets apart
