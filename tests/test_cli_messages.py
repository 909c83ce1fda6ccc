"""Bad input on the command line: one Dutch line on stderr, exit 2, the CLI's own option names in the hint."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from spreiding.cli import _common
from spreiding.cli.main import main

# English phrases and Python keyword hints that must never reach a CLI user.
_ENGLISH = re.compile(
    r"use one of|choose from|cannot|\bmust\b|\bneeds\b|\bthe\b|\bgive\b|\bunknown\b|does not exist|\bgot\b", re.I
)
_PYTHON_HINT = re.compile(r"\b\w+=(True|False)\b|on_outside|cutoff_[ms]\b|\bforce=|\(\)")


def _mismatched_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand the study a car network while the norm asks for bike distances."""
    from spreiding.data.config import data_paths
    from spreiding.data.region import load_region
    from spreiding.network.roads import load_network

    pbf = data_paths(None).root / "osm" / "amsterdam_fixture.osm.pbf"

    def fake_inputs(args: object, norm_mode: str) -> tuple[object, object]:
        region = load_region(None)
        return region, load_network(pbf, "car", progress=False)

    monkeypatch.setattr(_common, "load_inputs", fake_inputs)


def _nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    return None


def _facilities_without_kind(tmp_path: Path) -> str:
    path = tmp_path / "bib.csv"
    path.write_text("id,name,lon,lat\na,Bieb,6.56,52.99\n", encoding="utf-8")
    return str(path)


# (argv with {tmp} for the temporary folder and {fac} for a bad facilities file, words the line must hold, setup)
CASES: list[tuple[str, list[str], tuple[str, ...], Callable[[pytest.MonkeyPatch], None], bool]] = [
    (
        "preset met onbekende soort",
        ["coverage", "--crowfly", "--norm", "5km-auto", "--kinds", "bookbus"],
        ("onbekende soort(en) bookbus", "kies uit", "--kinds"),
        _nothing,
        True,
    ),
    ("max-km 0", ["coverage", "--crowfly", "--max-km", "0"], ("heeft geen grens", "--max-km"), _nothing, True),
    (
        "datamap ontbreekt",
        ["coverage", "--crowfly", "--data-dir", "/nonexistent"],
        ("de datamap /nonexistent bestaat niet", "--data-dir", "spreiding fetch"),
        _nothing,
        False,
    ),
    (
        "kolom ontbreekt",
        ["coverage", "--crowfly", "--facilities", "{fac}"],
        ("kolom(men) kind ontbreken", "geef de kolommen"),
        _nothing,
        True,
    ),
    (
        "pdf",
        ["coverage", "--crowfly", "--out", "{tmp}/x.pdf"],
        ("onbekende bestandsextensie .pdf", "gebruik .csv"),
        _nothing,
        True,
    ),
    (
        "bestaat al",
        ["coverage", "--crowfly", "--out", "{tmp}/bestaat.csv"],
        ("bestaat al", "overschrijf het met --force"),
        _nothing,
        True,
    ),
    (
        "omwegfactor oneindig",
        ["coverage", "--crowfly", "--detour", "inf"],
        ("omwegfactor inf kan niet", "--detour een getal van 1,0 tot en met 3"),
        _nothing,
        True,
    ),
    (
        "omwegfactor nan",
        ["coverage", "--crowfly", "--detour", "nan"],
        ("omwegfactor nan kan niet", "--detour"),
        _nothing,
        True,
    ),
    (
        "straatknopen zonder wegennet",
        ["coverage", "--crowfly", "--placement", "street_nodes"],
        ("plaatsing street_nodes heeft een wegennet nodig", "--crowfly", "--placement cell_centre"),
        _nothing,
        True,
    ),
    (
        "onbekend scenario",
        ["scenario", "--store", "{tmp}/s.sqlite", "show", "nergens"],
        ("geen scenario 'nergens'", "spreiding scenario create"),
        _nothing,
        False,
    ),
    (
        "mclp zonder p",
        ["optimize", "--crowfly", "--model", "mclp", "--no-progress"],
        ("model mclp heeft een aantal locaties nodig", "--p"),
        _nothing,
        True,
    ),
    (
        "negatief aantal sluitingen",
        ["optimize", "--crowfly", "--p", "1", "--allow-close", "--max-closures", "-1", "--no-progress"],
        ("--max-closures -1 kan niet", "Hoogstens k sluitingen"),
        _nothing,
        True,
    ),
    (
        "doel boven 100 %",
        ["optimize", "--crowfly", "--model", "lscp", "--target", "1.5", "--no-progress"],
        ("doel 150,0 % kan niet", "--target"),
        _nothing,
        True,
    ),
    (
        "leeftijdsgewicht",
        ["optimize", "--crowfly", "--p", "1", "--age-weight", "x=y", "--no-progress"],
        ("kan leeftijdsgewicht 'x=y' niet lezen", "--age-weight pop_0_14=2"),
        _nothing,
        True,
    ),
    (
        "reiswijze van het wegennet",
        ["coverage", "--norm", "15min-fiets", "--no-progress"],
        ("'bike'", "'car'", "--network", "--mode"),
        _mismatched_network,
        True,
    ),
]


@pytest.mark.parametrize(
    ("argv", "words", "setup"),
    [
        pytest.param(argv, words, setup, id=name, marks=[pytest.mark.data] if data else [])
        for name, argv, words, setup, data in CASES
    ],
)
def test_bad_input_gives_one_dutch_line(
    argv: list[str],
    words: tuple[str, ...],
    setup: Callable[[pytest.MonkeyPatch], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "bestaat.csv").write_text("a\n1\n", encoding="utf-8")
    fac = _facilities_without_kind(tmp_path)
    setup(monkeypatch)
    args = [a.replace("{tmp}", str(tmp_path)).replace("{fac}", fac) for a in argv]
    status = main(args)
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert status == 2
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("spreiding: fout: ")
    for word in words:
        assert word in line
    assert not _ENGLISH.search(line), line
    assert not _PYTHON_HINT.search(line), line
