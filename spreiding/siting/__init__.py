"""Location advice: where new service points help most, and which may close.

``models`` (the public entry: :func:`~spreiding.siting.models.mclp`, ``lscp``, ``p_median``) re-exports
``coverage`` (MCLP, LSCP), ``median`` (p-median), ``relocation`` (closures with ``allow_close``) and
``result`` (:class:`~spreiding.siting.result.OptimizeResult`); ``_checks`` and ``_solver`` hold the input
checks and the HiGHS call; ``advice`` joins the models to a study's service points and candidate sites;
``texts`` words the advice in Dutch for the app and the command line.
"""
