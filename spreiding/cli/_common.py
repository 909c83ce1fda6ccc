"""Options and helpers shared by the sub-commands (one place, no import cycle)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from spreiding.analysis.norm import Norm
    from spreiding.study import Study

__all__ = [
    "BY_CHOICES",
    "add_data_arguments",
    "add_norm_arguments",
    "check_outputs",
    "dutch_number",
    "format_table",
    "grouping_inputs",
    "input_files",
    "load_inputs",
    "norm_from_args",
    "placement_from_args",
    "study_from_args",
    "write_table",
]


def dutch_number(text: str) -> float:
    """An option's number typed the Dutch or the English way (``3,5`` and ``3.5``; argparse ``type=``).

    ``inf`` and ``nan`` pass as numbers, so the option's own range check names what is allowed.
    """
    from spreiding.errors import ConfigError
    from spreiding.vocabulary import parse_number_nl

    try:
        return parse_number_nl(text)
    except ConfigError as exc:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(str(exc)) from exc


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that choose the input files."""
    g = parser.add_argument_group("gegevens")
    g.add_argument("--data-dir", help="gegevensmap (standaard: $SPREIDING_DATA_DIR, data/, ../shared/data)")
    g.add_argument(
        "--population", help="bevolkingsbestand (Eurostat-raster CSV, CBS vk100/vk500 GeoPackage, PC4 GeoPackage)"
    )
    g.add_argument("--facilities", help="bestand met voorzieningen (CSV, GeoJSON, GeoPackage)")
    g.add_argument("--network", help="wegennet (.gpkg in osmnx-indeling, .osm.pbf, .osm)")
    g.add_argument("--crowfly", action="store_true", help="zonder wegennet: hemelsbrede afstand x omwegfactor")
    g.add_argument("--detour", type=dutch_number, default=1.3, help="omwegfactor bij --crowfly (standaard 1,3)")
    g.add_argument(
        "--placement",
        choices=["street_nodes", "cell_centre"],
        default=None,
        help="street_nodes: inwoners verdeeld over de knopen van woonstraten (standaard; celmiddens bij --crowfly);"
        " cell_centre: inwoners in het midden van hun cel",
    )
    g.add_argument("--no-progress", action="store_true", help="geen voortgangsbalken")
    g.add_argument(
        "--as-of",
        metavar="JJJJ-MM-DD",
        help="peildatum: de voorzieningen die op die dag open zijn (open_from/open_until; standaard vandaag)",
    )


def add_norm_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that define the norm."""
    from spreiding.analysis.norm import PRESETS

    g = parser.add_argument_group("norm (de wet noemt geen getal: voorbeeldnormen zijn voorbeelden)")
    g.add_argument("--norm", choices=sorted(PRESETS), help="voorbeeldnorm (een vaste set keuzes)")
    g.add_argument(
        "--mode",
        choices=["car", "bike", "walk", "auto", "fiets", "lopen"],
        help="reiswijze: car/auto, bike/fiets of walk/lopen",
    )
    g.add_argument("--max-km", type=dutch_number, help="grootste afstand over de weg in km")
    g.add_argument("--max-min", type=dutch_number, help="grootste reistijd in minuten")
    g.add_argument(
        "--kinds", help="soorten die meetellen, gescheiden door komma's (vestiging,kleine_vestiging,servicepunt)"
    )
    g.add_argument(
        "--age",
        choices=["pop_0_14", "pop_15_24", "pop_25_44", "pop_45_64", "pop_65plus"],
        help="leeftijdsgroep waarover de norm gaat (pop_0_14 = 0-14 jaar, ..., pop_65plus = 65+)",
    )
    g.add_argument(
        "--target-pct",
        help="aandeel inwoners dat binnen de norm moet wonen, in %% (standaard 95; '97,5' mag)",
    )


def norm_from_args(args: argparse.Namespace) -> Norm:
    """Build a :class:`~spreiding.analysis.norm.Norm` from parsed options."""
    from spreiding.analysis.norm import PRESETS, Norm

    base = PRESETS[args.norm] if args.norm else Norm(name="5 km over de weg (auto)")
    changes: dict[str, object] = {}
    if args.mode:
        changes["mode"] = args.mode
    if args.max_km is not None or args.max_min is not None:
        changes["max_dist_m"] = args.max_km * 1000 if args.max_km is not None else None
        changes["max_time_s"] = args.max_min * 60 if args.max_min is not None else None
    if args.kinds:
        changes["kinds"] = frozenset(k.strip() for k in args.kinds.split(",") if k.strip())
    if args.age:
        changes["age_band"] = args.age
    norm = base.with_(**changes) if changes else base
    if norm != base:  # options that only repeat the preset (e.g. --norm cbs-auto --mode car) keep its name
        norm = norm.with_(name=norm.describe_limits())
    return _with_target(norm, getattr(args, "target_pct", None))


def _with_target(norm: Norm, text: str | None) -> Norm:
    """The norm with ``--target-pct`` applied (a percentage; Dutch or English decimals)."""
    if text is None:
        return norm
    from spreiding.vocabulary import parse_number_nl

    return norm.with_(target_share=parse_number_nl(text) / 100.0)


def placement_from_args(args: argparse.Namespace) -> str:
    """The placement: ``--placement``, else the preset's (:mod:`spreiding.analysis.presets`).

    Crow-fly runs have no streets: without ``--placement`` they use cell centres, and
    ``--crowfly --placement street_nodes`` is refused with a Dutch message.
    """
    from spreiding.analysis.presets import preset_settings
    from spreiding.errors import ConfigError

    chosen = getattr(args, "placement", None)
    if getattr(args, "crowfly", False):
        if chosen == "street_nodes":
            msg = (
                "plaatsing street_nodes heeft een wegennet nodig; laat --crowfly weg (of geef --network) "
                "of kies --placement cell_centre"
            )
            raise ConfigError(msg)
        return "cell_centre"
    return str(chosen or preset_settings(getattr(args, "norm", None)).placement)


_INPUT_OPTIONS = ("population", "facilities", "network", "candidates", "areas", "cbs", "cbs_metadata", "store")
"""Options that name a file the command reads."""


def input_files(args: argparse.Namespace) -> list[str]:
    """The files the command reads: the options' files and every file of the region in the data folder.

    An output may never overwrite one of them, ``--force`` or not.
    """
    from spreiding.data.config import data_paths
    from spreiding.data.regions import FILE_ROLES

    given = [getattr(args, name, None) for name in _INPUT_OPTIONS]
    paths = data_paths(getattr(args, "data_dir", None))
    region = [paths.spec.files.path(paths.root, role) for role in FILE_ROLES]
    return [str(p) for p in [*given, *region] if p]


def check_outputs(args: argparse.Namespace, *names: str) -> None:
    """Check every output option BEFORE any computation: extension, folder, inputs, no overwrite without --force.

    Two options naming one file are refused too (the second would replace the first).
    """
    from spreiding._outfile import same_file
    from spreiding.errors import ConfigError
    from spreiding.output.writer import check_output_path

    seen: dict[str, Path] = {}
    for name in names:
        target = getattr(args, name, None)
        if not target:
            continue
        for other, path in seen.items():
            if same_file(Path(target), path):
                msg = (
                    f"--{other.replace('_', '-')} en --{name.replace('_', '-')} wijzen naar hetzelfde bestand {target}"
                )
                raise ConfigError(msg + "; kies twee namen")
        check_output_path(target, force=getattr(args, "force", False), inputs=input_files(args))
        seen[name] = Path(target)


def write_table(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    layer: str = "coverage",
    args: argparse.Namespace | None = None,
    result: Any = None,
    sources: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """Write one table through the one writer (:mod:`spreiding.output.writer`), with provenance."""
    from spreiding.output.provenance import Provenance
    from spreiding.output.writer import write_tables

    provenance = Provenance.from_analysis(result, sources) if result is not None else None
    force = bool(getattr(args, "force", False)) if args is not None else False
    inputs = input_files(args) if args is not None else []
    return write_tables({layer: table}, path, provenance=provenance, force=force, inputs=inputs)


def format_table(table: pd.DataFrame, *, time_first: bool = False) -> str:
    """The table as text for the terminal: Dutch headers and Dutch numbers (km, minutes, rounded).

    ``time_first`` (a norm with only a travel-time limit): the mean travel time comes before the distances,
    as in the app and the report.
    """
    import pandas as pd

    from spreiding.vocabulary import column_label, fmt_dec, fmt_int

    view = pd.DataFrame(index=table.index)
    for col in table.columns:
        values = table[col]
        if col in ("distance_model", "placement", "norm"):
            continue
        if str(col).endswith("_dist_m"):
            view[column_label(col, km=True)] = (values / 1000).map(lambda km: fmt_dec(km, 2))
        elif col == "mean_time_s":
            view[column_label(col).replace("(s)", "(min)")] = (values / 60).map(fmt_dec)
        elif col in ("residents", "covered", "uncovered", "unreachable"):
            view[column_label(col)] = values.map(fmt_int)
        elif col == "covered_pct":
            view[column_label(col)] = values.map(fmt_dec)
        else:
            view[column_label(col)] = values
    if time_first and "mean_time_s" in table.columns and "mean_dist_m" in table.columns:
        order = list(view.columns)
        minutes = order.pop(order.index(column_label("mean_time_s").replace("(s)", "(min)")))
        order.insert(order.index(column_label("mean_dist_m", km=True)), minutes)
        view = view.loc[:, order]
    return view.to_string(index=False)


def load_inputs(args: argparse.Namespace, norm_mode: str) -> tuple[Any, Any]:
    """Load the region and the network for a mode as the options say."""
    from spreiding.data.dates import parse_as_of
    from spreiding.data.region import load_region
    from spreiding.network.roads import load_network

    as_of = parse_as_of(getattr(args, "as_of", None))  # a bad date is refused before anything is read
    region = _region_as_of(
        load_region(args.data_dir, population_path=args.population, facilities_path=args.facilities), as_of
    )
    network = None
    if not args.crowfly:
        network = load_network(args.network, norm_mode, data_dir=region.data_dir, progress=not args.no_progress)
    return region, network


def _region_as_of(region: Any, as_of: dt.date) -> Any:
    """The region with its service points as they were on ``as_of`` (today when ``None``)."""
    from dataclasses import replace

    from spreiding.data.dates import facilities_as_of

    return replace(region, facilities=facilities_as_of(region.facilities, as_of))


def study_from_args(args: argparse.Namespace, norm: Norm, *, by: str = "municipality") -> Study:
    """The :class:`~spreiding.study.Study` for the command's data, placement and mode options.

    ``by`` = ``kern`` loads the OSM place points, ``wijk`` / ``buurt`` the CBS polygons (``--areas`` or the data
    folder's), so the study's points carry that grouping.
    """
    from spreiding.study import Study, StudySettings

    placement = placement_from_args(args)
    region, network = load_inputs(args, norm.mode)
    settings = StudySettings(mode=norm.mode, placement=placement, detour_factor=args.detour)
    groups = grouping_inputs(args, by, region.data_dir)
    return Study.from_region(region, network, settings, progress=not args.no_progress, **groups)


BY_CHOICES: dict[str, str] = {"gemeente": "municipality", "kern": "kern", "wijk": "wijk", "buurt": "buurt"}
"""``--by`` values (Dutch) and the grouping each stands for."""


def grouping_inputs(args: argparse.Namespace, by: str, data_dir: Any) -> dict[str, Any]:
    """The ``places`` / ``areas`` keyword arguments of a :class:`~spreiding.study.Study` grouped ``by``.

    The OSM place points are always read when present (uncovered points then carry their kern's name);
    ``by="kern"`` needs them.
    """
    from spreiding.data.config import data_paths
    from spreiding.data.wijkbuurt import load_areas, load_places

    out: dict[str, Any] = {}
    if by == "kern" or data_paths(data_dir).osm_points.is_file():
        out["places"] = load_places(data_dir)
    if by in ("wijk", "buurt"):
        out["areas"] = {by: load_areas(by, data_dir, path=getattr(args, "areas", None))}
    return out
