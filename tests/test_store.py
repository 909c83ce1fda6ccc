"""Scenario store: versions (nothing lost), damaged rows, exchange formats, migrations, crashes, concurrency."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pyproj import Transformer

from spreiding.analysis.scenario import NAME_MAX_CHARS, Scenario, close, move, open_site, retype
from spreiding.analysis.store import (
    SCHEMA_VERSION,
    DamagedRow,
    ScenarioStore,
    default_store_path,
    read_scenario_file,
    scenario_from_geojson,
    scenario_to_geojson,
    write_scenario_file,
)
from spreiding.errors import ScenarioError, StoreError
from spreiding.output.export import slugify

SCEN = Scenario(
    "Assen anders",
    "test",
    (
        close("dr-042"),
        open_site("MFA", "kleine_vestiging", 233000.0, 557000.0, host_building="MFA"),
        retype("dr-001", "servicepunt"),
    ),
)
OTHER = Scenario("Assen anders", "nieuw", (close("dr-001"),))


def _rows(path: Path) -> list[tuple[object, ...]]:
    """Every stored version row (name, version, description, edits, norm): what must never get lost."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT name, version, description, edits, norm FROM scenario_versions ORDER BY name, version"
        ).fetchall()
    finally:
        conn.close()


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- versions: no save deletes one


def test_save_versions_replace_history_restore_delete(tmp_path: Path) -> None:
    store = ScenarioStore.open(tmp_path / "s.sqlite")
    first = store.save(SCEN)
    assert (first.version, first.became_current, first.previous) == (1, True, None)
    assert first.message == "opgeslagen: 'Assen anders' (versie 1)"
    assert store.load("Assen anders") == SCEN

    kept = store.save(OTHER)  # same name, no replace: kept, not current
    assert (kept.version, kept.became_current, kept.previous) == (2, False, 1)
    assert "er bestaat al een scenario 'Assen anders' (versie 1 is actief)" in kept.message
    assert store.load("Assen anders") == SCEN
    assert store.load("Assen anders", 2) == OTHER

    again = store.save(OTHER)  # equal content reuses version 2, adds nothing
    assert (again.version, again.became_current) == (2, False)
    assert len(_rows(store.path)) == 2

    replaced = store.save(OTHER, replace=True)
    assert (replaced.version, replaced.became_current, replaced.previous) == (2, True, 1)
    assert store.load("Assen anders") == OTHER
    assert store.save(OTHER).message == "'Assen anders' is ongewijzigd (versie 2 is al actief)"

    hist = store.history("Assen anders")
    assert hist.columns.tolist() == ["version", "saved_at", "current", "n_edits", "description", "damaged"]
    assert hist["version"].tolist() == [1, 2]
    assert hist["current"].tolist() == [False, True]
    assert hist["n_edits"].tolist() == [3, 1]
    assert hist["description"].tolist() == ["test", "nieuw"]

    back = store.restore("Assen anders", 1)
    assert back.message == "versie 1 van 'Assen anders' is weer actief (versie 2 blijft bewaard)"
    assert store.load("Assen anders") == SCEN

    assert store.delete("Assen anders") == 1
    assert store.names() == []
    assert not store.exists("Assen anders")
    assert len(_rows(store.path)) == 2  # delete hides, keeps every version
    assert store.history("Assen anders")["current"].tolist() == [False, False]
    store.restore("Assen anders", 2)
    assert store.load("Assen anders") == OTHER
    assert store.list()["n_versions"].tolist() == [2]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: s.load("x"), StoreError, "geen scenario 'x'"),
        (lambda s: s.load("Assen anders", 7), StoreError, "geen versie 7 van 'Assen anders'"),
        (lambda s: s.restore("Assen anders", 7), StoreError, "geen versie 7 van 'Assen anders'"),
        (lambda s: s.history("x"), StoreError, "geen scenario 'x'"),
        (lambda s: s.delete("x"), StoreError, "geen scenario 'x'"),
    ],
)
def test_store_errors_are_dutch_and_lose_nothing(tmp_path: Path, call, error, message: str) -> None:
    store = ScenarioStore.open(tmp_path / "s.sqlite")
    store.save(SCEN)
    before = _rows(store.path)
    with pytest.raises(error, match=message) as info:
        call(store)
    assert "'Assen anders'" in str(info.value) or "versie" in str(info.value)
    assert _rows(store.path) == before


def test_saving_under_a_deleted_name_makes_it_current(tmp_path: Path) -> None:
    store = ScenarioStore.open(tmp_path / "s.sqlite")
    store.save(SCEN)
    store.delete(SCEN.name)
    result = store.save(OTHER)
    assert (result.version, result.became_current) == (2, True)
    assert store.load(SCEN.name) == OTHER


# --------------------------------------------------------------------------- damaged rows


def _insert(path: Path, name: str, edits: str, norm: str | None) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO scenario_versions (name, version, description, edits, norm, saved_at) "
        "VALUES (?, 1, '', ?, ?, 'x')",
        (name, edits, norm),
    )
    conn.execute("INSERT INTO scenario_names (name, current, created_at) VALUES (?, 1, 'x')", (name,))
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("edits", "norm", "reason"),
    [
        ("not json", None, "de wijzigingen zijn geen geldige JSON ('not json')"),
        ("[1, 2]", None, "wijziging 1: een wijziging moet een object zijn"),
        ('{"a": 1}', None, "de wijzigingen zijn geen lijst"),
        ('[{"action": "fly", "id": "a"}]', None, "wijziging 1: onbekende actie 'fly'"),
        ('[{"action": "move", "id": "a", "x": "1", "y": 2}]', None, "x='1' is geen getal"),
        ("[]", "5km", "de norm is geen geldige JSON ('5km')"),
        ("[]", '"5km"', "de norm moet een object zijn"),
        ("[]", '{"radius": 5}', "de norm heeft onbekende veld(en) radius"),
    ],
)
def test_damaged_row_is_reported_and_the_rest_loads(tmp_path: Path, edits: str, norm: str | None, reason: str) -> None:
    store = ScenarioStore.open(tmp_path / "s.sqlite")
    store.save(SCEN)
    _insert(store.path, "kapot", edits, norm)
    before = _rows(store.path)

    loaded = store.load_all()
    assert loaded.scenarios == {"Assen anders": SCEN}
    assert len(loaded.damaged) == 1
    assert isinstance(loaded.damaged[0], DamagedRow)
    assert (loaded.damaged[0].name, loaded.damaged[0].version) == ("kapot", 1)
    assert reason in loaded.damaged[0].reason
    assert store.names() == ["Assen anders"]

    table = store.list()
    assert table["name"].tolist() == ["Assen anders", "kapot"]
    assert table["n_edits"].tolist()[0] == 3 and table["n_edits"].isna().tolist() == [False, True]
    assert table["damaged"].iloc[0] == "" and reason in table["damaged"].iloc[1]

    with pytest.raises(ScenarioError, match=r"scenario 'kapot' \(versie 1\) .* is beschadigd: ") as info:
        store.load("kapot")
    assert reason in str(info.value) and "\n" not in str(info.value)
    assert reason in store.history("kapot")["damaged"].iloc[0]
    with pytest.raises(ScenarioError, match="beschadigd"):
        store.restore("kapot", 1)
    assert _rows(store.path) == before  # reading a damaged row changes nothing
    store.delete("kapot")  # a damaged row can be hidden without loading it
    assert store.list()["name"].tolist() == ["Assen anders"]


# --------------------------------------------------------------------------- concurrency: both versions kept


def _save_same_name(path: str, worker: int, n: int) -> None:
    store = ScenarioStore(Path(path))
    for i in range(n):
        store.save(Scenario(f"w{worker}-{i}", "", (close(f"dr-{i:03d}"),)))
        store.save(Scenario(f"gedeeld-{i}", f"door {worker}"))  # every worker races for the same new name


def test_concurrent_first_saves_of_one_name_keep_every_version(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    ScenarioStore.open(path)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_save_same_name, args=(str(path), w, 10)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]  # no "exists" failure anywhere
    store = ScenarioStore.open(path)
    assert len(store.names()) == 4 * 10 + 10
    for i in range(10):
        hist = store.history(f"gedeeld-{i}")
        assert sorted(hist["description"]) == [f"door {w}" for w in range(4)]  # every worker's version kept
        assert hist["version"].tolist() == [1, 2, 3, 4]
        assert hist["current"].tolist() == [True, False, False, False]  # the first save is current
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


_CRASH = """
import os, sys
from pathlib import Path
from spreiding.analysis.store import ScenarioStore
store = ScenarioStore(Path(sys.argv[1]))
with store._write() as conn:
    conn.execute("DELETE FROM scenario_versions")
    conn.execute("UPDATE scenario_names SET current = NULL")
    os._exit(1)  # the process dies inside the transaction
"""


def test_crash_mid_transaction_keeps_saved_data(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = ScenarioStore.open(path)
    store.save(SCEN)
    before = _rows(path)
    proc = subprocess.run([sys.executable, "-c", _CRASH, str(path)], capture_output=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert _rows(path) == before
    assert ScenarioStore.open(path).load("Assen anders") == SCEN


# --------------------------------------------------------------------------- migrations


def _v2_store(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE scenarios (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "description TEXT NOT NULL DEFAULT '', edits TEXT NOT NULL, created_at TEXT NOT NULL, "
        "updated_at TEXT, norm TEXT);"
        "INSERT INTO scenarios (name, description, edits, created_at, updated_at, norm) VALUES "
        "('oud', 'v2', '[{\"action\": \"close\", \"id\": \"dr-001\"}]', '2024-01-01T00:00:00+00:00', "
        "'2024-02-01T00:00:00+00:00', '{\"mode\": \"car\"}'),"
        "('kapot', '', 'not json', '2024-01-01T00:00:00+00:00', NULL, NULL);"
        "PRAGMA user_version = 2;"
    )
    conn.commit()
    conn.close()


def test_migrates_v2_to_v3_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _v2_store(path)
    store = ScenarioStore.open(path)
    assert SCHEMA_VERSION == 3
    assert _rows(path) == [
        ("kapot", 1, "", "not json", None),
        ("oud", 1, "v2", '[{"action": "close", "id": "dr-001"}]', '{"mode": "car"}'),
    ]
    assert store.load("oud") == Scenario("oud", "v2", (close("dr-001"),))
    assert store.load("oud").norm == {"mode": "car"}
    assert [d.name for d in store.load_all().damaged] == ["kapot"]
    hist = store.history("oud")
    assert hist[["version", "saved_at", "current"]].to_dict("records") == [
        {"version": 1, "saved_at": "2024-02-01T00:00:00+00:00", "current": True}
    ]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert conn.execute("SELECT COUNT(*) FROM scenarios_v2").fetchone()[0] == 2  # the old table stays
    conn.close()


def test_migrates_v1(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE scenarios (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "description TEXT NOT NULL DEFAULT '', edits TEXT NOT NULL, created_at TEXT NOT NULL);"
        "INSERT INTO scenarios (name, description, edits, created_at) VALUES "
        "('oud', 'v1', '[{\"action\": \"close\", \"id\": \"dr-001\"}]', '2024-01-01T00:00:00+00:00');"
        "PRAGMA user_version = 1;"
    )
    conn.commit()
    conn.close()
    store = ScenarioStore.open(path)
    assert store.load("oud").edits == (close("dr-001"),)
    assert store.list()["updated_at"].tolist() == ["2024-01-01T00:00:00+00:00"]


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="werk spreiding bij"):
        ScenarioStore.open(path)


def test_default_path_env(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPREIDING_STORE", str(tmp_path / "a.sqlite"))
    assert default_store_path() == tmp_path / "a.sqlite"
    monkeypatch.delenv("SPREIDING_STORE")
    monkeypatch.setenv("SPREIDING_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "spreiding" / "scenarios.sqlite"  # never the data folder


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["图书馆", "!!!", "Bibliothèque d'Assen", "🙂", "x" * NAME_MAX_CHARS])
def test_any_typed_name_works_everywhere(tmp_path: Path, name: str) -> None:
    store = ScenarioStore.open(tmp_path / "s.sqlite")
    scen = Scenario(f"  {name} ", "", (close("dr-001"),))
    assert scen.name == name
    assert store.save(scen).became_current
    assert store.load(name) == scen
    assert store.names() == [name]
    slug = slugify(name)
    assert slug and slug == slugify(name) and slug.isascii()
    out = write_scenario_file(scen, tmp_path / f"{slug}.json")
    assert read_scenario_file(out) == scen


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "een scenario heeft een naam nodig"),
        ("x" * (NAME_MAX_CHARS + 1), f"is {NAME_MAX_CHARS + 1} tekens lang; geef een naam van hoogstens 120 tekens"),
        ("x" * 100_000, "is 100000 tekens lang"),
        ("twee\nregels", "bevat regeleinden of tabs"),
        (5, "een scenarionaam moet tekst zijn"),
    ],
)
def test_bad_names_get_a_dutch_error(name: object, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as info:
        Scenario(name)  # type: ignore[arg-type]
    assert len(str(info.value)) < 200


# --------------------------------------------------------------------------- exchange formats


def test_geojson_and_json_roundtrip(tmp_path: Path) -> None:
    scen = SCEN.with_edits(move("dr-002", 234000.0, 558000.0))
    data = scenario_to_geojson(scen)
    kinds = [f["geometry"]["type"] if f["geometry"] else None for f in data["features"]]
    assert kinds == [None, "Point", None, "Point"]
    lon, lat = data["features"][1]["geometry"]["coordinates"]
    assert (round(lon, 2), round(lat, 2)) == (6.55, 52.99)  # WGS84 near Assen
    back = scenario_from_geojson(json.loads(json.dumps(data)))
    assert [e.action for e in back.edits] == [e.action for e in scen.edits]
    assert back.edits[1].x == pytest.approx(233000.0, abs=0.05)
    for suffix in (".geojson", ".json"):
        path = write_scenario_file(scen, tmp_path / f"s{suffix}")
        assert read_scenario_file(path).edits[3].y == pytest.approx(558000.0, abs=0.05)
    with pytest.raises(ScenarioError, match=r"\.geojson of \.json"):
        write_scenario_file(scen, tmp_path / "s.txt")


def test_json_edits_may_give_lon_lat(tmp_path: Path) -> None:
    path = tmp_path / "ll.json"
    path.write_text(
        json.dumps(
            {
                "name": "ll",
                "edits": [{"action": "open", "id": "n", "name": "N", "kind": "vestiging", "lon": 6.56, "lat": 52.99}],
            }
        )
    )
    edit = read_scenario_file(path).edits[0]
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True).transform(6.56, 52.99)
    assert (edit.x, edit.y) == (pytest.approx(x, abs=0.01), pytest.approx(y, abs=0.01))
    assert (round(edit.x), round(edit.y)) == (233751, 556532)


_FC = {"type": "FeatureCollection", "name": "g"}
_OPEN = {"action": "open", "id": "n1", "name": "N", "kind": "vestiging"}


def _feature(coords: object, **props: object) -> dict[str, object]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coords}, "properties": {**_OPEN, **props}}


@pytest.mark.parametrize(
    ("suffix", "data", "message"),
    [
        (".json", {"name": "a", "edits": [1, 2]}, "wijziging 1: 1 is geen object"),
        (".json", {"edits": [1, 2]}, "heeft geen 'name'; zet een naam bovenaan in het bestand of geef --name"),
        (".json", {"name": "a", "norm": "5km"}, "de norm moet een object zijn"),
        (".json", {"name": "a", "edits": "close dr-001"}, "'edits' moet een lijst van wijzigingen zijn"),
        (".json", [1, 2], "moet één JSON-object bevatten"),
        (".json", {"name": "a", "edits": [{"action": "close"}]}, "wijziging 1 (close None): wijziging"),
        (".json", {"name": "a", "edits": [{**_OPEN, "x": "233000", "y": 557000}]}, "x='233000' is geen getal"),
        (".json", {"name": "a", "edits": [{**_OPEN, "x": 6.56, "y": 52.99}]}, "dit lijken lengte-/breedtegraden"),
        (".json", {"name": "a", "edits": [{**_OPEN, "x": 900000, "y": 557000}]}, "ligt buiten Nederland"),
        (".json", {"name": "a", "edits": [{**_OPEN, "lon": 52.99, "lat": 6.56}]}, "lijken omgewisseld"),
        (".json", {"name": "x" * 200, "edits": []}, "is 200 tekens lang"),
        (".geojson", {**_FC, "features": [1]}, "feature 1: 1 is geen GeoJSON-Feature"),
        (".geojson", {**_FC, "features": {"a": 1}}, "'features' moet een lijst zijn"),
        (
            ".geojson",
            {**_FC, "features": [{"geometry": {"type": "Point"}, "properties": _OPEN}]},
            "geen geldige 'coordinates'",
        ),
        (".geojson", {**_FC, "features": [_feature(["6.5", "52.9"])]}, "lon='6.5', lat='52.9' zijn geen getallen"),
        (".geojson", {**_FC, "features": [_feature([233000, 557000])]}, "lijken RD-meters; GeoJSON heeft WGS84"),
        (".geojson", {**_FC, "features": [_feature([-70.0, 40.0])]}, "dat ligt niet in Nederland"),
        (".geojson", {**_FC, "features": [_feature([6.5, 52.9], order="eerst")]}, "'order' moet een getal zijn"),
        (".geojson", {**_FC, "features": [{"geometry": None, "properties": [1]}]}, "'properties' moet een object zijn"),
        (
            ".geojson",
            {**_FC, "features": [{"geometry": {"type": "LineString"}, "properties": _OPEN}]},
            "geef een Point",
        ),
        (".geojson", {"type": "FeatureCollection", "features": []}, "heeft geen 'name'"),
    ],
)
def test_import_validates_every_shape(tmp_path: Path, suffix: str, data: object, message: str) -> None:
    path = tmp_path / f"in{suffix}"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = _hash(path)
    with pytest.raises(ScenarioError) as info:
        read_scenario_file(path)
    text = str(info.value)
    assert message in text
    assert text.startswith(f"scenario-bestand in{suffix}")  # names the file
    assert "\n" not in text
    assert _hash(path) == before


def test_import_names_the_feature_and_edit(tmp_path: Path) -> None:
    path = tmp_path / "f.geojson"
    feats = [_feature([6.5, 52.9], id="ok"), _feature([233000, 557000], id="fout")]
    path.write_text(json.dumps({**_FC, "features": feats}))
    with pytest.raises(ScenarioError, match=r"^scenario-bestand f\.geojson, feature 2 \(open fout\): coördinaten"):
        read_scenario_file(path)
