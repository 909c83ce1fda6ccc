"""The Dutch vocabulary: one definition per word, every shared column labelled, Dutch numbers."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

import spreiding.vocabulary as vocabulary
from spreiding.analysis.coverage import COVERAGE_COLUMNS
from spreiding.analysis.norm import AGE_BAND_LABELS as NORM_AGE_BAND_LABELS
from spreiding.analysis.norm import AGE_BANDS
from spreiding.data.facilities import KINDS, STATUSES
from spreiding.data.sources import OSM_CREDIT as SOURCES_OSM_CREDIT
from spreiding.errors import ConfigError
from spreiding.network.engine import DistanceModel
from spreiding.network.modes import MODES
from spreiding.output.maps import OSM_CREDIT as MAPS_OSM_CREDIT
from spreiding.vocabulary import (
    AGE_BAND_LABELS,
    COLUMN_LABELS,
    KIND_LABELS,
    MODE_LABELS,
    OSM_CREDIT,
    STATUS_LABELS,
    Col,
    column_label,
    column_labels,
    fmt_dec,
    fmt_int,
    fmt_km,
    fmt_pct,
    model_label_nl,
    parse_number_nl,
    placement_label,
    quality_label,
)

# --------------------------------------------------------------------------- a leaf module


def test_vocabulary_imports_only_the_standard_library_at_import_time() -> None:
    tree = ast.parse(Path(vocabulary.__file__).read_text(encoding="utf-8"))
    top = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    modules = {alias.name for node in top if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module or "" for node in top if isinstance(node, ast.ImportFrom)}
    assert modules == {"__future__", "re", "typing", "spreiding._numbers"}
    numbers = ast.parse((Path(vocabulary.__file__).parent / "_numbers.py").read_text(encoding="utf-8"))
    top = [node for node in numbers.body if isinstance(node, ast.Import | ast.ImportFrom)]
    assert {a.name for n in top if isinstance(n, ast.Import) for a in n.names} | {
        n.module or "" for n in top if isinstance(n, ast.ImportFrom)
    } == {"__future__", "math", "re", "typing"}  # the numbers leaf too: the standard library only


def test_credit_and_age_bands_are_defined_once() -> None:
    assert OSM_CREDIT == "© OpenStreetMap contributors (ODbL)"
    assert SOURCES_OSM_CREDIT is OSM_CREDIT and MAPS_OSM_CREDIT is OSM_CREDIT
    assert NORM_AGE_BAND_LABELS is AGE_BAND_LABELS
    assert set(AGE_BAND_LABELS) == {"pop_total", *AGE_BANDS}


# --------------------------------------------------------------------------- labels


def test_labels_cover_every_kind_status_and_mode() -> None:
    assert set(KINDS) <= set(KIND_LABELS)
    assert set(STATUSES) <= set(STATUS_LABELS)
    assert [STATUS_LABELS[s] for s in ("open", "closed", "planned", "cancelled")] == [
        "open",
        "gesloten",
        "gepland",
        "geschrapt",
    ]
    assert {name: mode.label_nl for name, mode in MODES.items()} == MODE_LABELS


def test_model_label_nl() -> None:
    assert model_label_nl("network:car") == "over de weg (auto)"
    assert model_label_nl("network:bike") == "over de weg (fiets)"
    assert model_label_nl("crowfly:car:x1.3") == "hemelsbreed x 1,3 (auto; schatting zonder wegennet)"
    assert model_label_nl("crowfly:walk:x1.25") == "hemelsbreed x 1,25 (lopen; schatting zonder wegennet)"
    assert model_label_nl("unknown") == "onbekend afstandsmodel (unknown)"
    network = DistanceModel("network", "car")
    assert model_label_nl(network.label) == network.label_nl


def test_placement_and_quality_labels() -> None:
    assert placement_label("cell_centre") == "inwoners op het middelpunt van hun cel"
    # street nodes with cells that have no node on their centre: one placement with its fallback
    assert placement_label("cell_centre,street_nodes") == (
        "inwoners verdeeld over woonstraten (cellen zonder straatknoop: op hun middelpunt)"
    )
    assert placement_label("cell_centre,pc4_point").count(";") == 1
    assert quality_label("status_open") == "status open"
    assert quality_label("status_cancelled") == "status geschrapt"
    assert quality_label("kind_kleine_vestiging") == "soort kleine vestiging"
    assert quality_label("age_band_gap_residents") == "verschil leeftijdsgroepen en totaal (inwoners)"
    assert quality_label("something_new") == "something new"


# --------------------------------------------------------------------------- columns


def test_every_column_constant_has_a_unique_dutch_label() -> None:
    names = Col.names()
    assert len(names) == len(set(names))
    assert set(names) <= set(COLUMN_LABELS)  # full coverage
    assert set(COLUMN_LABELS) == set(names)  # and nothing labelled that is not a constant
    labels = list(COLUMN_LABELS.values())
    assert len(labels) == len(set(labels))


def test_constants_equal_what_the_producers_write_today() -> None:
    assert set(COVERAGE_COLUMNS) <= set(Col.names())
    for col in ("covered", "covered_pct", "unreachable", "mean_dist_m", "mean_time_s"):
        for suffix in ("base", "delta", "a", "b"):
            assert f"{col}_{suffix}" in Col.names()
    closure = "id name kind municipality residents_nearest covered_loss covered_loss_pct newly_unreachable"
    closure += " mean_dist_before_m mean_dist_after_m mean_dist_delta_m"
    assert set(closure.split()) <= set(Col.names())
    sites = ["rank", "id", "name", "kind", "source", "municipality", "gain_covered", "cumulative_covered"]
    assert set(sites) <= set(Col.names())


def test_column_label_examples() -> None:
    assert column_label(Col.COVERED_LOSS) == "verlies binnen norm (inwoners)"
    assert column_label(Col.MEAN_DIST_M_BASE) == "gemiddelde afstand, basis (m)"
    assert column_label(Col.COVERED_PCT_DELTA) == "binnen norm, verschil (%)"
    assert column_label(Col.MEAN_DIST_DELTA_M, km=True) == "verandering gemiddelde afstand (km)"
    assert column_label(Col.COVERED_PCT, km=True) == "binnen norm (%)"
    assert column_label("not_a_column") == "not_a_column"
    assert column_labels(["municipality", "municipality"]) == ["gemeente", "gemeente [municipality]"]


# --------------------------------------------------------------------------- numbers


def test_dutch_number_formats() -> None:
    assert fmt_int(116448.0) == "116.448"
    assert fmt_int(-1234.4) == "-1.234"
    assert fmt_dec(3.5412, 2) == "3,54"
    assert fmt_dec(1234567.891, 1) == "1.234.567,9"
    assert fmt_dec(-0.04, 1) == "0,0"
    assert fmt_km(3541.2) == "3,54 km"
    assert fmt_pct(76.04) == "76,0 %"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, None, "x"])
def test_missing_numbers_show_a_dash_or_what_the_caller_asks(value: object) -> None:
    assert fmt_int(value) == "–"
    assert fmt_km(value) == "–"
    assert fmt_pct(value, missing="") == ""


def test_infinite_can_have_its_own_text() -> None:
    assert fmt_km(math.inf, infinite="onbereikbaar") == "onbereikbaar"
    assert fmt_km(math.nan, infinite="onbereikbaar") == "–"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7,5", 7.5), ("7.5", 7.5), ("1.234,5", 1234.5), ("1.234.567", 1234567.0), (" -3,25 ", -3.25), ("12", 12.0)],
)
def test_parse_number_nl(text: str, expected: float) -> None:
    assert parse_number_nl(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1..2", "nan", "inf", "7,5 km"])
def test_parse_number_nl_refuses_junk_in_dutch(text: str) -> None:
    with pytest.raises(ConfigError, match="is geen getal; schrijf bijvoorbeeld 7,5"):
        parse_number_nl(text)
