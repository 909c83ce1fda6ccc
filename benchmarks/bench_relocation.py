"""Benchmark: relocation advice (``allow_close``) on the real region, next to the same advice without closing.

Demand: the region's residents (cell centres); existing points: the counted libraries (those across the border
never close); candidates: OSM places and buildings. Car network unless ``--crowfly``. For each model the script
prints the solve time, the covered share / mean distance after the advice and the closures (by name).

Usage::

    python benchmarks/bench_relocation.py [--crowfly] [--p 3] [--k 3] [--km 5 10]

The last lines are ``model=... km=... seconds=... closed=...`` per run.
"""

from __future__ import annotations

import argparse
import logging
import time

from spreiding.analysis.norm import Norm
from spreiding.data.candidates import load_candidates
from spreiding.data.region import load_region
from spreiding.study import Study, StudySettings


def main() -> None:
    """Run the advice for each model and norm, with and without closing, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--crowfly", action="store_true")
    parser.add_argument("--p", type=int, default=3)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--km", type=float, nargs="+", default=[5.0, 10.0])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    region = load_region(None)
    network = None
    if not args.crowfly:
        from spreiding.network.roads import load_network

        network = load_network(mode="car", progress=False)
    settings = StudySettings(mode="car", detour_factor=1.3)
    study = Study.from_region(region, network, settings)
    candidates = load_candidates("osm")
    t0 = time.perf_counter()
    study.prepare()
    cm = study.candidate_matrix(candidates)
    print(f"matrix_seconds={time.perf_counter() - t0:.1f} candidates={len(candidates)} crowfly={args.crowfly}")
    for km in args.km:
        norm = Norm(name=f"{km:g} km", max_dist_m=km * 1000.0)
        for model in ("mclp", "p-median", "lscp"):
            for close in (False, True):
                opts = {"p": args.p, "max_closures": args.k} if model != "lscp" else {"target_share": 0.95}
                t = time.perf_counter()
                adv = study.suggest_sites(norm, candidates, model=model, allow_close=close, cand_matrix=cm, **opts)
                secs = time.perf_counter() - t
                closed = "; ".join(adv.closed_names) or "-"
                print(
                    f"model={model} km={km:g} allow_close={close} seconds={secs:.2f} status={adv.result.status} "
                    f"new={len(adv.sites)} covered_pct={adv.after['covered_pct']:.2f} "
                    f"mean_km={adv.after['mean_dist_m'] / 1000:.3f} closed={closed}"
                )


if __name__ == "__main__":
    main()
