"""Streamlit AppTest of every page and its main interactions, on the real Drenthe data."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from spreiding.app.labels import COLUMN_LABELS, STATUS_LABELS, nl_dec, nl_int
from spreiding.app.workspace import Workspace
from spreiding.data.config import DataPaths

from .conftest import app_ok as _ok

pytestmark = pytest.mark.data  # every test here runs the app on the real data folder

DELTA_PCT, LOSE, GAIN, PLACE = (
    COLUMN_LABELS[c] for c in ("covered_pct_delta", "lose_coverage", "gain_coverage", "place")
)
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _covered_pct(at: AppTest) -> float:
    """The first metric ("81,4 %") as a number."""
    return float(at.metric[0].value.split()[0].replace(".", "").replace(",", "."))


def _ws(at: AppTest) -> Workspace:
    ws = at.session_state["workspace"]
    assert isinstance(ws, Workspace)
    return ws


def test_kaart_first_view_equals_the_cli(app: AppTest, real_data: DataPaths, tmp_path: Path) -> None:
    from spreiding.cli.main import main

    _ok(app)
    out = tmp_path / "dekking.csv"
    assert (
        main(["coverage", "--norm", "5km-auto", "--data-dir", str(real_data.root), "--no-progress", "--out", str(out)])
        == 0
    )
    cli = pd.read_csv(out)
    mine = _ws(app).evaluate().table
    assert mine["municipality"].astype(str).tolist() == cli["municipality"].tolist()
    assert mine["covered"].to_numpy() == pytest.approx(cli["covered"].to_numpy(), abs=1e-6)
    # the matrix keeps float32 metres: the means agree to well under a millimetre
    assert mine["mean_dist_m"].to_numpy() == pytest.approx(cli["mean_dist_m"].to_numpy(), abs=1e-3)
    assert app.metric[0].value == f"{nl_dec(cli['covered_pct'].iloc[-1])} %"
    assert app.dataframe[0].value.shape[0] == 13  # 12 municipalities + Drenthe
    assert any("OpenStreetMap" in c.value for c in app.caption)


def test_sessions_do_not_see_each_others_edits(app: AppTest) -> None:
    other = AppTest.from_file(APP, default_timeout=120).run()
    _ok(other)
    base = _covered_pct(app)
    app.selectbox(key="edit_id").set_value("dr-001").run()
    app.button(key="btn_close").click().run()
    _ok(app)
    assert _covered_pct(app) < base and list(_ws(app).scenarios) == ["Huidige situatie", "Werkscenario 1"]
    other.run()
    _ok(other)
    assert list(_ws(other).scenarios) == ["Huidige situatie"]
    assert other.session_state["active_scenario"] == "Huidige situatie"
    assert _covered_pct(other) == base
    assert _ws(other).study is not _ws(app).study
    other.selectbox(key="edit_id").set_value("dr-002").run()
    other.button(key="btn_close").click().run()
    _ok(other)
    assert [e.id for e in _ws(other).scenario().edits] == ["dr-002"]
    assert [e.id for e in _ws(app).scenario().edits] == ["dr-001"]


def test_change_norm_changes_coverage(app: AppTest) -> None:
    before = _covered_pct(app)
    app.text_input(key="norm_km").input("10").run()
    _ok(app)
    assert _covered_pct(app) > before


def test_close_and_add_branch(app: AppTest) -> None:
    before = _covered_pct(app)
    app.selectbox(key="edit_id").set_value("dr-001").run()
    app.button(key="btn_close").click().run()
    _ok(app)
    assert app.session_state["active_scenario"] == "Werkscenario 1"
    closed = _covered_pct(app)
    assert _ws(app).scenario().edits[-1].id == "dr-001"
    assert closed < before
    # re-open nearby as a new point at the same place (Gieten, RD 247156, 558536)
    app.number_input(key="new_x").set_value(247156.0)
    app.number_input(key="new_y").set_value(558536.0)
    app.selectbox(key="new_kind").set_value("vestiging")
    app.button(key="btn_add").click().run()
    _ok(app)
    assert _ws(app).scenario().edits[-1].id == "new-nieuw-servicepunt"  # the package's id for a new point
    assert _covered_pct(app) == pytest.approx(before, abs=0.05)
    app.button(key="btn_undo").click().run()
    assert _covered_pct(app) == pytest.approx(closed, abs=0.01)


def test_crowfly_banner(app: AppTest) -> None:
    app.checkbox(key="crowfly").check().run()
    _ok(app)
    assert any("hemelsbrede schattingen" in w.value for w in app.warning)


def test_compare_page(app: AppTest) -> None:
    app.button(key="btn_close").click().run()
    app.switch_page("spreiding/app/screens/vergelijken.py").run()
    _ok(app)
    table = app.dataframe[0].value
    assert table.shape[0] == 13
    assert (table[DELTA_PCT] <= 0).all() and (table[DELTA_PCT] < 0).any()
    assert table[LOSE].sum() > 0
    assert table[GAIN].sum() == 0
    # A = the working scenario, B = the current situation: B against A directly (gains, no losses)
    app.selectbox(key="cmp_a").set_value("Werkscenario 1")
    app.selectbox(key="cmp_b").set_value("Huidige situatie").run()
    _ok(app)
    back = app.dataframe[0].value
    assert (back[DELTA_PCT] >= 0).all() and (back[DELTA_PCT] > 0).any()
    assert back[GAIN].tolist() == table[LOSE].tolist()
    assert back[LOSE].sum() == 0
    # same scenario on both sides: nothing changes
    app.selectbox(key="cmp_b").set_value("Werkscenario 1").run()
    same = app.dataframe[0].value
    assert (same[DELTA_PCT] == 0).all() and same[LOSE].sum() == 0


def test_gemeente_page_and_report(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Emmen").run()
    _ok(app)
    assert app.dataframe[0].value.shape[0] >= 5
    assert app.dataframe[1].value.shape[0] >= 1
    villages = app.dataframe[2].value  # residents outside the norm, grouped by OSM village
    # Klazienaveen has its own branch (dr-050, data README); Emmen's outer villages lie outside the norm
    kernen = set(villages[PLACE])
    assert "Klazienaveen" not in kernen and "Erica" in kernen
    assert villages["inwoners buiten de norm"].sum() > 10_000
    app.button(key="gem_mk_report").click().run()
    _ok(app)
    key, html, _ = app.session_state["gem_report"]
    assert key[0] == "Emmen" and "Emmen" in html and "<table" in html
    assert "Huidige situatie" in html


def test_report_uses_active_scenario(app: AppTest) -> None:
    base_pct = _covered_pct(app)
    app.selectbox(key="edit_id").set_value("dr-001").run()
    app.button(key="btn_close").click().run()  # close Gieten (Aa en Hunze): Werkscenario 1
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Aa en Hunze").run()
    _ok(app)
    assert "Werkscenario 1" in app.caption[0].value
    app.button(key="gem_mk_report").click().run()
    _ok(app)
    key, html, _ = app.session_state["gem_report"]
    assert key[0] == "Aa en Hunze" and "Werkscenario 1" in html
    assert base_pct > 0


def test_optimise_and_save(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/optimaliseren.py").run()
    app.slider(key="opt_p").set_value(2).run()
    app.button(key="opt_run").click().run()
    _ok(app)
    sites = app.dataframe[0].value
    assert len(sites) == 2
    assert (sites[COLUMN_LABELS["gain_covered"]] > 0).all()
    app.text_input(key="opt_name").set_value("Advies test").run()
    app.button(key="opt_save").click().run()
    _ok(app)
    assert "Advies test" in _ws(app).scenarios
    from spreiding.analysis.store import ScenarioStore

    assert "Advies test" in ScenarioStore.open().names()
    opened = sum(e.action == "open" for e in ScenarioStore.open().load("Advies test").edits)
    app.slider(key="opt_p").set_value(1).run()
    app.button(key="opt_run").click().run()
    assert opened == 2
    app.text_input(key="opt_name").set_value("Advies test")
    app.checkbox(key="opt_replace").check().run()
    app.button(key="opt_save").click().run()  # a taken name: only the explicit choice makes the new advice current
    _ok(app)
    assert sum(e.action == "open" for e in ScenarioStore.open().load("Advies test").edits) == opened + 1  # on top
    assert len(ScenarioStore.open().history("Advies test")) == 2  # the first advice stays as version 1


def test_optimise_advice_follows_its_inputs(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/optimaliseren.py").run()
    app.slider(key="opt_p").set_value(1).run()
    app.multiselect(key="opt_weights").set_value(["pop_0_14"]).run()
    app.button(key="opt_run").click().run()
    _ok(app)
    assert len(app.dataframe[0].value) == 1
    assert any("bewezen optimaal" in c.value for c in app.caption)
    app.text_input(key="norm_km").input("7,5").run()  # another norm: the old advice is not shown
    _ok(app)
    assert not app.dataframe
    assert any("opnieuw" in i.value for i in app.info)


def test_optimise_relocation_closes_at_most_k_points_inside_the_region_by_name(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/optimaliseren.py").run()
    app.text_input(key="norm_km").input("10").run()  # at 10 km some branches overlap
    app.slider(key="opt_p").set_value(3).run()
    app.checkbox(key="opt_close").check().run()
    label = app.checkbox(key="opt_close").label
    assert "3 nieuwe locaties en hoogstens 3 sluitingen binnen de provincie" in label
    assert "bibliotheken over de grens blijven open" in label
    app.number_input(key="opt_k").set_value(3).run()
    app.button(key="opt_run").click().run()
    _ok(app)
    advice = app.session_state["opt_advice"][1]
    facilities = _ws(app).facilities.set_index("id")
    assert 1 <= len(advice.closed) <= 3 and len(advice.sites) <= 3
    assert (facilities.loc[list(advice.closed), "region"] == "drenthe").all()  # none of the 41 outside rows
    assert advice.kept_outside == int((facilities["region"] != "drenthe").sum() - 1)  # one outside row not counted
    text = " ".join(w.value for w in app.warning)
    names = facilities.loc[list(advice.closed), "name"].tolist()
    assert all(n in text for n in names) and not any(i in text for i in advice.closed)
    assert any("actieve scenario: Huidige situatie" in c.value for c in app.caption)
    # the RESULT map: proposed points counted (drawn in the legend's "nieuw" colour, not faded), closures closed
    payload = _ws(app).advice_map(advice, kind=app.selectbox(key="opt_kind").value)
    drawn = {f["id"]: f for f in payload["facilities"]}
    new = [drawn[f"new-{i}"] for i in advice.sites["id"]]
    new_colour = next(x["color"] for x in payload["status_legend"] if x["label"] == STATUS_LABELS["new"])
    assert new and all(f["counted"] and f["color"] == new_colour for f in new)
    assert all(not drawn[i]["counted"] for i in advice.closed)


def test_optimise_advice_starts_from_the_active_scenario(app: AppTest) -> None:
    base = _ws(app).evaluate().total["covered"]
    app.selectbox(key="edit_id").set_value("dr-001").run()
    app.button(key="btn_close").click().run()  # close Gieten: Werkscenario 1 is active
    app.switch_page("spreiding/app/screens/optimaliseren.py").run()
    assert any("actieve scenario: Werkscenario 1" in c.value for c in app.caption)
    app.slider(key="opt_p").set_value(1).run()
    app.button(key="opt_run").click().run()
    _ok(app)
    advice = app.session_state["opt_advice"][1]
    assert advice.scenario == "Werkscenario 1"
    assert (
        advice.before["covered"] == pytest.approx(_ws(app).evaluate().total["covered"])
        and advice.before["covered"] < base
    )
    saved = _ws(app).advice_scenario(advice, "met advies", kind="vestiging")
    assert [e.action for e in saved.edits][:2] == ["close", "open"]  # the scenario's edit first, then the advice


def test_optimise_lscp_target_slider_in_percent(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/optimaliseren.py").run()
    app.selectbox(key="opt_model").set_value("lscp").run()
    slider = app.slider(key="opt_target")
    assert "%" in slider.label and slider.value == 95
    slider.set_value(90).run()
    app.button(key="opt_run").click().run()
    _ok(app)
    advice = app.session_state["opt_advice"][1]
    assert advice.after["covered_pct"] >= 90.0 - 1e-6
    assert any("bewezen optimaal" in c.value or "tijdslimiet" in c.value for c in app.caption)


def test_data_page(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/data.py").run()
    _ok(app)
    sources = app.dataframe[0].value
    assert len(sources) >= 2
    assert "voorzieningen" in " ".join(m.label for m in app.metric).lower()
    assert list(sources["soort"])[:2] == ["bevolking", "bevolking"]  # Dutch, not 'population'
    # the cells hold 500.258 residents; the analysis on street nodes counts its own figure, and says so
    counted = _ws(app).evaluate().table["residents"].iloc[-1]
    assert any(f"De analyse telt {nl_int(counted)} inwoners" in c.value for c in app.caption)


# Hand-made upload (not real data): three open branches at documented town centres (WGS84),
# Assen 6.5645/52.9925, Emmen 6.9069/52.7858, Meppel 6.1958/52.6958.
GOOD_CSV = (
    "id,name,kind,status,lon,lat\n"
    "t1,Test Assen,vestiging,open,6.5645,52.9925\n"
    "t2,Test Emmen,vestiging,open,6.9069,52.7858\n"
    "t3,Test Meppel,vestiging,open,6.1958,52.6958\n"
)


def _counted(at: AppTest) -> int:
    line = next(c.value for c in at.caption if "tellen:" in c.value)
    return int(line.split("tellen:")[1].split()[0])


def test_upload_replaces_service_points(app: AppTest) -> None:
    before_pct, before_n = _covered_pct(app), _counted(app)
    assert before_n > 40
    app.switch_page("spreiding/app/screens/data.py").run()
    app.file_uploader(key="data_upload").upload("eigen.csv", GOOD_CSV.encode(), "text/csv").run()
    _ok(app)
    assert any("3 voorzieningen gelezen" in s.value for s in app.success)
    app.toggle(key="use_upload_w").set_value(True).run()
    _ok(app)
    assert any("Eigen voorzieningenbestand in gebruik" in i.value for i in app.sidebar.info)
    app.switch_page("spreiding/app/screens/kaart.py").run()
    _ok(app)
    assert _counted(app) == 3
    assert _covered_pct(app) < before_pct
    # switched off again: the data folder's list counts
    app.switch_page("spreiding/app/screens/data.py").run()
    app.toggle(key="use_upload_w").set_value(False).run()
    app.switch_page("spreiding/app/screens/kaart.py").run()
    _ok(app)
    assert _counted(app) == before_n


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("id,name,status,lon,lat\nt1,Test,open,6.5645,52.9925\n", "verplichte kolommen"),  # no kind
        ("id,name,kind,status,lon,lat\nt1,Test,vestiging,open,52.9925,6.5645\n", "verwisseld"),  # lat/lon swapped
        ("id,name,kind,status,x,y\nt1,Test,vestiging,open,6.5645,52.9925\n", "coördinatenstelsel"),  # degrees as RD
    ],
)
def test_bad_upload_shows_dutch_fix(app: AppTest, content: str, needle: str) -> None:
    app.switch_page("spreiding/app/screens/data.py").run()
    app.file_uploader(key="data_upload").upload("fout.csv", content.encode(), "text/csv").run()
    assert not app.exception, [e.value for e in app.exception]
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and needle in errors[0], errors
    assert "Details:" in errors[0]
    assert not app.toggle  # nothing to switch on


def test_save_list_delete_stored_scenario(app: AppTest) -> None:
    from spreiding.analysis.store import ScenarioStore

    app.selectbox(key="edit_id").set_value("dr-001").run()
    app.button(key="btn_close").click().run()
    app.text_input(key="rename").set_value("Test opslag").run()
    app.button(key="btn_save").click().run()
    _ok(app)
    assert "Test opslag" in ScenarioStore.open().names()
    assert "Test opslag" in app.selectbox(key="store_pick").options
    app.selectbox(key="store_pick").set_value("Test opslag")
    app.button(key="btn_del").click().run()
    _ok(app)
    assert "Test opslag" in ScenarioStore.open().names()  # not yet: asks first
    assert any("Alle versies blijven bewaard" in w.value for w in app.sidebar.warning)
    app.button(key="btn_del_yes").click().run()
    _ok(app)
    assert "Test opslag" not in ScenarioStore.open().names()
    assert "Test opslag" not in _ws(app).scenarios
    assert app.session_state["active_scenario"] == "Huidige situatie"
    # taken out of the list, not lost: its versions show and one is restored
    app.selectbox(key="store_pick").set_value("Test opslag (verwijderd)").run()
    _ok(app)
    versions = [d.value for d in app.sidebar.dataframe if "versie" in d.value.columns]
    assert len(versions) == 1 and versions[0]["versie"].tolist() == [1]
    app.selectbox(key="store_version").set_value(1)
    app.button(key="btn_restore").click().run()
    _ok(app)
    assert "Test opslag" in ScenarioStore.open().names()
    assert [e.id for e in _ws(app).scenario("Test opslag").edits] == ["dr-001"]


@pytest.fixture()
def media(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The files behind every download button, built as a click would build them (they are deferred)."""
    seen: dict[str, bytes] = {}
    original = Workspace.downloads

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        files = original(*args, **kwargs)
        for f in files:
            seen[f.file_name] = f.data()
        return files

    monkeypatch.setattr(Workspace, "downloads", spy)
    return seen


def test_downloads_per_scenario_and_municipality(app: AppTest, media: dict[str, bytes]) -> None:
    import datetime as dt

    today = dt.date.today().isoformat()
    app.run()
    assert len(app.get("download_button")) == 3
    base = {n for n in media if "_basis_" in n}
    assert {n.rsplit(".", 1)[1] for n in base} >= {"csv", "xlsx", "gpkg"}
    assert all(today in n and "car-5km" in n for n in base), base
    app.selectbox(key="edit_id").set_value("dr-001").run()
    app.button(key="btn_close").click().run()
    scen = {n: b for n, b in media.items() if "werkscenario-1" in n}
    assert {n.rsplit(".", 1)[1] for n in scen} == {"csv", "xlsx", "gpkg"}, scen
    csv = next(b for n, b in scen.items() if n.endswith(".csv")).decode("utf-8")
    assert csv.count("\n") >= 13 and "Emmen" in csv
    xlsx = next(b for n, b in scen.items() if n.endswith(".xlsx"))
    gpkg = next(b for n, b in scen.items() if n.endswith(".gpkg"))
    assert xlsx[:2] == b"PK" and gpkg[:15] == b"SQLite format 3"
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Emmen").run()
    _ok(app)
    muni = {n: b for n, b in media.items() if "werkscenario-1" in n and "_emmen_" in n}
    assert {n.rsplit(".", 1)[1] for n in muni} == {"csv", "xlsx", "gpkg"}, sorted(media)
    assert all(len(b) > 100 for b in muni.values())
    text = next(b for n, b in muni.items() if n.endswith(".csv")).decode("utf-8-sig").replace("\r\n", "\n")
    table, _, sources = text.partition("\n\nBronnen\n")  # Dutch-Excel CSV: the table, then its provenance
    lines = table.strip().splitlines()
    assert len(lines) == 2 and "Emmen" in lines[1] and lines[0].startswith("gemeente;")  # header + the row
    assert "OpenStreetMap" in sources


def test_candidate_sources_are_kept_apart(real_data: DataPaths) -> None:
    """'kernen' are OSM place points only, 'gebouwen' OSM buildings only (no mixing of the two layers)."""
    from spreiding.app.state import StreamlitInputs

    inputs = StreamlitInputs()
    kernen = inputs.candidates(str(real_data.root), "kernen")
    gebouwen = inputs.candidates(str(real_data.root), "gebouwen")
    assert set(kernen["source"]) == {"osm_place"}
    assert set(gebouwen["source"]) == {"osm_building"}
    assert set(kernen["kind"]) <= {"city", "town", "village"}


# t4 lies in the Fochteloërveen bog (6.395 E, 52.995 N), 652 m from the nearest car-road node: beyond the
# 500 m a service point may lie from the road, so it is left out of the distances and must be named.
FAR_CSV = GOOD_CSV + "t4,Test Veen,vestiging,open,6.395,52.995\n"


def test_excluded_service_points_are_shown_and_in_the_report(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/data.py").run()
    app.file_uploader(key="data_upload").upload("veen.csv", FAR_CSV.encode(), "text/csv").run()
    app.toggle(key="use_upload_w").set_value(True).run()
    app.switch_page("spreiding/app/screens/kaart.py").run()
    _ok(app)
    assert _ws(app).evaluate().excluded == ("t4",)
    notes = [w.value for w in app.warning if "Niet meegeteld" in w.value]
    assert notes == [
        "Niet meegeteld (te ver van het wegennet): Test Veen [t4]. Controleer de ligging van deze voorzieningen."
    ]
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Assen").run()
    app.button(key="gem_mk_report").click().run()
    _ok(app)
    _, html, _ = app.session_state["gem_report"]
    assert re.search(r"niet meegeteld \(te ver van het wegennet\): t4 Test Veen", html, re.IGNORECASE)
