"""AppTest regressions of the map pages (Kaart, Vergelijken, Verzorgingsgebied) on the real Drenthe data.

Ids from ``voorzieningen/bibliotheken_drenthe.csv``: dr-001 Gieten (open), dr-004 Rolde (open) and its closed
twin dr-005 ("tijdelijke locatie voormalige Hubo", about 750 m away: one spot on the map at the region's zoom).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from spreiding.analysis.coverage import DISTANCE_BINS_KM
from spreiding.analysis.evaluation import CHANGE_BINS
from spreiding.analysis.scenario import Edit
from spreiding.app.workspace import Workspace
from spreiding.errors import ScenarioError
from spreiding.vocabulary import CELL_CHANGE_LABELS

from .conftest import app_ok as _ok

pytestmark = pytest.mark.data


def _ws(at: AppTest) -> Workspace:
    ws = at.session_state["workspace"]
    assert isinstance(ws, Workspace)
    return ws


def _pct(at: AppTest) -> float:
    return float(at.metric[0].value.split()[0].replace(".", "").replace(",", "."))


def _keys(at: AppTest, kind: str = "button") -> set[str]:
    return {w.key for w in at.get(kind) if getattr(w, "key", None)}


def _payloads(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.json_args)["payload"] for c in at.get("component_instance")]


def _chart(at: AppTest) -> pd.DataFrame:
    import pyarrow as pa

    from spreiding.app.screens._charts import DUTCH_AXIS

    proto = at.get("vega_lite_chart")[0].proto
    spec = json.loads(proto.spec)
    data = pa.ipc.open_stream(proto.datasets[0].data.data).read_all().to_pandas()
    assert spec["encoding"]["x"]["sort"] == data["klasse"].tolist()  # data order, not alphabetical
    assert spec["encoding"]["y"]["axis"]["labelExpr"] == DUTCH_AXIS  # 1.000 inwoners, not 1,000
    return data


def test_close_twice_is_refused_and_reopen_round_trips(app: AppTest) -> None:
    base = _pct(app)
    app.selectbox(key="edit_id").set_value("dr-001").run()
    assert "btn_close" in _keys(app) and "btn_reopen" not in _keys(app)
    app.button(key="btn_close").click().run()
    _ok(app)
    closed = _pct(app)
    assert closed < base
    # a closed point offers only (re)opening: Sluiten is gone, Heropenen is there
    assert "btn_close" not in _keys(app)
    assert app.button(key="btn_reopen").label == "Heropenen"
    # closing it again through the package is refused in Dutch before it enters the scenario
    ws = _ws(app)
    edits = ws.scenario().edits
    with pytest.raises(ScenarioError, match=r"is niet open \(gesloten\)"):
        ws.apply_edit(Edit("close", "dr-001"))
    assert ws.scenario().edits == edits
    app.run()
    _ok(app)
    assert _pct(app) == closed
    app.button(key="btn_reopen").click().run()
    _ok(app)
    assert [e.action for e in _ws(app).scenario().edits] == ["close", "reopen"]
    assert _pct(app) == pytest.approx(base, abs=1e-9)
    assert "btn_close" in _keys(app)


def test_a_click_on_the_closed_rolde_twin_says_what_was_picked(app: AppTest) -> None:
    # what a marker click does (see kaart._map): the picked id becomes the selected and edited point
    app.session_state["selected_id"] = "dr-005"
    app.session_state["edit_id"] = "dr-005"
    app.run()
    _ok(app)
    picked = [m.value.replace("\\", "") for m in app.markdown if m.value.startswith("Gekozen:")]
    assert len(picked) == 1 and "(gesloten), 2 punten op deze plek" in picked[0], picked
    assert "btn_close" not in _keys(app) and app.button(key="btn_reopen").label == "Heropenen"
    with pytest.raises(ScenarioError, match="niet open"):
        _ws(app).apply_edit(Edit("close", "dr-005"))
    assert list(_ws(app).scenarios) == ["Huidige situatie"]
    # switch to the open Rolde branch on the same spot: now it can close
    radio = next(r for r in app.radio if r.label == "Ander punt op deze plek kiezen")
    assert radio.options == [
        "Bibliotheek Rolde (tijdelijke locatie voormalige Hubo) (gesloten)",
        "Bibliotheek Rolde (open)",
    ]
    radio.set_value("dr-004").run()
    _ok(app)
    assert app.session_state["edit_id"] == "dr-004" and "btn_close" in _keys(app)
    payload = _payloads(app)[0]
    rolde = [f for f in payload["facilities"] if f["id"] in ("dr-004", "dr-005")]
    assert {f["id"]: f["here"] for f in rolde} == {"dr-004": 2, "dr-005": 2}
    assert next(f for f in rolde if f["id"] == "dr-004")["badge"] == 2  # the open branch is drawn on top


def test_search_box_centres_the_map_and_places_are_labelled(app: AppTest) -> None:
    payload = _payloads(app)[0]
    assert payload["focus"] is None
    names = {p["name"] for p in payload["places"]}
    assert {"Assen", "Emmen", "Rolde"} <= names
    assert any(t.startswith("Rolde · ") for t in payload["cells"]["tip"])  # cell tooltips name the village
    options = app.selectbox(key="kaart_search").options
    rolde = next(o for o in options if o.startswith("Rolde (plaats"))
    assert any(o.startswith("Bibliotheek Rolde (open") for o in options)
    app.selectbox(key="kaart_search").set_value(rolde).run()
    _ok(app)
    focus = _payloads(app)[0]["focus"]
    assert focus["key"] == rolde and focus["zoom"] >= 12
    assert abs(focus["lat"] - 52.98) < 0.03 and abs(focus["lon"] - 6.64) < 0.05


def test_a_kind_the_norm_does_not_count_is_said_before_and_after_placing(app: AppTest) -> None:
    base = _pct(app)
    app.selectbox(key="new_kind").set_value("servicepunt").run()
    before = [i.value for i in app.info if "verandert daarom niet" in i.value]
    assert len(before) == 1 and before[0].startswith("Het nieuwe punt is een servicepunt")
    app.number_input(key="new_x").set_value(240000.0)
    app.number_input(key="new_y").set_value(540000.0)
    app.button(key="btn_add").click().run()
    _ok(app)
    assert _ws(app).scenario().edits[-1].kind == "servicepunt"
    assert _pct(app) == base
    after = [i.value for i in app.info if "verandert daarom niet" in i.value]
    assert len(after) == 2  # the note on the edit just made, and the hint for the next point
    app.selectbox(key="new_kind").set_value("vestiging").run()
    assert not any("verandert daarom niet" in i.value for i in app.info)


def test_vergelijken_difference_map_and_change_chart_in_order(app: AppTest) -> None:
    app.selectbox(key="edit_id").set_value("dr-001").run()
    app.button(key="btn_close").click().run()
    app.switch_page("spreiding/app/screens/vergelijken.py").run()
    _ok(app)
    maps = _payloads(app)
    assert len(maps) == 3  # A, B and the difference map
    diff = maps[2]
    assert [it["label"] for it in diff["legend"]][:2] == [
        CELL_CHANGE_LABELS["newly_outside"],
        CELL_CHANGE_LABELS["newly_inside"],
    ]
    assert diff["cells"]["change"].count("newly_outside") > 0
    assert "newly_inside" not in diff["cells"]["change"]  # closing only takes away
    chart = _chart(app)
    assert chart["klasse"].tolist() == [label for code, label in CHANGE_BINS if code != "same"]
    unchanged = [m.value for m in app.markdown if m.value.startswith("Gelijk gebleven (± 0,1 km)")]
    assert len(unchanged) == 1 and "inwoners (9" in unchanged[0]  # most residents: shown as a number, not a bar
    # the key columns come first (no sideways scrolling needed to see who loses)
    table = app.dataframe[0].value
    assert list(table.columns[:4]) == ["gemeente", "binnen norm, verschil (%)", "inwoners die de norm verliezen",
                                       "inwoners die de norm winnen"]  # fmt: skip


def test_gemeente_distance_chart_in_numeric_order(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    _ok(app)
    labels = _chart(app)["klasse"].tolist()
    edges = DISTANCE_BINS_KM
    assert labels[:3] == [f"{edges[0]:g}–{edges[1]:g} km", f"{edges[1]:g}–{edges[2]:g} km", f"{edges[2]:g}–3 km"]
    assert labels[-1] == "onbereikbaar" and labels.index("10–15 km") > labels.index("7,5–10 km")


def test_verzorgingsgebied_page(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/verzorgingsgebied.py").run()
    _ok(app)
    table = app.dataframe[0].value
    assert table.shape[0] >= 40
    total = _ws(app).evaluate().table.iloc[-1]
    reach = total["residents"] - total["unreachable"]
    assert table["inwoners met deze vestiging als dichtstbijzijnde"].sum() == pytest.approx(reach, abs=len(table))
    payload = _payloads(app)[0]
    assert len(set(payload["cells"]["c"])) > 5 and len(payload["cells"]["nearest"]) == len(payload["cells"]["s"])
