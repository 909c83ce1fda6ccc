"""Every message a user can read from the data, network, scenario and output modules is Dutch.

The test reads the *source* of the modules below and collects the string
literals of every message: ``msg = f"..."`` (the project's pattern: build the
message, then raise), ``raise SomeError("...")``, ``logger.warning(...)`` /
``logger.error(...)`` and ``warnings.append(...)`` (the warnings that reach
the CLI and the app). It fails on common English words and phrases.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHECKED = (
    "spreiding/_cache.py",
    "spreiding/analysis/evaluation.py",
    "spreiding/analysis/impact.py",
    "spreiding/analysis/measures.py",
    "spreiding/analysis/scenario.py",
    "spreiding/analysis/scenario_io.py",
    "spreiding/analysis/store.py",
    "spreiding/cli/scenario.py",
    "spreiding/data/_membership.py",
    "spreiding/data/_points.py",
    "spreiding/data/_ring.py",
    "spreiding/data/_tables.py",
    "spreiding/data/_zipped.py",
    "spreiding/data/boundaries.py",
    "spreiding/data/candidates.py",
    "spreiding/data/facilities.py",
    "spreiding/data/fetch.py",
    "spreiding/data/prepare.py",
    "spreiding/data/region.py",
    "spreiding/data/regions/__init__.py",
    "spreiding/data/sources.py",
    "spreiding/network/modes.py",
    "spreiding/network/nearest.py",
    "spreiding/network/osm.py",
    "spreiding/network/roads.py",
    "spreiding/output/export.py",
    "spreiding/output/provenance.py",
    "spreiding/output/writer.py",
)
"""Modules whose messages are checked (the data → network → analysis → output path)."""

ENGLISH = re.compile(
    r"not found|\bmust\b|\bcannot\b|\bcould not\b|\bthe\b|check your|\bplease\b|\bshould\b|\bis not\b"
    r"|\bhas no\b|\bskipped\b|\bunknown\b|\binvalid\b|\bmissing\b|\bfailed\b|\bexpected\b|\bby hand\b",
    re.IGNORECASE,
)
"""Common English words of error messages (none of them is a Dutch word)."""

PYTHON_HINT = re.compile(r"\b\w+=(True|False)\b|on_outside|cutoff_[ms]\b|\bforce=|\w\(\)")
"""Python-API hints (keyword arguments, calls) that a CLI or app user cannot act on."""

ALLOWED: dict[str, set[str]] = {}
"""Per module, exact message texts that may keep an English word (none needed today)."""

_LOG_CALLS = {"warning", "error", "exception", "critical"}


def _texts(node: ast.AST) -> str:
    """The literal parts of a (possibly f-, implicitly concatenated) string expression, joined."""
    return " ".join(n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def _is_message_call(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return False
    owner = ast.unparse(func.value)
    if func.attr in _LOG_CALLS:
        return "log" in owner
    return func.attr == "append" and "warning" in owner


def messages(source: str) -> list[tuple[int, str]]:
    """``(line, literal text)`` of every message built or raised in ``source``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "msg" for t in node.targets):
            found.append((node.lineno, _texts(node.value)))
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            found += [(node.lineno, _texts(arg)) for arg in node.exc.args]
        elif isinstance(node, ast.Call) and _is_message_call(node) and node.args:
            found.append((node.lineno, _texts(node.args[0])))
    return [(line, text) for line, text in found if text.strip()]


def warnings_of(source: str) -> list[tuple[int, str]]:
    """``(line, literal text)`` of the log warnings and warning-list entries (what the CLI prints) in ``source``."""
    return [
        (node.lineno, _texts(node.args[0]))
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and _is_message_call(node) and node.args
    ]


def english(source: str, allowed: set[str] | None = None) -> list[str]:
    """``line: text`` of the messages in ``source`` that contain an English word."""
    allowed = allowed or set()
    return [f"{line}: {text}" for line, text in messages(source) if ENGLISH.search(text) and text not in allowed]


@pytest.mark.parametrize("module", CHECKED)
def test_messages_are_dutch(module: str) -> None:
    source = (ROOT / module).read_text(encoding="utf-8")
    assert english(source, ALLOWED.get(module)) == []


@pytest.mark.parametrize("module", CHECKED)
def test_warnings_hold_no_python_hints(module: str) -> None:
    """A warning reaches the CLI and the app: it names CLI options or files, never a Python keyword or call."""
    source = (ROOT / module).read_text(encoding="utf-8")
    assert [f"{line}: {text}" for line, text in warnings_of(source) if PYTHON_HINT.search(text)] == []


def test_the_scan_reads_the_messages() -> None:
    """The scan sees the modules' messages (a broken pattern would find none and pass silently)."""
    total = sum(len(messages((ROOT / m).read_text(encoding="utf-8"))) for m in CHECKED)
    assert total > 150


def test_the_scan_finds_english_messages() -> None:
    """The scanner itself: every pattern it reads, with an English and a Dutch message (invented)."""
    source = """
def f(path, warnings, logger):
    msg = f"file {path} not found; check your data folder"
    raise ValueError(msg)
    raise KeyError("the column is missing")
    logger.warning("%s cannot be read", path)
    warnings.append(f"{path}: rows skipped")
    msg = f"bestand {path} niet gevonden; zet SPREIDING_DATA_DIR op de gegevensmap"
"""
    assert [line for line, text in warnings_of(source) if PYTHON_HINT.search(text + " cutoff_m")] == [6, 7]
    found = english(source)
    assert [line.split(":")[0] for line in found] == ["3", "5", "6", "7"]
    assert len(messages(source)) == 5
    assert english(source, {"the column is missing"}) == [f for f in found if not f.startswith("5:")]
