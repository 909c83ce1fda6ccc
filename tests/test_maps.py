"""Map HTML: no CDN or http asset URL, escaped names, OpenStreetMap credit, colour classes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from spreiding.analysis.norm import Norm
from spreiding.errors import ConfigError
from spreiding.output.maps import (
    COMPONENT_DIR,
    OSM_CREDIT,
    click_to_rd,
    distance_classes,
    map_html,
    map_payload,
)

from .conftest import points

_ASSET = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import\s+url\(\s*["']?(?:https?:)?//""", re.I)


def _fixture() -> tuple:
    # two 1 km cells: 1 km and 6 km from the only counted library; a second, closed point has a hostile name
    pop = points(
        [(230000.0, 550000.0), (235000.0, 550000.0)],
        pop_total=[100.0, 50.0],
        cell_size_m=[1000.0, 1000.0],
        municipality=["A", "B"],
    )
    near = pd.DataFrame({"dist_m": [1000.0, 6000.0], "time_s": [60.0, 360.0]}, index=pop.index)
    fac = points(
        [(229000.0, 550000.0), (240000.0, 550000.0)],
        id=["f1", "f2"],
        name=["Bieb <script>alert(1)</script>", "O'Brien & Zn"],
        kind=["vestiging", "servicepunt"],
        status=["open", "closed"],
    )
    return pop, near, fac


def test_html_has_no_remote_assets_and_credits_osm() -> None:
    pop, near, fac = _fixture()
    payload = map_payload(pop, near, Norm(max_dist_m=5000.0), fac, counted_ids=["f1"])
    inline = map_html(payload)  # self-contained: no external <script src> or <link> at all
    assert "<script src" not in inline and "<link" not in inline
    assert "cdn" not in inline.lower()
    assert OSM_CREDIT in inline
    index = (COMPONENT_DIR / "index.html").read_text(encoding="utf-8")
    assert not _ASSET.search(index)
    # the component loads Leaflet from the same server's asset component, not from a static folder
    assert '"/component/"' in index and "/app/static" not in index


def test_names_and_ids_are_data_and_escaped_where_html_is_built() -> None:
    pop, near, fac = _fixture()
    payload = map_payload(pop, near, Norm(max_dist_m=5000.0), fac)
    names = {f["name"] for f in payload["facilities"]}
    assert "O'Brien & Zn" in names  # data, not markup: a click sends back exactly the id it was given
    odd = fac.assign(id=["o'b", "c&d"][: len(fac)])
    ids = [f["id"] for f in map_payload(pop, near, Norm(max_dist_m=5000.0), odd)["facilities"]]
    assert sorted(ids) == sorted(odd["id"].tolist())  # ids with ' and & come back unchanged (no HTML entities)
    html = map_html(payload)
    assert "<script>alert(1)</script>" not in html  # the JSON cannot close the script element
    assert "<\\/script>" in html
    assert "esc(f.name)" in html and "esc(f.id)" in html  # the renderer escapes where it builds the popup


def test_payload_colours_and_coverage() -> None:
    pop, near, fac = _fixture()
    payload = map_payload(pop, near, Norm(max_dist_m=5000.0), fac, counted_ids=["f1"], colour_by="covered")
    cells = payload["cells"]
    assert cells["cov"] == [1, 0]
    assert cells["km"] == [1.0, 6.0]
    assert cells["pop"] == [100, 50]
    drawn = {f["id"]: f for f in payload["facilities"]}  # counted points are drawn last (on top)
    assert [f["id"] for f in payload["facilities"]] == ["f2", "f1"]
    assert {i: f["counted"] for i, f in drawn.items()} == {"f1": True, "f2": False}
    assert drawn["f2"]["status"] == "gesloten"
    # cells are ~1 km squares: north - south about 0.009 degrees
    assert 0.008 < cells["n"][0] - cells["s"][0] < 0.01
    with pytest.raises(ConfigError, match="onbekende kleuring"):
        map_payload(pop, near, Norm(max_dist_m=5000.0), fac, colour_by="rainbow")


def test_distance_classes() -> None:
    got = distance_classes(np.array([0.0, 2500.0, 2501.0, 12000.0, 1e6, np.inf]))
    assert got.tolist() == [0, 0, 1, 4, 5, -1]


def test_click_round_trip_and_bad_event() -> None:
    pop, near, fac = _fixture()
    payload = map_payload(pop, near, Norm(max_dist_m=5000.0), fac, marker_xy=(230000.0, 550000.0))
    x, y = click_to_rd(payload["marker"])
    assert abs(x - 230000.0) < 2 and abs(y - 550000.0) < 2
    with pytest.raises(ConfigError, match="lat/lon"):
        click_to_rd({"type": "click"})


def test_leaflet_is_served_from_the_installed_package_not_copied() -> None:
    import spreiding.output.maps as maps

    assert not hasattr(maps, "install_static_assets")
    assert (maps.leaflet_dir() / "leaflet.js").stat().st_size > 100_000


def test_points_a_scenario_opens_are_drawn_as_new_in_the_legend_colour() -> None:
    from spreiding.output.maps import STATUS_COLOURS
    from spreiding.vocabulary import STATUS_LABELS

    pop, near, fac = _fixture()
    opened = fac.assign(scenario_edit=["open", ""])  # f1 opened by a scenario (an advice's proposed site)
    payload = map_payload(pop, near, Norm(max_dist_m=5000.0), opened, counted_ids=["f1"])
    drawn = {f["id"]: f for f in payload["facilities"]}  # counted points are drawn last (on top)
    first, second = drawn["f1"], drawn["f2"]
    assert first["color"] == STATUS_COLOURS["new"] and first["status"] == STATUS_LABELS["new"] and first["counted"]
    assert second["color"] == STATUS_COLOURS["closed"]  # other points keep their status colour
    assert {"label": STATUS_LABELS["new"], "color": STATUS_COLOURS["new"]} in payload["status_legend"]
