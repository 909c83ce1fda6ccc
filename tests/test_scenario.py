"""Scenarios: edits, evaluation against the base, histogram, real library-list examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spreiding.analysis.evaluation import evaluate, prepare_context
from spreiding.analysis.norm import Norm
from spreiding.analysis.placement import counted_facilities
from spreiding.analysis.scenario import (
    Edit,
    Scenario,
    apply_scenario,
    close,
    describe_edits,
    library_examples,
    move,
    open_site,
    reopen,
    retype,
)
from spreiding.errors import ConfigError, ScenarioError
from spreiding.network.engine import nearest_facility

from .conftest import line_facilities, line_population

# Three residents' points on a line (crow-fly, detour factor 1.0, so distance = |dx|):
#   p0 (0, 0) 100 residents, municipality A     f1 (0, 0)      open vestiging
#   p1 (10000, 0) 200 residents, municipality A f3 (10000, 0)  closed vestiging
#   p2 (20000, 0) 300 residents, municipality B f2 (20000, 0)  open vestiging
# Base with a 5 km norm: p0 0 m, p1 10 000 m, p2 0 m -> 400 of 600 covered.
NORM = Norm(name="5 km", mode="car", max_dist_m=5000.0)


@pytest.fixture()
def ctx():
    return prepare_context(
        line_population(), line_facilities(), None, mode="car", detour_factor=1.0, total_label="Totaal"
    )


def test_base_scenario_equals_base(ctx) -> None:
    res = evaluate(ctx, Scenario("leeg"), NORM)
    total = res.total
    assert total["covered_base"] == 400.0
    assert total["covered"] == 400.0
    assert total["lose_coverage"] == 0 and total["gain_coverage"] == 0
    assert res.table["covered"].tolist() == res.table_base["covered"].tolist()


def test_reopen_closed_row_gains_coverage(ctx) -> None:
    res = evaluate(ctx, Scenario("f3 open", edits=(reopen("f3"),)), NORM)
    assert res.total["covered"] == 600.0
    assert res.total["gain_coverage"] == 200.0
    row_a = res.diff.set_index("municipality").loc["A"]
    assert row_a["covered_base"] == 100.0 and row_a["covered"] == 300.0
    # p1 gets 10 km closer: 200 residents in the "< -2 km" bin of the total
    hist = res.change_hist.set_index(["municipality", "bin"])["residents"]
    assert hist[("Totaal", "lt_-2km")] == 200.0
    assert hist[("Totaal", "same")] == 400.0
    # mean distance: base (0*100 + 10000*200 + 0)/600, scenario 0
    assert res.total["mean_dist_m_base"] == pytest.approx(10000 * 200 / 600)
    assert res.total["mean_dist_m"] == pytest.approx(0.0)


def test_close_loses_coverage_and_histogram(ctx) -> None:
    res = evaluate(ctx, Scenario("f2 dicht", edits=(close("f2"),)), NORM)
    row_b = res.diff.set_index("municipality").loc["B"]
    assert row_b["lose_coverage"] == 300.0
    assert row_b["covered"] == 0.0
    hist = res.change_hist.set_index(["municipality", "bin"])["residents"]
    assert hist[("B", "gt_5km")] == 300.0  # 0 -> 20 km
    assert hist[("Totaal", "same")] == 300.0  # p0 unchanged, p1 stays 10 km (f1 and f2 tie)


def test_retype_out_of_norm_kinds_acts_like_close(ctx) -> None:
    closed = evaluate(ctx, Scenario("a", edits=(close("f2"),)), NORM)
    retyped = evaluate(ctx, Scenario("b", edits=(retype("f2", "servicepunt", host_building="MFA"),)), NORM)
    assert retyped.total["covered"] == closed.total["covered"] == 100.0
    assert retyped.facilities.set_index("id").loc["f2", "host_building"] == "MFA"
    counts = Norm(name="all", max_dist_m=5000.0, kinds=frozenset({"vestiging", "servicepunt"}))
    assert evaluate(ctx, Scenario("c", edits=(retype("f2", "servicepunt"),)), counts).total["covered"] == 400.0


def test_move_and_open_use_new_columns(ctx) -> None:
    moved = evaluate(ctx, Scenario("m", edits=(move("f1", 5000.0, 0.0),)), NORM)
    # p0 and p1 now both 5000 m (within the norm), p2 0 m
    assert moved.nearest.table["dist_m"].tolist() == pytest.approx([5000.0, 5000.0, 0.0])
    assert moved.nearest.table["nearest_id"].tolist()[:1] == ["f1"]
    assert "f1@5000,0" in set(moved.context.matrix.facility_ids)
    opened = evaluate(moved.context, Scenario("o", edits=(open_site("MFA", "kleine_vestiging", 10000, 0),)), NORM)
    assert opened.nearest.table["dist_m"].tolist() == pytest.approx([0.0, 0.0, 0.0])
    assert opened.nearest.table["nearest_id"].tolist()[1] == "new-mfa"


@pytest.mark.parametrize(
    "edits",
    [
        (reopen("f3"),),
        (close("f1"),),
        (move("f2", 12000.0, 0.0), close("f1")),
        (open_site("X", "vestiging", 3000.0, 0.0), retype("f1", "servicepunt")),
    ],
)
def test_evaluate_equals_full_recompute(ctx, edits) -> None:
    scen = Scenario("s", edits=edits)
    res = evaluate(ctx, scen, NORM)
    edited = counted_facilities(apply_scenario(line_facilities(), scen), NORM)
    full = nearest_facility(line_population(), edited, None, mode="car", detour_factor=1.0).table
    np.testing.assert_allclose(res.nearest.table["dist_m"], full["dist_m"], rtol=1e-6)
    assert res.nearest.table["nearest_id"].tolist() == full["nearest_id"].tolist()


def test_by_age_diff(ctx) -> None:
    res = evaluate(ctx, Scenario("f3", edits=(reopen("f3"),)), NORM)
    band = res.diff_by_age.set_index(["municipality", "age_band"])
    assert band.loc[("Totaal", "pop_0_14"), "gain_coverage"] == 20.0
    assert band.loc[("A", "pop_65plus"), "covered"] == 60.0


def test_apply_does_not_mutate_and_errors() -> None:
    fac = line_facilities()
    before = fac.copy()
    out = apply_scenario(fac, Scenario("s", edits=(close("f1"), open_site("N", "vestiging", 1.0, 2.0))))
    pd.testing.assert_frame_equal(fac, before)
    assert out.set_index("id").loc["f1", "status"] == "closed"
    assert len(out) == 4
    with pytest.raises(ScenarioError, match="de wijziging 'sluiten' noemt een onbekend servicepunt 'zz'"):
        apply_scenario(fac, Scenario("s", edits=(close("zz"),)))
    with pytest.raises(ScenarioError, match=r"'Three' \(f3\) kan niet dicht, het is al gesloten"):
        apply_scenario(fac, Scenario("s", edits=(close("f3"),)))
    with pytest.raises(ScenarioError, match=r"'One' \(f1\) is al open"):
        apply_scenario(fac, Scenario("s", edits=(reopen("f1"),)))
    with pytest.raises(ScenarioError, match=r"id 'f1'.*bestaat al \('One' \(f1\)\)"):
        apply_scenario(fac, Scenario("s", edits=(open_site("N", "vestiging", 0, 0, id="f1"),)))


@pytest.mark.parametrize(("name", "shown"), [(None, "'f3' kan niet dicht"), ("", "'f3' kan niet dicht")])
def test_refusal_names_a_nameless_point_by_id(name: str | None, shown: str) -> None:
    fac = line_facilities()
    fac["name"] = fac["name"].astype(object)
    fac.loc[fac["id"] == "f3", "name"] = name
    with pytest.raises(ScenarioError, match=shown):
        apply_scenario(fac, Scenario("s", edits=(close("f3"),)))


def test_edit_validation_and_roundtrip() -> None:
    with pytest.raises(ScenarioError, match="onbekende soort"):
        Edit("retype", "f1", kind="bieb")
    with pytest.raises(ScenarioError, match="heeft een plek nodig"):
        Edit("move", "f1")
    with pytest.raises(ScenarioError, match="twee keer"):
        Scenario("s", edits=(open_site("A", "vestiging", 0, 0), open_site("A", "vestiging", 1, 1)))
    scen = Scenario("s", "d", (close("f1"), open_site("A b", "servicepunt", 1.5, 2.5, host_building="MFA")))
    assert Scenario.from_dict(scen.to_dict()) == scen


def test_mode_mismatch(ctx) -> None:
    with pytest.raises(ConfigError, match="bike"):
        evaluate(ctx, Scenario("s"), Norm(name="b", mode="bike", max_dist_m=3000.0))


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real_region(real_data):
    from spreiding.data.region import load_region

    return load_region(real_data.root)


@pytest.mark.data
def test_library_examples_load(real_region) -> None:
    examples = library_examples(real_region.facilities)
    names = [s.name for s in examples]
    non_open = real_region.facilities.loc[
        (real_region.facilities["region"] == "drenthe") & (real_region.facilities["status"] != "open")
    ]
    assert len(examples) == len(non_open) + 1
    assert "alle plannen uitgevoerd" in names
    assert any(n.endswith("weer open") for n in names) and any(n.endswith("geopend") for n in names)
    for scen in examples:  # every example applies cleanly
        apply_scenario(real_region.facilities, scen)


@pytest.mark.data
def test_real_close_assen_and_full_recompute(real_region) -> None:
    from spreiding.network.roads import load_network

    network = load_network(mode="car", data_dir=real_region.data_dir, progress=False)
    context = prepare_context(real_region.population, real_region.facilities, network, mode="car")
    norm = Norm(name="5 km", mode="car", max_dist_m=5000.0)
    res = evaluate(context, Scenario("Assen dicht", edits=(close("dr-042"),)), norm)
    assen = res.diff.set_index("municipality").loc["Assen"]
    assert assen["covered"] < assen["covered_base"]
    assert assen["lose_coverage"] > 0
    edited = counted_facilities(apply_scenario(real_region.facilities, res.scenario), norm)
    full = nearest_facility(context.points, edited, network, mode="car").table  # residents on street nodes
    np.testing.assert_allclose(res.nearest.table["dist_m"], full["dist_m"], rtol=1e-5, atol=0.5)
    np.testing.assert_allclose(res.nearest.table["time_s"], full["time_s"], rtol=1e-5, atol=0.5)


def test_points_beyond_the_matrix_cutoff_get_an_exact_search():
    """With a 5 km cut-off, closing f1 leaves p0 (0, 0) nothing within it; the exact search finds f2 at 20 km."""
    pop = line_population()
    fac = line_facilities()
    ctx = prepare_context(pop, fac, None, mode="car", detour_factor=1.0, cutoff_m=5000.0)
    res = evaluate(ctx, Scenario("f1 dicht", edits=(close("f1"),)), NORM)
    assert res.nearest.table["dist_m"].iloc[0] == pytest.approx(20000.0)  # exact, not inf
    assert res.nearest.table["nearest_id"].iloc[0] == "f2"
    assert res.table["unreachable"].iloc[-1] == 0


def test_edits_are_described_in_dutch_with_names_and_kind_labels() -> None:
    facilities = pd.DataFrame({"id": ["a", "b"], "name": ["Bieb Aadorp", "Bieb Bedorp"]})
    scen = Scenario("s", edits=(Edit("close", "a"), Edit("retype", "b", kind="kleine_vestiging")))
    assert describe_edits(scen, facilities) == ["Bieb Aadorp [a] sluit", "Bieb Bedorp [b] wordt kleine vestiging"]
