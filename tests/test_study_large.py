"""Large service-point lists: above ``matrix_max_sites`` scenarios are evaluated by search, like the base.

Crow-fly with detour 1.0 and car speed 12.5 m/s throughout, so no real data is needed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Scenario, close, move, open_site, reopen
from spreiding.errors import ConfigError
from spreiding.study import MATRIX_MAX_SITES, Study, StudySettings

from .conftest import line_facilities, line_population, points

NORM = Norm(name="5 km", mode="car", max_dist_m=5000.0)
BY_TIME = Norm(name="10 min", mode="car", max_dist_m=None, max_time_s=600.0)


def _line(max_sites: int) -> Study:
    settings = StudySettings(detour_factor=1.0, matrix_max_sites=max_sites)
    return Study(line_population(), line_facilities(), None, settings, total_label="T")


LINE_EDITS = {
    "close": (close("f1"),),
    "reopen": (reopen("f3"),),
    "open": (open_site("Nieuw", "vestiging", 5000.0, 0.0),),
    "move": (move("f2", 14000.0, 0.0),),
    "all": (close("f1"), reopen("f3"), open_site("Nieuw", "vestiging", 3000.0, 0.0), move("f2", 16000.0, 0.0)),
}


def _assert_same(fast, slow) -> None:  # type: ignore[no-untyped-def]
    for name in ("table", "diff", "change_hist", "by_age", "diff_by_age"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name), check_exact=False, rtol=1e-6, atol=1e-6)
    assert fast.covered.tolist() == slow.covered.tolist()
    assert fast.nearest.nearest_id.tolist() == slow.nearest.nearest_id.tolist()
    np.testing.assert_allclose(fast.nearest.dist_m, slow.nearest.dist_m, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("norm", [NORM, BY_TIME], ids=["dist", "time"])
@pytest.mark.parametrize("edit", list(LINE_EDITS))
def test_search_route_equals_matrix_route_on_the_line(edit: str, norm: Norm) -> None:
    scenario = Scenario(edit, edits=LINE_EDITS[edit])
    search, matrix = _line(2), _line(50)  # three service points: above 2, below 50
    fast = search.evaluate(norm, scenario)
    slow = matrix.evaluate(norm, scenario)
    assert fast.context is None and not search.has_matrix
    assert slow.context is not None
    _assert_same(fast, slow)
    _assert_same(fast.base, slow.base)  # type: ignore[arg-type]


def test_line_values_by_hand_on_the_search_route() -> None:
    res = _line(2).evaluate(NORM, Scenario("all", edits=LINE_EDITS["all"]))
    # f1 closed, f3 open (10 km), Nieuw at 3 km, f2 moved to 16 km: x=0 → 3 km, x=10 km → 0, x=20 km → 4 km
    assert res.nearest.dist_m.tolist() == [3000.0, 0.0, 4000.0]
    assert res.nearest.nearest_id.tolist() == ["new-nieuw", "f3", "f2"]
    assert res.total["covered"] == 600.0 and res.total["gain_coverage"] == 200.0


def _grid_facilities(n_side: int, step_m: float) -> object:
    xs, ys = np.meshgrid(np.arange(n_side) * step_m, np.arange(n_side) * step_m)
    n = xs.size
    kind = np.where(np.arange(n) % 3 == 0, "vestiging", "servicepunt")
    status = np.where(np.arange(n) % 7 == 0, "closed", "open")
    return points(
        list(zip(xs.ravel(), ys.ravel(), strict=True)),
        id=[f"g{i}" for i in range(n)],
        name=[f"Punt {i}" for i in range(n)],
        kind=kind.tolist(),
        status=status.tolist(),
        municipality=["A"] * n,
        host_building=[None] * n,
    )


def _grid_population(n: int, extent_m: float) -> object:
    rng = np.random.default_rng(7)
    xy = rng.uniform(0.0, extent_m, size=(n, 2))
    pop = rng.integers(1, 500, size=n).astype(float)
    return points(
        [tuple(p) for p in xy],
        cell_id=[f"c{i}" for i in range(n)],
        pop_total=pop,
        pop_0_14=pop * 0.2,
        pop_15_24=pop * 0.1,
        pop_25_44=pop * 0.3,
        pop_45_64=pop * 0.2,
        pop_65plus=pop * 0.2,
        municipality=np.where(xy[:, 0] < extent_m / 2, "West", "Oost").tolist(),
        placement=["cell_centre"] * n,
    )


GRID_EDITS = (close("g3"), close("g30"), reopen("g7"), open_site("Nieuw", "vestiging", 1234.0, 2345.0))


def test_search_route_equals_matrix_route_on_a_grid_of_121() -> None:
    facilities, population = _grid_facilities(11, 700.0), _grid_population(150, 7000.0)
    scenario = Scenario("grid", edits=(*GRID_EDITS, move("g0", 3500.0, 3500.0)))
    results = []
    for max_sites in (50, MATRIX_MAX_SITES):
        study = Study(population, facilities, None, StudySettings(detour_factor=1.0, matrix_max_sites=max_sites))
        results.append(study.evaluate(NORM, scenario))
        assert study.has_matrix == (max_sites == MATRIX_MAX_SITES)
    _assert_same(*results)


def test_three_thousand_points_never_build_the_matrix() -> None:
    facilities = _grid_facilities(55, 400.0)  # 3,025 service points on a 21.6 km square
    population = _grid_population(200, 21600.0)
    study = Study(population, facilities, None, StudySettings(detour_factor=1.0))
    assert study.is_large and len(facilities) == 3025
    scenario = Scenario("groot", edits=(*GRID_EDITS, move("g0", 10000.0, 10000.0)))
    res = study.evaluate(Norm(name="300 m", mode="car", max_dist_m=300.0), scenario)
    assert not study.has_matrix and res.context is None and res.base is not None
    # brute force: nearest open vestiging/servicepunt after the edits
    counted = res.counted
    fx, fy = counted.geometry.x.to_numpy(), counted.geometry.y.to_numpy()
    px, py = study.points.geometry.x.to_numpy(), study.points.geometry.y.to_numpy()
    dist = np.hypot(px[:, None] - fx[None, :], py[:, None] - fy[None, :])
    np.testing.assert_allclose(res.nearest.dist_m, dist.min(axis=1), rtol=1e-9)
    assert res.nearest.nearest_id.tolist() == counted["id"].to_numpy()[dist.argmin(axis=1)].tolist()
    weight = study.points["pop_total"].to_numpy()
    assert res.total["covered"] == pytest.approx(weight[dist.min(axis=1) <= 300.0].sum())
    assert "new-nieuw" in set(counted["id"]) and "g3" not in set(counted["id"])
    assert not res.change_hist.empty and not study.has_matrix


def test_rankings_above_the_switch_are_refused_in_dutch() -> None:
    study = _line(2)
    with pytest.raises(
        ConfigError, match=r"de lijst heeft 3 punten; de sluitingsrangorde rekent met een afstandsmatrix"
    ):
        study.closure_impact(NORM)
    with pytest.raises(ConfigError, match="openingsrangorde"):
        study.opening_impact(NORM, points([(5000, 0)], candidate_id=["k"], name=["K"], kind=["school"]))
    with pytest.raises(ConfigError, match="locatieadvies"):
        study.suggest_sites(NORM, points([(5000, 0)], candidate_id=["k"], name=["K"], kind=["school"]))
    assert not study.has_matrix


def test_default_switch_message_names_two_thousand() -> None:
    facilities = _grid_facilities(45, 500.0)  # 2,025 points
    study = Study(_grid_population(20, 22000.0), facilities, None, StudySettings(detour_factor=1.0))
    with pytest.raises(ConfigError, match=r"de lijst heeft 2\.025 punten.*beschikbaar tot 2\.000 punten"):
        study.closure_impact(NORM)


def test_two_limit_norms_keep_the_matrix() -> None:
    both = Norm(name="12 km en 10 min", mode="car", max_dist_m=12000.0, max_time_s=600.0)
    study = _line(2)
    res = study.evaluate(both, Scenario("f3", edits=(reopen("f3"),)))
    assert res.context is not None and study.has_matrix
    assert res.covered.tolist() == [True, True, True]


def test_prepare_builds_the_matrix_only_at_or_below_the_switch() -> None:
    small, large = _line(3), _line(2)
    small.prepare()
    large.prepare()
    assert small.has_matrix and not large.has_matrix
    assert not large.fork().has_matrix
