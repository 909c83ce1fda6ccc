"""The ``spreiding`` command line: coverage tables, files, crow-fly labels and one-line errors."""

from __future__ import annotations

import pandas as pd
import pytest

from spreiding.analysis.norm import PRESETS
from spreiding.cli.main import build_parser, main, norm_from_args


def test_norm_from_args_builds_frozen_norms():
    parser = build_parser()
    args = parser.parse_args(
        ["coverage", "--mode", "fiets", "--max-min", "15", "--kinds", "vestiging", "--age", "pop_65plus"]
    )
    norm = norm_from_args(args)
    assert norm.mode == "bike" and norm.max_time_s == 900 and norm.max_dist_m is None
    assert norm.kinds == frozenset({"vestiging"}) and norm.age_band == "pop_65plus"
    preset = norm_from_args(parser.parse_args(["coverage", "--norm", "15min-fiets"]))
    assert preset == PRESETS["15min-fiets"]


def test_bad_input_exits_non_zero_with_one_line(tmp_path, capsys):
    code = main(["coverage", "--data-dir", str(tmp_path / "nowhere"), "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "SPREIDING_DATA_DIR" in err[0]


@pytest.mark.data
def test_unknown_kind_is_a_clear_error(real_data, capsys):
    code = main(["coverage", "--kinds", "bibliobus", "--crowfly", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "bibliobus" in err


@pytest.mark.data
def test_coverage_on_real_data_writes_csv(real_data, tmp_path, capsys):
    out = tmp_path / "dekking.csv"
    code = main(["coverage", "--no-progress", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "network:car" in text and "© OpenStreetMap contributors" in text
    table = pd.read_csv(out)
    required = {
        "municipality",
        "residents",
        "covered",
        "covered_pct",
        "mean_dist_m",
        "median_dist_m",
        "p90_dist_m",
        "distance_model",
    }
    assert required <= set(table.columns)
    assert len(table) == 13  # 12 municipalities + the province row
    prov = table.iloc[-1]
    assert prov.municipality == "Drenthe"
    # default: residents on street nodes. The grid's 495,692 residents less 1,251 on nodes outside every
    # municipality (more than 250 m), plus 8,885 residents of the ring cells on nodes inside the province
    assert prov.residents == pytest.approx(503_326, abs=1)
    assert "verdeeld over woonstraten" in text and "tellen niet mee" in text  # Dutch placement; dropped said
    assert table.iloc[:-1].residents.sum() == pytest.approx(prov.residents)
    # CBS-comparable mean car distance to the nearest library: a few km in Drenthe
    assert 2000 < prov.mean_dist_m < 6000
    assert (table.distance_model == "network:car").all()


@pytest.mark.data
def test_crowfly_is_labelled_and_gpkg_written(real_data, tmp_path, capsys):
    out = tmp_path / "dekking.gpkg"
    unc = tmp_path / "buiten.gpkg"
    code = main(
        ["coverage", "--crowfly", "--detour", "1.25", "--no-progress", "--out", str(out), "--uncovered-out", str(unc)]
    )
    text = capsys.readouterr().out
    assert code == 0 and "crowfly:car:x1.25" in text and "schatting" in text
    import geopandas as gpd

    table = gpd.read_file(out)
    assert (table.distance_model == "crowfly:car:x1.25").all()
    uncovered = gpd.read_file(unc)
    assert len(uncovered) > 0 and uncovered.crs.to_epsg() == 28992


@pytest.mark.data
def test_by_age_table(real_data, tmp_path, capsys):
    out = tmp_path / "age.csv"
    assert main(["coverage", "--norm", "15min-fiets", "--by-age", "--no-progress", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert set(table.age_band) >= {"pop_total", "pop_0_14", "pop_65plus"}
    total = table[(table.municipality == "Drenthe") & (table.age_band == "pop_total")].iloc[0]
    bands = table[(table.municipality == "Drenthe") & (table.age_band != "pop_total")]
    assert bands.residents.sum() == pytest.approx(total.residents, rel=0.01)
