"""What-if scenarios: close, open, move, re-open or retype service points and compare.

A :class:`Scenario` is a named list of :class:`Edit` s applied to the full
service-point list (every status); :func:`apply_scenario` gives the edited
list. Evaluating a scenario against a norm lives in :mod:`spreiding.analysis.evaluation`.

Matrix columns are keyed by a *location key*: the id for a point at its
listed place, ``"<id>@<x>,<y>"`` (RD New metres) for a new or moved point.
"""

from __future__ import annotations

import logging
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from spreiding._validate import rows_text
from spreiding.analysis.norm import Norm
from spreiding.data.facilities import KINDS
from spreiding.data.regions import RegionLike, get_region
from spreiding.errors import ScenarioError
from spreiding.vocabulary import KIND_LABELS, STATUS_LABELS

__all__ = [
    "ACTIONS",
    "NAME_MAX_CHARS",
    "RD_X_RANGE_M",
    "RD_Y_RANGE_M",
    "Edit",
    "Scenario",
    "apply_scenario",
    "check_in_area",
    "check_rd_xy",
    "close",
    "describe_edits",
    "library_examples",
    "location_key",
    "move",
    "norm_to_dict",
    "open_site",
    "reopen",
    "retype",
]

logger = logging.getLogger(__name__)

ACTIONS: tuple[str, ...] = ("close", "open", "reopen", "move", "retype")
_LOCATED = ("open", "move")
NAME_MAX_CHARS = 120
"""Longest scenario name (characters, after stripping)."""
RD_X_RANGE_M: tuple[float, float] = (-10_000.0, 300_000.0)
"""RD New (EPSG:28992) x range of the Netherlands, metres."""
RD_Y_RANGE_M: tuple[float, float] = (280_000.0, 640_000.0)
"""RD New (EPSG:28992) y range of the Netherlands, metres."""
_NORM_FIELDS = frozenset(f.name for f in fields(Norm))


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class Edit:
    """One change to the service-point list.

    Parameters
    ----------
    action
        ``"close"`` (an open point closes), ``"open"`` (a new point at
        ``x``/``y``), ``"reopen"`` (a closed, planned or cancelled row opens
        at its listed place), ``"move"`` (a point moves to ``x``/``y``) or
        ``"retype"`` (a point gets another ``kind``, e.g. a vestiging becomes
        a servicepunt in an MFA).
    id
        The service point's id (for ``open``: the new id).
    name, kind, host_building
        Name, kind and host building (MFA, dorpshuis, school) of a new point;
        ``kind``/``host_building`` also for ``retype``.
    x, y
        Location in EPSG:28992 metres (``open`` and ``move``).
    """

    action: str
    id: str
    name: str | None = None
    kind: str | None = None
    x: float | None = None
    y: float | None = None
    host_building: str | None = None

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            msg = f"onbekende actie {self.action!r} bij {self.id!r}; gebruik een van {', '.join(ACTIONS)}"
            raise ScenarioError(msg)
        if isinstance(self.id, bool) or not isinstance(self.id, str | numbers.Integral) or not str(self.id).strip():
            msg = f"een {self.action!r}-wijziging heeft geen geldige id ({self.id!r}); geef de id van het servicepunt"
            raise ScenarioError(msg)
        object.__setattr__(self, "id", str(self.id).strip())
        if self.kind is not None and self.kind not in KINDS:
            kinds = ", ".join(KINDS)
            msg = f"wijziging {self.action} {self.id}: onbekende soort {self.kind!r}; gebruik een van {kinds}"
            raise ScenarioError(msg)
        if self.action in _LOCATED:
            if self.x is None or self.y is None or not (_is_number(self.x) and _is_number(self.y)):
                msg = (
                    f"wijziging {self.action} {self.id} heeft een plek nodig (x, y als getallen in RD New, "
                    f"EPSG:28992), kreeg x={self.x!r}, y={self.y!r}; geef beide coördinaten"
                )
                raise ScenarioError(msg)
            object.__setattr__(self, "x", float(self.x))
            object.__setattr__(self, "y", float(self.y))
        if self.action == "open" and (not self.name or self.kind is None):
            msg = f"wijziging open {self.id} heeft een naam en een soort nodig ({', '.join(KINDS)}); geef beide"
            raise ScenarioError(msg)
        if self.action == "retype" and self.kind is None:
            msg = f"wijziging retype {self.id} heeft de nieuwe soort nodig ({', '.join(KINDS)}); geef die op"
            raise ScenarioError(msg)

    @property
    def has_location(self) -> bool:
        """Whether the edit places a point (open, move)."""
        return self.action in _LOCATED

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready); ``None`` fields are left out."""
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Edit:
        """Build an edit from :meth:`to_dict` output.

        Raises
        ------
        ScenarioError
            ``data`` is not a mapping, has unknown fields, lacks ``action``
            or ``id``, or has coordinates that are not numbers.
        """
        if not isinstance(data, Mapping):
            msg = f'een wijziging moet een object zijn zoals {{"action": "close", "id": ...}}, kreeg {data!r}'
            raise ScenarioError(msg)
        allowed = cls.__dataclass_fields__
        unknown = sorted(str(k) for k in set(data) - set(allowed))
        if unknown:
            msg = f"wijziging heeft onbekende veld(en) {', '.join(unknown)}; toegestaan: {', '.join(allowed)}"
            raise ScenarioError(msg)
        if "action" not in data or "id" not in data:
            msg = f"wijziging {dict(data)} mist 'action' of 'id'; geef beide"
            raise ScenarioError(msg)
        for k in ("x", "y"):
            if data.get(k) is not None and not _is_number(data[k]):
                what = f"wijziging {data['action']} {data['id']}"
                msg = f"{what}: {k}={data[k]!r} is geen getal; geef RD-meters als getal"
                raise ScenarioError(msg)
        values: dict[str, Any] = {
            k: _clean(v) if k in ("name", "kind", "host_building") else v for k, v in data.items()
        }
        return cls(**values)


def _is_number(value: object) -> bool:
    """A finite int or float (not a bool, not a string)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))


def check_rd_xy(x: float, y: float, *, what: str = "plek") -> None:
    """Check that ``x``/``y`` are RD New metres inside the Netherlands.

    Parameters
    ----------
    x, y
        Coordinates that should be EPSG:28992 metres.
    what
        Which point this is, for the message (e.g. ``"wijziging 2 (open n1)"``).

    Raises
    ------
    ScenarioError
        The point lies outside x −10 000…300 000, y 280 000…640 000; values
        that look like lon/lat (``|x| <= 180``, ``|y| <= 90``) get that hint.
    """
    (x0, x1), (y0, y1) = RD_X_RANGE_M, RD_Y_RANGE_M
    if x0 <= x <= x1 and y0 <= y <= y1:
        return
    if abs(x) <= 180 and abs(y) <= 90:
        msg = (
            f"{what}: x={x:g}, y={y:g}: dit lijken lengte-/breedtegraden; geef RD-coördinaten "
            "(x, y in meters) of gebruik lon/lat-velden"
        )
    else:
        msg = (
            f"{what}: x={x:g}, y={y:g} ligt buiten Nederland (RD New: x {x0:,.0f}…{x1:,.0f}, "
            f"y {y0:,.0f}…{y1:,.0f}); controleer de coördinaten"
        )
    raise ScenarioError(msg)


def _check_name(raw: object) -> str:
    if not isinstance(raw, str):
        msg = f"een scenarionaam moet tekst zijn, kreeg {raw!r}; geef een korte naam"
        raise ScenarioError(msg)
    name = raw.strip()
    if not name:
        msg = "een scenario heeft een naam nodig; geef een korte, unieke naam"
        raise ScenarioError(msg)
    if any(unicodedata.category(c) == "Cc" for c in name):
        msg = f"de scenarionaam {name[:40]!r} bevat regeleinden of tabs; geef een naam op één regel"
        raise ScenarioError(msg)
    if len(name) > NAME_MAX_CHARS:
        msg = (
            f"de scenarionaam {name[:40]!r}… is {len(name)} tekens lang; "
            f"geef een naam van hoogstens {NAME_MAX_CHARS} tekens"
        )
        raise ScenarioError(msg)
    return name


def _check_norm(name: str, norm: object) -> None:
    if norm is None:
        return
    if not isinstance(norm, Mapping):
        msg = (
            f"scenario {name!r}: de norm moet een object zijn zoals "
            f'{{"mode": "car", "max_dist_m": 5000}}, kreeg {norm!r}; laat \'norm\' weg of verbeter hem'
        )
        raise ScenarioError(msg)
    unknown = sorted(str(k) for k in set(norm) - _NORM_FIELDS)
    if unknown:
        msg = f"scenario {name!r}: de norm heeft onbekende veld(en) {', '.join(unknown)}; toegestaan: " + ", ".join(
            sorted(_NORM_FIELDS)
        )
        raise ScenarioError(msg)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "punt"


def close(id: str) -> Edit:
    """Edit: the open point ``id`` closes."""
    return Edit("close", id)


def reopen(id: str) -> Edit:
    """Edit: the closed/planned/cancelled row ``id`` opens at its listed place."""
    return Edit("reopen", id)


def open_site(
    name: str, kind: str, x: float, y: float, *, host_building: str | None = None, id: str | None = None
) -> Edit:
    """Edit: a new point opens at ``x``/``y`` (EPSG:28992); id defaults to ``new-<name>``."""
    return Edit("open", id or f"new-{_slug(name)}", name=name, kind=kind, x=x, y=y, host_building=host_building)


def move(id: str, x: float, y: float) -> Edit:
    """Edit: point ``id`` moves to ``x``/``y`` (EPSG:28992)."""
    return Edit("move", id, x=x, y=y)


def check_in_area(edits: Iterable[Edit], area: BaseGeometry, ring_m: float) -> None:
    """Refuse an edit that places a point (open, move) outside the study area: the region plus its ring.

    Parameters
    ----------
    edits
        The edits to check (others than open and move pass).
    area
        The region's outline buffered by ``ring_m`` (EPSG:28992); an empty area checks nothing.
    ring_m
        Width of the ring, for the message.

    Raises
    ------
    ScenarioError
        The first edit outside, named, with its coordinates (and a hint when they look like degrees).
    """
    for edit in edits:
        if not edit.has_location or area.is_empty or area.contains(Point(edit.x, edit.y)):
            continue
        label = f"nieuw punt {edit.name!r}" if edit.action == "open" else f"verplaatsing van {edit.id}"
        if abs(float(edit.x or 0.0)) <= 180 and abs(float(edit.y or 0.0)) <= 90:
            msg = (
                f"{label}: x={edit.x:g}, y={edit.y:g} lijken lengte-/breedtegraden; "
                "geef RD-coördinaten (x en y in meters, bijv. 233000 en 557000)"
            )
        else:
            msg = (
                f"{label} (x={edit.x:.0f}, y={edit.y:.0f}) ligt buiten het gebied (de regio plus "
                f"{ring_m / 1000:.0f} km); controleer de RD-coördinaten"
            )
        raise ScenarioError(msg)


def retype(id: str, kind: str, *, host_building: str | None = None) -> Edit:
    """Edit: point ``id`` becomes ``kind`` (optionally in ``host_building``)."""
    return Edit("retype", id, kind=kind, host_building=host_building)


@dataclass(frozen=True)
class Scenario:
    """A named set of edits to the service-point list.

    Parameters
    ----------
    name
        Unique name (the store's key): stripped, non-empty, one line, at
        most :data:`NAME_MAX_CHARS` characters; any script works.
    description
        What the scenario is about (source, year, caveats).
    edits
        Edits, applied in order.
    norm
        Optional norm the scenario was made for (a plain dict of
        :class:`~spreiding.analysis.norm.Norm` fields; informational).
    """

    name: str
    description: str = ""
    edits: tuple[Edit, ...] = ()
    norm: Mapping[str, Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        name = _check_name(self.name)
        object.__setattr__(self, "name", name)
        if not isinstance(self.description, str):
            msg = f"scenario {name!r}: de beschrijving moet tekst zijn, kreeg {self.description!r}"
            raise ScenarioError(msg)
        _check_norm(name, self.norm)
        object.__setattr__(self, "edits", tuple(self.edits))
        bad = [e for e in self.edits if not isinstance(e, Edit)]
        if bad:
            got = rows_text(type(b).__name__ for b in bad)
            msg = f"scenario {name!r}: wijzigingen moeten Edit-objecten zijn, kreeg {got}"
            raise ScenarioError(msg)
        opened = [e.id for e in self.edits if e.action == "open"]
        dup = sorted({i for i in opened if opened.count(i) > 1})
        if dup:
            msg = f"scenario {name!r} opent de id('s) {rows_text(dup)} twee keer; geef elk nieuw punt een eigen id"
            raise ScenarioError(msg)

    def with_edits(self, *edits: Edit) -> Scenario:
        """Return a copy with ``edits`` appended."""
        return replace(self, edits=(*self.edits, *edits))

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return {
            "name": self.name,
            "description": self.description,
            "edits": [e.to_dict() for e in self.edits],
            "norm": dict(self.norm) if self.norm else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Build a scenario from :meth:`to_dict` output (every shape checked; a ScenarioError in Dutch)."""
        if not isinstance(data, Mapping):
            msg = f"scenariogegevens moeten een object zijn, kreeg {type(data).__name__}"
            raise ScenarioError(msg)
        if "name" not in data:
            msg = "de scenariogegevens hebben geen 'name'; geef het scenario een naam"
            raise ScenarioError(msg)
        raw = data.get("edits")
        if raw is not None and not isinstance(raw, list | tuple):
            msg = f"'edits' moet een lijst van wijzigingen zijn, kreeg {raw!r}"
            raise ScenarioError(msg)
        edits = []
        for i, item in enumerate(raw or (), start=1):
            try:
                edits.append(Edit.from_dict(item))
            except ScenarioError as exc:
                msg = f"wijziging {i}: {exc}"
                raise ScenarioError(msg) from exc
        return cls(data["name"], data.get("description") or "", tuple(edits), data.get("norm") or None)


def norm_to_dict(norm: Norm) -> dict[str, Any]:
    """A norm as a JSON-ready dict (kinds sorted)."""
    out = dict(norm.__dict__)
    out["kinds"] = sorted(norm.kinds)
    return out


def location_key(ident: str, x: float | None = None, y: float | None = None) -> str:
    """Matrix column key: ``id`` at its listed place, ``id@x,y`` (whole metres) elsewhere."""
    return ident if x is None or y is None else f"{ident}@{x:.0f},{y:.0f}"


def _row_of(frame: pd.DataFrame, ident: str, edit: Edit, scenario: str) -> int:
    hits = np.flatnonzero(frame["id"].to_numpy(dtype=str) == ident)
    if hits.size == 0:
        msg = (
            f"scenario {scenario!r}: de wijziging {_ACTION_NL.get(edit.action, edit.action)!r} noemt een onbekend "
            f"servicepunt {ident!r}; "
            "gebruik een id uit de lijst met voorzieningen (zie `spreiding scenario show` of het "
            "voorzieningenbestand, --facilities)"
        )
        raise ScenarioError(msg)
    return int(hits[0])


_ACTION_NL = {
    "close": "sluiten",
    "open": "openen",
    "reopen": "heropenen",
    "move": "verplaatsen",
    "retype": "soort wijzigen",
}
"""Edit action → Dutch verb, for messages."""


def _point_label(frame: pd.DataFrame, label: Any) -> str:
    """``'name' (id)`` of row ``label``, for messages; the id alone when the row has no name."""
    ident = str(frame.at[label, "id"])
    raw = frame.at[label, "name"] if "name" in frame.columns else None
    name = "" if raw is None or raw is pd.NA or (isinstance(raw, float) and math.isnan(raw)) else str(raw).strip()
    if not name or name == ident:
        return repr(ident)
    return f"{name!r} ({ident})"


def apply_scenario(facilities: gpd.GeoDataFrame, scenario: Scenario) -> gpd.GeoDataFrame:
    """Return the service-point list after the scenario's edits (a new frame).

    Parameters
    ----------
    facilities
        All service points (every status), unique ``id``; not modified.
    scenario
        The scenario.

    Returns
    -------
    geopandas.GeoDataFrame
        All rows with updated ``status``/``kind``/geometry, new rows for
        opened points, plus ``location_key`` (matrix column key) and
        ``scenario_edit`` (the edits applied to the row, or empty).

    Raises
    ------
    ScenarioError
        An edit names an unknown id, closes a point that is not open,
        re-opens an open one or opens an id that exists.
    """
    out = facilities.copy()
    out["id"] = out["id"].astype(str)
    out["location_key"] = out["id"].to_numpy(dtype=object)
    out["scenario_edit"] = ""
    for edit in scenario.edits:  # a handful of edits, not cells
        if edit.action == "open":
            if (out["id"] == edit.id).any():
                existing = _point_label(out, out.index[out["id"] == edit.id][0])
                msg = (
                    f"scenario {scenario.name!r}: het nieuwe punt {edit.name!r} krijgt id {edit.id!r}, maar die id "
                    f"bestaat al ({existing}); kies een nieuwe id"
                )
                raise ScenarioError(msg)
            row: dict[str, Any] = {c: pd.NA for c in out.columns if c != "geometry"}
            row.update(
                id=edit.id,
                name=edit.name,
                kind=edit.kind,
                status="open",
                host_building=edit.host_building,
                location_precision="scenario",
                location_key=location_key(edit.id, edit.x, edit.y),
                scenario_edit="open",
            )
            new = gpd.GeoDataFrame([row], geometry=[Point(edit.x, edit.y)], crs=out.crs)
            out = pd.concat([out, new.astype({c: out[c].dtype for c in ("id", "name")})], ignore_index=True)
            continue
        pos = _row_of(out, edit.id, edit, scenario.name)
        label = out.index[pos]
        status = str(out.at[label, "status"])
        if edit.action == "close" and status != "open":
            msg = (
                f"scenario {scenario.name!r}: {_point_label(out, label)} kan niet dicht, het is al "
                f"{STATUS_LABELS.get(status, status)}; sluit alleen een open punt"
            )
            raise ScenarioError(msg)
        if edit.action == "reopen" and status == "open":
            msg = (
                f"scenario {scenario.name!r}: {_point_label(out, label)} is al open; "
                "heropen alleen een gesloten of gepland punt"
            )
            raise ScenarioError(msg)
        if edit.action in ("close", "reopen"):
            out.at[label, "status"] = "closed" if edit.action == "close" else "open"
        elif edit.action == "move":
            out.loc[[label], "geometry"] = gpd.GeoSeries([Point(edit.x, edit.y)], index=[label], crs=out.crs)
            out.at[label, "location_key"] = location_key(edit.id, edit.x, edit.y)
        else:  # retype
            out.at[label, "kind"] = edit.kind
            if edit.host_building:
                out.at[label, "host_building"] = edit.host_building
        done = str(out.at[label, "scenario_edit"])
        out.at[label, "scenario_edit"] = f"{done},{edit.action}" if done else edit.action
    out.attrs = dict(facilities.attrs)  # provenance (source, peildatum) survives new rows
    return out


# --------------------------------------------------------------------------- real examples


def library_examples(facilities: gpd.GeoDataFrame, region: RegionLike = None) -> list[Scenario]:
    """Scenarios from the closed, planned and cancelled rows of the library list.

    One scenario "<name> geopend" per planned or cancelled row, "<name> weer
    open" per closed row, and "alle plannen uitgevoerd" (every planned row
    open). Descriptions quote ``status``, ``status_year`` and ``notes``.

    Parameters
    ----------
    facilities
        The service points (all statuses).
    region
        Region spec, key or region-file path (default: the default region).
        Rows whose region column (``columns.region_column``) is not the
        region's value (``columns.region_value``) are skipped, when that
        column exists and some row has the value.
    """
    labels = get_region(region).columns
    rows = facilities
    if labels.region_column in rows.columns:
        inside = (rows[labels.region_column] == labels.region_value).fillna(False).to_numpy(dtype=bool)
        if inside.any():
            rows = rows.loc[inside]
    out: list[Scenario] = []
    planned: list[str] = []
    for rec in rows.loc[rows["status"] != "open"].to_dict("records"):  # a few rows
        status, year, notes = rec["status"], _clean(rec.get("status_year")), _clean(rec.get("notes"))
        shown = STATUS_LABELS.get(status, status)
        about = f"Uit de bibliotheekenlijst: {rec['id']} status {shown}" + (f" ({year})" if year else "")
        text = about + (f". {notes}" if notes else "")
        if status == "closed":
            out.append(Scenario(f"{rec['name']} weer open", text, (reopen(str(rec["id"])),)))
        else:
            if status == "planned":
                planned.append(str(rec["id"]))
            out.append(Scenario(f"{rec['name']} geopend", text, (reopen(str(rec["id"])),)))
    if planned:
        text = f"Alle geplande locaties uit de bibliotheekenlijst open: {', '.join(planned)}"
        out.append(Scenario("alle plannen uitgevoerd", text, tuple(reopen(i) for i in planned)))
    return out


def describe_edits(scenario: Scenario, facilities: pd.DataFrame | None = None) -> list[str]:
    """Dutch one-liners of a scenario's edits (names looked up in ``facilities`` when given)."""
    names: dict[str, str] = {}
    if facilities is not None and "name" in facilities:
        names = dict(zip(facilities["id"].astype(str), facilities["name"].astype(str), strict=True))
    verbs = {"close": "sluit", "open": "opent", "reopen": "gaat (weer) open", "move": "verhuist", "retype": "wordt"}
    lines = []
    for e in scenario.edits:
        who = e.name or names.get(e.id, e.id)
        text = f"{who} [{e.id}] {verbs[e.action]}"
        if e.action == "retype":
            text += f" {KIND_LABELS.get(str(e.kind), str(e.kind))}"
        if e.has_location:
            text += f" naar x={e.x:.0f}, y={e.y:.0f}"
        if e.host_building:
            text += f" (in {e.host_building})"
        lines.append(text)
    return lines
