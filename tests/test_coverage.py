"""Coverage tables: hand-computed figures, weighted quantiles, age bands, norm monotonicity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spreiding.analysis.coverage import (
    coverage_by_age,
    coverage_table,
    covered_mask,
    distance_distribution,
    uncovered_cells,
    weighted_quantiles,
)
from spreiding.analysis.norm import Norm
from spreiding.errors import ConfigError, InvalidDataError
from spreiding.network.nearest import DistanceModel, NearestResult

from .conftest import points


def _pop():
    return points(
        [(0, 0), (1, 0), (2, 0), (3, 0)],
        cell_id=["a", "b", "c", "d"],
        municipality=["X", "X", "Y", "Y"],
        pop_total=[100.0, 300.0, 50.0, 50.0],
        pop_0_14=[10.0, 30.0, 5.0, 45.0],
        pop_15_24=[90.0, 270.0, 45.0, 5.0],
        placement=["cell_centre"] * 4,
    )


def _near(d):
    d = np.asarray(d, dtype=float)
    n = len(d)
    ids = np.array(["f"] * n, dtype=object)
    return NearestResult(
        pd.RangeIndex(n), d, d / 10, ids, ids, np.zeros(n), np.ones(n, bool), DistanceModel("network", "car")
    )


def test_table_by_hand():
    pop = _pop()
    near = _near([1000.0, 6000.0, 2000.0, np.inf])
    t = coverage_table(pop, near, Norm(max_dist_m=5000.0), total_label="Prov")
    x, y, tot = (t.set_index("municipality").loc[k] for k in ("X", "Y", "Prov"))
    assert x.residents == 400 and x.covered == 100 and x.covered_pct == pytest.approx(25.0)
    assert x.mean_dist_m == pytest.approx((100 * 1000 + 300 * 6000) / 400)
    assert x.median_dist_m == 6000.0  # half of 400 is reached within the 300 at 6 km
    assert y.unreachable == 50 and y.covered == 50
    assert y.mean_dist_m == pytest.approx(2000.0)  # over reachable residents only
    assert np.isinf(y.p90_dist_m)
    assert tot.residents == 500 and tot.covered == 150 and tot.covered_pct == pytest.approx(30.0)
    assert list(t.municipality) == ["X", "Y", "Prov"]
    assert (t.distance_model == "network:car").all()


def test_time_norm_and_both_limits():
    near = _near([1000.0, 6000.0, 2000.0, 3000.0])  # times 100, 600, 200, 300 s
    assert covered_mask(near, Norm(max_dist_m=None, max_time_s=250.0)).tolist() == [True, False, True, False]
    both = Norm(max_dist_m=1500.0, max_time_s=250.0)
    with pytest.raises(ConfigError, match="Study"):  # one site must meet both limits: only a matrix can tell
        covered_mask(near, both)
    given = np.array([True, False, True, False])
    assert covered_mask(near, both, given).tolist() == given.tolist()


def test_age_band_norm_and_long_table():
    pop = _pop()
    near = _near([1000.0, 6000.0, 2000.0, 9000.0])
    kids = coverage_table(pop, near, Norm(max_dist_m=5000.0, age_band="pop_0_14"))
    y = kids.set_index("municipality").loc["Y"]
    assert y.residents == 50 and y.covered == 5
    long = coverage_by_age(pop, near, Norm(max_dist_m=5000.0))
    assert set(long.age_band) == {"pop_total", "pop_0_14", "pop_15_24"}
    assert len(long) == 3 * 3


def test_uncovered_cells_and_errors():
    pop = _pop()
    near = _near([1000.0, 6000.0, 2000.0, np.inf])
    un = uncovered_cells(pop, near, Norm(max_dist_m=5000.0))
    assert un.cell_id.tolist() == ["b", "d"]
    assert un.reachable.tolist() == [True, False]
    with pytest.raises(InvalidDataError, match="verschillende rijen"):
        coverage_table(pop.iloc[:2], near, Norm())
    bad = pop.assign(pop_total=[1.0, -5.0, 1.0, 1.0])
    with pytest.raises(InvalidDataError, match="negatieve"):
        coverage_table(bad, near, Norm())


def test_weighted_quantiles_against_numpy_repeat():
    rng = np.random.default_rng(3)
    v = rng.uniform(0, 100, 50)
    w = rng.integers(1, 6, 50).astype(float)
    g = rng.integers(0, 3, 50)
    got = weighted_quantiles(v, w, g, 3, 0.9)
    for k in range(3):
        rep = np.repeat(v[g == k], w[g == k].astype(int))
        assert got[k] == pytest.approx(np.quantile(rep, 0.9, method="inverted_cdf"))


@settings(max_examples=60, deadline=None)
@given(
    d=st.lists(st.one_of(st.floats(0, 20000), st.just(np.inf)), min_size=4, max_size=4),
    a=st.floats(100, 15000),
    b=st.floats(100, 15000),
)
def test_property_widening_the_norm_never_lowers_coverage(d, a, b):
    lo, hi = sorted((a, b))
    pop = _pop()
    near = _near(d)
    t_lo = coverage_table(pop, near, Norm(max_dist_m=lo))
    t_hi = coverage_table(pop, near, Norm(max_dist_m=hi))
    assert (t_hi.covered.to_numpy() >= t_lo.covered.to_numpy() - 1e-9).all()


def test_distance_distribution_by_hand():
    pop = _pop()  # residents 100, 300 (X), 50, 50 (Y)
    near = _near([1000.0, 6000.0, 2000.0, np.inf])
    dist = distance_distribution(pop, near, Norm())
    assert dist["0–1 km"] == 100.0  # 1,000 m is in the 0-1 km bin (right edge included)
    assert dist["5–7.5 km"] == 300.0
    assert dist["1–2 km"] == 50.0
    assert dist["onbereikbaar"] == 50.0
    assert dist.sum() == 500.0
    only_y = distance_distribution(pop, near, Norm(), municipality="Y")
    assert only_y.sum() == 100.0 and only_y["onbereikbaar"] == 50.0


def test_travel_time_distribution_by_hand():
    """Times d / 10 s: 100 s (1,7 min) and 200 s (3,3 min) in 0-5 min; 600 s = 10 min in 5-10 (edge included)."""
    pop = _pop()
    near = _near([1000.0, 6000.0, 2000.0, np.inf])
    by_time = distance_distribution(pop, near, Norm(max_dist_m=None, max_time_s=900.0), unit="min")
    assert by_time.index.name == "reistijd" and by_time.index[-2:].tolist() == ["> 60 min", "onbereikbaar"]
    assert by_time["0–5 min"] == 150.0 and by_time["5–10 min"] == 300.0 and by_time["onbereikbaar"] == 50.0
    with pytest.raises(ConfigError, match="onbekende eenheid"):
        distance_distribution(pop, near, Norm(), unit="uur")


def test_coverage_curve_is_person_weighted_over_all_residents():
    """Hand-computed on _pop(): X has 100 at 1 km and 300 at 6 km; Y 50 at 2 km and 50 unreachable."""
    from spreiding.analysis.coverage import coverage_curve

    pop, near = _pop(), _near([1000.0, 6000.0, 2000.0, np.inf])
    curve = coverage_curve(pop, near, Norm()).set_index("limit")
    assert curve.loc[0.5, "within"] == 0.0 and curve.loc[1.0, "within"] == 100.0
    assert curve.loc[2.0, "within"] == 150.0 and curve.loc[6.0, "within"] == 450.0
    assert curve.loc[30.0, "within_pct"] == pytest.approx(90.0)  # the unreachable 50 never count as within
    only_x = coverage_curve(pop, near, Norm(), municipality="X").set_index("limit")
    assert only_x.loc[5.5, "within_pct"] == pytest.approx(25.0) and only_x.loc[6.0, "within_pct"] == 100.0
    minutes = coverage_curve(pop, near, Norm(), unit="min").set_index("limit")  # times are d / 10 s
    assert minutes.loc[2.0, "within"] == 100.0 and minutes.loc[4.0, "within"] == 150.0
    assert minutes.loc[10.0, "within"] == 450.0
    with pytest.raises(ConfigError, match="eenheid"):
        coverage_curve(pop, near, Norm(), unit="uur")


def test_change_histogram_in_minutes_by_hand():
    """Times d / 10 s. A: 100, 600, 200 s, unreachable; B: 100 (same), 1500 (+900 s: > 10 min), 260 (+60 s:
    0,5 .. 2 min), 300 s (reachable again)."""
    from spreiding.analysis.evaluation import TIME_CHANGE_BINS, distance_change_histogram

    pop = _pop()  # residents 100, 300 (X), 50, 50 (Y)
    a = _near([1000.0, 6000.0, 2000.0, np.inf])
    b = _near([1000.0, 15000.0, 2600.0, 3000.0])
    norm = Norm(max_dist_m=None, max_time_s=900.0)
    hist = distance_change_histogram(pop, a, b, norm, unit="min", total_label="Totaal")
    total = hist.loc[hist["municipality"] == "Totaal"].set_index("label")["residents"]
    assert total.index.tolist() == [label for _, label in TIME_CHANGE_BINS]
    assert total["± 0,5 min"] == 100.0 and total["> 10 min"] == 300.0 and total["0,5 .. 2 min"] == 50.0
    assert total["weer bereikbaar"] == 50.0 and total.sum() == 500.0
    by_km = distance_change_histogram(pop, a, b, norm, total_label="Totaal")  # the same change in km
    assert by_km.loc[by_km["municipality"] == "Totaal"].set_index("label")["residents"]["> 5 km"] == 300.0
