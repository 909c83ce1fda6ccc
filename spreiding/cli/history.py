"""``spreiding history``: coverage at every date on which the open service points changed (2015 to today).

Reads the dated rows of the service-point list (``open_from`` / ``open_until``),
evaluates the norm at each change through one Study
(:func:`spreiding.analysis.timeline.timeline`) and prints, per step, the rows
that opened or closed (with their date as written and its evidence) and per
municipality the covered share, the mean distance and who lost or gained
access. ``--as-of`` is the last date; ``--out`` writes the table (CSV: one row
per step and municipality; XLSX/GeoPackage also the changed rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from spreiding.cli._common import (
    add_data_arguments,
    add_norm_arguments,
    check_outputs,
    input_files,
    norm_from_args,
    study_from_args,
)
from spreiding.errors import ConfigError
from spreiding.vocabulary import OSM_CREDIT, PLACEMENT_LABELS, Col, fmt_dec, fmt_int, fmt_km, fmt_pct

if TYPE_CHECKING:  # loaded by the command when it runs (``spreiding coverage`` imports this module too)
    import pandas as pd

    from spreiding.analysis.timeline import Timeline

__all__ = ["day_text", "format_timeline", "register"]

_INTRO = (
    "Uit de gedateerde rijen van de lijst (open_from / open_until). Een datum als 2021 of 2021-11 is een periode: "
    "wat zo'n datum beslist is onzeker en gemarkeerd met '?' — geen zekere opening of sluiting."
)


def day_text(iso: object) -> str:
    """An ISO date as ``dd-mm-jjjj`` ("vandaag" when there is none)."""
    return dt.date.fromisoformat(str(iso)).strftime("%d-%m-%Y") if iso else "vandaag"


def _signed(value: float, digits: int, unit: str = "") -> str:
    import pandas as pd

    if pd.isna(value):
        return ""
    text = fmt_dec(value, digits)
    return f"{'+' if value > 0 and text.strip('0,') else ''}{text}{unit}"


def _figures(row: pd.Series, first: bool) -> str:
    text = (
        f"{row[Col.MUNICIPALITY]}: {fmt_pct(row[Col.COVERED_PCT])} binnen de norm, "
        f"gem. afstand {fmt_km(row[Col.MEAN_DIST_M])}"
    )
    if first:
        return text
    pct = _signed(row[Col.COVERED_PCT_DELTA], 1, " %-punt")
    text += f" ({pct}; {_signed(row[Col.MEAN_DIST_M_DELTA] / 1000, 2, ' km')})"
    lost, gained = float(row[Col.LOSE_COVERAGE]), float(row[Col.GAIN_COVERAGE])
    if lost:
        text += f"; {fmt_int(lost)} inwoners nu buiten de norm"
    if gained:
        text += f"; {fmt_int(gained)} inwoners nu binnen de norm"
    return text


def _change_line(rec: pd.Series) -> str:
    mark = "? " if rec[Col.UNCERTAIN] else ""
    when = f" ({rec[Col.WHEN]}{', periode' if rec[Col.UNCERTAIN] else ''})" if rec[Col.WHEN] else ""
    line = f"    {mark}{rec[Col.EVENT]}: {rec[Col.NAME]} [{rec[Col.ID]}], {rec[Col.MUNICIPALITY]}{when}"
    if rec[Col.DATE_EVIDENCE]:
        line += f"\n        bron van de datum: {rec[Col.DATE_EVIDENCE]}"
    if str(rec[Col.CONFIDENCE]).lower() == "low":
        line += "\n        let op: deze rij is weinig zeker (confidence=low)"
    return line


def format_timeline(line: Timeline, *, municipality: str | None = None) -> str:
    """The timeline as Dutch text for the terminal (one block per step; changed municipalities and the total)."""
    shown = line.of(municipality) if municipality else line
    out: list[str] = []
    for k, (day, rows) in enumerate(shown.steps.groupby(Col.DATE, sort=False)):
        head = rows.iloc[0]
        periods = [p for p in str(head[Col.PERIOD]).split(", ") if p and len(p) < 10]
        label = "beginsituatie" if k == 0 else (f"periode {', '.join(periods)}" if periods else "")
        mark = " ?" if head[Col.UNCERTAIN] else ""
        counted = f"({head[Col.OPEN_POINTS]} voorzieningen tellen)"
        out.append(f"\n{day_text(day)}{mark}  {label + '  ' if label else ''}{counted}")
        for _, rec in shown.changes.loc[shown.changes[Col.DATE] == day].iterrows():
            out.append(_change_line(rec))
        if head[Col.UNCERTAIN_ROWS]:
            out.append(f"    onzeker op deze datum (periode overlapt): {head[Col.UNCERTAIN_ROWS]}")
        is_total = rows[Col.MUNICIPALITY].astype(str) == line.total_label
        moved = (
            (rows[Col.LOSE_COVERAGE] > 0) | (rows[Col.GAIN_COVERAGE] > 0) | (rows[Col.MEAN_DIST_M_DELTA].abs() >= 10)
        )
        keep = rows.loc[is_total | (moved if k else is_total)] if municipality is None else rows
        out += [f"    {_figures(r, k == 0)}" for _, r in keep.iterrows()]
    return "\n".join(out)


def _cmd_history(args: argparse.Namespace) -> int:
    from spreiding.analysis.timeline import timeline

    check_outputs(args, "out")
    norm = norm_from_args(args)
    study = study_from_args(args, norm)
    names = set(study.population["municipality"].astype(str))
    if args.gemeente is not None and args.gemeente not in names:
        msg = f"gemeente {args.gemeente!r} staat niet in de gegevens; kies uit {', '.join(sorted(names))}"
        raise ConfigError(msg)
    line = timeline(study, norm, end=args.as_of)
    print(f"Tijdlijn {day_text(line.start.isoformat())} tot {day_text(line.end.isoformat())}")
    placement = PLACEMENT_LABELS.get(study.settings.placement, study.settings.placement)
    print(f"Norm: {norm.describe()}  [{norm.name}]; afstandsmodel: {study.model.label_nl}; plaatsing: {placement}")
    print(_INTRO)
    print(format_timeline(line, municipality=args.gemeente))
    if not args.crowfly:
        print(OSM_CREDIT)
    if args.out:
        print(f"geschreven: {_write(line, args, study.sources)}")
    return 0


def _write(line: Timeline, args: argparse.Namespace, sources: tuple) -> object:  # type: ignore[type-arg]
    from spreiding.output.provenance import Provenance
    from spreiding.output.writer import write_tables

    chosen = line.of(args.gemeente) if args.gemeente else line
    note = "tijdlijn uit open_from/open_until; uncertain = beslist door een periode (2021, 2021-11), niet zeker"
    provenance = Provenance.from_analysis(line.evaluations[-1], sources, as_of=line.end, notes=(note,))
    tables = {"tijdlijn": chosen.steps}
    if not str(args.out).lower().endswith(".csv"):
        tables["wijzigingen"] = chosen.changes
    return write_tables(tables, args.out, provenance=provenance, force=args.force, inputs=input_files(args))


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``history`` to the ``spreiding`` command."""
    hi = subparsers.add_parser(
        "history", help="dekking bij elke verandering van de open voorzieningen, 2015 tot vandaag"
    )
    add_norm_arguments(hi)
    add_data_arguments(hi)
    hi.add_argument("--gemeente", help="één gemeente: alleen haar stappen en rijen")
    hi.add_argument("--out", help="schrijf de tijdlijn (.csv: één rij per stap en gemeente; .xlsx, .gpkg)")
    hi.add_argument("--force", action="store_true", help="overschrijf een bestaand uitvoerbestand")
    hi.set_defaults(func=_cmd_history)
