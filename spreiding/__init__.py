"""spreiding: how library branches are spread over a region, and who lives how far away.

The small public API. Every question goes through one :class:`Study`.

On real data the region and a road network come from the data folder::

    import spreiding as sp

    region = sp.load_region()
    study = sp.Study.from_region(region, sp.load_network(mode="car"))
    result = study.evaluate(sp.PRESETS["5km-auto"])  # the base situation

Names are imported on first use, so ``import spreiding`` stays light
(``scipy.optimize`` and the optimisers load only when asked for).

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
>>> study = sp.Study(cells, libraries, settings=sp.StudySettings(detour_factor=1.0), total_label="Totaal")
>>> result = study.evaluate(norm)
>>> result.nearest.dist_m.tolist(), result.nearest.nearest_id.tolist()
([0.0, 3000.0, 0.0], ['f1', 'f1', 'f2'])
>>> result.table.set_index("municipality")["mean_dist_m"].to_dict()
{'A': 2000.0, 'B': 0.0, 'Totaal': 1000.0}

A what-if scenario: with library f1 closed, the 300 residents of A live 6 and
9 km from f2, beyond the norm.

>>> een_dicht = sp.Scenario("Een dicht", edits=(sp.Edit("close", "f1"),))
>>> study.evaluate(norm, een_dicht).diff.set_index("municipality")["covered_delta"].to_dict()
{'A': -300.0, 'B': 0.0, 'Totaal': -300.0}
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_WHERE = {
    "Study": "spreiding.study",
    "StudySettings": "spreiding.study",
    "BASE": "spreiding.study",
    "Analysis": "spreiding.study",
    "analyse": "spreiding.study",
    "Evaluation": "spreiding.analysis.evaluation",
    "ScenarioResult": "spreiding.analysis.evaluation",
    "evaluate": "spreiding.analysis.evaluation",
    "prepare_context": "spreiding.analysis.evaluation",
    "coverage_by_age": "spreiding.analysis.coverage",
    "coverage_table": "spreiding.analysis.coverage",
    "uncovered_cells": "spreiding.analysis.coverage",
    "closure_impact": "spreiding.analysis.impact",
    "PRESETS": "spreiding.analysis.norm",
    "Norm": "spreiding.analysis.norm",
    "get_preset": "spreiding.analysis.norm",
    "Edit": "spreiding.analysis.scenario",
    "Scenario": "spreiding.analysis.scenario",
    "ScenarioStore": "spreiding.analysis.store",
    "load_facilities": "spreiding.data.facilities",
    "load_cbs_vierkant": "spreiding.data.population",
    "load_census_grid": "spreiding.data.population",
    "load_pc4": "spreiding.data.population",
    "Region": "spreiding.data.region",
    "load_region": "spreiding.data.region",
    "SpreidingError": "spreiding.errors",
    "DistanceMatrix": "spreiding.network.engine",
    "distance_matrix": "spreiding.network.engine",
    "nearest_facility": "spreiding.network.engine",
    "DistanceModel": "spreiding.network.nearest",
    "NearestResult": "spreiding.network.nearest",
    "Mode": "spreiding.network.modes",
    "get_mode": "spreiding.network.modes",
    "RoadNetwork": "spreiding.network.roads",
    "load_network": "spreiding.network.roads",
    "suggest_sites": "spreiding.siting.advice",
    "OptimizeResult": "spreiding.siting.models",
    "lscp": "spreiding.siting.models",
    "mclp": "spreiding.siting.models",
    "p_median": "spreiding.siting.models",
}

__all__ = [
    "BASE",
    "PRESETS",
    "Analysis",
    "DistanceMatrix",
    "DistanceModel",
    "Edit",
    "Evaluation",
    "Mode",
    "NearestResult",
    "Norm",
    "OptimizeResult",
    "Region",
    "RoadNetwork",
    "Scenario",
    "ScenarioResult",
    "ScenarioStore",
    "SpreidingError",
    "Study",
    "StudySettings",
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


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    msg = f"module 'spreiding' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


if TYPE_CHECKING:  # pragma: no cover
    from spreiding.analysis.coverage import coverage_by_age, coverage_table, uncovered_cells
    from spreiding.analysis.evaluation import Evaluation, ScenarioResult, evaluate, prepare_context
    from spreiding.analysis.impact import closure_impact
    from spreiding.analysis.norm import PRESETS, Norm, get_preset
    from spreiding.analysis.scenario import Edit, Scenario
    from spreiding.analysis.store import ScenarioStore
    from spreiding.data.facilities import load_facilities
    from spreiding.data.population import load_cbs_vierkant, load_census_grid, load_pc4
    from spreiding.data.region import Region, load_region
    from spreiding.errors import SpreidingError
    from spreiding.network.engine import DistanceMatrix, distance_matrix, nearest_facility
    from spreiding.network.modes import Mode, get_mode
    from spreiding.network.nearest import DistanceModel, NearestResult
    from spreiding.network.roads import RoadNetwork, load_network
    from spreiding.siting.advice import suggest_sites
    from spreiding.siting.models import OptimizeResult, lscp, mclp, p_median
    from spreiding.study import BASE, Analysis, Study, StudySettings, analyse
