"""upr-lab: a reproducible research workbench for the UN Universal Periodic Review.

The public API, for notebooks and scripts (each name is imported when first used, so that the
``upr-lab`` command starts quickly)::

    from upr_lab import load, open_analysis, metrics, models, plots, context

Subpackages, lowest layer first: ``sources`` (files to canonical tables), ``stats`` (metrics, models,
planted-effect validation), ``reports`` (what a notebook and a reader see), ``runs`` (parameters,
running notebooks, batches) and ``review`` (verify, compare, published figures).
"""

from ._lazy import lazy_names
from .version import __version__

PUBLIC = {
    "load": ".sources.dataset:load",
    "UprData": ".sources.dataset:UprData",
    "treaty_status": ".sources.treaties:treaty_status",
    "context": ".sources.context",
    "nmirf": ".sources.nmirf",
    "open_analysis": ".reports.analysis:open_analysis",
    "Analysis": ".reports.analysis:Analysis",
    "metrics": ".stats.metrics",
    "models": ".stats.models",
    "context_models": ".stats.context_models",
    "plots": ".reports.plots",
    "sdg": ".stats.sdg",
    "ratification": ".stats.ratification",
    "recurrence": ".stats.recurrence",
    "reviews": ".stats.followup.reviews",
    "followthrough": ".stats.followup.followthrough",
    "survival": ".stats.followup.survival",
    "followup": ".stats.followup.compare",
    "mechanisms": ".stats.followup.mechanisms",
    "followup_plots": ".reports.followup_plots",
    "dyads": ".stats.dyads",
    "recommender_plots": ".reports.recommender_plots",
    "validation": ".stats.validation",
    "classify": ".stats.classify",
    "categories": ".stats.classify.in_use",
    "category_plots": ".reports.category_plots",
    "published": ".review.published",
    "published_categories": ".review.published_categories",
    "run": ".runs.runner:run",
    "run_batch": ".runs.batch:run_batch",
    "verify": ".review.verify:verify",
}
__all__ = ["__version__", *PUBLIC]
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
