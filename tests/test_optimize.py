"""Tests for spreiding.siting.models: hand-checked cases, spopt/PuLP oracle, greedy bounds, properties."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spreiding.siting._solver as _solver
import spreiding.siting.coverage as coverage
import spreiding.siting.median as median
from spreiding.errors import OptimizationError
from spreiding.siting.models import greedy_lscp, greedy_mclp, greedy_p_median, lscp, mclp, p_median

# PuLP 3.x warns about its own 4.0 API changes when spopt builds models.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

INF = np.inf

# Four villages (rows) and three candidate sites (columns), distances in metres.
# Norm 5,000 m. Coverage (<= 5 km):
#   A (100 residents): sites 0, 1      B (50): site 1      C (80): site 2      D (10): none (9 km+)
TINY_W = np.array([100.0, 50.0, 80.0, 10.0])
TINY_D = np.array(
    [
        [1_000.0, 4_000.0, 12_000.0],  # A
        [8_000.0, 2_000.0, 9_000.0],  # B
        [15_000.0, 7_000.0, 3_000.0],  # C
        [9_000.0, 11_000.0, 20_000.0],  # D: nothing within 5 km
    ]
)
NORM = 5_000.0


def _random_instance(seed: int, n: int = 60, m: int = 15) -> tuple[np.ndarray, np.ndarray]:
    """Random points in a 20 x 20 km square; crow-fly distances; integer weights 1..99."""
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0, 20_000, (n, 2))
    sites = rng.uniform(0, 20_000, (m, 2))
    dist = np.linalg.norm(demand[:, None, :] - sites[None, :, :], axis=2)
    weights = rng.integers(1, 100, n).astype(float)
    return weights, dist


# --------------------------------------------------------------------------- hand-checked


def test_mclp_tiny_one_site() -> None:
    # One site: site 1 covers A+B = 150, site 2 covers C = 80, site 0 covers A = 100 -> site 1.
    res = mclp(TINY_W, TINY_D, NORM, 1)
    assert res.selected == (1,)
    assert res.objective == pytest.approx(150.0)
    assert res.covered_share == pytest.approx(150.0 / 240.0)
    assert res.method == "milp"
    assert res.status == "optimal"
    assert res.model == "mclp"


def test_mclp_tiny_two_sites_and_greedy_agree() -> None:
    # Two sites: {1, 2} covers A+B+C = 230; D can never be covered.
    res = mclp(TINY_W, TINY_D, NORM, 2)
    assert res.selected == (1, 2)
    assert res.objective == pytest.approx(230.0)
    # nearest open site: A 4 km, B 2 km, C 3 km, D 11 km -> weighted mean
    expected_mean = (100 * 4_000 + 50 * 2_000 + 80 * 3_000 + 10 * 11_000) / 240
    assert res.mean_dist_m == pytest.approx(expected_mean)
    greedy = greedy_mclp(TINY_W, TINY_D, NORM, 2)
    assert greedy.method == "greedy" and greedy.status == "greedy" and greedy.mip_gap is None
    assert greedy.selected == (1, 2)


def test_mclp_existing_stays_open_and_p_counts_new_sites() -> None:
    # Site 0 is open (covers A). One new site: site 2 adds C (80) > site 1 adds B (50).
    res = mclp(TINY_W, TINY_D, NORM, 1, existing=[0])
    assert res.selected == (0, 2)
    assert res.new == (2,)
    assert res.closed == ()
    assert res.objective == pytest.approx(180.0)


def test_mclp_relocation_p_is_new_and_closes_the_redundant_site() -> None:
    # Sites 0 and 2 are open; one new site and at most one closure: site 1 adds B (230 in all) and
    # also covers A, so site 0 (A only) is redundant and closes; site 2 (the only one near C) stays.
    res = mclp(TINY_W, TINY_D, NORM, 1, existing=[0, 2], allow_close=True)
    assert res.selected == (1, 2)
    assert res.new == (1,)
    assert res.closed == (0,)
    assert res.objective == pytest.approx(230.0)
    greedy = greedy_mclp(TINY_W, TINY_D, NORM, 1, existing=[0, 2], allow_close=True)
    assert greedy.closed == (0,)
    # max_closures=0 or site 0 not closable (across the border): nothing closes
    assert mclp(TINY_W, TINY_D, NORM, 1, existing=[0, 2], allow_close=True, max_closures=0).closed == ()
    assert mclp(TINY_W, TINY_D, NORM, 1, existing=[0, 2], allow_close=True, closable=[2]).closed == ()


def test_mclp_tie_prefers_existing_site_when_closing_allowed() -> None:
    # Two demand points, both covered by site 0 and by site 1 alike: keep existing site 1 open.
    w = np.array([5.0, 5.0])
    d = np.array([[100.0, 100.0], [200.0, 200.0]])
    for res in (
        mclp(w, d, 500.0, 1, existing=[1], allow_close=True),
        greedy_mclp(w, d, 500.0, 1, existing=[1], allow_close=True),
    ):
        assert res.selected == (1,)
        assert res.closed == ()


def test_mclp_useless_sites_are_not_opened() -> None:
    # With a 20 km norm site 1 alone covers A, B and C; D is 11 km from site 1 -> also covered.
    res = mclp(TINY_W, TINY_D, 20_000.0, 3)
    assert res.objective == pytest.approx(240.0)
    assert len(res.selected) == 1
    greedy = greedy_mclp(TINY_W, TINY_D, 20_000.0, 3)
    assert len(greedy.selected) == 1


def test_mclp_aggregation_equals_summed_weights() -> None:
    # Duplicating every demand row must give the same choice with doubled objective.
    w2 = np.concatenate([TINY_W, TINY_W])
    d2 = np.vstack([TINY_D, TINY_D])
    res = mclp(w2, d2, NORM, 1)
    assert res.selected == (1,)
    assert res.objective == pytest.approx(300.0)


def test_mclp_unreachable_pairs_as_inf() -> None:
    # Demand D cannot reach any site (inf): it stays uncovered, and the mean distance is over the
    # residents who reach a site (the package's one definition): sites 1 and 2 give A 4 km, B 2 km, C 3 km.
    d = TINY_D.copy()
    d[3] = INF
    res = mclp(TINY_W, d, NORM, 2)
    assert res.objective == pytest.approx(230.0)
    assert res.mean_dist_m == pytest.approx((100 * 4000.0 + 50 * 2000.0 + 80 * 3000.0) / 230.0)


def test_mclp_does_not_mutate_inputs() -> None:
    w, d = TINY_W.copy(), TINY_D.copy()
    mclp(w, d, NORM, 2, existing=[0])
    greedy_p_median(w, d, 2, max_dist_m=10_000.0)
    np.testing.assert_array_equal(w, TINY_W)
    np.testing.assert_array_equal(d, TINY_D)


def test_lscp_tiny_full_cover_caps_at_coverable() -> None:
    # D is never coverable (logged); covering A, B, C needs site 1 (A, B) + site 2 (C) = 2 sites.
    res = lscp(TINY_W, TINY_D, NORM)
    assert res.selected == (1, 2)
    assert res.objective == 2.0
    assert res.covered_weight == pytest.approx(230.0)
    assert greedy_lscp(TINY_W, TINY_D, NORM).objective == 2.0


def test_lscp_partial_target() -> None:
    # 60 % of 240 = 144 -> site 1 alone (150) suffices.
    res = lscp(TINY_W, TINY_D, NORM, target_share=0.6)
    assert res.selected == (1,)
    # 70 % = 168 -> one site is not enough (max 150) -> two sites.
    assert lscp(TINY_W, TINY_D, NORM, target_share=0.7).objective == 2.0


def test_lscp_existing_counts_in_objective() -> None:
    # Site 0 is open (covers A); B needs 1, C needs 2 -> 3 sites in total.
    res = lscp(TINY_W, TINY_D, NORM, existing=[0])
    assert res.selected == (0, 1, 2)
    assert res.new == (1, 2)
    assert res.objective == 3.0


def test_lscp_unreachable_target_raises() -> None:
    # Coverable weight is 230/240 = 0.958; asking 0.99 cannot be met.
    with pytest.raises(OptimizationError, match=r"hoogstens 95,8 %"):
        lscp(TINY_W, TINY_D, NORM, target_share=0.99)


def test_p_median_tiny() -> None:
    # One site: total weighted distance per site
    #   0: 100*1 + 50*8 + 80*15 + 10*9  = 1790 km
    #   1: 100*4 + 50*2 + 80*7  + 10*11 = 1170 km  <- best
    #   2: 100*12 + 50*9 + 80*3 + 10*20 = 2090 km
    res = p_median(TINY_W, TINY_D, 1)
    assert res.selected == (1,)
    assert res.objective == pytest.approx(1_170_000.0)
    assert res.mean_dist_m == pytest.approx(1_170_000.0 / 240)
    assert greedy_p_median(TINY_W, TINY_D, 1).selected == (1,)
    # Two sites: {0, 2}: A1 B8 C3 D9 = 100+400+240+90 = 830; {1, 2}: 400+100+240+110 = 850; {0,1}: 100+100+560+90=850
    two = p_median(TINY_W, TINY_D, 2)
    assert two.selected == (0, 2)
    assert two.objective == pytest.approx(830_000.0)


def test_p_median_max_dist_cuts_pairs() -> None:
    # With max 10 km, only site 1 (11 km) cannot serve D; D must go to site 0 (9 km).
    res = p_median(TINY_W, TINY_D, 1, max_dist_m=12_000.0)
    assert res.selected == (1,)
    with pytest.raises(OptimizationError, match="geen oplossing"):
        p_median(TINY_W, TINY_D, 1, max_dist_m=10_000.0)  # no single site reaches all within 10 km
    # Two sites within 10 km: {0, 2} reaches everyone (A1 B8 C3 D9).
    assert p_median(TINY_W, TINY_D, 2, max_dist_m=10_000.0).selected == (0, 2)


def test_p_median_lost_demand_raises_with_count() -> None:
    d = TINY_D.copy()
    d[3] = INF
    with pytest.raises(OptimizationError, match=r"1 inwonerspunten \(rijen 3\)"):
        p_median(TINY_W, d, 1)
    # ... unless it carries no weight
    w = TINY_W.copy()
    w[3] = 0.0
    assert p_median(w, d, 1).selected == (1,)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"weights": TINY_W[:3]}, "vorm"),
        ({"dist_m": TINY_D[:, 0]}, "vorm"),
        ({"weights": np.array([1.0, -2.0, 3.0, 4.0])}, "rijen 1"),
        ({"weights": np.array([1.0, np.nan, 3.0, 4.0])}, "eindig"),
        ({"weights": np.zeros(4)}, "alle gewichten zijn 0"),
        ({"dist_m": np.where(TINY_D > 10_000, np.nan, TINY_D)}, "lege of negatieve waarden in rijen 0, 2, 3"),
        ({"dist_m": -TINY_D}, "negatieve"),
        ({"p": 4}, "--p 4"),
        ({"p": -1}, "--p -1"),
        ({"p": 2.5}, "geheel aantal"),
        ({"p": 3, "existing": [0]}, "naast de 1 bestaande"),
        ({"existing": [5]}, "buiten de kolommen 0..2"),
        ({"existing": [1, 1]}, "meer dan eens"),
        ({"norm_m": -1.0}, "--max-km"),
        ({"method": "magic"}, "methode"),
        ({"time_limit_s": 0}, "--time-limit"),
    ],
)
def test_bad_input_raises(kwargs: dict[str, object], pattern: str) -> None:
    args: dict[str, object] = {"weights": TINY_W, "dist_m": TINY_D, "norm_m": NORM, "p": 1}
    args.update(kwargs)
    with pytest.raises(OptimizationError, match=pattern):
        mclp(**args)  # type: ignore[arg-type]


def test_bad_input_p_median_and_lscp() -> None:
    with pytest.raises(OptimizationError, match="--p 5"):
        p_median(TINY_W, TINY_D, 5)
    with pytest.raises(OptimizationError, match="grootste afstand"):
        p_median(TINY_W, TINY_D, 1, max_dist_m=0.0)
    with pytest.raises(OptimizationError, match="--target"):
        lscp(TINY_W, TINY_D, NORM, target_share=0.0)


# --------------------------------------------------------------------------- method selection and status


def test_auto_falls_back_to_greedy_above_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coverage, "MILP_MAX_VARS", 3)
    monkeypatch.setattr(median, "PMEDIAN_MAX_ASSIGN_VARS", 3)
    assert mclp(TINY_W, TINY_D, NORM, 1).method == "greedy"
    assert lscp(TINY_W, TINY_D, NORM).method == "greedy"
    assert p_median(TINY_W, TINY_D, 1).method == "greedy"
    assert mclp(TINY_W, TINY_D, NORM, 1, method="milp").method == "milp"


def test_time_limit_status_and_gap_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    real_milp = _solver.milp

    def fake_milp(**kwargs: object) -> SimpleNamespace:
        assert kwargs["options"]["time_limit"] == 7.0  # type: ignore[index]
        res = real_milp(**kwargs)
        return SimpleNamespace(x=res.x, status=1, mip_gap=0.25, message="Time limit reached")

    monkeypatch.setattr(_solver, "milp", fake_milp)
    res = mclp(TINY_W, TINY_D, NORM, 1, time_limit_s=7.0)
    assert res.status == "time_limit"
    assert res.mip_gap == 0.25
    assert res.selected == (1,)


def test_no_solution_in_time_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_solver, "milp", lambda **_: SimpleNamespace(x=None, status=1, mip_gap=None, message="t"))
    with pytest.raises(OptimizationError, match="--time-limit"):
        p_median(TINY_W, TINY_D, 1)


# --------------------------------------------------------------------------- oracle: spopt + PuLP


def _cbc() -> object:
    pulp = pytest.importorskip("pulp")
    if "PULP_CBC_CMD" not in pulp.listSolvers(onlyAvailable=True):
        pytest.skip("PuLP's CBC solver is not available")
    return pulp.PULP_CBC_CMD(msg=False)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mclp_matches_spopt(seed: int) -> None:
    locate = pytest.importorskip("spopt.locate")
    import pulp

    solver = _cbc()
    w, d = _random_instance(seed)
    for p, existing in ((3, ()), (2, (0, 7))):
        predefined = np.zeros(d.shape[1], dtype=int)
        predefined[list(existing)] = 1
        model = locate.MCLP.from_cost_matrix(
            d,
            w,
            service_radius=4_000.0,
            p_facilities=p + len(existing),
            predefined_facilities_arr=predefined if existing else None,
        ).solve(solver)
        ours = mclp(w, d, 4_000.0, p, existing=existing)
        assert ours.objective == pytest.approx(pulp.value(model.problem.objective), rel=1e-9)
        assert set(existing) <= set(ours.selected)
        # greedy is a lower bound on the exact maximum
        assert greedy_mclp(w, d, 4_000.0, p, existing=existing).objective <= ours.objective + 1e-9


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_p_median_matches_spopt(seed: int) -> None:
    locate = pytest.importorskip("spopt.locate")
    import pulp

    solver = _cbc()
    w, d = _random_instance(seed)
    model = locate.PMedian.from_cost_matrix(d, w, p_facilities=4).solve(solver)
    ours = p_median(w, d, 4)
    assert ours.objective == pytest.approx(pulp.value(model.problem.objective), rel=1e-6)
    greedy = greedy_p_median(w, d, 4)
    assert greedy.objective >= ours.objective * (1 - 1e-9)
    assert greedy.objective <= ours.objective * 1.5  # reasonable on small instances


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lscp_matches_spopt(seed: int) -> None:
    locate = pytest.importorskip("spopt.locate")
    import pulp

    solver = _cbc()
    w, d = _random_instance(seed)
    radius = float(d.min(axis=1).max()) + 1_000.0  # every demand point coverable
    model = locate.LSCP.from_cost_matrix(d, radius).solve(solver)
    ours = lscp(w, d, radius)
    assert ours.objective == pytest.approx(pulp.value(model.problem.objective))
    assert ours.covered_share == pytest.approx(1.0)
    greedy = greedy_lscp(w, d, radius)
    assert greedy.objective >= ours.objective
    assert greedy.covered_share == pytest.approx(1.0)


# --------------------------------------------------------------------------- properties


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), p=st.integers(0, 5), norm=st.floats(1_000.0, 8_000.0))
def test_more_sites_never_cover_less(seed: int, p: int, norm: float) -> None:
    w, d = _random_instance(seed, n=25, m=8)
    low = mclp(w, d, norm, p).objective
    high = mclp(w, d, norm, p + 1).objective
    assert high >= low - 1e-9
    assert greedy_mclp(w, d, norm, p).objective <= low + 1e-9
