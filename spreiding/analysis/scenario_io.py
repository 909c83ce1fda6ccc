"""Scenario files: JSON and GeoJSON, every shape checked before anything is stored.

JSON is :meth:`Scenario.to_dict` (edits with RD New ``x``/``y`` in metres, or
``lon``/``lat`` in WGS84). GeoJSON is a FeatureCollection with one feature per
edit: opened/moved points as WGS84 Point geometries, closures, re-openings and
retypes without geometry.

Every malformed input gives one :class:`~spreiding.errors.ScenarioError` line
in Dutch that names the file, the edit or feature and what is wrong; points
must lie in the Netherlands (RD New x −10 000…300 000, y 280 000…640 000), and
lon/lat given where RD is expected (or the other way round) is named as such.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyproj import Transformer

from spreiding._outfile import atomic_write, check_targets
from spreiding.analysis.scenario import Edit, Scenario, check_rd_xy
from spreiding.errors import ScenarioError

__all__ = [
    "LAT_RANGE",
    "LON_RANGE",
    "lonlat_to_rd",
    "read_scenario_file",
    "scenario_from_dict",
    "scenario_from_geojson",
    "scenario_to_geojson",
    "write_scenario_file",
]

LON_RANGE: tuple[float, float] = (3.0, 7.5)
"""WGS84 longitudes of the Netherlands (degrees)."""
LAT_RANGE: tuple[float, float] = (50.5, 54.0)
"""WGS84 latitudes of the Netherlands (degrees)."""


@lru_cache(maxsize=2)
def _transformer(source: str, target: str) -> Transformer:
    """A lon/lat <-> RD New transformer, built on first use (building one takes ~50 ms: not at import)."""
    return Transformer.from_crs(source, target, always_xy=True)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))


def lonlat_to_rd(lon: object, lat: object, *, what: str = "plek") -> tuple[float, float]:
    """RD New ``x``/``y`` (metres) of a WGS84 ``lon``/``lat`` in the Netherlands.

    Parameters
    ----------
    lon, lat
        Degrees (numbers).
    what
        Which point this is, for the message.

    Raises
    ------
    ScenarioError
        Not numbers, swapped (lat, lon), RD metres given instead, or outside
        the Netherlands; the message says which.
    """
    if not (_is_number(lon) and _is_number(lat)):
        msg = f"{what}: lon={lon!r}, lat={lat!r} zijn geen getallen; geef lengte- en breedtegraad als getal (6.56)"
        raise ScenarioError(msg)
    lo, la = float(lon), float(lat)  # type: ignore[arg-type]
    (lo0, lo1), (la0, la1) = LON_RANGE, LAT_RANGE
    if lo0 <= lo <= lo1 and la0 <= la <= la1:
        x, y = _transformer("EPSG:4326", "EPSG:28992").transform(lo, la)
        return float(x), float(y)
    if lo0 <= la <= lo1 and la0 <= lo <= la1:
        hint = "lengte- en breedtegraad lijken omgewisseld; geef eerst de lengtegraad (lon, bv. 6.56), dan lat"
    elif abs(lo) > 180 or abs(la) > 90:
        hint = "dit lijken RD-coördinaten (meters); geef lengte-/breedtegraden in WGS84 (bv. 6.56, 52.99)"
    else:
        hint = "dat ligt niet in Nederland; geef lon, lat in WGS84 (lon eerst, bv. 6.56, 52.99)"
    msg = f"{what}: lon={lo:g}, lat={la:g}: {hint}"
    raise ScenarioError(msg)


# --------------------------------------------------------------------------- writing


def scenario_to_geojson(scenario: Scenario) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one feature per edit (WGS84 points for open/move)."""
    features = []
    for order, edit in enumerate(scenario.edits):
        props = {k: v for k, v in edit.to_dict().items() if k not in ("x", "y")}
        props["order"] = order
        geometry = None
        if edit.has_location:
            lon, lat = _transformer("EPSG:28992", "EPSG:4326").transform(edit.x, edit.y)
            geometry = {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {
        "type": "FeatureCollection",
        "name": scenario.name,
        "description": scenario.description,
        "norm": dict(scenario.norm) if scenario.norm else None,
        "features": features,
    }


def write_scenario_file(
    scenario: Scenario,
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> Path:
    """Write a scenario as ``.geojson`` or ``.json`` (by extension; atomically).

    The same rules as every output: no folders made, an existing file only with ``force``, never an input
    (e.g. the scenario store); an unwritable place gives a Dutch error.

    Raises
    ------
    ScenarioError
        Unknown extension.
    ConfigError
        See :func:`spreiding._outfile.check_targets`.
    OutputError
        The write failed (an existing file is left as it was).
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix == ".geojson":
        data = scenario_to_geojson(scenario)
    elif suffix == ".json":
        data = scenario.to_dict()
    else:
        msg = f"kan scenario-bestand {out.name} niet schrijven: gebruik een bestandsnaam op .geojson of .json"
        raise ScenarioError(msg)
    check_targets([out], force=force, inputs=inputs)
    atomic_write(out, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    return out


# --------------------------------------------------------------------------- reading


def _label(raw: Mapping[str, Any]) -> str:
    action, ident = raw.get("action"), raw.get("id")
    return f" ({action} {ident})" if action is not None or ident is not None else ""


def _checked_edit(raw: Mapping[str, Any], where: str) -> Edit:
    """One edit from a mapping (RD ``x``/``y`` or WGS84 ``lon``/``lat``), its place checked."""
    values = dict(raw)
    if "lon" in values or "lat" in values:
        if values.get("x") is not None or values.get("y") is not None:
            msg = f"{where}: geef x/y (RD) óf lon/lat (WGS84), niet allebei"
            raise ScenarioError(msg)
        values["x"], values["y"] = lonlat_to_rd(values.pop("lon", None), values.pop("lat", None), what=where)
    try:
        edit = Edit.from_dict(values)
    except ScenarioError as exc:
        msg = f"{where}: {exc}"
        raise ScenarioError(msg) from exc
    if edit.has_location and edit.x is not None and edit.y is not None:
        check_rd_xy(edit.x, edit.y, what=where)
    return edit


def _top_fields(data: Mapping[str, Any], source: str, name: str | None) -> tuple[object, str, object]:
    title = name if name else data.get("name")
    if title is None:
        msg = f"{source} heeft geen 'name'; zet een naam bovenaan in het bestand of geef --name"
        raise ScenarioError(msg)
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        msg = f"{source}: 'description' moet tekst zijn, kreeg {description!r}"
        raise ScenarioError(msg)
    return title, description or "", data.get("norm") or None


def _build(source: str, title: object, description: str, edits: list[Edit], norm: object) -> Scenario:
    try:
        return Scenario(title, description, tuple(edits), norm)  # type: ignore[arg-type]
    except ScenarioError as exc:
        msg = f"{source}: {exc}"
        raise ScenarioError(msg) from exc


def scenario_from_dict(data: object, *, name: str | None = None, source: str = "scenario") -> Scenario:
    """A scenario from :meth:`Scenario.to_dict`-shaped data, every shape checked.

    Parameters
    ----------
    data
        The parsed JSON.
    name
        Store it under this name instead of the file's.
    source
        How the input is named in messages (e.g. ``"scenario-bestand a.json"``).
    """
    if not isinstance(data, Mapping):
        msg = f"{source} moet één JSON-object bevatten, kreeg {type(data).__name__}"
        raise ScenarioError(msg)
    title, description, norm = _top_fields(data, source, name)
    raw = data.get("edits")
    if raw is not None and (isinstance(raw, str) or not isinstance(raw, Sequence)):
        msg = f"{source}: 'edits' moet een lijst van wijzigingen zijn, kreeg {raw!r}"
        raise ScenarioError(msg)
    edits = []
    for i, item in enumerate(raw or (), start=1):
        if not isinstance(item, Mapping):
            msg = f'{source}, wijziging {i}: {item!r} is geen object; schrijf {{"action": ..., "id": ...}}'
            raise ScenarioError(msg)
        edits.append(_checked_edit(item, f"{source}, wijziging {i}{_label(item)}"))
    return _build(source, title, description, edits, norm)


def _point_xy(geom: object, where: str) -> tuple[float, float]:
    if not isinstance(geom, Mapping):
        msg = f"{where}: 'geometry' moet een object of null zijn, kreeg {geom!r}"
        raise ScenarioError(msg)
    if geom.get("type") != "Point":
        msg = f"{where}: geometrie van type {geom.get('type')!r}; geef een Point (lon, lat)"
        raise ScenarioError(msg)
    coords = geom.get("coordinates")
    if not isinstance(coords, Sequence) or isinstance(coords, str) or len(coords) not in (2, 3):
        msg = f"{where}: het Point heeft geen geldige 'coordinates' ({coords!r}); geef [lon, lat]"
        raise ScenarioError(msg)
    lon, lat = coords[0], coords[1]
    if _is_number(lon) and _is_number(lat) and (abs(lon) > 180 or abs(lat) > 90):
        msg = (
            f"{where}: coördinaten {lon:g}, {lat:g} lijken RD-meters; GeoJSON heeft WGS84 lon, lat nodig "
            "(exporteer opnieuw met `spreiding scenario export` of gebruik een .json-bestand met x/y)"
        )
        raise ScenarioError(msg)
    return lonlat_to_rd(lon, lat, what=where)


def _feature_edit(feat: object, i: int, source: str) -> Edit:
    where = f"{source}, feature {i}"
    if not isinstance(feat, Mapping):
        msg = f"{where}: {feat!r} is geen GeoJSON-Feature; geef een object met 'geometry' en 'properties'"
        raise ScenarioError(msg)
    props = feat.get("properties") or {}
    if not isinstance(props, Mapping):
        msg = f"{where}: 'properties' moet een object zijn, kreeg {props!r}"
        raise ScenarioError(msg)
    values = {k: v for k, v in props.items() if k != "order"}
    where += _label(values)
    geom = feat.get("geometry")
    if geom is not None:
        values["x"], values["y"] = _point_xy(geom, where)
    return _checked_edit(values, where)


def _order(feat: object, i: int, source: str) -> float:
    props = feat.get("properties") if isinstance(feat, Mapping) else None
    order = props.get("order", i) if isinstance(props, Mapping) else i
    if not _is_number(order):
        msg = f"{source}, feature {i + 1}: 'order' moet een getal zijn, kreeg {order!r}"
        raise ScenarioError(msg)
    return float(order)


def scenario_from_geojson(data: object, *, name: str | None = None, source: str = "GeoJSON-scenario") -> Scenario:
    """Build a scenario from :func:`scenario_to_geojson` output (or a hand-written FeatureCollection)."""
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        msg = f"{source} moet een FeatureCollection zijn met één feature per wijziging"
        raise ScenarioError(msg)
    feats = data.get("features")
    if feats is None:
        feats = []
    if isinstance(feats, str) or not isinstance(feats, Sequence):
        msg = f"{source}: 'features' moet een lijst zijn, kreeg {feats!r}"
        raise ScenarioError(msg)
    title, description, norm = _top_fields(data, source, name)
    orders = [_order(f, i, source) for i, f in enumerate(feats)]
    ranked = sorted(range(len(feats)), key=lambda i: orders[i])
    edits = [_feature_edit(feats[i], i + 1, source) for i in ranked]
    return _build(source, title, description, edits, norm)


def read_scenario_file(path: str | os.PathLike[str], *, name: str | None = None) -> Scenario:
    """Read and check a scenario from ``.geojson`` or ``.json`` (a FeatureCollection is read as GeoJSON).

    Parameters
    ----------
    path
        The file (never modified).
    name
        Use this name instead of the file's.

    Raises
    ------
    ScenarioError
        One Dutch line naming the file, the edit or feature and the problem.
    """
    p = Path(path)
    if not p.is_file():
        msg = f"scenario-bestand {p} niet gevonden; geef het pad van een .geojson- of .json-bestand"
        raise ScenarioError(msg)
    source = f"scenario-bestand {p.name}"
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        msg = f"{source} is geen geldige JSON ({exc}); exporteer het opnieuw met `spreiding scenario export`"
        raise ScenarioError(msg) from exc
    if isinstance(data, Mapping) and data.get("type") == "FeatureCollection":
        return scenario_from_geojson(data, name=name, source=source)
    return scenario_from_dict(data, name=name, source=source)
