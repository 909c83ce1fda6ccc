"""Region loading and the analysis on real data: placements, norms, service points beyond the border."""

from __future__ import annotations

import numpy as np
import pytest

from spreiding.analysis.norm import Norm
from spreiding.data.region import load_region
from spreiding.errors import ConfigError
from spreiding.network.roads import load_network
from spreiding.study import analyse


@pytest.fixture(scope="module")
def region(real_data):
    return load_region(real_data.root)


@pytest.fixture(scope="module")
def car(real_data):
    return load_network(real_data.roads, "car", progress=False)


@pytest.mark.data
def test_region_inputs(region):
    # the grid's 2,073 cells plus the 143 ring cells beside it (data README: about 4,566 residents share-weighted)
    assert len(region.population) == 2073 + 143
    assert region.border_cells == 143
    assert region.residents == pytest.approx(495_692 + 4_566.328)
    assert region.border_file is not None and region.border_file.name == "census2021_grid_1km_drenthe_rand.csv"
    assert len(region.facilities) == 93  # data README: 93 rows
    assert region.municipalities.municipality.nunique() == 12
    assert {s["kind"] for s in region.sources} >= {"population", "facilities"}
    assert (region.spec.key, region.name, region.total_label) == ("drenthe", "Drenthe", "Drenthe")


@pytest.mark.data
def test_border_libraries_count(region, car):
    """Libraries outside Drenthe count when nearer (CBS ignores borders)."""
    norm = Norm(max_dist_m=5000.0)
    all_libs = analyse(region.population, region.facilities, norm, car)
    inside = region.facilities[region.facilities.region == "drenthe"]
    only_inside = analyse(region.population, inside, norm, car)
    a, b = all_libs.table.iloc[-1], only_inside.table.iloc[-1]
    assert a.mean_dist_m < b.mean_dist_m
    assert a.covered >= b.covered
    assert all_libs.nearest.table.nearest_id.str.startswith("ring-").sum() > 10  # cells nearest to a ring library


@pytest.mark.data
def test_street_placement_keeps_residents_and_is_reported(region, car):
    norm = Norm(max_dist_m=5000.0)
    res = analyse(region.population, region.facilities, norm, car, placement="street_nodes")
    assert res.points.pop_total.sum() == pytest.approx(region.residents)
    assert "street_nodes" in res.table.placement.iloc[-1]
    assert len(res.points) > len(region.population)
    assert np.isfinite(res.table.mean_dist_m.iloc[-1])


@pytest.mark.data
def test_mode_mismatch_and_servicepunt_kinds(region, car):
    with pytest.raises(ConfigError, match="bike"):
        analyse(region.population, region.facilities, Norm(mode="bike", max_dist_m=None, max_time_s=900.0), car)
    narrow = analyse(region.population, region.facilities, Norm(kinds=frozenset({"vestiging"})), car)
    wide = analyse(region.population, region.facilities, Norm(kinds=frozenset({"vestiging", "servicepunt"})), car)
    assert wide.table.covered.iloc[-1] >= narrow.table.covered.iloc[-1]
    assert len(wide.counted) > len(narrow.counted)
