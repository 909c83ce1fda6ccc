"""Relocation (``allow_close``): p new sites, at most k closures of closable sites; oracles: spopt and brute force."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from spreiding.siting.models import greedy_mclp, lscp, mclp, p_median

# PuLP 3.x warns about its own 4.0 API changes when spopt builds models.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _instance(seed: int, n: int = 14, m: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Invented test data: random points in a 12 x 12 km square, crow-fly distances, weights 1..49."""
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0, 12_000, (n, 2))
    sites = rng.uniform(0, 12_000, (m, 2))
    return rng.integers(1, 50, n).astype(float), np.linalg.norm(demand[:, None] - sites[None], axis=2)


def _choices(m: int, existing: tuple[int, ...], closable: tuple[int, ...], p: int, k: int) -> list[np.ndarray]:
    """Every allowed open set: existing minus at most k closable, plus at most p new columns."""
    new_cols = [j for j in range(m) if j not in existing]
    out = []
    for n_close in range(min(k, len(closable)) + 1):
        for gone in itertools.combinations(closable, n_close):
            kept = [j for j in existing if j not in gone]
            for n_new in range(p + 1):
                for extra in itertools.combinations(new_cols, n_new):
                    out.append(np.array(sorted(kept + list(extra)), dtype=int))
    return out


def _covered(w: np.ndarray, d: np.ndarray, norm: float, sel: np.ndarray) -> float:
    return float(w[(d[:, sel] <= norm).any(axis=1)].sum()) if sel.size else 0.0


def _in_region(sel: np.ndarray, existing: tuple[int, ...], closable: tuple[int, ...]) -> int:
    """Open sites that count inside the region: closable ones kept plus new ones."""
    fixed = set(existing) - set(closable)
    return sum(1 for j in sel if j not in fixed)


def _check_bounds(res: object, existing: tuple[int, ...], closable: tuple[int, ...], p: int, k: int) -> None:
    assert set(res.closed) <= set(closable)  # type: ignore[attr-defined]
    assert len(res.closed) <= k  # type: ignore[attr-defined]
    assert len(res.new) <= p  # type: ignore[attr-defined]
    assert set(existing) - set(closable) <= set(res.selected)  # type: ignore[attr-defined]


CASES = [(seed, p, k) for seed in range(6) for p, k in ((1, 1), (2, 1), (1, 2), (2, 2))]


@pytest.mark.parametrize(("seed", "p", "k"), CASES)
def test_mclp_relocation_matches_brute_force(seed: int, p: int, k: int) -> None:
    w, d = _instance(seed)
    existing, closable, norm = (0, 1, 2, 3), (1, 2, 3), 4_000.0  # site 0 lies "across the border"
    res = mclp(w, d, norm, p, existing=existing, allow_close=True, max_closures=k, closable=closable)
    _check_bounds(res, existing, closable, p, k)
    options = _choices(d.shape[1], existing, closable, p, k)
    best = max(_covered(w, d, norm, s) for s in options)
    fewest = min(_in_region(s, existing, closable) for s in options if _covered(w, d, norm, s) >= best - 1e-9)
    assert res.objective == pytest.approx(best)
    assert _in_region(np.array(res.selected), existing, closable) == fewest
    greedy = greedy_mclp(w, d, norm, p, existing=existing, allow_close=True, max_closures=k, closable=closable)
    _check_bounds(greedy, existing, closable, p, k)
    assert greedy.objective <= best + 1e-9


@pytest.mark.parametrize(("seed", "p", "k"), CASES[:12])
def test_p_median_relocation_matches_brute_force(seed: int, p: int, k: int) -> None:
    w, d = _instance(seed)
    existing, closable = (0, 1, 2, 3), (1, 2, 3)
    res = p_median(w, d, p, existing=existing, allow_close=True, max_closures=k, closable=closable)
    _check_bounds(res, existing, closable, p, k)
    best = min(float(w @ d[:, s].min(axis=1)) for s in _choices(d.shape[1], existing, closable, p, k))
    assert res.objective == pytest.approx(best, rel=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_lscp_with_closing_matches_brute_force(seed: int) -> None:
    w, d = _instance(seed)
    norm = float(d.min(axis=1).max()) + 500.0  # every point coverable
    existing, closable = (0, 1, 2), (1, 2)
    res = lscp(w, d, norm, existing=existing, allow_close=True, closable=closable)
    m = d.shape[1]
    fewest = min(
        len(s)
        for r in range(m + 1)
        for s in itertools.combinations(range(m), r)
        if 0 in s and _covered(w, d, norm, np.array(s)) >= w.sum() - 1e-9
    )
    assert res.objective == fewest
    assert 0 in res.selected and set(res.closed) <= set(closable)
    assert res.covered_share == pytest.approx(1.0)


def _cbc() -> object:
    pulp = pytest.importorskip("pulp")
    if "PULP_CBC_CMD" not in pulp.listSolvers(onlyAvailable=True):
        pytest.skip("PuLP's CBC solver is not available")
    return pulp.PULP_CBC_CMD(msg=False)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relocation_coverage_matches_spopt_mclp_with_predefined(seed: int) -> None:
    # Closing never adds coverage, so the covered weight equals spopt's MCLP with every existing site predefined.
    locate = pytest.importorskip("spopt.locate")
    import pulp

    w, d = _instance(seed, n=40, m=12)
    existing, p = (0, 4, 7), 2
    predefined = np.zeros(d.shape[1], dtype=int)
    predefined[list(existing)] = 1
    model = locate.MCLP.from_cost_matrix(
        d, w, service_radius=3_000.0, p_facilities=p + len(existing), predefined_facilities_arr=predefined
    ).solve(_cbc())
    ours = mclp(w, d, 3_000.0, p, existing=existing, allow_close=True, closable=(4, 7))
    assert ours.objective == pytest.approx(pulp.value(model.problem.objective), rel=1e-9)
    assert 0 in ours.selected and len(ours.closed) <= p


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lscp_with_closing_matches_spopt_lscp(seed: int) -> None:
    # Border site 0 predefined (always open), sites 3 and 5 closable: the fewest sites in all, as spopt's LSCP.
    locate = pytest.importorskip("spopt.locate")
    import pulp

    w, d = _instance(seed, n=40, m=12)
    radius = float(d.min(axis=1).max()) + 1_000.0
    predefined = np.zeros(d.shape[1], dtype=int)
    predefined[0] = 1
    model = locate.LSCP.from_cost_matrix(d, radius, predefined_facilities_arr=predefined).solve(_cbc())
    ours = lscp(w, d, radius, existing=(0, 3, 5), allow_close=True, closable=(3, 5))
    assert ours.objective == pytest.approx(pulp.value(model.problem.objective))
    assert 0 in ours.selected


def test_lscp_with_closing_prefers_existing_over_equal_new_site() -> None:
    # Invented: sites 0 (existing, closable) and 1 (new) cover the same two points; keep 0, open nothing.
    w = np.array([5.0, 5.0])
    d = np.array([[100.0, 100.0], [200.0, 200.0]])
    res = lscp(w, d, 500.0, existing=[0], allow_close=True)
    assert res.selected == (0,) and res.closed == () and res.new == ()


def test_max_closures_is_respected_even_when_more_are_redundant() -> None:
    # Invented: three existing sites all covering the single point; a new site covers it too.
    w = np.array([10.0])
    d = np.array([[100.0, 100.0, 100.0, 100.0]])
    res = mclp(w, d, 500.0, 1, existing=[0, 1, 2], allow_close=True, max_closures=1)
    assert len(res.closed) == 1 and res.objective == 10.0
    all_closable = mclp(w, d, 500.0, 1, existing=[0, 1, 2], allow_close=True, max_closures=2)
    assert len(all_closable.closed) == 2 and all_closable.new == ()


@pytest.mark.parametrize("method", ["milp", "greedy"])
def test_lscp_with_closing_respects_max_closures(method: str) -> None:
    w, d = _instance(3)
    norm = float(d.min(axis=1).max()) + 500.0
    free = lscp(w, d, norm, existing=(0, 1, 2), allow_close=True, method=method)  # type: ignore[arg-type]
    assert free.covered_share == pytest.approx(1.0)
    limited = lscp(w, d, norm, existing=(0, 1, 2), allow_close=True, max_closures=1, method=method)  # type: ignore[arg-type]
    assert len(limited.closed) <= 1 and limited.covered_share == pytest.approx(1.0)
    if method == "milp":  # fewer closures allowed: never fewer sites than the free optimum
        assert limited.objective >= free.objective


def test_solver_sentence_and_closing_text_in_plain_dutch() -> None:
    from types import SimpleNamespace

    from spreiding.siting.texts import closing_control_text, closing_text, solver_sentence

    res = mclp(*_instance(0), 4_000.0, 1)
    assert "bewezen optimaal" in solver_sentence(res)
    stopped = replace(res, status="time_limit", mip_gap=0.0234)
    assert "beste gevonden binnen de tijdslimiet, maximaal 2,3 % van optimaal" in solver_sentence(stopped)
    assert "niet bewezen optimaal" in solver_sentence(replace(res, method="greedy", status="greedy", mip_gap=None))
    assert closing_control_text(3, 2) == (
        "3 nieuwe locaties en hoogstens 2 sluitingen binnen de provincie; bibliotheken over de grens blijven open"
    )
    advice = SimpleNamespace(
        closed=("dr-009",), closed_names=("Bibliotheek X",), kept_outside=40, max_closures=3, result=res
    )
    text = closing_text(advice)
    assert "Bibliotheek X" in text and "dr-009" not in text and "(hoogstens 3)" in text
    assert "De 40 bibliotheken over de grens blijven open" in text
    none = closing_text(SimpleNamespace(closed=(), closed_names=(), kept_outside=0, max_closures=3, result=res))
    assert none.startswith("Geen sluitingen (hoogstens 3)")
