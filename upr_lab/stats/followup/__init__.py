"""Measures of what followed a review: ratification after a recommendation to ratify (``followthrough``),
time to ratification (``survival``: Kaplan-Meier curves, a Cox model), and a State's follow-up set beside
all States' (``compare``), and national follow-up mechanisms (URG's NMIRF coding) beside those measures
(``mechanisms``). The recommendations to ratify are found by ``stats.ratification``; recurring
recommendations by ``stats.recurrence``; researchers' own coding by ``stats.coding``."""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "follow_through": ".followthrough:follow_through",
    "FollowThrough": ".followthrough:FollowThrough",
    "followthrough": ".followthrough",
    "survival": ".survival",
    "compare": ".compare",
    "mechanisms": ".mechanisms",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
