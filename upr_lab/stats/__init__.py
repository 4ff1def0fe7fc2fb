"""Statistics: descriptive metrics, outcome models and their results objects, planted-effect validation,
pooled results shared by the runs of a batch, and the recommendations that ask a State to ratify a core
instrument (``ratification``)."""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "metrics": ".metrics",
    "models": ".models",
    "sdg": ".sdg",
    "ratification": ".ratification",
    "validation": ".validation",
    "EffectsResult": ".effects:EffectsResult",
    "pooled": ".shared:pooled",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
