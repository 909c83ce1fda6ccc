"""The app ships in the package: a built wheel, unpacked outside the checkout, serves ``spreiding app`` anywhere."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from spreiding.app.launch import STREAMLIT_FLAGS, streamlit_command
from spreiding.data.config import data_paths

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

NEEDED = (
    "spreiding/app/main.py",
    "spreiding/app/state.py",
    "spreiding/app/workspace.py",
    "spreiding/app/screens/kaart.py",
    "spreiding/app/screens/vergelijken.py",
    "spreiding/app/screens/gemeente.py",
    "spreiding/app/screens/optimaliseren.py",
    "spreiding/app/screens/data.py",
    "spreiding/output/_leaflet_component/index.html",
    "spreiding/output/_leaflet_component/spreiding_map.js",
    "spreiding/data/regions/drenthe.json",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_streamlit_settings_are_flags_not_a_config_file() -> None:
    cmd = streamlit_command(8765)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(cmd[4]).name == "main.py" and Path(cmd[4]).parent.name == "app"
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert flags == {
        "--server.headless": "true",
        "--browser.gatherUsageStats": "false",
        "--server.maxUploadSize": "20",
        "--server.enableStaticServing": "false",
        "--client.toolbarMode": "minimal",
        "--theme.base": "light",
        "--server.port": "8765",
    }
    assert len(STREAMLIT_FLAGS) == 12


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout (``pip wheel --no-deps``), unpacked into a temporary folder."""
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot build the wheel here (needs setuptools from the package index): {done.stderr[-400:]}")
    wheel = next(out.glob("spreiding-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        missing = [n for n in NEEDED if n not in names]
        assert not missing, f"the wheel lacks {missing}"
        target = tmp_path_factory.mktemp("site")
        zf.extractall(target)
    return target


def test_wheel_imports_from_outside_the_checkout(unpacked: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(unpacked))
    code = "import spreiding, spreiding.app.launch as l; print(spreiding.__file__); print(l.MAIN_SCRIPT)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    where, main = (Path(line) for line in done.stdout.split())
    assert where.is_relative_to(unpacked) and not where.is_relative_to(REPO)
    assert main == unpacked / "spreiding" / "app" / "main.py"


def test_wheel_serves_the_app_from_any_folder(unpacked: Path, tmp_path: Path) -> None:
    real = data_paths()
    if real.missing():
        pytest.skip("real data folder absent (SPREIDING_DATA_DIR); the served app needs it")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(unpacked), SPREIDING_DATA_DIR=str(real.root))
    env.pop("STREAMLIT_SERVER_ENABLE_STATIC_SERVING", None)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    cmd = [sys.executable, "-m", "spreiding", "app", "--port", str(port), "--address", "127.0.0.1"]
    # its own process group: `spreiding app` starts Streamlit as a child, and both must stop afterwards
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        health = ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    health = r.read().decode()
                    if health == "ok":
                        break
            except OSError:
                time.sleep(0.3)
        assert health == "ok", f"no health answer within 60 s (exit {proc.poll()})"
        with urllib.request.urlopen(f"{url}/", timeout=10) as r:
            assert r.status == 200
            assert b"<html" in r.read().lower()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    assert not (cwd / "static").exists() and not (unpacked / "static").exists()  # nothing copied anywhere
