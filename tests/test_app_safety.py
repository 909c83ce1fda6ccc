"""Streamlit AppTest of "nothing lost" and "user text is text": failed saves, overwrites, empty lists, Markdown.

Runs the app on the real Drenthe data; every scenario store is a fresh file (or a broken one) under tmp_path.
"""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from spreiding.analysis.store import ScenarioStore
from spreiding.app.labels import as_text
from spreiding.app.workspace import Workspace
from spreiding.data.config import DataPaths

from .conftest import app_ok as _ok

pytestmark = pytest.mark.data  # every test here runs the app on the real data folder

APP = str(Path(__file__).resolve().parent.parent / "app.py")
BEACON = "![b](http://host/beacon.png)"
GIETEN_RD = (247156.0, 558536.0)  # as in tests/test_app.py: next to the Gieten branch dr-001


def _start(monkeypatch: pytest.MonkeyPatch, data_dir: Path, store: Path) -> AppTest:
    monkeypatch.setenv("SPREIDING_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SPREIDING_STORE", str(store))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])  # see tests/test_app.py
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture()
def app(real_data: DataPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return _start(monkeypatch, real_data.root, tmp_path / "scenarios.sqlite")


def _ws(at: AppTest) -> Workspace:
    ws = at.session_state["workspace"]
    assert isinstance(ws, Workspace)
    return ws


def _close(at: AppTest, fid: str) -> None:
    at.selectbox(key="edit_id").set_value(fid).run()
    at.button(key="btn_close").click().run()
    _ok(at)


def _save(at: AppTest, name: str, *, replace: bool = False) -> None:
    at.text_input(key="rename").set_value(name)
    at.checkbox(key="save_replace").set_value(replace)
    at.button(key="btn_save").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _markdown_texts(at: AppTest) -> list[str]:
    """The bodies of every element Streamlit renders as Markdown (page and sidebar), and metric labels."""
    kinds = ("markdown", "caption", "success", "warning", "error", "info", "title", "header", "subheader")
    texts = [str(e.value) for kind in kinds for e in at.get(kind)]
    return texts + [m.label for m in at.metric] + [t.label for t in at.toggle]


# --------------------------------------------------------------------------- nothing lost


@pytest.mark.parametrize("broken", ["directory", "garbage"])
def test_failed_save_says_so_and_offers_the_scenario(
    real_data: DataPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    store = tmp_path / "store"
    if broken == "directory":
        store.mkdir()  # a folder is no SQLite file
    else:
        store.write_bytes(b"dit is geen database\x00\xff" * 64)
    at = _start(monkeypatch, real_data.root, store)
    said = [w.value for w in at.sidebar.warning if "scenario-opslag is niet te openen" in w.value]
    assert len(said) == 1 and "download uw scenario" in said[0]  # said at start, before any work is lost
    _close(at, "dr-001")
    _save(at, "Mislukt")
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Opslaan in de scenario-opslag is mislukt"), errors
    assert "download het hieronder" in errors[0]
    downloads = [b for b in at.get("download_button") if b.key == "save_download"]
    assert len(downloads) == 1
    assert not at.success
    ws = _ws(at)
    assert ws.active == "Mislukt" and [e.id for e in ws.scenario("Mislukt").edits] == ["dr-001"]
    assert b'"dr-001"' in ws.scenario_file("Mislukt")  # what the download button hands out
    if broken == "garbage":
        assert store.read_bytes().startswith(b"dit is geen database")  # the broken file is left as it was


def test_damaged_stored_rows_are_named_once_and_the_rest_loads(
    real_data: DataPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from spreiding.analysis.scenario import Scenario, close
    from spreiding.analysis.store import ScenarioStore

    path = tmp_path / "scenarios.sqlite"
    ScenarioStore.open(path).save(Scenario(name="Goed", edits=(close("dr-001"),)))
    with contextlib.closing(sqlite3.connect(path)) as conn:
        for name, edits in (("kapot", "not json"), ("lijst", "[1, 2]")):
            conn.execute(
                "INSERT INTO scenario_versions (name, version, description, edits, norm, saved_at) "
                "VALUES (?, 1, '', ?, NULL, 'x')",
                (name, edits),
            )
            conn.execute("INSERT INTO scenario_names (name, current, created_at) VALUES (?, 1, 'x')", (name,))
        conn.commit()
    at = _start(monkeypatch, real_data.root, path)
    _ok(at)
    said = [w.value for w in at.sidebar.warning if "overgeslagen (beschadigd)" in w.value]
    assert len(said) == 2 and any("kapot" in w for w in said) and any("lijst" in w for w in said)
    assert "Goed" in _ws(at).scenarios and at.selectbox(key="store_pick").options == ["Goed"]


def test_save_under_a_taken_name_keeps_the_current_version_unless_replace(app: AppTest) -> None:
    _close(app, "dr-001")
    _save(app, "X")
    _ok(app)
    assert [s.value for s in app.success] == [as_text("opgeslagen: 'X' (versie 1)")]
    _close(app, "dr-002")  # the active scenario is now X: one more edit
    assert [e.id for e in _ws(app).scenario("X").edits] == ["dr-001", "dr-002"]
    _save(app, "X")
    _ok(app)
    assert not app.success
    warnings = [w.value for w in app.warning]
    assert len(warnings) == 1 and "versie 1 is actief" in warnings[0] and "niet actief" in warnings[0], warnings
    history = ScenarioStore.open().history("X")
    assert history["version"].tolist() == [1, 2]
    assert history["current"].tolist() == [True, False]
    assert history["n_edits"].tolist() == [1, 2]
    _save(app, "X", replace=True)
    _ok(app)
    assert [s.value for s in app.success] == [as_text("opgeslagen: 'X' versie 2 is nu actief; versie 1 blijft bewaard")]
    history = ScenarioStore.open().history("X")
    assert history["version"].tolist() == [1, 2]
    assert history["current"].tolist() == [False, True]
    assert [e.id for e in ScenarioStore.open().load("X").edits] == ["dr-001", "dr-002"]


def test_header_only_upload_counts_nothing_without_an_exception(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/data.py").run()
    header = "id,name,kind,status,lon,lat\n"
    app.file_uploader(key="data_upload").upload("leeg.csv", header.encode(), "text/csv").run()
    _ok(app)
    assert any(s.value.startswith("0 voorzieningen gelezen") for s in app.success), [s.value for s in app.success]
    app.toggle(key="use_upload_w").set_value(True).run()
    app.switch_page("spreiding/app/screens/kaart.py").run()
    _ok(app)
    assert any(w.value.startswith("Geen enkele open voorziening telt onder deze norm") for w in app.warning)
    values = {m.label: m.value for m in app.metric}
    assert values["Binnen de norm"] == "0,0 %"
    assert values["Gem. afstand"] == "– km"
    assert not any("nan" in str(v).lower() for v in values.values()), values
    assert any("tellen: 0 punten" in c.value for c in app.caption)


def test_a_large_upload_says_what_will_happen_before_it_is_switched_on(app: AppTest) -> None:
    """2,001 INVENTED points on a grid inside Drenthe (test input, not data): one above the matrix limit."""
    app.switch_page("spreiding/app/screens/data.py").run()
    rows = [
        f"p{i},Punt {i},vestiging,open,{6.3 + (i % 50) * 0.01:.4f},{52.8 + (i // 50) * 0.005:.4f}" for i in range(2001)
    ]
    text = "id,name,kind,status,lon,lat\n" + "\n".join(rows) + "\n"
    app.file_uploader(key="data_upload").upload("groot.csv", text.encode(), "text/csv").run()
    _ok(app)
    assert any(s.value.startswith("2.001 voorzieningen gelezen") for s in app.success), [s.value for s in app.success]
    said = [i.value for i in app.info if i.value.startswith("De lijst heeft 2.001 voorzieningen (meer dan 2.000)")]
    assert len(said) == 1 and "locatieadvies" in said[0]
    assert not app.toggle(key="use_upload_w").value  # nothing computed yet: the user chooses


# --------------------------------------------------------------------------- user text is text


def _unescaped(texts: list[str], raw: str) -> list[str]:
    return [t for t in texts if raw in t]


def test_markdown_in_a_new_point_name_is_shown_as_text(app: AppTest) -> None:
    app.text_input(key="new_name").set_value(BEACON)
    app.number_input(key="new_x").set_value(GIETEN_RD[0])
    app.number_input(key="new_y").set_value(GIETEN_RD[1])
    app.button(key="btn_add").click().run()
    _ok(app)
    edit = _ws(app).scenario().edits[-1]
    assert edit.name == BEACON  # stored as typed
    texts = _markdown_texts(app)
    assert not _unescaped(texts, "![b]("), _unescaped(texts, "![b](")
    assert not re.search(r"(?<!\\)!\[", " ".join(texts))
    lines = [t.value for t in app.text]
    assert any(BEACON in line for line in lines), lines  # the edit list shows it literally, as text
    # the same name outside the region: refused, and the Dutch error quotes it escaped
    app.text_input(key="new_name").set_value(BEACON)
    app.number_input(key="new_x").set_value(6.5)
    app.number_input(key="new_y").set_value(52.9)
    app.button(key="btn_add").click().run()
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and as_text(BEACON) in errors[0] and as_text("lengte-/breedtegraden") in errors[0], errors
    assert not _unescaped(_markdown_texts(app), "![b](")


def test_markdown_in_a_scenario_name_is_shown_literally(app: AppTest) -> None:
    _close(app, "dr-001")
    _save(app, "**vet**")
    _ok(app)
    assert "**vet**" in ScenarioStore.open().names()  # stored as typed
    texts = _markdown_texts(app)
    assert not _unescaped(texts, "**vet**"), _unescaped(texts, "**vet**")
    assert [s.value for s in app.success] == [r"opgeslagen: '\*\*vet\*\*' \(versie 1\)"]
    assert r"Scenario: \*\*vet\*\*" in [h.value for h in app.subheader]
    assert any(r"Downloads (\*\*vet\*\*, hele regio)" in m.value for m in app.markdown)
    assert "**vet**" in app.selectbox(key="active_scenario").options  # choice lists are plain text already
    app.switch_page("spreiding/app/screens/vergelijken.py").run()
    _ok(app)
    assert not _unescaped(_markdown_texts(app), "**vet**")
    assert any(m.label == r"\*\*vet\*\*: binnen de norm" for m in app.metric)
    app.switch_page("spreiding/app/screens/gemeente.py").run()
    _ok(app)
    assert not _unescaped(_markdown_texts(app), "**vet**")
    assert any(c.value.startswith(r"Scenario: \*\*vet\*\* · norm") for c in app.caption)
