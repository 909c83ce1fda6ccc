"""Every table on the app's pages shows Dutch numbers (``25.291``; ``82,4``), not ``25291`` / ``82.4``."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from spreiding.app.views import dutch_style, sources_view

SCREENS = Path(__file__).resolve().parent.parent / "spreiding" / "app" / "screens"
PLAIN_TEXT_TABLES = {"_missing.py"}
"""Pages whose tables hold only text (file names and what to do), so there are no numbers to format."""


def _dataframe_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "dataframe"
    ]


@pytest.mark.parametrize("page", sorted(p.name for p in SCREENS.glob("*.py") if p.name not in PLAIN_TEXT_TABLES))
def test_every_table_on_a_page_goes_through_dutch_style(page: str) -> None:
    tree = ast.parse((SCREENS / page).read_text(encoding="utf-8"))
    for call in _dataframe_calls(tree):
        first = call.args[0] if call.args else None
        is_styled = isinstance(first, ast.Call) and getattr(first.func, "id", None) == "dutch_style"
        assert is_styled, f"{page}:{call.lineno}: st.dataframe without dutch_style"


def test_dutch_style_formats_thousands_and_decimal_comma() -> None:
    view = pd.DataFrame({"inwoners": [25291], "binnen norm (%)": [82.44], "gemiddelde afstand (km)": [2.768]})
    html = dutch_style(view).to_html()
    assert "25.291" in html and "82,4" in html and "2,77" in html
    assert view.loc[0, "inwoners"] == 25291  # the values stay numbers


def test_years_have_no_thousands_separator_and_sources_read_dutch() -> None:
    html = dutch_style(pd.DataFrame({"jaar bevolking": [2021], "inwoners": [2021]})).to_html()
    assert ">2021<" in html and ">2.021<" in html  # the year as a year, the count with a separator
    source = {"kind": "population", "path": "/x/grid.csv", "year": 2021, "rows": 2073, "quality": {"secret_cells": 3}}
    row = sources_view([source]).iloc[0]
    assert row["soort"] == "bevolking" and row["peiljaar"] == "2021"
    assert row["kwaliteit"] == "geheime cellen: 3"


def test_upload_preview_locations_and_warnings_are_dutch() -> None:
    """The issue's own examples: English headers, kleine_vestiging, cancelled, high/medium/low, 'population:'."""
    import geopandas as gpd

    from spreiding.app.views import locations_view, quality_warnings, upload_view

    frame = gpd.GeoDataFrame(
        {
            "id": ["a", "b"],
            "name": ["Bieb", "Punt"],
            "kind": ["kleine_vestiging", "servicepunt"],
            "status": ["open", "cancelled"],
            "host_building": ["MFA De Kamp", None],
            "open_from": ["2021-11", None],
            "location_precision": ["village or town centre (OSM place point 2021)", "OSM library point 2021"],
            "confidence": ["high", "low"],
        },
        geometry=gpd.points_from_xy([230000.0, 231000.0], [550000.0, 551000.0]),
        crs="EPSG:28992",
    )
    line, rows = upload_view(frame)
    assert line == "2 voorzieningen gelezen en gecontroleerd (1 open)"
    assert list(rows.columns) == ["id", "naam", "soort", "status", "gebouw", "open vanaf", "ligging", "zekerheid"]
    assert rows["soort"].tolist() == ["kleine vestiging", "servicepunt"]
    assert rows["status"].tolist() == ["open", "geschrapt"]
    assert rows["open vanaf"].tolist() == ["2021-11", ""]  # a partial date stays as written
    assert rows["zekerheid"].tolist() == ["hoog", "laag"]
    assert rows["ligging"].tolist() == [
        "dorps- of stadscentrum (plaatspunt 2021)",
        "bibliotheekpunt in OpenStreetMap 2021",
    ]
    located = locations_view(frame)
    assert located is not None and located["zekerheid"].tolist() == ["hoog", "laag"]
    warnings = quality_warnings([{"kind": "population", "warnings": ["randcellen: iets"]}], frame, "wegen.gpkg")
    assert warnings[0] == "bevolking: randcellen: iets"
    assert "zekerheid middel of laag" in warnings[1]


def test_missing_data_notice_knows_every_page_and_keeps_abbreviations() -> None:
    from spreiding.app.main import PAGES
    from spreiding.app.screens._missing import PAGE_NEEDS, _lower_first

    assert {title for _, title, _ in PAGES} - {"Data"} <= set(PAGE_NEEDS)
    assert _lower_first("Bevolking (CBS-vierkanten)") == "bevolking (CBS-vierkanten)"
    assert _lower_first("CBS wijk- en buurtkaart") == "CBS wijk- en buurtkaart"
