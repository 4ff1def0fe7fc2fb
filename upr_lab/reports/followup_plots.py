"""Figures of the follow-up measures: a State beside all States, Kaplan-Meier curves, and the measures by
feature of the national follow-up mechanism (URG's NMIRF coding).

Each returns a ``matplotlib.figure.Figure``, or None when there is nothing to draw (the report says why).
"""

import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from .plots import COLOURS, SYNTHETIC_MARK, _figure, _percent_axis

WHO_COLOURS = {"this State": COLOURS["country"], "all States": COLOURS["group"]}
CURVE_COLOURS = {"supported": COLOURS["country"], "noted": COLOURS["highlight"]}


def state_vs_all(table, title, xlabel, synthetic):
    """One line per measure of ``table`` (``followup.COMPARISON_COLUMNS``): the State's share and all States',
    each with its 95% interval; a measure the State has no case of shows all States only."""
    table = table.dropna(subset=["share"])
    if not (table["who"] == "this State").any():
        return None
    measures = list(dict.fromkeys(table["measure"]))
    figure, axes = _figure(title, synthetic, size=(7, 0.6 * len(measures) + 1.4))
    for offset, (who, colour) in zip((0.15, -0.15), WHO_COLOURS.items()):
        rows = table[table["who"] == who]
        positions = np.array([len(measures) - 1 - measures.index(m) for m in rows["measure"]]) + offset
        share = rows["share"].to_numpy(float)
        errors = np.clip(np.vstack([share - rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float) - share]),
                         0, None)
        axes.errorbar(share, positions, xerr=errors, fmt="o", capsize=3, color=colour, label=who)
        for high, y, k, n in zip(rows["ci_high"].to_numpy(float), positions, rows["k"], rows["n"]):
            axes.annotate(f"{k:,} of {n:,}", (high, y), xytext=(4, 0), textcoords="offset points", va="center",
                          fontsize=7, color=colour)
    labels = [textwrap.fill(m, 34) for m in measures]
    axes.set_yticks(np.arange(len(measures))[::-1], labels, fontsize=8)
    _percent_axis(axes.xaxis, axes.set_xlim)
    axes.set_xlabel(xlabel)
    axes.set_ylim(-0.6, len(measures) - 0.4)
    axes.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return figure


def kaplan_meier(curves, title, synthetic, as_of=None):
    """Step curves of the share of requests not yet ratified over the years after the review, per group
    (``survival.CURVE_COLUMNS``), with shaded 95% pointwise intervals."""
    if curves.empty:
        return None
    figure, axes = _figure(title, synthetic)
    for group, rows in curves.groupby("group", sort=False):
        colour = CURVE_COLOURS.get(group, COLOURS["group"])
        n = int(rows["at_risk"].iloc[0])
        axes.step(rows["years"], rows["not_ratified"], where="post", color=colour, label=f"{group} (n={n:,})")
        axes.fill_between(rows["years"], rows["ci_low"], rows["ci_high"], step="post", color=colour, alpha=0.15, lw=0)
    axes.set_xlabel("years after the review" + (f" (censored at {as_of:%B %Y})" if as_of is not None else ""))
    axes.set_ylabel("share not yet ratified")
    _percent_axis(axes.yaxis, axes.set_ylim)
    axes.set_xlim(0, None)
    axes.legend(frameon=False, loc="lower left", title="response to the recommendation", title_fontsize=8)
    return figure


FEATURE_LABELS = {"coded by URG": "coded by URG", "classification": "classification",
                  "cso_participation": "CSO participation", "tracking_database": "tracking database",
                  "implementation_monitoring": "implementation monitoring"}


def mechanism_shares(shares, title, synthetic):
    """One panel per outcome of ``shares`` (``mechanisms.Associations.shares``): the share of each feature level
    with its 95% interval and the number of States behind it; dashed, the share over all coded States."""
    shares = shares.dropna(subset=["share"])
    if shares.empty:
        return None
    outcomes = list(dict.fromkeys(shares["outcome"]))
    labels = list(dict.fromkeys(_feature_labels(shares)))
    figure = Figure(figsize=(4.2 * len(outcomes) + 2.2, 0.3 * len(labels) + 1.8), layout="constrained")
    figure.suptitle(f"{title}\n{SYNTHETIC_MARK}" if synthetic else title, fontsize=11)
    axes_list = figure.subplots(1, len(outcomes), sharey=True, squeeze=False)[0]
    for axes, outcome in zip(axes_list, outcomes):
        _mechanism_panel(axes, shares[shares["outcome"] == outcome], labels, outcome)
    axes_list[0].set_yticks(np.arange(len(labels))[::-1], labels, fontsize=8)
    return figure


def _feature_labels(rows):
    return [f"{FEATURE_LABELS.get(feature, feature)}: {level}"
            for feature, level in zip(rows["feature"], rows["level"])]


def _mechanism_panel(axes, rows, labels, outcome):
    axes.spines[["top", "right"]].set_visible(False)
    positions = np.array([len(labels) - 1 - labels.index(label) for label in _feature_labels(rows)])
    share = rows["share"].to_numpy(float)
    errors = np.clip(np.vstack([share - rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float) - share]),
                     0, None)
    colours = [COLOURS["group"] if f == "coded by URG" else COLOURS["country"] for f in rows["feature"]]
    for x, y, error, colour in zip(share, positions, errors.T, colours):
        axes.errorbar([x], [y], xerr=error.reshape(2, 1), fmt="o", capsize=3, color=colour)
    for high, y, states in zip(rows["ci_high"].to_numpy(float), positions, rows["states"]):
        axes.annotate(f"{states} States", (high, y), xytext=(4, 0), textcoords="offset points", va="center",
                      fontsize=7, color="#555")
    coded = rows[(rows["feature"] == "coded by URG") & (rows["level"] == "yes")]["share"]
    if len(coded):
        axes.axvline(float(coded.iloc[0]), color=COLOURS["group"], linestyle="--", linewidth=1)
    axes.set_xlim(0, min(1.05, float(rows["ci_high"].max()) * 1.35))
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xlabel(textwrap.fill(f"share of {outcome} (95% CI)", 44), fontsize=9)
    axes.set_ylim(-0.6, len(labels) - 0.4)
