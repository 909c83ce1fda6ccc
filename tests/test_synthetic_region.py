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

import dataclasses
import json
from collections.abc import Iterator
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
from spreiding.data.regions import FILE_ROLES, REGION_ENV_VAR, RegionColumns, RegionFiles, get_region

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


# --------------------------------------------------------------------------- two provinces, fetched and prepared
#
# Two invented provinces, "Westprovincie" (CBS code PV98, invented) and "Oostprovincie" (PV99, invented), side by
# side; their files are served by a loopback HTTP server and go through `spreiding fetch` and `prepare`. All
# values are invented. RD New, on one line at y = 500,050 (x in m):
#
#     C1 (200,050) --1000-- C2 (201,050) --1000-- C3 (202,050) --2000-- L (204,050), library
#     Westdorp (West)       Middendorp (West)     Oostdorp (East)         Oostdorp (East)
#     100 residents         200 residents         300 residents
#
# Municipality polygons (x ranges; y 499,500-500,600): Westdorp 199,500-200,550, Middendorp 200,550-201,550,
# Oostdorp 201,550-204,600; "Verweg" (province PV97, invented) lies 100 km away. As Geofabrik's, each province's
# OSM extract holds its own roads and the whole of every road that crosses its border: West has C1-C2 and C2-C3,
# East has C2-C3 and C3-L and the library node at L. Neither extract alone reaches from C1 to L; the ring does.
# Over the road (norm 3500 m), in RD metres: West: C1 4000 m, C2 3000 m, mean (100 * 4000 + 200 * 3000) / 300 =
# 3333.33 m, 200 covered; East: C3 2000 m, 300 covered. The network measures great-circle lengths (sphere of
# 6,371,009 m), 0.3 % shorter here than RD metres, so the test converts the RD figures with the measured ratio
# of each segment (``_road_m``).

Y0 = 500_050.0
POINTS = {"C1": 200_050.0, "C2": 201_050.0, "C3": 202_050.0, "L": 204_050.0}
GEMEENTEN = [  # code, name, province code, province name, x range
    ("GM9801", "Westdorp", "PV98", "Westprovincie", (199_500, 200_550)),
    ("GM9802", "Middendorp", "PV98", "Westprovincie", (200_550, 201_550)),
    ("GM9901", "Oostdorp", "PV99", "Oostprovincie", (201_550, 204_600)),
    ("GM9701", "Verweg", "PV97", "Elders", (300_000, 301_000)),
]
SQUARES = [("C1", 100), ("C2", 200), ("C3", 300)]


def _road_m(*names: str) -> float:
    """Great-circle length (m) of the road through the named points, as the network measures it."""
    lon, lat = np.radians(np.array([_lonlat(POINTS[n]) for n in names])).T
    a = np.sin(np.diff(lat) / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2
    return float(np.sum(2 * 6_371_009.0 * np.arcsin(np.sqrt(a))))


def _lonlat(x: float, y: float = Y0) -> tuple[float, float]:
    lon, lat = gpd.GeoSeries(gpd.points_from_xy([x], [y]), crs="EPSG:28992").to_crs("EPSG:4326").iloc[0].coords[0]
    return float(lon), float(lat)


def _write_pbf(path: Path, ways: list[tuple[int, str, str]], library: bool) -> None:
    import osmium
    from osmium.osm.mutable import Node, Way

    ids = {"C1": 1, "C2": 2, "C3": 3, "L": 4}
    used = sorted({p for _, a, b in ways for p in (a, b)}, key=ids.__getitem__)
    writer = osmium.SimpleWriter(str(path))
    for name in used:
        writer.add_node(Node(id=ids[name], location=_lonlat(POINTS[name])))
    if library:
        writer.add_node(Node(id=20, location=_lonlat(POINTS["L"]), tags={"amenity": "library", "name": "Bieb Oost"}))
    for way_id, a, b in ways:
        writer.add_way(Way(id=way_id, nodes=[ids[a], ids[b]], tags={"highway": "residential"}))
    writer.close()


def _zipped(gpkg: Path, inner: str) -> Path:
    import zipfile

    dest = gpkg.with_suffix(".zip")
    with zipfile.ZipFile(dest, "w") as archive:
        archive.write(gpkg, inner)
    gpkg.unlink()
    return dest


def _write_wijkbuurtkaart(folder: Path, *, province_layer: bool) -> None:
    """Municipalities with the province as columns, or (``province_layer``) as a separate 'provincie' layer."""
    frame = gpd.GeoDataFrame(
        {
            "gemeentecode": [g[0] for g in GEMEENTEN],
            "gemeentenaam": [g[1] for g in GEMEENTEN],
            "water": "NEE",
            "aantal_inwoners": [100, 200, 300, 50],
            "provinciecode": [g[2] for g in GEMEENTEN],
            "provincienaam": [g[3] for g in GEMEENTEN],
        },
        geometry=[box(g[4][0], 499_500, g[4][1], 500_600) for g in GEMEENTEN],
        crs="EPSG:28992",
    )
    gpkg = folder / "wbk.gpkg"
    if province_layer:
        provinces = frame.dissolve(by="provinciecode", as_index=False)[["provinciecode", "provincienaam", "geometry"]]
        provinces = provinces.rename(columns={"provinciecode": "statcode", "provincienaam": "statnaam"})
        provinces.to_file(gpkg, layer="provincie_gegeneraliseerd", engine="pyogrio")
        frame = frame.drop(columns=["provinciecode", "provincienaam"])
    frame.to_file(gpkg, layer="gemeenten", engine="pyogrio")
    _zipped(gpkg, "WijkBuurtkaart/wbk.gpkg")


def _write_vk100(folder: Path) -> None:
    bands = ["0_tot_15_jaar", "15_tot_25_jaar", "25_tot_45_jaar", "45_tot_65_jaar", "65_jaar_en_ouder"]
    corners = [(POINTS[name] - 50, Y0 - 50) for name, _ in SQUARES]
    data: dict[str, Any] = {
        "crs28992res100m": [f"E{int(x) // 100:04d}N{int(y) // 100:04d}" for x, y in corners],
        "aantal_inwoners": [n for _, n in SQUARES],
    }
    data |= {f"aantal_inwoners_{band}": [n // 5 for _, n in SQUARES] for band in bands}
    squares = [box(x, y, x + 100, y + 100) for x, y in corners]
    gpd.GeoDataFrame(data, geometry=squares, crs="EPSG:28992").to_file(folder / "vk.gpkg", engine="pyogrio")
    _zipped(folder / "vk.gpkg", "vk100.gpkg")


def _province_manifest(folder: Path, url: Any, key: str, code: str, name: str, neighbour: str) -> Path:
    files = [
        {"name": f"osm_{k}", "url": url(f"{k}.osm.pbf"), "dest": f"osm/{k}-latest.osm.pbf", "licence": "invented"}
        for k in (key, neighbour)
    ]
    files += [
        {"name": "wbk", "url": url("wbk.zip"), "dest": "gebieden/wbk.zip", "licence": "invented"},
        {"name": "vk100", "url": url("vk.zip"), "dest": "cbs/vk.zip", "licence": "invented"},
        {"name": "libs", "manual": True, "dest": f"voorzieningen/bibliotheken_{key}.csv"},
    ]
    raw = {
        "region": key,
        "province": name,
        "province_code": code,
        "total_label": f"Heel {name}",
        "ring_m": 5000,
        "data_files": {role: getattr(RegionFiles.conventional(key), role) for role in FILE_ROLES}
        | {"osm_libraries": f"voorzieningen/bibliotheken_osm_{key}.csv"},
        "columns": dataclasses.asdict(RegionColumns.conventional(key)),
        "prepare": {"boundaries": "wbk", "population": "vk100", "osm": f"osm_{key}", "ring_osm": [f"osm_{neighbour}"]},
        "files": files,
    }
    path = folder / f"{key}.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


@pytest.fixture(params=[False, True], ids=["province-columns", "province-layer"])
def two_provinces(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    """(West's region file, East's region file, shared data folder); the downloads served over loopback HTTP."""
    from .test_fetch import Server

    served = tmp_path / "served"
    served.mkdir()
    _write_pbf(served / "west.osm.pbf", [(11, "C1", "C2"), (12, "C2", "C3")], library=False)
    _write_pbf(served / "east.osm.pbf", [(12, "C2", "C3"), (13, "C3", "L")], library=True)
    _write_wijkbuurtkaart(served, province_layer=request.param)
    _write_vk100(served)
    server = Server(served)
    west = _province_manifest(tmp_path, server.url, "west", "PV98", "Westprovincie", "east")
    east = _province_manifest(tmp_path, server.url, "east", "PV99", "Oostprovincie", "west")
    yield west, east, tmp_path / "data"
    server.close()


def test_two_provinces_fetched_prepared_and_analysed(two_provinces: tuple[Path, Path, Path]) -> None:
    from spreiding.data.fetch import fetch_region

    west, east, root = two_provinces
    expected = {  # region file -> municipalities, distances (m) of its squares, mean (m), covered
        west: (["Middendorp", "Westdorp"], [_road_m("C1", "C2", "C3", "L"), _road_m("C2", "C3", "L")], 200.0),
        east: (["Oostdorp"], [_road_m("C3", "L")], 300.0),
    }
    assert _road_m("C1", "C2", "C3", "L") == pytest.approx(4000.0, rel=5e-3)  # the RD figures, nearly
    residents = {west: [100.0, 200.0], east: [300.0]}
    for manifest, (names, dist_m, covered) in expected.items():
        fetch_region(manifest, root, progress=False)
        spec = get_region(manifest)
        paths = DataPaths(root, spec)
        assert paths.missing() == [] and paths.roads == root / "osm" / f"{spec.key}_ring.osm.pbf"
        derived = gpd.read_file(paths.boundaries, layer="gemeenten")["gemeente"].tolist()
        assert derived == names  # derived from the province code; "Verweg" and the other province left out
        region = spreiding.load_region(root, region=manifest)
        assert region.facilities["id"].tolist() == ["osm-n20"]  # East's library, in West's ring too
        network = spreiding.load_network(paths.roads, "car", cache=False, progress=False)
        result = spreiding.Study.from_region(region, network).evaluate(Norm(max_dist_m=3500.0))
        assert result.nearest.dist_m.tolist() == pytest.approx(dist_m, abs=0.05)
        total = result.table.set_index("municipality").loc[f"Heel {spec.name}"]
        mean_m = np.average(dist_m, weights=residents[manifest])
        assert total["mean_dist_m"] == pytest.approx(mean_m, abs=0.05) and total["covered"] == covered


def test_one_extract_alone_does_not_reach(two_provinces: tuple[Path, Path, Path]) -> None:
    """Without the neighbour's extract (the ring), West's residents cannot reach East's library: the ring matters."""
    from spreiding.data.fetch import fetch_region

    west, _, root = two_provinces
    raw = json.loads(west.read_text(encoding="utf-8"))
    raw["prepare"]["ring_osm"] = []
    west.write_text(json.dumps(raw), encoding="utf-8")
    fetch_region(west, root, progress=False)
    paths = DataPaths(root, get_region(west))
    assert not paths.osm_libraries.exists() or pd.read_csv(paths.osm_libraries).empty
    network = spreiding.load_network(paths.roads, "car", cache=False, progress=False)
    assert len(network.x) == 3  # C1, C2, C3: the road to L is in East's extract only


def test_cli_fetch_and_prepare_a_region(two_provinces: tuple[Path, Path, Path], capsys: pytest.CaptureFixture) -> None:
    from spreiding.cli.main import main

    west, _, root = two_provinces
    assert main(["fetch", "--region", str(west), "--data-dir", str(root), "--no-progress"]) == 0
    fetched = capsys.readouterr().out
    ring = root / "osm" / "west_ring.osm.pbf"
    assert f"aanwezig: {ring}" in fetched
    assert main(["prepare", "--region", str(west), "--data-dir", str(root), "--no-progress", "--force"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"voorbereid: {ring}" in lines and f"voorbereid: {root / 'gebieden' / 'west_gebieden.gpkg'}" in lines
