"""Benchmark: MCLP with spreiding.siting.models (scipy/HiGHS) against spopt + PuLP (CBC), same instance.

Demand: the 2,073 populated 1 km census cells of Drenthe (cell centres, residents as weights).
Candidates: OSM place points (layer ``kernen``) and candidate buildings (layer ``kandidaten``) in Drenthe.
Cost: road distance over the car network (spreiding.network.roads + spreiding.network.engine) when those modules
load, else crow-fly distance x 1.3 (labelled as such). Norm 5,000 m, p = 20 new sites, no existing.

Usage::

    python benchmarks/bench_optimize.py [--crowfly] [--p 20] [--norm-m 5000] [--time-limit-s 600]

Without the real data folder a seeded synthetic instance of the same size is used (labelled).
The last lines are ``seconds=``, ``spopt_seconds=``, ``speedup_vs_spopt=``, ``objective=``, ``spopt_objective=``.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

import numpy as np

from spreiding.data.config import data_paths
from spreiding.siting.models import greedy_mclp, mclp

DETOUR = 1.3


def _census_centres(path: Any) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres (RD New) and residents from the Eurostat grid CSV."""
    import pandas as pd
    from pyproj import Transformer

    grid = pd.read_csv(path, usecols=["GRD_ID", "T"])
    parts = grid["GRD_ID"].astype(str).str.extract(r"N(\d+)E(\d+)").astype(float)
    to_rd = Transformer.from_crs("EPSG:3035", "EPSG:28992", always_xy=True)
    x, y = to_rd.transform(parts[1].to_numpy() + 500.0, parts[0].to_numpy() + 500.0)
    weights = grid["T"].clip(lower=0).to_numpy(dtype=float)
    return np.column_stack([x, y]), weights


def _candidate_points(path: Any) -> np.ndarray:
    import geopandas as gpd

    frames = [gpd.read_file(path, layer=layer) for layer in ("kernen", "kandidaten")]
    xy = [np.column_stack([f.geometry.x, f.geometry.y])[f["in_drenthe"].astype(bool).to_numpy()] for f in frames]
    return np.vstack(xy)


def _network_matrix(demand_xy: np.ndarray, cand_xy: np.ndarray) -> np.ndarray:
    """Car road distances via the package's network and distance modules."""
    import geopandas as gpd

    from spreiding.network.engine import distance_matrix
    from spreiding.network.roads import load_network

    network = load_network(mode="car", progress=False)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(demand_xy[:, 0], demand_xy[:, 1]), crs="EPSG:28992")
    sites = gpd.GeoDataFrame(
        {"id": [f"c{i}" for i in range(len(cand_xy))]},
        geometry=gpd.points_from_xy(cand_xy[:, 0], cand_xy[:, 1]),
        crs="EPSG:28992",
    )
    matrix = distance_matrix(points, sites, network, cutoff_m=20_000.0, with_time=False)
    return np.asarray(matrix.dist_m, dtype=float)


def _instance(crowfly: bool) -> tuple[np.ndarray, np.ndarray, str]:
    paths = data_paths()
    if not (paths.population_grid.exists() and paths.osm_points.exists()):
        rng = np.random.default_rng(0)
        demand = rng.uniform(0, 60_000, (2_073, 2))
        cands = rng.uniform(0, 60_000, (1_000, 2))
        weights = rng.integers(1, 2_000, 2_073).astype(float)
        dist = np.linalg.norm(demand[:, None] - cands[None], axis=2) * DETOUR
        return weights, dist, f"SYNTHETIC instance (data folder absent): crow-fly x {DETOUR}"
    demand, weights = _census_centres(paths.population_grid)
    cands = _candidate_points(paths.osm_points)
    if not crowfly:
        try:
            start = time.perf_counter()
            dist = _network_matrix(demand, cands)
            took = time.perf_counter() - start
            return weights, dist, f"real Drenthe data, car road distance (matrix built in {took:.1f} s)"
        except Exception as exc:  # the network modules are optional here
            print(f"road distances unavailable ({type(exc).__name__}: {exc}); falling back to crow-fly")
    diff = demand[:, None, :] - cands[None, :, :]
    dist = np.hypot(diff[..., 0], diff[..., 1]) * DETOUR
    return weights, dist, f"real Drenthe data, crow-fly distance x {DETOUR} (not road distance)"


def _spopt(weights: np.ndarray, dist: np.ndarray, norm_m: float, p: int, time_limit_s: float) -> tuple[float, float]:
    import pulp
    from spopt.locate import MCLP

    if "PULP_CBC_CMD" not in pulp.listSolvers(onlyAvailable=True):
        msg = "PuLP's CBC solver is not available"
        raise RuntimeError(msg)
    start = time.perf_counter()
    cost = np.where(np.isfinite(dist), dist, 1e12)  # spopt needs finite costs; 1e12 m is never within the norm
    model = MCLP.from_cost_matrix(cost, weights, service_radius=norm_m, p_facilities=p)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s))
    seconds = time.perf_counter() - start
    return seconds, float(pulp.value(model.problem.objective))


def main() -> None:
    """Run the benchmark and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crowfly", action="store_true", help=f"use crow-fly distance x {DETOUR}")
    parser.add_argument("--p", type=int, default=20)
    parser.add_argument("--norm-m", type=float, default=5_000.0)
    parser.add_argument("--time-limit-s", type=float, default=600.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    weights, dist, label = _instance(args.crowfly)
    n, m = dist.shape
    print(f"instance: {n} demand points x {m} candidates; {label}")
    print(f"residents {weights.sum():,.0f}; norm {args.norm_m:,.0f} m; p = {args.p} new sites")

    start = time.perf_counter()
    ours = mclp(weights, dist, args.norm_m, args.p, method="milp", time_limit_s=args.time_limit_s)
    seconds = time.perf_counter() - start
    greedy = greedy_mclp(weights, dist, args.norm_m, args.p)
    print(f"spreiding MILP (HiGHS): {seconds:.3f} s, covered {ours.objective:,.0f} ({ours.covered_share:.2%}),")
    print(f"  status {ours.status}, gap {ours.mip_gap}, sites {len(ours.selected)}")
    print(f"spreiding greedy: {greedy.solve_time_s:.3f} s, covered {greedy.objective:,.0f}")

    spopt_seconds, spopt_objective = _spopt(weights, dist, args.norm_m, args.p, args.time_limit_s)
    print(f"spopt + PuLP (CBC): {spopt_seconds:.3f} s, covered {spopt_objective:,.0f}")
    print(f"objective ratio (spreiding / spopt): {ours.objective / spopt_objective:.6f}")
    print(f"seconds={seconds:.4f}")
    print(f"spopt_seconds={spopt_seconds:.4f}")
    print(f"speedup_vs_spopt={spopt_seconds / seconds:.1f}")
    print(f"objective={ours.objective:.1f}")
    print(f"spopt_objective={spopt_objective:.1f}")


if __name__ == "__main__":
    main()
