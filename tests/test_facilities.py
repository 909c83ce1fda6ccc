"""Tests for spreiding.data.facilities: loading, validation, selection, reprojection.

Hand-made fixtures use the RD New origin: lon 5.38720621, lat 52.15517440 is
x 155000, y 463000 (Amersfoort) by the definition of EPSG:28992.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from spreiding.data.config import data_paths
from spreiding.data.facilities import (
    KINDS,
    facilities_to_wgs84,
    load_facilities,
    select_facilities,
    validate_facilities,
)
from spreiding.errors import (
    ConfigError,
    CRSError,
    DataNotFoundError,
    DuplicateIdError,
    InvalidDataError,
    MissingColumnsError,
    OutsideRegionError,
    SwappedCoordinatesError,
)

AMERSFOORT_LON, AMERSFOORT_LAT = 5.38720621, 52.15517440
AMERSFOORT_XY = (155000.0, 463000.0)

REAL = data_paths()
needs_libraries = pytest.mark.skipif(
    not REAL.libraries.is_file(), reason="real Drenthe data folder absent; set SPREIDING_DATA_DIR"
)
needs_boundaries = pytest.mark.skipif(
    not REAL.boundaries.is_file(), reason="real Drenthe data folder absent; set SPREIDING_DATA_DIR"
)

HEADER = "id,name,kind,status,lon,lat\n"


def _csv(tmp_path: Path, body: str, header: str = HEADER, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def _two_rows() -> str:
    return (
        f"a,Amersfoort,vestiging,open,{AMERSFOORT_LON},{AMERSFOORT_LAT}\n"
        f"b,East,Kleine vestiging, Planned ,{AMERSFOORT_LON + 0.01},{AMERSFOORT_LAT}\n"
    )


# --------------------------------------------------------------------------- real data


@pytest.mark.data
@needs_libraries
def test_real_library_list_counts() -> None:
    frame = load_facilities()
    assert len(frame) == 93  # data README: 93 rows
    assert frame.crs.to_epsg() == 28992
    assert frame["id"].is_unique
    drenthe = frame[frame["region"] == "drenthe"]
    assert len(drenthe) == 52
    assert (frame["region"] == "buiten_drenthe").sum() == 41
    open_dr = select_facilities(frame, regions=["drenthe"])
    assert len(open_dr) == 42
    assert open_dr["kind"].value_counts().to_dict() == {"vestiging": 33, "kleine_vestiging": 6, "servicepunt": 3}
    assert drenthe["status"].value_counts().to_dict() == {"open": 42, "closed": 7, "planned": 2, "cancelled": 1}
    # RD New bounds of Drenthe and its 15 km ring
    assert frame.geometry.x.between(180_000, 290_000).all()
    assert frame.geometry.y.between(490_000, 600_000).all()
    # extra input columns kept, coordinates as numbers
    for column in ("place", "status_year", "sources", "notes", "confidence"):
        assert column in frame.columns
    assert frame["lon"].dtype == float


@pytest.mark.data
@needs_libraries
def test_real_library_source_info() -> None:
    info = load_facilities().attrs["source"]
    assert info["kind"] == "facilities"
    assert info["rows"] == 93
    assert info["year"] == 2025  # latest status_year in the list
    assert info["quality"]["status_open"] == 83
    assert info["quality"]["kind_servicepunt"] == 4
    # data README: the rest sit on an OSM library point or a host building
    assert info["quality"]["location_on_place_point"] == 26


@pytest.mark.data
@needs_libraries
@needs_boundaries
def test_real_study_area_is_province_plus_ring() -> None:
    province = gpd.read_file(REAL.boundaries, layer="provincie").union_all()
    assert len(load_facilities(study_area=province.buffer(15_000))) == 93
    with pytest.raises(OutsideRegionError, match=r"41 punt\(en\) liggen buiten het studiegebied: ring-001"):
        load_facilities(study_area=province)
    kept = load_facilities(study_area=province, on_outside="drop")
    assert len(kept) == 52
    assert set(kept["region"]) == {"drenthe"}
    assert any("(weggelaten)" in w for w in kept.attrs["source"]["warnings"])


# --------------------------------------------------------------------------- reading formats


def test_lonlat_csv_is_projected_and_normalised(tmp_path: Path) -> None:
    frame = load_facilities(_csv(tmp_path, _two_rows()))
    assert frame.crs.to_epsg() == 28992
    assert frame.geometry.iloc[0].x == pytest.approx(AMERSFOORT_XY[0], abs=0.5)
    assert frame.geometry.iloc[0].y == pytest.approx(AMERSFOORT_XY[1], abs=0.5)
    assert frame["kind"].tolist() == ["vestiging", "kleine_vestiging"]
    assert frame["status"].tolist() == ["open", "planned"]
    for column in ("municipality", "host_building", "location_precision", "region"):
        assert frame[column].isna().all()
    assert frame.attrs["source"]["quality"]["status_planned"] == 1


def test_longitude_latitude_names(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        f"a,A,servicepunt,open,{AMERSFOORT_LON},{AMERSFOORT_LAT}\n",
        header="id,name,kind,status,longitude,latitude\n",
    )
    assert load_facilities(path).geometry.iloc[0].x == pytest.approx(AMERSFOORT_XY[0], abs=0.5)


def test_rd_xy_csv(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,A,vestiging,open,233000,557000\n", header="id,name,kind,status,x,y\n")
    point = load_facilities(path).geometry.iloc[0]
    assert (point.x, point.y) == (233000.0, 557000.0)


def test_xy_in_degrees_is_crs_error(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,A,vestiging,open,6.5,52.9\n", header="id,name,kind,status,x,y\n")
    with pytest.raises(CRSError, match="lon/lat"):
        load_facilities(path)


def test_wkt_geometry_csv(tmp_path: Path) -> None:
    header = "id,name,kind,status,geometry\n"
    rd = _csv(tmp_path, 'a,A,vestiging,open,"POINT (233000 557000)"\n', header=header, name="rd.csv")
    assert load_facilities(rd).geometry.iloc[0].x == 233000.0
    wgs = _csv(tmp_path, f'a,A,vestiging,open,"POINT ({AMERSFOORT_LON} {AMERSFOORT_LAT})"\n', header=header)
    assert load_facilities(wgs).geometry.iloc[0].y == pytest.approx(AMERSFOORT_XY[1], abs=0.5)
    bad = _csv(tmp_path, 'a,A,vestiging,open,"POINT (1 2"\n', header=header, name="bad.csv")
    with pytest.raises(InvalidDataError, match=r"geen geldige WKT in rij 2 \(id a\)"):
        load_facilities(bad)


def test_semicolon_csv_with_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "nl.csv"
    path.write_text(
        "id;name;kind;status;lon;lat\n"
        f"a;A;vestiging;open;{str(AMERSFOORT_LON).replace('.', ',')};{str(AMERSFOORT_LAT).replace('.', ',')}\n",
        encoding="utf-8",
    )
    assert load_facilities(path).geometry.iloc[0].x == pytest.approx(AMERSFOORT_XY[0], abs=0.5)


def test_geojson_and_geopackage(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"id": ["a", "b"], "name": ["A", "B"], "kind": ["vestiging", "servicepunt"], "status": ["open", "closed"]},
        geometry=[Point(AMERSFOORT_LON, AMERSFOORT_LAT), Point(6.56, 52.99)],
        crs="EPSG:4326",
    )
    geojson = tmp_path / "f.geojson"
    frame.to_file(geojson, driver="GeoJSON")
    gpkg = tmp_path / "f.gpkg"
    frame.to_crs("EPSG:28992").to_file(gpkg, layer="bib", driver="GPKG")
    for loaded in (load_facilities(geojson), load_facilities(gpkg, layer="bib")):
        assert loaded.crs.to_epsg() == 28992
        assert loaded["id"].tolist() == ["a", "b"]
        assert loaded.geometry.iloc[0].x == pytest.approx(AMERSFOORT_XY[0], abs=0.5)


def test_missing_status_defaults_to_open_with_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _csv(tmp_path, f"a,A,vestiging,{AMERSFOORT_LON},{AMERSFOORT_LAT}\n", header="id,name,kind,lon,lat\n")
    with caplog.at_level(logging.WARNING):
        frame = load_facilities(path)
    assert frame["status"].tolist() == ["open"]
    assert "geen kolom status: elke rij telt als open" in frame.attrs["source"]["warnings"]
    assert "status" in caplog.text


# --------------------------------------------------------------------------- validation errors


def test_missing_file() -> None:
    with pytest.raises(DataNotFoundError, match=r"bib\.csv niet gevonden.*SPREIDING_DATA_DIR"):
        load_facilities("/nonexistent/bib.csv")


def test_missing_required_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,A,open,5.4,52.1\n", header="id,name,status,lon,lat\n")
    with pytest.raises(MissingColumnsError, match="kind"):
        load_facilities(path)


def test_duplicate_ids_are_named(tmp_path: Path) -> None:
    body = f"x1,A,vestiging,open,{AMERSFOORT_LON},{AMERSFOORT_LAT}\nx1,B,vestiging,open,5.4,52.2\n"
    with pytest.raises(DuplicateIdError, match=r"id komt meer dan eens voor in rij 2 \(id x1\), rij 3 \(id x1\);"):
        load_facilities(_csv(tmp_path, body))


def test_unknown_kind_lists_allowed_values(tmp_path: Path) -> None:
    body = f"a,A,vestiging,open,5.4,52.1\nb,B,bookbus,open,{AMERSFOORT_LON},{AMERSFOORT_LAT}\n"
    with pytest.raises(InvalidDataError, match="bookbus") as info:
        load_facilities(_csv(tmp_path, body))
    message = str(info.value)
    assert "rij 3 (id b): 'bookbus'" in message
    assert all(kind in message for kind in KINDS)


def test_unknown_status(tmp_path: Path) -> None:
    with pytest.raises(InvalidDataError, match=r"kolom status in rij 2 \(id a\): 'verhuisd'.*cancelled.*gesloten"):
        load_facilities(_csv(tmp_path, "a,A,vestiging,verhuisd,5.4,52.1\n"))


def test_dutch_kind_and_status_labels_read_as_their_codes(tmp_path: Path) -> None:
    """The words of the tool's own files for people (csv-nl, xlsx) read back: gesloten -> closed."""
    body = (
        "a,A,kleine vestiging,gesloten,5.4,52.1\nb,B,servicepunt,Gepland,5.41,52.1\nc,C,vestiging,geschrapt,5.42,52.1\n"
    )
    frame = load_facilities(_csv(tmp_path, body))
    assert frame["kind"].tolist() == ["kleine_vestiging", "servicepunt", "vestiging"]
    assert frame["status"].tolist() == ["closed", "planned", "cancelled"]


def test_missing_coordinates_name_the_row(tmp_path: Path) -> None:
    body = "a,A,vestiging,open,5.4,52.1\nb,B,vestiging,open,,\n"
    with pytest.raises(InvalidDataError, match=r"coördinaten ontbreken in rij 3 \(id b\)"):
        load_facilities(_csv(tmp_path, body))


def test_unparseable_coordinates(tmp_path: Path) -> None:
    body = "a,A,vestiging,open,5.4,52.1\nb,B,vestiging,open,5.4,noord\n"
    with pytest.raises(InvalidDataError, match=r"lon/lat zijn geen getallen in rij 3 \(id b\)"):
        load_facilities(_csv(tmp_path, body))


def test_empty_id_names_the_line(tmp_path: Path) -> None:
    body = "a,A,vestiging,open,5.4,52.1\n,B,vestiging,open,5.4,52.1\n"
    with pytest.raises(InvalidDataError, match=r"lege id in rij 3;"):
        load_facilities(_csv(tmp_path, body))


def test_swapped_lat_lon(tmp_path: Path) -> None:
    body = f"ok,A,vestiging,open,6.5,52.9\nsw,B,vestiging,open,{AMERSFOORT_LAT},{AMERSFOORT_LON}\n"
    with pytest.raises(SwappedCoordinatesError, match=r"lat en lon lijken verwisseld in rij 3 \(id sw\)"):
        load_facilities(_csv(tmp_path, body))


def test_lat_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(CRSError, match=r"buiten bereik in rij 2 \(id a\)"):
        load_facilities(_csv(tmp_path, "a,A,vestiging,open,5.4,152.1\n"))


def test_outside_study_area_error_warn_drop(tmp_path: Path) -> None:
    path = _csv(tmp_path, _two_rows())
    x, y = AMERSFOORT_XY
    area = box(x - 100, y - 100, x + 100, y + 100)  # contains a, not b (about 680 m east)
    with pytest.raises(OutsideRegionError, match="buiten het studiegebied: b;"):
        load_facilities(path, study_area=area)
    warned = load_facilities(path, study_area=area, on_outside="warn")
    assert warned["id"].tolist() == ["a", "b"]
    assert warned.attrs["source"]["warnings"] == ["1 punt(en) liggen buiten het studiegebied: b (behouden)"]
    dropped = load_facilities(path, study_area=area, on_outside="drop")
    assert dropped["id"].tolist() == ["a"]
    with pytest.raises(ConfigError, match="on_outside"):
        load_facilities(path, study_area=area, on_outside="ignore")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- in-memory frames


def test_validate_facilities_copies_and_normalises() -> None:
    frame = gpd.GeoDataFrame(
        {"id": [1, 2], "name": ["A", "B"], "kind": ["Vestiging", "SERVICEPUNT"], "status": ["open", "Closed"]},
        geometry=[Point(233000, 557000), Point(234000, 557000)],
        crs="EPSG:28992",
    )
    before = frame.copy()
    out = validate_facilities(frame)
    pd.testing.assert_frame_equal(frame, before)  # caller's frame untouched
    assert out["id"].tolist() == ["1", "2"]
    assert out["kind"].tolist() == ["vestiging", "servicepunt"]
    assert out["status"].tolist() == ["open", "closed"]
    assert "region" in out.columns and "region" not in frame.columns


def test_validate_facilities_plain_dataframe_and_errors() -> None:
    table = pd.DataFrame(
        {"id": ["a", "a"], "name": ["A", "B"], "kind": ["vestiging"] * 2, "x": [1e5, 2e5], "y": [4e5] * 2}
    )
    with pytest.raises(DuplicateIdError, match="a"):
        validate_facilities(table)
    ok = validate_facilities(table.assign(id=["a", "b"]))
    assert ok.geometry.iloc[1].x == 200000.0
    assert ok["status"].tolist() == ["open", "open"]
    no_crs = gpd.GeoDataFrame({"id": ["a"], "name": ["A"], "kind": ["vestiging"]}, geometry=[Point(1, 2)])
    with pytest.raises(CRSError, match="EPSG:28992"):
        validate_facilities(no_crs)


def test_select_facilities(tmp_path: Path) -> None:
    frame = load_facilities(_csv(tmp_path, _two_rows()))
    assert select_facilities(frame)["id"].tolist() == ["a"]
    assert select_facilities(frame, statuses=None)["id"].tolist() == ["a", "b"]
    assert select_facilities(frame, kinds=["kleine_vestiging"], statuses=None)["id"].tolist() == ["b"]
    assert len(select_facilities(frame, kinds=["servicepunt"])) == 0
    with pytest.raises(ConfigError, match="bookbus"):
        select_facilities(frame, kinds=["bookbus"])
    assert len(frame) == 2


def test_facilities_to_wgs84_round_trip() -> None:
    frame = validate_facilities(
        gpd.GeoDataFrame(
            {"id": ["a"], "name": ["A"], "kind": ["vestiging"], "status": ["open"]},
            geometry=[Point(*AMERSFOORT_XY)],
            crs="EPSG:28992",
        )
    )
    wgs = facilities_to_wgs84(frame)
    assert wgs.crs.to_epsg() == 4326
    assert np.allclose([wgs["lon"].iloc[0], wgs["lat"].iloc[0]], [AMERSFOORT_LON, AMERSFOORT_LAT], atol=1e-5)
    assert frame.crs.to_epsg() == 28992
