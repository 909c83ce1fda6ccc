"""Shared fixtures: the real data folder (skipped when absent) and a hand-made road graph."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

from spreiding.data.config import DataPaths, data_paths

os.environ.setdefault("SPREIDING_CACHE_DIR", _session_dir := tempfile.mkdtemp(prefix="spreiding-cache-"))
atexit.register(shutil.rmtree, _session_dir, ignore_errors=True)
# Tests of the computation must compute: a repeated `coverage` would otherwise print a stored answer
# (tests/test_answers.py switches the answer cache on where it is the subject).
os.environ.setdefault("SPREIDING_ANSWER_CACHE", "0")

# Hypothesis keeps its files (e.g. a constants cache) in the system temp folder, never in the checkout.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "spreiding-hypothesis"))
# Property tests are reproducible: the examples derive from each test's code, not from a random seed, and no
# example database is written into the checkout. HYPOTHESIS_PROFILE=explore runs fresh random examples.
settings.register_profile("spreiding", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, database=None, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "spreiding"))

_REASON = (
    "real Drenthe data folder absent: set SPREIDING_DATA_DIR to a folder with cbs/, osm/, gebieden/ and "
    "voorzieningen/ (see ../shared/data/README.md) or run `spreiding fetch`"
)


@pytest.fixture(scope="session", autouse=True)
def _scenario_store_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Scenario stores opened without an explicit path (the app, the browser test) live in a temp folder.

    Without this the default store is created in the data folder or the user's folder.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPREIDING_STORE", str(tmp_path_factory.mktemp("store") / "scenarios.sqlite"))
        yield


@pytest.fixture(scope="session")
def real_data() -> DataPaths:
    """Paths of the real data folder; skips the test when it is absent."""
    paths = data_paths()
    if paths.missing():
        pytest.skip(_REASON)
    return paths


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse tests that use the real data folder without ``@pytest.mark.data`` (``-m "not data"`` must hold)."""
    unmarked = [
        item.nodeid
        for item in items
        if "real_data" in getattr(item, "fixturenames", ()) and item.get_closest_marker("data") is None
    ]
    if unmarked:
        msg = (
            "tests use the real data folder (fixture real_data) without @pytest.mark.data: "
            + ", ".join(unmarked)
            + "; add the marker (or a module-level pytestmark) so that -m 'not data' runs without the data"
        )
        raise pytest.UsageError(msg)


# --------------------------------------------------------------------------- a hand-made road graph
#
#   D(1000,1000) ---- 1200 m two-way ---- A(0,0)
#      |  \                                 |
#   1500 m  footway 1000 m (walk/bike)   1000 m residential two-way (+ a parallel 1300 m copy)
#      |      \                             |
#   C(2000,0) <---- 1000 m primary, one-way B -> C ---- B(1000,0)
#
# Car:  A->C = A-B-C = 2000 m;  C->A = C-D-A = 2700 m (B->C is one-way).
# Bike: C->A = C-B-A = 2000 m (one-way ignored); C->D direct 1500, B->D footway 1000.
# Node E(5000,5000) is isolated (no edges).

TINY_NODES = pd.DataFrame(
    {
        "node_id": [1, 2, 3, 4, 5],
        "x": [0.0, 1000.0, 2000.0, 1000.0, 5000.0],
        "y": [0.0, 0.0, 0.0, 1000.0, 5000.0],
    }
)
TINY_EDGES = pd.DataFrame(
    {
        "u": [1, 1, 2, 3, 4, 2],
        "v": [2, 2, 3, 4, 1, 4],
        "highway": ["residential", "residential", "primary", "tertiary", "tertiary", "footway"],
        "oneway": [False, False, True, False, False, False],
        "length_m": [1000.0, 1300.0, 1000.0, 1500.0, 1200.0, 1000.0],
    }
)
NODE_XY = {name: (x, y) for name, x, y in zip("ABCDE", TINY_NODES["x"], TINY_NODES["y"], strict=True)}


def points(xy: list[tuple[float, float]], **columns: list[object]) -> gpd.GeoDataFrame:
    """A point GeoDataFrame in EPSG:28992."""
    arr = np.asarray(xy, dtype=float)
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(arr[:, 0], arr[:, 1]), crs="EPSG:28992")


APP = str(Path(__file__).resolve().parent.parent / "app.py")
"""The app's entry script, as ``streamlit run app.py`` starts it."""


def app_ok(at: Any) -> None:
    """Fail when an AppTest run shows an exception or an error box."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture()
def app(real_data: DataPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app on the real data with its own scenario store, first page drawn without an exception."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SPREIDING_DATA_DIR", str(real_data.root))
    monkeypatch.setenv("SPREIDING_STORE", str(tmp_path / "scenarios.sqlite"))
    # Streamlit leaves app.py as sys.modules["__main__"], which later "spawn" subprocesses (test_store) would run
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture()
def tiny_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw road tables of the hand-made graph (fresh copies)."""
    return TINY_NODES.copy(), TINY_EDGES.copy()


# --------------------------------------------------------------------------- three points on a line (crow-fly)
#
# Residents (crow-fly with detour factor 1.0, so distance = |dx|):
#   p0 (0, 0) 100 residents, municipality A     f1 (0, 0)      open vestiging
#   p1 (10000, 0) 200 residents, municipality A f3 (10000, 0)  closed vestiging
#   p2 (20000, 0) 300 residents, municipality B f2 (20000, 0)  open vestiging


def line_population() -> gpd.GeoDataFrame:
    """The three residents' points of the line fixture."""
    return points(
        [(0, 0), (10000, 0), (20000, 0)],
        cell_id=["c0", "c1", "c2"],
        pop_total=[100.0, 200.0, 300.0],
        pop_0_14=[10.0, 20.0, 30.0],
        pop_15_24=[10.0, 20.0, 30.0],
        pop_25_44=[30.0, 60.0, 90.0],
        pop_45_64=[30.0, 60.0, 90.0],
        pop_65plus=[20.0, 40.0, 60.0],
        municipality=["A", "A", "B"],
        placement=["cell_centre"] * 3,
    )


def line_facilities() -> gpd.GeoDataFrame:
    """The three service points of the line fixture."""
    return points(
        [(0, 0), (20000, 0), (10000, 0)],
        id=["f1", "f2", "f3"],
        name=["One", "Two", "Three"],
        kind=["vestiging", "vestiging", "vestiging"],
        status=["open", "open", "closed"],
        municipality=["A", "B", "A"],
        host_building=[None, None, None],
    )
