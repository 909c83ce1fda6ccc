"""Residents on street nodes by default: municipality by node, the 250 m rule, ring cells, presets.

Hand-made fixture (invented values, not real data), EPSG:28992 metres:

* two municipalities side by side: ``West`` = box(0, 0, 1000, 2000) and
  ``Oost`` = box(1000, 0, 2000, 2000); the region is their union;
* cell ``mid`` (1 km, centre (900, 500), in West, 30 residents) straddles the
  municipal border: street nodes at x = 500 (West), 1200 and 1300 (Oost);
* ring cell ``ring`` (1 km, centre (1500, 2300), outside the region, share
  inside 0.2, 40 residents) with four nodes: two inside Oost, one 240 m above
  the region (kept: nearest municipality within 250 m), one 260 m above it
  (dropped and counted);
* ring cell ``ring2`` (1 km, centre (500, 2400), share 0.1, 50 residents) with
  no street node.

Each cell's residents spread evenly over its nodes (10 per node).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from spreiding.analysis.norm import PRESETS
from spreiding.analysis.placement import DEFAULT_PLACEMENT, placement_notes, population_points
from spreiding.analysis.presets import PRESET_SETTINGS, PresetSettings, preset_settings
from spreiding.app.workspace import Settings, StudyKey
from spreiding.cli._common import placement_from_args
from spreiding.cli.main import build_parser, norm_from_args
from spreiding.data.border import SHARE_COLUMN, load_border_cells, with_border_cells
from spreiding.data.population import POP_COLUMNS
from spreiding.data.region import load_region
from spreiding.errors import ConfigError, InvalidDataError, MissingColumnsError
from spreiding.study import Study, StudySettings

from .test_synthetic_region import REGION, proefland  # noqa: F401 - the synthetic region's fixture

AREAS = gpd.GeoDataFrame(
    {"municipality": ["West", "Oost"]}, geometry=[box(0, 0, 1000, 2000), box(1000, 0, 2000, 2000)], crs="EPSG:28992"
)
#                 mid: West, Oost, Oost | ring: in, in, 240 m out, 260 m out
NODE_X = np.array([500.0, 1200.0, 1300.0, 1200.0, 1500.0, 1800.0, 1200.0])
NODE_Y = np.array([500.0, 500.0, 600.0, 1900.0, 1950.0, 2240.0, 2260.0])


def _network() -> SimpleNamespace:
    """What population_points reads of a road network: node positions and two masks."""
    n = len(NODE_X)
    return SimpleNamespace(x=NODE_X, y=NODE_Y, residential=np.ones(n, bool), in_lcc=np.ones(n, bool))


def _cells() -> gpd.GeoDataFrame:
    pop = np.array([[30, 3, 6, 9, 6, 6], [40, 4, 8, 12, 8, 8], [50, 5, 10, 15, 10, 10]], dtype=float)
    frame = gpd.GeoDataFrame(
        {"cell_id": ["mid", "ring", "ring2"]},
        geometry=[Point(900, 500), Point(1500, 2300), Point(500, 2400)],
        crs="EPSG:28992",
    )
    for j, col in enumerate(POP_COLUMNS):
        frame[col] = pop[:, j]
    frame["municipality"] = ["West", "Oost", "West"]  # the centre's (nearest) municipality
    frame["cell_size_m"] = 1000.0
    frame["imputed"] = False
    frame["placement"] = "cell_centre"
    frame[SHARE_COLUMN] = [1.0, 0.2, 0.1]
    return frame


def _by_municipality(points: pd.DataFrame) -> dict[str, float]:
    return {str(k): float(v) for k, v in points.groupby("municipality")["pop_total"].sum().items()}


def test_street_nodes_go_to_the_municipality_they_lie_in() -> None:
    cells = _cells()
    before = cells.copy()
    placed = population_points(cells, "street_nodes", _network(), areas=AREAS)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(cells, before)  # the caller's frame is never changed
    mid = placed[placed["cell_id"] == "mid"]
    assert _by_municipality(mid) == {"Oost": 20.0, "West": 10.0}  # not all 30 to the centre's West
    without = population_points(cells.iloc[:1], "street_nodes", _network())  # type: ignore[arg-type]
    assert _by_municipality(without) == {"West": 30.0}  # no polygons: the cell's municipality


def test_ring_cell_counts_the_residents_on_nodes_inside_and_the_250_m_rule() -> None:
    placed = population_points(_cells(), "street_nodes", _network(), areas=AREAS)  # type: ignore[arg-type]
    ring = placed[placed["cell_id"] == "ring"]
    # four nodes of 10: two inside, one 240 m out (nearest municipality), one 260 m out (dropped)
    assert len(ring) == 3
    assert ring["pop_total"].tolist() == [10.0, 10.0, 10.0]
    assert set(ring["municipality"]) == {"Oost"}
    assert not any(g.equals(Point(1200, 2260)) for g in ring.geometry)
    quality = placed.attrs["source"]["quality"]
    assert quality["street_points_outside"] == 1.0
    assert quality["residents_outside"] == pytest.approx(10.0)
    assert placement_notes(placed) == [
        "10 inwoners op 1 straatknopen buiten de gemeenten (verder dan 250 m van de dichtstbijzijnde) tellen niet mee"
    ]
    # ring2 has no street node: it stays at its centre, weighted by its share (50 x 0.1)
    ring2 = placed[placed["cell_id"] == "ring2"]
    assert ring2["pop_total"].tolist() == pytest.approx([5.0])
    assert ring2["placement"].tolist() == ["cell_centre"]
    assert placed["pop_total"].sum() == pytest.approx(30 + 30 + 5)
    tighter = population_points(_cells(), "street_nodes", _network(), areas=AREAS, outside_max_m=200.0)  # type: ignore[arg-type]
    assert tighter.attrs["source"]["quality"]["street_points_outside"] == 2.0


def test_ring_cells_at_cell_centres_are_weighted_by_their_share() -> None:
    cells = _cells()
    centres = population_points(cells, "cell_centre")
    got = centres.set_index("cell_id")[list(POP_COLUMNS)]
    assert got.loc["mid"].tolist() == [30.0, 3.0, 6.0, 9.0, 6.0, 6.0]
    assert got.loc["ring"].tolist() == pytest.approx([8.0, 0.8, 1.6, 2.4, 1.6, 1.6])
    assert got.loc["ring2"].tolist() == pytest.approx([5.0, 0.5, 1.0, 1.5, 1.0, 1.0])
    assert cells["pop_total"].tolist() == [30.0, 40.0, 50.0]  # input unchanged
    again = population_points(centres, "cell_centre")
    assert again["pop_total"].sum() == pytest.approx(43.0)  # weighting twice is harmless
    # street nodes without polygons: ring cells by share too (4 nodes x 10 x 0.2)
    loose = population_points(cells, "street_nodes", _network())  # type: ignore[arg-type]
    assert loose.loc[loose["cell_id"] == "ring", "pop_total"].sum() == pytest.approx(8.0)


# ---------------------------------------------------------------- the ring-cell file

HEAD = "GRD_ID,T,Y_LT15,Y_1564,Y_GE65,share_in_drenthe\n"
CELL = "CRS3035RES1000mN3284000E4076000"


def _centre() -> tuple[float, float]:
    x, y = Transformer.from_crs(3035, 28992, always_xy=True).transform(4076500.0, 3284500.0)
    return float(x), float(y)


def _pc4() -> gpd.GeoDataFrame:
    """Invented PC4 areas: ``near`` 6 km east of the cell (15-64 split 1:2:1), ``far`` 30 km (1:1:2)."""
    x, y = _centre()
    return gpd.GeoDataFrame(
        {
            "postcode": ["1111", "2222"],
            "pop_15_24": [10.0, 100.0],
            "pop_25_44": [20.0, 100.0],
            "pop_45_64": [10.0, 200.0],
        },
        geometry=[box(x + 6000, y - 1000, x + 8000, y + 1000), box(x + 30000, y - 1000, x + 32000, y + 1000)],
        crs="EPSG:28992",
    )


def test_load_border_cells_hand_made(tmp_path: Path) -> None:
    path = tmp_path / "rand.csv"
    path.write_text(HEAD + f"{CELL},100,20,40,40,0.25\n")
    x, y = _centre()
    munis = gpd.GeoDataFrame(
        {"municipality": ["Binnen"]}, geometry=[box(x + 600, y - 500, x + 5000, y + 500)], crs=28992
    )
    ring = load_border_cells(path, data_dir=tmp_path, municipalities=munis, pc4=_pc4())
    row = ring.iloc[0]
    assert row[SHARE_COLUMN] == 0.25
    assert row["municipality"] == "Binnen"  # the nearest municipality of a centre outside every polygon
    # the nearest PC4 area's shares although it lies 6 km away (the PC4 file covers the region only)
    assert row[list(POP_COLUMNS)].to_numpy(dtype=float) == pytest.approx([100, 20, 10, 20, 10, 40])
    source = ring.attrs["source"]
    assert source["quality"]["border_residents_share_weighted"] == pytest.approx(25.0)
    assert any("dichtstbijzijnde postcodegebied" in w for w in source["warnings"])

    cells = _cells().drop(columns=SHARE_COLUMN).iloc[:1]
    both = with_border_cells(cells, ring)
    assert both[SHARE_COLUMN].tolist() == [1.0, 0.25]
    assert with_border_cells(both.iloc[:1], both.iloc[:1])[SHARE_COLUMN].tolist() == [1.0]  # duplicates left out


def test_load_border_cells_refuses_bad_shares(tmp_path: Path) -> None:
    path = tmp_path / "rand.csv"
    path.write_text(HEAD + f"{CELL},100,20,40,40,0\n")
    with pytest.raises(InvalidDataError, match=CELL):
        load_border_cells(path, data_dir=tmp_path, pc4=_pc4())
    path.write_text(HEAD.replace(",share_in_drenthe", "") + f"{CELL},100,20,40,40\n")
    with pytest.raises(MissingColumnsError, match="share_in_drenthe"):
        load_border_cells(path, data_dir=tmp_path, pc4=_pc4())


# ---------------------------------------------------------------- defaults and the cbs-auto preset


def test_street_nodes_are_the_default_everywhere() -> None:
    assert DEFAULT_PLACEMENT == "street_nodes"
    assert StudySettings().placement == "street_nodes"
    assert Settings().placement == "street_nodes"
    assert StudyKey().placement == "street_nodes"
    args = build_parser().parse_args(["coverage"])
    assert args.placement is None
    assert placement_from_args(args) == "street_nodes"
    crowfly = build_parser().parse_args(["coverage", "--crowfly"])
    assert placement_from_args(crowfly) == "cell_centre"  # no streets without a network
    chosen = build_parser().parse_args(["coverage", "--norm", "cbs-auto", "--placement", "cell_centre"])
    assert placement_from_args(chosen) == "cell_centre"  # an explicit option wins over the preset
    refused = build_parser().parse_args(["coverage", "--crowfly", "--placement", "street_nodes"])
    with pytest.raises(ConfigError, match="wegennet nodig"):
        placement_from_args(refused)


def test_crow_fly_study_uses_cell_centres() -> None:
    lib = gpd.GeoDataFrame(
        {"id": ["L"], "name": ["Bieb"], "kind": ["vestiging"], "status": ["open"]}, geometry=[Point(0, 0)], crs=28992
    )
    study = Study(_cells(), lib)
    assert study.settings.placement == "street_nodes"
    assert set(study.points["placement"]) == {"cell_centre"}
    assert study.points["pop_total"].sum() == pytest.approx(30 + 8 + 5)  # ring cells by share


def test_cbs_auto_keeps_its_name_and_fills_in_street_nodes() -> None:
    parser = build_parser()
    preset = PRESETS["cbs-auto"]
    for extra in (
        [],
        ["--mode", "car"],
        ["--mode", "auto"],
        ["--max-km", "5"],
        ["--kinds", "vestiging,kleine_vestiging,servicepunt"],
    ):
        norm = norm_from_args(parser.parse_args(["coverage", "--norm", "cbs-auto", *extra]))
        assert norm == preset, extra
        assert norm.name == preset.name
    changed = norm_from_args(parser.parse_args(["coverage", "--norm", "cbs-auto", "--max-km", "3"]))
    assert changed.name == "3 km over de weg (auto)"
    assert preset.mode == "car" and preset.kinds == frozenset({"vestiging", "kleine_vestiging", "servicepunt"})
    assert preset.max_dist_m == 5000.0  # a km limit for the covered share
    assert preset_settings("cbs-auto").placement == "street_nodes"
    assert preset_settings("5km-auto") == PresetSettings() and preset_settings(None) == PresetSettings()
    assert set(PRESET_SETTINGS) <= set(PRESETS)
    with pytest.raises(ConfigError, match="voorbeeldnorm"):
        preset_settings("geen-preset")
    with pytest.raises(ConfigError, match="plaatsing"):
        PresetSettings(placement="overal")


def test_ring_cells_are_read_the_same_way_for_any_region(proefland: tuple[Path, Path]) -> None:  # noqa: F811
    """The synthetic region of test_synthetic_region, with its own file name and share column."""
    spec_path, root = proefland
    region = load_region(root, region=spec_path)
    assert region.border_file is not None and not region.border_file.exists()  # absent: the Data page says so
    assert region.border_cells == 0 and region.residents == pytest.approx(600.0)
    # an invented ring cell just east of C3 (its centre outside Proefland), 30 % of it inside
    share_column = REGION["columns"]["share_column"]
    ring = pd.DataFrame(
        [("CRS3035RES1000mN3284000E4073000", 50, 10, 30, 10, 0.3)],
        columns=["GRD_ID", "T", "Y_LT15", "Y_1564", "Y_GE65", share_column],
    )
    ring.to_csv(region.border_file, index=False)
    region = load_region(root, region=spec_path)
    assert region.border_cells == 1
    assert region.residents == pytest.approx(600.0 + 0.3 * 50)
    row = region.population.iloc[-1]
    assert (row["cell_id"], row["municipality"], row[SHARE_COLUMN]) == (
        "CRS3035RES1000mN3284000E4073000",
        "Oostdorp",
        0.3,
    )
    assert any(s["path"] == str(region.border_file) for s in region.sources)
    crowfly = Study.from_region(region)  # no network: cell centres, the ring cell by its share
    assert crowfly.points["pop_total"].sum() == pytest.approx(615.0)
