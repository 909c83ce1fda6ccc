"""Every message a user can read from the data, network, scenario and output modules is Dutch.

The test reads the *source* of the modules below and collects the string
literals of every message: ``msg = f"..."`` (the project's pattern: build the
message, then raise), ``raise SomeError("...")``, ``logger.warning(...)`` /
``logger.error(...)`` and ``warnings.append(...)`` (the warnings that reach
the CLI and the app). It fails on common English words and phrases.
"""

from __future__ import annotations

import argparse
import ast
import json
import logging
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHECKED = (
    "spreiding/_cache.py",
    "spreiding/_validate.py",
    "spreiding/analysis/cbs_compare.py",
    "spreiding/analysis/coverage.py",
    "spreiding/analysis/evaluation.py",
    "spreiding/analysis/groups.py",
    "spreiding/analysis/impact.py",
    "spreiding/analysis/kernen.py",
    "spreiding/analysis/measures.py",
    "spreiding/analysis/norm.py",
    "spreiding/analysis/placement.py",
    "spreiding/analysis/presets.py",
    "spreiding/analysis/scenario.py",
    "spreiding/analysis/scenario_io.py",
    "spreiding/analysis/store.py",
    "spreiding/analysis/timeline.py",
    "spreiding/analysis/verdict.py",
    "spreiding/cli/_common.py",
    "spreiding/cli/_parser.py",
    "spreiding/cli/compare_cbs.py",
    "spreiding/cli/history.py",
    "spreiding/cli/main.py",
    "spreiding/cli/report.py",
    "spreiding/cli/scenario.py",
    "spreiding/data/_membership.py",
    "spreiding/data/_plausible.py",
    "spreiding/data/_points.py",
    "spreiding/data/_ring.py",
    "spreiding/data/_tables.py",
    "spreiding/data/_zipped.py",
    "spreiding/data/border.py",
    "spreiding/data/boundaries.py",
    "spreiding/data/candidates.py",
    "spreiding/data/config.py",
    "spreiding/data/cbs_stats.py",
    "spreiding/data/dates.py",
    "spreiding/data/facilities.py",
    "spreiding/data/fetch.py",
    "spreiding/data/population.py",
    "spreiding/data/prepare.py",
    "spreiding/data/region_config.py",
    "spreiding/data/region.py",
    "spreiding/data/regions/__init__.py",
    "spreiding/data/sources.py",
    "spreiding/data/wijkbuurt.py",
    "spreiding/network/_chains.py",
    "spreiding/network/_local.py",
    "spreiding/network/_ranked.py",
    "spreiding/network/_trees.py",
    "spreiding/network/engine.py",
    "spreiding/network/modes.py",
    "spreiding/network/nearest.py",
    "spreiding/network/osm.py",
    "spreiding/network/roads.py",
    "spreiding/output/export.py",
    "spreiding/output/provenance.py",
    "spreiding/output/report.py",
    "spreiding/output/report_html.py",
    "spreiding/output/writer.py",
    "spreiding/siting/__init__.py",
    "spreiding/siting/_checks.py",
    "spreiding/siting/_solver.py",
    "spreiding/siting/advice.py",
    "spreiding/siting/coverage.py",
    "spreiding/siting/median.py",
    "spreiding/siting/models.py",
    "spreiding/siting/relocation.py",
    "spreiding/siting/result.py",
    "spreiding/siting/texts.py",
    "spreiding/study.py",
    "spreiding/vocabulary.py",
)
"""Modules whose messages are checked (the data → network → analysis → siting → output path and the CLI)."""

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
    """A log call at warning level or above, or an append to a warning list."""
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


# ------------------------------------------------------------------ the command line's help and argparse's words

HELP_ENGLISH = re.compile(r"show this help|options:|usage:| the |positional arguments|\bdefault\b|\bwrite\b", re.I)
"""argparse's own English words and common English help words."""


def _parsers(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    """``(prog, parser)`` of ``parser`` and every sub-parser below it."""
    found = [(parser.prog, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += _parsers(sub)
    return found


def _help_texts(parser: argparse.ArgumentParser) -> list[str]:
    """Every text a user reads in ``parser``'s help: description, group titles, help and placeholders."""
    texts = [parser.description or "", parser.epilog or ""]
    texts += [group.title or "" for group in parser._action_groups]
    for action in parser._actions:
        texts.append(action.help or "")
        metavar = action.metavar
        texts += list(metavar) if isinstance(metavar, tuple) else [metavar or ""]
        if isinstance(action, argparse._SubParsersAction):
            texts += [choice.help or "" for choice in action._choices_actions]
    return [t for t in texts if t.strip()]


def test_every_help_text_of_the_cli_is_dutch() -> None:
    from spreiding.cli.main import build_parser

    parsers = _parsers(build_parser())
    assert len(parsers) > 15  # spreiding, its commands and the scenario sub-commands
    english_texts = [
        f"{prog}: {text}"
        for prog, parser in parsers
        for text in _help_texts(parser)
        if ENGLISH.search(text) or HELP_ENGLISH.search(f" {text} ")
    ]
    assert english_texts == []
    undocumented = [
        f"{prog} {action.dest}"
        for prog, parser in parsers
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert undocumented == []


@pytest.mark.parametrize("argv", [["--help"], ["coverage", "--help"], ["scenario", "create", "--help"]])
def test_help_output_holds_no_english(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from spreiding.cli.main import main

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("gebruik: spreiding")
    assert "toon deze hulp en stop" in out
    assert "opties:" in out
    for word in ("show this help", "options:", "usage:", " the ", "positional arguments"):
        assert word not in out


@pytest.mark.parametrize(
    ("argv", "dutch"),
    [
        (["coverage", "--mode", "boot"], "argument --mode: 'boot' kan niet; kies uit 'car'"),
        (["coverage", "--max-km", "vijf"], "argument --max-km: 'vijf' is geen getal"),
        (["optimize", "--p", "1,5"], "argument --p: '1,5' is geen geheel getal"),
        (["scenario"], "deze argumenten ontbreken: OPDRACHT"),
        (["report", "--out", "x.html"], "geef één van deze argumenten: --gemeente --all"),
        (["coverage", "--geen-optie"], "onbekende argumenten: --geen-optie"),
        (["wat"], "argument OPDRACHT: 'wat' kan niet; kies uit 'coverage'"),
        (["coverage", "--max-km"], "argument --max-km: geef er één waarde bij"),
    ],
)
def test_argparse_errors_are_dutch(argv: list[str], dutch: str, capsys: pytest.CaptureFixture[str]) -> None:
    from spreiding.cli.main import main

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("gebruik: spreiding")
    assert f": fout: {dutch}" in err
    assert "error:" not in err and "usage:" not in err


def test_unknown_messages_pass_through() -> None:
    from spreiding.cli._parser import dutch_error

    assert dutch_error("iets anders") == "iets anders"


def test_log_lines_name_their_level_in_dutch() -> None:
    from spreiding.cli._parser import DutchLogFormatter

    record = logging.LogRecord("spreiding.x", logging.WARNING, __file__, 1, "%d punten", (3,), None)
    assert DutchLogFormatter().format(record) == "waarschuwing spreiding.x: 3 punten"
    assert record.levelname == "WARNING"  # the record (and logging's level names) left unchanged


# --------------------------------------------------------------------------- region files (shown by fetch)


def _described(node: object) -> list[str]:
    """Every ``description`` and ``note`` text in a region file's JSON."""
    if isinstance(node, dict):
        return [
            text
            for key, value in node.items()
            for text in ([value] if key in ("description", "note") and isinstance(value, str) else _described(value))
        ]
    if isinstance(node, list):
        return [text for value in node for text in _described(value)]
    return []


REGION_ENGLISH = re.compile(
    r"\bthe\b|\bprovince\b|\bwithout\b|\bneighbour|\bupdated\b|\bcompiled\b|\bfirst version\b|\bdownload of\b", re.I
)
"""English words of the region files' old descriptions (``extract`` and ``download`` are Dutch too)."""


@pytest.mark.parametrize("path", sorted((ROOT / "spreiding/data/regions").glob("*.json")), ids=lambda p: p.stem)
def test_region_descriptions_are_dutch(path: Path) -> None:
    texts = _described(json.loads(path.read_text(encoding="utf-8")))
    assert len(texts) >= 5
    assert [t for t in texts if ENGLISH.search(t) or REGION_ENGLISH.search(t)] == []


def test_the_terminal_table_has_dutch_headers_and_numbers() -> None:
    """``spreiding coverage`` prints the table with the vocabulary's headers and Dutch numbers (invented values)."""
    import pandas as pd

    from spreiding.cli._common import format_table

    table = pd.DataFrame(
        {
            "municipality": ["Aadorp", "Regio"],
            "residents": [12345.4, 12345.4],
            "covered": [11000.0, 11000.0],
            "covered_pct": [89.1, 89.1],
            "mean_dist_m": [3540.0, float("inf")],
            "mean_time_s": [270.0, 270.0],
            "distance_model": ["network:car", "network:car"],
        }
    )
    text = format_table(table)
    header = text.splitlines()[0]
    assert "gemeente" in header and "inwoners" in header and "gemiddelde afstand (km)" in header
    assert "gemiddelde reistijd (min)" in header and "network:car" not in text
    assert "12.345" in text and "89,1" in text and "3,54" in text and "4,5" in text and "–" in text
    assert "municipality" not in text and "mean_dist" not in text
    assert table["mean_dist_m"].iloc[0] == 3540.0  # the caller's frame is left unchanged
    assert header.index("afstand") < header.index("reistijd")
    minutes_first = format_table(table, time_first=True).splitlines()[0]  # a norm with only a time limit
    assert minutes_first.index("reistijd") < minutes_first.index("afstand")


def test_log_lines_write_counts_the_dutch_way() -> None:
    from spreiding.cli._parser import DutchLogFormatter

    record = logging.LogRecord(
        "spreiding.x", logging.WARNING, __file__, 1, "%d knopen (%s) in %d%% van %s", (21098, "a", 5, 2021), None
    )
    assert DutchLogFormatter().format(record) == "waarschuwing spreiding.x: 21.098 knopen (a) in 5% van 2021"
    assert record.args == (21098, "a", 5, 2021)  # the record is left unchanged
