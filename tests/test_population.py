"""Tests for spreiding.population.

Hand-made fixtures (documented values, not real data):

* ``VK_ROWS``: seven 100 m squares written to a CBS-style GeoPackage in
  tmp_path, with the CBS codes -99997 (secret) and -99995 (missing); the
  expected imputed values are worked out next to each row.
* a two-cell Eurostat-style CSV with a hand-made PC4 polygon whose 15-64
  split is 1 : 2 : 1.
* a three-cell 100 m grid with street nodes at listed positions for
  :func:`place_on_streets`.

Real-data tests read the Drenthe data folder and skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from spreiding.analysis.placement import place_on_streets
from spreiding.data.config import data_paths
from spreiding.data.population import (
    AGE_COLUMNS,
    POP_COLUMNS,
    load_cbs_vierkant,
    load_census_grid,
    load_pc4,
    pc4_as_population,
    population_summary,
)
from spreiding.errors import ConfigError, CRSError, DataNotFoundError, InvalidDataError, MissingColumnsError

PATHS = data_paths()
needs_grid = pytest.mark.skipif(
    not (PATHS.population_grid.is_file() and PATHS.pc4.is_file() and PATHS.boundaries.is_file()),
    reason="real Drenthe data folder absent; set SPREIDING_DATA_DIR",
)
needs_pc4 = pytest.mark.skipif(
    not PATHS.pc4.is_file(), reason="real Drenthe data folder absent; set SPREIDING_DATA_DIR"
)

S, M = -99997, -99995
VK_BANDS = [
    "aantal_inwoners_0_tot_15_jaar",
    "aantal_inwoners_15_tot_25_jaar",
    "aantal_inwoners_25_tot_45_jaar",
    "aantal_inwoners_45_tot_65_jaar",
    "aantal_inwoners_65_jaar_en_ouder",
]
# id, total, five bands  -> expected total, bands (secret_value=2)
VK_ROWS = [
    ("A", 10, [2, 3, 1, 4, 0]),  # complete: unchanged
    ("B", S, [S, S, S, S, S]),  # all secret: total 2, bands 0.4 each
    ("C", 12, [5, S, 3, S, 2]),  # remainder 12-10=2 over two secret bands: 1 each
    ("D", 8, [3, 0, M, 5, 0]),  # missing band, remainder 0: band 0
    ("E", 0, [0, 0, 0, 0, 0]),  # empty: dropped
    ("F", M, [1, 1, 1, 1, 1]),  # missing total: sum of bands = 5
    ("G", 6, [5, S, S, 4, 0]),  # known bands 9 > 6: secret bands 0, total stays 6
]
VK_EXPECTED = {
    "A": (10.0, [2, 3, 1, 4, 0]),
    "B": (2.0, [0.4] * 5),
    "C": (12.0, [5, 1, 3, 1, 2]),
    "D": (8.0, [3, 0, 0, 5, 0]),
    "F": (5.0, [1, 1, 1, 1, 1]),
    "G": (6.0, [5, 0, 0, 4, 0]),
}


def _vk_frame(rows: list[tuple[str, int, list[int]]] = VK_ROWS, crs: str | None = "EPSG:28992") -> gpd.GeoDataFrame:
    data: dict[str, list[object]] = {"crs28992res100m": [r[0] for r in rows], "aantal_inwoners": [r[1] for r in rows]}
    for j, col in enumerate(VK_BANDS):
        data[col] = [r[2][j] for r in rows]
    geoms = [box(230_000 + 100 * i, 550_000, 230_100 + 100 * i, 550_100) for i in range(len(rows))]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=crs)


@pytest.fixture
def vk_path(tmp_path: Path) -> Path:
    path = tmp_path / "cbs_vk100_2022.gpkg"
    _vk_frame().to_file(path, layer="vierkanten", driver="GPKG")
    return path


def test_vk_codes_imputed(vk_path: Path) -> None:
    pop = load_cbs_vierkant(vk_path)
    assert list(pop.columns[:11]) == ["cell_id", *POP_COLUMNS, "municipality", "cell_size_m", "imputed", "placement"]
    assert pop["cell_id"].tolist() == ["A", "B", "C", "D", "F", "G"]
    for cell, (total, bands) in VK_EXPECTED.items():
        row = pop.set_index("cell_id").loc[cell]
        assert row["pop_total"] == pytest.approx(total), cell
        assert row[list(AGE_COLUMNS)].to_numpy(dtype=float) == pytest.approx(bands), cell
    assert pop.set_index("cell_id")["imputed"].to_dict() == {
        "A": False,
        "B": True,
        "C": True,
        "D": True,
        "F": True,
        "G": True,
    }
    assert (pop[list(POP_COLUMNS)].to_numpy() >= 0).all()
    assert (pop["cell_size_m"] == 100.0).all()
    assert pop.crs.to_epsg() == 28992
    assert pop.geometry.iloc[0].equals(Point(230_050, 550_050))
    quality = pop.attrs["source"]["quality"]
    assert quality["secret_codes"] == 10
    assert quality["missing_codes"] == 2
    assert quality["empty_cells_dropped"] == 1
    assert quality["imputed_residents"] == pytest.approx(2.0)
    assert quality["imputed_band_residents"] == pytest.approx(4.0)
    assert pop.attrs["source"]["year"] == 2022
    assert pop["municipality"].isna().all()


def test_vk_secret_value_is_explicit(vk_path: Path) -> None:
    pop = load_cbs_vierkant(vk_path, secret_value=3.0).set_index("cell_id")
    assert pop.loc["B", "pop_total"] == 3.0
    assert pop.loc["B", "pop_0_14"] == pytest.approx(0.6)
    with pytest.raises(ConfigError):
        load_cbs_vierkant(vk_path, secret_value=-1.0)


def test_vk_municipality(vk_path: Path) -> None:
    munis = gpd.GeoDataFrame(
        {"municipality": ["Links"]}, geometry=[box(229_000, 549_000, 230_350, 551_000)], crs="EPSG:28992"
    )
    pop = load_cbs_vierkant(vk_path, municipalities=munis).set_index("cell_id")
    assert pop.loc["A", "municipality"] == "Links"
    # G's centre (230_650) is 300 m outside: nearest within 2 km
    assert pop.loc["G", "municipality"] == "Links"


def test_vk_other_negative_is_error(tmp_path: Path) -> None:
    path = tmp_path / "vk.gpkg"
    _vk_frame([("X", 10, [2, 3, 1, 4, 0]), ("Y", 7, [-5, 3, 1, 4, 0])]).to_file(path, driver="GPKG")
    with pytest.raises(InvalidDataError, match=r"Y:aantal_inwoners_0_tot_15_jaar=-5"):
        load_cbs_vierkant(path)


def test_vk_missing_columns_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "vk.gpkg"
    _vk_frame().drop(columns=[VK_BANDS[-1]]).to_file(path, driver="GPKG")
    with pytest.raises(MissingColumnsError, match="65_jaar_en_ouder"):
        load_cbs_vierkant(path)
    path2 = tmp_path / "vk2.gpkg"
    _vk_frame().rename(columns={"crs28992res100m": "id"}).to_file(path2, driver="GPKG")
    with pytest.raises(MissingColumnsError, match="crs28992res100m"):
        load_cbs_vierkant(path2)


def test_vk_corrupt_and_absent(tmp_path: Path) -> None:
    path = tmp_path / "garbage.gpkg"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InvalidDataError, match="geen leesbare GeoPackage"):
        load_cbs_vierkant(path)
    with pytest.raises(DataNotFoundError):
        load_cbs_vierkant(tmp_path / "absent.gpkg")


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_vk_crs(tmp_path: Path) -> None:
    lonlat = tmp_path / "lonlat.gpkg"
    _vk_frame().to_crs("EPSG:4326").to_file(lonlat, driver="GPKG")
    pop = load_cbs_vierkant(lonlat)
    assert pop.geometry.iloc[0].distance(Point(230_050, 550_050)) < 1.0
    wrong = tmp_path / "wrong.gpkg"
    frame = _vk_frame()
    frame = frame.set_geometry(frame.geometry.translate(1_000_000, 0))  # far outside the Netherlands
    frame.to_file(wrong, driver="GPKG")
    with pytest.raises(CRSError, match="buiten Nederland"):
        load_cbs_vierkant(wrong)
    nocrs = tmp_path / "nocrs.gpkg"
    _vk_frame(crs=None).to_file(nocrs, driver="GPKG")
    with pytest.raises(CRSError):
        load_cbs_vierkant(nocrs)


def test_vk_layer_choice(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    _vk_frame().to_file(path, layer="a", driver="GPKG")
    _vk_frame().to_file(path, layer="b", driver="GPKG")
    with pytest.raises(ConfigError, match="meerdere lagen"):
        load_cbs_vierkant(path)
    assert len(load_cbs_vierkant(path, layer="b")) == 6
    with pytest.raises(InvalidDataError, match="geen laag 'c'"):
        load_cbs_vierkant(path, layer="c")


# ---------------------------------------------------------------- census grid (hand-made CSV)

CSV_HEAD = "GRD_ID,T,Y_LT15,Y_1564,Y_GE65,T_CI,Y_LT15_CI,Y_1564_CI,Y_GE65_CI\n"


def _hand_pc4() -> gpd.GeoDataFrame:
    """One PC4 area covering the two test cells; 15-24 : 25-44 : 45-64 = 1 : 2 : 1."""
    return gpd.GeoDataFrame(
        {
            "postcode": ["9999"],
            "municipality": ["Testgem"],
            "pop_total": [100.0],
            "pop_0_14": [20.0],
            "pop_15_24": [10.0],
            "pop_25_44": [20.0],
            "pop_45_64": [10.0],
            "pop_65plus": [40.0],
        },
        geometry=[box(215_000, 510_000, 235_000, 520_000)],
        crs="EPSG:28992",
    )


def test_census_grid_hand_made(tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text(
        CSV_HEAD
        + "CRS3035RES1000mN3284000E4076000,100,20,40,40,0,0,0,0\n"
        + "CRS3035RES1000mN3284000E4080000,50,10,-9999,5,0,0,-9999,0\n"  # confidential 15-64 band
        + "CRS3035RES1000mN3284000E4084000,,4,8,8,0,0,0,0\n"  # empty total: sum of the bands, 20
    )
    munis = gpd.GeoDataFrame({"municipality": ["Testgem"]}, geometry=[_hand_pc4().geometry.iloc[0]], crs="EPSG:28992")
    pop = load_census_grid(path, data_dir=tmp_path, municipalities=munis, pc4=_hand_pc4()).set_index("cell_id")
    first = pop.loc["CRS3035RES1000mN3284000E4076000"]
    assert first[list(POP_COLUMNS)].to_numpy(dtype=float) == pytest.approx([100, 20, 10, 20, 10, 40])
    second = pop.loc["CRS3035RES1000mN3284000E4080000"]  # 15-64 = 50 - 15 = 35, split 1:2:1
    assert second[list(POP_COLUMNS)].to_numpy(dtype=float) == pytest.approx([50, 10, 8.75, 17.5, 8.75, 5])
    third = pop.loc["CRS3035RES1000mN3284000E4084000"]
    assert third[list(POP_COLUMNS)].to_numpy(dtype=float) == pytest.approx([20, 4, 2, 4, 2, 8])
    assert pop["imputed"].tolist() == [False, True, True]
    assert pop.attrs["source"]["quality"]["imputed_residents"] == 0.0
    assert (pop["municipality"] == "Testgem").all()
    assert (pop["cell_size_m"] == 1000.0).all()
    x, y = Transformer.from_crs(3035, 28992, always_xy=True).transform(4076500.0, 3284500.0)
    assert first.geometry.distance(Point(x, y)) < 0.01
    assert pop.attrs["source"]["quality"]["imputed_band_residents"] == pytest.approx(35.0)
    assert pop.attrs["source"]["year"] == 2021


def test_census_grid_without_pc4_leaves_bands_empty(tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text(CSV_HEAD + "CRS3035RES1000mN3284000E4076000,100,20,40,40,0,0,0,0\n")
    pop = load_census_grid(path, data_dir=tmp_path)
    assert pop["pop_15_24"].isna().all()
    assert pop["pop_0_14"].iloc[0] == 20.0
    assert pop["municipality"].isna().all()
    assert any("PC4" in w for w in pop.attrs["source"]["warnings"])


def test_census_grid_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text(CSV_HEAD + "CRS3035RES1000mN32840E4076000x,100,20,40,40,0,0,0,0\n")
    with pytest.raises(InvalidDataError, match="onleesbare GRD_ID"):
        load_census_grid(path, data_dir=tmp_path)
    path.write_text("GRD_ID,T\nCRS3035RES1000mN3284000E4076000,5\n")
    with pytest.raises(MissingColumnsError, match="Y_LT15"):
        load_census_grid(path, data_dir=tmp_path)
    with pytest.raises(DataNotFoundError, match="spreiding fetch"):
        load_census_grid(data_dir=tmp_path)


# ---------------------------------------------------------------- placement on street nodes


def _grid() -> gpd.GeoDataFrame:
    """Three 100 m cells side by side: A (pop 10), B (pop 7), C (pop 3)."""
    pop = np.array([[10, 2, 2, 2, 2, 2], [7, 1, 1, 1, 1, 3], [3, 0, 0, 0, 0, 3]], dtype=float)
    frame = gpd.GeoDataFrame(
        {"cell_id": ["A", "B", "C"]},
        geometry=[Point(200_050, 500_050), Point(200_150, 500_050), Point(200_250, 500_050)],
        crs="EPSG:28992",
    )
    for j, col in enumerate(POP_COLUMNS):
        frame[col] = pop[:, j]
    frame["municipality"] = "M"
    frame["cell_size_m"] = 100.0
    frame["imputed"] = False
    frame["placement"] = "cell_centre"
    return frame


# nodes: 0,1 residential in A; 2 non-residential in A; 3 residential in B; 4 far away;
# 5 on the A|B border (x = 200_100): goes to exactly one cell
NODE_X = np.array([200_010.0, 200_090.0, 200_050.0, 200_120.0, 300_000.0, 200_100.0])
NODE_Y = np.array([500_010.0, 500_090.0, 500_050.0, 500_020.0, 500_000.0, 500_050.0])
RESIDENTIAL = np.array([True, True, False, True, True, True])


def test_place_on_streets_totals_and_ids() -> None:
    grid = _grid()
    before = grid.copy()
    placed = place_on_streets(grid, NODE_X, NODE_Y, RESIDENTIAL)
    pd.testing.assert_frame_equal(grid, before)
    sums = placed.groupby("cell_id")[list(POP_COLUMNS)].sum()
    np.testing.assert_allclose(sums.loc[["A", "B", "C"]].to_numpy(), grid[list(POP_COLUMNS)].to_numpy(), rtol=1e-12)
    assert placed["point_id"].is_unique
    nodes = placed["node_pos"].dropna().astype(int).tolist()
    assert sorted(nodes) == [0, 1, 3, 5]  # 2 not residential, 4 outside every cell
    assert placed.set_index("point_id").loc["C:0", "placement"] == "cell_centre"
    assert pd.isna(placed.set_index("point_id").loc["C:0", "node_pos"])
    street = placed[placed["placement"] == "street_nodes"]
    assert len(street) == 4
    a_rows = placed[placed["cell_id"] == "A"]
    n_a = len(a_rows)
    assert n_a in (2, 3)  # nodes 0, 1 (+ 5 if the border node went to A)
    assert a_rows["pop_total"].to_numpy() == pytest.approx([10 / n_a] * n_a)
    node0 = placed[placed["node_pos"] == 0].geometry.iloc[0]
    assert node0.equals(Point(200_010, 500_010))
    assert placed.crs.to_epsg() == 28992


def test_place_on_streets_fallback_and_errors() -> None:
    grid = _grid()
    grid["cell_size_m"] = np.nan  # e.g. PC4 points: no square
    placed = place_on_streets(grid, NODE_X, NODE_Y, RESIDENTIAL)
    assert len(placed) == 3
    assert placed["pop_total"].tolist() == [10.0, 7.0, 3.0]
    assert (placed["placement"] == "cell_centre").all()
    bigger = place_on_streets(grid, NODE_X, NODE_Y, RESIDENTIAL, cell_size_m=100.0)
    assert len(bigger) == 5
    with pytest.raises(ConfigError):
        place_on_streets(grid, NODE_X, NODE_Y[:-1], RESIDENTIAL)
    with pytest.raises(ConfigError):
        place_on_streets(grid, NODE_X, NODE_Y, RESIDENTIAL.astype(int))


def test_population_summary() -> None:
    grid = _grid()
    grid.loc[2, "municipality"] = None
    summary = population_summary(grid)
    assert summary.loc["M", "pop_total"] == 17.0
    assert summary.loc["M", "cells"] == 2
    assert summary.loc["(none)", "pop_65plus"] == 3.0
    placed = place_on_streets(grid, NODE_X, NODE_Y, RESIDENTIAL)
    again = population_summary(placed)
    assert again.loc["M", "cells"] == 2
    assert again.loc["M", "pop_total"] == pytest.approx(17.0)


def test_pc4_as_population_hand_made() -> None:
    pc4 = _hand_pc4()
    pop = pc4_as_population(pc4)
    assert pop["cell_id"].tolist() == ["9999"]
    assert pop["placement"].iloc[0] == "pc4_point"
    assert pc4.geometry.iloc[0].contains(pop.geometry.iloc[0])
    assert np.isnan(pop["cell_size_m"].iloc[0])
    assert pop["pop_total"].iloc[0] == 100.0


# ---------------------------------------------------------------- real data


@needs_grid
@pytest.mark.data
def test_real_census_grid() -> None:
    pop = load_census_grid()
    assert len(pop) == 2073
    assert pop["cell_id"].is_unique
    assert pop["pop_total"].sum() == pytest.approx(495_692, abs=5)
    assert pop.crs.to_epsg() == 28992
    minx, miny, maxx, maxy = pop.total_bounds
    assert minx > 200_000 and maxx < 270_000
    assert miny > 510_000 and maxy < 580_000
    bands = pop[list(AGE_COLUMNS)]
    assert bands.notna().all().all()
    gap = (bands.sum(axis=1) - pop["pop_total"]).abs()
    assert gap.max() <= 10  # Eurostat's perturbation: a few residents per cell
    assert bands.to_numpy().sum() == pytest.approx(pop["pop_total"].sum(), rel=1e-3)
    assert pop["municipality"].notna().all()
    assert pop["municipality"].nunique() == 12
    assert pop.attrs["source"]["quality"]["cells_without_municipality"] == 0
    assert (pop["placement"] == "cell_centre").all()
    summary = population_summary(pop)
    assert len(summary) == 12
    assert summary.loc["Emmen", "pop_total"] > summary.loc["Westerveld", "pop_total"]


@needs_pc4
@pytest.mark.data
def test_real_pc4() -> None:
    pc4 = load_pc4()
    assert len(pc4) == 260
    assert pc4["pop_total"].sum() == pytest.approx(494_705)
    assert pc4["postcode"].is_unique
    assert pc4["municipality"].nunique() == 12
    assert (pc4[list(POP_COLUMNS)].to_numpy() >= 0).all()
    points = pc4_as_population(pc4)
    assert len(points) == 260
    assert points.geometry.geom_type.eq("Point").all()
    assert points["pop_total"].sum() == pytest.approx(494_705)


def test_place_on_streets_fallback_nodes_for_cells_without_residential_streets() -> None:
    """Hand-made: two 100 m cells; cell a has one residential node, cell b only two country-road nodes."""
    grid = gpd.GeoDataFrame(
        {
            "cell_id": ["a", "b"],
            **{c: [10.0, 6.0] for c in ("pop_total", "pop_0_14", "pop_15_24", "pop_25_44", "pop_45_64", "pop_65plus")},
            "cell_size_m": [100.0, 100.0],
            "placement": ["cell_centre", "cell_centre"],
        },
        geometry=[Point(50, 50), Point(250, 50)],
        crs="EPSG:28992",
    )
    x = np.array([40.0, 60.0, 240.0, 260.0])
    y = np.array([40.0, 60.0, 50.0, 50.0])
    residential = np.array([True, False, False, False])
    fallback = np.array([False, True, True, True])  # node 1 is in cell a, but a has a residential node
    placed = place_on_streets(grid, x, y, residential, fallback=fallback)
    a = placed[placed.cell_id == "a"]
    b = placed[placed.cell_id == "b"]
    assert a.node_pos.tolist() == [0] and a.pop_total.sum() == 10.0
    assert sorted(b.node_pos.tolist()) == [2, 3] and b.pop_total.tolist() == [3.0, 3.0]
    assert (placed.placement == "street_nodes").all()
    without = place_on_streets(grid, x, y, residential)
    assert without[without.cell_id == "b"].placement.tolist() == ["cell_centre"]
