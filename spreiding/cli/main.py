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
from pathlib import Path

import pandas as pd

from spreiding.data.sources import OSM_CREDIT
from spreiding.errors import SpreidingError

__all__ = ["add_data_arguments", "add_norm_arguments", "build_parser", "main", "norm_from_args", "write_table"]

logger = logging.getLogger("spreiding")


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that choose the input files."""
    g = parser.add_argument_group("data")
    g.add_argument("--data-dir", help="data folder (default: $SPREIDING_DATA_DIR, data/, ../shared/data)")
    g.add_argument(
        "--population", help="population file (Eurostat grid CSV, CBS vk100/vk500 GeoPackage, PC4 GeoPackage)"
    )
    g.add_argument("--facilities", help="service points file (CSV, GeoJSON, GeoPackage)")
    g.add_argument("--network", help="road network file (.gpkg osmnx layout, .osm.pbf, .osm)")
    g.add_argument("--crowfly", action="store_true", help="no road network: crow-fly distance x detour factor")
    g.add_argument("--detour", type=float, default=1.3, help="detour factor for --crowfly (default 1.3)")
    g.add_argument(
        "--placement",
        choices=["cell_centre", "street_nodes"],
        default="cell_centre",
        help="residents at cell centres or spread over residential street nodes",
    )
    g.add_argument("--no-progress", action="store_true", help="no progress bars")


def add_norm_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that define the norm."""
    from spreiding.analysis.norm import PRESETS

    g = parser.add_argument_group("norm (no legal number exists: presets are examples)")
    g.add_argument("--norm", choices=sorted(PRESETS), help="preset norm")
    g.add_argument("--mode", choices=["car", "bike", "walk", "auto", "fiets", "lopen"], help="travel mode")
    g.add_argument("--max-km", type=float, help="largest distance over the road in km")
    g.add_argument("--max-min", type=float, help="largest travel time in minutes")
    g.add_argument("--kinds", help="comma-separated kinds that count (vestiging,kleine_vestiging,servicepunt)")
    g.add_argument(
        "--age",
        choices=["pop_0_14", "pop_15_24", "pop_25_44", "pop_45_64", "pop_65plus"],
        help="age band the norm is about",
    )


def norm_from_args(args: argparse.Namespace):  # -> Norm (import kept lazy for a fast --help)
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
    if changes:
        norm = base.with_(**changes)
        return norm.with_(name=norm.describe())
    return base


def write_table(table: pd.DataFrame, path: str | os.PathLike[str], *, layer: str = "coverage") -> Path:
    """Write a table as CSV, XLSX or GeoPackage (by extension); GeoDataFrames keep geometry."""
    import geopandas as gpd

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        frame = table.drop(columns="geometry") if "geometry" in table else table
        frame.to_csv(out, index=False)
    elif suffix == ".xlsx":
        frame = table.drop(columns="geometry") if "geometry" in table else table
        frame.to_excel(out, index=False)
    elif suffix == ".gpkg":
        if isinstance(table, gpd.GeoDataFrame):
            table.to_file(out, layer=layer, driver="GPKG")
        else:
            gpd.GeoDataFrame(table, geometry=[None] * len(table), crs="EPSG:28992").to_file(
                out, layer=layer, driver="GPKG"
            )
    else:
        msg = f"cannot write {out.name}: use a .csv, .xlsx or .gpkg file name"
        raise SpreidingError(msg)
    return out


def _format(table: pd.DataFrame) -> str:
    view = table.copy()
    for col in view.columns:
        if col.endswith("_dist_m"):
            view[col.replace("_dist_m", "_km")] = (view.pop(col) / 1000).round(2)
        elif col == "mean_time_s":
            view["mean_min"] = (view.pop(col) / 60).round(1)
    for col in ("residents", "covered", "uncovered", "unreachable"):
        if col in view:
            view[col] = view[col].round(0).astype("Int64")
    if "covered_pct" in view:
        view["covered_pct"] = view["covered_pct"].round(1)
    return view.drop(columns=[c for c in ("distance_model", "placement", "norm") if c in view]).to_string(index=False)


def load_inputs(args: argparse.Namespace, norm_mode: str):  # -> (Region, RoadNetwork | None)
    """Load the region and the network for a mode as the options say."""
    from spreiding.data.region import load_region
    from spreiding.network.roads import load_network

    region = load_region(args.data_dir, population_path=args.population, facilities_path=args.facilities)
    network = None
    if not args.crowfly:
        network = load_network(args.network, norm_mode, data_dir=region.data_dir, progress=not args.no_progress)
    return region, network


def _cmd_coverage(args: argparse.Namespace) -> int:
    from spreiding.data.region import analyse

    norm = norm_from_args(args)
    region, network = load_inputs(args, norm.mode)
    result = analyse(
        region.population,
        region.facilities,
        norm,
        network,
        placement=args.placement,
        total_label=region.name,
        detour_factor=args.detour,
    )
    table = result.by_age if args.by_age else result.table
    print(
        f"Norm: {norm.describe()}  [{norm.name}]"
        + ("  (voorbeeldnorm; de wet noemt geen getal)" if norm.example else "")
    )
    print(f"Afstandsmodel: {result.model.label} — {result.model.label_nl}; plaatsing: {args.placement}")
    print(f"Voorzieningen die tellen: {len(result.facilities)} (open, soorten {', '.join(sorted(norm.kinds))})")
    for item in result.excluded_facilities:
        print(f"  let op: {item['id']} ligt {item['snap_m']:.0f} m van het wegennet en telt niet mee")
    print(_format(table))
    if not args.crowfly:
        print(OSM_CREDIT)
    if args.out:
        out = write_table(table, args.out)
        print(f"geschreven: {out}")
    if args.uncovered_out:
        out = write_table(result.uncovered, args.uncovered_out, layer="uncovered")
        print(f"geschreven: {out}")
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from spreiding.data.fetch import fetch_region

    paths = fetch_region(
        args.region, args.data_dir, include_optional=args.all, force=args.force, progress=not args.no_progress
    )
    for p in paths:
        print(f"aanwezig: {p}")
    return 0


def _ensure_default_data(data_dir: str | None) -> None:
    """On a fresh machine, fetch the default region once; the app's Data page explains what is missing."""
    from spreiding.data.config import data_paths
    from spreiding.data.fetch import fetch_region

    missing = data_paths(data_dir).missing()
    if not missing:
        return
    logger.warning("data folder lacks %s; trying `spreiding fetch` once", ", ".join(p.name for p in missing))
    try:
        fetch_region("drenthe", data_dir)
    except SpreidingError as exc:
        logger.warning("could not fetch the default region (%s); the app will show what is missing", exc)


def _cmd_app(args: argparse.Namespace) -> int:
    _ensure_default_data(args.data_dir)
    app = Path(__file__).resolve().parents[1] / "app" / "main.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port)]
    if args.headless:
        cmd += ["--server.headless", "true"]
    env = dict(os.environ)
    if args.data_dir:
        env["SPREIDING_DATA_DIR"] = args.data_dir
    return subprocess.call(cmd, env=env)


def _extra_commands() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Sub-commands contributed by other modules (scenario, optimize), when present."""
    found: list[Callable[[argparse._SubParsersAction], None]] = []
    try:
        from spreiding.cli.scenario import register

        found.append(register)
    except ImportError:
        pass
    return found


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``spreiding`` command."""
    parser = argparse.ArgumentParser(prog="spreiding", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", required=True)

    cov = sub.add_parser("coverage", help="duty-of-care coverage per municipality")
    add_norm_arguments(cov)
    add_data_arguments(cov)
    cov.add_argument("--by-age", action="store_true", help="one row per municipality and age band")
    cov.add_argument("--out", help="write the table (.csv, .xlsx or .gpkg)")
    cov.add_argument("--uncovered-out", help="write the uncovered cells (.gpkg or .csv)")
    cov.set_defaults(func=_cmd_coverage)

    fe = sub.add_parser("fetch", help="download the default region's data (needs internet)")
    fe.add_argument("--data-dir", help="where to put it (default: $SPREIDING_DATA_DIR or data/)")
    fe.add_argument("--region", default="drenthe")
    fe.add_argument("--force", action="store_true", help="download again even when present")
    fe.add_argument("--all", action="store_true", help="also the optional files (neighbouring provinces, 500 m grid)")
    fe.add_argument("--no-progress", action="store_true")
    fe.set_defaults(func=_cmd_fetch)

    app = sub.add_parser("app", help="start the Streamlit app")
    app.add_argument("--data-dir")
    app.add_argument("--port", type=int, default=8501)
    app.add_argument("--headless", action="store_true", help="do not open a browser")
    app.set_defaults(func=_cmd_app)

    for register in _extra_commands():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
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
