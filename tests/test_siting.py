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
