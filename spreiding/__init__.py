"""spreiding: how library branches are spread over a region, and who lives how far away.

The small public API; everything else lives in its domain module
(``spreiding.data.population``, ``spreiding.network.roads``, ``spreiding.network.engine``, ...).

On real data the region and a road network come from the data folder::

    region = sp.load_region()
    net = sp.load_network(mode="car")
    result = sp.analyse(region.population, region.facilities, sp.PRESETS["5km-auto"], net)

The same calls on three hand-made residents' cells on a line (x = 0, 3 and 9
km; 100, 200 and 300 residents) and two libraries at x = 0 and 9 km, without
a network (crow-fly distance, detour factor 1):

>>> import geopandas as gpd
>>> import spreiding as sp
>>> cells = gpd.GeoDataFrame(
...     {"cell_id": ["c0", "c1", "c2"], "pop_total": [100.0, 200.0, 300.0], "municipality": ["A", "A", "B"]},
...     geometry=gpd.points_from_xy([0, 3000, 9000], [0, 0, 0]), crs="EPSG:28992",
... )
>>> libraries = gpd.GeoDataFrame(
...     {"id": ["f1", "f2"], "name": ["Een", "Twee"], "kind": ["vestiging"] * 2, "status": ["open"] * 2},
...     geometry=gpd.points_from_xy([0, 9000], [0, 0]), crs="EPSG:28992",
... )
>>> norm = sp.Norm(name="5 km", mode="car", max_dist_m=5000.0)
>>> result = sp.analyse(cells, libraries, norm, detour_factor=1.0, total_label="Totaal")
>>> result.nearest["dist_m"].tolist(), result.nearest["nearest_id"].tolist()
([0.0, 3000.0, 0.0], ['f1', 'f1', 'f2'])
>>> result.table.set_index("municipality")["mean_dist_m"].to_dict()
{'A': 2000.0, 'B': 0.0, 'Totaal': 1000.0}

A what-if scenario: with library f1 closed, the 300 residents of A live 6 and
9 km from f2, beyond the norm.

>>> ctx = sp.prepare_context(cells, libraries, detour_factor=1.0, total_label="Totaal")
>>> een_dicht = sp.Scenario("Een dicht", edits=(sp.Edit("close", "f1"),))
>>> sp.evaluate(ctx, een_dicht, norm).diff.set_index("municipality")["covered_delta"].to_dict()
{'A': -300.0, 'B': 0.0, 'Totaal': -300.0}
"""

from spreiding.analysis.coverage import coverage_by_age, coverage_table, uncovered_cells
from spreiding.analysis.evaluation import ScenarioResult, evaluate, prepare_context
from spreiding.analysis.impact import closure_impact
from spreiding.analysis.norm import PRESETS, Norm, get_preset
from spreiding.analysis.scenario import Edit, Scenario
from spreiding.analysis.store import ScenarioStore
from spreiding.data.facilities import load_facilities
from spreiding.data.population import load_cbs_vierkant, load_census_grid, load_pc4
from spreiding.data.region import Analysis, Region, analyse, load_region
from spreiding.errors import SpreidingError
from spreiding.network.engine import DistanceMatrix, DistanceModel, distance_matrix, nearest_facility
from spreiding.network.modes import Mode, get_mode
from spreiding.network.roads import RoadNetwork, load_network
from spreiding.siting.advice import suggest_sites
from spreiding.siting.models import OptimizeResult, lscp, mclp, p_median

__version__ = "0.1.0"

__all__ = [
    "PRESETS",
    "Analysis",
    "DistanceMatrix",
    "DistanceModel",
    "Edit",
    "Mode",
    "Norm",
    "OptimizeResult",
    "Region",
    "RoadNetwork",
    "Scenario",
    "ScenarioResult",
    "ScenarioStore",
    "SpreidingError",
    "analyse",
    "closure_impact",
    "coverage_by_age",
    "coverage_table",
    "distance_matrix",
    "evaluate",
    "get_mode",
    "get_preset",
    "load_cbs_vierkant",
    "load_census_grid",
    "load_facilities",
    "load_network",
    "load_pc4",
    "load_region",
    "lscp",
    "mclp",
    "nearest_facility",
    "p_median",
    "prepare_context",
    "suggest_sites",
    "uncovered_cells",
]
