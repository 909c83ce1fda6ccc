"""compare_results: scenario B against scenario A directly, on a tiny crow-fly context."""

from __future__ import annotations

import pytest

from spreiding.analysis.evaluation import compare_results, evaluate, prepare_context
from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Scenario, close, reopen
from spreiding.errors import ConfigError

from .conftest import line_facilities, line_population

# Three residents' points on a line (crow-fly, detour factor 1.0, so distance = |dx|):
#   p0 (0, 0)      100 residents, municipality A     f1 (0, 0)      open vestiging
#   p1 (10000, 0)  200 residents, municipality A     f3 (10000, 0)  closed vestiging
#   p2 (20000, 0)  300 residents, municipality B     f2 (20000, 0)  open vestiging
# Norm 5 km.
#   A = "f3 open":   distances 0, 0, 0           -> 600 of 600 covered, mean 0 m
#   B = "f2 dicht":  distances 0, 10000, 20000   -> 100 of 600 covered,
#                    mean (0*100 + 10000*200 + 20000*300) / 600 = 13 333.3 m
# Going from A to B: p1 loses coverage (200, municipality A), p2 loses coverage (300, B),
# nobody gains. Change A -> B: p0 +0 ("same", 100), p1 +10 km ("> 5 km", 200),
# p2 +20 km ("> 5 km", 300).
NORM = Norm(name="5 km", mode="car", max_dist_m=5000.0)


@pytest.fixture()
def ctx():
    return prepare_context(
        line_population(), line_facilities(), None, mode="car", detour_factor=1.0, total_label="Totaal"
    )


def test_compare_b_against_a(ctx) -> None:
    a = evaluate(ctx, Scenario("f3 open", edits=(reopen("f3"),)), NORM)
    b = evaluate(ctx, Scenario("f2 dicht", edits=(close("f2"),)), NORM)
    table, hist = compare_results(a, b)
    assert table["municipality"].tolist() == ["A", "B", "Totaal"]
    rows = table.set_index("municipality")
    tot = rows.loc["Totaal"]
    assert tot["residents"] == 600.0
    assert tot["covered_a"] == 600.0 and tot["covered_b"] == 100.0
    assert tot["covered_pct_a"] == pytest.approx(100.0)
    assert tot["covered_pct_b"] == pytest.approx(100 / 6)
    assert tot["covered_pct_delta"] == pytest.approx(100 / 6 - 100.0)
    assert tot["mean_dist_m_a"] == pytest.approx(0.0)
    assert tot["mean_dist_m_b"] == pytest.approx(8_000_000 / 600)
    assert tot["mean_dist_m_delta"] == pytest.approx(8_000_000 / 600)
    assert tot["lose_coverage"] == 500.0 and tot["gain_coverage"] == 0.0
    assert rows.loc["A", "lose_coverage"] == 200.0
    assert rows.loc["B", "lose_coverage"] == 300.0
    assert rows.loc["A", "mean_dist_m_b"] == pytest.approx(10000 * 200 / 300)
    h = hist.set_index(["municipality", "bin"])["residents"]
    assert h[("Totaal", "same")] == 100.0
    assert h[("Totaal", "gt_5km")] == 500.0
    assert h[("B", "gt_5km")] == 300.0
    assert hist.groupby("municipality")["residents"].sum()["Totaal"] == 600.0


def test_compare_is_antisymmetric(ctx) -> None:
    a = evaluate(ctx, Scenario("f3 open", edits=(reopen("f3"),)), NORM)
    b = evaluate(ctx, Scenario("f2 dicht", edits=(close("f2"),)), NORM)
    ab, _ = compare_results(a, b)
    ba, hist_ba = compare_results(b, a)
    assert ba["gain_coverage"].tolist() == ab["lose_coverage"].tolist()
    assert ba["covered_pct_delta"].tolist() == pytest.approx((-ab["covered_pct_delta"]).tolist())
    h = hist_ba.set_index(["municipality", "bin"])["residents"]
    assert h[("Totaal", "lt_-2km")] == 500.0
    # same scenario on both sides: no change at all
    same, hist_same = compare_results(a, a)
    assert (same["covered_pct_delta"] == 0).all() and (same["lose_coverage"] == 0).all()
    assert hist_same.set_index(["municipality", "bin"])["residents"][("Totaal", "same")] == 600.0


def test_compare_needs_same_norm(ctx) -> None:
    a = evaluate(ctx, Scenario("leeg"), NORM)
    b = evaluate(ctx, Scenario("leeg"), NORM.with_(max_dist_m=15000.0, name="15 km"))
    with pytest.raises(ConfigError, match="dezelfde norm"):
        compare_results(a, b)
