"""Outputs never replace an input, never make folders, and an unwritable place is refused before any work."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import pytest

from spreiding._outfile import atomic_write, check_targets
from spreiding.analysis.scenario import Scenario, close
from spreiding.analysis.scenario_io import write_scenario_file
from spreiding.cli import _common
from spreiding.cli._common import check_outputs
from spreiding.cli.main import main
from spreiding.data.config import DataPaths
from spreiding.data.regions import FILE_ROLES
from spreiding.errors import ConfigError, OutputError


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("the output was checked only after the computation started")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_unwritable_folder_is_refused_before_the_computation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_common, "load_inputs", _never)
    assert main(["coverage", "--crowfly", "--out", "/proc/x.csv"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("spreiding: fout: kan niet schrijven in de map /proc")


@pytest.mark.data
def test_no_file_of_the_region_can_be_an_output_even_with_force(real_data: DataPaths) -> None:
    """Boundaries, border cells, OSM points ... were overwritten with --force before (issue: nothing lost)."""
    checked = 0
    for role in FILE_ROLES:
        target = real_data.spec.files.path(real_data.root, role)
        if not target.exists() or target.suffix.lower() not in {".csv", ".gpkg", ".xlsx", ".html"}:
            continue
        before = _digest(target)
        args = argparse.Namespace(data_dir=str(real_data.root), out=str(target), force=True)
        with pytest.raises(ConfigError, match="invoerbestand"):
            check_outputs(args, "out")
        assert _digest(target) == before
        checked += 1
    assert checked >= 4  # grid, border cells, boundaries, OSM points at least


def test_two_options_naming_one_file_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPREIDING_DATA_DIR", str(tmp_path / "geen-data"))
    same = str(tmp_path / "uit.csv")
    args = argparse.Namespace(out=same, uncovered_out=same, force=True, data_dir=None)
    with pytest.raises(ConfigError, match="--out en --uncovered-out wijzen naar hetzelfde bestand"):
        check_outputs(args, "out", "uncovered_out")


def _scenario() -> Scenario:
    return Scenario(name="proef", edits=(close("dr-001"),))


def test_scenario_export_follows_the_output_rules(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    out.write_text("van een collega", encoding="utf-8")
    with pytest.raises(ConfigError, match="bestaat al"):
        write_scenario_file(_scenario(), out)
    assert out.read_text(encoding="utf-8") == "van een collega"
    assert write_scenario_file(_scenario(), out, force=True) == out and "dr-001" in out.read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="bestaat niet"):
        write_scenario_file(_scenario(), tmp_path / "nergens" / "diep" / "s.json")
    assert not (tmp_path / "nergens").exists()  # no folder trees made
    store = tmp_path / "invoer.json"  # any file the run reads, e.g. the store
    store.write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="invoerbestand"):
        write_scenario_file(_scenario(), store, force=True, inputs=[store])
    assert store.read_text(encoding="utf-8") == "{}"


def test_scenario_export_cli_gives_one_line_for_proc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s.sqlite")
    assert main(["scenario", "--store", store, "create", "proef", "--close", "dr-001"]) == 0
    capsys.readouterr()
    assert main(["scenario", "--store", store, "export", "proef", "/proc/proef.json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "kan niet schrijven in de map /proc" in err[0]


def test_a_failed_write_is_a_dutch_error_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "uit.csv"
    target.write_text("oud", encoding="utf-8")

    def full_disk(self: Path, other: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", full_disk)
    with pytest.raises(OutputError, match=r"kan .*uit\.csv niet schrijven"):
        atomic_write(target, b"nieuw")
    assert target.read_text(encoding="utf-8") == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["uit.csv"]  # no temporary file left


def test_check_targets_refuses_a_folder_and_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is een map"):
        check_targets([tmp_path], force=True)
    with pytest.raises(ConfigError, match="bestaat niet"):
        check_targets([tmp_path / "x" / "y.csv"])
