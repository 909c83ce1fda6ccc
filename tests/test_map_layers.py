"""Per-cell map values for every placement, the difference and catchment maps, chart order (no real data).

Invented fixture (values chosen by hand, not real data): two 1 km cells in RD New,

    cell a: centre (230500, 550500), 40 residents
    cell b: centre (235500, 550500), 10 residents

placed at the cell centre, or on streets: cell a's residents on two street points (10 at 1 km, 30 at 3 km
from the nearest branch), cell b's on one point at 6 km.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spreiding.analysis.cells import catchment_table, cell_change, cell_main_nearest, cell_summary
from spreiding.analysis.norm import Norm
from spreiding.errors import ConfigError
from spreiding.output._figures import change_bars, distance_bars
from spreiding.output.maps import cell_kernen, co_located, diff_payload, map_payload, place_labels
from spreiding.vocabulary import CELL_CHANGE_LABELS

from .conftest import points

NORM = Norm(max_dist_m=5000.0)


def _cells() -> pd.DataFrame:
    return points(
        [(230500.0, 550500.0), (235500.0, 550500.0)],
        cell_id=["a", "b"],
        pop_total=[40.0, 10.0],
        cell_size_m=[1000.0, 1000.0],
        municipality=["A", "B"],
    )


def _street_points() -> pd.DataFrame:
    return points(
        [(230200.0, 550300.0), (230800.0, 550900.0), (235400.0, 550600.0)],
        cell_id=["a", "a", "b"],
        pop_total=[10.0, 30.0, 10.0],
        cell_size_m=[1000.0, 1000.0, 1000.0],
        municipality=["A", "A", "B"],
        placement=["street_nodes", "street_nodes", "street_nodes"],
    )


def _near(pop: pd.DataFrame, dist_m: list[float], ids: list[str] | None = None) -> pd.DataFrame:
    d = np.asarray(dist_m, float)
    return pd.DataFrame({"dist_m": d, "time_s": d / 10.0, "nearest_id": ids or ["f1"] * len(d)}, index=pop.index)


def _fac() -> pd.DataFrame:
    # f1 and its closed twin f0 are 300 m apart (one spot on the map); f2 far away
    return points(
        [(229500.0, 550500.0), (229800.0, 550500.0), (240000.0, 550000.0)],
        id=["f1", "f0", "f2"],
        name=["Bieb", "Bieb (oud)", "Verweg"],
        kind=["vestiging", "vestiging", "vestiging"],
        status=["open", "closed", "open"],
    )


def test_cell_summary_is_person_weighted_and_the_same_for_one_point_per_cell() -> None:
    street = _street_points()
    s = cell_summary(street, np.array([1000.0, 3000.0, 6000.0]), np.array([True, True, False]), ["a", "b"])
    assert s["residents"].tolist() == [40.0, 10.0]
    assert s["mean_dist_m"].tolist() == [2500.0, 6000.0]  # (10 × 1 + 30 × 3) / 40 km
    assert s["covered_share"].tolist() == [1.0, 0.0]
    cells = _cells()
    one = cell_summary(cells, np.array([2500.0, 6000.0]), np.array([True, False]), ["a", "b"])
    assert one["mean_dist_m"].tolist() == s["mean_dist_m"].tolist()
    half = cell_summary(street, np.array([1000.0, np.inf, 6000.0]), np.array([True, False, False]), ["a", "b"])
    assert half["mean_dist_m"].iloc[0] == 1000.0  # reachable residents only
    assert half["unreachable_share"].iloc[0] == pytest.approx(0.75)
    assert half["covered_share"].iloc[0] == pytest.approx(0.25)


def test_cell_change_classes_and_shares() -> None:
    street = _street_points()
    a = (np.array([1000.0, 3000.0, 6000.0]), np.array([True, True, False]))
    # B: the 30 residents of cell a now at 6 km (outside), cell b at 4 km (inside)
    b = (np.array([1000.0, 6000.0, 4000.0]), np.array([True, False, True]))
    ch = cell_change(street, a, b, ["a", "b"])
    assert ch["change"].tolist() == ["newly_outside", "newly_inside"]
    assert ch["newly_outside_share"].tolist() == [0.75, 0.0]
    assert ch["newly_inside_share"].tolist() == [0.0, 1.0]
    assert ch["mean_dist_m_delta"].tolist() == [2250.0, -2000.0]
    small = (np.array([1050.0, 3050.0, 5500.0]), np.array([True, True, False]))
    assert cell_change(street, a, small, ["a", "b"])["change"].tolist() == ["same", "shorter"]
    gone = (np.array([np.inf, np.inf, 6000.0]), np.array([False, False, False]))
    out = cell_change(street, a, gone, ["a", "b"])
    assert out["change"].iloc[0] == "newly_outside" and out["mean_dist_m_delta"].iloc[0] == np.inf


def test_difference_map_in_minutes_for_a_time_only_norm() -> None:
    """A time-only norm compares mean travel times: classes by ± 30 s, tooltip and legend in minutes."""
    street = _street_points()
    norm = Norm(mode="bike", max_dist_m=None, max_time_s=900.0)
    a = (np.array([300.0, 600.0, 1200.0]), np.array([True, True, False]))  # seconds
    # B: cell a (10 + 30 residents) +33,3 s for 30 of 40 -> +25 s (unchanged); cell b 20 -> 19 min (shorter)
    b = (np.array([300.0, 633.3333333, 1140.0]), np.array([True, True, False]))
    ch = cell_change(street, a, b, ["a", "b"], unit="min")
    assert ch["change"].tolist() == ["same", "shorter"]
    assert ch["mean_time_s_delta"].tolist() == pytest.approx([25.0, -60.0])
    payload = diff_payload(street, a, b, norm, _fac(), cells=_cells())
    assert payload["cells"]["change"] == ["same", "shorter"]
    assert "A 20,0 → B 19,0 min (-1,0 min)" in payload["cells"]["tip"][1]
    labels = [it["label"] for it in payload["legend"]]
    assert "kortere reistijd" in labels and "gelijk (± 0,5 min)" in labels
    with pytest.raises(ConfigError, match="eenheid"):
        cell_change(street, a, b, ["a", "b"], unit="uur")


def test_street_points_are_drawn_per_cell_not_per_point() -> None:
    street = _street_points()
    near = _near(street, [1000.0, 3000.0, 6000.0])
    with pytest.raises(ConfigError, match="bevolkingscellen"):
        map_payload(street, near, NORM, _fac())
    payload = map_payload(street, near, NORM, _fac(), cells=_cells())
    assert len(payload["cells"]["s"]) == 2
    assert payload["cells"]["km"] == [2.5, 6.0]
    assert payload["cells"]["pop"] == [40, 10]
    assert payload["cells"]["tip"][0] == "2,5 km · 40 inw. · binnen de norm"
    assert [it["label"] for it in payload["legend"]][:2] == ["0–2,5 km", "2,5–5 km"]  # Dutch decimal commas


def test_difference_map_payload() -> None:
    street = _street_points()
    a = (np.array([1000.0, 3000.0, 6000.0]), np.array([True, True, False]))
    b = (np.array([1000.0, 6000.0, 4000.0]), np.array([True, False, True]))
    payload = diff_payload(street, a, b, NORM, _fac(), cells=_cells())
    assert payload["cells"]["change"] == ["newly_outside", "newly_inside"]
    assert [it["label"] for it in payload["legend"]][:2] == [
        CELL_CHANGE_LABELS["newly_outside"],
        CELL_CHANGE_LABELS["newly_inside"],
    ]
    assert "75 % nieuw buiten de norm" in payload["cells"]["tip"][0]
    assert "A 2,5 → B 4,8 km (+2,2 km)" in payload["cells"]["tip"][0]


def test_catchments() -> None:
    street = _street_points()
    ids = np.array(["f1", "f2", "f2"], dtype=object)
    table = catchment_table(street, ids, np.array([1000.0, 3000.0, 6000.0]), np.array([True, True, False]))
    assert table["id"].tolist() == ["f2", "f1"]
    assert table["residents_nearest"].tolist() == [40.0, 10.0]
    assert table["covered"].tolist() == [30.0, 10.0]
    assert table["mean_dist_m"].tolist() == [3750.0, 1000.0]  # (30 × 3 + 10 × 6) / 40 km
    assert cell_main_nearest(street, ids, ["a", "b"]).tolist() == ["f2", "f2"]  # cell a: 30 of 40 nearest f2


def test_places_label_and_name_cells() -> None:
    places = points(
        [(230400.0, 550400.0), (236000.0, 551000.0), (231000.0, 551000.0)],
        name=["Aadorp", "Bestad", "Gehucht"],
        place_class=["village", "town", "isolated_dwelling"],
    )
    assert cell_kernen(_cells(), places).tolist() == ["Aadorp", "Bestad"]
    labels = place_labels(places)
    assert [(p["name"], p["rank"]) for p in labels] == [("Aadorp", 1), ("Bestad", 0)]  # no isolated dwellings
    cells = _cells()
    payload = map_payload(cells, _near(cells, [2500.0, 6000.0]), NORM, _fac(), places=places)
    assert payload["cells"]["tip"][1].startswith("Bestad · 6,0 km")
    assert len(payload["places"]) == 2


def test_points_on_one_spot_are_marked_and_listed() -> None:
    fac = _fac()
    assert co_located(fac, "f0") == ["f0", "f1"]
    assert co_located(fac, "f2") == ["f2"]
    assert co_located(fac, "nope") == []
    cells = _cells()
    drawn = map_payload(cells, _near(cells, [2500.0, 6000.0]), NORM, fac, counted_ids=["f1", "f2"])["facilities"]
    assert [f["id"] for f in drawn] == ["f0", "f1", "f2"]  # the closed twin drawn first, under the open one
    assert [(f["here"], f["badge"]) for f in drawn] == [(2, 0), (2, 2), (1, 0)]


def test_chart_bins_keep_numeric_order_and_the_unchanged_bin_apart() -> None:
    dist = pd.Series([5.0, 4.0, 3.0, 2.0], index=["0–1 km", "1–2 km", "2–3 km", "10–15 km"])
    bars = distance_bars(dist)
    assert bars["klasse"].tolist() == ["0–1 km", "1–2 km", "2–3 km", "10–15 km"]
    shuffled = bars.iloc[[3, 1, 0, 2]]  # the categorical sorts by its order, not by name
    assert shuffled.sort_values("klasse")["klasse"].tolist() == bars["klasse"].tolist()
    hist = pd.DataFrame(
        {
            "municipality": ["A", "A", "R", "R", "R"],
            "bin": ["same", "gt_5km", "lt_-2km", "same", "gt_5km"],
            "label": ["± 0,1 km", "> 5 km", "< -2 km", "± 0,1 km", "> 5 km"],
            "residents": [1.0, 1.0, 10.0, 970.0, 20.0],
        }
    )
    change = change_bars(hist, "R")
    assert change.bars["klasse"].tolist() == ["< -2 km", "> 5 km"]
    assert change.unchanged == 970.0 and change.unchanged_share == pytest.approx(0.97)
    assert change.text.startswith("Gelijk gebleven (± 0,1 km): 970 inwoners (97,0 %)")
