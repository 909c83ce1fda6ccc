"""Kernen (villages) and CBS areas as groupings: one definition, clipped to the municipality.

Hand-made graph (the tiny graph of ``conftest.py``, car): residents at nodes
A (0, 0), B (1000, 0) and D (1000, 1000); one library at A. B→A = 1000 m
(residential, two-way), D→A = 1200 m. Municipalities (invented): A and B in
"West", D in "Oost". Place points (invented): "Adorp" (West) at A; "Ddorp"
(Oost) at (1000, 100), which is nearer to B (100 m) than Adorp (1000 m): B
must still go to Adorp, the kern of its own municipality.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from spreiding.analysis.groups import assign_areas
from spreiding.analysis.kernen import assign_kernen, kern_points
from spreiding.analysis.norm import Norm
from spreiding.cli.main import main
from spreiding.data.wijkbuurt import load_areas
from spreiding.errors import DataNotFoundError, MissingColumnsError
from spreiding.network.roads import build_network
from spreiding.output.report import uncovered_places
from spreiding.study import Study, StudySettings

from .conftest import TINY_EDGES, TINY_NODES, points

NORM = Norm(name="1,1 km", mode="car", max_dist_m=1100.0)


def _places() -> gpd.GeoDataFrame:
    return points(
        [(0, 0), (1000, 100), (980, 0), (3000, 0)],
        name=["Adorp", "Ddorp", "Wijkje", "Verweg"],
        place_class=["village", "hamlet", "suburb", "town"],
        municipality=["West", "Oost", "West", "Oost"],
    )


def _study(**kw: object) -> Study:
    population = points(
        [(0, 0), (1000, 0), (1000, 1000)],
        cell_id=["a", "b", "d"],
        pop_total=[100.0, 200.0, 300.0],
        municipality=["West", "West", "Oost"],
        placement=["cell_centre"] * 3,
    )
    facilities = points(
        [(0, 0)], id=["f1"], name=["Bieb"], kind=["vestiging"], status=["open"], municipality=["West"],
        host_building=[None],
    )  # fmt: skip
    network = build_network(TINY_NODES.copy(), TINY_EDGES.copy(), "car")
    return Study(population, facilities, network, StudySettings(mode="car"), total_label="Totaal", **kw)


def test_kern_is_the_nearest_place_point_of_the_own_municipality() -> None:
    pts = points([(900, 0), (1200, 0), (2600, 0), (990, 0)], municipality=["West", "Oost", "Oost", None])
    got = assign_kernen(pts, _places())
    # (900, 0): Ddorp (Oost) is 141 m away, the suburb "Wijkje" 80 m; neither counts: Adorp (West).
    # (990, 0) without a municipality: the nearest kern of any municipality (Ddorp at 100 m).
    assert got["kern_name"].tolist() == ["Adorp", "Ddorp", "Verweg", "Ddorp"]
    assert got.index.equals(pts.index)
    assert set(kern_points(_places())["name"]) == {"Adorp", "Ddorp", "Verweg"}  # suburbs are no kern


def test_coverage_by_kern_on_a_hand_made_graph() -> None:
    study = _study(places=_places())
    table = study.evaluate(NORM, by="kern").table
    assert list(table.columns[:3]) == ["code", "name", "municipality"]
    rows = table.set_index("name")
    # Adorp: A (100 at 0 m) and B (200 at 1000 m) -> mean 2000/3 m, all within 1,1 km
    assert rows.loc["Adorp", "municipality"] == "West" and rows.loc["Adorp", "residents"] == 300.0
    assert rows.loc["Adorp", "mean_dist_m"] == pytest.approx(200 * 1000.0 / 300, abs=1.0)
    assert rows.loc["Adorp", "covered"] == 300.0
    # Ddorp: D (300 at 1200 m) -> outside the norm
    assert rows.loc["Ddorp", "mean_dist_m"] == pytest.approx(1200.0, abs=1.0)
    assert rows.loc["Ddorp", "covered"] == 0.0
    assert table.iloc[-1]["name"] == "Totaal" and table.iloc[-1]["residents"] == 600.0
    assert "Verweg" not in rows.index  # a kern without residents has no row


def test_report_villages_use_the_same_kern() -> None:
    study = _study(places=_places())
    ev = study.evaluate(Norm(name="0,5 km", mode="car", max_dist_m=500.0))
    assert set(ev.uncovered["kern_name"]) == {"Adorp", "Ddorp"}  # uncovered points carry their kern
    table = uncovered_places(ev.uncovered, _places(), facilities=ev.counted).set_index("place")
    assert table.loc["Adorp", "residents"] == 200.0  # B, although Ddorp is nearer to it
    assert table.loc["Ddorp", "residents"] == 300.0


def test_by_kern_without_place_points_is_a_clear_error() -> None:
    with pytest.raises(MissingColumnsError, match="spreiding fetch"):
        _study().evaluate(NORM, by="kern")


def _wijken() -> gpd.GeoDataFrame:
    """Invented wijken: West of x = 500 and east of it (codes that do not exist)."""
    return gpd.GeoDataFrame(
        {"code": ["WK990100", "WK990101"], "name": ["Wijk West", "Wijk Oost"], "municipality": ["West", "West"]},
        geometry=[box(-500, -500, 500, 1500), box(500, -500, 1500, 1500)],
        crs="EPSG:28992",
    )


def test_coverage_by_wijk_with_hand_made_polygons() -> None:
    table = _study(areas={"wijk": _wijken()}).evaluate(NORM, by="wijk").table.set_index("code")
    assert table.loc["WK990100", "residents"] == 100.0 and table.loc["WK990100", "name"] == "Wijk West"
    assert table.loc["WK990101", "residents"] == 500.0  # B and D
    outside = assign_areas(points([(5000, 5000)]), _wijken(), "wijk")
    assert outside["wijk"].isna().all()


def test_load_areas_reads_cbs_columns_and_names_the_fix(tmp_path) -> None:
    cbs = _wijken().rename(columns={"code": "wijkcode", "name": "wijknaam", "municipality": "gemeentenaam"})
    cbs["gemeentenaam"] = ["Assen", "Assen"]  # a municipality of the default region
    cbs["water"] = ["NEE", "JA"]
    path = tmp_path / "wijkbuurtkaart.gpkg"
    cbs.to_file(path, layer="wijken", driver="GPKG")
    areas = load_areas("wijk", path=path)
    assert areas[["code", "name", "municipality"]].values.tolist() == [["WK990100", "Wijk West", "Assen"]]
    with pytest.raises(DataNotFoundError, match="spreiding fetch"):
        load_areas("buurt", path=path)  # no buurt layer
    with pytest.raises(DataNotFoundError, match="spreiding fetch"):
        load_areas("wijk", tmp_path / "empty")


@pytest.mark.data
def test_cli_coverage_by_kern_on_real_data(real_data, tmp_path, capsys) -> None:
    out = tmp_path / "K.csv"
    code = main(["coverage", "--norm", "cbs-auto", "--by", "kern", "--out", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    table = pd.read_csv(out, encoding="utf-8-sig")
    body = table.iloc[:-1]
    assert list(table.columns[:3]) == ["code", "name", "municipality"]
    assert body["code"].is_unique and body["name"].notna().all() and len(body) > 200
    assert body["municipality"].nunique() == 12
    assert body["residents"].sum() == pytest.approx(table.iloc[-1]["residents"])
    assert capsys.readouterr().out.count("Gieterveen") == 1


@pytest.mark.data
def test_cli_by_wijk_without_polygons_is_one_dutch_line(real_data, capsys) -> None:
    if (real_data.root / "gebieden" / "wijkbuurtkaart_2023_v1.zip").exists():
        pytest.skip("the data folder has the CBS wijk- en buurtkaart")
    code = main(["coverage", "--by", "wijk", "--crowfly", "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "wijkgrenzen" in err[0] and "spreiding fetch" in err[0] and "--areas" in err[0]


def test_map_tooltips_name_the_kern() -> None:
    from spreiding.output.maps import map_payload

    study = _study(places=_places())
    ev = study.evaluate(NORM)
    payload = map_payload(ev.points, ev.nearest, NORM, ev.facilities, covered=ev.covered, tiles=None)
    assert [tip.split(" · ")[0] for tip in payload["cells"]["tip"]] == ["Adorp", "Adorp", "Ddorp"]
    without = _study().evaluate(NORM)
    tips = map_payload(without.points, without.nearest, NORM, without.facilities, tiles=None)["cells"]["tip"]
    assert all(t.split(" · ")[0].endswith(" km") or t.startswith("niet bereikbaar") for t in tips)  # no kern
