"""Tests for :mod:`spreiding.data._ring`: overlapping extracts merged and cut to a window.

Two hand-written extracts (invented; lon/lat, the window is lon 5.0-5.1, lat 52.0-52.1):

========  ===============  =================================================
object    where            in extract
========  ===============  =================================================
node 1    (5.05, 52.05)    A (inside)
node 2    (5.09, 52.05)    A, B (inside)
node 3    (5.20, 52.05)    A, B (outside)
node 4    (5.30, 52.05)    A (outside)
node 5    (5.30, 52.06)    A, amenity=library (outside)
node 6    (5.02, 52.02)    A, amenity=library (inside)
node 7    (5.03, 52.03)    A, untagged, in no way (inside)
node 8    (5.04, 52.04)    B, place=village (inside)
way 10    1-2 highway      A
way 11    2-3 highway      A and B (crosses the window's edge)
way 12    3-4 highway      A (outside)
way 13    1-2 building     A (no kept tag)
========  ===============  =================================================

Expected: ways 10 and 11 (11 whole, with node 3), not 12 or 13; nodes 1, 2, 3 (the ways'), 6 and 8; not 4, 5 or 7;
every object once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spreiding.data._ring import ring_extract
from spreiding.errors import InvalidDataError

WINDOW = (5.0, 52.0, 5.1, 52.1)
NODES = {1: (5.05, 52.05), 2: (5.09, 52.05), 3: (5.20, 52.05), 4: (5.30, 52.05), 5: (5.30, 52.06)}
NODES |= {6: (5.02, 52.02), 7: (5.03, 52.03), 8: (5.04, 52.04)}
TAGS = {5: {"amenity": "library"}, 6: {"amenity": "library"}, 8: {"place": "village"}}
WAYS = {10: ([1, 2], {"highway": "residential"}), 11: ([2, 3], {"highway": "tertiary"})}
WAYS |= {12: ([3, 4], {"highway": "residential"}), 13: ([1, 2], {"building": "yes"})}


def _extract(path: Path, node_ids: list[int], way_ids: list[int]) -> Path:
    import osmium
    from osmium.osm.mutable import Node, Way

    writer = osmium.SimpleWriter(str(path))
    for i in node_ids:
        writer.add_node(Node(id=i, location=NODES[i], tags=TAGS.get(i, {})))
    for i in way_ids:
        writer.add_way(Way(id=i, nodes=WAYS[i][0], tags=WAYS[i][1]))
    writer.close()
    return path


def _contents(path: Path) -> tuple[list[int], list[int]]:
    import osmium

    nodes, ways = [], []
    for obj in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY):
        (nodes if isinstance(obj, osmium.osm.Node) else ways).append(obj.id)
    return nodes, ways


def test_merge_and_cut(tmp_path: Path) -> None:
    a = _extract(tmp_path / "a.osm.pbf", [1, 2, 3, 4, 5, 6, 7], [10, 11, 12, 13])
    b = _extract(tmp_path / "b.osm.pbf", [2, 3, 8], [11])
    out = tmp_path / "ring.osm.pbf"
    kept = ring_extract([a, b], out, WINDOW)
    nodes, ways = _contents(out)
    assert ways == [10, 11] and nodes == [1, 2, 3, 6, 8]
    assert kept == 5  # A: ways 10, 11 and node 6; B: way 11 and node 8 (way 11 written once)


def test_a_window_elsewhere_keeps_nothing(tmp_path: Path) -> None:
    a = _extract(tmp_path / "a.osm.pbf", [1, 2, 3, 4, 5, 6, 7], [10, 11, 12, 13])
    assert ring_extract([a], tmp_path / "ring.osm.pbf", (6.0, 53.0, 6.1, 53.1)) == 0
    assert _contents(tmp_path / "ring.osm.pbf") == ([], [])


def test_unreadable_extract_names_the_files_and_the_fix(tmp_path: Path) -> None:
    bad = tmp_path / "kapot.osm.pbf"
    bad.write_bytes(b"not a pbf at all" * 10)
    with pytest.raises(InvalidDataError, match=r"kapot\.osm\.pbf.*spreiding fetch --force"):
        ring_extract([bad], tmp_path / "ring.osm.pbf", WINDOW)
