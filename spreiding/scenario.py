"""What-if scenarios: close, open, move, re-open or retype service points and compare.

A :class:`Scenario` is a named list of :class:`Edit` s applied to the full
service-point list (every status). Evaluation reuses one precomputed points ×
service-points :class:`~spreiding.distance.DistanceMatrix` over *all* rows
(:func:`prepare_context`): closing, re-opening or retyping a known point only
chooses other matrix columns; a new or moved location costs one
single-source search, cached in the returned context.

Matrix columns are keyed by a *location key*: the id for a point at its
listed place, ``"<id>@<x>,<y>"`` (RD New metres) for a new or moved point.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from ._validate import rows_text
from .coverage import coverage_by_age, coverage_table, covered_mask
from .distance import DEFAULT_CUTOFF_M, DEFAULT_DETOUR_FACTOR, DistanceMatrix, DistanceModel, distance_matrix
from .errors import ConfigError, ScenarioError
from .facilities import KINDS
from .network import RoadNetwork
from .norm import Norm
from .region import counted_facilities, population_points

__all__ = [
    "ACTIONS",
    "CHANGE_BINS",
    "SCENARIO_CUTOFF_S",
    "Edit",
    "Scenario",
    "ScenarioContext",
    "ScenarioResult",
    "apply_scenario",
    "close",
    "describe_edits",
    "distance_change_histogram",
    "evaluate",
    "library_examples",
    "location_key",
    "move",
    "norm_to_dict",
    "open_site",
    "prepare_context",
    "reopen",
    "retype",
    "with_sites",
]

logger = logging.getLogger(__name__)

ACTIONS: tuple[str, ...] = ("close", "open", "reopen", "move", "retype")
_LOCATED = ("open", "move")
SCENARIO_CUTOFF_S = 3600.0
"""Travel times kept in a scenario matrix (an hour: mean times stay comparable with a full run)."""

#: Bins of the distance change (scenario − base, metres): (code, label).
CHANGE_BINS: tuple[tuple[str, str], ...] = (
    ("lt_-2km", "< -2 km"),
    ("-2_-0.5km", "-2 .. -0,5 km"),
    ("-0.5_-0.1km", "-0,5 .. -0,1 km"),
    ("same", "± 0,1 km"),
    ("0.1_0.5km", "0,1 .. 0,5 km"),
    ("0.5_2km", "0,5 .. 2 km"),
    ("2_5km", "2 .. 5 km"),
    ("gt_5km", "> 5 km"),
    ("lost", "niet meer bereikbaar"),
    ("gained", "weer bereikbaar"),
    ("never", "in beide onbereikbaar"),
)


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
        :class:`~spreiding.norm.Norm` fields; informational).
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


def library_examples(facilities: gpd.GeoDataFrame) -> list[Scenario]:
    """Scenarios from the closed, planned and cancelled rows of the library list.

    One scenario "<name> geopend" per planned or cancelled row, "<name> weer
    open" per closed row, and "alle plannen uitgevoerd" (every planned row
    open). Descriptions quote ``status``, ``status_year`` and ``notes``.
    Rows outside the region (``region`` other than ``drenthe``) are skipped
    when that column exists.
    """
    rows = facilities
    if "region" in rows.columns and (rows["region"] == "drenthe").any():
        rows = rows.loc[rows["region"] == "drenthe"]
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


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, eq=False)
class ScenarioContext:
    """Precomputed distances for scenario work (never mutated).

    Attributes
    ----------
    points
        Residents' points (cells or street placements).
    facilities
        All service points (every status) the base stands on.
    matrix
        Points × location keys (all rows of ``facilities`` plus any new or
        moved locations added since).
    network
        The road network (``None`` for crow-fly).
    detour_factor
        Crow-fly detour factor.
    total_label
        Label of the total row.
    memo
        Base results per norm (filled by :func:`evaluate`; a cache, not data).
    """

    points: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    matrix: DistanceMatrix
    network: RoadNetwork | None = None
    detour_factor: float = DEFAULT_DETOUR_FACTOR
    total_label: str = "Drenthe"
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def model(self) -> DistanceModel:
        """The distance model."""
        return self.matrix.model


def prepare_context(
    population: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network: RoadNetwork | None = None,
    *,
    mode: str = "car",
    placement: str = "cell_centre",
    cutoff_m: float = DEFAULT_CUTOFF_M,
    cutoff_s: float = SCENARIO_CUTOFF_S,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    total_label: str = "Drenthe",
    progress: bool = False,
) -> ScenarioContext:
    """Compute the points × all-service-points matrix once for scenario work.

    Parameters
    ----------
    population
        Population cells.
    facilities
        All service points, every status and kind (so closing, re-opening
        or retyping is a choice of columns).
    network
        The mode's road network, or ``None`` for crow-fly estimates.
    mode
        Travel mode (must match the network).
    placement
        ``"cell_centre"`` or ``"street_nodes"``.
    cutoff_m, cutoff_s
        Largest distance / travel time kept (use more than the norm;
        points beyond both have ``inf`` and count as unreachable).
    detour_factor
        Crow-fly only.
    total_label
        Label of the total row.
    progress
        Show a progress bar.
    """
    points = population_points(population, placement, network)
    frame = facilities.copy()
    frame["id"] = frame["id"].astype(str)
    matrix = distance_matrix(
        points,
        frame,
        network,
        mode=mode,
        cutoff_m=cutoff_m,
        cutoff_s=cutoff_s,
        detour_factor=detour_factor,
        progress=progress,
    )
    if network is not None and not np.isfinite(matrix.dist_m).any(axis=1).all():
        far = int((~np.isfinite(matrix.dist_m).any(axis=1)).sum())
        logger.warning("%d point(s) have no service point within %.0f m (any status); raise cutoff_m", far, cutoff_m)
    return ScenarioContext(points, frame, matrix, network, detour_factor, total_label, {"cutoff_s": cutoff_s})


def with_sites(
    context: ScenarioContext, sites: gpd.GeoDataFrame, *, key_column: str = "location_key"
) -> ScenarioContext:
    """Return a context whose matrix also has the columns of ``sites`` (one search per new key).

    Keys already in the matrix cost nothing.
    """
    keys = sites[key_column].astype(str)
    new = sites.loc[~keys.isin(context.matrix.facility_ids).to_numpy()].drop_duplicates(key_column)
    if new.empty:
        return context
    frame = gpd.GeoDataFrame(
        {"id": new[key_column].astype(str).to_numpy()}, geometry=new.geometry.to_numpy(), crs=new.crs
    )
    extra = distance_matrix(
        context.points,
        frame,
        context.network,
        mode=context.model.mode,
        cutoff_m=context.matrix.cutoff_m,
        cutoff_s=float(context.memo.get("cutoff_s", SCENARIO_CUTOFF_S)),
        detour_factor=context.detour_factor,
    )
    if extra.excluded:
        logger.warning(
            "new location(s) %s lie too far from the road network and reach nobody", rows_text(extra.excluded)
        )
    return replace(context, matrix=context.matrix.extend(extra), memo=context.memo)


def _nearest(context: ScenarioContext, counted: gpd.GeoDataFrame) -> pd.DataFrame:
    keys = (
        counted["location_key"].astype(str).to_numpy()
        if "location_key" in counted
        else counted["id"].astype(str).to_numpy()
    )
    near = context.matrix.nearest(keys)
    to_id = pd.Series(counted["id"].astype(str).to_numpy(), index=keys)
    for col in ("nearest_id", "nearest_time_id"):
        near[col] = near[col].map(to_id).astype("string")
    return near


def distance_change_histogram(
    population: pd.DataFrame,
    nearest_base: pd.DataFrame,
    nearest: pd.DataFrame,
    norm: Norm,
    *,
    by: str = "municipality",
    total_label: str = "Totaal",
) -> pd.DataFrame:
    """Residents per bin of distance change (scenario − base), per group and in total.

    Bins: :data:`CHANGE_BINS` (``< -2 km`` ... ``> 5 km``; ``± 0,1 km`` is
    ``|change| <= 100 m``), plus "no longer reachable", "reachable again"
    and "unreachable in both".

    Returns
    -------
    pandas.DataFrame
        Long format: ``municipality``, ``bin``, ``label``, ``residents``
        (weighted by the norm's population column), total rows last.
    """
    d0 = nearest_base["dist_m"].to_numpy(float)
    d1 = nearest["dist_m"].to_numpy(float)
    f0, f1 = np.isfinite(d0), np.isfinite(d1)
    with np.errstate(invalid="ignore"):
        delta = np.where(f0 & f1, d1 - d0, 0.0)
    neg = np.digitize(delta, [-2000.0, -500.0, -100.0])  # 0..3
    pos = np.digitize(delta, [100.0, 500.0, 2000.0, 5000.0], right=True)  # 0..4
    code = np.where(neg < 3, neg, 3 + pos)
    code = np.where(f0 & ~f1, 8, np.where(~f0 & f1, 9, np.where(~f0 & ~f1, 10, code)))
    weight = population[norm.weight_column].to_numpy(float)
    groups, names = pd.factorize(population[by].astype("string").fillna("(onbekend)"), sort=True)
    nb = len(CHANGE_BINS)
    per = np.bincount(groups * nb + code, weights=weight, minlength=len(names) * nb).reshape(len(names), nb)
    total = np.bincount(code, weights=weight, minlength=nb)[None, :]
    counts = np.vstack([per, total])
    labels = [*map(str, names), total_label]
    return pd.DataFrame(
        {
            "municipality": np.repeat(labels, nb),
            "bin": [b for _ in labels for b, _l in CHANGE_BINS],
            "label": [lab for _ in labels for _b, lab in CHANGE_BINS],
            "residents": counts.ravel(),
        }
    )


_DIFF_KEEP = ("covered", "covered_pct", "unreachable", "mean_dist_m", "mean_time_s")


def _diff(
    table_base: pd.DataFrame,
    table: pd.DataFrame,
    population: pd.DataFrame,
    bands: list[str],
    lose_mask: np.ndarray,
    gain_mask: np.ndarray,
    by: str,
) -> pd.DataFrame:
    """Base, scenario and delta columns plus residents losing/gaining coverage, row-aligned with the tables."""
    keys = [c for c in ("municipality", "age_band", "age_label") if c in table_base.columns]
    out = table_base.loc[:, [*keys, "residents"]].reset_index(drop=True)
    for col in _DIFF_KEEP:
        b, s = table_base[col].to_numpy(float), table[col].to_numpy(float)
        out[f"{col}_base"] = b
        out[col] = s
        with np.errstate(invalid="ignore"):
            out[f"{col}_delta"] = s - b
    groups, names = pd.factorize(population[by].astype("string").fillna("(onbekend)"), sort=True)
    lose: list[np.ndarray] = []
    gain: list[np.ndarray] = []
    for band in bands:  # at most six bands: columns, not cells
        w = population[band].to_numpy(float)
        for mask, acc in ((lose_mask, lose), (gain_mask, gain)):
            per = np.bincount(groups, weights=np.where(mask, w, 0.0), minlength=len(names))
            acc.append(np.append(per, per.sum()))
    out["lose_coverage"] = np.concatenate(lose)
    out["gain_coverage"] = np.concatenate(gain)
    return out


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """A scenario evaluated against a norm, with the base for comparison.

    The per-age-band tables (:attr:`by_age`, :attr:`by_age_base`,
    :attr:`diff_by_age`) are computed on first access, so a toggle only pays
    for what is shown.

    Attributes
    ----------
    scenario, norm, model
        What was evaluated, with which distance model.
    facilities
        The full service-point list after the edits (see :func:`apply_scenario`).
    counted
        The service points that count under the norm in the scenario.
    nearest_base, nearest
        Nearest counted service point per point, base and scenario.
    table_base, table
        Coverage per municipality (+ total row), base and scenario.
    diff
        Per municipality: residents; base, scenario and delta of covered
        residents, covered %, unreachable, mean distance and mean time;
        residents who lose or gain coverage (for the norm's population column).
    change_hist
        Residents per bin of distance change (:func:`distance_change_histogram`).
    context
        The context, extended with the columns of new/moved locations; pass
        it to the next :func:`evaluate` to reuse them.
    by
        Grouping column.
    """

    scenario: Scenario
    norm: Norm
    model: DistanceModel
    facilities: gpd.GeoDataFrame
    counted: gpd.GeoDataFrame
    nearest_base: pd.DataFrame
    nearest: pd.DataFrame
    table_base: pd.DataFrame
    table: pd.DataFrame
    diff: pd.DataFrame
    change_hist: pd.DataFrame
    context: ScenarioContext
    by: str = "municipality"

    @property
    def total(self) -> pd.Series:
        """The total row of :attr:`diff`."""
        return self.diff.iloc[-1]

    @cached_property
    def by_age_base(self) -> pd.DataFrame:
        """Base coverage per municipality and age band (long)."""
        return _by_age(self.context, self.nearest_base, self.norm, self.by)

    @cached_property
    def by_age(self) -> pd.DataFrame:
        """Scenario coverage per municipality and age band (long)."""
        return _by_age(self.context, self.nearest, self.norm, self.by)

    @cached_property
    def diff_by_age(self) -> pd.DataFrame:
        """:attr:`diff` for every age band (long: ``municipality, age_band, age_label, ...``)."""
        cov_base, cov = covered_mask(self.nearest_base, self.norm), covered_mask(self.nearest, self.norm)
        bands = list(dict.fromkeys(self.by_age_base["age_band"]))
        points = self.context.points
        return _diff(self.by_age_base, self.by_age, points, bands, cov_base & ~cov, cov & ~cov_base, self.by)


def _by_age(context: ScenarioContext, nearest: pd.DataFrame, norm: Norm, by: str) -> pd.DataFrame:
    out = coverage_by_age(context.points, nearest, norm, by=by, total_label=context.total_label)
    if norm.age_band is not None:  # the norm's own band keeps the norm's description
        out.loc[out["age_band"] == norm.age_band, "norm"] = norm.describe()
    return out


def _base(context: ScenarioContext, norm: Norm, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nearest and coverage table of the base, memoised per norm in the context."""
    key = (norm, by)
    if key not in context.memo:
        near = _nearest(context, counted_facilities(context.facilities, norm))
        table = coverage_table(context.points, near, norm, by=by, total_label=context.total_label)
        context.memo[key] = (near, table)
    return context.memo[key]


def evaluate(context: ScenarioContext, scenario: Scenario, norm: Norm, *, by: str = "municipality") -> ScenarioResult:
    """Evaluate a scenario against a norm, compared with the base.

    Parameters
    ----------
    context
        From :func:`prepare_context` (or a previous result's ``context``).
    scenario
        The scenario (an empty scenario gives the base).
    norm
        The norm; its mode must be the context's.
    by
        Grouping column of the population.

    Returns
    -------
    ScenarioResult

    Raises
    ------
    ConfigError
        The norm's mode differs from the context's.
    ScenarioError
        An edit cannot be applied.
    """
    if norm.mode != context.model.mode:
        msg = (
            f"the norm is for {norm.mode!r} but the scenario distances are for {context.model.mode!r}; "
            f"prepare a context for {norm.mode!r}"
        )
        raise ConfigError(msg)
    edited = apply_scenario(context.facilities, scenario)
    counted = counted_facilities(edited, norm)
    located = counted.loc[counted["location_key"] != counted["id"]]
    if not located.empty:
        context = with_sites(context, located)
    if counted.empty:
        logger.warning("scenario %r leaves no counted service point", scenario.name)
    near_base, table_base = _base(context, norm, by)
    near = _nearest(context, counted)
    table = coverage_table(context.points, near, norm, by=by, total_label=context.total_label)
    cov_base, cov = covered_mask(near_base, norm), covered_mask(near, norm)
    diff = _diff(table_base, table, context.points, [norm.weight_column], cov_base & ~cov, cov & ~cov_base, by)
    hist = distance_change_histogram(context.points, near_base, near, norm, by=by, total_label=context.total_label)
    return ScenarioResult(
        scenario, norm, context.model, edited, counted, near_base, near, table_base, table, diff, hist, context, by
    )


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
