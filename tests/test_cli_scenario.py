"""``spreiding scenario ...`` and ``spreiding optimize`` through spreiding.cli.main."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from spreiding.analysis.store import ScenarioStore
from spreiding.cli.main import main


@pytest.fixture()
def store_path(monkeypatch, tmp_path: Path) -> Path:
    path = tmp_path / "scen.sqlite"
    monkeypatch.setenv("SPREIDING_STORE", str(path))
    return path


def test_create_show_export_import_delete(store_path: Path, tmp_path: Path, capsys) -> None:
    rc = main(
        [
            "scenario",
            "create",
            "proef",
            "--close",
            "dr-042",
            "--open",
            "MFA Test;kleine_vestiging;6.56;52.99;MFA",
            "--move",
            "dr-001;6.7;53.0",
            "--retype",
            "dr-002;servicepunt",
            "--description",
            "een proef",
        ]
    )
    assert rc == 0
    scen = ScenarioStore(store_path).load("proef")
    assert [e.action for e in scen.edits] == ["close", "open", "move", "retype"]
    assert 230000 < scen.edits[1].x < 236000  # lon 6.56 in RD New
    assert main(["scenario", "show", "proef"]) == 0
    assert "MFA Test" in capsys.readouterr().out
    out = tmp_path / "p.geojson"
    assert main(["scenario", "export", "proef", str(out)]) == 0
    assert json.loads(out.read_text())["features"][1]["geometry"]["type"] == "Point"
    assert main(["scenario", "import", str(out), "--name", "kopie"]) == 0
    assert main(["scenario", "list"]) == 0
    assert "kopie" in capsys.readouterr().out
    assert main(["scenario", "delete", "proef"]) == 0
    assert ScenarioStore(store_path).names() == ["kopie"]


def _rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT name, version, edits FROM scenario_versions ORDER BY name, version").fetchall()
    finally:
        conn.close()


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("spreiding: fout: ") and "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["create", "b", "--open", "X;vestiging;52.99;6.56"], "lengte- en breedtegraad lijken omgewisseld"),
        (["create", "b", "--open", "X;vestiging;233000;557000"], "dit lijken RD-coördinaten (meters)"),
        (["create", "b", "--move", "dr-001;-70;40"], "--move 'dr-001;-70;40': lon=-70, lat=40: dat ligt niet in"),
        (["create", "b", "--move", "dr-001;oost;52"], "lon en lat moeten getallen zijn"),
        (["create", "b", "--move", "dr-001;6.5"], "kan 'dr-001;6.5' niet lezen; schrijf het als 'ID;lon;lat'"),
        (["create", "c"], "geen wijzigingen gegeven; gebruik --close"),
        (["create", "x" * 121, "--close", "dr-001"], "is 121 tekens lang"),
        (["show", "nope"], "geen scenario 'nope'"),
        (["history", "nope"], "geen scenario 'nope'"),
        (["restore", "a", "9"], "geen versie 9 van 'a'"),
        (["delete", "nope"], "geen scenario 'nope'"),
    ],
)
def test_errors_exit_2_with_one_dutch_line(store_path: Path, capsys, argv: list[str], message: str) -> None:
    assert main(["scenario", "create", "a", "--close", "dr-001"]) == 0
    capsys.readouterr()
    before = _rows(store_path)
    assert main(["scenario", *argv]) == 2
    assert message in _one_line_error(capsys)
    assert _rows(store_path) == before


def test_same_name_needs_replace_and_keeps_the_input(store_path: Path, capsys) -> None:
    assert main(["scenario", "create", "a", "--close", "dr-001"]) == 0
    assert main(["scenario", "create", "a", "--close", "dr-002"]) == 2
    err = _one_line_error(capsys)
    assert "er bestaat al een scenario 'a' (versie 1 is actief); uw invoer is bewaard als versie 2" in err
    assert "geef --replace" in err and "`spreiding scenario restore a 2`" in err
    store = ScenarioStore(store_path)
    assert store.load("a").edits[0].id == "dr-001"  # not overwritten
    assert store.load("a", 2).edits[0].id == "dr-002"  # nothing typed lost
    assert main(["scenario", "create", "a", "--close", "dr-003", "--replace"]) == 0
    assert store.load("a").edits[0].id == "dr-003"
    assert [r[1] for r in _rows(store_path)] == [1, 2, 3]
    capsys.readouterr()
    assert main(["scenario", "history", "a"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split() == [
        "versie",
        "opgeslagen",
        "actief",
        "wijzigingen",
        "beschrijving",
        "beschadigd",
    ]
    assert [line.split()[0] for line in out.splitlines()[2:]] == ["1", "2", "3"]
    assert out.splitlines()[4].split()[2] == "ja"
    assert main(["scenario", "restore", "a", "1"]) == 0
    assert "versie 1 van 'a' is weer actief (versie 3 blijft bewaard)" in capsys.readouterr().out
    assert store.load("a").edits[0].id == "dr-001"
    assert main(["scenario", "delete", "a"]) == 0
    assert "terugzetten met `spreiding scenario restore a 1`" in capsys.readouterr().out
    assert store.names() == [] and len(_rows(store_path)) == 3
    assert main(["scenario", "restore", "a", "3"]) == 0
    assert store.load("a").edits[0].id == "dr-003"


def test_import_same_name_and_unicode_names(store_path: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"name": "图书馆", "edits": [{"action": "close", "id": "dr-001"}]}), encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["scenario", "import", str(path)]) == 0
    assert main(["scenario", "import", str(path), "--name", "!!!"]) == 0
    assert ScenarioStore(store_path).names() == ["!!!", "图书馆"]
    path.write_text(json.dumps({"name": "图书馆", "edits": [{"action": "close", "id": "dr-002"}]}), encoding="utf-8")
    capsys.readouterr()
    assert main(["scenario", "import", str(path)]) == 2
    assert "er bestaat al een scenario '图书馆'" in _one_line_error(capsys)
    assert main(["scenario", "import", str(path), "--replace"]) == 0
    assert ScenarioStore(store_path).load("图书馆").edits[0].id == "dr-002"
    assert hashlib.sha256(path.read_bytes()).hexdigest() != digest  # the test rewrote it; import never does
    assert main(["scenario", "show", "图书馆"]) == 0


_LONLAT_AS_RD = json.dumps(
    {"name": "n", "edits": [{"action": "open", "id": "o", "name": "O", "kind": "vestiging", "x": 6.5, "y": 53}]}
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"edits": [1, 2]}', "scenario-bestand bad.json heeft geen 'name'"),
        ('{"name": "n", "edits": [1, 2]}', "scenario-bestand bad.json, wijziging 1: 1 is geen object"),
        ('{"name": "n", "norm": "5km"}', "scenario-bestand bad.json: scenario 'n': de norm moet een object zijn"),
        ("not json", "scenario-bestand bad.json is geen geldige JSON"),
        (
            _LONLAT_AS_RD,
            "dit lijken lengte-/breedtegraden; geef RD-coördinaten (x, y in meters) of gebruik lon/lat-velden",
        ),
        ('{"type": "FeatureCollection", "name": "n", "features": ["f"]}', "feature 1: 'f' is geen GeoJSON-Feature"),
    ],
)
def test_import_rejects_malformed_files(store_path: Path, tmp_path: Path, capsys, text: str, message: str) -> None:
    assert main(["scenario", "create", "a", "--close", "dr-001"]) == 0
    capsys.readouterr()
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    before = _rows(store_path)
    assert main(["scenario", "import", str(path)]) == 2
    assert message in _one_line_error(capsys)
    assert _rows(store_path) == before
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_list_reports_damaged_rows_and_cuts_long_names(store_path: Path, capsys, caplog) -> None:
    long_name = "Lang " + "x" * 115
    assert main(["scenario", "create", long_name, "--close", "dr-001"]) == 0
    assert main(["scenario", "create", "goed", "--close", "dr-002"]) == 0
    conn = sqlite3.connect(store_path)
    for name, edits in (("kapot", "not json"), ("lijst", "[1, 2]")):
        conn.execute(
            "INSERT INTO scenario_versions (name, version, edits, saved_at) VALUES (?, 1, ?, 'x')", (name, edits)
        )
        conn.execute("INSERT INTO scenario_names (name, current, created_at) VALUES (?, 1, 'x')", (name,))
    conn.commit()
    conn.close()
    capsys.readouterr()
    before = _rows(store_path)
    with caplog.at_level(logging.WARNING, logger="spreiding.cli.scenario"):
        assert main(["scenario", "list"]) == 0
    out = capsys.readouterr().out
    names = [line.split()[0] for line in out.splitlines()[1:]]
    assert names == ["Lang", "goed"]
    assert "Lang " + "x" * 54 + "…" in out and "x" * 56 not in out
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "scenario 'kapot' (versie 1) is beschadigd en overgeslagen: de wijzigingen zijn geen geldige JSON ('not json')",
        "scenario 'lijst' (versie 1) is beschadigd en overgeslagen: wijziging 1: een wijziging moet een object zijn "
        'zoals {"action": "close", "id": ...}, kreeg 1',
    ]
    assert main(["scenario", "show", "kapot"]) == 2
    assert "scenario 'kapot' (versie 1)" in _one_line_error(capsys)
    assert main(["scenario", "show", "goed"]) == 0
    assert _rows(store_path) == before


@pytest.mark.data
def test_examples_evaluate_compare(real_data, store_path: Path, tmp_path: Path, capsys) -> None:
    assert main(["scenario", "examples"]) == 0
    names = ScenarioStore(store_path).names()
    assert "alle plannen uitgevoerd" in names
    n_rows = len(_rows(store_path))
    assert main(["scenario", "examples"]) == 0  # equal content: nothing added
    assert len(_rows(store_path)) == n_rows
    assert main(["scenario", "create", "Assen dicht", "--close", "dr-042"]) == 0
    out = tmp_path / "diff.csv"
    rc = main(["scenario", "evaluate", "Assen dicht", "--crowfly", "--no-progress", "--out", str(out)])
    assert rc == 0
    table = pd.read_csv(out).set_index("municipality")
    assert table.loc["Assen", "covered"] < table.loc["Assen", "covered_base"]
    assert main(["scenario", "compare", "Assen dicht", "alle plannen uitgevoerd", "--crowfly", "--no-progress"]) == 0
    assert "Assen" in capsys.readouterr().out


@pytest.mark.data
def test_optimize(real_data, store_path: Path, tmp_path: Path, capsys) -> None:
    assert main(["scenario", "create", "alle plannen uitgevoerd", "--close", "dr-001"]) == 0
    capsys.readouterr()
    rc = main(["optimize", "--p", "1", "--crowfly", "--no-progress", "--save-as", "alle plannen uitgevoerd"])
    assert rc == 2
    assert "er bestaat al een scenario 'alle plannen uitgevoerd' (versie 1 is actief)" in _one_line_error(capsys)
    store = ScenarioStore(store_path)
    assert store.load("alle plannen uitgevoerd").edits[0].id == "dr-001"  # not replaced
    assert store.load("alle plannen uitgevoerd", 2).edits[0].action == "open"  # the advice is kept
    out = tmp_path / "sites.csv"
    rc = main(
        [
            "optimize",
            "--model",
            "mclp",
            "--p",
            "2",
            "--crowfly",
            "--no-progress",
            "--out",
            str(out),
            "--save-as",
            "advies",
            "--age-weight",
            "pop_65plus=2",
        ]
    )
    assert rc == 0
    sites = pd.read_csv(out)
    assert 1 <= len(sites) <= 2
    assert (sites["gain_covered"] > 0).all()
    assert ScenarioStore(store_path).load("advies").edits[0].action == "open"


def test_list_on_an_empty_store_says_so(tmp_path, monkeypatch, capsys):
    from spreiding.cli.main import main

    monkeypatch.setenv("SPREIDING_STORE", str(tmp_path / "leeg.sqlite"))
    assert main(["scenario", "list"]) == 0
    assert "geen scenario's opgeslagen" in capsys.readouterr().out


@pytest.mark.data
def test_optimize_allow_close_names_closures_inside_the_region(real_data, store_path: Path, capsys) -> None:
    rc = main(
        ["optimize", "--p", "2", "--allow-close", "--max-closures", "2", "--max-km", "10", "--crowfly", "--no-progress"]
    )
    assert rc == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith(("Sluit", "Geen sluitingen")))
    assert "(hoogstens 2)" in line and "bibliotheken over de grens blijven open" in line
    assert not re.search(r"\bdr-\d+|\bbu-\d+", line)  # names, not ids
    closed = line.split(":", 1)[1].split(".")[0].split(", ") if line.startswith("Sluit") else []
    facilities = pd.read_csv(real_data.libraries)
    inside = set(facilities.loc[facilities["region"] == "drenthe", "name"])
    assert len(closed) <= 2 and set(map(str.strip, closed)) <= inside
    assert "bewezen optimaal" in out or "tijdslimiet" in out


def _invented_list(tmp_path: Path) -> Path:
    """Two INVENTED service points: x1 open, x2 closed."""
    path = tmp_path / "lijst.csv"
    path.write_text(
        "id,name,kind,status,lon,lat\n"
        "x1,Bieb Een (verzonnen),vestiging,open,6.56,52.99\n"
        "x2,Bieb Twee (verzonnen),vestiging,closed,6.60,53.00\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        (["--close", "x2"], "'Bieb Twee (verzonnen)' (x2) kan niet dicht, het is al gesloten"),
        (["--close", "x1", "--close", "x1"], "'Bieb Een (verzonnen)' (x1) kan niet dicht, het is al gesloten"),
        (["--reopen", "x1"], "'Bieb Een (verzonnen)' (x1) is al open"),
        (["--close", "zz"], "onbekend servicepunt 'zz'"),
    ],
)
def test_create_refuses_edits_that_do_not_apply(
    store_path: Path, tmp_path: Path, capsys, edits: list[str], message: str
) -> None:
    facilities = str(_invented_list(tmp_path))
    assert main(["scenario", "create", "a", "--close", "x1", "--facilities", facilities]) == 0
    capsys.readouterr()
    before = _rows(store_path)
    assert main(["scenario", "create", "b", *edits, "--facilities", facilities]) == 2
    assert message in _one_line_error(capsys)
    assert _rows(store_path) == before  # nothing stored


def test_import_refuses_edits_that_do_not_apply(store_path: Path, tmp_path: Path, capsys) -> None:
    facilities = str(_invented_list(tmp_path))
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"name": "s", "edits": [{"action": "close", "id": "x2"}]}), encoding="utf-8")
    assert main(["scenario", "import", str(path), "--facilities", facilities]) == 2
    assert "(x2) kan niet dicht" in _one_line_error(capsys)
    assert not store_path.exists() or _rows(store_path) == []


def test_create_without_a_list_warns_and_stores(store_path: Path, tmp_path: Path, monkeypatch, caplog) -> None:
    from spreiding.cli import scenario as cli_scenario
    from spreiding.errors import DataNotFoundError

    def missing(*args: object, **kwargs: object) -> None:
        raise DataNotFoundError("voorzieningenbestand niet gevonden")

    monkeypatch.setattr("spreiding.data.facilities.load_facilities", missing)
    with caplog.at_level(logging.WARNING, logger=cli_scenario.__name__):
        assert main(["scenario", "create", "a", "--close", "x9"]) == 0
    assert "niet gecontroleerd tegen de lijst (geef --facilities of --data-dir)" in caplog.text
    assert [row[0] for row in _rows(store_path)] == ["a"]
    assert main(["scenario", "create", "b", "--close", "x9", "--data-dir", str(tmp_path / "geen")]) == 2


@pytest.mark.data
def test_points_outside_the_region_are_refused_before_they_are_stored(
    store_path: Path, tmp_path: Path, real_data, capsys
) -> None:
    """The Wadden Sea (5.9 E, 53.45 N) lies far outside Drenthe plus 15 km; Rolde (6.65, 52.98) inside."""
    assert main(["scenario", "create", "zee", "--open", "Zee;vestiging;5.9;53.45"]) == 2
    assert "nieuw punt 'Zee'" in _one_line_error(capsys)
    assert not store_path.exists() or _rows(store_path) == []
    far = tmp_path / "ver.json"
    edits = [{"action": "open", "id": "n1", "name": "Ver", "kind": "vestiging", "x": 100000.0, "y": 300000.0}]
    far.write_text(json.dumps({"name": "ver", "edits": edits}), encoding="utf-8")
    assert main(["scenario", "import", str(far)]) == 2
    assert "ligt buiten het gebied (de regio plus 15 km)" in _one_line_error(capsys)
    assert main(["scenario", "create", "rolde", "--open", "Rolde-MFA;vestiging;6.65;52.98"]) == 0
    assert [row[0] for row in _rows(store_path)] == ["rolde"]
