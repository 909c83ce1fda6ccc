"""An ``open`` at a spot far from the road network warns exactly like a ``move`` there."""

from __future__ import annotations

import logging

import pytest

from spreiding.analysis.evaluation import evaluate, prepare_context
from spreiding.analysis.norm import Norm
from spreiding.analysis.scenario import Scenario, move, open_site
from spreiding.network.roads import build_network

from .conftest import TINY_EDGES, TINY_NODES, points

FAR_XY = (40000.0, 40000.0)  # tens of kilometres from every road of the hand-made graph
NORM = Norm(name="3 km", mode="car", max_dist_m=3000.0)


@pytest.fixture()
def ctx():
    pop = points(
        [(0, 10), (1000, 10)],
        cell_id=["c0", "c1"],
        pop_total=[10.0, 20.0],
        municipality=["A", "A"],
        placement=["cell_centre"] * 2,
    )
    fac = points(
        [(0, 0), (2000, 0)],
        id=["f1", "f2"],
        name=["Een", "Twee"],
        kind=["vestiging", "vestiging"],
        status=["open", "open"],
        municipality=["A", "A"],
        host_building=[None, None],
    )
    return prepare_context(pop, fac, build_network(TINY_NODES, TINY_EDGES, "car"), mode="car", total_label="Totaal")


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (move("f1", *FAR_XY), "f1@40000,40000"),
        (open_site("Ver", "vestiging", *FAR_XY, id="ver"), "ver@40000,40000"),
    ],
)
def test_far_open_and_move_both_warn(ctx, caplog, edit, key: str) -> None:
    with caplog.at_level(logging.WARNING, logger="spreiding.analysis.evaluation"):
        res = evaluate(ctx, Scenario("ver weg", edits=(edit,)), NORM)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"nieuwe plek(ken) {key} liggen te ver van het wegennet en bereiken niemand; kies een plek dichter bij een weg"
    ]
    assert key in res.excluded
