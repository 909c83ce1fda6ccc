"""spreiding: how library branches are spread over a region, and who lives how far away.

The small public API. Every question goes through one :class:`Study`::

    import spreiding as sp

    region = sp.load_region()
    study = sp.Study.from_region(region, sp.load_network(mode="car"))
    result = study.evaluate(sp.PRESETS["5km-auto"])  # the base situation
    gieten = study.evaluate(sp.PRESETS["5km-auto"], sp.Scenario("Gieten dicht", (sp.Edit("close", "dr-001"),)))

Names are imported on first use, so ``import spreiding`` stays light
(``scipy.optimize`` and the optimisers load only when asked for).
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
