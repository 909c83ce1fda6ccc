"""Site advice in plain Dutch: how it was solved and what closes (one wording for the app and the command line)."""

from __future__ import annotations

from typing import Any

from spreiding.siting.result import OptimizeResult
from spreiding.vocabulary import fmt_dec, fmt_int, fmt_pct

__all__ = ["closing_control_text", "closing_text", "solver_sentence"]

_MODEL_NL = {
    "mclp": "meeste inwoners binnen de norm (MCLP)",
    "lscp": "minste punten voor het doel (LSCP)",
    "p-median": "kleinste gemiddelde afstand (p-mediaan)",
}


def solver_sentence(result: OptimizeResult) -> str:
    """One sentence: the model and whether the answer is proven optimal.

    ``"bewezen optimaal"`` for an exact solve; ``"beste gevonden binnen de
    tijdslimiet, maximaal x % van optimaal"`` when the time limit stopped the
    solver (x the relative gap it reported); a plain warning for the greedy heuristic.
    """
    model = _MODEL_NL.get(result.model, result.model)
    seconds = f"{fmt_dec(result.solve_time_s)} s"
    if result.method != "milp":
        how = "snelle benadering (stap voor stap gekozen), niet bewezen optimaal"
    elif result.status == "optimal":
        how = "bewezen optimaal"
    elif result.mip_gap is not None:
        how = f"beste gevonden binnen de tijdslimiet, maximaal {fmt_pct(100 * result.mip_gap)} van optimaal"
    else:
        how = "beste gevonden binnen de tijdslimiet; hoe ver van optimaal is onbekend"
    return f"Model: {model}; {how} (rekentijd {seconds})."


def closing_control_text(p: int | None, k: int | None) -> str:
    """What the closing control does, in the words of the page (``p``/``k`` as numbers, or the letters)."""
    p_text = "p" if p is None else fmt_int(p)
    k_text = "k" if k is None else fmt_int(k)
    return (
        f"{p_text} nieuwe locaties en hoogstens {k_text} sluitingen binnen de provincie; "
        "bibliotheken over de grens blijven open"
    )


def closing_text(advice: Any) -> str:
    """The advice's closures by name, the limit, and the points across the border that stay open."""
    border = (
        f" De {fmt_int(advice.kept_outside)} bibliotheken over de grens blijven open." if advice.kept_outside else ""
    )
    limit = "" if advice.max_closures is None else f" (hoogstens {fmt_int(advice.max_closures)})"
    if advice.closed:
        names = ", ".join(advice.closed_names or advice.closed)
        return f"Sluit {fmt_int(len(advice.closed))} punt(en) binnen de provincie{limit}: {names}.{border}"
    why = {
        "mclp": "geen punt binnen de provincie kan dicht zonder dat inwoners buiten de norm raken",
        "p-median": "elk punt binnen de provincie is voor sommige inwoners het dichtstbij",
        "lscp": "alle bestaande punten binnen de provincie zijn nodig voor het doel",
    }.get(advice.result.model, "geen punt kan dicht")
    return f"Geen sluitingen{limit}: {why}.{border}"
