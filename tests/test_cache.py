"""The disk cache (spreiding._cache) and where things are written: user folders, never the data folder or the source."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spreiding
from spreiding import _cache
from spreiding.analysis.norm import PRESETS
from spreiding.analysis.store import ScenarioStore, default_store_path
from spreiding.data import config
from spreiding.data.config import cache_dir, resolve_data_dir, user_data_dir
from spreiding.data.facilities import load_facilities
from spreiding.data.fetch import default_fetch_dir
from spreiding.network.modes import BIKE, CAR
from spreiding.network.roads import load_network
from spreiding.study import analyse

from .conftest import TINY_EDGES, TINY_NODES, points
from .test_network import write_osmnx_gpkg

REPO = Path(spreiding.__file__).resolve().parents[1]


@pytest.fixture()
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SPREIDING_CACHE_DIR", str(folder))
    return folder


@pytest.fixture()
def user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the platform's user folders into tmp_path and clear every spreiding override."""
    for var in ("SPREIDING_CACHE_DIR", "SPREIDING_STORE", "SPREIDING_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return tmp_path


# --------------------------------------------------------------------------- keys

_KEY_SCRIPT = """
import sys
import time
from pathlib import Path
import numpy as np
from spreiding._cache import cache_key
from spreiding.network.modes import CAR, BIKE
import hashlib
print(cache_key(Path(sys.argv[1]), CAR, BIKE, frozenset("abcdefgh"), {"b": 1, "a": 2.5}, np.arange(3), "v1"))
print(hashlib.sha256(repr(CAR).encode()).hexdigest())
"""


def _key_in_process(seed: str, file: Path) -> tuple[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", _KEY_SCRIPT, str(file)], env=env, capture_output=True, text=True, check=True
    )
    key, old_style = out.stdout.split()
    return key, old_style


def test_key_is_the_same_in_processes_with_different_hash_seeds(tmp_path):
    file = tmp_path / "roads.gpkg"
    file.write_bytes(b"road bytes")
    key1, repr1 = _key_in_process("1", file)
    key3, repr3 = _key_in_process("3", file)
    assert repr1 != repr3  # the old repr-based key really did differ between these two processes
    assert key1 == key3
    here = _cache.cache_key(file, CAR, BIKE, frozenset("hgfedcba"), {"a": 2.5, "b": 1}, np.arange(3), "v1")
    assert here == key1
    assert len(key1) == 32


def test_key_follows_content_and_values_not_paths(tmp_path):
    a, b = tmp_path / "a.gpkg", tmp_path / "sub" / "b.gpkg"
    b.parent.mkdir()
    a.write_bytes(b"same bytes")
    b.write_bytes(b"same bytes")
    assert _cache.cache_key(a, CAR) == _cache.cache_key(b, CAR)  # a copy elsewhere hits the same entry
    assert _cache.cache_key(a, CAR) != _cache.cache_key(a, BIKE)
    assert _cache.cache_key(a, "1") != _cache.cache_key(a, "2")
    assert _cache.cache_key(a, 1) != _cache.cache_key(a, "1")
    assert _cache.cache_key(a, (1, 2)) != _cache.cache_key(a, (2, 1))
    b.write_bytes(b"other bytes")
    assert _cache.cache_key(a, CAR) != _cache.cache_key(b, CAR)


def test_file_digest_is_sha256_and_read_once_per_process(tmp_path, monkeypatch):
    file = tmp_path / "big.gpkg"
    file.write_bytes(b"x" * 3_000_000)  # more than one read chunk
    assert _cache.file_digest(file) == hashlib.sha256(b"x" * 3_000_000).hexdigest()

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(Path, "open", no_reading)
    assert _cache.file_digest(file) == hashlib.sha256(b"x" * 3_000_000).hexdigest()


def test_key_refuses_values_it_cannot_digest_canonically():
    with pytest.raises(TypeError, match="kan geen object verwerken"):
        _cache.cache_key(object())


# --------------------------------------------------------------------------- entries


def test_arrays_round_trip_atomically(cache_folder):
    arrays = {"a": np.arange(5, dtype=np.int32), "b": np.array([1.5, np.inf]), "flag": np.array([True, False])}
    written = _cache.save_arrays("thing", "k" * 32, arrays)
    assert written == cache_folder / f"thing-{'k' * 32}.npz"
    assert [p.name for p in cache_folder.iterdir()] == [written.name]  # no temporary file left
    back = _cache.load_arrays("thing", "k" * 32)
    assert back is not None and sorted(back) == ["a", "b", "flag"]
    for name, value in arrays.items():
        assert back[name].dtype == value.dtype
        np.testing.assert_array_equal(back[name], value)
    assert _cache.load_arrays("thing", "j" * 32) is None


def test_damaged_entry_is_ignored_with_a_warning(cache_folder, caplog):
    path = _cache.save_arrays("thing", "k" * 32, {"a": np.arange(3)})
    assert path is not None
    path.write_bytes(path.read_bytes()[:50])
    with caplog.at_level(logging.WARNING, logger="spreiding._cache"):
        assert _cache.load_arrays("thing", "k" * 32) is None
    assert "beschadigd cachebestand" in caplog.text
    _cache.save_arrays("thing", "k" * 32, {"a": np.arange(3)})
    np.testing.assert_array_equal(_cache.load_arrays("thing", "k" * 32)["a"], [0, 1, 2])


def test_unwritable_cache_folder_warns_and_carries_on(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("SPREIDING_CACHE_DIR", str(blocker / "cache"))  # not creatable, even as root
    with caplog.at_level(logging.WARNING, logger="spreiding._cache"):
        assert _cache.save_arrays("thing", "k" * 32, {"a": np.arange(3)}) is None
    assert "kan cachebestand" in caplog.text
    assert _cache.load_arrays("thing", "k" * 32) is None
    assert blocker.read_text() == "x"


def test_old_keys_are_pruned_per_name(cache_folder):
    for i in range(5):
        path = _cache.save_arrays("thing", f"{i}" * 32, {"a": np.arange(i)})
        os.utime(path, ns=(i * 10**9, i * 10**9))  # distinct, increasing mtimes
    _cache.save_arrays("other", "9" * 32, {"a": np.arange(1)})
    names = sorted(p.name for p in cache_folder.iterdir())
    assert names == [f"other-{'9' * 32}.npz", *(f"thing-{i * 32}.npz" for i in "234")]
    _cache.save_arrays("thing", "5" * 32, {"a": np.arange(1)})
    assert sorted(p.name for p in cache_folder.glob("thing-*")) == [f"thing-{i * 32}.npz" for i in "345"]


# --------------------------------------------------------------------------- places


def test_user_folders_come_from_the_platform(user_folders, monkeypatch):
    assert cache_dir() == user_folders / "xdg-cache" / "spreiding"
    assert user_data_dir() == user_folders / "xdg-data" / "spreiding"
    assert default_fetch_dir() == user_folders / "xdg-data" / "spreiding"
    assert default_store_path() == user_folders / "xdg-data" / "spreiding" / "scenarios.sqlite"
    monkeypatch.setenv("SPREIDING_CACHE_DIR", str(user_folders / "mine"))
    monkeypatch.setenv("SPREIDING_STORE", str(user_folders / "s.sqlite"))
    assert cache_dir() == user_folders / "mine"
    assert default_store_path() == user_folders / "s.sqlite"


def test_store_default_is_never_the_data_folder(user_folders, monkeypatch):
    data = user_folders / "data"
    data.mkdir()
    monkeypatch.setenv("SPREIDING_DATA_DIR", str(data))
    assert default_store_path() == user_folders / "xdg-data" / "spreiding" / "scenarios.sqlite"
    assert default_store_path(data) == user_folders / "xdg-data" / "spreiding" / "scenarios.sqlite"
    ScenarioStore.open()
    assert list(data.iterdir()) == []
    assert (user_folders / "xdg-data" / "spreiding" / "scenarios.sqlite").is_file()


def _fake_repo(root: Path, *, checkout: bool) -> Path:
    repo = root / "repo"
    (repo / "spreiding").mkdir(parents=True)
    if checkout:
        (repo / "pyproject.toml").write_text("[project]\n")
    return repo


def test_installed_wheel_falls_back_to_the_user_data_folder(user_folders, monkeypatch):
    repo = _fake_repo(user_folders, checkout=False)
    (user_folders / "shared" / "data").mkdir(parents=True)  # would win in a checkout
    monkeypatch.setattr(config, "REPO_DIR", repo)
    assert not config.in_checkout()
    assert resolve_data_dir(must_exist=False) == user_folders / "xdg-data" / "spreiding"
    assert resolve_data_dir(user_folders / "x", must_exist=False) == user_folders / "x"


def test_checkout_fallbacks_keep_their_order(user_folders, monkeypatch):
    repo = _fake_repo(user_folders, checkout=True)
    monkeypatch.setattr(config, "REPO_DIR", repo)
    assert config.in_checkout()
    assert resolve_data_dir(must_exist=False) == user_folders / "xdg-data" / "spreiding"
    shared = user_folders / "shared" / "data"
    shared.mkdir(parents=True)
    assert resolve_data_dir(must_exist=False) == shared
    paths = config.DataPaths(repo / "data")
    for path in (paths.population, paths.pc4, paths.boundaries, paths.roads, paths.libraries):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    assert resolve_data_dir(must_exist=False) == repo / "data"
    monkeypatch.setenv("SPREIDING_DATA_DIR", str(shared))
    assert resolve_data_dir(must_exist=False) == shared


# --------------------------------------------------------------------------- nothing written


_SKIP_DIRS = {".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"}


def _snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Path -> (size, mtime_ns, sha256) of every file under root (Python's bytecode folders left out)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in files:
            path = Path(folder) / name
            stat = path.stat()
            found[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns, _cache.file_digest(path))
    return found


def _small_data_folder(root: Path) -> Path:
    """A copy of a small data folder: the hand-made road graph and two libraries on it."""
    paths = config.DataPaths(root)
    paths.roads.parent.mkdir(parents=True)
    write_osmnx_gpkg(paths.roads, TINY_NODES, TINY_EDGES)
    paths.libraries.parent.mkdir(parents=True)
    pd.DataFrame(
        {
            "id": ["f1", "f2"],
            "name": ["Een", "Twee"],
            "kind": ["vestiging", "vestiging"],
            "status": ["open", "open"],
            "municipality": ["A", "B"],
            "x": [230000.0, 232000.0],
            "y": [550000.0, 550000.0],
        }
    ).to_csv(paths.libraries, index=False)
    return root


def test_nothing_is_written_into_the_data_folder_or_the_source_tree(tmp_path, cache_folder, monkeypatch):
    data = _small_data_folder(tmp_path / "data")
    monkeypatch.setenv("SPREIDING_STORE", str(tmp_path / "store.sqlite"))
    before_data, before_repo = _snapshot(data), _snapshot(REPO)
    net = load_network(data_dir=data, mode="car", progress=False)
    population = points(
        [(230100.0, 550000.0), (231000.0, 550900.0), (236000.0, 556000.0)],
        cell_id=["c0", "c1", "c2"],
        pop_total=[100.0, 200.0, 300.0],
        municipality=["A", "A", "B"],
    )
    result = analyse(population, load_facilities(data_dir=data), PRESETS["5km-auto"], net)
    total = result.table.iloc[-1]
    assert (total["residents"], total["covered"], total["unreachable"]) == (600.0, 300.0, 300.0)
    assert _snapshot(data) == before_data
    assert _snapshot(REPO) == before_repo
    assert sorted(p.name.rsplit("-", 1)[0] for p in cache_folder.glob("*.npz")) == [
        "chains-length-car",
        "chains-time-car",
        "network-car",
        "points",  # the placed residents' points (spreiding.analysis.prepared)
        "tree-car",
    ]


def test_file_digest_is_read_once_across_processes(cache_folder, tmp_path, monkeypatch):
    """A warm run does not hash the inputs again: the digest index in the cache folder remembers them by stat."""
    file = tmp_path / "roads.gpkg"
    file.write_bytes(b"y" * 2_000_000)
    os.utime(file, ns=(time.time_ns() - 10**10,) * 2)  # written 10 s ago: not "racy" (see _cache._RACY_NS)
    expected = hashlib.sha256(b"y" * 2_000_000).hexdigest()
    assert _cache.file_digest(file) == expected
    assert (cache_folder / "file-digests.json").is_file()
    monkeypatch.setattr(_cache, "_file_digests", {})  # a new process: nothing in memory
    monkeypatch.setattr(_cache, "_indexes", {})
    hashed: list[Path] = []
    real_hash = _cache._hash_file
    monkeypatch.setattr(_cache, "_hash_file", lambda p: hashed.append(p) or real_hash(p))
    assert _cache.file_digest(file) == expected and hashed == []
    file.write_bytes(b"z" * 2_000_000)  # same size, new content: a new stat, hashed again
    assert _cache.file_digest(file) == hashlib.sha256(b"z" * 2_000_000).hexdigest() and hashed == [file]


def test_a_just_written_file_is_not_remembered(cache_folder, tmp_path):
    """On a file system with coarse timestamps a second write within the same tick keeps the stat: never trusted."""
    file = tmp_path / "fresh.csv"
    file.write_bytes(b"a,b\n1,2\n")
    _cache.file_digest(file)
    assert not (cache_folder / "file-digests.json").exists()
