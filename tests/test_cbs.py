"""The CBS Nabijheid voorzieningen reader and the comparison with the tool's figure.

Fixture: ``tests/fixtures/cbs_nabijheid_invented.csv`` (+ metadata JSON), in
CBS's layout with INVENTED values (see ``tests/fixtures/README.md``):
Noordveen (GM9901) 1,5 km, Zuidveen (GM9902) 2,5 km; wijk WK990100 1,2 km,
WK990101 3,0 km; buurten BU99010000 "." (secret) and BU99010001 empty, wijk
WK990200 "-": missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from spreiding.analysis.cbs_compare import METHOD_NOTES, cbs_comparison, compare_with_cbs
from spreiding.cli.main import main
from spreiding.data.cbs_stats import LIBRARY_TITLE, distance_key, fetch_cbs_table, load_cbs, read_cbs_csv
from spreiding.errors import DownloadError, MissingColumnsError
from spreiding.network.roads import build_network
from spreiding.study import Study, StudySettings

from .conftest import TINY_EDGES, TINY_NODES, points

FIXTURES = Path(__file__).parent / "fixtures"
CSV = FIXTURES / "cbs_nabijheid_invented.csv"
META = FIXTURES / "cbs_nabijheid_invented_metadata.json"


def test_reader_finds_the_key_in_the_metadata_and_reads_secret_values_as_missing() -> None:
    cbs = read_cbs_csv(CSV, META)
    assert (cbs.key, cbs.title) == ("AfstandTotBibliotheek_7", LIBRARY_TITLE)
    by_code = cbs.frame.set_index("code")
    assert by_code.loc["GM9901", "cbs_dist_m"] == pytest.approx(1500.0)
    assert by_code.loc["GM9901", "level"] == "gemeente" and by_code.loc["GM9901", "name"] == "Noordveen"
    assert by_code.loc["WK990101", "cbs_dist_m"] == pytest.approx(3000.0)
    assert by_code.loc["BU99010000", "name"] == "Noordveen-Centrum"  # from the WijkenEnBuurten dimension
    assert np.isnan(by_code.loc[["BU99010000", "BU99010001", "WK990200"], "cbs_dist_m"]).all()
    assert cbs.missing == 3
    assert cbs.level("wijk")["code"].tolist() == ["WK990100", "WK990101", "WK990200"]


def test_the_metadata_decides_the_column(tmp_path) -> None:
    meta = json.loads(META.read_text(encoding="utf-8"))
    for prop in meta["DataProperties"]:  # the library title now sits on the swimming-pool key
        if prop["Key"] == "AfstandTotBibliotheek_7":
            prop["Title"] = "Afstand tot oude bibliotheek"
        if prop["Key"] == "AfstandTotZwembad_8":
            prop["Title"] = "Afstand tot bibliotheek"
    path = tmp_path / "meta.json"
    path.write_text(json.dumps(meta), encoding="utf-8")
    cbs = read_cbs_csv(CSV, path)
    assert cbs.key == "AfstandTotZwembad_8"
    assert cbs.frame.set_index("code").loc["GM9901", "cbs_dist_m"] == pytest.approx(8800.0)


def test_without_metadata_the_header_in_cbs_key_spelling_is_used_and_decimal_commas_read(tmp_path) -> None:
    text = CSV.read_text(encoding="utf-8").replace('"1.5"', '"1,5"')
    path = tmp_path / "download.csv"
    path.write_text(text, encoding="utf-8-sig")
    cbs = load_cbs(path)
    assert cbs.key == "AfstandTotBibliotheek_7"
    assert cbs.frame.set_index("code").loc["GM9901", "cbs_dist_m"] == pytest.approx(1500.0)


def test_a_table_without_the_title_is_refused_in_dutch() -> None:
    with pytest.raises(MissingColumnsError, match=r"Afstand tot bibliotheek.*Nabijheid voorzieningen"):
        distance_key([{"Key": "AfstandTotZwembad_8", "Title": "Afstand tot zwembad"}])


def test_odata_route_pages_and_names(monkeypatch) -> None:
    meta = json.loads(META.read_text(encoding="utf-8"))
    raw = pd.read_csv(CSV, sep=";", dtype=str, keep_default_na=False)
    rows = raw.drop(columns=["ID"]).to_dict("records")
    answers = {  # the data request's $select names WijkenEnBuurten too: match it first
        "page2": {"value": rows[4:]},
        "TypedDataSet": {"value": rows[:4], "odata.nextLink": "https://example.invalid/page2"},
        "DataProperties": {"value": meta["DataProperties"]},
        "WijkenEnBuurten": {"value": meta["WijkenEnBuurten"]},
    }
    asked: list[str] = []

    def fake(url: str) -> object:
        asked.append(url)
        return next(v for k, v in answers.items() if k in url)

    cbs = fetch_cbs_table("85231NED", get_json=fake)
    assert len(cbs.frame) == len(rows) and cbs.year == 2021 and cbs.key == "AfstandTotBibliotheek_7"
    assert "AfstandTotBibliotheek_7" in asked[2]  # the data request selects the key found in the metadata

    def offline(url: str) -> object:
        raise OSError("no route to host")

    with pytest.raises(DownloadError, match="CSV"):
        fetch_cbs_table("85231NED", get_json=offline)


def _study() -> Study:
    """Tiny graph, car: residents at A (0 m) and B (B→A 1000 m) in Noordveen, D (D→A 1200 m) in Zuidveen."""
    population = points(
        [(0, 0), (1000, 0), (1000, 1000)],
        cell_id=["a", "b", "d"],
        pop_total=[100.0, 300.0, 200.0],
        municipality=["Noordveen", "Noordveen", "Zuidveen"],
        placement=["cell_centre"] * 3,
    )
    facilities = points(
        [(0, 0)], id=["f1"], name=["Bieb"], kind=["servicepunt"], status=["open"], municipality=["Noordveen"],
        host_building=[None],
    )  # fmt: skip
    network = build_network(TINY_NODES.copy(), TINY_EDGES.copy(), "car")
    return Study(population, facilities, network, StudySettings(mode="car"), total_label="Totaal")


def test_comparison_on_the_tiny_graph() -> None:
    result = cbs_comparison(_study(), read_cbs_csv(CSV, META))
    rows = result.table.set_index("name")
    # Noordveen: (100 x 0 + 300 x 1000) / 400 = 750 m (a servicepunt counts: all kinds); CBS 1500 m
    assert rows.loc["Noordveen", "mean_dist_m"] == pytest.approx(750.0, abs=1.0)
    assert rows.loc["Noordveen", "cbs_diff_m"] == pytest.approx(-750.0, abs=1.0)
    assert rows.loc["Noordveen", "cbs_diff_pct"] == pytest.approx(-50.0, abs=0.1)
    assert rows.loc["Noordveen", "code"] == "GM9901"
    # Zuidveen: 1200 m against 2500 m
    assert rows.loc["Zuidveen", "cbs_diff_m"] == pytest.approx(-1300.0, abs=1.0)
    assert result.notes[: len(METHOD_NOTES)] == METHOD_NOTES


def test_comparison_per_wijk_matches_cbs_codes() -> None:
    """Invented wijk polygons with the fixture's codes: A in WK990100 (CBS 1,2 km), B in WK990101 (3,0 km)."""
    wijken = gpd.GeoDataFrame(
        {"code": ["WK990100", "WK990101"], "name": ["Dorp", "Buiten"], "municipality": ["Noordveen"] * 2},
        geometry=[box(-500, -500, 500, 500), box(500, -500, 1500, 500)],
        crs="EPSG:28992",
    )
    study = _study()
    study = Study(study.population, study.facilities, study.network, study.settings, areas={"wijk": wijken})
    result = cbs_comparison(study, read_cbs_csv(CSV, META), levels=("gemeente", "wijk"))
    wijk = result.table.loc[result.table["level"] == "wijk"].set_index("code")
    assert wijk.loc["WK990100", "cbs_diff_m"] == pytest.approx(0.0 - 1200.0, abs=1.0)  # A lives at the library
    assert wijk.loc["WK990101", "cbs_diff_m"] == pytest.approx(1000.0 - 3000.0, abs=1.0)
    assert wijk.loc["WK990101", "name"] == "Buiten"
    assert any("wijk" in n and "zonder CBS-cijfer" in n for n in result.notes)  # D lies in no wijk polygon


def test_region_missing_from_cbs_has_no_difference() -> None:
    cbs = read_cbs_csv(CSV, META)
    tool = pd.DataFrame({"municipality": ["Elders", "Totaal"], "residents": [1.0, 1.0], "mean_dist_m": [900.0, 900.0]})
    out = compare_with_cbs(tool, cbs)
    assert len(out) == 1 and out[["cbs_dist_m", "cbs_diff_m", "cbs_diff_pct"]].isna().all(axis=None)


@pytest.mark.data
def test_cli_compare_cbs_on_real_data(real_data, tmp_path, capsys) -> None:
    """Real Drenthe municipality names with INVENTED CBS values (written here, never stored)."""
    names = ["Aa en Hunze", "Assen", "Borger-Odoorn", "Coevorden", "De Wolden", "Emmen", "Hoogeveen", "Meppel",
             "Midden-Drenthe", "Noordenveld", "Tynaarlo", "Westerveld"]  # fmt: skip
    lines = ['"ID";"WijkenEnBuurten";"Gemeentenaam_1";"SoortRegio_2";"Codering_3";"AfstandTotBibliotheek_7"']
    lines += [f'{i};"GM99{i:02d}  ";"{n}";"Gemeente  ";"GM99{i:02d}  ";"2.0"' for i, n in enumerate(names)]
    csv = tmp_path / "85231NED_invented.csv"  # the table id in the name: CBS's 2021 table, situation 1-1-2021
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "vergelijking.csv"
    code = main(["compare-cbs", "--cbs", str(csv), "--out", str(out), "--no-progress"])
    text = capsys.readouterr().out
    assert code == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert len(table) == 12 and table["cbs_dist_m"].eq(2000.0).all()
    assert np.allclose(table["cbs_diff_m"], table["mean_dist_m"] - 2000.0)
    assert "woonstraten" in text and "street_nodes" not in text and "woonadres" in text and "km" in text
    assert "Peildatum: 01-01-2021" in text  # the table's year, not today: Dwingeloo had no library then
    assert "onzeker op de peildatum 01-01-2021" in text and "dr-032" in text  # Eelde's "2021": flagged
    westerveld = table.set_index("name").loc["Westerveld", "mean_dist_m"]
    assert westerveld == pytest.approx(3310, abs=10)  # README: 3,31 km on 2021-01-01 (2,56 today)
    sources = pd.read_csv(out.with_name("vergelijking.bronnen.csv"), encoding="utf-8-sig")
    assert "01-01-2021" in sources.to_string() and "niet meegeteld" in sources.to_string()


def test_workspace_compares_an_uploaded_csv_with_cbs_like_settings() -> None:
    """The app's workspace on the crow-fly tiny region of ``test_workspace.py`` (× 1.3), INVENTED CBS values.

    Aadorp: c1 100 at 1300 m, c2 50 at 6500 m, c3 30 at 11700 m -> 806000 / 180 m; Bedorp: c4 at 1300 m.
    """
    from spreiding.app.views import cbs_view
    from spreiding.app.workspace import Settings, StudyKey, Workspace
    from spreiding.vocabulary import MISSING

    from .test_workspace import TinyInputs

    asked: list[StudyKey] = []

    class Inputs(TinyInputs):
        def study(self, key: StudyKey, facilities: object) -> Study:
            asked.append(key)  # crow-fly here: street nodes need a network, so the cells are used
            return super().study(StudyKey(key.data_dir, key.mode, key.crowfly, "cell_centre", key.upload), None)

    csv = (
        b'"ID";"WijkenEnBuurten";"Gemeentenaam_1";"SoortRegio_2";"Codering_3";"AfstandTotBibliotheek_7"\n'
        b'0;"GM9903    ";"Aadorp";"Gemeente  ";"GM9903    ";"4.0"\n'
        b'1;"GM9904    ";"Bedorp";"Gemeente  ";"GM9904    ";"."\n'
    )
    ws = Workspace(Inputs(), Settings())
    result = ws.compare_cbs(csv, "cbs.csv")
    assert asked[-1].mode == "car" and asked[-1].placement == "street_nodes"
    rows = result.table.set_index("name")
    assert rows.loc["Aadorp", "mean_dist_m"] == pytest.approx(806000 / 180)
    assert rows.loc["Aadorp", "cbs_diff_m"] == pytest.approx(806000 / 180 - 4000.0)
    assert np.isnan(rows.loc["Bedorp", "cbs_dist_m"])  # secret at CBS: no difference, and a note says so
    assert any("zonder CBS-cijfer" in n for n in result.notes)
    view = cbs_view(result.table).set_index("naam")
    assert view.loc["Aadorp", "afstand volgens CBS"] == "4,00 km" and view.loc["Aadorp", "verschil"] == "+0,48 km"
    assert view.loc["Bedorp", "verschil"] == MISSING
