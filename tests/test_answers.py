"""A repeated ``coverage`` question is answered from the cache; any change of input, option or code recomputes.

Runs on the synthetic region of ``test_synthetic_region`` (three cells, one library; road distances 4, 3 and
2 km), so every run is small and the expected figures are known.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spreiding._cache import cache_dir
from spreiding.cli import _answers, _common
from spreiding.cli.main import main
from tests.test_synthetic_region import REGION, _write_data


@pytest.fixture()
def region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The synthetic data folder, chosen through SPREIDING_REGION, with the answer cache on."""
    spec_path = tmp_path / "proefland.json"
    spec_path.write_text(json.dumps(REGION), encoding="utf-8")
    root = tmp_path / "data"
    _write_data(root)
    monkeypatch.setenv("SPREIDING_REGION", str(spec_path))
    monkeypatch.setenv(_answers.ANSWER_ENV_VAR, "1")
    monkeypatch.setenv("SPREIDING_CACHE_DIR", str(tmp_path / "cache"))
    return root


@pytest.fixture()
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the runs that really compute (load the study)."""
    calls: list[int] = []
    real: Callable[..., Any] = _common.study_from_args

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(_common, "study_from_args", counting)
    monkeypatch.setattr(sys.modules["spreiding.cli.main"], "study_from_args", counting)
    return calls


def _run(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> str:
    assert main(["coverage", "--no-progress", "--data-dir", str(root), "--max-km", "3,5", *extra]) == 0
    return capsys.readouterr().out


def test_a_repeated_question_prints_the_same_answer_without_computing(
    region: Path, computed: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    first = _run(capsys, region)
    assert "Heel Proefland" in first and "2,67" in first  # (100·4 + 200·3 + 300·2) / 600 km
    second = _run(capsys, region)
    assert second == first
    assert len(computed) == 1


def test_warnings_of_the_first_run_are_shown_again(
    region: Path, computed: list[int], capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        _run(capsys, region)
    first = [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    assert first, "the synthetic region logs at least one warning (PC4 split of the border cells)"
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        _run(capsys, region)
    again = [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    assert again == first and len(computed) == 1


def test_changed_options_files_and_code_recompute(
    region: Path, computed: list[int], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _run(capsys, region)
    assert _run(capsys, region, "--max-km", "2,5") != base  # another norm: C3 only
    assert len(computed) == 2
    libraries = region / REGION["data_files"]["libraries"]
    text = libraries.read_text(encoding="utf-8")
    libraries.write_text(text + "\n", encoding="utf-8")  # same rows, other bytes: computed again
    os.utime(libraries, ns=(1, 1))  # even with an old modification time
    assert _run(capsys, region) == base
    assert len(computed) == 3
    (region / "extra.txt").write_text("nieuw bestand in de gegevensmap", encoding="utf-8")
    _run(capsys, region)
    assert len(computed) == 4
    code = region.parent / "code.py"
    code.write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(_answers, "_package_files", lambda: [code])
    _run(capsys, region)
    code.write_text("x = 2\n", encoding="utf-8")
    _run(capsys, region)
    assert len(computed) == 6
    _run(capsys, region, "--no-cache")
    assert len(computed) == 7


def test_runs_that_write_files_always_compute_and_write(
    region: Path, computed: list[int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _run(capsys, region)
    out = tmp_path / "dekking.csv"
    printed = _run(capsys, region, "--out", str(out))
    assert out.is_file() and f"geschreven: {out}" in printed
    assert len(computed) == 2


def test_a_damaged_answer_is_reported_and_recomputed(
    region: Path, computed: list[int], capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    first = _run(capsys, region)
    (entry,) = cache_dir().glob("answer-*.npz")
    entry.write_bytes(b"geen npz")
    with caplog.at_level(logging.WARNING):
        assert _run(capsys, region) == first
    assert len(computed) == 2
    assert any("beschadigd cachebestand" in r.getMessage() for r in caplog.records)


def test_switched_off_by_the_environment(
    region: Path, computed: list[int], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(_answers.ANSWER_ENV_VAR, "0")
    _run(capsys, region)
    _run(capsys, region)
    assert len(computed) == 2


def test_the_repeated_run_loads_no_pandas(region: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The point of the cache: a repeated question skips pandas, geopandas, scipy and the network."""
    first = _run(capsys, region)
    script = (
        "import sys\n"
        "from spreiding.cli.main import main\n"
        f"code = main(['coverage', '--no-progress', '--data-dir', {str(region)!r}, '--max-km', '3,5'])\n"
        "heavy = sorted(m for m in ('pandas', 'geopandas', 'scipy', 'shapely', 'pyogrio') if m in sys.modules)\n"
        "print('LOADED', heavy, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ), check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == first
    assert "LOADED []" in done.stderr
