"""Site suggestions on a tiny crow-fly case, age weights, and saving the advice as a scenario."""

from __future__ import annotations

import pytest

from spreiding.analysis.evaluation import evaluate, prepare_context
from spreiding.analysis.norm import Norm
from spreiding.errors import ConfigError
from spreiding.siting.advice import age_weights, suggest_sites

from .conftest import points

# Residents: x=0 km (100), x=10 km (50 residents, 40 of them 0-14), x=20 km (60, no children).
# Existing: f1 at x=0. Candidates: k10 at 10 km, k20 at 20 km. Norm 2 km.
POP = points(
    [(0, 0), (10000, 0), (20000, 0)],
    pop_total=[100.0, 50.0, 60.0],
    pop_0_14=[10.0, 40.0, 0.0],
    pop_65plus=[10.0, 0.0, 0.0],
    municipality=["A", "A", "B"],
    placement=["cell_centre"] * 3,
)
FAC = points([(0, 0)], id=["f1"], name=["a"], kind=["vestiging"], status=["open"], municipality=["A"])
CANDS = points(
    [(10000, 0), (20000, 0)],
    candidate_id=["k10", "k20"],
    name=["MFA Tien", "School Twintig"],
    kind=["dorpshuis/buurthuis", "school"],
    source=["user", "user"],
    municipality=["A", "B"],
)
NORM = Norm(name="2 km", max_dist_m=2000.0)


@pytest.fixture()
def ctx():
    return prepare_context(POP, FAC, None, detour_factor=1.0, total_label="T")


def test_mclp_picks_largest_gain(ctx) -> None:
    advice = suggest_sites(ctx, CANDS, NORM, model="mclp", p=1)
    assert advice.sites["id"].tolist() == ["k20"]
    assert advice.sites["gain_covered"].tolist() == [60.0]
    assert advice.before["covered"] == 100.0 and advice.after["covered"] == 160.0


def test_age_weights_change_the_choice(ctx) -> None:
    w = age_weights(POP, {"pop_0_14": 2.0})
    assert w.tolist() == [110.0, 90.0, 60.0]
    advice = suggest_sites(ctx, CANDS, NORM, model="mclp", p=1, weights_by_age={"pop_0_14": 2.0})
    assert advice.sites["id"].tolist() == ["k10"]
    assert advice.sites["gain_covered"].tolist() == [50.0]  # gain in residents, not weights
    with pytest.raises(ConfigError, match="leeftijdsgroep"):
        age_weights(POP, {"pop_99": 2.0})


def test_two_sites_in_gain_order_and_lscp(ctx) -> None:
    advice = suggest_sites(ctx, CANDS, NORM, model="mclp", p=2)
    assert advice.sites["id"].tolist() == ["k20", "k10"]
    assert advice.sites["cumulative_covered"].tolist() == [160.0, 210.0]
    cover = suggest_sites(ctx, CANDS, NORM, model="lscp", target_share=1.0)
    assert sorted(cover.sites["id"]) == ["k10", "k20"]
    with pytest.raises(ConfigError, match="geef dat met --p"):
        suggest_sites(ctx, CANDS, NORM, model="p-median")


def test_advice_as_scenario(ctx) -> None:
    advice = suggest_sites(ctx, CANDS, NORM, model="mclp", p=1)
    scen = advice.to_scenario("advies")
    assert [e.action for e in scen.edits] == ["open"]
    assert scen.edits[0].host_building == "School Twintig (school)"
    res = evaluate(ctx, scen, NORM)
    assert res.total["covered"] == advice.after["covered"]


def test_candidates_off_the_network_are_reported_not_dropped() -> None:
    """Hand-made road graph (conftest): a candidate 50 km from any road serves nobody and is named."""
    from spreiding.network.roads import build_network

    from .conftest import NODE_XY, TINY_EDGES, TINY_NODES

    net = build_network(TINY_NODES, TINY_EDGES, "car")
    pop = points([NODE_XY["C"], NODE_XY["D"]], pop_total=[10.0, 20.0], municipality=["A", "A"], placement=["x"] * 2)
    fac = points([NODE_XY["A"]], id=["fA"], name=["A"], kind=["vestiging"], status=["open"], municipality=["A"])
    cands = points([NODE_XY["C"], (50000.0, 50000.0)], candidate_id=["kC", "far"], name=["C", "ver"], kind=["x", "x"])
    context = prepare_context(pop, fac, net, total_label="T")
    advice = suggest_sites(context, cands, Norm(name="1 km", max_dist_m=1000.0), p=1)
    assert advice.unreachable == ("far",)
    assert advice.sites["id"].tolist() == ["kC"]


# Relocation (invented values): f1 "a" at x=0 inside the region, fb "grens" 500 m away across the border
# (region "buiten"), both covering the 100 residents at x=0; one new site may open, one point may close.
FAC_BORDER = points(
    [(0, 0), (500, 0)],
    id=["f1", "fb"],
    name=["a", "grens"],
    kind=["vestiging", "vestiging"],
    status=["open", "open"],
    municipality=["A", "A"],
    region=["binnen", "buiten"],
)


def test_relocation_closes_inside_points_only_and_names_them() -> None:
    from shapely.geometry import box

    context = prepare_context(POP, FAC_BORDER, None, detour_factor=1.0, total_label="T")
    advice = suggest_sites(context, CANDS, NORM, model="mclp", p=1, allow_close=True, outside_value="buiten")
    assert advice.closed == ("f1",) and advice.closed_names == ("a",)  # fb across the border stays open
    assert advice.kept_outside == 1 and advice.max_closures == 1
    assert len(advice.sites) == 1 and advice.after["covered"] == advice.before["covered"] + 60.0
    # the same border rule from the region's outline (fb at x=500 lies outside the box)
    by_area = suggest_sites(
        context, CANDS, NORM, model="mclp", p=1, allow_close=True, region_area=box(-1e3, -1e3, 300, 1e3)
    )
    assert by_area.closed == ("f1",)
    # no limit on closures given -> k = p; k = 0 closes nothing
    none = suggest_sites(context, CANDS, NORM, model="mclp", p=1, allow_close=True, max_closures=0)
    assert none.closed == ()
    scen = advice.to_scenario("verplaatsing")
    assert sorted(e.action for e in scen.edits) == ["close", "open"]


def test_lscp_with_closing_and_out_of_reach_points() -> None:
    context = prepare_context(POP, FAC_BORDER, None, detour_factor=1.0, total_label="T")
    near = CANDS.iloc[[0]]  # only k10: the 60 residents at x=20 km reach no site
    advice = suggest_sites(
        context, near, NORM, model="lscp", target_share=150 / 210, allow_close=True, outside_value="buiten"
    )
    assert advice.closed == ("f1",) and advice.sites["id"].tolist() == ["k10"]
    assert advice.out_of_reach is not None and advice.out_of_reach["pop_total"].tolist() == [60.0]
    assert advice.out_of_reach["dist_m"].tolist() == [10_000.0]
