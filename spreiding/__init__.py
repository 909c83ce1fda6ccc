"""spreiding: how library branches are spread over a region, and who lives how far away.

The small public API; everything else lives in its domain module
(``spreiding.population``, ``spreiding.network``, ``spreiding.distance``, ...).

>>> import spreiding as sp
>>> region = sp.load_region()                       # doctest: +SKIP
>>> net = sp.load_network(mode="car")               # doctest: +SKIP
>>> result = sp.analyse(region.population, region.facilities, sp.PRESETS["5km-auto"], net)  # doctest: +SKIP
>>> result.table                                    # doctest: +SKIP
>>> ctx = sp.prepare_context(region.population, region.facilities, net)   # doctest: +SKIP
>>> gieten_dicht = sp.Scenario("Gieten dicht", edits=(sp.Edit("close", "dr-001"),))
>>> sp.evaluate(ctx, gieten_dicht, sp.PRESETS["5km-auto"]).diff   # doctest: +SKIP
"""

from .coverage import coverage_by_age, coverage_table, uncovered_cells
from .distance import DistanceMatrix, DistanceModel, distance_matrix, nearest_facility
from .errors import SpreidingError
from .evaluation import ScenarioResult, evaluate, prepare_context
from .facilities import load_facilities
from .impact import closure_impact
from .modes import Mode, get_mode
from .network import RoadNetwork, load_network
from .norm import PRESETS, Norm, get_preset
from .optimize import OptimizeResult, lscp, mclp, p_median
from .population import load_cbs_vierkant, load_census_grid, load_pc4
from .region import Analysis, Region, analyse, load_region
from .scenario import Edit, Scenario
from .siting import suggest_sites
from .store import ScenarioStore

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
