"""Tests for spreiding.boundaries.

Hand-made fixtures: two 10 x 10 km squares in RD New ("West" x 200-210 km,
"East" x 210-220 km, both y 520-530 km), written to a GeoPackage in tmp_path.
Real-data tests read the Drenthe data folder and skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from spreiding.data.boundaries import (
    assign_municipality,
    load_municipalities,
    load_neighbours,
    load_province,
    study_area,
)
from spreiding.data.config import data_paths
from spreiding.errors import ConfigError, CRSError, DataNotFoundError, InvalidDataError, MissingColumnsError

BOUNDARIES = data_paths().boundaries
needs_data = pytest.mark.skipif(
    not BOUNDARIES.is_file(), reason="real Drenthe data folder absent; set SPREIDING_DATA_DIR"
)


def _squares(crs: str | None = "EPSG:28992") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"gemeente": ["West", "East"], "inwoners": [100.0, 250.0]},
        geometry=[box(200_000, 520_000, 210_000, 530_000), box(210_000, 520_000, 220_000, 530_000)],
        crs=crs,
    )


@pytest.fixture
def gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "gebieden.gpkg"
    _squares().to_file(path, layer="gemeenten", driver="GPKG")
    outline = gpd.GeoDataFrame(
        {"provincie": ["Test"]}, geometry=[box(200_000, 520_000, 220_000, 530_000)], crs="EPSG:28992"
    )
    outline.to_file(path, layer="provincie", driver="GPKG")
    return path


def _points(xy: list[tuple[float, float]], index: list[object] | None = None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[Point(x, y) for x, y in xy], crs="EPSG:28992", index=index)


def test_load_municipalities_fixture(gpkg: Path) -> None:
    frame = load_municipalities(gpkg)
    assert list(frame["municipality"]) == ["West", "East"]
    assert list(frame["residents"]) == [100.0, 250.0]
    assert frame.crs.to_epsg() == 28992
    assert frame["area_km2"].tolist() == pytest.approx([100.0, 100.0])
    assert frame.attrs["source"]["kind"] == "boundaries"
    province = load_province(gpkg)
    assert list(province["province"]) == ["Test"]
    assert np.isnan(province["residents"].iloc[0])  # no inwoners column in the fixture


def test_load_municipalities_reprojects_lonlat(tmp_path: Path) -> None:
    path = tmp_path / "wgs.gpkg"
    _squares().to_crs("EPSG:4326").to_file(path, layer="gemeenten", driver="GPKG")
    frame = load_municipalities(path)
    assert frame.crs.to_epsg() == 28992
    assert frame.geometry.iloc[0].bounds[0] == pytest.approx(200_000, abs=1.0)


def test_missing_file_names_fix(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="spreiding fetch"):
        load_municipalities(tmp_path / "absent.gpkg")
    with pytest.raises(DataNotFoundError, match="SPREIDING_DATA_DIR"):
        load_province(data_dir=tmp_path)


def test_missing_layer_and_columns(gpkg: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidDataError, match="buurgemeenten"):
        load_neighbours(gpkg)
    path = tmp_path / "nocol.gpkg"
    _squares().rename(columns={"gemeente": "naam"}).to_file(path, layer="gemeenten", driver="GPKG")
    with pytest.raises(MissingColumnsError, match="gemeente"):
        load_municipalities(path)


def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"this is not a geopackage \x00\x01\x02" * 50)
    with pytest.raises(InvalidDataError, match="geen leesbare"):
        load_municipalities(path)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_no_crs_and_wrong_crs(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.gpkg"
    _squares(crs=None).to_file(path, layer="gemeenten", driver="GPKG")
    with pytest.raises(CRSError, match="geen coördinatenstelsel"):
        load_municipalities(path)
    # RD metres labelled as lon/lat: cannot be right
    wrong = tmp_path / "wrong.gpkg"
    lonlat = _squares()
    lonlat = lonlat.set_geometry(lonlat.geometry.scale(1e-4, 1e-4, origin=(0, 0))).set_crs(
        "EPSG:4326", allow_override=True
    )
    lonlat.to_file(wrong, layer="gemeenten", driver="GPKG")  # x 20-22 "degrees", y 52-53: Germany/Poland
    with pytest.raises(CRSError, match="buiten Nederland"):
        load_municipalities(wrong)


def test_assign_municipality_inside_outside() -> None:
    munis = load_municipalities_from_frame()
    pts = _points(
        [(205_000, 525_000), (215_000, 525_000), (221_000, 525_000), (230_000, 525_000), (210_000, 525_000)],
        index=["a", "b", "c", "d", "e"],
    )
    before = pts.copy()
    got = assign_municipality(pts, munis)
    assert got.index.tolist() == ["a", "b", "c", "d", "e"]
    assert got["a"] == "West"
    assert got["b"] == "East"
    assert got["c"] == "East"  # 1 km outside East, within max_dist_m=2000
    assert pd.isna(got["d"])  # 10 km outside
    assert got["e"] in {"West", "East"}  # on the shared border: exactly one label
    none = assign_municipality(pts, munis, outside="none")
    assert pd.isna(none["c"])
    assert none["a"] == "West"
    unlimited = assign_municipality(pts, munis, max_dist_m=None)
    assert unlimited["d"] == "East"
    pd.testing.assert_frame_equal(pts, before)


def test_assign_municipality_other_crs_and_bad_input() -> None:
    munis = load_municipalities_from_frame()
    pts = _points([(205_000, 525_000)]).to_crs("EPSG:4326")
    assert assign_municipality(pts, munis).iloc[0] == "West"
    with pytest.raises(ConfigError):
        assign_municipality(pts, munis, outside="closest")  # type: ignore[arg-type]
    with pytest.raises(MissingColumnsError):
        assign_municipality(pts, munis, column="naam")
    with pytest.raises(CRSError):
        assign_municipality(gpd.GeoDataFrame(geometry=[Point(205_000, 525_000)]), munis)


def test_assign_municipality_empty_geometry() -> None:
    munis = load_municipalities_from_frame()
    pts = gpd.GeoDataFrame(geometry=[None, Point(205_000, 525_000)], crs="EPSG:28992")
    got = assign_municipality(pts, munis)
    assert pd.isna(got.iloc[0])
    assert got.iloc[1] == "West"


def test_study_area() -> None:
    outline = gpd.GeoDataFrame(geometry=[box(200_000, 520_000, 220_000, 530_000)], crs="EPSG:28992")
    area = study_area(outline, buffer_m=1000)
    assert area.contains(Point(220_900, 525_000))
    assert not area.contains(Point(221_100, 525_000))
    assert study_area(outline, 0).area == pytest.approx(200e6)
    with pytest.raises(ConfigError):
        study_area(outline, -5)


def load_municipalities_from_frame() -> gpd.GeoDataFrame:
    return _squares().rename(columns={"gemeente": "municipality"})


@needs_data
@pytest.mark.data
def test_real_boundaries() -> None:
    munis = load_municipalities()
    assert len(munis) == 12
    assert munis["municipality"].is_unique
    assert munis["residents"].sum() == pytest.approx(494_705)
    assert munis.crs.to_epsg() == 28992
    assert len(load_neighbours()) == 33
    province = load_province()
    assert province["province"].tolist() == ["Drenthe"]
    area = study_area(province)
    minx, miny, maxx, maxy = area.bounds
    assert 185_000 < minx < 195_000 and 280_000 < maxx < 290_000
    assert 495_000 < miny < 505_000 and 590_000 < maxy < 600_000
    assert area.area > province.area.iloc[0] * 2


@needs_data
@pytest.mark.data
def test_real_assign_pc4_points() -> None:
    munis = load_municipalities()
    pc4 = gpd.read_file(data_paths().pc4, layer="pc4")
    pts = gpd.GeoDataFrame(geometry=pc4.geometry.representative_point(), crs=pc4.crs)
    got = assign_municipality(pts, munis)
    assert got.notna().all()
    agree = (got.to_numpy() == pc4["gemeente"].to_numpy()).mean()
    assert agree > 0.95


def test_assign_municipality_equals_a_spatial_join_with_the_first_polygon_on_shared_borders() -> None:
    # hand-made overlapping squares (A and B share x in [4, 6]) and points on a 0.5 m grid, many on edges
    areas = gpd.GeoDataFrame(
        {"municipality": ["A", "B", "C"]}, geometry=[box(0, 0, 6, 6), box(4, 0, 10, 6), box(0, 6, 10, 8)], crs=28992
    )
    xy = np.stack(np.meshgrid(np.arange(-1, 11.5, 0.5), np.arange(-1, 9.5, 0.5)), -1).reshape(-1, 2)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=28992)
    got = assign_municipality(points, areas, outside="none")
    ref = gpd.sjoin(points, areas, how="left", predicate="intersects")
    ref = ref[~ref.index.duplicated(keep="first")]["municipality"]  # the first polygon on a shared border
    assert got.isna().sum() == ref.isna().sum() > 0
    assert (got.dropna() == ref.dropna().astype(str)).all()
    assert got.loc[(xy[:, 0] == 5) & (xy[:, 1] == 3)].tolist() == ["A"]  # inside both A and B: A, the first
