"""Benchmark: nearest-library distances on the real Drenthe network vs networkx, and on a large generated graph.

Run: ``python benchmarks/bench_distance.py`` (needs the data folder; see README).

1. Drenthe (real data): the 2,073 census cells (or, with ``--streets``, their
   street placements) and the open libraries of Drenthe and the 15 km ring,
   car network. Times one nearest-library pass (snapping included, distance
   only) with ``spreiding.network.engine.nearest_facility`` and networkx's
   ``multi_source_dijkstra_path_length`` on the same reversed graph, checks
   they agree, and times the cells x libraries matrix.
2. A GENERATED road-like graph (a perturbed grid with missing links, one-way
   arcs and faster arterials) of >= 1,000,000 nodes, to show how the cost
   grows. It is labelled as generated: it is not real data.

Ends with ``name=value`` lines: seconds, networkx_seconds,
speedup_vs_networkx, large_nodes, large_seconds, matrix_seconds, peak_mb.
Targets on Drenthe after the network is loaded: one pass < 0.1 s and >= 10x
networkx; the matrix < 1 s.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spreiding.analysis.placement import place_on_streets
from spreiding.data.config import data_paths
from spreiding.data.facilities import load_facilities, select_facilities
from spreiding.data.population import load_census_grid, load_pc4
from spreiding.network.engine import distance_matrix, nearest_facility
from spreiding.network.roads import build_network, load_network


def _best(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def _generated_graph(side: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A road-like grid: 150-250 m blocks, 8 % links missing, 5 % one-way, every 10th line an arterial."""
    rng = np.random.default_rng(seed)
    ids = np.arange(side * side).reshape(side, side)
    jitter = rng.uniform(-40, 40, (2, side, side))
    x = np.arange(side)[None, :] * 200.0 + jitter[0]
    y = np.arange(side)[:, None] * 200.0 + jitter[1]
    nodes = pd.DataFrame({"node_id": ids.ravel(), "x": x.ravel(), "y": y.ravel()})
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    keep = rng.random(u.shape[0]) > 0.08
    u, v = u[keep], v[keep]
    length = np.hypot(nodes.x.to_numpy()[u] - nodes.x.to_numpy()[v], nodes.y.to_numpy()[u] - nodes.y.to_numpy()[v])
    row_u, col_u = np.divmod(u, side)
    arterial = (row_u % 10 == 0) | (col_u % 10 == 0)
    highway = np.where(arterial, "secondary", "residential")
    edges = pd.DataFrame(
        {"u": u, "v": v, "highway": highway, "oneway": rng.random(u.shape[0]) < 0.05, "length_m": length * 1.05}
    )
    return nodes, edges


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streets", action="store_true", help="use street placements instead of cell centres")
    parser.add_argument("--side", type=int, default=1001, help="generated grid side (nodes = side^2)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    paths = data_paths()
    if paths.missing():
        print(f"data folder incomplete ({paths.root}); set SPREIDING_DATA_DIR. Missing: {paths.missing()}")
        return 1
    t0 = time.perf_counter()
    net = load_network(paths.roads, "car", progress=False)
    cells = load_census_grid(paths.population_grid, pc4=load_pc4(paths.pc4))
    libs = select_facilities(load_facilities(paths.libraries), statuses=("open",))
    points = place_on_streets(cells, net.x, net.y, net.residential, fallback=net.in_lcc) if args.streets else cells
    net.chains_length, net.lcc_tree  # noqa: B018  (warm the cached graph views, as an app would)
    print(f"loaded in {time.perf_counter() - t0:.1f} s: {net.describe()}")
    print(
        f"points: {len(points):,} ({'street placements' if args.streets else 'cell centres'}); libraries: {len(libs)}"
    )

    tracemalloc.start()
    seconds, ours = _best(lambda: nearest_facility(points, libs, net, with_time=False), args.repeats)
    _, pass_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # networkx on the same reversed graph (distances *to* a library), built outside the timing
    rev = net.reverse_length_m.tocoo()
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(rev.row.tolist(), rev.col.tolist(), rev.data.tolist(), strict=True))
    snapped_nodes = net.lcc_nodes[net.lcc_tree.query(np.column_stack([libs.geometry.x, libs.geometry.y]))[1]]
    sources = set(snapped_nodes.tolist())
    nx_seconds, nx_dist = _best(
        lambda: nx.multi_source_dijkstra_path_length(g, sources, weight="weight"), max(1, args.repeats // 2)
    )
    pts_nodes = net.lcc_nodes[net.lcc_tree.query(np.column_stack([points.geometry.x, points.geometry.y]))[1]]
    lib_snap = net.lcc_tree.query(np.column_stack([libs.geometry.x, libs.geometry.y]))[0]
    nx_arr = np.array([nx_dist.get(int(n), np.inf) for n in pts_nodes])
    ours_net = ours.dist_m - ours.snap_m
    # ours also adds each library's own snap leg; networkx starts at the snapped node
    agree = np.nanmax(np.abs(ours_net - nx_arr)) <= float(lib_snap.max()) + 0.01

    matrix_seconds, m = _best(lambda: distance_matrix(points, libs, net, with_time=False), max(1, args.repeats // 2))
    matrix_time_seconds, _ = _best(lambda: distance_matrix(points, libs, net, with_time=True), 1)

    w = points["pop_total"].to_numpy(float)
    fin = np.isfinite(ours.dist_m)
    mean_km = float((ours.dist_m[fin] * w[fin]).sum() / w[fin].sum() / 1000)
    print()
    print("== Drenthe, real data (OSM 2021 car network, Census 2021 grid) ==")
    print(f"one nearest-library pass (snapping included): {seconds * 1000:.1f} ms  (target < 100 ms)")
    print(f"networkx multi_source_dijkstra:              {nx_seconds * 1000:.1f} ms")
    print(f"speed-up vs networkx: {nx_seconds / seconds:.1f}x  (target >= 10x); distances agree: {agree}")
    print(f"resident-weighted mean distance to the nearest open library: {mean_km:.2f} km (CBS-comparable, car)")
    print(f"matrix {m.shape[0]:,} x {m.shape[1]} (distance): {matrix_seconds * 1000:.0f} ms  (target < 1 s)")
    print(f"matrix with car travel times as well:          {matrix_time_seconds * 1000:.0f} ms")
    print(f"peak traced memory of one pass: {pass_peak / 2**20:.1f} MB")

    print()
    print(f"== GENERATED road-like grid graph, {args.side}x{args.side} (not real data) ==")
    gnodes, gedges = _generated_graph(args.side)
    t0 = time.perf_counter()
    big = build_network(gnodes, gedges, "car", source="generated grid")
    build_s = time.perf_counter() - t0
    rng = np.random.default_rng(2)
    pick = rng.choice(big.lcc_nodes, 2000 + 80, replace=False)
    gp = gpd.GeoDataFrame(geometry=gpd.points_from_xy(big.x[pick[:2000]] + 30, big.y[pick[:2000]]), crs=28992)
    gl = gpd.GeoDataFrame(
        {"id": [f"g{i}" for i in range(80)]},
        geometry=gpd.points_from_xy(big.x[pick[2000:]], big.y[pick[2000:]]),
        crs=28992,
    )
    big.chains_length, big.lcc_tree  # noqa: B018
    large_seconds, _ = _best(lambda: nearest_facility(gp, gl, big, with_time=False), 3)
    print(f"nodes {big.n_nodes:,}, arcs {big.n_arcs:,}; build {build_s:.1f} s; one pass {large_seconds * 1000:.0f} ms")
    print(f"cost growth: {big.n_nodes / net.n_nodes:.1f}x the nodes -> {large_seconds / seconds:.1f}x the time")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"seconds={seconds:.4f}")
    print(f"networkx_seconds={nx_seconds:.4f}")
    print(f"speedup_vs_networkx={nx_seconds / seconds:.1f}")
    print(f"large_nodes={big.n_nodes}")
    print(f"large_seconds={large_seconds:.4f}")
    print(f"matrix_seconds={matrix_seconds:.4f}")
    print(f"peak_mb={peak_mb:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
