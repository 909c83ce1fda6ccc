"""Write the coverage figures of every preset norm and both placements, to compare two versions.

Usage: ``python benchmarks/figures.py OUT_DIR`` (runs ``spreiding coverage`` for
every preset, cell centres and street nodes, plus a norm with both a distance
and a time limit, tables and age bands), then
``python benchmarks/figures.py --diff OLD_DIR NEW_DIR`` prints every figure that
changed by more than 1e-6 (relative). Needs the data folder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

PRESETS = ("5km-auto", "10km-auto", "15min-fiets", "30min-lopen", "cbs-auto", "15min-fiets-jeugd")
EXTRA = {"both-limits": ["--mode", "car", "--max-km", "5", "--max-min", "8"]}
PLACEMENTS = ("cell_centre", "street_nodes")


def _runs() -> list[tuple[str, list[str]]]:
    runs = [(p, ["--norm", p]) for p in PRESETS]
    runs += list(EXTRA.items())
    return [
        (
            f"{name}_{placement}{'_age' if age else ''}",
            [*args, "--placement", placement, *(["--by-age"] if age else [])],
        )
        for name, args in runs
        for placement in PLACEMENTS
        for age in (False, True)
    ]


def write(out: Path) -> None:
    """Write one CSV per run into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, args in _runs():
        target = out / f"{name}.csv"
        cmd = [
            sys.executable,
            "-m",
            "spreiding.cli",
            "coverage",
            *args,
            "--no-progress",
            "--out",
            str(target),
        ]
        if target.exists():
            target.unlink()
        subprocess.run(cmd, check=True, capture_output=True)
        sys.stdout.write(f"wrote {target.name}\n")


def diff(old: Path, new: Path) -> int:
    """Print the figures that differ between two output folders; return the number of differing files."""
    changed = 0
    for a in sorted(old.glob("*.csv")):
        b = new / a.name
        if not b.exists():
            sys.stdout.write(f"{a.name}: missing in {new}\n")
            changed += 1
            continue
        fa, fb = pd.read_csv(a), pd.read_csv(b)
        cols = [c for c in fa.select_dtypes("number").columns if c in fb.columns]
        if fa.shape[0] != fb.shape[0]:
            sys.stdout.write(f"{a.name}: {fa.shape[0]} rows vs {fb.shape[0]}\n")
            changed += 1
            continue
        x, y = fa[cols].to_numpy(float), fb[cols].to_numpy(float)
        bad = ~np.isclose(x, y, rtol=1e-6, atol=1e-6, equal_nan=True)
        if bad.any():
            changed += 1
            rows, cs = np.nonzero(bad)
            for r, c in list(zip(rows, cs, strict=True))[:5]:
                sys.stdout.write(f"{a.name}: row {r} {cols[c]}: {x[r, c]} -> {y[r, c]}\n")
    sys.stdout.write(f"files_changed={changed}\n")
    return changed


if __name__ == "__main__":
    if sys.argv[1] == "--diff":
        diff(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        write(Path(sys.argv[1]))
