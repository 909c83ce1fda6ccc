"""spreiding: how library branches are spread over a region, and who lives how far away.

The small public API; everything else lives in its domain module
(``spreiding.data.population``, ``spreiding.network.roads``, ``spreiding.network.engine``, ...).

>>> import spreiding as sp
>>> region = sp.load_region()                       # doctest: +SKIP
>>> net = sp.load_network(mode="car")               # doctest: +SKIP
>>> result = sp.analyse(region.population, region.facilities, sp.PRESETS["5km-auto"], net)  # doctest: +SKIP
>>> result.table                                    # doctest: +SKIP
>>> ctx = sp.prepare_context(region.population, region.facilities, net)   # doctest: +SKIP
>>> gieten_dicht = sp.Scenario("Gieten dicht", edits=(sp.Edit("close", "dr-001"),))
>>> sp.evaluate(ctx, gieten_dicht, sp.PRESETS["5km-auto"]).diff   # doctest: +SKIP
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
