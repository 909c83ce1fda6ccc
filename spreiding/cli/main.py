"""Command line: ``spreiding coverage | fetch | app | scenario | optimize``.

Bad input exits with status 2 and one line naming the cause and the fix;
long work shows progress bars on stderr.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Sequence

from spreiding.cli import _answers
from spreiding.cli import compare_cbs as compare_cbs_commands
from spreiding.cli import history as history_command
from spreiding.cli import report as report_commands
from spreiding.cli import scenario as scenario_commands
from spreiding.cli._common import (
    BY_CHOICES,
    add_data_arguments,
    add_norm_arguments,
    check_outputs,
    format_table,
    norm_from_args,
    study_from_args,
    write_table,
)
from spreiding.cli._parser import DutchLogFormatter, DutchParser
from spreiding.errors import SpreidingError
from spreiding.vocabulary import KIND_LABELS, OSM_CREDIT, placement_label

__all__ = ["build_parser", "main", "norm_from_args"]

logger = logging.getLogger("spreiding")

_DESCRIPTION = "Spreiding van bibliotheken en de zorgplicht: dekking, scenario's, advies en rapporten."


def _cmd_coverage(args: argparse.Namespace) -> int:
    key = None
    if not (args.out or args.uncovered_out) and _answers.enabled(args):  # a run that writes files must write them
        key = _answers.answer_key("coverage", args)
        answer = _answers.recall(key)
        if answer is not None:
            _answers.replay(answer)
            return 0
    check_outputs(args, "out", "uncovered_out")
    with _answers.record() as recorder:
        lines, written = _coverage(args)
    for line in lines:
        print(line)
    for line in written():
        print(line)
    _answers.remember(key, lines, recorder.records)
    return 0


def _coverage(args: argparse.Namespace) -> tuple[list[str], Callable[[], list[str]]]:
    """The printed lines of ``coverage`` and a function that writes the ``--out`` files (returning its lines)."""
    from spreiding.analysis.placement import placement_notes
    from spreiding.analysis.verdict import list_warning_lines
    from spreiding.data.dates import uncertain_note

    norm = norm_from_args(args)
    by = BY_CHOICES[args.by]
    study = study_from_args(args, norm, by=by)
    result = study.evaluate(norm, by=by)
    table = result.by_age if args.by_age else result.table
    lines = [
        f"Norm: {norm.describe()}  [{norm.name}]"
        + ("  (voorbeeldnorm; de wet noemt geen getal)" if norm.example else "")
    ]
    placement = placement_label(result.placement)
    lines.append(f"Afstandsmodel: {result.model.label_nl} [{result.model.label}]; plaatsing: {placement}")
    lines.append(f"Peildatum: {history_command.day_text(result.facilities.attrs.get('as_of'))}")
    for warning in [*placement_notes(result.points), *filter(None, [uncertain_note(result.facilities)])]:
        lines.append(f"  let op: {warning}")
    kinds = ", ".join(KIND_LABELS.get(k, k) for k in sorted(norm.kinds))
    lines.append(f"Voorzieningen die tellen: {len(result.counted)} (open; soorten: {kinds})")
    lines += [f"  let op: {ident} ligt te ver van het wegennet en telt niet mee" for ident in result.excluded]
    lines.append(format_table(table, time_first=norm.time_only))
    if by == "municipality":  # rows of the list that decide figures above but are uncertain
        lines += [f"  let op (voorzieningenlijst): {line}" for line in list_warning_lines(result)]
    if not args.crowfly:
        lines.append(OSM_CREDIT)

    def written() -> list[str]:
        out = []
        if args.out:
            path = write_table(table, args.out, layer="dekking", args=args, result=result, sources=study.sources)
            out.append(f"geschreven: {path}")
        if args.uncovered_out:
            path = write_table(
                result.uncovered,
                args.uncovered_out,
                layer="buiten_norm",
                args=args,
                result=result,
                sources=study.sources,
            )
            out.append(f"geschreven: {path}")
        return out

    return lines, written


def _cmd_fetch(args: argparse.Namespace) -> int:
    from spreiding.data.fetch import fetch_region

    paths = fetch_region(
        args.region, args.data_dir, include_optional=args.all, force=args.force, progress=not args.no_progress
    )
    for p in paths:
        print(f"aanwezig: {p}")
    return 0


def _cmd_prepare(args: argparse.Namespace) -> int:
    from spreiding.data.fetch import default_fetch_dir
    from spreiding.data.prepare import prepare_region

    root = args.data_dir if args.data_dir else default_fetch_dir()
    for p in prepare_region(root, args.region, force=args.force, progress=not args.no_progress):
        print(f"voorbereid: {p}")
    return 0


def _ensure_default_data(data_dir: str | None) -> None:
    """On a fresh machine, fetch the default region once; the app's Data page explains what is missing."""
    from spreiding.data.config import data_paths
    from spreiding.data.fetch import fetch_region

    missing = data_paths(data_dir).missing()
    if not missing:
        return
    logger.warning(
        "de gegevensmap mist %s; `spreiding fetch` wordt één keer geprobeerd", ", ".join(p.name for p in missing)
    )
    try:
        fetch_region(None, data_dir)
    except SpreidingError as exc:
        logger.warning("de standaardregio kon niet worden opgehaald (%s); de app toont wat ontbreekt", exc)


def _cmd_app(args: argparse.Namespace) -> int:
    """Serve the packaged app from any folder; its Streamlit settings go as flags (no config file needed)."""
    from spreiding.app.launch import streamlit_command

    _ensure_default_data(args.data_dir)
    env = dict(os.environ)
    if args.data_dir:
        env["SPREIDING_DATA_DIR"] = args.data_dir
    print(f"spreiding app: open http://localhost:{args.port} in de browser (stoppen met Ctrl+C)", file=sys.stderr)
    return subprocess.call(streamlit_command(args.port, address=args.address), env=env)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``spreiding`` command."""
    parser = DutchParser(prog="spreiding", description=_DESCRIPTION)
    parser.add_argument("-v", "--verbose", action="count", default=0, help="meer logregels (-vv: nog meer)")
    sub = parser.add_subparsers(dest="command", required=True, title="opdrachten", metavar="OPDRACHT")

    cov = sub.add_parser("coverage", help="dekking van de zorgplicht per gemeente")
    add_norm_arguments(cov)
    add_data_arguments(cov)
    cov.add_argument("--by-age", action="store_true", help="één rij per gemeente en leeftijdsgroep")
    cov.add_argument("--out", help="schrijf de tabel naar een bestand (.csv, .xlsx of .gpkg)")
    cov.add_argument("--uncovered-out", help="schrijf de cellen buiten de norm (.gpkg of .csv)")
    cov.add_argument("--force", action="store_true", help="overschrijf een bestaand uitvoerbestand")
    cov.add_argument(
        "--no-cache",
        action="store_true",
        help="reken opnieuw, ook als dezelfde vraag op ongewijzigde gegevens al beantwoord is",
    )
    cov.add_argument(
        "--by",
        choices=list(BY_CHOICES),
        default="gemeente",
        help="één rij per gemeente (standaard), kern, wijk of buurt",
    )
    cov.add_argument(
        "--areas",
        help="wijk- of buurtgrenzen voor --by wijk|buurt (standaard: de CBS wijk- en buurtkaart in de gegevensmap)",
    )
    cov.set_defaults(func=_cmd_coverage)

    from spreiding.data.regions import available_regions

    regions = ", ".join(available_regions())
    fe = sub.add_parser("fetch", help="download de gegevens van een regio en bereid ze voor (internet nodig)")
    fe.add_argument("--data-dir", help="doelmap (standaard: $SPREIDING_DATA_DIR of data/)")
    fe.add_argument(
        "--region",
        default=None,
        help=f"regio: {regions}, of het pad van een regiobestand (standaard: $SPREIDING_REGION of drenthe)",
    )
    fe.add_argument("--force", action="store_true", help="download opnieuw, ook als het bestand er al is")
    fe.add_argument("--all", action="store_true", help="ook de optionele bestanden (500m-raster, PC4, EU-raster)")
    fe.add_argument("--no-progress", action="store_true", help="geen voortgangsbalken")
    fe.set_defaults(func=_cmd_fetch)

    pr = sub.add_parser("prepare", help="maak de bestanden van een regio opnieuw uit de downloads (zonder internet)")
    pr.add_argument("--data-dir", help="de map die `spreiding fetch` vulde (standaard: $SPREIDING_DATA_DIR of data/)")
    pr.add_argument(
        "--region",
        default=None,
        help=f"regio: {regions}, of het pad van een regiobestand (standaard: $SPREIDING_REGION of drenthe)",
    )
    pr.add_argument("--force", action="store_true", help="bouw opnieuw, ook als alles bijgewerkt is")
    pr.add_argument("--no-progress", action="store_true", help="geen voortgangsbalken")
    pr.set_defaults(func=_cmd_prepare)

    app = sub.add_parser("app", help="start de app in de browser")
    app.add_argument("--data-dir", help="gegevensmap (standaard: $SPREIDING_DATA_DIR, data/, ../shared/data)")
    app.add_argument("--port", type=int, default=8501, help="poort van de app (standaard 8501)")
    app.add_argument("--address", help="adres waarop de app luistert (standaard: alle netwerkkaarten)")
    app.add_argument("--headless", action="store_true", help="genegeerd: de app opent zelf nooit een browser")
    app.set_defaults(func=_cmd_app)

    scenario_commands.register(sub)
    report_commands.register(sub)
    compare_cbs_commands.register(sub)
    history_command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    handler = logging.StreamHandler()
    handler.setFormatter(DutchLogFormatter())
    logging.basicConfig(level=level, handlers=[handler])
    try:
        return int(args.func(args) or 0)
    except SpreidingError as exc:
        print(f"spreiding: fout: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("spreiding: afgebroken", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
