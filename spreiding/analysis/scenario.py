"""What-if scenarios: close, open, move, re-open or retype service points and compare.

A :class:`Scenario` is a named list of :class:`Edit` s applied to the full
service-point list (every status); :func:`apply_scenario` gives the edited
list. Evaluating a scenario against a norm lives in :mod:`spreiding.analysis.evaluation`.

Matrix columns are keyed by a *location key*: the id for a point at its
listed place, ``"<id>@<x>,<y>"`` (RD New metres) for a new or moved point.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from spreiding._validate import rows_text
from spreiding.analysis.norm import Norm
from spreiding.data.facilities import KINDS
from spreiding.data.regions import RegionLike, get_region
from spreiding.errors import ScenarioError

__all__ = [
    "ACTIONS",
    "Edit",
    "Scenario",
    "apply_scenario",
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
            msg = f"unknown edit action {self.action!r} for {self.id!r}; use one of {', '.join(ACTIONS)}"
            raise ScenarioError(msg)
        if not str(self.id).strip():
            msg = f"a {self.action!r} edit has no id; give the service point's id"
            raise ScenarioError(msg)
        object.__setattr__(self, "id", str(self.id).strip())
        if self.kind is not None and self.kind not in KINDS:
            msg = f"edit {self.action} {self.id}: unknown kind {self.kind!r}; use one of {', '.join(KINDS)}"
            raise ScenarioError(msg)
        if self.action in _LOCATED:
            if self.x is None or self.y is None or not (np.isfinite(self.x) and np.isfinite(self.y)):
                msg = f"edit {self.action} {self.id} needs a location (x, y in EPSG:28992 or lon/lat); give one"
                raise ScenarioError(msg)
            object.__setattr__(self, "x", float(self.x))
            object.__setattr__(self, "y", float(self.y))
        if self.action == "open" and (not self.name or self.kind is None):
            msg = f"edit open {self.id} needs a name and a kind ({', '.join(KINDS)})"
            raise ScenarioError(msg)
        if self.action == "retype" and self.kind is None:
            msg = f"edit retype {self.id} needs the new kind ({', '.join(KINDS)})"
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
        """Build an edit from :meth:`to_dict` output; unknown keys raise ScenarioError."""
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            msg = f"edit has unknown field(s) {', '.join(unknown)}; allowed: {', '.join(cls.__dataclass_fields__)}"
            raise ScenarioError(msg)
        if "action" not in data or "id" not in data:
            msg = f"edit {dict(data)} lacks 'action' or 'id'; give both"
            raise ScenarioError(msg)
        values: dict[str, Any] = {
            k: _clean(v) if k in ("name", "kind", "host_building") else v for k, v in data.items()
        }
        for k in ("x", "y"):
            if values.get(k) is not None:
                values[k] = float(values[k])
        return cls(**values)


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


def retype(id: str, kind: str, *, host_building: str | None = None) -> Edit:
    """Edit: point ``id`` becomes ``kind`` (optionally in ``host_building``)."""
    return Edit("retype", id, kind=kind, host_building=host_building)


@dataclass(frozen=True)
class Scenario:
    """A named set of edits to the service-point list.

    Parameters
    ----------
    name
        Unique name (the store's key).
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
        name = str(self.name).strip()
        if not name:
            msg = "a scenario needs a name; give a short unique name"
            raise ScenarioError(msg)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "edits", tuple(self.edits))
        bad = [e for e in self.edits if not isinstance(e, Edit)]
        if bad:
            msg = f"scenario {name!r}: edits must be Edit objects, got {rows_text(type(b).__name__ for b in bad)}"
            raise ScenarioError(msg)
        opened = [e.id for e in self.edits if e.action == "open"]
        dup = sorted({i for i in opened if opened.count(i) > 1})
        if dup:
            msg = f"scenario {name!r} opens the id(s) {rows_text(dup)} twice; give each new point its own id"
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
        """Build a scenario from :meth:`to_dict` output."""
        if "name" not in data:
            msg = "scenario data has no 'name'; give the scenario a name"
            raise ScenarioError(msg)
        edits = tuple(Edit.from_dict(e) for e in data.get("edits") or ())
        return cls(str(data["name"]), str(data.get("description") or ""), edits, data.get("norm") or None)


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
            f"scenario {scenario!r}: {edit.action} refers to unknown service point {ident!r}; "
            "use an id from the service-point list (see `spreiding scenario show` or the facilities file)"
        )
        raise ScenarioError(msg)
    return int(hits[0])


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
                msg = f"scenario {scenario.name!r}: open uses id {edit.id!r}, which exists; pick a new id"
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
            msg = f"scenario {scenario.name!r}: cannot close {edit.id!r}, its status is {status!r}; close an open point"
            raise ScenarioError(msg)
        if edit.action == "reopen" and status == "open":
            msg = f"scenario {scenario.name!r}: {edit.id!r} is already open; re-open only closed or planned rows"
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
        about = f"Uit de bibliotheekenlijst: {rec['id']} status {status}" + (f" ({year})" if year else "")
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
            text += f" {e.kind}"
        if e.has_location:
            text += f" naar x={e.x:.0f}, y={e.y:.0f}"
        if e.host_building:
            text += f" (in {e.host_building})"
        lines.append(text)
    return lines
