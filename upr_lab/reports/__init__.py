"""Reports: what a notebook and a reader see. The ``Analysis`` object (loading, labelling, tables,
figures, metrics), the figures, and the HTML pages (a report per run, a batch's index)."""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "open_analysis": ".analysis:open_analysis",
    "Analysis": ".analysis:Analysis",
    "html_table": ".analysis:html_table",
    "plots": ".plots",
    "followup_plots": ".followup_plots",
    "recommender_plots": ".recommender_plots",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
