"""Scenario store: CRUD, exchange formats, v1 -> v2 migration, crash safety, concurrent writers."""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from spreiding.analysis.scenario import Scenario, close, move, open_site, retype
from spreiding.analysis.store import (
    SCHEMA_VERSION,
    ScenarioStore,
    default_store_path,
    read_scenario_file,
    scenario_from_geojson,
    scenario_to_geojson,
    write_scenario_file,
)
from spreiding.errors import ScenarioError, StoreError

SCEN = Scenario(
    "Assen anders",
    "test",
    (
        close("dr-042"),
        open_site("MFA", "kleine_vestiging", 233000.0, 557000.0, host_building="MFA"),
        retype("dr-001", "servicepunt"),
    ),
)


def test_crud(tmp_path: Path) -> None:
    store = ScenarioStore.open(tmp_path / "s.sqlite")
    store.create(SCEN)
    assert store.names() == ["Assen anders"]
    assert store.load("Assen anders") == SCEN
    with pytest.raises(StoreError, match="exists"):
        store.create(SCEN)
    changed = Scenario(SCEN.name, "nieuw", (close("dr-001"),))
    store.update(changed)
    assert store.load(SCEN.name).description == "nieuw"
    table = store.list()
    assert table["n_edits"].tolist() == [1]
    store.delete(SCEN.name)
    assert store.names() == []
    with pytest.raises(StoreError, match="no scenario named 'x'"):
        store.load("x")
    with pytest.raises(StoreError, match="create it first"):
        store.update(Scenario("x"))


def test_default_path_env(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPREIDING_STORE", str(tmp_path / "a.sqlite"))
    assert default_store_path() == tmp_path / "a.sqlite"
    monkeypatch.delenv("SPREIDING_STORE")
    monkeypatch.setenv("SPREIDING_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "spreiding" / "scenarios.sqlite"  # never the data folder


def test_geojson_and_json_roundtrip(tmp_path: Path) -> None:
    scen = SCEN.with_edits(move("dr-002", 234000.0, 558000.0))
    data = scenario_to_geojson(scen)
    kinds = [f["geometry"]["type"] if f["geometry"] else None for f in data["features"]]
    assert kinds == [None, "Point", None, "Point"]
    lon, lat = data["features"][1]["geometry"]["coordinates"]
    assert 6.4 < lon < 6.7 and 52.9 < lat < 53.1  # WGS84 near Assen
    back = scenario_from_geojson(json.loads(json.dumps(data)))
    assert [e.action for e in back.edits] == [e.action for e in scen.edits]
    assert back.edits[1].x == pytest.approx(233000.0, abs=0.05)
    for suffix in (".geojson", ".json"):
        path = write_scenario_file(scen, tmp_path / f"s{suffix}")
        assert read_scenario_file(path).edits[3].y == pytest.approx(558000.0, abs=0.05)
    with pytest.raises(ScenarioError, match=r"\.geojson or \.json"):
        write_scenario_file(scen, tmp_path / "s.txt")
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "name": "b", "features": [{"type": "Feature", '
        '"geometry": {"type": "Point", "coordinates": [233000, 557000]}, '
        '"properties": {"action": "open", "id": "n", "name": "n", "kind": "vestiging"}}]}'
    )
    with pytest.raises(ScenarioError, match="WGS84"):
        read_scenario_file(bad)


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
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    cols = {r[1] for r in conn.execute("PRAGMA table_info(scenarios)")}
    conn.close()
    assert {"updated_at", "norm"} <= cols


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="upgrade spreiding"):
        ScenarioStore.open(path)


_CRASH = """
import os, sys
from spreiding.analysis.store import ScenarioStore
from spreiding.analysis.scenario import Scenario, close
store = ScenarioStore(__import__('pathlib').Path(sys.argv[1]))
with store._write() as conn:
    conn.execute("DELETE FROM scenarios")
    conn.execute("INSERT INTO scenarios (name, description, edits, created_at) VALUES ('half', '', '[]', 'x')")
    os._exit(1)  # the process dies inside the transaction
"""


def test_crash_mid_transaction_keeps_saved_data(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = ScenarioStore.open(path)
    store.create(SCEN)
    proc = subprocess.run([sys.executable, "-c", _CRASH, str(path)], capture_output=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert ScenarioStore.open(path).names() == ["Assen anders"]
    assert store.load("Assen anders") == SCEN


def _writer(path: str, worker: int, n: int) -> None:
    store = ScenarioStore(Path(path))
    for i in range(n):
        store.create(Scenario(f"w{worker}-{i}", "", (close(f"dr-{i:03d}"),)))
        with contextlib.suppress(StoreError):  # only one worker wins the shared name
            store.create(Scenario("gedeeld", f"by {worker}"))


def test_concurrent_writers(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    ScenarioStore.open(path)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), w, 15)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert all(p.exitcode == 0 for p in procs)
    names = ScenarioStore.open(path).names()
    assert len(names) == 4 * 15 + 1
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
