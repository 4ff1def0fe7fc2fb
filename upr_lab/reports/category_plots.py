"""Figures of action categories where some are predicted: the source's coding and the classifier's
corrected estimates told apart on the figure itself (filled: coded by the source; open, with a 95%
interval: predicted by upr-lab's classifier)."""

import numpy as np

from .plots import _figure, _percent_axis

CATEGORY_COLOURS = {"1": "#8c510a", "2": "#d8b365", "3": "#9aa5b1", "4": "#5ab4ac", "5": "#1f5f8b"}
CATEGORY_NAMES = {"1": "minimal", "2": "continuing", "3": "considering", "4": "general", "5": "specific"}


def category_trend(trend, title, synthetic):
    """The share of each action category per session (``classify.in_use.session_trend``): lines through the
    sessions, filled dots where the source coded the categories, open dots where the classifier predicted
    them (category 5 with its 95% interval)."""
    if trend.empty:
        return None
    figure, axes = _figure(title, synthetic, size=(8, 4.5))
    for category in [c for c in CATEGORY_NAMES if c in trend]:
        colour = CATEGORY_COLOURS[category]
        axes.plot(trend["session"], trend[category], "-", color=colour, lw=1,
                  label=f"{category} ({CATEGORY_NAMES[category]})")
        for coding, face in (("coded", colour), ("predicted", "white")):
            part = trend[trend["coding"] == coding]
            if part.empty:
                continue
            axes.plot(part["session"], part[category], "o", ms=4, color=colour, markerfacecolor=face)
            if coding == "predicted" and category == "5":
                errors = np.clip(np.vstack([part["5"] - part["ci_low_5"], part["ci_high_5"] - part["5"]]), 0, None)
                axes.errorbar(part["session"], part["5"], yerr=errors, fmt="none", color=colour, capsize=2)
    predicted = trend.loc[trend["coding"] == "predicted", "session"]
    if len(predicted):
        axes.plot([], [], "o", color="#555", markerfacecolor="white",
                  label="predicted by upr-lab's classifier\n(corrected estimate; 5: 95% interval)")
        axes.plot([], [], "o", color="#555", label="coded by the source")
    axes.set_xlabel("Working Group session")
    axes.set_ylabel("share of the session's recommendations")
    _percent_axis(axes.yaxis, axes.set_ylim)
    axes.set_ylim(0, max(0.6, float(np.nanmax(trend[[c for c in CATEGORY_NAMES if c in trend]].to_numpy(float)))) + 0.05)
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, title="action category")
    return figure
