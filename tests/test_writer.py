"""The one writer: formats, inf as empty cells, provenance, formula guard, path checks."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest

from spreiding.data.facilities import load_facilities
from spreiding.errors import ConfigError, SpreidingError
from spreiding.output.provenance import OSM_CREDIT_LINE, DataFile, file_sha256
from spreiding.output.writer import (
    Provenance,
    check_output_path,
    guard_formulas,
    strip_formula_guard,
    to_bytes,
    write_tables,
)
from spreiding.vocabulary import COLUMN_LABELS, OSM_CREDIT

from .conftest import points

FORMULA = '=HYPERLINK("http://x")'
WHEN = dt.datetime(2026, 11, 27, 14, 5)


def cells() -> gpd.GeoDataFrame:
    """Two uncovered cells: one unreachable (inf), one with a formula-like name; -5 in a numeric column."""
    return points(
        [(1000, 0), (0, 5000)],
        cell_id=["c1", "c2"],
        name=[FORMULA, "-kelder"],
        pop_total=[100.0, 50.0],
        change=[-5, 3],
        dist_m=[np.inf, 6500.0],
    )


def provenance(tmp_path: Path) -> Provenance:
    grid = tmp_path / "grid.csv"
    grid.write_text("a,b\n1,2\n", encoding="utf-8")
    source = {"kind": "population", "path": str(grid), "rows": 4, "year": 2021, "description": "raster"}
    return Provenance.collect(
        sources=[source],
        norm="5 km over de weg (auto)",
        model="crowfly:car:x1.3",
        placement="cell_centre",
        as_of=dt.date(2026, 1, 1),
        target_share=0.95,
        excluded=["dr-099 Bibliotheek Ver"],
        created=WHEN,
    )


def csv_lines(data: bytes) -> list[str]:
    return data.decode("utf-8-sig").splitlines()


# --------------------------------------------------------------------------- provenance


def test_provenance_rows_name_version_files_hashes_and_credit(tmp_path: Path) -> None:
    prov = provenance(tmp_path)
    rows = dict(prov.rows())
    assert rows["Gemaakt op"] == "27-11-2026 14:05"
    assert rows["Programma"].startswith("spreiding ")
    assert "Versie (git-commit)" in rows
    assert rows["Peildatum"] == "01-01-2026"
    assert rows["Doel (aandeel binnen de norm)"] == "95,0 %"
    assert rows["Afstandsmodel"] == "hemelsbreed x 1,3 (auto; schatting zonder wegennet) [crowfly:car:x1.3]"
    assert rows["Plaatsing inwoners"] == "inwoners op het middelpunt van hun cel"
    digest = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert file_sha256(tmp_path / "grid.csv") == digest
    assert rows["Bron: bevolking"] == f"grid.csv — raster; jaar 2021; 4 rijen; sha256 {digest}"
    assert rows["Niet meegeteld"] == "dr-099 Bibliotheek Ver"
    assert prov.rows()[-1] == ("Naamsvermelding", OSM_CREDIT_LINE)


def test_data_file_hash_is_the_file_sha256(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"id\n1\n")
    item = DataFile.from_source({"kind": "facilities", "path": str(path), "quality": {"status_open": 3.0}})
    assert item.sha256 == hashlib.sha256(b"id\n1\n").hexdigest()
    assert item.quality == (("status_open", 3.0),)
    assert DataFile.from_source({"kind": "x", "path": str(tmp_path / "gone.csv")}).sha256 is None


# --------------------------------------------------------------------------- CSV


def test_csv_machine_columns_inf_empty_and_formula_guard(tmp_path: Path) -> None:
    frame = cells()
    before = frame.copy()
    lines = csv_lines(to_bytes({"buiten_norm": frame}, "csv"))
    assert lines[0] == "cell_id,name,pop_total,change,dist_m,reachable,x_rd,y_rd"
    assert lines[1] == 'c1,"\'=HYPERLINK(""http://x"")",100.0,-5,,False,1000.0,0.0'
    assert lines[2] == "c2,'-kelder,50.0,3,6500.0,True,0.0,5000.0"
    assert len(lines) == 3  # the machine CSV is the table only
    pd.testing.assert_frame_equal(frame, before)


def test_csv_nl_for_dutch_excel(tmp_path: Path) -> None:
    data = to_bytes({"buiten_norm": cells()}, "csv-nl", provenance=provenance(tmp_path))
    assert data.startswith(b"\xef\xbb\xbf")
    lines = csv_lines(data)
    labels = [COLUMN_LABELS[c] for c in ("cell_id", "name", "pop_total")]
    assert lines[0] == ";".join([*labels, "change", "afstand (km)", "bereikbaar", "x (RD, m)", "y (RD, m)"])
    assert lines[1] == 'c1;"\'=HYPERLINK(""http://x"")";100;-5;;nee;1000,0;0,0'  # residents whole, RD in metres
    assert lines[2] == "c2;'-kelder;50;3;6,5;ja;0,0;5000,0"
    assert lines[3:5] == ["", "Bronnen"]
    assert f"Naamsvermelding;Kaartgegevens en wegennet: {OSM_CREDIT}" in lines


def test_csv_file_gets_a_sources_sidecar(tmp_path: Path) -> None:
    out = write_tables({"dekking": cells()}, tmp_path / "dekking.csv", provenance=provenance(tmp_path))
    assert out == tmp_path / "dekking.csv"
    sidecar = pd.read_csv(tmp_path / "dekking.bronnen.csv")
    assert list(sidecar.columns) == ["onderdeel", "waarde"]
    assert OSM_CREDIT_LINE in sidecar["waarde"].tolist()
    assert pd.read_csv(out)["dist_m"].isna().tolist() == [True, False]


def test_csv_refuses_several_tables_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"één tabel.*2 gegeven"):
        write_tables({"a": cells(), "b": cells()}, tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_strip_formula_guard_restores_exact_values() -> None:
    values = pd.Series([FORMULA, "-kelder", "'=already", "''+two", "plain", "'quote", None], dtype=object)
    guarded = guard_formulas(pd.DataFrame({"t": values}))["t"]
    assert guarded.tolist() == ["'" + FORMULA, "'-kelder", "''=already", "'''+two", "plain", "'quote", None]
    pd.testing.assert_series_equal(strip_formula_guard(guarded), values, check_names=False)
    numbers = pd.Series([-5.0, 1.0])
    pd.testing.assert_series_equal(guard_formulas(pd.DataFrame({"n": numbers}))["n"], numbers, check_names=False)


def test_facilities_reader_strips_the_guard_of_a_file_the_tool_wrote(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "id": ["dr-001", "dr-002"],
            "name": [FORMULA, "+Bieb"],
            "kind": ["vestiging", "servicepunt"],
            "status": ["open", "open"],
            "lon": [6.76, 6.73],
            "lat": [53.01, 53.06],
        }
    )
    path = write_tables({"vestigingen": table}, tmp_path / "vestigingen.csv")
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")
    back = load_facilities(path)
    assert back["name"].tolist() == [FORMULA, "+Bieb"]


# --------------------------------------------------------------------------- XLSX


def test_xlsx_dutch_headers_string_cells_numbers_and_sources(tmp_path: Path) -> None:
    data = to_bytes({"buiten_norm": cells()}, "xlsx", provenance=provenance(tmp_path))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["buiten_norm", "Bronnen"]
    sheet = book["buiten_norm"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["cel", "naam", "inwoners totaal"] and "afstand (km)" in header
    name = sheet.cell(row=2, column=2)
    assert name.value == FORMULA and name.data_type == "s"  # text, never a formula
    change = sheet.cell(row=2, column=header.index("change") + 1)
    assert change.value == -5 and change.data_type == "n"
    assert sheet.cell(row=2, column=header.index("afstand (km)") + 1).value is None  # inf -> empty
    assert sheet.cell(row=3, column=header.index("afstand (km)") + 1).value == 6.5
    sources = {r[0].value: r[1].value for r in book["Bronnen"].iter_rows(min_row=2)}
    assert sources["Naamsvermelding"] == OSM_CREDIT_LINE
    assert sources["Afstandsmodel"].startswith("hemelsbreed x 1,3")


# --------------------------------------------------------------------------- files for people (km, minutes, labels)


PLACEMENT_NL = "inwoners verdeeld over woonstraten (cellen zonder straatknoop: op hun middelpunt)"


def usability_table() -> pd.DataFrame:
    """The usability test's row (metres, seconds, codes) and an unreachable one; names that look like formulas."""
    return pd.DataFrame(
        {
            "id": ["dr-001", "dr-002"],
            "name": ["=Bieb", "-Noord"],
            "kind": ["kleine_vestiging", "vestiging"],
            "status": ["closed", "open"],
            "residents": [180.4, 20.0],
            "covered_pct": [55.5555, 100.0],
            "dist_m": [25290.6466, np.inf],
            "time_s": [1234.5, np.inf],
            "placement": ["cell_centre,street_nodes", "cell_centre"],
            "distance_model": ["network:car", "crowfly:car:x1.3"],
        }
    )


def csv_nl_rows(data: bytes) -> list[list[str]]:
    """The table part of a ``csv-nl`` file (header first), read with the csv module."""
    lines = csv_lines(data)
    return list(csv.reader(lines[: lines.index("")], delimiter=";"))


def test_csv_nl_shows_km_minutes_whole_residents_and_dutch_labels() -> None:
    frame = usability_table()
    before = frame.copy()
    header, first, second = csv_nl_rows(to_bytes({"t": frame}, "csv-nl"))
    assert header == [
        "id", "naam", "soort", "status", "inwoners", "binnen norm (%)", "afstand (km)", "reistijd (min)",
        "plaatsing inwoners", "afstandsmodel", "bereikbaar",
    ]  # fmt: skip
    row = dict(zip(header, first, strict=True))
    assert row["afstand (km)"] == "25,29" and row["reistijd (min)"] == "20,6"
    assert row["inwoners"] == "180" and row["binnen norm (%)"] == "55,6"
    assert row["soort"] == "kleine vestiging" and row["status"] == "gesloten"
    assert row["plaatsing inwoners"] == PLACEMENT_NL
    assert row["afstandsmodel"] == "over de weg (auto)"
    assert row["naam"] == "'=Bieb" and row["bereikbaar"] == "ja"  # the formula guard stays
    other = dict(zip(header, second, strict=True))
    assert other["afstand (km)"] == "" and other["reistijd (min)"] == "" and other["bereikbaar"] == "nee"
    assert other["naam"] == "'-Noord" and other["afstandsmodel"].startswith("hemelsbreed x 1,3 (auto")
    assert other["plaatsing inwoners"] == "inwoners op het middelpunt van hun cel"
    pd.testing.assert_frame_equal(frame, before)  # the caller's table is untouched


def test_xlsx_shows_km_minutes_and_dutch_labels_as_numeric_cells() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_bytes({"t": usability_table()}, "xlsx")))
    sheet = book["t"]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert "afstand (m)" not in header and "reistijd (s)" not in header
    assert row["afstand (km)"].value == 25.29 and row["afstand (km)"].data_type == "n"
    assert row["afstand (km)"].number_format == "0.00"
    assert row["reistijd (min)"].value == 20.6 and row["reistijd (min)"].data_type == "n"
    assert row["inwoners"].value == 180 and row["inwoners"].data_type == "n"
    assert row["binnen norm (%)"].value == 55.6
    assert row["soort"].value == "kleine vestiging" and row["status"].value == "gesloten"
    assert row["plaatsing inwoners"].value == PLACEMENT_NL
    assert row["afstandsmodel"].value == "over de weg (auto)"
    assert row["naam"].value == "=Bieb" and row["naam"].data_type == "s"  # text, never a live formula
    assert sheet.cell(row=3, column=header.index("naam") + 1).data_type == "s"
    assert sheet.cell(row=3, column=header.index("afstand (km)") + 1).value is None  # unreachable: empty


def test_machine_csv_of_the_same_table_keeps_metres_seconds_and_codes() -> None:
    lines = csv_lines(to_bytes({"t": usability_table()}, "csv"))
    assert lines == [
        "id,name,kind,status,residents,covered_pct,dist_m,time_s,placement,distance_model,reachable",
        'dr-001,\'=Bieb,kleine_vestiging,closed,180.4,55.5555,25290.6466,1234.5,"cell_centre,street_nodes",'
        "network:car,True",
        "dr-002,'-Noord,vestiging,open,20.0,100.0,,,cell_centre,crowfly:car:x1.3,False",
    ]


def test_gpkg_keeps_machine_values(tmp_path: Path) -> None:
    path = write_tables({"t": usability_table()}, tmp_path / "t.gpkg")
    back = pyogrio.read_dataframe(path, layer="t")
    assert back["dist_m"].iloc[0] == pytest.approx(25290.6466) and back["time_s"].iloc[0] == 1234.5
    assert back["distance_model"].tolist() == ["network:car", "crowfly:car:x1.3"]
    assert back["status"].tolist() == ["closed", "open"]


def test_age_band_codes_become_the_dutch_age_group() -> None:
    by_age = pd.DataFrame(
        {"age_band": ["pop_total", "pop_65plus"], "age_label": ["alle inwoners", "65 jaar en ouder"], "covered": [3, 1]}
    )
    header, *rows = csv_nl_rows(to_bytes({"t": by_age}, "csv-nl"))
    assert header == ["leeftijdsgroep", "binnen norm"]  # the code column is left out next to its label
    assert rows == [["alle inwoners", "3"], ["65 jaar en ouder", "1"]]
    book = openpyxl.load_workbook(io.BytesIO(to_bytes({"t": by_age.drop(columns=["age_label"])}, "xlsx")))
    assert [[c.value for c in r] for r in book["t"].iter_rows()] == [
        ["leeftijdsgroep", "binnen norm"],
        ["alle inwoners", 3],
        ["65 jaar en ouder", 1],
    ]


def test_app_tables_and_people_exports_convert_alike() -> None:
    from spreiding.app.labels import display_table

    frame = usability_table().drop(columns=["time_s", "dist_m"]).assign(mean_dist_m=[25290.6466, 1000.0])
    shown = display_table(frame, ["name", "kind", "status", "residents", "covered_pct", "mean_dist_m"])
    book = openpyxl.load_workbook(io.BytesIO(to_bytes({"t": frame}, "xlsx")))
    written = {c[0].value: [x.value for x in c[1:]] for c in book["t"].iter_cols()}
    for column in shown.columns:
        assert shown[column].tolist() == written[column], column


# --------------------------------------------------------------------------- GeoPackage


def test_gpkg_layers_inf_null_text_kept_and_sources_layer(tmp_path: Path) -> None:
    path = write_tables(
        {"buiten_norm": cells(), "dekking": pd.DataFrame({"municipality": ["A"], "p90_dist_m": [np.inf]})},
        tmp_path / "x.gpkg",
        provenance=provenance(tmp_path),
    )
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"buiten_norm": "Point", "dekking": None, "bronnen": None}
    back = gpd.read_file(path, layer="buiten_norm")
    assert back["name"].tolist() == [FORMULA, "-kelder"]  # stored as text, unchanged
    assert back["change"].tolist() == [-5, 3]
    assert back["dist_m"].isna().tolist() == [True, False]
    assert pyogrio.read_dataframe(path, layer="dekking")["p90_dist_m"].isna().all()
    sources = pyogrio.read_dataframe(path, layer="bronnen")
    assert OSM_CREDIT_LINE in sources["waarde"].tolist()


# --------------------------------------------------------------------------- HTML


def test_html_dutch_headers_numbers_escaped_and_sources(tmp_path: Path) -> None:
    text = to_bytes({"buiten_norm": cells()}, "html", provenance=provenance(tmp_path)).decode("utf-8")
    assert "<th>cel</th><th>naam</th><th>inwoners totaal</th>" in text
    assert "<td>=HYPERLINK(&quot;http://x&quot;)</td>" in text
    assert "<th>afstand (km)</th>" in text and '<td class="num">6,50</td>' in text  # km for people, decimal comma
    assert '<td class="num">5.000</td>' in text  # Dutch thousands dot (y in RD metres stays metres)
    assert ">inf<" not in text.lower() and ">nan<" not in text.lower()
    assert "<td>c1</td><td>=HYPERLINK(&quot;http://x&quot;)</td>" in text
    assert "<h2>Bronnen</h2>" in text and OSM_CREDIT in text


def test_every_format_carries_the_osm_credit_without_provenance() -> None:
    frame = pd.DataFrame({"municipality": ["A"], "residents": [10.0]})
    for fmt in ("csv-nl", "xlsx", "gpkg", "html"):
        data = to_bytes({"dekking": frame}, fmt)
        assert OSM_CREDIT.encode("utf-8") in data or fmt == "xlsx"
    book = openpyxl.load_workbook(io.BytesIO(to_bytes({"dekking": frame}, "xlsx")))
    assert OSM_CREDIT_LINE in [r[1].value for r in book["Bronnen"].iter_rows()]


# --------------------------------------------------------------------------- refusals


def test_refuses_an_input_file_even_with_force(tmp_path: Path) -> None:
    source = tmp_path / "bibliotheken.csv"
    source.write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invoerbestand"):
        write_tables({"t": cells()}, source, force=True, inputs=[source])
    assert source.read_text(encoding="utf-8") == "id\n1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bibliotheken.csv"]


def test_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    out = tmp_path / "dekking.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(ConfigError, match=r"bestaat al.*--force"):
        write_tables({"t": cells()}, out)
    assert out.read_bytes() == b"old"
    write_tables({"t": cells()}, out, force=True)
    assert out.read_bytes()[:2] == b"PK"  # a zip (xlsx) now
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dekking.xlsx"]  # no temporary file left


def test_refuses_a_missing_folder_and_creates_none(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="bestaat niet"):
        write_tables({"t": cells()}, tmp_path / "nieuw" / "diep" / "x.xlsx")
    assert not (tmp_path / "nieuw").exists()


@pytest.mark.parametrize("name", ["x.pdf", "x", "x.xls"])
def test_refuses_an_unknown_extension(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match="onbekende bestandsextensie") as info:
        write_tables({"t": cells()}, tmp_path / name)
    assert isinstance(info.value, SpreidingError)  # the CLI exits with status 2
    assert list(tmp_path.iterdir()) == []


def test_check_output_path_before_computing(tmp_path: Path) -> None:
    assert check_output_path(tmp_path / "a.html") == tmp_path / "a.html"
    assert check_output_path(tmp_path / "a.txt", fmt="csv-nl") == tmp_path / "a.txt"
    (tmp_path / "a.bronnen.csv").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"a\.bronnen\.csv bestaat al"):
        check_output_path(tmp_path / "a.csv")
    with pytest.raises(ConfigError, match="onbekend uitvoerformaat"):
        to_bytes({"t": cells()}, "pdf")
