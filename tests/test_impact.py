"""Impact ranking equals brute-force re-evaluation of every single closure / opening."""

from __future__ import annotations

import numpy as np
import pytest

from spreiding.analysis.evaluation import evaluate, prepare_context
from spreiding.analysis.impact import closure_impact, opening_impact
from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Scenario, close, open_site
from spreiding.siting.advice import candidate_matrix

from .conftest import points

# Residents at x = 0, 3, 6, 9, 12 km (weights 1..5), crow-fly factor 1.0.
# Open points f1 at 0 km, f2 at 6 km, f3 at 12 km (f3 a servicepunt: not counted by default).
POP = points(
    [(0, 0), (3000, 0), (6000, 0), (9000, 0), (12000, 0)],
    pop_total=[1.0, 2.0, 3.0, 4.0, 5.0],
    municipality=["A"] * 5,
    placement=["cell_centre"] * 5,
)
FAC = points(
    [(0, 0), (6000, 0), (12000, 0)],
    id=["f1", "f2", "f3"],
    name=["a", "b", "c"],
    kind=["vestiging", "vestiging", "servicepunt"],
    status=["open"] * 3,
    municipality=["A"] * 3,
)
CANDS = points(
    [(9000, 0), (3000, 0), (20000, 0)], candidate_id=["k1", "k2", "k3"], name=["x", "y", "z"], kind=["school"] * 3
)


@pytest.mark.parametrize("norm", [Norm(name="2 km", max_dist_m=2000.0), Norm(name="4 km", max_dist_m=4000.0)])
def test_closure_impact_matches_brute_force(norm: Norm) -> None:
    ctx = prepare_context(POP, FAC, None, detour_factor=1.0, total_label="T")
    ranking = closure_impact(evaluate(ctx, Scenario("basis"), norm)).set_index("id")
    assert set(ranking.index) == {"f1", "f2"}
    for fid in ranking.index:  # brute force in the test only
        res = evaluate(ctx, Scenario("x", edits=(close(fid),)), norm)
        assert ranking.loc[fid, "covered_loss"] == pytest.approx(res.total["lose_coverage"])
        assert ranking.loc[fid, "mean_dist_after_m"] == pytest.approx(res.total["mean_dist_m"])


def test_closure_hand_computed() -> None:
    norm = Norm(name="4 km", max_dist_m=4000.0)
    ctx = prepare_context(POP, FAC, None, detour_factor=1.0)
    ranking = closure_impact(evaluate(ctx, Scenario("basis"), norm)).set_index("id")
    # closing f2: x=6 (3) goes to 6 km, x=9 (4) to 9 km; x=3 (2) stays 3 km from f1 -> loses 3 + 4 = 7
    assert ranking.loc["f2", "covered_loss"] == 7.0
    # closing f1: x=0 (1) goes to 6 km; x=3 (2) is 3 km from f2 too -> loses 1
    assert ranking.loc["f1", "covered_loss"] == 1.0
    assert ranking.index[0] == "f2"


def test_opening_impact_matches_brute_force() -> None:
    norm = Norm(name="2 km", max_dist_m=2000.0)
    ctx = prepare_context(POP, FAC, None, detour_factor=1.0)
    cm = candidate_matrix(ctx, CANDS)
    gains = opening_impact(evaluate(ctx, Scenario("basis"), norm), CANDS, cm).set_index("id")
    # k1 at 9 km covers x=9 (4); k2 at 3 km covers x=3 (2); k3 at 20 km nobody
    assert gains.loc["k1", "covered_gain"] == 4.0
    assert gains.loc["k2", "covered_gain"] == 2.0
    assert gains.loc["k3", "covered_gain"] == 0.0
    for cid, row in CANDS.set_index("candidate_id").iterrows():
        res = evaluate(ctx, Scenario("o", edits=(open_site("n", "vestiging", row.geometry.x, row.geometry.y),)), norm)
        assert gains.loc[cid, "covered_gain"] == pytest.approx(res.total["gain_coverage"])
        assert gains.loc[cid, "mean_dist_after_m"] == pytest.approx(res.total["mean_dist_m"])
    assert np.isfinite(gains["mean_dist_before_m"]).all()


def test_closure_beyond_the_cutoff_is_not_unreachable() -> None:
    """With a 4 km cut-off, closing f1 sends x=0 to f2 at 6 km: beyond the cut-off, but reachable."""
    norm = Norm(name="2 km", max_dist_m=2000.0)
    ctx = prepare_context(POP, FAC, None, detour_factor=1.0, cutoff_m=4000.0)
    ranking = closure_impact(evaluate(ctx, Scenario("basis"), norm)).set_index("id")
    assert ranking.loc["f1", "newly_unreachable"] == 0.0
    brute = evaluate(ctx, Scenario("x", edits=(close("f1"),)), norm)
    assert brute.total["unreachable"] == 0.0
    assert ranking.loc["f1", "mean_dist_after_m"] == pytest.approx(brute.total["mean_dist_m"])


def test_both_limits_one_site_must_meet_both() -> None:
    """Distance 4 km and time 200 s (crow-fly car: 45 km/h = 12.5 m/s, so 200 s = 2.5 km).

    The time limit is the binding one here; a resident is covered only by one
    site meeting both. Coverage, closure impact and opening gain agree with a
    brute-force re-evaluation.
    """
    norm = Norm(name="4 km en 200 s", mode="car", max_dist_m=4000.0, max_time_s=200.0)
    ctx = prepare_context(POP, FAC, None, detour_factor=1.0)
    base = evaluate(ctx, Scenario("basis"), norm)
    # covered: x=0 (f1, 0 s) and x=6 (f2, 0 s); x=3 is 240 s from both -> not covered
    assert base.covered.tolist() == [True, False, True, False, False]
    ranking = closure_impact(base).set_index("id")
    for fid in ranking.index:
        res = evaluate(ctx, Scenario("x", edits=(close(fid),)), norm)
        assert ranking.loc[fid, "covered_loss"] == pytest.approx(res.total["lose_coverage"])
    gains = opening_impact(base, CANDS, candidate_matrix(ctx, CANDS)).set_index("id")
    for cid, row in CANDS.set_index("candidate_id").iterrows():
        res = evaluate(ctx, Scenario("o", edits=(open_site("n", "vestiging", row.geometry.x, row.geometry.y),)), norm)
        assert gains.loc[cid, "covered_gain"] == pytest.approx(res.total["gain_coverage"])
