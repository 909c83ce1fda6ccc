"""The app's Streamlit-free workspace on the tiny crow-fly region of ``test_export.py``.

Tiny region (crow-fly × 1.3, norm 5 km by car), see ``test_export.py``::

    cells: c1 (1000, 0) 100 Aadorp, c2 (0, 5000) 50 Aadorp, c3 (9000, 0) 30 Aadorp, c4 (19000, 0) 200 Bedorp
    service points: f1 (0, 0) open, f2 (20000, 0) open, f3 (10000, 0) closed

Base: c1 (1300 m) and c4 (1300 m) covered: 300 of 380 residents.
Close f2: c4 is 19000 × 1.3 = 24700 m from f1: 100 of 380 covered.
Open a vestiging at (9000, 0): c3 at 0 m is covered too: 330 of 380.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box

import spreiding.study
from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Edit, open_site
from spreiding.analysis.store import ScenarioStore
from spreiding.app.workspace import BASE_SCENARIO, Settings, StudyKey, Workspace
from spreiding.data.region import Region
from spreiding.errors import ScenarioError
from spreiding.study import Study, StudySettings
from spreiding.vocabulary import column_label

from .test_export import tiny_facilities, tiny_population

NORM = Norm(name="5 km auto", mode="car", max_dist_m=5000.0)


class TinyInputs:
    """Read-only inputs of the tiny region; one base Study per key, built once (as the app's cache does)."""

    def __init__(self) -> None:
        self.studies: dict[StudyKey, Study] = {}
        self.region_ = Region(
            name="Klein",
            data_dir=Path(),
            population=tiny_population(),
            facilities=tiny_facilities(),
            municipalities=gpd.GeoDataFrame({"municipality": []}, geometry=[], crs="EPSG:28992"),
            province=gpd.GeoDataFrame(geometry=[box(-5000, -5000, 25000, 10000)], crs="EPSG:28992"),
        )

    def study(self, key: StudyKey, facilities: gpd.GeoDataFrame | None) -> Study:
        if key not in self.studies:
            settings = StudySettings(mode=key.mode, placement=key.placement, detour_factor=1.3)
            fac = facilities if facilities is not None else self.region_.facilities
            study = Study(self.region_.population, fac, None, settings, total_label="Klein")
            study.context  # noqa: B018 - built once, shared by the forks
            self.studies[key] = study
        return self.studies[key]

    def region(self, data_dir: str) -> Region:
        return self.region_

    def places(self, data_dir: str) -> gpd.GeoDataFrame | None:
        return None

    def candidates(self, data_dir: str, source: str) -> gpd.GeoDataFrame:
        raise AssertionError("not used here")


@pytest.fixture()
def inputs() -> TinyInputs:
    return TinyInputs()


def _ws(inputs: TinyInputs, tmp_path: Path | None = None) -> Workspace:
    store = (lambda: ScenarioStore.open(tmp_path / "s.sqlite")) if tmp_path is not None else ScenarioStore.open
    return Workspace(inputs, Settings(norm=NORM), store=store)


def _covered(ws: Workspace, name: str | None = None) -> float:
    return float(ws.evaluate(name).table["covered"].iloc[-1])


@pytest.fixture()
def count_evaluations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a Study really evaluated (cache misses)."""
    calls: list[int] = []
    original = spreiding.study.evaluate

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(spreiding.study, "evaluate", counting)
    return calls


def test_base_figures(inputs: TinyInputs) -> None:
    ws = _ws(inputs)
    assert ws.active == BASE_SCENARIO
    assert _covered(ws) == 300.0
    assert float(ws.evaluate().table["residents"].iloc[-1]) == 380.0


def test_two_workspaces_do_not_see_each_others_edits(inputs: TinyInputs) -> None:
    one, two = _ws(inputs), _ws(inputs)
    one.apply_edit(Edit("close", "f2"))
    assert one.active == "Werkscenario 1"
    assert _covered(one) == 100.0
    assert list(two.scenarios) == [BASE_SCENARIO]
    assert two.active == BASE_SCENARIO
    assert _covered(two) == 300.0
    assert _covered(one, BASE_SCENARIO) == 300.0


def test_two_workspaces_do_not_share_grown_matrices(inputs: TinyInputs) -> None:
    one, two = _ws(inputs), _ws(inputs)
    base = inputs.study(Settings(norm=NORM).study_key, None)
    assert one.study is not two.study and one.study is not base
    one.apply_edit(one.new_site("Bieb Midden", "vestiging", 9000.0, 0.0))
    assert _covered(one) == 330.0
    assert one.study.context.matrix.shape[1] == 4  # f1, f2, f3 and the new site
    assert two.study.context.matrix.shape[1] == 3
    assert base.context.matrix.shape[1] == 3  # the shared base never grows
    assert _covered(two) == 300.0


def test_two_workspaces_do_not_share_cached_results(inputs: TinyInputs, count_evaluations: list[int]) -> None:
    one, two = _ws(inputs), _ws(inputs)
    one.evaluate()
    assert len(count_evaluations) == 1
    one.evaluate()
    assert len(count_evaluations) == 1  # from one's own cache
    two.evaluate()
    assert len(count_evaluations) == 2  # two computes its own: it does not see one's cache


def test_cache_stays_bounded_under_50_norms(inputs: TinyInputs, count_evaluations: list[int]) -> None:
    ws = _ws(inputs)
    norms = [Norm(name=f"{km} km", mode="car", max_dist_m=km * 1000.0) for km in range(1, 51)]
    for norm in norms:
        ws.configure(Settings(norm=norm))
        ws.evaluate()
    assert len(count_evaluations) == 50
    assert len(ws.study._cache) == 32  # the Study's LRU size: 18 of the 50 results were dropped
    ws.configure(Settings(norm=norms[-1]))
    ws.evaluate()
    assert len(count_evaluations) == 50  # the newest is still cached
    ws.configure(Settings(norm=norms[0]))
    ws.evaluate()
    assert len(count_evaluations) == 51  # the oldest was evicted and is computed again


def test_refused_edit_leaves_the_scenario_intact(inputs: TinyInputs) -> None:
    ws = _ws(inputs)
    with pytest.raises(ScenarioError, match="f3 is niet open"):
        ws.apply_edit(Edit("close", "f3"))  # f3 is closed already
    assert list(ws.scenarios) == [BASE_SCENARIO] and ws.active == BASE_SCENARIO
    first = ws.apply_edit(Edit("close", "f2"))
    with pytest.raises(ScenarioError, match="f2 is niet open"):
        ws.apply_edit(Edit("close", "f2"))  # closed by the scenario itself
    with pytest.raises(ScenarioError, match="staat niet in de lijst"):
        ws.apply_edit(Edit("retype", "zz", kind="servicepunt"))
    with pytest.raises(ScenarioError, match="al een voorziening met id f1"):
        ws.apply_edit(Edit("open", "f1", name="Dubbel", kind="vestiging", x=5000.0, y=0.0))
    assert ws.scenario() == first and len(ws.scenario().edits) == 1
    assert _covered(ws) == 100.0


def test_new_site_ids_come_from_the_package(inputs: TinyInputs) -> None:
    ws = _ws(inputs)
    first = ws.new_site("Nieuw servicepunt", "servicepunt", 9000.0, 0.0, host_building="MFA")
    assert first.id == open_site("Nieuw servicepunt", "servicepunt", 9000.0, 0.0).id == "new-nieuw-servicepunt"
    ws.apply_edit(first)
    second = ws.new_site("Nieuw servicepunt", "servicepunt", 5000.0, 0.0)
    assert second.id == "new-nieuw-servicepunt-2"
    ws.apply_edit(second)
    assert [e.id for e in ws.scenario().edits] == ["new-nieuw-servicepunt", "new-nieuw-servicepunt-2"]


def test_undo_and_compare(inputs: TinyInputs) -> None:
    ws = _ws(inputs)
    ws.apply_edit(Edit("close", "f2"))
    ws.apply_edit(Edit("close", "f1"))
    assert _covered(ws) == 0.0
    ws.undo()
    assert len(ws.scenario().edits) == 1 and _covered(ws) == 100.0
    diff, _ = ws.compare(BASE_SCENARIO, "Werkscenario 1")
    total = diff.iloc[-1]
    assert float(total["lose_coverage"]) == 200.0 and float(total["gain_coverage"]) == 0.0


def test_downloads_are_built_by_the_export_functions(inputs: TinyInputs) -> None:
    ws = _ws(inputs)
    files = {f.key: f for f in ws.downloads()}
    assert set(files) == {"csv", "xlsx", "gpkg"}
    assert "_basis_" in files["csv"].file_name
    table = _dutch_csv(files["csv"].data())
    assert table[GEMEENTE].tolist() == ["Aadorp", "Bedorp", "Klein"]
    assert table[COVERED].tolist() == [100.0, 200.0, 300.0]
    assert files["xlsx"].data()[:2] == b"PK"
    ws.apply_edit(Edit("close", "f2"))
    one = {f.key: f for f in ws.downloads(municipality="Bedorp")}
    assert "werkscenario-1" in one["csv"].file_name and "_bedorp_" in one["csv"].file_name
    rows = _dutch_csv(one["csv"].data())
    assert rows[GEMEENTE].tolist() == ["Bedorp"] and rows[COVERED].tolist() == [0.0]
    # the XLSX lists the scenario's edits in Dutch (the current situation has none, so no such sheet)
    book = openpyxl.load_workbook(io.BytesIO(one["xlsx"].data()))
    assert book.sheetnames[-2:] == ["wijzigingen", "Bronnen"]
    lines = [row[0] for row in book["wijzigingen"].iter_rows(min_row=2, values_only=True)]
    assert lines == ws.describe() and len(lines) == 1
    assert "[f2] sluit" in str(lines[0])
    assert "wijzigingen" not in openpyxl.load_workbook(io.BytesIO(files["xlsx"].data())).sheetnames


GEMEENTE, COVERED = column_label("municipality"), column_label("covered")


def _dutch_csv(data: bytes) -> pd.DataFrame:
    """The table part of the app's Dutch-Excel CSV (``;``, decimal comma, the Bronnen block below it)."""
    text = data.decode("utf-8-sig").replace("\r\n", "\n").split("\n\nBronnen\n")[0]
    return pd.read_csv(io.StringIO(text), sep=";", decimal=",", thousands=".")


def test_store_save_load_delete(inputs: TinyInputs, tmp_path: Path) -> None:
    ws = _ws(inputs, tmp_path)
    ws.apply_edit(Edit("close", "f2"))
    saved = ws.save_as("Oost dicht")
    assert saved is not None and saved.became_current and saved.version == 1
    assert ws.stored_names() == ["Oost dicht"] and ws.active == "Oost dicht"
    other = _ws(inputs, tmp_path)
    assert other.load_stored() == []
    assert _covered(other, "Oost dicht") == 100.0
    other.delete_stored("Oost dicht")
    assert other.stored_names() == [] and "Oost dicht" not in other.scenarios
    assert "Oost dicht" in ws.scenarios  # the first session keeps its own copy


def test_new_settings_fork_again_and_keep_the_scenarios(inputs: TinyInputs) -> None:
    ws = _ws(inputs)
    ws.apply_edit(Edit("close", "f2"))
    first = ws.study
    ws.configure(Settings(norm=NORM.with_(max_dist_m=30000.0)))
    assert ws.study is first  # same study key: same fork
    assert _covered(ws) == 380.0
    ws.configure(Settings(norm=NORM, placement="cell_centre", crowfly=True))
    assert ws.study is not first and ws.active == "Werkscenario 1"
    assert len(inputs.studies) == 2


def test_upload_must_be_in_the_session(inputs: TinyInputs) -> None:
    ws = _ws(inputs)
    with pytest.raises(Exception, match="upload het opnieuw"):
        ws.configure(Settings(norm=NORM, upload="abc"))
    csv = b"id,name,kind,status,x,y\nu1,Eigen,vestiging,open,9000,0\n"
    digest, frame = ws.add_upload("eigen.csv", csv)
    assert len(frame) == 1 and ws.uploads == {digest: "eigen.csv"}
    ws.configure(Settings(norm=NORM, upload=digest))
    assert _covered(ws) == 30.0  # only c3 (0 m); c1 is 8000 × 1.3 = 10400 m away


@pytest.mark.parametrize(
    "csv",
    [b"id,name,kind,status,x,y\n", b"id,name,kind,status,x,y\nu1,Dicht,vestiging,closed,9000,0\n"],
    ids=["header-only", "all-closed"],
)
def test_an_upload_where_nothing_counts_is_evaluated_not_crashed(inputs: TinyInputs, csv: bytes) -> None:
    """A header-only or all-closed list is accepted; everyone is unreachable (never 0 km, never a traceback)."""
    ws = _ws(inputs)
    digest, _frame = ws.add_upload("leeg.csv", csv)
    ws.configure(Settings(norm=NORM, upload=digest))
    ev = ws.evaluate()
    total = ev.table.iloc[-1]
    assert ev.counted.empty and float(total["covered"]) == 0.0
    assert float(total["unreachable"]) == float(total["residents"]) == 380.0
    assert np.isnan(float(total["mean_dist_m"]))


def test_a_new_point_outside_the_region_or_in_lon_lat_is_refused(inputs: TinyInputs) -> None:
    # a province where RD regions are (far from the RD origin, where lon/lat values would land)
    province = gpd.GeoDataFrame(geometry=[box(230_000, 540_000, 260_000, 570_000)], crs="EPSG:28992")
    inputs.region_ = dataclasses.replace(inputs.region_, province=province)
    ws = _ws(inputs)
    before = ws.scenario()
    with pytest.raises(ScenarioError, match="lengte-/breedtegraden"):
        ws.new_site("Bieb", "vestiging", 6.56, 52.99)  # lon/lat typed into the RD fields
    with pytest.raises(ScenarioError, match="buiten het gebied"):
        ws.new_site("Bieb", "vestiging", 120_000.0, 480_000.0)
    assert ws.scenario() == before  # nothing entered the scenario
    assert ws.new_site("Bieb", "vestiging", 250_000.0, 560_000.0).action == "open"
