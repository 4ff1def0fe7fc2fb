"""Statistics: descriptive metrics, outcome models and their results objects, the recommendations that ask a
State to ratify a core instrument (``ratification``), recurring recommendations (``recurrence``),
what followed a recommendation to ratify and a State's follow-up beside all States' (``followup``), the
recommending States' side and the dyadic model of support (``dyads``), action categories and issue tags
predicted where a source has none (``classify``),
planted-effect validation, and pooled results shared by the runs of a batch."""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "metrics": ".metrics",
    "models": ".models",
    "sdg": ".sdg",
    "ratification": ".ratification",
    "recurrence": ".recurrence",
    "followup": ".followup",
    "dyads": ".dyads",
    "validation": ".validation",
    "classify": ".classify",
    "EffectsResult": ".effects:EffectsResult",
    "pooled": ".shared:pooled",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
