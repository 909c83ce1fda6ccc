"""The repository is lint-, format- and type-clean: ``ruff check``, ``ruff format --check`` and ``mypy``.

They run as subprocesses from the repository root with the configuration in ``pyproject.toml`` (mypy's
``files`` covers the package, its app included, and ``app.py``), so the README's test command checks them too.
Their caches go to the system temp folder, never into the checkout. A tool that is not installed skips its
test with the command that installs it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_CACHE = Path(tempfile.gettempdir()) / "spreiding-tool-cache" / hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]


def _run(tool: str, *args: str) -> None:
    """Run ``python -m tool args`` in the repository root; fail with its full output unless it exits 0."""
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed in this environment; install the dev extras: pip install -e '.[dev]'")
    env = dict(os.environ, RUFF_CACHE_DIR=str(_CACHE / "ruff"), MYPY_CACHE_DIR=str(_CACHE / "mypy"))
    cmd = [sys.executable, "-m", tool, *args]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        pytest.fail(f"`{' '.join(cmd[2:])}` exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}", pytrace=False)


def test_ruff_check() -> None:
    _run("ruff", "check", ".")


def test_ruff_format_check() -> None:
    _run("ruff", "format", "--check", ".")


@pytest.mark.slow
def test_mypy() -> None:
    _run("mypy")  # files and options from [tool.mypy] in pyproject.toml
