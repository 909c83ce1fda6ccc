"""``--as-of``, ``spreiding history`` and the app's Peildatum and Tijdlijn, on the real Drenthe data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from spreiding.app.workspace import Workspace
from spreiding.cli.main import build_parser, main
from spreiding.data.config import DataPaths


def test_every_command_that_loads_service_points_takes_as_of() -> None:
    parser = build_parser()
    for argv in (
        ["coverage"],
        ["history"],
        ["scenario", "evaluate", "x"],
        ["scenario", "compare", "a", "b"],
        ["optimize"],
    ):
        args = parser.parse_args([*argv, "--as-of", "2021-01-01"])
        assert args.as_of == "2021-01-01", argv


@pytest.mark.parametrize("bad", ["2021-13-01", "2021", "1-1-2021"])
def test_a_bad_as_of_exits_2_with_one_dutch_line(bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["coverage", "--as-of", bad, "--data-dir", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "peildatum" in err[0] and "JJJJ-MM-DD" in err[0]  # refused before any file is read


@pytest.mark.data
def test_coverage_as_of_2021_differs_where_the_list_changed(
    real_data: DataPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now, then = tmp_path / "nu.csv", tmp_path / "2021.csv"
    assert main(["coverage", "--no-progress", "--out", str(now)]) == 0
    assert main(["coverage", "--no-progress", "--as-of", "2021-01-01", "--out", str(then)]) == 0
    assert "Peildatum: 01-01-2021" in capsys.readouterr().out
    a, b = (pd.read_csv(p).set_index("municipality") for p in (now, then))
    # Dwingeloo had no library on 1 January 2021 (data README): Westerveld's mean distance is larger then
    assert b.loc["Westerveld", "mean_dist_m"] > a.loc["Westerveld", "mean_dist_m"] + 500
    assert b.loc["Assen", "mean_dist_m"] == pytest.approx(a.loc["Assen", "mean_dist_m"], abs=50)
    sources = pd.read_csv(tmp_path / "2021.bronnen.csv").set_index("onderdeel")["waarde"]
    assert sources["Peildatum"] == "01-01-2021"
    today = pd.read_csv(tmp_path / "nu.bronnen.csv").set_index("onderdeel")["waarde"]
    assert today["Peildatum"] == dt.date.today().strftime("%d-%m-%Y")


@pytest.mark.data
def test_history_prints_the_drenthe_timeline(real_data: DataPaths, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--no-progress", "--crowfly"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Tijdlijn 01-01-2015 tot ")
    assert "07-03-2022" in out and "geopend: Bibliotheek Dwingeloo [dr-038]" in out  # a day: certain
    assert "? gesloten: Bibliotheek Rolde (tijdelijke locatie voormalige Hubo) [dr-005]" in out  # a period: flagged
    assert "bron van de datum: notes and Westerveld annual report 2022" in out
    assert "Drenthe: " in out and "inwoners nu buiten de norm" in out


@pytest.mark.data
def test_history_of_one_municipality_writes_csv(
    real_data: DataPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tijdlijn.csv"
    code = main(["history", "--no-progress", "--crowfly", "--gemeente", "Westerveld", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0 and "Westerveld: " in text and "Tynaarlo: " not in text
    table = pd.read_csv(out)
    assert set(table["municipality"]) == {"Westerveld"}
    assert {"date", "period", "uncertain", "covered_pct", "mean_dist_m", "lose_coverage", "gain_coverage"} <= set(
        table.columns
    )
    dwingeloo = table.loc[table["date"] == "2022-03-07"].iloc[0]
    assert dwingeloo["gain_coverage"] > 0 and dwingeloo["mean_dist_m_delta"] < -500 and not dwingeloo["uncertain"]
    closed = table.loc[table["date"] == "2020-01-02"].iloc[0]  # De Weyert closed some day in 2020: a period
    assert bool(closed["uncertain"]) and closed["lose_coverage"] == pytest.approx(dwingeloo["gain_coverage"])


@pytest.mark.data
def test_history_refuses_an_unknown_municipality(real_data: DataPaths, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--no-progress", "--crowfly", "--gemeente", "Atlantis"]) == 2
    assert "Atlantis" in capsys.readouterr().err


# --------------------------------------------------------------------------- the app


def _mean_km(at: AppTest) -> float:
    """The "Gem. afstand" metric ("2,81 km") as a number."""
    metric = next(m for m in at.metric if m.label == "Gem. afstand")
    return float(metric.value.split()[0].replace(",", "."))


def _timeline(at: AppTest) -> pd.DataFrame:
    """The Tijdlijn table (the first table with a "datum" and a "wijzigingen" column)."""
    return next(d.value for d in at.dataframe if {"datum", "wijzigingen"} <= set(d.value.columns))


@pytest.mark.data
def test_the_peildatum_changes_the_results_and_the_timeline_shows(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    app.selectbox(key="gem_name").set_value("Westerveld").run()
    assert not app.exception and not app.error
    today = _mean_km(app)
    timeline = _timeline(app)
    assert "07-03-2022" in timeline["datum"].tolist() and "onzeker" in timeline["onzeker"].tolist()
    app.date_input(key="as_of").set_value(dt.date(2021, 1, 1)).run()
    assert not app.exception and not app.error
    ws = app.session_state["workspace"]
    assert isinstance(ws, Workspace) and ws.settings.as_of == dt.date(2021, 1, 1)
    assert _mean_km(app) > today + 0.5  # Dwingeloo had no library then
    assert "07-03-2022" not in _timeline(app)["datum"].tolist()  # ends at the peildatum
