"""The duty-of-care verdict on a hand-made region (every value below is INVENTED for the test).

Crow-fly, detour factor 1.0 (distance = straight line), norm 5 km by car::

    cell  x (m)   residents  municipality  nearest point (distance)           covered
    a1        0      600     Aadorp        f1 Bieb Aadorp (0 m)                yes
    a2     6500      300     Aadorp        f_low Servicepunt Laag (500 m)      yes  <- confidence=low
    a3    20000      100     Aadorp        f2 Bieb Bedorp, in Bedorp (1000 m)  yes  <- another municipality
    a4    40000       50     Aadorp        f2 (19 000 m)                        no
    b1    21000      200     Bedorp        f2 (0 m)                             yes

Aadorp: 1,050 residents, 1,000 covered (95.24 %).
- target 95 %: needed ceil(997.5) = 998, short 0, voldoet, close (0.24 points); margin 2 < 300 covered through
  the low-confidence row, so the verdict is decided by that row.
- target 96 %: needed 1,008, short 8, voldoet niet, close (0.76 points), not decided by the low row.
- target 90 %: needed 945, short 0, not close; margin 55 < 300: decided by the low row.
- target 60 %: needed 630, margin 370 > 300: not decided by it.
"""

from __future__ import annotations

import argparse

import pandas as pd
import pytest

from spreiding.analysis.norm import Norm
from spreiding.analysis.verdict import municipality_verdict, province_overview, verdicts
from spreiding.cli._common import norm_from_args
from spreiding.errors import ConfigError
from spreiding.study import analyse
from spreiding.vocabulary import COLUMN_LABELS, Col

from .conftest import points


def _population() -> pd.DataFrame:
    total = [600.0, 300.0, 100.0, 50.0, 200.0]
    return points(
        [(0, 0), (6500, 0), (20000, 0), (40000, 0), (21000, 0)],
        cell_id=["a1", "a2", "a3", "a4", "b1"],
        pop_total=total,
        municipality=["Aadorp"] * 4 + ["Bedorp"],
        cell_size_m=[1000.0] * 5,
        placement=["cell_centre"] * 5,
    )


def _facilities() -> pd.DataFrame:
    return points(
        [(0, 0), (6000, 0), (21000, 0)],
        id=["f1", "f_low", "f2"],
        name=["Bieb Aadorp", "Servicepunt Laag", "Bieb Bedorp"],
        kind=["vestiging"] * 3,
        status=["open"] * 3,
        status_year=["2024", "c.2018", "2023"],
        municipality=["Aadorp", "Aadorp", "Bedorp"],
        confidence=["high", "low", "medium"],
        notes=["", "Status rests on a 2018 source only (invented)", ""],
    )


def _evaluation(target: float = 0.95):  # type: ignore[no-untyped-def]
    norm = Norm(name="5 km", mode="car", max_dist_m=5000.0, target_share=target)
    return analyse(_population(), _facilities(), norm, None, total_label="Klein", detour_factor=1.0)


def test_meets_with_a_thin_margin_decided_by_the_low_confidence_row() -> None:
    v = municipality_verdict(_evaluation(0.95), "Aadorp", population_year=2021)
    assert (v.residents, v.covered, v.needed, v.short) == (1050.0, 1000.0, 998, 0)
    assert v.meets and v.label == "voldoet"
    assert v.close
    assert v.low_confidence_covered == 300.0
    assert v.decided_by_low_confidence
    assert [w.id for w in v.low_confidence_rows] == ["f_low"]
    warning = v.low_confidence_rows[0]
    assert warning.counted and warning.covered_residents == 300.0 and warning.confirmed_year == 2018
    assert "laatst bevestigd in 2018" in warning.text()
    assert any("Servicepunt Laag" in f and "onzekere" in f for f in v.flags())
    assert v.population_year == 2021 and "peiljaar 2021" in " ".join(v.flags())


def test_short_of_the_target() -> None:
    v = municipality_verdict(_evaluation(0.96), "Aadorp")
    assert (v.needed, v.short, v.meets, v.label) == (1008, 8, False, "voldoet niet")
    assert v.close  # 95.24 % against 96 %: within one point
    assert not v.decided_by_low_confidence  # a counted row can only help: it cannot decide a "voldoet niet"
    assert "er ontbreken 8 inwoners" in v.sentence()


def test_not_close_but_still_decided_by_the_low_row_and_a_wide_margin_is_not() -> None:
    v90 = municipality_verdict(_evaluation(0.90), "Aadorp")
    assert (v90.needed, v90.short, v90.close, v90.decided_by_low_confidence) == (945, 0, False, True)
    v60 = municipality_verdict(_evaluation(0.60), "Aadorp")
    assert (v60.needed, v60.meets, v60.decided_by_low_confidence) == (630, True, False)


def test_residents_depending_on_another_municipality() -> None:
    verdict_a = municipality_verdict(_evaluation(), "Aadorp")
    # a3 (100) and a4 (50, unreachable within the norm but nearest is still f2) have their nearest point in Bedorp
    assert verdict_a.residents_elsewhere == 150.0
    assert verdict_a.elsewhere == (("Bedorp", 150.0),)
    assert "Bedorp (150)" in " ".join(verdict_a.flags())
    verdict_b = municipality_verdict(_evaluation(), "Bedorp")
    assert verdict_b.residents_elsewhere == 0.0 and verdict_b.meets and verdict_b.short == 0


def test_villages_largest_first_and_overview_has_every_municipality() -> None:
    villages = pd.DataFrame({Col.PLACE: ["Klein", "Groot", "Bijna niemand"], Col.RESIDENTS: [10.0, 40.0, 0.4]})
    v = municipality_verdict(_evaluation(), "Aadorp", villages=villages)
    assert v.villages == (("Groot", 40.0), ("Klein", 10.0))  # never "Bijna niemand (0)"
    table = province_overview(_evaluation(0.96), villages={"Aadorp": villages})
    assert table[Col.MUNICIPALITY].tolist() == ["Aadorp", "Bedorp"]
    assert table[Col.VERDICT].tolist() == ["voldoet niet", "voldoet"]
    assert table[Col.SHORT].tolist() == [8, 0]
    assert table.loc[0, Col.UNCOVERED_PLACES] == "Groot, Klein"
    assert set(table.columns) <= set(COLUMN_LABELS)  # every header has a Dutch label
    assert list(verdicts(_evaluation())) == ["Aadorp", "Bedorp"]


def test_unknown_municipality_is_refused_in_dutch() -> None:
    with pytest.raises(ConfigError, match="staat niet in deze uitkomst"):
        municipality_verdict(_evaluation(), "Cedorp")


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.01, float("nan"), "veel"])
def test_target_share_outside_zero_one_is_refused(bad: object) -> None:
    with pytest.raises(ConfigError, match="doel"):
        Norm(target_share=bad)  # type: ignore[arg-type]


def test_describe_states_the_target() -> None:
    assert Norm().describe() == "minstens 95 % van de inwoners binnen 5 km over de weg (auto)"
    assert Norm(target_share=0.975).describe().startswith("minstens 97,5 % van de inwoners binnen")
    assert Norm().describe_limits() == "5 km over de weg (auto)"


def _args(**kw: object) -> argparse.Namespace:
    base = {"norm": None, "mode": None, "max_km": None, "max_min": None, "kinds": None, "age": None}
    return argparse.Namespace(**(base | kw))


def test_cli_target_pct_accepts_a_decimal_comma_and_keeps_the_preset_name() -> None:
    norm = norm_from_args(_args(norm="5km-auto", target_pct="97,5"))
    assert norm.target_share == pytest.approx(0.975)
    assert norm.name.startswith("Voorbeeld")
    assert norm_from_args(_args()).target_share == 0.95
    with pytest.raises(ConfigError, match="doel"):
        norm_from_args(_args(target_pct="150"))


def test_age_band_norm_names_the_band() -> None:
    population = _population()
    population["pop_0_14"] = population["pop_total"] / 10.0  # invented: a tenth of every cell is 0-14
    norm = Norm(name="5 km jeugd", mode="car", max_dist_m=5000.0, age_band="pop_0_14")
    ev = analyse(population, _facilities(), norm, None, total_label="Klein", detour_factor=1.0)
    v = municipality_verdict(ev, "Aadorp")
    assert (v.residents, v.covered, v.needed, v.short) == pytest.approx((105.0, 100.0, 100, 0))
    assert "van de 105 inwoners van 0-14 jaar woont" in v.sentence()


def test_list_warning_lines_name_the_municipality_and_the_residents_the_row_decides() -> None:
    from spreiding.analysis.verdict import list_warning_lines

    lines = list_warning_lines(_evaluation())
    assert lines == [f"Aadorp: {municipality_verdict(_evaluation(), 'Aadorp').low_confidence_rows[0].text()}"]
    assert "Servicepunt Laag" in lines[0] and "300 inwoners binnen de norm" in lines[0]
