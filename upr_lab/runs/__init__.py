"""Running analyses: parameters, preflight checks, one notebook (``run``), batches (``run_batch``) on
warm kernels or a Dask cluster, incremental skips, locks, clean interruption, and the provenance
each run records. Notebooks and reports never import this."""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "run": ".runner:run",
    "run_batch": ".batch:run_batch",
    "prepare": ".job:prepare",
    "ANALYSES": ".params:ANALYSES",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
