"""Benchmark: scenario toggles on the real Drenthe data (car network, 5 km norm).

Prints the precompute time, the time of a toggle (close / re-open a known
service point: a choice of matrix columns), of a new site (one single-source
search) and of the closure ranking, ending with ``toggle_ms=``,
``new_site_ms=`` and ``closure_ranking_ms=`` lines. Toggles are timed without
the study's result cache (the work an uncached edit does).

``python benchmarks/bench_scenario.py`` measures this checkout;
``python benchmarks/bench_scenario.py --before DIR`` also measures the
checkout in DIR (an older version, e.g. a ``git worktree``) in the same run,
alternating rounds, and prints ``*_before`` figures and ratios (A/B, median of
the rounds). Needs the data folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _ms(func: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


def _measure() -> dict[str, float]:
    """Time toggles, a new site and the closure ranking with whatever API this checkout has."""
    import importlib

    import spreiding

    new = (Path(spreiding.__file__).parent / "study.py").exists()
    names = ("analysis.evaluation", "analysis.norm", "analysis.scenario", "data.region", "network.roads")
    old = ("evaluation", "norm", "scenario", "region", "network")  # the flat layout before the sub-packages
    ev, nm, sc, rg, nw = (importlib.import_module(f"spreiding.{n}") for n in (names if new else old))
    evaluate, prepare_context, Norm, Scenario = ev.evaluate, ev.prepare_context, nm.Norm, sc.Scenario
    close, library_examples, open_site = sc.close, sc.library_examples, sc.open_site
    load_region, load_network = rg.load_region, nw.load_network

    region = load_region()
    network = load_network(mode="car", data_dir=region.data_dir, progress=False)
    norm = Norm(name="5 km over de weg (auto)", mode="car", max_dist_m=5000.0)
    t0 = time.perf_counter()
    if new:  # the study's default placement (street nodes since issue 9; cell centres before)
        from spreiding.study import Study

        ctx = Study.from_region(region, network).context
    else:
        ctx = prepare_context(region.population, region.facilities, network, mode="car")
    precompute = time.perf_counter() - t0
    toggles = [Scenario("Assen dicht", edits=(close("dr-042"),)), *library_examples(region.facilities)][:3]
    n = [0]

    def new_scenario() -> object:
        n[0] += 1  # a fresh location every time, so every call does its single-source search
        return Scenario("MFA", edits=(open_site("MFA", "kleine_vestiging", 233000.0 + 50 * n[0], 557000.0),))

    if new:
        from spreiding.analysis.impact import closure_impact

        base = evaluate(ctx, Scenario("basis"), norm)
        toggle = max(_ms(lambda s=s: evaluate(ctx, s, norm, base=base)) for s in toggles)
        new = _ms(lambda: evaluate(ctx, new_scenario(), norm, base=base))
        ranking = _ms(lambda: closure_impact(base))
    else:  # the API before the Study (same work: the base memoised per norm)
        closure_impact = importlib.import_module("spreiding.impact").closure_impact
        counted_facilities = rg.counted_facilities

        evaluate(ctx, Scenario("warm"), norm)
        toggle = max(_ms(lambda s=s: evaluate(ctx, s, norm)) for s in toggles)
        new = _ms(lambda: evaluate(ctx, new_scenario(), norm))
        counted = counted_facilities(region.facilities, norm)
        ranking = _ms(lambda: closure_impact(ctx.points, ctx.matrix, counted, norm))  # type: ignore[call-arg]
    return {
        "points": float(len(ctx.points)),
        "precompute_s": precompute,
        "toggle_ms": toggle,
        "new_site_ms": new,
        "closure_ranking_ms": ranking,
    }


def _measure_in(checkout: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run(
        [sys.executable, __file__, "--json"], env=env, cwd=checkout, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="an older checkout to measure in the same run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(_measure()))
        return
    here = Path(__file__).resolve().parent.parent
    now: list[dict[str, float]] = []
    before: list[dict[str, float]] = []
    for _ in range(args.rounds if args.before else 1):
        now.append(_measure_in(here))
        if args.before:
            before.append(_measure_in(args.before.resolve()))
    for key in now[0]:
        value = statistics.median(r[key] for r in now)
        print(f"{key}={value:.2f}")
        if before:
            old = statistics.median(r[key] for r in before)
            print(f"{key}_before={old:.2f}")
            print(f"{key}_ratio={value / old:.2f}")


if __name__ == "__main__":
    main()
