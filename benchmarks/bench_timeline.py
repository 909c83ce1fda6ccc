"""Benchmark: the timeline (``spreiding history``) on the real Drenthe data (car network, 5 km norm).

Prints the time to load the inputs, to build the one points × service-points
matrix, to evaluate every step of the timeline on it (the dates as scenarios
of close/reopen edits), and, for comparison, the time one step would cost if
each date built its own study (a fresh matrix); ends with ``steps=``,
``matrix_s=``, ``timeline_steps_s=`` and ``rebuild_per_date_s=`` lines.
Needs the data folder. ``--placement street_nodes`` measures that placement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--placement", default="cell_centre", choices=["cell_centre", "street_nodes"])
    args = parser.parse_args()

    from spreiding.analysis.norm import Norm
    from spreiding.analysis.timeline import timeline
    from spreiding.data.dates import facilities_as_of
    from spreiding.data.region import load_region
    from spreiding.network.roads import load_network
    from spreiding.study import Study, StudySettings

    t0 = time.perf_counter()
    region = load_region()
    network = load_network(mode="car", data_dir=region.data_dir, progress=False)
    load_s = time.perf_counter() - t0
    norm = Norm(name="5 km over de weg (auto)", mode="car", max_dist_m=5000.0)
    settings = StudySettings(mode="car", placement=args.placement)
    study = Study.from_region(region, network, settings)
    t0 = time.perf_counter()
    study.prepare()
    matrix_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    line = timeline(study, norm)
    steps_s = time.perf_counter() - t0
    steps = len(line.dates)
    t0 = time.perf_counter()  # what one date costs with its own study (the route the timeline avoids)
    own = Study(region.population, facilities_as_of(region.facilities, dt.date(2021, 1, 1)), network, settings)
    own.prepare()
    own.evaluate(norm)
    one_rebuild_s = time.perf_counter() - t0
    print(f"placement={args.placement} (timings on a shared machine: read as rough figures)")
    print(f"load_s={load_s:.2f}")
    print(f"steps={steps}")
    print(f"matrix_s={matrix_s:.2f}")
    print(f"timeline_steps_s={steps_s:.2f}")
    print(f"rebuild_per_date_s={one_rebuild_s * steps:.2f}  (one study per date: {one_rebuild_s:.2f} s x {steps})")


if __name__ == "__main__":
    main()
