"""``spreiding compare-cbs``: the tool's mean car distance to a library next to CBS's published figure.

CBS-like settings: preset ``cbs-auto`` (car, all kinds counted) and residents
on street nodes. Per municipality always; per wijk and buurt when the CBS
wijk- en buurtkaart is in the data folder (or given with ``--areas``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from spreiding.cli._common import add_data_arguments, check_outputs, load_inputs, placement_from_args, write_table
from spreiding.errors import DataNotFoundError
from spreiding.vocabulary import placement_label

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["format_comparison", "register"]


def format_comparison(table: pd.DataFrame) -> str:
    """The comparison as Dutch text for the terminal (km with decimal commas, %)."""
    from spreiding.analysis.cbs_compare import display_comparison

    return display_comparison(table).to_string(index=False)


def _areas(args: argparse.Namespace, data_dir: Any) -> tuple[dict[str, Any], list[str]]:
    from spreiding.data.wijkbuurt import load_areas

    areas: dict[str, Any] = {}
    notes: list[str] = []
    for level in ("wijk", "buurt"):
        try:
            areas[level] = load_areas(level, data_dir, path=args.areas)
        except DataNotFoundError as exc:
            notes.append(f"alleen gemeenten vergeleken: {exc}")
            break
    return areas, notes


def _cmd_compare_cbs(args: argparse.Namespace) -> int:
    from spreiding.analysis.cbs_compare import CBS_NORM, cbs_comparison
    from spreiding.analysis.verdict import list_warning_lines
    from spreiding.cli.history import day_text
    from spreiding.data.cbs_stats import load_cbs
    from spreiding.data.dates import uncertain_note
    from spreiding.data.sources import OSM_CREDIT
    from spreiding.study import Study, StudySettings

    check_outputs(args, "out")
    cbs = load_cbs(args.cbs, args.cbs_metadata)
    if args.as_of is None and cbs.reference_date is not None:  # compare with the situation CBS measured
        args = argparse.Namespace(**(vars(args) | {"as_of": cbs.reference_date.isoformat()}))
    region, network = load_inputs(args, CBS_NORM.mode)
    areas, notes = _areas(args, region.data_dir)
    settings = StudySettings(mode=CBS_NORM.mode, placement=placement_from_args(args), detour_factor=args.detour)
    study = Study.from_region(region, network, settings, progress=not args.no_progress, areas=areas)
    result = cbs_comparison(study, cbs, levels=("gemeente", *areas))
    year = f" ({cbs.year})" if cbs.year else ""
    print(f"Vergelijking met CBS Nabijheid voorzieningen{year}: {cbs.title} [{cbs.key}] uit {cbs.source}")
    print(f"Norm: {CBS_NORM.name}; plaatsing inwoners: {placement_label(result.placement)}")
    print(f"Peildatum: {day_text(args.as_of)}")
    print(format_comparison(result.table))
    print("Verschillen in methode:")
    dated = uncertain_note(study.facilities)
    listed = list_warning_lines(result.evaluation) if result.evaluation is not None else []
    for note in (*result.notes, *notes, *filter(None, [dated]), *(f"voorzieningenlijst: {w}" for w in listed)):
        print(f"  - {note}")
    if network is not None:
        print(OSM_CREDIT)
    if args.out:
        out = write_table(
            result.table, args.out, layer="cbs_vergelijking", args=args, result=result.evaluation, sources=study.sources
        )
        print(f"geschreven: {out}")
    return 0


def register(sub: Any) -> None:
    """Add ``compare-cbs`` to the sub-command parsers."""
    p = sub.add_parser(
        "compare-cbs", help="gemiddelde afstand met de auto tot een bibliotheek naast het gepubliceerde CBS-cijfer"
    )
    p.add_argument(
        "--cbs", required=True, help="CSV-download van CBS Nabijheid voorzieningen, of een tabelnummer (85231NED)"
    )
    p.add_argument("--cbs-metadata", help="JSON met de DataProperties van de tabel (wijst de afstandskolom aan)")
    p.add_argument("--areas", help="wijk- of buurtgrenzen (standaard: de CBS wijk- en buurtkaart in de gegevensmap)")
    p.add_argument("--out", help="schrijf de vergelijking (.csv, .xlsx of .gpkg)")
    p.add_argument("--force", action="store_true", help="overschrijf een bestaand uitvoerbestand")
    add_data_arguments(p)
    p.set_defaults(func=_cmd_compare_cbs, placement="street_nodes")
