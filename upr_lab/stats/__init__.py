"""Statistics: descriptive metrics, outcome models and their results objects, recurring recommendations,
planted-effect validation, and pooled results shared by the runs of a batch."""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "metrics": ".metrics",
    "models": ".models",
    "sdg": ".sdg",
    "recurrence": ".recurrence",
    "validation": ".validation",
    "EffectsResult": ".effects:EffectsResult",
    "pooled": ".shared:pooled",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
