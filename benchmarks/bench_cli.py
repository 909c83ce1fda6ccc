"""Benchmark: ``spreiding coverage`` as a whole process on Drenthe (default placement), warm disk caches.

Runs the command in fresh processes and prints the best of ``--repeats``:

- ``coverage_compute_seconds=``: a question the answer cache has not seen
  (``--no-cache``): imports, loading, placement, search, table;
- ``coverage_repeat_seconds=``: the same question again (answered from the
  cache, no pandas, geopandas or network loaded); target ≤ 1 s;
- ``cli_import_seconds=``: ``import spreiding.cli.main`` alone;
- ``stack_import_seconds=``: ``import pandas, geopandas, scipy.sparse.csgraph``
  alone, the floor of any run that computes; the ratios say how the repeat
  compares with it.

Needs the data folder. Uses a temporary cache folder, filled by one first run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

_COVERAGE = [sys.executable, "-m", "spreiding", "coverage", "--no-progress"]


def _best(cmd: list[str], env: dict[str, str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spreiding-bench-cache-") as cache:
        env = {**os.environ, "SPREIDING_CACHE_DIR": cache, "SPREIDING_ANSWER_CACHE": "1"}
        _best(_COVERAGE, env, 1)  # fills the network, graph and answer caches
        compute = _best([*_COVERAGE, "--no-cache"], env, args.repeats)
        repeat = _best(_COVERAGE, env, args.repeats)
        cli = _best([sys.executable, "-c", "import spreiding.cli.main"], env, args.repeats)
        stack = _best([sys.executable, "-c", "import pandas, geopandas, scipy.sparse.csgraph"], env, args.repeats)
    print(f"coverage_compute_seconds={compute:.2f}")
    print(f"coverage_repeat_seconds={repeat:.2f}")
    print(f"cli_import_seconds={cli:.2f}")
    print(f"stack_import_seconds={stack:.2f}")
    print(f"repeat_vs_stack_import={repeat / stack:.2f}")
    print(f"repeat_vs_compute={repeat / compute:.2f}")


if __name__ == "__main__":
    main()
