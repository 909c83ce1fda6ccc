"""``spreiding scenario ...`` and ``spreiding optimize`` through spreiding.cli.main."""

from __future__ import annotations

import json
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


def test_errors_exit_2(store_path: Path, capsys) -> None:
    assert main(["scenario", "create", "a", "--close", "dr-001"]) == 0
    assert main(["scenario", "create", "a", "--close", "dr-002"]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["scenario", "create", "b", "--open", "X;vestiging;52.99;6.56"]) == 2
    assert "not in the Netherlands" in capsys.readouterr().err
    assert main(["scenario", "create", "c"]) == 2
    assert main(["scenario", "show", "nope"]) == 2
    assert "no scenario named 'nope'" in capsys.readouterr().err


@pytest.mark.data
def test_examples_evaluate_compare(real_data, store_path: Path, tmp_path: Path, capsys) -> None:
    assert main(["scenario", "examples"]) == 0
    names = ScenarioStore(store_path).names()
    assert "alle plannen uitgevoerd" in names
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
