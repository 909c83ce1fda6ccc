"""Benchmark: the nearest pass and the cut-off matrix at national scale, on a GENERATED graph, vs plain scipy.

Run: ``python benchmarks/bench_scale.py`` (5M nodes, minutes, ~3 GB; keep it out of CI) or
``python benchmarks/bench_scale.py --nodes 20000`` (the small version CI runs). Add ``--drenthe`` for the
real Drenthe figures (needs the data folder; see README).

1. A GENERATED road-like grid graph (``bench_distance._generated_graph``: a perturbed grid with missing links,
   one-way arcs and faster arterials; not real data) of ``--nodes`` nodes, with ``--points`` residents'
   points (street nodes, 30 m off the road) and ``--sites`` service points (on street nodes). Defaults
   scale 400,000 points and 1,250 sites (the whole Netherlands: populated 100 m squares, library
   locations) with the nodes, from 5M nodes down. Times, with
   ``spreiding.network.engine``, the nearest pass (distance only) and the points × sites matrix with a
   20 km cut-off (distance only), and the matrix call's own memory peak (RSS high-water mark reset just
   before the call, minus RSS before it; tracemalloc where that is not available). ``nearest_seconds``
   is a warm call (best of ``--repeats``, the network's cached views already built, as in an app);
   ``nearest_cold_seconds`` the first call on the new network, which also builds those views (chain
   contraction, dead-end trees, KD-tree).
2. The same figures for plain scipy Dijkstra on the uncontracted search graph in the same run: one
   multi-source ``min_only`` pass, and single-source searches in batches of 16 with the cut-off as limit
   (a dense sites × nodes matrix would not fit), keeping the entries within the cut-off. The two
   matrices are compared entry by entry.
3. With ``--drenthe``: the real Drenthe car network, cells and open libraries (as bench_distance):
   one nearest pass and the cells × libraries matrix, best of ``--repeats``.

Ends with ``name=value`` lines (``*_cpu_seconds``: CPU time of the same calls, which a shared machine
inflates less than wall time). Targets at 5M nodes, 400k points × 1,250 sites: matrix < 10 s,
matrix_peak_mb < 1,500, nearest (warm) < 3 s; Drenthe not slower than before.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from scipy.sparse import csgraph

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_distance import _generated_graph

from spreiding.network.engine import distance_matrix, nearest_facility
from spreiding.network.roads import RoadNetwork, build_network

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mb(key: str) -> float:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1]) / 1024
    return float("nan")


_CPU: dict[str, float] = {}


def _measured(fn: Callable[[], Any], name: str) -> tuple[float, float, Any]:
    """(seconds, peak MB above the RSS before the call, result) of one call; CPU seconds go to ``_CPU[name]``."""
    try:
        _CLEAR_REFS.write_text("5")  # resets the RSS high-water mark (Linux >= 4.0)
        before = _status_mb("VmRSS")
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        seconds = time.perf_counter() - t0
        _CPU[name] = time.process_time() - c0
        return seconds, _status_mb("VmHWM") - before, out
    except OSError:
        tracemalloc.start()
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        seconds = time.perf_counter() - t0
        _CPU[name] = time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        return seconds, peak, out


def _best(fn: Callable[[], Any], repeats: int, name: str = "") -> tuple[float, Any]:
    times, cpu, out = [], [], None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    if name:
        _CPU[name] = min(cpu)
    return min(times), out


def _matrix(points: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, net: RoadNetwork, cutoff_m: float, storage: str) -> Any:
    """``distance_matrix`` (distance only); ``storage`` is passed where the engine has it (older code has not)."""
    extra = {"storage": storage} if "storage" in inspect.signature(distance_matrix).parameters else {}
    return distance_matrix(points, sites, net, cutoff_m=cutoff_m, with_time=False, **extra)


def _entries_of(matrix: Any) -> tuple[np.ndarray, np.ndarray]:
    """(key = column * rows + row, value) of every finite entry, sorted by key, from either storage."""
    store = getattr(matrix, "dist_store", None)
    n = matrix.shape[0]
    if store is not None and not isinstance(store, np.ndarray):
        col = np.repeat(np.arange(store.shape[1], dtype=np.int64), np.diff(store.indptr))
        key, val = col * n + store.indices, store.data
    else:
        dense = np.asarray(matrix.dist_m)
        col, row = np.nonzero(np.isfinite(dense.T))
        key, val = col.astype(np.int64) * n + row, dense[row, col]
    order = np.argsort(key, kind="stable")
    return key[order], val[order]


def _scipy_reference(
    net: RoadNetwork, site_nodes: np.ndarray, point_nodes: np.ndarray, leg_m: np.ndarray, cutoff_m: float
) -> tuple[float, float, float, tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Plain scipy on the uncontracted search graph: (nearest s, matrix s, matrix peak MB, entries, nearest)."""
    graph = net.search_length_m

    def nearest() -> np.ndarray:
        dist = csgraph.dijkstra(graph, directed=True, indices=site_nodes, min_only=True)
        return dist[point_nodes] + leg_m

    def matrix() -> tuple[np.ndarray, np.ndarray]:
        keys, vals = [], []
        for lo in range(0, site_nodes.size, 16):  # batches of sources, as the engine's dense path
            block = csgraph.dijkstra(graph, directed=True, indices=site_nodes[lo : lo + 16], limit=cutoff_m)
            full = block[:, point_nodes] + leg_m[None, :]
            c, r = np.nonzero(full <= cutoff_m)
            keys.append((c + lo).astype(np.int64) * point_nodes.size + r)
            vals.append(full[c, r].astype(np.float32))
        key, val = np.concatenate(keys), np.concatenate(vals)
        order = np.argsort(key, kind="stable")
        return key[order], val[order]

    near_s, near = _best(nearest, 1, "scipy_nearest_cpu_seconds")
    mat_s, mat_peak, entries = _measured(matrix, "scipy_matrix_cpu_seconds")
    return near_s, mat_s, mat_peak, entries, near


def _generated(args: argparse.Namespace) -> dict[str, float]:
    side = max(round(args.nodes**0.5), 10)
    share = side * side / 5_000_000
    n_points = args.points or max(int(400_000 * share), 100)
    n_sites = args.sites or max(int(1_250 * share), 5)
    print(f"== GENERATED road-like grid graph, {side}x{side} (not real data) ==")
    t0 = time.perf_counter()
    gnodes, gedges = _generated_graph(side)
    net = build_network(gnodes, gedges, "car", source="generated grid")
    print(f"nodes {net.n_nodes:,}, arcs {net.n_arcs:,}, built in {time.perf_counter() - t0:.1f} s")
    rng = np.random.default_rng(2)
    pick = rng.choice(net.lcc_nodes.size, n_points + n_sites, replace=False)
    pnodes, snodes = pick[:n_points], pick[n_points:]
    lx, ly = net.x[net.lcc_nodes], net.y[net.lcc_nodes]
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lx[pnodes] + 30, ly[pnodes]), crs=28992)
    sites = gpd.GeoDataFrame(
        {"id": [f"g{i}" for i in range(n_sites)]}, geometry=gpd.points_from_xy(lx[snodes], ly[snodes]), crs=28992
    )
    print(f"points {n_points:,} x sites {n_sites:,}, cut-off {args.cutoff_m:,.0f} m")
    # cold: the first call on a new network also builds its cached views (contracted graph, KD-tree)
    cold_s, _ = _best(lambda: nearest_facility(points, sites, net, with_time=False), 1, "nearest_cold_cpu_seconds")
    cg = net.chains_length
    search = getattr(cg, "n_search", cg.n_core)
    print(f"{cg.n_core:,} after chain contraction, {search:,} searched (dead-end trees pruned)")
    near_s, ours = _best(
        lambda: nearest_facility(points, sites, net, with_time=False), args.repeats, "nearest_cpu_seconds"
    )
    mat_s, mat_peak, matrix = _measured(
        lambda: _matrix(points, sites, net, args.cutoff_m, args.storage), "matrix_cpu_seconds"
    )
    print(
        f"spreiding: nearest {near_s:.2f} s (first call {cold_s:.2f} s); matrix {mat_s:.2f} s, peak {mat_peak:,.0f} MB"
    )
    out = {"nodes": float(net.n_nodes), "core_nodes": float(cg.n_core), "search_nodes": float(search)}
    out |= {"points": float(n_points), "sites": float(n_sites)}
    out |= {"nearest_seconds": near_s, "nearest_cold_seconds": cold_s}
    out |= {"matrix_seconds": mat_s, "matrix_peak_mb": mat_peak}
    key, val = _entries_of(matrix)
    out["entries"] = float(key.size)
    out["sparse"] = float(bool(getattr(matrix, "is_sparse", False)))
    if args.no_reference:
        return out
    snap_m = np.asarray(ours.snap_m, dtype=float)
    ref = _scipy_reference(net, snodes, pnodes, snap_m, args.cutoff_m)
    print(f"plain scipy: nearest {ref[0]:.2f} s; matrix {ref[1]:.2f} s, peak {ref[2]:,.0f} MB")
    (rkey, rval), rnear = ref[3], ref[4]
    same_keys = rkey.size == key.size and bool(np.array_equal(rkey, key))
    out |= {"scipy_nearest_seconds": ref[0], "scipy_matrix_seconds": ref[1], "scipy_matrix_peak_mb": ref[2]}
    out["scipy_entries"] = float(rkey.size)
    out["same_entries"] = float(same_keys)
    out["max_abs_diff_m"] = float(np.abs(rval - val).max()) if same_keys and key.size else float("nan")
    fin = np.isfinite(rnear)
    out["nearest_max_abs_diff_m"] = float(np.abs(np.asarray(ours.dist_m)[fin] - rnear[fin]).max()) if fin.any() else 0
    return out


def _drenthe(args: argparse.Namespace) -> dict[str, float]:
    from spreiding.data.config import data_paths
    from spreiding.data.facilities import load_facilities, select_facilities
    from spreiding.data.population import load_census_grid, load_pc4
    from spreiding.network.roads import load_network

    paths = data_paths()
    if paths.missing():
        print(f"data folder incomplete ({paths.root}); Drenthe skipped. Missing: {paths.missing()}")
        return {}
    net = load_network(paths.roads, "car", progress=False)
    cells = load_census_grid(paths.population_grid, pc4=load_pc4(paths.pc4))
    libs = select_facilities(load_facilities(paths.libraries), statuses=("open",))
    net.chains_length, net.lcc_tree  # noqa: B018
    print(f"== Drenthe, real data: {len(cells):,} cells x {len(libs)} open libraries, car ==")
    near_s, _ = _best(lambda: nearest_facility(cells, libs, net, with_time=False), args.repeats)
    mat_s, m = _best(lambda: _matrix(cells, libs, net, 20_000.0, args.storage), args.repeats)
    print(f"nearest {near_s * 1000:.1f} ms; matrix {m.shape[0]:,} x {m.shape[1]} {mat_s * 1000:.1f} ms")
    return {"drenthe_nearest_seconds": near_s, "drenthe_matrix_seconds": mat_s}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print ``name=value`` lines."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5_000_000, help="generated graph nodes (a square grid)")
    parser.add_argument("--points", type=int, default=0, help="points (default: 400,000 scaled to the nodes)")
    parser.add_argument("--sites", type=int, default=0, help="service points (default: 1,250 scaled)")
    parser.add_argument("--cutoff-m", type=float, default=20_000.0)
    parser.add_argument("--storage", default="auto", choices=("auto", "dense", "sparse"))
    parser.add_argument("--repeats", type=int, default=1, help="repeats of the timed passes (best is kept)")
    parser.add_argument("--no-reference", action="store_true", help="skip the plain scipy reference")
    parser.add_argument("--drenthe", action="store_true", help="also time the real Drenthe network")
    args = parser.parse_args(argv)
    figures = _generated(args)
    if args.drenthe:
        print()
        figures |= _drenthe(args)
    figures |= _CPU  # CPU seconds of the same calls: on a shared machine wall time includes waiting for a core
    print()
    for name, value in figures.items():
        print(f"{name}={value:.4f}" if isinstance(value, float) and not value.is_integer() else f"{name}={value:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
