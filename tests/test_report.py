"""The printable municipal report, on the tiny analysis of ``test_export.py``.

Place points used here (EPSG:28992)::

    name              x, y          place_class     nearest uncovered cell
    Noordhuizen       (0, 5200)     village         c2 (50 residents, 6500 m)
    Midden & Dorp     (9000, 300)   village         c3 (30 residents, 11700 m)
    Wijk              (0, 5000)     neighbourhood   ignored (not a village class)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from spreiding.analysis.evaluation import evaluate, prepare_context
from spreiding.analysis.impact import closure_impact
from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Scenario
from spreiding.data.config import DataPaths
from spreiding.errors import ConfigError, MissingColumnsError
from spreiding.network.engine import DistanceModel
from spreiding.output.report import IMPACT_COLUMNS, MAP_CREDIT, municipality_report, report_filename, uncovered_places
from spreiding.vocabulary import COLUMN_LABELS, column_label, column_labels

from .conftest import points
from .test_export import DAY, SCRIPT_NAME, tiny_analysis, tiny_facilities, tiny_population

_ASSET = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", re.IGNORECASE)


def tiny_places() -> gpd.GeoDataFrame:
    """Three OSM-like place points (see module docstring)."""
    return points(
        [(0, 5200), (9000, 300), (0, 5000)],
        name=["Noordhuizen", "Midden & Dorp", "Wijk"],
        place_class=["village", "village", "neighbourhood"],
    )


def tiny_municipalities() -> gpd.GeoDataFrame:
    """Square boundaries around the two municipalities."""
    from shapely.geometry import box

    return gpd.GeoDataFrame(
        {"municipality": ["Aadorp", "Bedorp"]},
        geometry=[box(-1000, -1000, 10000, 6000), box(15000, -1000, 21000, 1000)],
        crs="EPSG:28992",
    )


def report(**kwargs: object) -> str:
    args: dict[str, object] = {
        "places": tiny_places(),
        "municipalities": tiny_municipalities(),
        "generated": DAY,
        "sources": [{"kind": "population", "path": "/d/grid.csv", "rows": 4, "year": 2021, "description": "raster"}],
    }
    args.update(kwargs)
    analysis = args.pop("analysis", None) or tiny_analysis()
    return municipality_report(analysis, str(args.pop("municipality", "Aadorp")), **args)  # type: ignore[arg-type]


def test_report_heading_norm_and_model() -> None:
    html = report()
    assert html.startswith("<!DOCTYPE html>")
    assert "<h1>Bibliotheekvoorziening Aadorp</h1>" in html
    assert Norm().describe() in html
    assert "voorbeeldnorm — de wet (Wsob) noemt geen getal" in html
    assert "27-11-2026" in html
    assert "@media print" in html and "page-break" in html


def test_report_key_figures_and_age_bands() -> None:
    html = report()
    assert "55,6 %" in html  # 100 of 180 residents within 5 km
    assert '<td>0-14 jaar</td><td class="num">36</td><td class="num">20</td>' in html  # 20 % of 180; of 100
    assert "<td>65 jaar en ouder</td>" in html


def test_report_crowfly_warning_only_for_estimates() -> None:
    analysis = tiny_analysis()
    assert "Let op: afstanden zijn schattingen" in report(analysis=analysis)
    network = dataclasses.replace(analysis, model=DistanceModel("network", "car", source="roads.gpkg"))
    html = report(analysis=network)
    assert "Let op: afstanden zijn schattingen" not in html
    assert "over de weg (auto)" in html


def test_report_escapes_user_strings() -> None:
    html = report(scenario_name="<b>plan</b>")
    assert SCRIPT_NAME not in html and "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # nearest branch of the uncovered villages
    assert "&lt;b&gt;plan&lt;/b&gt;" in html and "<b>plan</b>" not in html
    assert "Midden &amp; Dorp" in html


def test_report_is_self_contained_with_map_and_chart() -> None:
    html = report(sources=[{"kind": "osm", "path": "https://example.org/data.gpkg", "rows": 1, "description": "x"}])
    images = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', html)
    assert len(images) == 2  # distance histogram and map
    assert _ASSET.search(html) is None
    assert "url(" not in html and "@import" not in html and "<link" not in html
    assert MAP_CREDIT in html


def test_report_village_table() -> None:
    html = report()
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">([^<]+)</td>", html.split("Kernen met inwoners")[1])
    assert rows[:2] == [("Noordhuizen", "50"), ("Midden &amp; Dorp", "30")]
    assert "Wijk" not in html.split("Kernen met inwoners")[1].split("</table>")[0]


def test_uncovered_places_numbers() -> None:
    analysis = tiny_analysis()
    table = uncovered_places(analysis.uncovered, tiny_places(), facilities=analysis.facilities)
    assert table["place"].tolist() == ["Noordhuizen", "Midden & Dorp"]
    assert table["residents"].tolist() == [50.0, 30.0]
    assert table["mean_dist_m"].to_numpy() == pytest.approx([6500.0, 11700.0])
    assert table["nearest_name"].tolist() == [SCRIPT_NAME, SCRIPT_NAME]
    without = uncovered_places(analysis.uncovered, None)
    assert sorted(without["place"]) == ["cel c2", "cel c3"]


def test_uncovered_places_counts_cells_not_street_nodes() -> None:
    analysis = tiny_analysis()
    one = analysis.uncovered
    two_nodes = pd.concat([one, one.assign(pop_total=0.0)])  # each cell's residents on two street nodes
    table = uncovered_places(two_nodes, tiny_places()).set_index("place")
    assert table["cells"].tolist() == [1, 1]  # not 2: the points share their cell
    assert table["residents"].tolist() == uncovered_places(one, tiny_places()).set_index("place")["residents"].tolist()


def test_uncovered_places_counts_unreachable_separately() -> None:
    analysis = tiny_analysis()
    uncovered = analysis.uncovered.copy()
    uncovered.loc[uncovered["cell_id"] == "c3", "dist_m"] = np.inf
    table = uncovered_places(uncovered, tiny_places()).set_index("place")
    assert table.loc["Midden & Dorp", "unreachable"] == 30.0
    assert np.isnan(table.loc["Midden & Dorp", "mean_dist_m"])
    assert table.loc["Noordhuizen", "unreachable"] == 0.0


def test_report_all_covered_municipality() -> None:
    html = report(municipality="Bedorp")
    assert "Alle inwoners van de gemeente wonen binnen de norm." in html


def _closure(population: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, detour: float) -> pd.DataFrame:
    """Real :func:`closure_impact` output (crow-fly, 5 km by car)."""
    norm = Norm()
    ctx = prepare_context(population, facilities, None, detour_factor=detour, total_label="Klein")
    return closure_impact(evaluate(ctx, Scenario("basis"), norm))


def _impact_section(html: str) -> str:
    return html.split("Vestigingen die het zwaarst wegen")[1].split("</section>")[0]


def test_report_impact_uses_closure_impact_columns_with_dutch_headers() -> None:
    # tiny region: closing f1 (Aadorp) drops c1 (100 residents) out of the norm; f2 lies in Bedorp
    impact = _closure(tiny_population(), tiny_facilities(), 1.3)
    html = report(impact=impact)
    section = _impact_section(html)
    headers = re.findall(r"<th>([^<]*)</th>", section)
    assert headers == [
        "id",
        "naam",
        "soort",
        "inwoners met deze vestiging als dichtstbijzijnde",
        "verlies binnen norm (inwoners)",
        "verlies binnen norm (%)",
        "nieuw onbereikbaar (inwoners)",
        "verandering gemiddelde afstand (km)",
    ]
    assert headers == column_labels(IMPACT_COLUMNS, km=True)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", section)
    # f1 only (the Aadorp branch): 180 nearest, 100 lose the norm (26.3 % of 380); c2 and c3 then reach f2 beyond
    # the 20 km matrix cut-off (exact search): nobody is unreachable, the mean distance grows by 9.03 km
    # (2,805 m -> 11,839 m, equal to evaluating the closure in full)
    assert cells == ["f1", "&lt;script&gt;alert(1)&lt;/script&gt;", "vestiging", "180", "100", "26,3", "0", "9,03"]
    assert "Bieb Oost" not in section


def test_report_shows_no_machine_column_names() -> None:
    html = report(impact=_closure(tiny_population(), tiny_facilities(), 1.3))
    text = re.sub(r"<style>.*?</style>|src=\"[^\"]*\"", "", html, flags=re.DOTALL)
    words = set(re.findall(r">([^<]+)<", text))
    machine = {name for name, label in COLUMN_LABELS.items() if name != label}
    assert not words & machine
    assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", " ".join(words))  # no snake_case anywhere people read
    assert "network:car" not in html and "cell_centre" not in html.split("</footer>")[0].split("<footer>")[-1]


def test_report_impact_top_ten_sorted() -> None:
    # twelve branches 30 km apart, each with its own cell of 10 * (i + 1) residents (detour 1.0):
    # closing branch i drops exactly that cell out of the norm
    xy = [(i * 30000.0, 0.0) for i in range(12)]
    population = points(
        xy,
        cell_id=[f"c{i}" for i in range(12)],
        pop_total=[10.0 * (i + 1) for i in range(12)],
        municipality=["Aadorp"] * 12,
        placement=["cell_centre"] * 12,
    )
    facilities = points(
        xy,
        id=[f"b{i:02d}" for i in range(12)],
        name=[f"Vestiging {i}" for i in range(12)],
        kind=["vestiging"] * 12,
        status=["open"] * 12,
        municipality=["Aadorp"] * 12,
    )
    section = _impact_section(report(impact=_closure(population, facilities, 1.0)))
    names = re.findall(r"<td>(Vestiging \d+)</td>", section)
    assert names == [f"Vestiging {i}" for i in range(11, 1, -1)]  # top 10, largest loss first
    assert '<td class="num">120</td>' in section  # Vestiging 11 loses 120 residents


def test_report_impact_refuses_a_table_that_is_not_closure_impact() -> None:
    invented = pd.DataFrame({"id": ["f1"], "name": ["x"], "residents_losing": [80.0]})
    with pytest.raises(MissingColumnsError, match=r"covered_loss.*geef de tabel met gevolgen van sluiting"):
        report(impact=invented)


def test_report_time_norm_histogram() -> None:
    norm = Norm(name="15 min fietsen", mode="bike", max_dist_m=None, max_time_s=900.0)
    html = report(analysis=tiny_analysis(norm))
    assert "15 min (fiets)" in html
    assert len(re.findall(r'src="data:image/png;base64,', html)) == 2


def _kpi_tiles(html: str) -> list[tuple[str, str]]:
    section = html.split("<h2>Kerncijfers</h2>")[1].split("</section>")[0]
    return re.findall(r'<div class="value">([^<]*)</div><div class="label">([^<]*)</div>', section)


def test_report_of_a_time_only_norm_gives_minutes_and_the_speed() -> None:
    # 15 min by bike, crow-fly x1.3 at 15 km/h (4 min per km): Aadorp's mean 4,48 km is 17,9 min;
    # Noordhuizen 6,5 km = 26,0 min, Midden & Dorp 11,7 km = 46,8 min
    norm = Norm(name="15 min fietsen", mode="bike", max_dist_m=None, max_time_s=900.0)
    html = report(analysis=tiny_analysis(norm))
    tiles = {label: value for value, label in _kpi_tiles(html)}
    assert tiles["gemiddelde reistijd (Klein: 11,2 min)"] == "17,9 min"
    assert tiles["mediaan reistijd"].endswith(" min") and tiles["90 % woont binnen"] == "46,8 min"
    assert not any(value.endswith("km") for value in tiles.values())
    age = html.split("Dekking per leeftijdsgroep")[1].split("</table>")[0]
    assert "<th>gemiddelde reistijd (min)</th>" in age and "(km)" not in age
    assert '<td>alle inwoners</td><td class="num">180</td><td class="num">100</td>' in age
    assert '<td class="num">17,9</td>' in age
    villages = html.split("Kernen met inwoners")[1].split("</table>")[0]
    assert "<th>gemiddelde reistijd (min)</th><th>grootste reistijd (min)</th>" in villages
    assert '<td class="num">26,0</td><td class="num">26,0</td>' in villages and "(km)" not in villages
    method = html.split("Zo is gerekend")[1].split("</section>")[0]
    assert "kortste reistijd" in method and "15 km/u" in method and "kortste afstand" not in method
    assert "Verdeling van de reistijd" in html
    headers = set(re.findall(r"<th>([^<]*)</th>", html))
    vocabulary = {column_label(n, km=True, minutes=True) for n in COLUMN_LABELS}
    assert {"gemiddelde reistijd (min)", "grootste reistijd (min)"} <= headers & vocabulary


def test_report_of_a_norm_with_both_limits_gives_km_and_minutes() -> None:
    norm = Norm(name="5 km en 15 min fietsen", mode="bike", max_dist_m=5000.0, max_time_s=900.0)
    html = report(analysis=tiny_analysis(norm))
    values = [value for value, _ in _kpi_tiles(html)]
    assert "4,5 km" in values and "17,9 min" in values
    method = html.split("Zo is gerekend")[1].split("</section>")[0]
    assert "kortste afstand" in method and "kortste reistijd" in method and "15 km/u" in method


def test_report_of_a_distance_norm_keeps_km_only() -> None:
    html = report()
    tiles = _kpi_tiles(html)
    labels = [label for _, label in tiles]
    assert labels[3:] == ["gemiddelde afstand (Klein: 2,8 km)", "mediaan afstand", "90 % woont binnen"]
    assert all(value.endswith("km") for value, _ in tiles[3:])
    assert "reistijd" not in html and "km/u" not in html


def test_report_unknown_municipality() -> None:
    with pytest.raises(ConfigError, match="Aadorp, Bedorp"):
        report(municipality="Nergenshuizen")


def test_report_filename() -> None:
    name = report_filename("Aa en Hunze", norm=Norm(), scenario="Sluiting X", date=dt.date(2026, 1, 2))
    assert name == "spreiding_zorgplichtrapport_sluiting-x_car-5km_aa-en-hunze_2026-01-02.html"


# --------------------------------------------------------------------------- real data


@pytest.mark.data
def test_real_report_emmen_names_villages(real_data: DataPaths) -> None:
    from spreiding.analysis.norm import PRESETS
    from spreiding.data.region import load_region
    from spreiding.study import analyse

    region = load_region(real_data.root)
    analysis = analyse(region.population, region.facilities, PRESETS["5km-auto"], None)
    places = gpd.read_file(real_data.osm_points, layer="kernen")
    start = time.perf_counter()
    html = municipality_report(
        analysis, "Emmen", places=places, municipalities=region.municipalities, sources=region.sources
    )
    elapsed = time.perf_counter() - start
    assert elapsed < 10.0
    table = html.split("Kernen met inwoners")[1].split("</table>")[0]
    names = set(re.findall(r"<tr><td>([^<]+)</td>", table))
    emmen_places = set(places.loc[places["municipality"] == "Emmen", "name"].astype(str))
    assert len(names & emmen_places) >= 3
    assert "census2021_grid_1km_drenthe.csv" in html
    assert "Let op: afstanden zijn schattingen" in html
    assert len(re.findall(r'src="data:image/png;base64,', html)) == 2


# --------------------------------------------------------------------------- verdict, method, Dutch text

_SOURCES = [
    {"kind": "population", "path": "/d/census_grid.csv", "rows": 4, "year": 2021, "description": "raster",
     "quality": {"age_band_gap_residents": 3.0}},
    {"kind": "facilities", "path": "/d/bieb_lijst.csv", "rows": 3, "year": 2025, "description": "lijst",
     "quality": {"status_open": 2.0, "status_closed": 1.0}},
]  # fmt: skip
_FILE_NAME = re.compile(r"\b[\w-]+\.(csv|gpkg|pbf|osm|json|html)\b")


def _people_text(html: str) -> str:
    """What a reader sees: no style, no images, no verbatim data notes (quoted, marked English), no file names."""
    text = re.sub(r"<style>.*?</style>|<img[^>]*>|<q class=\"data-note\"[^>]*>.*?</q>", "", html, flags=re.DOTALL)
    return _FILE_NAME.sub("", re.sub(r"<[^>]+>", " ", text))


def test_report_states_the_verdict_target_and_method() -> None:
    html = report(sources=_SOURCES)
    # Aadorp: 100 of 180 covered; needed ceil(0.95 * 180) = 171, short 71
    assert "Aadorp voldoet niet" in html
    assert "er ontbreken 71 inwoners" in html
    assert "minstens 95 % van de inwoners binnen 5 km over de weg (auto)" in html
    assert "Zo is gerekend" in html and "bevolkingscijfers van 2021" in html and "stand 2025" in html
    assert "Peiljaar bevolking" in html
    assert "Bedorp voldoet" in report(municipality="Bedorp")


def test_report_headers_come_from_the_vocabulary_and_no_snake_case_reaches_the_reader() -> None:
    analysis = dataclasses.replace(tiny_analysis(), model=DistanceModel("network", "car", source="roads.gpkg"))
    html = report(analysis=analysis, impact=_closure(tiny_population(), tiny_facilities(), 1.3), sources=_SOURCES)
    headers = re.findall(r"<th>([^<]*)</th>", html)
    vocabulary = set(COLUMN_LABELS.values()) | {column_label(n, km=True) for n in COLUMN_LABELS}
    fixed = {"onderdeel", "waarde", "inwoners buiten norm"}  # the sources table; the village table's weight
    data_headers = [h for h in headers if h not in fixed and not h.istitle() and h[:1].islower()]
    assert data_headers and set(data_headers) <= vocabulary, set(data_headers) - vocabulary
    text = _people_text(html)
    assert not re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", text)
    assert "network:car" not in text and "[network" not in text
    assert "status open = 2" in text and "verschil leeftijdsgroepen" in text


def test_report_names_low_confidence_rows_with_their_notes() -> None:
    facilities = tiny_facilities()
    facilities["confidence"] = ["low", "high", "high"]
    facilities["status_year"] = ["2018", "2024", "2015"]
    facilities["notes"] = ["Status rests on a 2018 source only; status_year = that confirmation (invented)", "", ""]
    from spreiding.study import analyse

    analysis = analyse(tiny_population(), facilities, Norm(target_share=0.5), None, total_label="Klein")
    html = report(analysis=analysis)
    # 100 of 180 covered, needed 90: margin 10 < 100 residents nearest to the low-confidence f1
    assert "Aadorp voldoet" in html and "Het oordeel hangt af van onzekere rijen" in html
    assert "laatst bevestigd in 2018" in html and "Volledigheid van de voorzieningenlijst" in html
    assert '<q class="data-note" lang="en">Status rests on a 2018 source only' in html
    assert not re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", _people_text(html))
