"""The HiGHS call and the size rule shared by the location models (:mod:`spreiding.siting.models`)."""

from __future__ import annotations

import logging

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from spreiding.errors import OptimizationError
from spreiding.siting._checks import _Case

__all__ = ["MILP_MAX_NONZEROS", "MILP_MAX_VARS", "PMEDIAN_MAX_ASSIGN_VARS"]

logger = logging.getLogger(__name__)

_MODEL_NL = {"mclp": "maximale dekking (MCLP)", "lscp": "minimale set (LSCP)", "p-median": "p-mediaan"}


#: ``method="auto"`` solves MCLP/LSCP exactly up to this many variables ...
MILP_MAX_VARS = 1_000_000
#: ... and this many non-zeros in the coverage matrix.
MILP_MAX_NONZEROS = 20_000_000
#: ``method="auto"`` solves p-median exactly up to this many assignment variables.
PMEDIAN_MAX_ASSIGN_VARS = 2_000_000


def _auto(case: _Case, size: int, limit: int, nnz: int) -> str:
    """Resolve ``method="auto"``: the MILP up to ``limit`` variables and MILP_MAX_NONZEROS non-zeros."""
    if case.method != "auto":
        return case.method
    if size <= limit and nnz <= MILP_MAX_NONZEROS:
        return "milp"
    logger.info(
        "%s-model heeft %d variabelen en %d niet-nullen: de snelle benadering (greedy) rekent", case.model, size, nnz
    )
    return "greedy"


def _solve(
    case: _Case,
    c: np.ndarray,
    n_int: int,
    bounds: tuple[np.ndarray, np.ndarray],
    a: sparse.csr_array,
    a_lb: np.ndarray,
    a_ub: np.ndarray,
) -> tuple[np.ndarray, str, float | None]:
    """Run HiGHS (the first ``n_int`` variables binary); return (x, status, gap) or raise OptimizationError."""
    res = milp(
        c=c,
        integrality=np.concatenate([np.ones(n_int), np.zeros(c.size - n_int)]),
        bounds=Bounds(*bounds),
        constraints=LinearConstraint(a, a_lb, a_ub),
        options={"time_limit": case.time_limit_s, "mip_rel_gap": case.mip_rel_gap, "disp": False},
    )
    gap = getattr(res, "mip_gap", None)
    gap_f = float(gap) if gap is not None and np.isfinite(gap) else None
    if res.x is None:
        name = _MODEL_NL.get(case.model, case.model)
        if res.status == 2:
            msg = (
                f"het model {name} heeft geen oplossing; sta meer nieuwe locaties toe (--p, in de app: "
                "'Aantal nieuwe punten'), meer sluitingen (--max-closures) of voeg kandidaatlocaties toe"
            )
        elif res.status == 1:
            msg = (
                f"de oplosser vond binnen de rekentijd van {case.time_limit_s:g} s geen oplossing voor {name}; "
                "geef meer rekentijd (--time-limit, in de app: 'Rekentijd (s)') of minder kandidaatlocaties"
            )
        else:
            msg = (
                f"de oplosser (HiGHS) faalde op {name} (status {res.status}: {res.message}); "
                "probeer het opnieuw met minder kandidaatlocaties of meer rekentijd (--time-limit)"
            )
        raise OptimizationError(msg)
    status = "optimal" if res.status == 0 else "time_limit"
    if status == "time_limit":
        logger.warning(
            "%s stopte bij de rekentijd (%.1f s), niet bewezen optimaal (MIP-gat %s); geef meer tijd met --time-limit",
            case.model,
            case.time_limit_s,
            gap_f,
        )
    return np.asarray(res.x), status, gap_f
