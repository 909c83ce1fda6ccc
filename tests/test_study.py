"""The one analysis object: one path for every question, bounded caches, isolated forks.

Fixture: the line of ``conftest.py`` (residents at 0, 10 and 20 km; open
libraries f1 at 0 km and f2 at 20 km, f3 at 10 km closed), crow-fly with
detour 1.0 and car speed 45 km/h (12.5 m/s), so every figure is by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spreiding.analysis.evaluation import evaluate
from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Scenario, close, open_site, reopen
from spreiding.cli._common import write_table
from spreiding.errors import ConfigError
from spreiding.study import BASE, Study, StudySettings

from .conftest import line_facilities, line_population, points

NORM = Norm(name="5 km", mode="car", max_dist_m=5000.0)


def _study(**kw: object) -> Study:
    return Study(line_population(), line_facilities(), None, StudySettings(detour_factor=1.0), total_label="T", **kw)


def test_base_by_search_equals_base_by_matrix() -> None:
    study = _study()
    fast = study.evaluate(NORM)
    assert fast.context is None and not study.has_matrix  # one multi-source search, no matrix
    study.evaluate(NORM, Scenario("f3 open", edits=(reopen("f3"),)))
    slow = study.evaluate(NORM)  # now through the matrix
    assert slow.context is not None
    pd.testing.assert_frame_equal(fast.table, slow.table, check_exact=False, rtol=1e-6)
    # by hand: 0 km (100), 10 km (200), 0 km (300): mean 2000/6 km, 400 of 600 within 5 km
    total = fast.table.iloc[-1]
    assert total["municipality"] == "T"
    assert total["covered"] == 400.0 and total["mean_dist_m"] == pytest.approx(200 * 10000.0 / 600)


def test_scenario_and_closure_go_through_one_definition() -> None:
    study = _study()
    res = study.evaluate(NORM, Scenario("f3 open", edits=(reopen("f3"),)))
    assert res.total["gain_coverage"] == 200.0 and res.total["covered"] == 600.0
    impact = study.closure_impact(NORM).set_index("id")
    # closing f1 sends x=0 to f2 at 20 km (beyond no cut-off here): 100 lose the norm, nobody unreachable
    assert impact.loc["f1", "covered_loss"] == 100.0 and impact.loc["f1", "newly_unreachable"] == 0.0
    brute = study.evaluate(NORM, Scenario("f1 dicht", edits=(close("f1"),)))
    assert impact.loc["f1", "mean_dist_after_m"] == pytest.approx(brute.total["mean_dist_m"])


def test_time_norm_and_both_limits_through_the_study() -> None:
    study = _study()
    by_time = Norm(name="10 min", mode="car", max_dist_m=None, max_time_s=600.0)  # 7.5 km at 12.5 m/s
    assert study.evaluate(by_time).covered.tolist() == [True, False, True]
    both = Norm(name="12 km en 10 min", mode="car", max_dist_m=12000.0, max_time_s=600.0)
    res = study.evaluate(both)
    assert res.context is not None  # two limits: the matrix decides (one site must meet both)
    assert res.covered.tolist() == [True, False, True]
    advice = study.suggest_sites(both, _candidates(), model="mclp", p=1)
    assert advice.sites["id"].tolist() == ["k10"]
    opened = study.evaluate(both, Scenario("k10", edits=(open_site("k", "vestiging", 10000.0, 0.0),)))
    assert advice.after["covered"] == pytest.approx(opened.total["covered"])


def _candidates() -> object:
    return points([(10000, 0), (30000, 0)], candidate_id=["k10", "k30"], name=["Tien", "Dertig"], kind=["school"] * 2)


def test_mode_mismatch_is_refused() -> None:
    with pytest.raises(ConfigError, match="bike"):
        _study().evaluate(Norm(name="fiets", mode="bike", max_dist_m=3000.0))


def test_cache_is_bounded_under_fifty_norms() -> None:
    study = _study(cache_size=8)
    for km in range(1, 51):
        study.evaluate(Norm(name=f"{km} km", mode="car", max_dist_m=km * 1000.0))
    assert len(study._cache) == 8


def test_forks_do_not_share_growth_or_results() -> None:
    base = _study()
    base.evaluate(NORM, Scenario("warm", edits=(close("f1"),)))  # builds the base matrix
    a, b = base.fork(), base.fork()
    new = Scenario("nieuw", edits=(open_site("Nieuw", "vestiging", 5000.0, 0.0),))
    a.evaluate(NORM, new)
    assert a.context.matrix.shape[1] == base.context.matrix.shape[1] + 1
    assert b.context.matrix.shape[1] == base.context.matrix.shape[1]  # b never saw a's new site
    assert len(b._cache) == 0 and len(a._cache) > 0
    assert b.context.matrix is base.context.matrix  # the immutable base matrix is shared, not copied


def test_evaluation_of_the_base_is_the_scenario_without_edits() -> None:
    study = _study()
    assert study.evaluate(NORM, BASE) is study.evaluate(NORM)
    assert evaluate(study.context, Scenario("leeg"), NORM).base is None


def test_cli_writer_leaves_infinite_values_empty(tmp_path) -> None:
    table = pd.DataFrame({"municipality": ["A", "B"], "mean_dist_m": [1200.0, np.inf], "unreachable": [0.0, 10.0]})
    out = write_table(table, tmp_path / "t.csv", layer="dekking")
    text = out.read_text(encoding="utf-8-sig")
    assert "inf" not in text.lower()
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert back["mean_dist_m"].isna().tolist() == [False, True]
