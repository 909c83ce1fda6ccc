"""Files as people make them, and inputs that cannot be true.

Every input here is written by the test into ``tmp_path``. Bad files must be
refused with ONE Dutch message naming the user's file, the rows (header = row 1)
and the check, and must be left untouched; odd but good files (Dutch Excel CSV,
Windows-1252, UTF-16 with tabs, XLSX, decimal commas, minimal columns) must load
with the right values; files the tool writes must read back.

Hand-made positions: Assen 6.5645/52.9925, Emmen 6.9069/52.7858 (WGS84); the RD
New origin lon 5.38720621, lat 52.15517440 is x 155000, y 463000.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import Point, box

from spreiding.analysis.norm import Norm
from spreiding.data.facilities import load_facilities
from spreiding.data.population import load_cbs_vierkant, load_census_grid
from spreiding.data.region import load_region
from spreiding.errors import (
    ConfigError,
    DuplicateIdError,
    ImplausibleDataError,
    ImplausibleNetworkError,
    InvalidDataError,
    MissingColumnsError,
    NetworkOutsideRegionError,
    OutsideRegionError,
    SwappedCoordinatesError,
)
from spreiding.network.engine import distance_matrix, nearest_facility
from spreiding.network.roads import build_network
from spreiding.output.writer import write_tables

ASSEN = (6.5645, 52.9925)
EMMEN = (6.9069, 52.7858)
HEADER = "id,name,kind,status,lon,lat\n"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


# --------------------------------------------------------------------------- bad service-point files

BAD_FILES = [
    pytest.param(
        "fout.csv",
        HEADER + "a,Assen,vestiging,open,6.5645,52.9925\nb,Boek,bookbus,open,6.9,52.8\nc,Leeg,vestiging,open,,\n"
        "a,Dubbel,servicepunt,verhuisd,6.6,52.9\n",
        InvalidDataError,
        [
            r"voorzieningenbestand fout\.csv: 4 problemen gevonden",
            r"id komt meer dan eens voor in rij 2 \(id a\), rij 5 \(id a\)",
            r"onbekende waarde in kolom kind in rij 3 \(id b\): 'bookbus'",
            r"onbekende waarde in kolom status in rij 5 \(id a\): 'verhuisd'",
            r"coördinaten ontbreken in rij 4 \(id c\)",
        ],
        id="all-row-errors-at-once",
    ),
    pytest.param(
        "komma.csv",
        HEADER + "a,Assen,vestiging,open,6.5645,52.9925\nb,Bieb Emmen, centrum,vestiging,open,6.9069,52.7858\n",
        InvalidDataError,
        [r"komma\.csv: rij 3 heeft meer velden dan de kopregel \(6\)", "aanhalingstekens"],
        id="unquoted-comma",
    ),
    pytest.param(
        "omgedraaid.csv",
        HEADER + "a,Assen,vestiging,open,6.5645,52.9925\nb,Emmen,vestiging,open,52.7858,6.9069\n",
        SwappedCoordinatesError,
        [r"lat en lon lijken verwisseld in rij 3 \(id b\)"],
        id="swapped",
    ),
    pytest.param("leeg.csv", "", InvalidDataError, [r"leeg\.csv: het bestand is leeg"], id="empty"),
    pytest.param(
        "soort.csv",
        "id,name,lon,lat\na,Assen,6.5645,52.9925\n",
        MissingColumnsError,
        [r"soort\.csv: kolom\(men\) kind ontbreken \(aanwezig: id, name, lon, lat\)"],
        id="no-kind",
    ),
    pytest.param("oud.xls", b"\xd0\xcf\x11\xe0", InvalidDataError, [r"oud\.xls.*\.xlsx of als CSV"], id="xls"),
    pytest.param(
        "dubbel.csv",
        "id;naam;name;kind;lon;lat\na;A;A;vestiging;6,5;52,9\n",
        InvalidDataError,
        [r"kolom\(men\) name komen meer dan eens voor"],
        id="double-column",
    ),
]


@pytest.mark.parametrize(("name", "content", "error", "patterns"), BAD_FILES)
def test_bad_file_is_refused_in_dutch_and_left_untouched(
    tmp_path: Path, name: str, content: str | bytes, error: type[Exception], patterns: list[str]
) -> None:
    path = _write(tmp_path, name, content)
    before = _digest(path)
    with pytest.raises(error) as info:
        load_facilities(path)
    message = str(info.value)
    for pattern in patterns:
        assert re.search(pattern, message), (pattern, message)
    assert str(tmp_path) not in message  # the file's own name, never a path
    assert _digest(path) == before


def test_upload_messages_name_the_users_file_and_no_python_hints(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "upload.csv", HEADER + "a,Assen,vestiging,open,6.5645,52.9925\nb,Ver,vestiging,open,5.0,52.0\n"
    )
    area = box(200_000, 500_000, 280_000, 600_000)  # Drenthe-ish; 5.0/52.0 lies far south-west
    with pytest.raises(OutsideRegionError) as info:
        load_facilities(path, study_area=area, display_name="Mijn bibliotheken.csv")
    message = str(info.value)
    assert message.startswith(
        "voorzieningenbestand Mijn bibliotheken.csv: 1 punt(en) liggen buiten het studiegebied: b;"
    )
    assert "upload.csv" not in message and "on_outside" not in message and str(tmp_path) not in message
    frame = load_facilities(path, display_name="Mijn bibliotheken.csv")
    assert frame.attrs["source"]["path"] == "Mijn bibliotheken.csv"


def test_rows_after_blank_lines_keep_their_spreadsheet_numbers(tmp_path: Path) -> None:
    content = "sep=;\r\nid;name;kind;status;lon;lat\r\n;;;;;\r\n"
    content += "a;Assen;vestiging;open;6,5645;52,9925\r\nb;;x;open;1;2\r\n;;;;;\r\n"
    with pytest.raises(InvalidDataError) as info:
        load_facilities(_write(tmp_path, "excel.csv", content))
    message = str(info.value)
    assert r"naam ontbreekt in rij 5 (id b)" in message  # sep line = 1, header = 2, blank = 3
    assert "kolom kind in rij 5 (id b): 'x'" in message


# --------------------------------------------------------------------------- odd but good files


def _assen_emmen(frame: gpd.GeoDataFrame) -> None:
    wgs = frame.to_crs("EPSG:4326")
    assert np.allclose(wgs.geometry.x, [ASSEN[0], EMMEN[0]], atol=1e-7)
    assert np.allclose(wgs.geometry.y, [ASSEN[1], EMMEN[1]], atol=1e-7)


def test_dutch_excel_csv_with_comma_in_a_name_and_decimal_commas(tmp_path: Path) -> None:
    content = (
        "\ufeffid;name;kind;status;lon;lat\r\n"
        "a;Bibliotheek Assen, centrum;vestiging;open;6,5645;52,9925\r\n"
        "b;Emmen;Kleine vestiging;Open;6,9069;52,7858\r\n"
    )
    frame = load_facilities(_write(tmp_path, "nl.csv", content))
    assert frame["name"].tolist() == ["Bibliotheek Assen, centrum", "Emmen"]
    assert frame["kind"].tolist() == ["vestiging", "kleine_vestiging"]
    _assen_emmen(frame)
    assert "UTF-8 met BOM, scheidingsteken puntkomma" in frame.attrs["source"]["description"]


def test_cp1252_file_is_read_and_the_encoding_named(tmp_path: Path) -> None:
    content = "id;name;kind;status;lon;lat\r\na;Bibliothèque Café;vestiging;open;6,5645;52,9925\r\n"
    path = _write(tmp_path, "excel.csv", content, encoding="cp1252")
    frame = load_facilities(path)
    assert frame["name"].tolist() == ["Bibliothèque Café"]
    assert any("Windows-1252" in w for w in frame.attrs["source"]["warnings"])


def test_utf16_tab_file_excel_unicode_text(tmp_path: Path) -> None:
    content = "id\tname\tkind\tstatus\tlon\tlat\r\na\tAssen\tvestiging\topen\t6,5645\t52,9925\r\n"
    content += "b\tEmmen\tservicepunt\tclosed\t6,9069\t52,7858\r\n"
    frame = load_facilities(_write(tmp_path, "unicode.txt", content, encoding="utf-16"))
    assert frame["status"].tolist() == ["open", "closed"]
    _assen_emmen(frame)
    assert any("UTF-16" in w for w in frame.attrs["source"]["warnings"])


def test_sniffer_trap_52_99_semicolon(tmp_path: Path) -> None:
    # a header with commas nowhere and data '6,5645;52,9925' - csv.Sniffer would pick ','
    frame = load_facilities(_write(tmp_path, "s.csv", "name;kind;lon;lat\nAssen;vestiging;6,5645;52,9925\n"))
    assert frame["name"].tolist() == ["Assen"]


def test_xlsx_picks_the_data_sheet_and_reads_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Uitleg"
    book.active.append(["Deze lijst komt van de gemeente"])
    sheet = book.create_sheet("Voorzieningen")
    sheet.append(["ID", "Naam", "Soort", "Status", "Lon", "Lat"])
    sheet.append([1, "Assen", "vestiging", "open", ASSEN[0], ASSEN[1]])
    sheet.append([2, "Emmen", "servicepunt", "planned", "6,9069", "52,7858"])
    path = tmp_path / "lijst.xlsx"
    book.save(path)
    frame = load_facilities(path)
    assert frame["id"].tolist() == ["1", "2"]
    assert frame["name"].tolist() == ["Assen", "Emmen"]
    assert frame["status"].tolist() == ["open", "planned"]
    _assen_emmen(frame)
    assert "werkblad 'Voorzieningen'" in frame.attrs["source"]["description"]


def test_minimal_columns_get_stable_ids_and_status_open(tmp_path: Path) -> None:
    plain = _write(
        tmp_path, "min.csv", "name,lon,lat,kind\nAssen,6.5645,52.9925,vestiging\nEmmen,6.9069,52.7858,vestiging\n"
    )
    first, again = load_facilities(plain), load_facilities(plain)
    assert first["id"].tolist() == again["id"].tolist()
    assert all(i.startswith("auto-") and len(i) == 15 for i in first["id"])
    assert first["id"].is_unique
    assert first["status"].tolist() == ["open", "open"]
    # the same list saved by Dutch Excel (';', decimal commas, trailing zeros) gets the same ids
    dutch = _write(
        tmp_path,
        "min_nl.csv",
        "name;lon;lat;kind\r\nAssen;6,56450;52,9925;vestiging\r\nEmmen;6,9069;52,7858;vestiging\r\n",
    )
    assert load_facilities(dutch)["id"].tolist() == first["id"].tolist()
    moved = _write(tmp_path, "moved.csv", "name,lon,lat,kind\nAssen,6.5646,52.9925,vestiging\n")
    assert load_facilities(moved)["id"].iloc[0] != first["id"].iloc[0]


def test_header_only_gives_an_empty_valid_frame_with_a_warning(tmp_path: Path) -> None:
    frame = load_facilities(_write(tmp_path, "kop.csv", HEADER))
    assert len(frame) == 0
    assert frame.crs.to_epsg() == 28992
    assert {"id", "name", "kind", "status", "region"} <= set(frame.columns)
    assert "0 voorzieningen gelezen" in " ".join(frame.attrs["source"]["warnings"])


def test_duplicate_rows_without_ids_are_named(tmp_path: Path) -> None:
    content = "name,lon,lat,kind\nAssen,6.5645,52.9925,vestiging\nAssen,6.5645,52.9925,vestiging\n"
    with pytest.raises(DuplicateIdError, match=r"id komt meer dan eens voor in rij 2 \(id auto-\w+\), rij 3"):
        load_facilities(_write(tmp_path, "dubbel.csv", content))


# --------------------------------------------------------------------------- round trip through the writer


def _facilities(tmp_path: Path) -> gpd.GeoDataFrame:
    content = HEADER + "a,=Assen,vestiging,open,6.5645,52.9925\nb,Emmen; Noord,kleine_vestiging,closed,6.9069,52.7858\n"
    return load_facilities(_write(tmp_path, "bron.csv", content))


@pytest.mark.parametrize(("name", "fmt"), [("terug.csv", None), ("terug.xlsx", None), ("terug_nl.csv", "csv-nl")])
def test_files_the_tool_writes_read_back(tmp_path: Path, name: str, fmt: str | None) -> None:
    original = _facilities(tmp_path)
    path = write_tables({"voorzieningen": original}, tmp_path / name, fmt=fmt)
    back = load_facilities(path)
    for column in ("id", "name", "kind", "status"):
        assert back[column].tolist() == original[column].tolist(), column
    assert np.allclose(back.geometry.x, original.geometry.x, atol=1e-6)
    assert np.allclose(back.geometry.y, original.geometry.y, atol=1e-6)


def test_written_rd_columns_alone_read_back(tmp_path: Path) -> None:
    original = _facilities(tmp_path).drop(columns=["lon", "lat"])
    path = write_tables({"voorzieningen": original}, tmp_path / "rd.xlsx")
    back = load_facilities(path)
    assert np.allclose(back.geometry.x, original.geometry.x, atol=0.051)  # x_rd is written to 0.1 m
    assert back["name"].tolist() == ["=Assen", "Emmen; Noord"]


# --------------------------------------------------------------------------- implausible population


def _grid(tmp_path: Path, totals: list[float]) -> Path:
    rows = [
        {"GRD_ID": f"CRS3035RES1000mN3284000E{4070000 + 1000 * i}", "T": t, "Y_LT15": 0, "Y_1564": t, "Y_GE65": 0}
        for i, t in enumerate(totals)
    ]
    path = tmp_path / "grid.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_census_cell_with_1e12_residents_is_refused(tmp_path: Path) -> None:
    path = _grid(tmp_path, [100.0, 1e12])
    before = _digest(path)
    with pytest.raises(ImplausibleDataError) as info:
        load_census_grid(path, data_dir=tmp_path)
    message = str(info.value)
    assert "grid.csv: 1 cel(len) van 1.000 m hebben meer dan 30.000 inwoners" in message
    assert "CRS3035RES1000mN3284000E4071000: 1.000.000.000.000" in message
    assert _digest(path) == before


def test_census_total_above_20_million_is_refused(tmp_path: Path) -> None:
    path = _grid(tmp_path, [29_000.0] * 700)  # every cell plausible, 20.3 million together
    with pytest.raises(ImplausibleDataError, match=r"in totaal 20\.300\.000 inwoners, meer dan 20\.000\.000"):
        load_census_grid(path, data_dir=tmp_path)
    fine = _grid(tmp_path, [29_000.0, 100.0])
    assert load_census_grid(fine, data_dir=tmp_path)["pop_total"].tolist() == [29_000.0, 100.0]


def test_cbs_100m_square_above_2000_is_refused(tmp_path: Path) -> None:
    bands = {f"aantal_inwoners_{b}": [-99997, 100] for b in ("0_tot_15_jaar", "15_tot_25_jaar", "25_tot_45_jaar")}
    bands |= {"aantal_inwoners_45_tot_65_jaar": [-99997, 100], "aantal_inwoners_65_jaar_en_ouder": [-99997, 2100]}
    frame = gpd.GeoDataFrame(
        {"crs28992res100m": ["E2330N5570", "E2331N5570"], "aantal_inwoners": [-99997, 2500], **bands},
        geometry=[box(233000, 557000, 233100, 557100), box(233100, 557000, 233200, 557100)],
        crs="EPSG:28992",
    )
    path = tmp_path / "vk100.gpkg"
    frame.to_file(path, driver="GPKG")
    with pytest.raises(
        ImplausibleDataError, match=r"1 cel\(len\) van 100 m hebben meer dan 2\.000 inwoners \(E2331N5570: 2\.500\)"
    ):
        load_cbs_vierkant(path)
    frame.loc[1, "aantal_inwoners"] = 1900
    frame.to_file(tmp_path / "ok.gpkg", driver="GPKG")
    assert load_cbs_vierkant(tmp_path / "ok.gpkg")["pop_total"].tolist() == [2.0, 1900.0]


# --------------------------------------------------------------------------- boundaries missing a municipality


def test_boundaries_missing_a_municipality_of_the_region_file(tmp_path: Path) -> None:
    region = {
        "region": "proefland",
        "description": "test",
        "province": "Proefland",
        "total_label": "Heel Proefland",
        "municipalities": ["Oostdorp", "Westdorp"],
        "ring_m": 5000,
        "data_files": {
            key: f"x/{key}.dat"
            for key in ("population_grid", "border_grid", "vierkant", "pc4", "libraries", "osm_libraries")
        }
        | {"boundaries": "grenzen.gpkg", "roads": "wegen.gpkg", "roads_pbf": "w.osm.pbf", "osm_points": "p.gpkg"},
        "columns": {
            "region_column": "gebied",
            "region_value": "proefland",
            "outside_value": "buiten",
            "inside_column": "in_proefland",
            "share_column": "aandeel",
        },
    }
    spec = tmp_path / "proefland.json"
    spec.write_text(json.dumps(region), encoding="utf-8")
    root = tmp_path / "data"
    root.mkdir()
    gpd.GeoDataFrame(
        {"gemeente": ["Westdorp"], "inwoners": [300]}, geometry=[box(233000, 557000, 234000, 558000)], crs="EPSG:28992"
    ).to_file(root / "grenzen.gpkg", layer="gemeenten", driver="GPKG")
    with pytest.raises(ImplausibleDataError) as info:
        load_region(root, region=spec)
    message = str(info.value)
    assert (
        f"het grenzenbestand {root / 'grenzen.gpkg'} mist 1 gemeente(n) uit het regiobestand {spec}: Oostdorp;"
        in message
    )


# --------------------------------------------------------------------------- implausible networks


def _grid_network(length_m: float | None = None, source: str = "wegen.gpkg"):  # type: ignore[no-untyped-def]
    """A 5 x 5 street grid, 100 m apart, at x 233000-233400, y 557000-557400."""
    xs, ys = np.meshgrid(np.arange(5) * 100.0 + 233000, np.arange(5) * 100.0 + 557000)
    nodes = pd.DataFrame({"node_id": np.arange(25), "x": xs.ravel(), "y": ys.ravel()})
    pairs = [(i, i + 1) for i in range(25) if i % 5 != 4] + [(i, i + 5) for i in range(20)]
    edges = pd.DataFrame(
        {
            "u": [u for u, _ in pairs],
            "v": [v for _, v in pairs],
            "highway": "residential",
            "oneway": False,
            "length_m": 100.0 if length_m is None else length_m,
        }
    )
    return build_network(nodes, edges, "car", source=source)


def test_network_with_zero_length_roads_is_refused() -> None:
    with pytest.raises(
        ImplausibleNetworkError, match=r"het wegennet nul\.gpkg: 100 % van de wegen voor auto is korter dan 0,5 m"
    ):
        _grid_network(0.0, source="nul.gpkg")
    assert _grid_network(100.0).n_arcs == 80


def _points(xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[Point(x, y) for x, y in xy], crs="EPSG:28992")


def test_network_that_does_not_touch_the_region_is_refused() -> None:
    network = _grid_network(source="amsterdam_fixture.osm.pbf")
    library = gpd.GeoDataFrame({"id": ["bieb"]}, geometry=[Point(233200, 557200)], crs="EPSG:28992")
    near = [(233000.0 + 20 * i, 557000.0) for i in range(2)]
    far = [(133000.0 + 50 * i, 457000.0) for i in range(38)]  # 100+ km away
    points = _points(near + far)
    points.attrs["source"] = {"path": "/data/cbs/census2021_grid_1km_drenthe.csv"}
    expected = (
        r"het wegennet amsterdam_fixture\.osm\.pbf raakt het gebied van census2021_grid_1km_drenthe\.csv niet: "
        r"slechts 5 % van de inwonerspunten ligt binnen 2,0 km van een weg"
    )
    with pytest.raises(NetworkOutsideRegionError, match=expected):
        nearest_facility(points, library, network)
    with pytest.raises(NetworkOutsideRegionError, match="slechts 5 %"):
        distance_matrix(points, library, network)
    # 18 of 20 points near the roads (90 %) pass
    ok = _points([(233000.0 + 20 * i, 557000.0) for i in range(18)] + far[:2])
    assert int(np.isfinite(nearest_facility(ok, library, network).table["dist_m"]).sum()) == 18


# --------------------------------------------------------------------------- implausible norms


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        (
            {"max_dist_m": float("inf")},
            r"afstandsgrens inf km kan niet; geef --max-km een getal groter dan 0 en hoogstens 100 km",
        ),
        ({"max_dist_m": 150_000.0}, r"afstandsgrens 150 km kan niet; geef --max-km"),
        ({"max_dist_m": float("nan")}, r"afstandsgrens nan km kan niet"),
        (
            {"max_dist_m": None, "max_time_s": 4 * 3600.0},
            r"tijdsgrens 240 min kan niet; geef --max-min een getal groter dan 0 en hoogstens 180 min",
        ),
        ({"max_dist_m": None, "max_time_s": None}, r"heeft geen grens: geef een afstand \(--max-km"),
        ({"max_dist_m": 0.0, "max_time_s": None}, r"heeft geen grens"),
        ({"max_dist_m": -5.0}, r"afstandsgrens -0,005 km kan niet"),
    ],
)
def test_implausible_norm_limits_are_refused(changes: dict[str, object], pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern):
        Norm(name="test", **changes)  # type: ignore[arg-type]


def test_plausible_norm_limits_pass() -> None:
    assert Norm(max_dist_m=100_000.0).max_dist_m == 100_000.0
    assert Norm(max_dist_m=None, max_time_s=3 * 3600.0).max_time_s == 10_800.0
