"""A second, synthetic region ("Proefland") end to end: region file, data folder, loaders, network, analysis.

Layout (three 1 km census cells in a row; RD New coordinates follow from the grid ids)::

    C1 --1000 m-- C2 --1000 m-- C3 --------2000 m-------- L (open library)
    100 res.      200 res.      300 res.
    \\__ Westdorp __/            Oostdorp

Road distances to L: C1 4000 m, C2 3000 m, C3 2000 m. Mean over residents:
(100 * 4000 + 200 * 3000 + 300 * 2000) / 600 = 2666.67 m; Westdorp 3333.33 m,
Oostdorp 2000 m. Within 3500 m: C2 and C3, 500 of 600 residents. (The engine
joins a point to its node by a virtual arc of at least 1 mm, hence ``abs=0.01``.)

Every file name and region-specific column differs from the Drenthe ones, so
nothing can be found by a hard-coded name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, box
from shapely.ops import unary_union

import spreiding
from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import library_examples
from spreiding.data.config import DataPaths
from spreiding.data.regions import REGION_ENV_VAR, get_region

CELLS = [  # GRD_ID (lower-left corner in EPSG:3035), residents, <15, 15-64, 65+
    ("CRS3035RES1000mN3284000E4070000", 100, 20, 60, 20),
    ("CRS3035RES1000mN3284000E4071000", 200, 40, 120, 40),
    ("CRS3035RES1000mN3284000E4072000", 300, 60, 180, 60),
]
EDGE_LENGTHS_M = (1000.0, 1000.0, 2000.0)  # C1-C2, C2-C3, C3-L
REGION: dict[str, Any] = {
    "region": "proefland",
    "description": "synthetic test region",
    "province": "Proefland",
    "total_label": "Heel Proefland",
    "municipalities": ["Oostdorp", "Westdorp"],
    "ring_m": 5000,
    "data_files": {
        "population_grid": "bevolking/raster_proef.csv",
        "border_grid": "bevolking/raster_proef_rand.csv",
        "vierkant": "bevolking/vk_proef.gpkg",
        "pc4": "bevolking/postcodes_proef.gpkg",
        "boundaries": "grenzen/proef_grenzen.gpkg",
        "libraries": "bieb/lijst_proef.csv",
        "osm_libraries": "bieb/osm_proef.csv",
        "roads": "wegen/proef_wegen.gpkg",
        "roads_pbf": "wegen/proef.osm.pbf",
        "osm_points": "wegen/proef_punten.gpkg",
    },
    "columns": {
        "region_column": "gebied",
        "region_value": "proefland",
        "outside_value": "buiten_proefland",
        "inside_column": "in_proefland",
        "share_column": "aandeel_in_proefland",
    },
}


def _centres() -> np.ndarray:
    """Cell centres in EPSG:28992, computed as the census loader does."""
    corners = np.array([[float(g.rsplit("E", 1)[1]), float(g.split("mN")[1].split("E")[0])] for g, *_ in CELLS])
    pts = gpd.GeoSeries(gpd.points_from_xy(corners[:, 0] + 500, corners[:, 1] + 500), crs="EPSG:3035")
    rd = pts.to_crs("EPSG:28992")
    return np.column_stack([rd.x.to_numpy(), rd.y.to_numpy()])


def _library_xy(centres: np.ndarray) -> np.ndarray:
    step = centres[2] - centres[1]
    return centres[2] + 2000.0 * step / np.hypot(*step)


def _write_layers(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for name, frame in layers.items():
        frame.to_file(path, layer=name, driver="GPKG")


def _write_data(root: Path) -> None:
    """The data folder, with the region file's names."""
    files = REGION["data_files"]
    xy = _centres()
    lib = _library_xy(xy)
    grid = root / files["population_grid"]
    grid.parent.mkdir(parents=True)
    table = pd.DataFrame(CELLS, columns=["GRD_ID", "T", "Y_LT15", "Y_1564", "Y_GE65"])
    table["T_CI"] = 0
    table.to_csv(grid, index=False)

    squares = [box(x - 400, y - 400, x + 400, y + 400) for x, y in xy]
    west, east = unary_union(squares[:2]), squares[2]
    rd = "EPSG:28992"
    _write_layers(
        root / files["boundaries"],
        {
            "gemeenten": gpd.GeoDataFrame(
                {"gemeente": ["Westdorp", "Oostdorp"], "inwoners": [300, 300]}, geometry=[west, east], crs=rd
            ),
            "provincie": gpd.GeoDataFrame({"provincie": ["Proefland"]}, geometry=[unary_union(squares)], crs=rd),
        },
    )
    pc4 = {"postcode": ["9999"], "inwoners": [600], "gemeente": ["Westdorp"]}
    pc4 |= {"inw_0_14": [120], "inw_15_24": [60], "inw_25_44": [180], "inw_45_64": [120], "inw_65plus": [120]}
    _write_layers(
        root / files["pc4"], {"pc4": gpd.GeoDataFrame(pc4, geometry=[unary_union(squares).buffer(3000)], crs=rd)}
    )

    libs = root / files["libraries"]
    libs.parent.mkdir(parents=True)
    pd.DataFrame(
        {
            "id": ["pl-1", "pl-2", "ring-1"],
            "name": ["Bieb Oost", "Bieb West", "Bieb Buiten"],
            "kind": ["vestiging"] * 3,
            "status": ["open", "closed", "closed"],
            "x": [lib[0], xy[0][0], lib[0]],
            "y": [lib[1], xy[0][1], lib[1] + 1000.0],
            "gebied": ["proefland", "proefland", "buiten_proefland"],
        }
    ).to_csv(libs, index=False, float_format="%.17g")

    nodes_xy = np.vstack([xy, lib])
    nodes = gpd.GeoDataFrame(
        {"osmid": [1, 2, 3, 4], "x": nodes_xy[:, 0], "y": nodes_xy[:, 1]},
        geometry=gpd.points_from_xy(nodes_xy[:, 0], nodes_xy[:, 1]),
        crs=rd,
    )
    pairs = [(1, 2), (2, 3), (3, 4)]
    edges = gpd.GeoDataFrame(
        {
            "u": [u for u, _ in pairs],
            "v": [v for _, v in pairs],
            "key": 0,
            "highway": "residential",
            "oneway": False,
            "length": list(EDGE_LENGTHS_M),
        },
        geometry=[LineString([nodes_xy[u - 1], nodes_xy[v - 1]]) for u, v in pairs],
        crs=rd,
    )
    _write_layers(root / files["roads"], {"nodes": nodes, "edges": edges})


@pytest.fixture()
def proefland(tmp_path: Path) -> tuple[Path, Path]:
    """(region file, data folder) of the synthetic region."""
    spec_path = tmp_path / "proefland.json"
    spec_path.write_text(json.dumps(REGION), encoding="utf-8")
    root = tmp_path / "data"
    _write_data(root)
    return spec_path, root


def test_spec_and_paths_come_from_the_region_file(proefland: tuple[Path, Path]) -> None:
    spec_path, root = proefland
    spec = get_region(spec_path)
    assert (spec.key, spec.name, spec.total_label) == ("proefland", "Proefland", "Heel Proefland")
    assert spec.municipalities == ("Oostdorp", "Westdorp") and spec.ring_m == 5000.0
    assert spec.columns.share_column == "aandeel_in_proefland"
    paths = DataPaths(root, spec_path)
    assert paths.region == "proefland"
    assert paths.population == root / "bevolking" / "raster_proef.csv"
    assert paths.border_grid == root / "bevolking" / "raster_proef_rand.csv"
    assert paths.roads == root / "wegen" / "proef_wegen.gpkg"
    assert paths.libraries == root / "bieb" / "lijst_proef.csv" and not paths.libraries_are_fallback
    assert paths.missing() == []


def test_synthetic_region_end_to_end(proefland: tuple[Path, Path]) -> None:
    spec_path, root = proefland
    region = spreiding.load_region(root, region=spec_path)
    assert region.spec.key == "proefland"
    assert (region.name, region.total_label) == ("Proefland", "Heel Proefland")
    assert region.population["pop_total"].tolist() == [100.0, 200.0, 300.0]
    assert region.population["municipality"].tolist() == ["Westdorp", "Westdorp", "Oostdorp"]
    assert region.population["pop_25_44"].tolist() == pytest.approx([30.0, 60.0, 90.0])  # 15-64 split by PC4
    assert region.facilities["id"].tolist() == ["pl-1", "pl-2", "ring-1"]

    network = spreiding.load_network(DataPaths(root, region.spec).roads, "car", cache=False, progress=False)
    norm = Norm(max_dist_m=3500.0)
    study = spreiding.Study.from_region(region, network)
    result = study.evaluate(norm)
    assert result.nearest.dist_m.tolist() == pytest.approx([4000.0, 3000.0, 2000.0], abs=0.01)
    # the same figures through the scenario matrix (an empty scenario after a real one has built it)
    study.closure_impact(norm)
    assert study.evaluate(norm).table["mean_dist_m"].iloc[-1] == pytest.approx(8000.0 / 3, abs=0.01)
    table = result.table.set_index("municipality")
    assert table.index[-1] == "Heel Proefland"
    assert table.loc["Heel Proefland", "mean_dist_m"] == pytest.approx(8000.0 / 3, abs=0.01)
    assert table.loc["Westdorp", "mean_dist_m"] == pytest.approx(10000.0 / 3, abs=0.01)
    assert table.loc["Oostdorp", "mean_dist_m"] == pytest.approx(2000.0, abs=0.01)
    assert table.loc["Heel Proefland", "covered"] == pytest.approx(500.0)


def test_default_region_from_the_environment(proefland: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """With SPREIDING_REGION set, nothing needs to name the region: the total label is Proefland's."""
    spec_path, root = proefland
    monkeypatch.setenv(REGION_ENV_VAR, str(spec_path))
    region = spreiding.load_region(root)
    network = spreiding.load_network(data_dir=root, mode="car", cache=False, progress=False)
    result = spreiding.analyse(region.population, region.facilities, Norm(max_dist_m=3500.0), network)
    assert result.table["municipality"].iloc[-1] == "Heel Proefland"
    assert result.table["mean_dist_m"].iloc[-1] == pytest.approx(8000.0 / 3, abs=0.01)


def test_library_examples_use_the_region_column(proefland: tuple[Path, Path]) -> None:
    spec_path, root = proefland
    region = spreiding.load_region(root, region=spec_path)
    names = [s.name for s in library_examples(region.facilities, region.spec)]
    assert names == ["Bieb West weer open"]  # ring-1 is 'buiten_proefland'
    every = [s.name for s in library_examples(region.facilities.drop(columns="gebied"), region.spec)]
    assert every == ["Bieb West weer open", "Bieb Buiten weer open"]
