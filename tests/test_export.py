"""Exports: file names, CSV / Excel / GeoPackage bytes, and export_analysis.

The tiny analysis (crow-fly, detour factor 1.3, norm 5 km by car), built by
:func:`tiny_analysis` and reused by ``test_report.py``::

    service points          x, y (m)     status   name
      f1                    (0, 0)       open     "<script>alert(1)</script>"
      f2                    (20000, 0)   open     "Bieb Oost"
      f3                    (10000, 0)   closed   (does not count)

    cells (1 km)   x, y          municipality  residents  crow-fly x 1.3 to nearest  covered
      c1           (1000, 0)     Aadorp        100        1000 x 1.3 = 1300 (f1)      yes
      c2           (0, 5000)     Aadorp         50        5000 x 1.3 = 6500 (f1)      no
      c3           (9000, 0)     Aadorp         30        9000 x 1.3 = 11700 (f1)     no
      c4           (19000, 0)    Bedorp        200        1000 x 1.3 = 1300 (f2)      yes

Aadorp: 180 residents, 100 covered (55.6 %), 80 outside the norm.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest

from spreiding.analysis.norm import Norm
from spreiding.errors import ConfigError, InvalidDataError
from spreiding.network.nearest import NearestResult
from spreiding.output.export import (
    OSM_CREDIT,
    export_analysis,
    export_name,
    slugify,
    table_for_export,
    to_csv_bytes,
    to_gpkg_bytes,
    to_xlsx_bytes,
)
from spreiding.study import Analysis, analyse
from spreiding.vocabulary import COLUMN_LABELS, column_label, model_label_nl

from .conftest import points

DAY = dt.date(2026, 11, 27)
SCRIPT_NAME = "<script>alert(1)</script>"


def tiny_population() -> gpd.GeoDataFrame:
    """Four 1 km cells in two municipalities (see module docstring)."""
    total = [100.0, 50.0, 30.0, 200.0]
    share = {"pop_0_14": 0.2, "pop_15_24": 0.1, "pop_25_44": 0.3, "pop_45_64": 0.2, "pop_65plus": 0.2}
    return points(
        [(1000, 0), (0, 5000), (9000, 0), (19000, 0)],
        cell_id=["c1", "c2", "c3", "c4"],
        pop_total=total,
        **{band: [t * s for t in total] for band, s in share.items()},
        municipality=["Aadorp", "Aadorp", "Aadorp", "Bedorp"],
        cell_size_m=[1000.0] * 4,
        imputed=[False] * 4,
        placement=["cell_centre"] * 4,
    )


def tiny_facilities() -> gpd.GeoDataFrame:
    """Two open service points and one closed one."""
    return points(
        [(0, 0), (20000, 0), (10000, 0)],
        id=["f1", "f2", "f3"],
        name=[SCRIPT_NAME, "Bieb Oost", "Bieb Dicht"],
        kind=["vestiging"] * 3,
        status=["open", "open", "closed"],
        municipality=["Aadorp", "Bedorp", "Aadorp"],
    )


def tiny_analysis(norm: Norm | None = None) -> Analysis:
    """Crow-fly analysis of the tiny region (norm: 5 km by car unless given)."""
    return analyse(tiny_population(), tiny_facilities(), norm or Norm(), None, total_label="Klein")


# --------------------------------------------------------------------------- names


def test_export_name_example_from_the_brief() -> None:
    name = export_name("dekking", scenario="basis", norm=Norm(), date=DAY, ext="csv")
    assert name == "spreiding_dekking_basis_car-5km_2026-11-27.csv"


def test_export_name_slugifies_scenario_and_municipality() -> None:
    name = export_name(
        "dekking", scenario="Sluit Émmen!", norm=Norm(), municipality="Aa en Hunze", date=DAY, ext=".XLSX"
    )
    assert name == "spreiding_dekking_sluit-emmen_car-5km_aa-en-hunze_2026-11-27.xlsx"
    assert name.isascii() and " " not in name


def test_export_name_none_scenario_is_basis_and_norm_slug_is_used() -> None:
    norm = Norm(mode="bike", max_dist_m=None, max_time_s=900.0, age_band="pop_0_14")
    name = export_name("leeftijd", scenario=None, norm=norm, date=DAY, ext="csv")
    assert name == "spreiding_leeftijd_basis_bike-15min-0_14_2026-11-27.csv"


def test_export_name_defaults_to_today() -> None:
    assert dt.date.today().isoformat() in export_name("dekking", scenario="x", norm=Norm(), ext="csv")


@pytest.mark.parametrize("ext", ["", "c sv", "../x"])
def test_export_name_rejects_bad_extension(ext: str) -> None:
    with pytest.raises(ConfigError, match="bestandsextensie"):
        export_name("dekking", scenario="basis", norm=Norm(), date=DAY, ext=ext)


def test_slugify_names_without_letters_get_a_stable_hash() -> None:
    assert slugify("  Tynaarlo / Zuidlaren ") == "tynaarlo-zuidlaren"
    assert slugify("!!!") == "scenario-" + __import__("hashlib").sha256(b"!!!").hexdigest()[:6]
    assert slugify("图书馆") == slugify("图书馆") != slugify("!!!")
    assert slugify("图书馆").startswith("scenario-") and len(slugify("图书馆")) == len("scenario-") + 6


# --------------------------------------------------------------------------- CSV


def test_csv_writes_inf_as_empty_with_reachable_column() -> None:
    frame = pd.DataFrame({"cell_id": ["a", "b"], "dist_m": [1300.0, np.inf], "nearest_id": ["f1", None]})
    before = frame.copy()
    data = to_csv_bytes(frame)
    text = data.decode("utf-8-sig")
    assert "inf" not in text.lower()
    back = pd.read_csv(io.BytesIO(data), keep_default_na=False, dtype=str)
    assert back.loc[1, "dist_m"] == ""  # empty, never "inf" or "0"
    assert back.loc[0, "dist_m"] == "1300.0"
    assert back["reachable"].tolist() == ["True", "False"]
    pd.testing.assert_frame_equal(frame, before)  # caller's frame untouched


def test_csv_drops_geometry_and_keeps_rd_coordinates() -> None:
    cells = tiny_population()
    back = pd.read_csv(io.BytesIO(to_csv_bytes(cells)))
    assert "geometry" not in back.columns
    assert back["x_rd"].tolist() == [1000.0, 0.0, 9000.0, 19000.0]
    assert back["y_rd"].tolist() == [0.0, 5000.0, 0.0, 0.0]
    assert isinstance(cells, gpd.GeoDataFrame) and "geometry" in cells.columns


def test_coverage_table_inf_percentile_becomes_empty() -> None:
    table = tiny_analysis().table.copy()
    table.loc[0, "p90_dist_m"] = np.inf
    out = table_for_export(table)
    assert np.isnan(out.loc[0, "p90_dist_m"])
    assert np.isinf(table.loc[0, "p90_dist_m"])
    assert "reachable" not in out.columns  # per-group tables have 'unreachable' counts instead


# --------------------------------------------------------------------------- Excel


def test_xlsx_round_trip_with_sources_sheet(tmp_path: Path) -> None:
    analysis = tiny_analysis()
    uncovered = analysis.uncovered.copy()
    uncovered.loc[uncovered.index[0], "dist_m"] = np.inf
    sources = [{"kind": "population", "path": "/data/cbs/grid.csv", "rows": 4, "year": 2021, "description": "raster"}]
    data = to_xlsx_bytes(
        {"dekking": analysis.table, "buiten_norm": uncovered, "x" * 40: analysis.by_age},
        sources=sources,
        norm=analysis.norm,
        model=analysis.model,
        generated=DAY,
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["dekking", "buiten_norm", "x" * 31, "Bronnen"]
    cells = [str(c.value) for row in workbook["Bronnen"].iter_rows() for c in row if c.value is not None]
    text = " | ".join(cells)
    assert OSM_CREDIT in text and "OpenStreetMap" in text
    assert analysis.norm.describe() in text
    assert model_label_nl(analysis.model.label) in text and analysis.model.label in text
    assert "grid.csv" in text and "2021" in text
    assert "voorbeeldnorm" in text
    sheet = workbook["buiten_norm"]
    header = [c.value for c in sheet[1]]
    assert "geometry" not in header and "dist_m" not in header  # Dutch headers
    assert header[:2] == [COLUMN_LABELS["cell_id"], COLUMN_LABELS["pop_total"]]
    dist_col = header.index(column_label("dist_m", km=True)) + 1  # people's workbook: km
    assert sheet.cell(row=2, column=dist_col).value is None  # inf -> empty cell
    assert sheet.cell(row=3, column=dist_col).value == 11.7  # c3: 11700 m
    assert sheet.cell(row=2, column=header.index(COLUMN_LABELS["reachable"]) + 1).value is False
    assert np.isinf(uncovered["dist_m"].iloc[0])  # not mutated


# --------------------------------------------------------------------------- GeoPackage


def test_gpkg_round_trip_layers_and_crs(tmp_path: Path) -> None:
    analysis = tiny_analysis()
    wgs84 = tiny_facilities().to_crs("EPSG:4326")
    data = to_gpkg_bytes({"buiten_norm": analysis.uncovered, "vestigingen_wgs84": wgs84, "dekking": analysis.table})
    path = tmp_path / "x.gpkg"
    path.write_bytes(data)
    layers = {name: geom for name, geom in pyogrio.list_layers(path)}
    assert set(layers) == {"buiten_norm", "vestigingen_wgs84", "dekking", "bronnen"}
    assert layers["dekking"] is None and layers["bronnen"] is None  # attribute-only tables
    for name in ("buiten_norm", "vestigingen_wgs84"):
        frame = gpd.read_file(path, layer=name)
        assert frame.crs.to_epsg() == 28992
    back = gpd.read_file(path, layer="vestigingen_wgs84")
    assert back.geometry.x.round(0).tolist() == [0.0, 20000.0, 10000.0]
    table = pyogrio.read_dataframe(path, layer="dekking")
    assert table["municipality"].tolist() == ["Aadorp", "Bedorp", "Klein"]
    assert wgs84.crs.to_epsg() == 4326  # caller's frame untouched


def test_gpkg_skips_bad_layer_with_warning(caplog: pytest.LogCaptureFixture) -> None:
    no_crs = gpd.GeoDataFrame({"a": [1]}, geometry=gpd.points_from_xy([0.0], [0.0]))
    good = pd.DataFrame({"a": [1.0, np.inf]})
    with caplog.at_level(logging.WARNING, logger="spreiding.output"):
        data = to_gpkg_bytes({"zonder_crs": no_crs, "goed": good})
    assert "zonder_crs" in caplog.text
    assert data[:16] == b"SQLite format 3\x00"
    with pytest.raises(InvalidDataError, match="geen enkele laag"):
        to_gpkg_bytes({"zonder_crs": no_crs})


# --------------------------------------------------------------------------- export_analysis


def test_export_analysis_for_one_municipality(tmp_path: Path) -> None:
    analysis = tiny_analysis()
    table_before = analysis.table.copy()
    files = export_analysis(analysis, tmp_path / "out", scenario="Plan B", municipality="Aadorp", date=DAY)
    names = sorted(p.name for p in files)
    assert "spreiding_dekking_plan-b_car-5km_aadorp_2026-11-27.csv" in names
    assert "spreiding_dekking_plan-b_car-5km_aadorp_2026-11-27.xlsx" in names
    assert "spreiding_dekking_plan-b_car-5km_aadorp_2026-11-27.gpkg" in names
    assert all(p.exists() and p.stat().st_size > 0 for p in files)
    coverage = pd.read_csv(tmp_path / "out" / "spreiding_dekking_plan-b_car-5km_aadorp_2026-11-27.csv")
    assert coverage["municipality"].tolist() == ["Aadorp"]
    assert coverage["residents"].tolist() == [180.0]
    assert coverage["covered"].tolist() == [100.0]
    uncovered = pd.read_csv(tmp_path / "out" / "spreiding_buiten-norm_plan-b_car-5km_aadorp_2026-11-27.csv")
    assert sorted(uncovered["cell_id"]) == ["c2", "c3"]
    assert uncovered.set_index("cell_id").loc["c3", "dist_m"] == pytest.approx(11700.0)
    pd.testing.assert_frame_equal(analysis.table, table_before)


def test_export_analysis_only_requested_formats(tmp_path: Path) -> None:
    files = export_analysis(tiny_analysis(), tmp_path, formats=("xlsx",), date=DAY)
    assert [p.name for p in files] == ["spreiding_dekking_basis_car-5km_2026-11-27.xlsx"]


def test_export_analysis_with_unreachable_cells(tmp_path: Path) -> None:
    analysis = tiny_analysis()
    near = analysis.nearest
    n = len(near)
    nowhere = np.full(n, None, dtype=object)
    cut_off = NearestResult(near.index, np.full(n, np.inf), np.full(n, np.inf), nowhere, nowhere,
                            near.snap_m, near.snapped, near.model)  # fmt: skip
    broken = dataclasses.replace(analysis, nearest=cut_off, covered=np.zeros(n, bool))
    files = export_analysis(broken, tmp_path, formats=("csv",), date=DAY)
    path = next(p for p in files if "buiten-norm" in p.name)
    text = path.read_text(encoding="utf-8-sig")
    assert "inf" not in text.lower()
    assert pd.read_csv(path)["dist_m"].isna().all()


def test_export_analysis_rejects_unknown_municipality_and_format(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Aadorp"):
        export_analysis(tiny_analysis(), tmp_path, municipality="Nergenshuizen")
    with pytest.raises(ConfigError, match="pdf"):
        export_analysis(tiny_analysis(), tmp_path, formats=("pdf",))
