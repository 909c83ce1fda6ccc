"""A time-only norm speaks in minutes: the map's legend and tooltips and the app's headline (no real data).

The line fixture of ``conftest.py`` by bike, crow-fly with detour factor 1.0 (15 km/h: 1 km is 4 minutes):

    p0 (0, 0)      100 residents   at f1          0 km,  0 min
    p1 (10000, 0)  200 residents   f3 is closed  10 km, 40 min
    p2 (20000, 0)  300 residents   at f2          0 km,  0 min

Mean over the 600 residents: 200 * 10 km / 600 = 3,33 km and 200 * 40 min / 600 = 13,3 min.
"""

from __future__ import annotations

import pytest

from spreiding.analysis.evaluation import Evaluation, evaluate, prepare_context
from spreiding.analysis.norm import PRESETS, Norm
from spreiding.analysis.scenario import Edit, Scenario
from spreiding.app.views import headline
from spreiding.output.maps import map_payload
from spreiding.vocabulary import fmt_min

from .conftest import line_facilities, line_population

TIME_ONLY = PRESETS["15min-fiets"]
DISTANCE = Norm(name="5 km fietsen", mode="bike", max_dist_m=5000.0)
BOTH = Norm(name="5 km en 15 min fietsen", mode="bike", max_dist_m=5000.0, max_time_s=900.0)


def _evaluation(norm: Norm, scenario: Scenario | None = None) -> Evaluation:
    context = prepare_context(line_population(), line_facilities(), None, mode="bike", detour_factor=1.0)
    return evaluate(context, scenario or Scenario("basis"), norm)


def _payload(norm: Norm) -> dict:
    ev = _evaluation(norm)
    return map_payload(
        ev.points, ev.nearest, ev.norm, ev.facilities, counted_ids=list(ev.counted["id"]), covered=ev.covered
    )


def test_fmt_min_is_dutch() -> None:
    assert fmt_min(750.0) == "12,5 min"
    assert fmt_min(float("inf"), infinite="onbereikbaar") == "onbereikbaar"


def test_time_only_map_legend_and_tips_in_minutes() -> None:
    payload = _payload(TIME_ONLY)
    labels = [item["label"] for item in payload["legend"]]
    # classes of the 15-minute limit: a third, two thirds, the limit, four thirds, twice the limit, beyond
    assert labels == [
        "0–5 min", "5–10 min", "10–15 min", "15–20 min", "20–30 min", "meer dan 30 min", "niet bereikbaar",
    ]  # fmt: skip
    assert payload["legend_title"].startswith("Reistijd")
    tips = payload["cells"]["tip"]
    assert tips[1] == "40 min · 10,0 km · 200 inw. · buiten de norm"  # minutes first, the distance second
    assert tips[0] == "0 min · 0,0 km · 100 inw. · binnen de norm"
    colours = payload["cells"]["c"]
    assert colours[1] == payload["legend"][5]["color"] and colours[0] == payload["legend"][0]["color"]


def test_distance_norm_map_stays_in_km() -> None:
    payload = _payload(DISTANCE)
    labels = [item["label"] for item in payload["legend"]]
    assert labels[:2] == ["0–2,5 km", "2,5–5 km"] and labels[5] == "meer dan 15 km"
    assert payload["legend_title"] == "Afstand tot dichtstbijzijnde voorziening"
    assert payload["cells"]["tip"][1] == "10,0 km · 200 inw. · buiten de norm"  # no minutes


def test_norm_with_both_limits_shows_both_figures_on_the_map() -> None:
    payload = _payload(BOTH)
    assert payload["legend"][0]["label"] == "0–2,5 km"  # coloured by distance, as the distance limit
    assert payload["cells"]["tip"][1] == "10,0 km · 40 min · 200 inw. · buiten de norm"


def test_headline_of_a_time_only_norm_reads_minutes_first() -> None:
    head = headline(_evaluation(TIME_ONLY))
    assert head is not None
    assert head.means() == [("Gem. reistijd", "13,3 min", None), ("Gem. afstand", "3,33 km", None)]
    # reopening f3 at p1 brings everybody to 0 minutes: the change is in minutes too
    edited = headline(_evaluation(TIME_ONLY, Scenario("heropen", edits=(Edit("reopen", "f3"),))))
    assert edited is not None
    assert edited.means()[0] == ("Gem. reistijd", "0,0 min", "-13,3 min")


@pytest.mark.parametrize(
    ("norm", "labels"),
    [(DISTANCE, ["Gem. afstand"]), (BOTH, ["Gem. afstand", "Gem. reistijd"])],
)
def test_headline_keeps_km_for_distance_norms_and_shows_both_limits(norm: Norm, labels: list[str]) -> None:
    head = headline(_evaluation(norm))
    assert head is not None
    assert [label for label, _, _ in head.means()] == labels
    assert head.mean_dist == "3,33 km"


def test_advice_headline_of_a_time_only_norm_reads_minutes_first() -> None:
    """Optimaliseren: a site at p1 (10 km, 40 min from the nearest open library, beyond the matrix's 30-minute
    cut-off) brings everyone to 0 minutes; the headline comes from the exact evaluation of the advice."""
    from spreiding.app.views import advice_headline
    from spreiding.siting.advice import suggest_sites

    from .conftest import points

    context = prepare_context(line_population(), line_facilities(), None, mode="bike", detour_factor=1.0)
    site = points([(10000.0, 0.0)], candidate_id=["k1"], name=["Kandidaat"], kind=["village"], source=["osm"])
    for norm, labels in ((TIME_ONLY, ["Gem. reistijd", "Gem. afstand"]), (DISTANCE, ["Gem. afstand"])):
        advice = suggest_sites(context, site, norm, model="mclp", p=1)
        applied = evaluate(context, advice.to_scenario("advies"), norm)
        head = advice_headline(advice, applied)
        assert [label for label, _, _ in head.means()] == labels
        assert head.counted == 1 and head.covered_pct == "100,0 %"
    assert head.mean_dist_delta == "-3,33 km"
    time_head = advice_headline(advice, evaluate(context, advice.to_scenario("advies"), TIME_ONLY))
    assert time_head.means()[0] == ("Gem. reistijd", "0,0 min", "-13,3 min")
