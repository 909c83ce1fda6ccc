"""Dates on service points: partial ISO dates, the list on a date (as-of), and the timeline.

Hand-made fixtures: every row, date and place below is INVENTED for the test (documented next to it);
only the tests marked ``data`` read the real Drenthe list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Scenario, open_site
from spreiding.analysis.timeline import CHANGE_CLOSED, CHANGE_OPENED, step_dates, timeline
from spreiding.app.workspace import Settings, Workspace
from spreiding.data.config import DataPaths
from spreiding.data.dates import PartialDate, facilities_as_of, open_on, parse_as_of
from spreiding.data.facilities import load_facilities, validate_facilities
from spreiding.errors import ConfigError, InvalidDataError
from spreiding.output.provenance import Provenance
from spreiding.study import Study, StudySettings

from .conftest import line_facilities, line_population, points
from .test_workspace import TinyInputs

AMERSFOORT = "5.38720621,52.15517440"  # lon, lat of RD x 155000, y 463000
HEADER = "id,name,kind,status,lon,lat,open_from,open_until,date_evidence\n"


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "lijst.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "first", "last", "shown"),
    [
        ("2022-03-07", dt.date(2022, 3, 7), dt.date(2022, 3, 7), "2022-03-07"),
        ("2021-11", dt.date(2021, 11, 1), dt.date(2021, 11, 30), "2021-11"),
        ("2024-2", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024-02"),  # leap year
        ("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31), "2021"),
        (" 2021 ", dt.date(2021, 1, 1), dt.date(2021, 12, 31), "2021"),
        ("2022-03-07 00:00:00", dt.date(2022, 3, 7), dt.date(2022, 3, 7), "2022-03-07"),  # a spreadsheet cell
        (dt.date(2020, 5, 4), dt.date(2020, 5, 4), dt.date(2020, 5, 4), "2020-05-04"),
        (2019.0, dt.date(2019, 1, 1), dt.date(2019, 12, 31), "2019"),  # a year column read as numbers
    ],
)
def test_whole_and_partial_dates_are_periods(text: object, first: dt.date, last: dt.date, shown: str) -> None:
    p = PartialDate.parse(text)
    assert (p.first, p.last, str(p)) == (first, last, shown)
    assert p.is_period == (first != last)


@pytest.mark.parametrize("text", ["2021-13", "2021-02-30", "21-11", "november 2021", "07-03-2022", "1700", ""])
def test_a_bad_date_is_refused_in_dutch(text: str) -> None:
    with pytest.raises(InvalidDataError, match="JJJJ-MM-DD"):
        PartialDate.parse(text)


def test_the_list_keeps_normalised_dates_and_evidence(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        f"a,A,vestiging,open,{AMERSFOORT},2021-3,,krant maart 2021\n"
        f"b,B,vestiging,closed,{AMERSFOORT},,2020,\n"
        f"c,C,vestiging,open,{AMERSFOORT},,,\n",
    )
    frame = load_facilities(path)
    assert frame["open_from"].tolist()[0] == "2021-03"
    assert frame["open_until"].tolist()[1] == "2020"
    assert pd.isna(frame["open_from"].iloc[2]) and pd.isna(frame["open_until"].iloc[2])
    assert frame["date_evidence"].iloc[0] == "krant maart 2021"


def test_a_bad_date_names_every_row_its_id_and_the_fix(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        f"a,A,vestiging,open,{AMERSFOORT},2021-13,,\n"
        f"b,B,vestiging,open,{AMERSFOORT},,,\n"
        f"c,C,vestiging,closed,{AMERSFOORT},,maart 2020,\n"
        f"d,D,vestiging,closed,{AMERSFOORT},2021,2020-06,\n",
    )
    with pytest.raises(InvalidDataError) as info:
        load_facilities(path)
    text = str(info.value)
    assert "rij 2 (id a): '2021-13'" in text and "kolom open_from" in text
    assert "rij 4 (id c): 'maart 2020'" in text and "kolom open_until" in text
    assert "open_until ligt vóór open_from in rij 5 (id d)" in text
    assert "JJJJ-MM-DD" in text and "rij 3" not in text


def test_a_list_without_date_columns_is_undated(tmp_path: Path) -> None:
    path = tmp_path / "oud.csv"
    path.write_text(f"id,name,kind,status,lon,lat\na,A,vestiging,open,{AMERSFOORT}\n", encoding="utf-8")
    frame = load_facilities(path)
    assert "open_from" not in frame.columns
    assert facilities_as_of(frame, "2001-01-01")["status"].tolist() == ["open"]


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_dates_are_read_from_geojson_and_geopackage(tmp_path: Path, suffix: str) -> None:
    frame = points(
        [(155000, 463000), (156000, 463000)],
        id=["a", "b"],
        name=["A", "B"],
        kind=["vestiging", "vestiging"],
        status=["open", "closed"],
        open_from=["2022-03-07", None],
        open_until=[None, "2021"],
    )
    path = tmp_path / f"lijst{suffix}"
    frame.to_file(path)
    read = load_facilities(path)
    assert read["open_from"].iloc[0] == "2022-03-07" and read["open_until"].iloc[1] == "2021"
    assert open_on(read, "2021-06-01")["id"].tolist() == []  # a not yet open, b's end 2021 overlaps: uncertain
    assert open_on(read, "2020-06-01")["id"].tolist() == ["b"]


def test_a_geopackage_date_field_is_read_as_a_date(tmp_path: Path) -> None:
    frame = points([(155000, 463000)], id=["a"], name=["A"], kind=["vestiging"], status=["open"])
    frame["open_from"] = pd.to_datetime(["2017-02-13"])
    path = tmp_path / "lijst.gpkg"
    frame.to_file(path)
    assert load_facilities(path)["open_from"].iloc[0] == "2017-02-13"


def test_validate_facilities_checks_dates_too() -> None:
    frame = points([(155000, 463000)], id=["a"], name=["A"], kind=["vestiging"], status=["open"], open_from=["x"])
    with pytest.raises(InvalidDataError, match=r"rij 1 \(id a\): 'x'"):
        validate_facilities(frame)


# --------------------------------------------------------------------------- as-of selection (invented rows)
#
# id  status     open_from   open_until  what the rule says
# a   open       -           -           open on every date
# b   open       2021-11     -           not yet before Nov 2021, uncertain in Nov 2021 (before the 30th), open after
# c   closed     -           2021        open up to 1 Jan 2021, uncertain in the rest of 2021, closed from 2022
# d   closed     -           -           closed row with unknown end: never open by date
# e   planned    2020        -           planned stays planned (status semantics), whatever the date
# f   cancelled  -           -           cancelled stays cancelled
# g   open       2015-05-01  2023-05-31  whole dates: open 1 May 2015 to 31 May 2023 inclusive


def _fixture() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": list("abcdefg"),
            "status": ["open", "open", "closed", "closed", "planned", "cancelled", "open"],
            "open_from": [None, "2021-11", None, None, "2020", None, "2015-05-01"],
            "open_until": [None, None, "2021", None, None, None, "2023-05-31"],
        }
    )


@pytest.mark.parametrize(
    ("day", "open_ids", "uncertain_ids"),
    [
        ("2015-04-30", "ac", ""),
        ("2015-05-01", "acg", ""),
        ("2021-01-01", "acg", ""),
        ("2021-01-02", "ag", "c"),
        ("2021-11-15", "ag", "bc"),
        ("2021-11-30", "abg", "c"),
        ("2021-12-31", "abg", "c"),
        ("2022-01-01", "abg", ""),
        ("2023-05-31", "abg", ""),
        ("2023-06-01", "ab", ""),
    ],
)
def test_the_list_on_a_date_follows_the_readme_rule(day: str, open_ids: str, uncertain_ids: str) -> None:
    rows = _fixture()
    dated = facilities_as_of(rows, day)
    assert "".join(dated.loc[dated["status"] == "open", "id"]) == open_ids
    assert "".join(dated.loc[dated["date_uncertain"], "id"]) == uncertain_ids
    assert dated.loc[dated["id"] == "e", "status"].item() == "planned"
    assert dated.loc[dated["id"] == "f", "status"].item() == "cancelled"
    assert dated.attrs["as_of"] == day
    assert rows["status"].tolist() == _fixture()["status"].tolist()  # the caller's frame is untouched
    assert "".join(open_on(rows, day)["id"]) == open_ids


def test_not_yet_open_rows_are_planned_and_ended_rows_closed_on_the_date() -> None:
    dated = facilities_as_of(_fixture(), "2019-06-01")
    assert dict(zip(dated["id"], dated["status"], strict=True))["b"] == "planned"
    later = facilities_as_of(_fixture(), "2024-01-01")
    assert dict(zip(later["id"], later["status"], strict=True))["g"] == "closed"
    again = facilities_as_of(later, "2015-06-01")  # a dated frame is dated again from the listed status
    assert "".join(again.loc[again["status"] == "open", "id"]) == "acg"


def test_default_as_of_is_today_and_a_bad_as_of_is_refused() -> None:
    assert parse_as_of(None) == dt.date.today()
    assert facilities_as_of(_fixture()).attrs["as_of"] == dt.date.today().isoformat()
    for bad in ("2021-13-01", "2021", "gisteren"):
        with pytest.raises(ConfigError, match="JJJJ-MM-DD"):
            parse_as_of(bad)


# --------------------------------------------------------------------------- the timeline on the line fixture
#
# Residents (conftest line fixture, crow-fly, detour 1.0): p0 (0 km) 100 in A, p1 (10 km) 200 in A,
# p2 (20 km) 300 in B. Service points with INVENTED dates: f1 at 0 km open (undated), f2 at 20 km open from
# 2018-05-01, f3 at 10 km closed, open until "2019" (a period). Norm: 5 km.
#   2015-01-01  f1, f3 open: p0, p1 covered (300 of 600 = 50 %); p2 at 10 km: mean (300 x 10000) / 600 = 5000 m
#   2018-05-01  f2 opens (a day): everyone at 0 m, 100 %; p2's 300 gain access (all in B)
#   2019-01-02  f3 leaves (period 2019, uncertain): p1 at 10 km, 400 of 600 covered, mean 200 x 10000 / 600 m,
#               p1's 200 lose access (in A)


def _dated_line() -> gpd.GeoDataFrame:
    frame = line_facilities()
    frame["open_from"] = [None, "2018-05-01", None]
    frame["open_until"] = [None, None, "2019"]
    frame["date_evidence"] = ["", "invented: opening day", "invented: closed some day in 2019"]
    return frame


def _line_study() -> Study:
    return Study(line_population(), _dated_line(), None, StudySettings(detour_factor=1.0), total_label="Totaal")


NORM_5KM = Norm(name="5 km", mode="car", max_dist_m=5000.0)
NORM_5KM_CAR = Norm(name="5 km auto", mode="car", max_dist_m=5000.0)


def test_step_dates_are_the_rule_boundaries() -> None:
    assert step_dates(_dated_line(), dt.date(2015, 1, 1), dt.date(2024, 1, 1)) == [
        dt.date(2015, 1, 1),
        dt.date(2018, 5, 1),
        dt.date(2019, 1, 2),
    ]


def test_timeline_on_the_line_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    study = _line_study()
    built = []
    original = study._build_context
    monkeypatch.setattr(study, "_build_context", lambda: built.append(1) or original())
    line = timeline(study, NORM_5KM, end=dt.date(2024, 1, 1))
    assert built == [1]  # one matrix for every step: the dates are scenarios, not new studies
    assert line.dates == ["2015-01-01", "2018-05-01", "2019-01-02"]
    total = line.steps.loc[line.steps["municipality"] == "Totaal"].reset_index(drop=True)
    assert total["covered"].tolist() == [300.0, 600.0, 400.0]
    assert total["covered_pct"].tolist() == pytest.approx([50.0, 100.0, 400 / 6])
    assert total["mean_dist_m"].tolist() == pytest.approx([5000.0, 0.0, 200 * 10000 / 600])
    assert total["gain_coverage"].tolist() == [0.0, 300.0, 0.0]
    assert total["lose_coverage"].tolist() == [0.0, 0.0, 200.0]
    assert total["uncertain"].tolist() == [False, False, True]
    by_muni = line.steps.set_index(["date", "municipality"])
    assert by_muni.loc[("2019-01-02", "A"), "lose_coverage"] == 200.0
    assert by_muni.loc[("2018-05-01", "B"), "gain_coverage"] == 300.0
    changes = line.changes
    assert changes[["date", "id", "event", "when", "uncertain"]].values.tolist() == [
        ["2018-05-01", "f2", CHANGE_OPENED, "2018-05-01", False],
        ["2019-01-02", "f3", CHANGE_CLOSED, "2019", True],
    ]
    assert changes["date_evidence"].tolist()[1] == "invented: closed some day in 2019"


def test_timeline_of_one_municipality_keeps_its_steps() -> None:
    line = timeline(_line_study(), NORM_5KM, end=dt.date(2024, 1, 1))
    b = line.of("B")
    assert b.dates == ["2015-01-01", "2018-05-01"]  # B is not touched by f3's closure
    assert set(b.steps["municipality"]) == {"B"}
    assert b.changes["id"].tolist() == ["f2"]


def test_timeline_ends_at_the_given_date() -> None:
    line = timeline(_line_study(), NORM_5KM, end="2018-12-31")
    assert line.dates == ["2015-01-01", "2018-05-01"] and line.end == dt.date(2018, 12, 31)


def test_provenance_states_the_peildatum() -> None:
    study = Study(
        line_population(),
        facilities_as_of(_dated_line(), "2016-01-01"),
        None,
        StudySettings(detour_factor=1.0),
        total_label="Totaal",
    )
    ev = study.evaluate(NORM_5KM)
    assert sorted(ev.counted["id"]) == ["f1", "f3"]
    rows = dict(Provenance.from_analysis(ev, [], hash_files=False).rows())
    assert rows["Peildatum"] == "01-01-2016"


# --------------------------------------------------------------------------- the real Drenthe list


@pytest.mark.data
def test_drenthe_on_1_january_2021_follows_the_data_readme(real_data: DataPaths) -> None:
    frame = load_facilities(real_data.libraries)
    dated = facilities_as_of(frame, "2021-01-01")
    state = dict(zip(dated["id"], dated["status"], strict=True))
    assert state["dr-005"] == "open" and state["dr-004"] != "open"  # Rolde in the former Hubo
    assert state["dr-033"] == "open" and state["dr-032"] != "open"  # Eelde in 't Punthoes, Centrumschool not yet
    westerveld = dated.loc[dated["place"].astype(str).str.startswith("Dwingeloo")]
    assert len(westerveld) and (westerveld["status"] != "open").all()  # Dwingeloo without a library
    open_libraries = dated.loc[
        (dated["status"] == "open")
        & (dated["region"] == "drenthe")
        & dated["kind"].isin(["vestiging", "kleine_vestiging"])
    ]
    assert len(open_libraries) == 38  # "the list has 38 libraries ... open on 1 January 2021" (data README)
    uncertain = set(dated.loc[dated["date_uncertain"], "id"])
    assert "dr-032" in uncertain  # decided by the period "2021": flagged, not a certain state


@pytest.mark.data
def test_drenthe_today_gives_the_status_open_set(real_data: DataPaths) -> None:
    frame = load_facilities(real_data.libraries)
    today = facilities_as_of(frame, dt.date.today())
    assert today["status"].tolist() == frame["status"].tolist()
    assert not today["date_uncertain"].any()


def test_the_peildatum_survives_a_scenario_that_opens_a_point() -> None:
    study = Study(
        line_population(),
        facilities_as_of(_dated_line(), "2016-01-01"),
        None,
        StudySettings(detour_factor=1.0),
        total_label="Totaal",
    )
    ev = study.evaluate(NORM_5KM, Scenario("nieuw", edits=(open_site("X", "vestiging", 5000.0, 0.0),)))
    assert dict(Provenance.from_analysis(ev, [], hash_files=False).rows())["Peildatum"] == "01-01-2016"


# --------------------------------------------------------------------------- the app's workspace (tiny region)
#
# The tiny crow-fly region of test_workspace.py (x 1.3, norm 5 km) with INVENTED dates: f2 (20 km) opened on
# 1 June 2019, f3 (10 km, closed) was open until some day in 2018. On 1 January 2017 f1 and f3 are open:
# c1 (1 km, 100) and c3 (9 km, 1 km from f3: 30) are covered = 130 of 380; from 1 June 2019 f1 and f2: 300.
# Bedorp (c4 at 19 km, 200 residents) is outside the norm until f2 opens.


def _dated_inputs() -> TinyInputs:
    inputs = TinyInputs()
    frame = inputs.region_.facilities.copy()
    frame["open_from"] = [None, "2019-06-01", None]
    frame["open_until"] = [None, None, "2018"]
    inputs.region_ = dataclasses.replace(inputs.region_, facilities=frame)
    return inputs


def test_the_workspace_is_keyed_on_the_peildatum_and_gives_the_timeline() -> None:
    inputs = _dated_inputs()
    ws = Workspace(inputs, Settings(norm=NORM_5KM_CAR, as_of=dt.date(2017, 1, 1)))
    assert ws.settings.study_key.as_of == "2017-01-01"
    assert float(ws.evaluate().table["covered"].iloc[-1]) == 130.0
    assert ws.facilities.attrs["as_of"] == "2017-01-01"
    ws.configure(dataclasses.replace(ws.settings, as_of=dt.date(2020, 1, 1)))
    assert float(ws.evaluate().table["covered"].iloc[-1]) == 300.0
    line = ws.timeline()
    assert line.dates == ["2015-01-01", "2018-01-02", "2019-06-01"] and line.end == dt.date(2020, 1, 1)
    assert ws.timeline() is line  # computed once per study key and norm
    bedorp = ws.timeline("Bedorp")
    assert bedorp.steps["gain_coverage"].tolist() == [0.0, 0.0, 200.0]
    # f3's closure moves c4 (19 km) from f3 (9 km x 1.3) to f1 (19 km x 1.3): 13 km further, still outside
    assert bedorp.steps["mean_dist_m_delta"].tolist()[1] == pytest.approx(13000.0)
    assert bedorp.changes["id"].tolist() == ["f3", "f2"]
    assert Settings().as_of == dt.date.today()
