"""``spreiding report``: one municipality's printable report, every municipality plus the overview, paths first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Edit, Scenario
from spreiding.analysis.store import ScenarioStore
from spreiding.analysis.verdict import meets_sentence
from spreiding.cli.main import main
from spreiding.data.config import DataPaths
from spreiding.output.export import export_name
from spreiding.output.report import report_filename

_MUNICIPALITIES = 12


def test_unknown_municipality_and_bad_paths_are_refused_before_any_work(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["report", "--gemeente", "Asen", "--out", str(tmp_path / "a.html")]) == 2
    assert "hoort niet bij deze regio" in capsys.readouterr().err
    assert main(["report", "--gemeente", "Assen", "--out", str(tmp_path / "a.csv")]) == 2
    assert "extensie .html" in capsys.readouterr().err
    assert main(["report", "--gemeente", "Assen"]) == 2
    assert "--out" in capsys.readouterr().err
    assert main(["report", "--all", "--out-dir", str(tmp_path / "nope")]) == 2
    assert "bestaat niet" in capsys.readouterr().err
    assert main(["report", "--gemeente", "Assen", "--target-pct", "120", "--out", str(tmp_path / "a.html")]) == 2
    assert "doel 120,0 %" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.data
def test_report_gemeente_assen(real_data: DataPaths, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "assen.html"
    assert main(["report", "--gemeente", "Assen", "--out", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "Assen voldoet aan de norm" in printed and str(out) in printed
    html = out.read_text(encoding="utf-8")
    assert "<h1>Bibliotheekvoorziening Assen</h1>" in html
    assert "Assen voldoet</span>" in html
    assert "minstens 95 % van de inwoners binnen 5 km over de weg (auto)" in html
    assert "Zo is gerekend" in html and "Peiljaar bevolking" in html
    assert "@page { size: A4 portrait" in html
    # a second run does not overwrite without --force
    assert main(["report", "--gemeente", "Assen", "--out", str(out), "--no-progress"]) == 2
    assert "--force" in capsys.readouterr().err
    # a stricter target turns the verdict (Assen: 95.8 % within 5 km)
    assert main(["report", "--gemeente", "Assen", "--target-pct", "97,5", "--out", str(out), "--force"]) == 0
    assert "Assen voldoet niet</span>" in out.read_text(encoding="utf-8")


@pytest.mark.data
def test_report_scenario_from_the_store(real_data: DataPaths, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store.sqlite"
    ScenarioStore.open(store).save(Scenario("zonder DNK", edits=(Edit("close", "dr-042"),)))
    out = tmp_path / "assen_zonder.html"
    args = ["report", "--gemeente", "Assen", "--scenario", "zonder DNK", "--store", str(store), "--out", str(out)]
    assert main([*args, "--no-progress"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "zonder DNK" in html and "Assen voldoet niet</span>" in html
    assert "Assen voldoet niet" in capsys.readouterr().out


@pytest.mark.data
def test_report_all_writes_every_municipality_and_the_overview(real_data: DataPaths, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    overview = tmp_path / export_name("zorgplichtoverzicht", scenario=None, norm=Norm(), ext="html")
    overview.write_text("van eerder", encoding="utf-8")
    # an existing file is refused before anything is computed or written
    assert main(["report", "--all", "--out-dir", str(tmp_path), "--no-progress"]) == 2
    assert "--force" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == [overview.name]
    assert main(["report", "--all", "--out-dir", str(tmp_path), "--no-progress", "--force"]) == 0
    files = sorted(tmp_path.glob("*.html"))
    assert len(files) == _MUNICIPALITIES + 1
    assert (tmp_path / report_filename("Emmen", norm=Norm(), scenario=None)).exists()
    text = overview.read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(voldoet(?: niet)?)</td>", text)
    assert len(rows) == _MUNICIPALITIES
    assert dict(rows)["Assen"] == "voldoet" and dict(rows)["Emmen"] == "voldoet niet"
    assert meets_sentence(sum(v == "voldoet" for _, v in rows), _MUNICIPALITIES) + " aan de norm" in text
