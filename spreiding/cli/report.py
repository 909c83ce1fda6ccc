"""Command line: ``spreiding report`` — the printable duty-of-care report of one or every municipality.

``spreiding report --gemeente NAME --out FILE.html`` writes one report;
``spreiding report --all --out-dir DIR`` writes one report per municipality
plus the province overview (every municipality with its verdict). Every
output path is checked before anything is computed (no overwrite without
``--force``); files go through the one writer (:mod:`spreiding.output.writer`).
Registered by :func:`spreiding.cli.main.build_parser` through :func:`register`.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

from spreiding.cli._common import (
    add_data_arguments,
    add_norm_arguments,
    input_files,
    load_inputs,
    norm_from_args,
    placement_from_args,
)
from spreiding.errors import ConfigError

__all__ = ["register"]

logger = logging.getLogger(__name__)


def _municipalities(args: argparse.Namespace) -> list[str]:
    """The region's municipalities (from the region file: no data is loaded); ``--gemeente`` checked against them."""
    from spreiding.data.config import data_paths

    names = list(data_paths(args.data_dir).spec.municipalities)
    if args.gemeente is None:
        return names
    if args.gemeente not in names:
        msg = f"gemeente {args.gemeente!r} hoort niet bij deze regio; kies uit: {', '.join(names)}"
        raise ConfigError(msg)
    return [args.gemeente]


def _targets(args: argparse.Namespace, names: list[str], norm: Any, label: str | None) -> dict[str, Path]:
    """Output path per municipality (and ``""`` for the overview), every one checked before any computation."""
    from spreiding.output.export import export_name
    from spreiding.output.report import report_filename
    from spreiding.output.writer import check_output_path

    if args.gemeente is not None:
        if not args.out:
            msg = "geef met --out het HTML-bestand voor het rapport (bijv. --out rapport.html)"
            raise ConfigError(msg)
        if Path(args.out).suffix.lower() != ".html":
            msg = f"een rapport is een HTML-bestand; geef {Path(args.out).name} de extensie .html"
            raise ConfigError(msg)
        targets = {args.gemeente: Path(args.out)}
    else:
        folder = Path(args.out_dir or ".")
        if not folder.is_dir():
            msg = f"de map {folder} bestaat niet; maak die eerst aan of kies een bestaande map (--out-dir)"
            raise ConfigError(msg)
        targets = {m: folder / report_filename(m, norm=norm, scenario=label) for m in names}
        targets[""] = folder / export_name("zorgplichtoverzicht", scenario=label, norm=norm, ext="html")
    inputs = input_files(args)
    for path in targets.values():
        check_output_path(path, force=args.force, inputs=inputs)
    return targets


def _scenario(args: argparse.Namespace) -> Any:
    from spreiding.analysis.scenario import Scenario
    from spreiding.analysis.store import ScenarioStore

    if not args.scenario:
        return Scenario(name="basis")
    return ScenarioStore.open(args.store).load(args.scenario)


def _places(args: argparse.Namespace) -> gpd.GeoDataFrame | None:
    """The OSM place points that make kernen (``None`` when the data folder has none: cells are named instead)."""
    from spreiding.data.config import data_paths
    from spreiding.data.wijkbuurt import load_places

    if not data_paths(args.data_dir).osm_points.is_file():
        logger.warning(
            "geen OSM-plaatspunten in de gegevensmap: dorpen heten naar hun cel; draai `spreiding fetch` voor de kernen"
        )
        return None
    return load_places(args.data_dir)


def _villages(ev: Any, names: list[str], places: gpd.GeoDataFrame | None) -> dict[str, pd.DataFrame]:
    """Residents outside the norm per municipality, grouped by village (the report's one village grouping)."""
    from spreiding.output.report import uncovered_places

    unc = ev.uncovered
    column = unc["municipality"].astype("string")
    return {
        m: uncovered_places(
            unc.loc[(column == m).fillna(False).to_numpy(bool)],
            places,
            weight_column=ev.norm.weight_column,
            facilities=ev.counted,
        )
        for m in names
    }


def _cmd_report(args: argparse.Namespace) -> int:
    from spreiding.analysis.verdict import municipality_verdict, population_year, province_overview
    from spreiding.cli._common import grouping_inputs
    from spreiding.output.report import municipality_report
    from spreiding.output.report_html import overview_report
    from spreiding.output.writer import write_report
    from spreiding.study import Study, StudySettings

    norm = norm_from_args(args)
    names = _municipalities(args)
    label = args.scenario or None
    targets = _targets(args, names, norm, label)  # BEFORE any computation
    scenario = _scenario(args)
    region, network = load_inputs(args, norm.mode)
    settings = StudySettings(mode=norm.mode, placement=placement_from_args(args), detour_factor=args.detour)
    groups = grouping_inputs(args, "municipality", region.data_dir)  # uncovered points carry their kern
    study = Study.from_region(region, network, settings, progress=not args.no_progress, **groups)
    ev = study.evaluate(norm, scenario)
    impact = None if study.is_large else study.closure_impact(norm, scenario)  # the report says it is left out
    places = _places(args)
    villages = _villages(ev, names, places)
    year = population_year(region.sources)
    print(f"Norm: {norm.describe()}; scenario: {scenario.name}; afstanden {ev.model.label_nl}")
    for m in names:
        verdict = municipality_verdict(ev, m, villages=villages[m], population_year=year)
        html = municipality_report(
            ev,
            m,
            scenario_name=scenario.name,
            impact=impact,
            impact_omitted=impact is None,
            places=places,
            municipalities=region.municipalities,
            sources=region.sources,
            verdict=verdict,
        )
        out = write_report(html, targets[m], force=args.force, inputs=input_files(args))
        print(f"{verdict.sentence()} Geschreven: {out}")
    if "" in targets:
        overview = province_overview(ev, villages=villages, population_year=year)
        html = overview_report(
            overview,
            norm=norm,
            model_label=ev.model.label,
            placement=ev.placement,
            scenario_name=scenario.name,
            region_name=region.name,
            sources=region.sources,
            network_source=ev.model.source,
        )
        print(f"Overzicht geschreven: {write_report(html, targets[''], force=args.force, inputs=input_files(args))}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``report`` to the ``spreiding`` command."""
    rp = subparsers.add_parser("report", help="afdrukbaar zorgplichtrapport (HTML, A4) per gemeente")
    which = rp.add_mutually_exclusive_group(required=True)
    which.add_argument("--gemeente", help="één gemeente (de naam zoals in het regiobestand)")
    which.add_argument("--all", action="store_true", help="elke gemeente plus het overzicht van de provincie")
    rp.add_argument("--out", help="het rapportbestand (.html) bij --gemeente")
    rp.add_argument("--out-dir", help="map voor --all (moet bestaan; standaard: de huidige map)")
    rp.add_argument("--scenario", help="een opgeslagen scenario (standaard: de huidige situatie)")
    rp.add_argument(
        "--store", help="bestand met opgeslagen scenario's (standaard: $SPREIDING_STORE of de gebruikersgegevensmap)"
    )
    rp.add_argument("--force", action="store_true", help="overschrijf bestaande rapportbestanden")
    add_norm_arguments(rp)
    add_data_arguments(rp)
    rp.set_defaults(func=_cmd_report)
