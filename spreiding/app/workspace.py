"""One app session's work, without Streamlit: settings, scenarios, and a private fork of a shared Study.

The only process-wide object is the *base* :class:`~spreiding.study.Study` per
:class:`StudyKey` (data folder, mode, crow-fly flag, placement, upload digest),
handed out by an :class:`Inputs` provider and never changed after it is built.
A :class:`Workspace` works on ``base.fork()``: its own bounded result cache and
its own matrix grown with new sites, so sessions never see each other's
edits, results or growth. The Streamlit layer (:mod:`spreiding.app.state`)
keeps one workspace per session; the pages only call its methods.

Examples
--------
>>> from spreiding.app.workspace import Settings
>>> Settings().study_key.mode
'car'
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from spreiding.analysis.cbs_compare import CBS_NORM, CbsComparison, cbs_comparison
from spreiding.analysis.coverage import coverage_curve, distance_distribution
from spreiding.analysis.evaluation import Evaluation
from spreiding.analysis.norm import PRESETS, Norm
from spreiding.analysis.placement import DEFAULT_PLACEMENT, PLACEMENTS
from spreiding.analysis.scenario import Edit, Scenario, apply_scenario, check_in_area, describe_edits, open_site
from spreiding.analysis.store import ScenarioStore
from spreiding.analysis.timeline import Timeline, timeline
from spreiding.analysis.verdict import Verdict, municipality_verdict, population_year, province_overview
from spreiding.app import uploads
from spreiding.app._mapviews import MapViews
from spreiding.app._storeviews import BASE_SCENARIO, StoreViews
from spreiding.data.cbs_stats import read_cbs_csv
from spreiding.data.dates import facilities_as_of, uncertain_note
from spreiding.data.region import Region
from spreiding.errors import ConfigError, DataNotFoundError, ScenarioError
from spreiding.network.engine import DistanceMatrix
from spreiding.output.export import analysis_tables, export_name
from spreiding.output.maps import map_payload
from spreiding.output.provenance import Provenance
from spreiding.output.report import municipality_report, report_filename, uncovered_places
from spreiding.output.writer import to_bytes
from spreiding.study import Study
from spreiding.vocabulary import CANDIDATE_KIND_LABELS, STATUS_LABELS, Col

__all__ = ["BASE_SCENARIO", "Download", "Inputs", "Settings", "StudyKey", "Workspace"]

logger = logging.getLogger(__name__)


_MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gpkg": "application/geopackage+sqlite3",
}
_FORMAT_LABELS = {"csv": "CSV (dekking)", "xlsx": "Excel (met bronnen)", "gpkg": "GeoPackage"}
_CANDIDATE_MATRICES = 2  # per workspace: one per candidate source


@dataclass(frozen=True)
class StudyKey:
    """What a base Study depends on (frozen: the key of the process-wide base studies)."""

    data_dir: str = ""
    mode: str = "car"
    crowfly: bool = False
    placement: str = DEFAULT_PLACEMENT
    upload: str = ""
    """Content digest of an uploaded service-point list ("" = the data folder's list)."""
    as_of: str = ""
    """Peildatum (ISO): the service points open on that date ("" = today)."""


@dataclass(frozen=True)
class Settings:
    """What the sidebar says (frozen).

    Attributes
    ----------
    data_dir
        Data folder ("" = the default).
    norm
        The norm; its mode is the travel mode.
    crowfly
        Crow-fly estimates instead of the road network.
    placement
        ``street_nodes`` (default; crow-fly studies use cell centres) or ``cell_centre``.
    upload
        Digest of the uploaded service-point list in use ("" = none).
    colour_by
        Map colouring: ``distance`` or ``covered``.
    as_of
        Peildatum: the service points open on that date (``open_from`` / ``open_until``); default today.
    """

    data_dir: str = ""
    norm: Norm = field(default_factory=lambda: PRESETS["5km-auto"])
    crowfly: bool = False
    placement: str = DEFAULT_PLACEMENT
    upload: str = ""
    colour_by: str = "distance"
    as_of: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        if self.placement not in PLACEMENTS:
            msg = f"onbekende plaatsing {self.placement!r}; kies uit {', '.join(PLACEMENTS)}"
            raise ConfigError(msg)

    @property
    def mode(self) -> str:
        """The travel mode (the norm's)."""
        return self.norm.mode

    @property
    def study_key(self) -> StudyKey:
        """The key of the base Study these settings use."""
        return StudyKey(self.data_dir, self.mode, self.crowfly, self.placement, self.upload, self.as_of.isoformat())


class Inputs(Protocol):
    """Where a workspace gets its read-only inputs (cached per process by the caller)."""

    def study(self, key: StudyKey, facilities: gpd.GeoDataFrame | None) -> Study:
        """The base Study of ``key`` with its matrix built (``facilities``: the list dated on ``key.as_of``)."""
        ...

    def region(self, data_dir: str) -> Region:
        """The region's inputs."""
        ...

    def places(self, data_dir: str) -> gpd.GeoDataFrame | None:
        """OSM place points naming villages in reports (``None`` when absent)."""
        ...

    def candidates(self, data_dir: str, source: str) -> gpd.GeoDataFrame:
        """Candidate sites of a source (``kernen`` or ``gebouwen``)."""
        ...


@dataclass(frozen=True)
class Download:
    """One file offered for download; ``data`` builds the bytes when called (on click)."""

    key: str
    label: str
    data: Callable[[], bytes]
    file_name: str
    mime: str


def _export_bytes(
    ev: Evaluation, ext: str, municipality: str | None, sources: Sequence[Any], edits: Sequence[str] = ()
) -> bytes:
    """The download's bytes through the one writer, with provenance (CSV: the Dutch-Excel variant).

    The XLSX also lists the scenario's edits (a *wijzigingen* sheet) when it has any.
    """
    tables = analysis_tables(ev, municipality)
    provenance = Provenance.from_analysis(ev, list(sources))
    if ext == "csv":
        return to_bytes({"dekking": tables["dekking"]}, "csv-nl", provenance=provenance)
    if ext == "gpkg":
        return to_bytes(
            {k: tables[k] for k in ("buiten_norm", "vestigingen", "dekking")}, "gpkg", provenance=provenance
        )
    diff = ev.diff
    if municipality is not None:
        diff = diff.loc[diff["municipality"].astype(str) == municipality]
    sheets = {"dekking": tables["dekking"], "leeftijd": tables["leeftijd"], "verschil": diff}
    sheets["buiten_norm"] = tables["buiten_norm"]
    if edits:
        sheets["wijzigingen"] = pd.DataFrame({Col.EVENT: list(edits)})
    return to_bytes(sheets, "xlsx", provenance=provenance)


def _nearest_place(sites: gpd.GeoDataFrame, places: gpd.GeoDataFrame | None) -> list[str]:
    """Name of the nearest OSM place of each site ("" without places)."""
    if places is None or places.empty or "name" not in places:
        return [""] * len(sites)
    named = places.loc[places["name"].notna()].to_crs(sites.crs)
    tree = cKDTree(np.column_stack([named.geometry.x.to_numpy(), named.geometry.y.to_numpy()]))
    _, idx = tree.query(np.column_stack([sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()]), k=1)
    return [str(v) for v in named["name"].to_numpy()[idx]]


def _refusal(edit: Edit, facilities: gpd.GeoDataFrame, detail: str) -> str:
    """A Dutch message for an edit that cannot apply to ``facilities`` (the scenario's list before it)."""
    row = facilities.loc[facilities["id"].astype(str) == edit.id]
    status = str(row["status"].iloc[0]) if len(row) else ""
    if edit.action == "open" and len(row):
        text = f"Er is al een voorziening met id {edit.id}; geef het nieuwe punt een ander id."
    elif edit.action != "open" and row.empty:
        text = f"Voorziening {edit.id} staat niet in de lijst; kies een voorziening uit de lijst."
    elif edit.action == "close" and status != "open":
        text = f"{edit.id} is niet open ({STATUS_LABELS.get(status, status)}); alleen een open voorziening kan sluiten."
    elif edit.action == "reopen" and status == "open":
        text = f"{edit.id} is al open; alleen een gesloten of geplande voorziening kan (weer) open."
    else:
        text = "Deze wijziging past niet in het scenario; kies een andere wijziging."
    return f"{text} (Details: {detail})"


class Workspace(MapViews, StoreViews):
    """One session's settings, scenarios and results on a private fork of the shared base Study.

    Parameters
    ----------
    inputs
        The provider of base studies, regions, places and candidates.
    settings
        Initial settings (default: the 5 km by car example norm, the data folder's list).
    store
        Opens the scenario store (default :meth:`ScenarioStore.open`); may raise ``SpreidingError``.
    """

    def __init__(
        self,
        inputs: Inputs,
        settings: Settings | None = None,
        *,
        store: Callable[[], ScenarioStore] = ScenarioStore.open,
    ) -> None:
        self._inputs = inputs
        self._settings = settings or Settings()
        self._open_store = store
        self._scenarios: dict[str, Scenario] = {BASE_SCENARIO: Scenario(BASE_SCENARIO)}
        self._active = BASE_SCENARIO
        self._uploads: dict[str, tuple[str, gpd.GeoDataFrame]] = {}
        self._study: Study | None = None
        self._study_key: StudyKey | None = None
        self._cand: OrderedDict[str, DistanceMatrix] = OrderedDict()
        self._timeline: tuple[tuple[Any, ...], Timeline] | None = None

    # ------------------------------------------------------------------ settings and inputs

    @property
    def settings(self) -> Settings:
        """The current settings."""
        return self._settings

    def configure(self, settings: Settings) -> None:
        """Use new settings; another study key gives a fresh fork on next use."""
        if settings.upload and settings.upload not in self._uploads:
            msg = "het geüploade voorzieningenbestand is niet in deze sessie; upload het opnieuw (pagina Data)"
            raise ConfigError(msg)
        self._settings = settings

    @property
    def study(self) -> Study:
        """This workspace's Study: a fork of the shared base for the current study key."""
        key = self._settings.study_key
        if self._study is None or self._study_key != key:
            base = self._inputs.study(key, self._dated_list(key.upload, key.as_of or None))
            base.prepare()  # the matrix is built once on the shared base (not above the size switch)
            self._study, self._study_key = base.fork(), key
            self._cand.clear()
        return self._study

    def _dated_list(self, upload: str, day: dt.date | str | None) -> gpd.GeoDataFrame:
        """The service-point list in use (the upload, else the data folder's) as it was on ``day`` (None: today)."""
        listed = self._uploads[upload][1] if upload else self.region.facilities
        return facilities_as_of(listed, day)

    @property
    def region(self) -> Region:
        """The region of the data folder."""
        return self._inputs.region(self._settings.data_dir)

    @property
    def facilities(self) -> gpd.GeoDataFrame:
        """The service-point list in use (every status): the upload when switched on, else the data folder's."""
        return self.study.facilities

    @property
    def network_missing(self) -> bool:
        """Whether the road network was asked for but is absent (the study computes crow-fly)."""
        return not self._settings.crowfly and self.study.network is None

    # ------------------------------------------------------------------ scenarios

    @property
    def scenarios(self) -> Mapping[str, Scenario]:
        """The session's scenarios by name (a copy; the current situation first)."""
        return dict(self._scenarios)

    @property
    def active(self) -> str:
        """Name of the active scenario."""
        return self._active

    def activate(self, name: str) -> None:
        """Make ``name`` the active scenario (the current situation when unknown)."""
        self._active = name if name in self._scenarios else BASE_SCENARIO

    def scenario(self, name: str | None = None) -> Scenario:
        """A scenario by name (default: the active one; the current situation when unknown)."""
        return self._scenarios.get(name or self._active) or self._scenarios[BASE_SCENARIO]

    def put(self, scenario: Scenario, *, activate: bool = True) -> None:
        """Add or replace a scenario (checked against the service-point list first)."""
        if scenario.name == BASE_SCENARIO and scenario.edits:
            msg = f"'{BASE_SCENARIO}' is de situatie zonder wijzigingen; geef het scenario een andere naam"
            raise ScenarioError(msg)
        self._check(scenario)
        self._scenarios[scenario.name] = scenario
        if activate:
            self._active = scenario.name

    def _check(self, scenario: Scenario, edit: Edit | None = None) -> None:
        self._check_in_area(*([edit] if edit is not None else scenario.edits))
        try:
            apply_scenario(self.facilities, scenario)
        except ScenarioError as exc:
            if edit is None:
                msg = f"Scenario '{scenario.name}' past niet op deze voorzieningenlijst. (Details: {exc})"
                raise ScenarioError(msg) from exc
            before = apply_scenario(self.facilities, replace(scenario, edits=scenario.edits[:-1]))
            raise ScenarioError(_refusal(edit, before, str(exc))) from exc

    def _free_name(self, stem: str) -> str:
        n = 1
        while f"{stem} {n}" in self._scenarios:
            n += 1
        return f"{stem} {n}"

    def apply_edit(self, edit: Edit) -> Scenario:
        """Append ``edit`` to the active scenario (the current situation gets a new working scenario).

        Raises
        ------
        ScenarioError
            The edit cannot apply (a Dutch message); the scenarios stay as they were.
        """
        current = self.scenario()
        if current.name == BASE_SCENARIO:
            current = Scenario(self._free_name("Werkscenario"), "gemaakt op de kaart")
        try:
            candidate = current.with_edits(edit)
        except ScenarioError as exc:  # e.g. an id opened twice
            raise ScenarioError(_refusal(edit, apply_scenario(self.facilities, current), str(exc))) from exc
        self._check(candidate, edit)
        self.put(candidate)
        return candidate

    def new_site(self, name: str, kind: str, x: float, y: float, *, host_building: str | None = None) -> Edit:
        """An ``open`` edit with the package's id for a new point (``new-<name>``, numbered when taken).

        A point outside the region and its ring is refused in Dutch before it enters the scenario; values that
        look like lon/lat typed into the RD fields get that hint.
        """
        edit = open_site(name, kind, x, y, host_building=host_building)
        self._check_in_area(edit)
        taken = set(apply_scenario(self.facilities, self.scenario())["id"].astype(str))
        n = 1
        ident = edit.id
        while ident in taken:
            n += 1
            ident = f"{edit.id}-{n}"
        return replace(edit, id=ident)

    def _check_in_area(self, *edits: Edit) -> None:
        """Refuse a point placed outside the region plus its ring (the area is built once per region)."""
        spec = getattr(self.region, "spec", None)
        ring_m = float(getattr(spec, "ring_m", 15_000.0))
        province = self.region.province
        cached = getattr(self, "_area", None)
        if cached is None or cached[0] is not province:
            cached = (province, province.geometry.union_all().buffer(ring_m))
            self._area = cached
        check_in_area(edits, cached[1], ring_m)

    def undo(self) -> Scenario:
        """Drop the last edit of the active scenario."""
        current = self.scenario()
        if current.edits:
            current = replace(current, edits=current.edits[:-1])
            self._scenarios[current.name] = current
        return current

    def describe(self, name: str | None = None) -> list[str]:
        """Dutch one-liners of a scenario's edits."""
        return describe_edits(self.scenario(name), self.facilities)

    # ------------------------------------------------------------------ uploads

    @property
    def uploads(self) -> Mapping[str, str]:
        """Uploaded service-point lists of this session: digest → file name."""
        return {d: name for d, (name, _) in self._uploads.items()}

    def add_upload(self, name: str, data: bytes) -> tuple[str, gpd.GeoDataFrame]:
        """Check an uploaded service-point file and keep it in this session; returns its digest and frame."""
        digest, frame = uploads.read_upload(name, data, self.region.province)
        self._uploads[digest] = (name, frame)
        return digest, frame

    # ------------------------------------------------------------------ questions

    def evaluate(self, name: str | None = None) -> Evaluation:
        """Coverage of a scenario (default: the active one) for the settings' norm, against the base."""
        return self.study.evaluate(self._settings.norm, self.scenario(name))

    def compare(self, a: str, b: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Scenario B against scenario A directly: the table per municipality and the change histogram."""
        return self.study.compare(self.evaluate(a), self.evaluate(b))

    def closure_impact(self) -> pd.DataFrame:
        """What closing each counted service point of the active scenario alone would change."""
        return self.study.closure_impact(self._settings.norm, self.scenario())

    def distribution(self, municipality: str | None = None) -> pd.Series:
        """Residents per distance bin in the active scenario (one municipality or all); travel-time bins in
        minutes for a time-only norm."""
        ev = self.evaluate()
        return distance_distribution(
            ev.points, ev.nearest, ev.norm, municipality=municipality, unit=ev.norm.figure_unit
        )

    def coverage_curve(self, municipality: str | None = None, unit: str = "km") -> pd.DataFrame:
        """Share of residents within each distance (``km``) or travel time (``min``), active scenario."""
        ev = self.evaluate()
        return coverage_curve(ev.points, ev.nearest, ev.norm, municipality=municipality, unit=unit)

    def villages(self, municipality: str) -> pd.DataFrame:
        """Residents outside the norm in ``municipality``, grouped by OSM village (active scenario)."""
        ev = self.evaluate()
        unc = analysis_tables(ev, municipality)["buiten_norm"]
        places = self._inputs.places(self._settings.data_dir)
        return uncovered_places(unc, places, weight_column=ev.norm.weight_column, facilities=ev.counted)

    def kernen(self, municipality: str) -> pd.DataFrame:
        """Coverage per kern (OSM village) of ``municipality``, active scenario: the rows of ``coverage --by kern``.

        Raises
        ------
        DataNotFoundError
            The data folder has no OSM place points (no kernen to group by).
        """
        if not self.has_places:
            msg = "geen OSM-plaatspunten in de gegevensmap: zonder kernen is er geen tabel per kern"
            raise DataNotFoundError(msg)
        ev = self.study.evaluate(self._settings.norm, self.scenario(), by="kern")
        rows = ev.table[Col.MUNICIPALITY].astype("string") == municipality
        return ev.table.loc[rows.fillna(False).to_numpy(bool)].reset_index(drop=True)

    def verdict(self, municipality: str) -> Verdict:
        """The duty-of-care verdict of a municipality in the active scenario (with its villages outside the norm)."""
        ev = self.evaluate()
        year = population_year(self.region.sources)
        return municipality_verdict(ev, municipality, villages=self.villages(municipality), population_year=year)

    def overview(self) -> pd.DataFrame:
        """Every municipality with its verdict in the active scenario (:func:`province_overview`)."""
        ev = self.evaluate()
        names = [str(m) for m in ev.table["municipality"].iloc[:-1]]
        villages = {m: self.villages(m) for m in names}
        return province_overview(ev, villages=villages, population_year=population_year(self.region.sources))

    def overview_download(self) -> Download:
        """The province overview as a Dutch-Excel CSV (through the one writer, with provenance)."""
        ev = self.evaluate()
        scen = self.scenario().name
        sources = list(self.region.sources)

        def data() -> bytes:
            table = self.overview().drop(columns=["meets"])
            return to_bytes({"oordeel": table}, "csv-nl", provenance=Provenance.from_analysis(ev, sources))

        label = None if scen == BASE_SCENARIO else scen
        name = export_name("zorgplichtoverzicht", scenario=label, norm=ev.norm, ext="csv")
        return Download("overview", "Overzicht (CSV voor Excel)", data, name, _MIME["csv"])

    def compare_cbs(self, data: bytes, file_name: str, metadata: bytes | None = None) -> CbsComparison:
        """Mean car distance per municipality next to an uploaded CBS Nabijheid voorzieningen CSV.

        CBS-like settings whatever the sidebar says: preset ``cbs-auto`` (car, all kinds counted), residents on
        street nodes, the service-point list in use as it was on 1 January of the table's year (the sidebar's
        peildatum when the year is unknown; see :func:`spreiding.analysis.cbs_compare.cbs_comparison`).
        """
        cbs = read_cbs_csv(data, metadata, name=file_name)
        day = cbs.reference_date or self._settings.as_of  # the situation CBS measured (1 January of its year)
        upload = self._settings.upload
        key = StudyKey(self._settings.data_dir, CBS_NORM.mode, False, "street_nodes", upload, day.isoformat())
        dated = self._dated_list(upload, day)
        result = cbs_comparison(self._inputs.study(key, dated).fork(), cbs)
        note = uncertain_note(dated)
        return replace(result, notes=(*result.notes, note)) if note else result

    @property
    def has_places(self) -> bool:
        """Whether OSM village names are available."""
        return self._inputs.places(self._settings.data_dir) is not None

    def timeline(self, municipality: str | None = None) -> Timeline:
        """Coverage at every change of the open service points from 2015 to the peildatum (one municipality or all).

        Computed once per study key and norm on this workspace's study (see :func:`spreiding.analysis.timeline`).
        """
        key = (self._settings.study_key, self._settings.norm)
        if self._timeline is None or self._timeline[0] != key:
            self._timeline = (key, timeline(self.study, self._settings.norm, end=self._settings.as_of))
        line = self._timeline[1]
        return line.of(municipality) if municipality else line

    def candidate_matrix(self, source: str) -> DistanceMatrix:
        """Points × candidate sites of a source (kept per workspace, at most one per source)."""
        study = self.study
        if source not in self._cand:
            self._cand[source] = study.candidate_matrix(self._inputs.candidates(self._settings.data_dir, source))
            while len(self._cand) > _CANDIDATE_MATRICES:
                self._cand.popitem(last=False)
        return self._cand[source]

    def suggest_sites(self, source: str, **options: Any) -> Any:
        """New sites among a candidate source, computed on the ACTIVE scenario (``advice.scenario`` names it).

        Options: ``model``, ``p``, ``target_share``, ``allow_close``, ``max_closures``, ``weights_by_age``,
        ``time_limit_s``; see :func:`spreiding.siting.advice.suggest_sites`. Service points across the region's
        border (outside the province outline, or marked so in the list) never close.
        """
        cands = self._inputs.candidates(self._settings.data_dir, source)
        region = self.region
        spec = getattr(region, "spec", None)
        return self.study.suggest_sites(
            self._settings.norm,
            cands,
            cand_matrix=self.candidate_matrix(source),
            scenario=self.scenario(),
            region_area=region.province.geometry.union_all(),
            outside_value=spec.columns.outside_value if spec is not None else None,
            **options,
        )

    def advice_scenario(self, advice: Any, name: str, *, kind: str) -> Scenario:
        """The advice applied to the scenario it was computed on (its edits first), new points as ``kind``."""
        base = self._scenarios.get(advice.scenario) if advice.scenario else None
        return advice.to_scenario(name, kind=kind, base=base)

    def advice_evaluation(self, advice: Any, *, kind: str) -> Evaluation:
        """Coverage with the advice applied (new points as ``kind``), against the current situation."""
        return self.study.evaluate(self._settings.norm, self.advice_scenario(advice, "advies", kind=kind))

    def advice_map(self, advice: Any, *, kind: str, title: str = "") -> dict[str, Any]:
        """The RESULT map: distances with the advice applied; proposed points drawn as counted new points."""
        return self._payload(self.advice_evaluation(advice, kind=kind), title=title)

    def advice_sites(self, advice: Any) -> pd.DataFrame:
        """The proposed sites, every one named: a nameless building gets its kind and the nearest village."""
        sites = advice.sites
        places = self._inputs.places(self._settings.data_dir)
        if sites.empty or "name" not in sites:
            return sites
        named = sites["name"].astype("string").str.strip().replace("", pd.NA).notna().to_numpy()
        if named.all():
            return sites
        kind = sites["kind"].astype(str).map(lambda k: CANDIDATE_KIND_LABELS.get(k, k)).to_numpy()
        near = _nearest_place(sites, places)
        label = [f"{k} bij {v}" if v else f"{k} (naamloos)" for k, v in zip(kind, near, strict=True)]
        return sites.assign(name=np.where(named, sites["name"].astype(str).to_numpy(), label))

    def advice_out_of_reach(self, advice: Any) -> pd.DataFrame:
        """Residents no site (existing or candidate) reaches within the norm, grouped by village, largest first."""
        far = advice.out_of_reach
        if far is None or far.empty:
            return pd.DataFrame()
        places = self._inputs.places(self._settings.data_dir)
        return uncovered_places(far, places, weight_column=advice.norm.weight_column, facilities=self.facilities)

    # ------------------------------------------------------------------ outputs

    def result_key(self, name: str | None = None) -> tuple[Any, ...]:
        """Everything a scenario result depends on (hashable)."""
        return (self._settings.study_key, self._settings.norm, self.scenario(name))

    def map_payload(
        self,
        name: str | None = None,
        *,
        scenario_points: Scenario | None = None,
        selected: str | None = None,
        marker_xy: tuple[float, float] | None = None,
        title: str = "",
        focus: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Map data of a scenario (cells, its service points, municipality outlines, village names).

        ``scenario_points`` draws that scenario's service points over the
        scenario's distances (e.g. an advice's proposed sites over today's distances);
        ``focus`` (``x``, ``y``, ``key``) centres the view, see :meth:`search_places`.
        """
        key = (self.result_key(name), self._settings.colour_by, scenario_points, selected, marker_xy, title,
               None if focus is None else tuple(sorted(focus.items())))  # fmt: skip

        def make() -> dict[str, Any]:
            ev = self.evaluate(name)
            facilities = ev.facilities if scenario_points is None else apply_scenario(self.facilities, scenario_points)
            return self._payload(ev, facilities, selected=selected, marker_xy=marker_xy, title=title, focus=focus)

        return self._recent_payload(key, make)

    def _payload(
        self,
        ev: Evaluation,
        facilities: gpd.GeoDataFrame | None = None,
        *,
        selected: str | None = None,
        marker_xy: tuple[float, float] | None = None,
        title: str = "",
        focus: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return map_payload(
            ev.points,
            ev.nearest,
            ev.norm,
            ev.facilities if facilities is None else facilities,
            counted_ids=ev.counted["id"].astype(str).tolist(),
            covered=ev.covered,
            colour_by=self._settings.colour_by,
            selected=selected,
            marker_xy=marker_xy,
            title=title,
            focus=focus,
            base=self._map_base(),
        )

    def downloads(self, name: str | None = None, *, municipality: str | None = None) -> tuple[Download, ...]:
        """CSV, XLSX (with a sources sheet) and GeoPackage of a scenario, optionally one municipality.

        File names say scenario ("basis" for the current situation), norm,
        municipality and today's date; the bytes are built when asked for.
        """
        ev = self.evaluate(name)
        scen = self.scenario(name).name
        label = None if scen == BASE_SCENARIO else scen
        sources = tuple(self.region.sources)
        edits = tuple(self.describe(name))
        return tuple(
            Download(
                ext,
                _FORMAT_LABELS[ext],
                functools.partial(_export_bytes, ev, ext, municipality, sources, edits),
                export_name("dekking", scenario=label, norm=ev.norm, municipality=municipality, ext=ext),
                _MIME[ext],
            )
            for ext in ("csv", "xlsx", "gpkg")
        )

    def report(self, municipality: str) -> tuple[str, str]:
        """The printable HTML duty-of-care report of a municipality (active scenario) and its file name."""
        ev = self.evaluate()
        scen = self.scenario().name
        region = self.region
        html = municipality_report(
            ev,
            municipality,
            scenario_name=scen,
            impact=None if self.study.is_large else self.closure_impact(),
            impact_omitted=self.study.is_large,  # the report says it is left out
            places=self._inputs.places(self._settings.data_dir),
            municipalities=region.municipalities,
            sources=region.sources,
        )
        label = None if scen == BASE_SCENARIO else scen
        return html, report_filename(municipality, norm=ev.norm, scenario=label)
