r"""Location optimisation: maximal coverage (MCLP), set cover (LSCP) and p-median.

Arrays in, a frozen :class:`OptimizeResult` out. Callers (scenario code, the
app) wrap the results with GeoDataFrames; this module knows nothing about
geometry.

Inputs shared by all models: ``weights`` (``n`` demand weights, residents,
possibly age-weighted, finite and ``>= 0``); ``dist_m`` (``n x m`` distance
over the road from demand point ``i`` to candidate site ``j`` in metres,
``np.inf`` where beyond the search cut-off or unreachable; NaN is refused);
``existing`` (column indices of sites that are already open).

Meaning of ``p``
----------------
``p`` is the number of **new** sites; the existing sites stay open. It is an
upper bound: a new site that adds nothing (covers nobody more, brings nobody
closer) is not opened, so fewer than ``p`` may be returned.

Relocation
----------
With ``allow_close=True`` the model may also close at most ``max_closures``
(default ``p``) of the ``closable`` existing sites (default all; a caller
leaves out the sites across the region's border, which always stay open):
the objective is optimised first, then as many closable sites close as the
objective allows (:mod:`spreiding.siting.relocation`). The set cover
(:func:`lscp`) with closing finds the fewest open sites in all. Closed
existing sites are reported in ``closed``.

Methods
-------
``"milp"`` builds the model with :func:`scipy.optimize.milp` (HiGHS) from
sparse matrices; ``"greedy"`` adds the best site one at a time (a heuristic,
labelled ``method="greedy"``, ``status="greedy"``); ``"auto"`` uses the MILP
while the model is below a size threshold and greedy above it.

Notation
--------
The formulations in :func:`mclp`, :func:`lscp` and :func:`p_median` use:
:math:`I` demand points (rows of ``dist_m``), weight :math:`a_i \ge 0`;
:math:`J` candidate sites (columns), :math:`E \subseteq J` the existing ones;
:math:`d_{ij}` the distance, :math:`S` the norm (``norm_m``) and
:math:`N_i = \{ j \in J : d_{ij} \le S \}` the sites that cover :math:`i`;
:math:`x_j \in \{0, 1\}` is 1 when site :math:`j` is open.

Example data
------------
The examples use three villages A, B and C (100, 200 and 300 residents) and
three candidate sites X, Y and Z (columns 0, 1, 2), distances in metres::

             X      Y      Z
    A     1000   6000   9000
    B     6000   3000   8000
    C     9000   4000   2000
"""

from spreiding.siting._solver import MILP_MAX_NONZEROS, MILP_MAX_VARS, PMEDIAN_MAX_ASSIGN_VARS
from spreiding.siting.coverage import greedy_lscp, greedy_mclp, lscp, mclp
from spreiding.siting.median import greedy_p_median, p_median
from spreiding.siting.result import OptimizeResult

__all__ = [
    "MILP_MAX_NONZEROS",
    "MILP_MAX_VARS",
    "PMEDIAN_MAX_ASSIGN_VARS",
    "OptimizeResult",
    "greedy_lscp",
    "greedy_mclp",
    "greedy_p_median",
    "lscp",
    "mclp",
    "p_median",
]
