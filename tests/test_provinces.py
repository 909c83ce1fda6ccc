"""Every packaged region file through ``spreiding fetch`` and ``spreiding prepare``, offline.

A loopback HTTP server (``tests.test_fetch.Server``) stands in for Geofabrik and CBS. Each packaged region file is
read as it ships, and only its download addresses are pointed at the server:

* every OpenStreetMap download (the province's extract and its neighbours', or the national one) is the real
  OSM extract ``osm/amsterdam_fixture.osm.pbf`` of the data folder (linked, never copied into the repository),
  served with its md5 file as Geofabrik publishes one; so a province's ring merges several copies of one extract;
* the CBS wijk- en buurtkaart and the 100 m squares are invented (values below), placed over that extract.

Invented municipalities (RD New x ranges over the extract; y the extract's range grown by 1 km):
"Gemeente West" (west half) and "Gemeente Oost" (east half), both in the region's own province code, and
"Gemeente Elders" 100 km east in another province. Invented squares: 120 residents at the extract's centre.
Expected: a province derives West and Oost (not Elders), the country all three; the prepared road extract gives the
same road graph as the extract itself (the study area covers all of it).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from spreiding.data.config import DataPaths, data_paths
from spreiding.data.fetch import fetch_region, load_manifest, read_manifest
from spreiding.data.prepare import prepare_region
from spreiding.data.regions import available_regions, get_region
from spreiding.network.osm import read_osm_roads

from .test_fetch import Server

pytestmark = pytest.mark.data

FIXTURE = data_paths().root / "osm" / "amsterdam_fixture.osm.pbf"


def _extent() -> tuple[float, float, float, float]:
    """RD New bounds of the real extract's nodes."""
    nodes, _ = read_osm_roads(FIXTURE)
    return float(nodes["x"].min()), float(nodes["y"].min()), float(nodes["x"].max()), float(nodes["y"].max())


def _zip(gpkg: Path, dest: Path) -> None:
    with zipfile.ZipFile(dest, "w") as archive:
        archive.write(gpkg, f"inhoud/{gpkg.name}")
    gpkg.unlink()


def _cbs_files(served: Path, code: str, wbk_name: str, vk_name: str) -> None:
    """The invented wijk- en buurtkaart and 100 m squares of the module docstring."""
    minx, miny, maxx, maxy = _extent()
    mid = (minx + maxx) / 2
    other = "PV20" if code != "PV20" else "PV21"
    gemeenten = gpd.GeoDataFrame(
        {
            "gemeentenaam": ["Gemeente West", "Gemeente Oost", "Gemeente Elders"],
            "water": "NEE",
            "aantal_inwoners": [60, 60, 10],
            "provinciecode": [code, code, other],
        },
        geometry=[
            box(minx - 1000, miny - 1000, mid, maxy + 1000),
            box(mid, miny - 1000, maxx + 1000, maxy + 1000),
            box(minx + 100_000, miny, minx + 101_000, miny + 1000),
        ],
        crs="EPSG:28992",
    )
    gpkg = served / "wijkenbuurten.gpkg"
    gemeenten.to_file(gpkg, layer="gemeenten", engine="pyogrio")
    _zip(gpkg, served / wbk_name)
    x0, y0 = (np.floor(np.array([mid, (miny + maxy) / 2]) / 100) * 100).tolist()
    bands = ["0_tot_15_jaar", "15_tot_25_jaar", "25_tot_45_jaar", "45_tot_65_jaar", "65_jaar_en_ouder"]
    squares: dict[str, Any] = {"crs28992res100m": [f"E{int(x0) // 100:04d}N{int(y0) // 100:04d}"]}
    squares |= {"aantal_inwoners": [120]} | {f"aantal_inwoners_{b}": [24] for b in bands}
    frame = gpd.GeoDataFrame(squares, geometry=[box(x0, y0, x0 + 100, y0 + 100)], crs="EPSG:28992")
    frame.to_file(served / "vk100.gpkg", engine="pyogrio")
    _zip(served / "vk100.gpkg", served / vk_name)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    if not FIXTURE.is_file():
        pytest.skip(f"{FIXTURE} is absent (the real data folder)")
    root = tmp_path / "served"
    root.mkdir()
    server = Server(root)
    yield server
    server.close()


def _serve_region(name: str, server: Server, folder: Path) -> Path:
    """The packaged region file of ``name`` with its required downloads served locally; returns its path."""
    raw = read_manifest(name)
    raw.pop("municipalities", None)  # Drenthe's list checks the real file; the invented one holds other names
    files = {f.name: f for f in load_manifest(name)}
    code = raw["province_code"] if raw["province_code"] != "NL01" else "PV26"
    digest = hashlib.md5(FIXTURE.read_bytes()).hexdigest()
    for entry in raw["files"]:
        item = files.get(entry["name"])
        if item is None or item.manual:
            continue
        served_name = PurePosixPath(item.dest).name
        entry["url"] = server.url(served_name)
        if served_name.endswith(".osm.pbf"):
            (server.root / served_name).symlink_to(FIXTURE)
            (server.root / f"{served_name}.md5").write_text(f"{digest}  {served_name}\n", encoding="ascii")
            entry["md5_url"] = server.url(f"{served_name}.md5")
    prep = raw["prepare"]
    names = PurePosixPath(files[prep["boundaries"]].dest).name, PurePosixPath(files[prep["population"]].dest).name
    _cbs_files(server.root, code, *names)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", available_regions())
def test_region_fetches_and_prepares_from_loopback(name: str, served: Server, tmp_path: Path) -> None:
    manifest = _serve_region(name, served, tmp_path)
    root = tmp_path / "data"
    fetch_region(manifest, root, progress=False)
    spec = get_region(manifest)
    paths = DataPaths(root, spec)
    downloads = [f for f in load_manifest(manifest) if not f.manual]
    assert {f"/{PurePosixPath(f.dest).name}" for f in downloads} <= set(served.requests)

    gemeenten = sorted(gpd.read_file(paths.boundaries, layer="gemeenten")["gemeente"])
    expected = ["Gemeente Oost", "Gemeente West"] + (["Gemeente Elders"] if spec.province_code == "NL01" else [])
    assert spec.municipalities == () and gemeenten == sorted(expected)
    assert gpd.read_file(paths.boundaries, layer="provincie")["provincie"].tolist() == [spec.name]
    assert gpd.read_file(paths.vierkant)["aantal_inwoners"].tolist() == [120]

    roads = spec.files.path(root, "roads_pbf")
    assert roads.is_file()
    nodes, edges = read_osm_roads(roads)
    real_nodes, real_edges = read_osm_roads(FIXTURE)
    assert sorted(nodes["node_id"]) == sorted(real_nodes["node_id"])  # several copies merged into one
    assert len(edges) == len(real_edges)

    stamps = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
    prepare_region(root, manifest, progress=False)  # `spreiding prepare` again: nothing to do
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()} == stamps
