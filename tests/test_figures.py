"""A report's figures are printed as matplotlib's ``bbox_inches="tight"`` prints them, with one draw less."""

import io

import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from upr_lab.reports import followup_plots, plots

CATEGORIES = pd.DataFrame({"category": [1, 2, 3, 4, 5],
                           "label": ["Minimal", "Continuing", "Considering", "General", "Specific"],
                           "n_recommendations": [40, 900, 350, 2100, 1500],
                           "acceptance_rate": [0.97, 0.95, 0.52, 0.74, 0.46],
                           "ci_low": [0.87, 0.93, 0.47, 0.72, 0.43], "ci_high": [0.99, 0.96, 0.57, 0.76, 0.49]})
TERMS = pd.DataFrame({"odds_ratio": [0.6, 1.4, 2.2], "ci_low": [0.4, 1.1, 1.5], "ci_high": [0.9, 1.8, 3.1]},
                     index=["recommender_group[WEOG]", "same_group", "action_category[5]"])


def with_text_outside():
    """Long tick labels, a legend and a caption placed below the axes, outside the figure's own area."""
    figure = Figure(figsize=(6, 3))
    axes = figure.add_subplot()
    axes.barh(range(3), [3, 1, 2], label="recommendations")
    axes.set_yticks(range(3), ["United Kingdom of Great Britain and Northern Ireland", "Kenya", "Norway"])
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.text(0.0, -0.2, "Source: a caption written under the axes", fontsize=7)
    return figure


SHARES = pd.DataFrame({  # two outcomes, as the civil society report's follow-up figure (a constrained layout)
    "outcome": ["open requests to ratify ratified within 5 years"] * 2 + ["cycle-2 recommendations repeating a cycle-1 one"] * 2,
    "feature": ["coded by URG", "CSO participation"] * 2, "level": ["yes", "high"] * 2,
    "share": [0.27, 0.29, 0.21, 0.22], "ci_low": [0.25, 0.27, 0.2, 0.21], "ci_high": [0.29, 0.31, 0.22, 0.23],
    "states": [77, 53, 83, 55]})


FIGURES = {
    "categories with a source under the axes": lambda: plots.acceptance_by_category(
        CATEGORIES, "Support by action category: Norway", False, overall=0.71,
        source="UPR Info's action categories, coded by its analysts; sessions 1-20. " * 3),
    "odds ratio forest": lambda: plots.odds_ratio_forest(TERMS, "Support by the recommending side", True),
    "text outside the figure's area": with_text_outside,
    "a constrained layout (follow-up by mechanism)": lambda: followup_plots.mechanism_shares(
        SHARES, "Follow-up by CSO participation in the national mechanism", False),
}


def tight_png(figure, dpi=110):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_a_figure_prints_to_the_same_bytes_as_a_tight_savefig(name):
    draw = FIGURES[name]
    printed, tight = plots.render_png(draw()), tight_png(draw())
    assert printed == tight
    width, height = Image.open(io.BytesIO(printed)).size
    assert width > 300 and height > 200


def test_what_is_drawn_outside_the_axes_is_kept():
    image = Image.open(io.BytesIO(plots.render_png(with_text_outside())))
    untrimmed = Image.open(io.BytesIO(_untrimmed_png(with_text_outside())))
    assert image.size[1] > untrimmed.size[1] and image.size[0] > untrimmed.size[0]


def _untrimmed_png(figure, dpi=110):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
