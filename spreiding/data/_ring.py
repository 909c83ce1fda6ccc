"""The OSM extract of a region and its ring: one ``.osm.pbf`` from several overlapping extracts.

Geofabrik cuts the Netherlands into one extract per province. Roads and
service points within ``ring_m`` of a province lie partly in the neighbouring
provinces' extracts, so :func:`ring_extract` cuts each extract to a window
around the study area and merges the cuts (objects that two extracts share
are written once). Each extract is streamed on its own, so memory grows
with the cuts, not with the neighbours' full extracts. Kept:

* every way with a ``highway`` tag that has at least one node in the window,
  with all its nodes (a road that leaves the window stays whole);
* every node or way with an ``amenity`` or ``place`` tag that has a node in
  the window (service points and candidate sites).

The window is the bounding box, in longitude and latitude, of the study area
(the province grown by the ring): a superset of the ring, never less.

Reading and writing are pyosmium's (C++); only the loop that tests a tagged
object's node positions against the window is Python (as in
:mod:`spreiding.network.osm`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from spreiding.errors import InvalidDataError

__all__ = ["RING_KEYS", "ring_extract"]

logger = logging.getLogger(__name__)

RING_KEYS: tuple[str, ...] = ("highway", "amenity", "place")
"""Tags whose objects :func:`ring_extract` keeps (when they touch the window)."""


def _inside(location: Any, window: tuple[float, float, float, float]) -> bool:
    if not location.valid():
        return False
    return window[0] <= location.lon <= window[2] and window[1] <= location.lat <= window[3]


def _merge(sources: Sequence[Path], merged: Path) -> None:
    """Write the union of ``sources`` to ``merged`` (an object in several extracts once; sorted by type and id)."""
    import osmium  # local: keeps ``import spreiding`` light

    reader = osmium.MergeInputReader()
    for source in sources:
        reader.add_file(str(source))
    writer = osmium.SimpleWriter(str(merged), overwrite=True)
    try:
        reader.apply(writer, simplify=True)
    finally:
        writer.close()


def _cut(source: Path, out: Path, window: tuple[float, float, float, float], progress: bool) -> int:
    """Write the objects of ``source`` that touch ``window`` (plus the nodes their ways need) to ``out``.

    Python only tests the tagged objects against the window and records their
    ids; completing the ways' nodes and writing are osmium's (C++) passes.
    """
    import osmium

    nodes: list[int] = []
    ways: list[int] = []
    processor = (
        osmium.FileProcessor(str(source), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.KeyFilter(*RING_KEYS))
    )
    with tqdm(desc=f"uitsnede {source.name}", unit=" objecten", disable=not progress, leave=False) as bar:
        for obj in processor:
            bar.update()
            if isinstance(obj, osmium.osm.Node) and _inside(obj.location, window):
                nodes.append(obj.id)
            elif isinstance(obj, osmium.osm.Way) and any(_inside(node.location, window) for node in obj.nodes):
                ways.append(obj.id)
    # filled after the read: calling into osmium while its reader threads run costs ~0.5 ms a call
    tracker = osmium.IdTracker()
    for node_id in nodes:
        tracker.add_node(node_id)
    for way_id in ways:
        tracker.add_way(way_id)
    tracker.complete_backward_references(str(source))
    writer = osmium.SimpleWriter(str(out), overwrite=True)
    try:
        osmium.apply(str(source), tracker.id_filter(), writer)
    finally:
        writer.close()
    return len(nodes) + len(ways)


def ring_extract(
    sources: Sequence[str | os.PathLike[str]],
    dest: str | os.PathLike[str],
    window_lonlat: tuple[float, float, float, float],
    *,
    progress: bool = False,
) -> int:
    """Merge OSM extracts and keep the roads, service points and places in a window.

    Parameters
    ----------
    sources
        The ``.osm.pbf`` extracts (the province's first, then its neighbours').
    dest
        The ``.osm.pbf`` to write (overwritten; write to a temporary name and
        move it into place to be atomic).
    window_lonlat
        ``(min_lon, min_lat, max_lon, max_lat)`` of the study area (WGS 84).
    progress
        Show a progress bar per extract (tagged objects read).

    Returns
    -------
    int
        The number of objects kept, summed over the extracts (ways and tagged
        nodes, without the untagged nodes the ways need; an object in two
        extracts counts twice but is written once).

    Raises
    ------
    InvalidDataError
        An extract cannot be read; the message names the files and
        ``spreiding fetch --force``.
    """
    paths = [Path(s) for s in sources]
    out = Path(dest)
    try:
        with tempfile.TemporaryDirectory(prefix=".ring-", dir=out.parent) as tmp:
            cuts = [Path(tmp) / f"cut{i}.osm.pbf" for i in range(len(paths))]
            kept = sum(_cut(path, cut, window_lonlat, progress) for path, cut in zip(paths, cuts, strict=True))
            _merge(cuts, out)
    except (RuntimeError, OSError, ValueError) as exc:
        names = ", ".join(str(p) for p in paths)
        msg = (
            f"de OSM-uitsneden {names} zijn niet samen te voegen ({exc}); "
            "download ze opnieuw met `spreiding fetch --force`"
        )
        raise InvalidDataError(msg) from exc
    logger.info("ringuitsnede: %d objecten uit %d uitsnede(n) geschreven naar %s", kept, len(paths), out)
    return kept
