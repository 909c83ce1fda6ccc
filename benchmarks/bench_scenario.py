"""Benchmark: scenario toggles on the real Drenthe data (car network, 5 km norm).

Prints the precompute time, the time of a toggle (close / re-open a known
service point: a choice of matrix columns) and of a new site (one
single-source search), ending with ``toggle_ms=`` and ``new_site_ms=`` lines.
Run: ``python benchmarks/bench_scenario.py`` (needs the data folder).
"""

from __future__ import annotations

import statistics
import time

from spreiding.analysis.evaluation import evaluate, prepare_context
from spreiding.analysis.impact import closure_impact
from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Scenario, close, library_examples, open_site
from spreiding.analysis.placement import counted_facilities
from spreiding.data.region import load_region
from spreiding.network.roads import load_network


def _ms(func, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


def main() -> None:
    """Run the benchmark and print the figures."""
    region = load_region()
    network = load_network(mode="car", data_dir=region.data_dir, progress=False)
    norm = Norm(name="5 km over de weg (auto)", mode="car", max_dist_m=5000.0)
    t0 = time.perf_counter()
    ctx = prepare_context(region.population, region.facilities, network, mode="car")
    print(f"precompute_s={time.perf_counter() - t0:.2f} matrix={ctx.matrix.shape[0]}x{ctx.matrix.shape[1]}")
    evaluate(ctx, Scenario("warm"), norm)  # fills the base memo once per norm
    toggles = [Scenario("Assen dicht", edits=(close("dr-042"),)), *library_examples(region.facilities)]
    toggle = max(_ms(lambda s=s: evaluate(ctx, s, norm)) for s in toggles[:3])
    n = [0]

    def new_site() -> None:
        n[0] += 1  # a fresh location every time, so every call does its single-source search
        evaluate(
            ctx, Scenario("MFA", edits=(open_site("MFA", "kleine_vestiging", 233000.0 + 50 * n[0], 557000.0),)), norm
        )

    new = _ms(new_site)
    counted = counted_facilities(region.facilities, norm)
    ranking = _ms(lambda: closure_impact(ctx.points, ctx.matrix, counted, norm))
    res = evaluate(ctx, toggles[0], norm)
    print(f"closure_ranking_ms={ranking:.1f} ({len(counted)} points)")
    print(f"Assen dicht: covered {res.total['covered_base']:.0f} -> {res.total['covered']:.0f}")
    print(f"toggle_ms={toggle:.1f}")
    print(f"new_site_ms={new:.1f}")


if __name__ == "__main__":
    main()
