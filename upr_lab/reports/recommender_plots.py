"""Figures of the recommending States' side (``upr_lab.dyads`` tables). Each returns a matplotlib ``Figure``,
or None when the table cannot support it (the notebook then says so)."""

import numpy as np
from matplotlib.ticker import PercentFormatter

from .plots import COLOURS, _error_bars, _figure, _percent_axis

GROUP_COLOURS = {"Africa": "#d1495b", "Asia-Pacific": "#edae49", "EEG": "#66a182", "GRULAC": "#00798c",
                 "WEOG": "#30638e", "Observer": "#9aa5b1", "unknown": "#cccccc"}
CATEGORY_COLOURS = ("#e6e6e6", "#c6dbef", "#9ecae1", "#4292c6", "#08519c")


def _colour(group):
    return GROUP_COLOURS.get(group, COLOURS["group"])


def _intervals(table, column, labels, title, synthetic):
    """One row per estimate, top to bottom: a dot with its 95% interval (``ci_low``, ``ci_high``)."""
    figure, axes = _figure(title, synthetic, size=(7, 0.3 * len(table) + 1.5))
    positions = np.arange(len(table))[::-1]
    values = table[column].to_numpy(float)
    colours = [_colour(g) for g in table["recommender_group"]]
    errors = _error_bars(table, values)
    for position, value, below, above, colour in zip(positions, values, errors[0], errors[1], colours):
        axes.errorbar([value], [position], xerr=[[below], [above]], fmt="o", capsize=3, color=colour)
    axes.set_yticks(positions, labels, fontsize=8)
    return figure, axes


def recommendations_by_group(table, title, synthetic):
    """Stacked bars, one per cycle: the State's recommendations by recommending group (``by_recommending_group``)."""
    if table.empty:
        return None
    figure, axes = _figure(title, synthetic)
    counts = table.pivot_table(index="cycle", columns="recommender_group", values="n", aggfunc="sum", fill_value=0)
    bottom = np.zeros(len(counts))
    for group in counts.columns:
        axes.bar(counts.index.astype(str), counts[group], bottom=bottom, color=_colour(group), label=group)
        bottom += counts[group].to_numpy()
    axes.set_xlabel("UPR cycle")
    axes.set_ylabel("recommendations received")
    axes.legend(frameon=False, fontsize=8, title="recommending group", title_fontsize=8, bbox_to_anchor=(1.0, 1.0),
                loc="upper left")
    return figure


def acceptance_by_group(table, title, synthetic):
    """The share supported of the State's recommendations from each group, cycle by cycle, with intervals."""
    table = table.dropna(subset=["acceptance_rate"])
    if table.empty:
        return None
    labels = [f"{g}, cycle {c} (n={n})" for g, c, n in zip(table["recommender_group"], table["cycle"], table["n"])]
    figure, axes = _intervals(table, "acceptance_rate", labels, title, synthetic)
    _percent_axis(axes.xaxis, axes.set_xlim)
    axes.set_xlabel("share supported (of supported + noted), 95% CI")
    return figure


def top_recommenders(table, title, synthetic):
    """Horizontal bars for the top recommending States (``by_recommending_state`` rows): supported and noted."""
    if table.empty:
        return None
    figure, axes = _figure(title, synthetic, size=(7, 0.3 * len(table) + 1.5))
    positions = np.arange(len(table))[::-1]
    supported, noted = table["n_supported"].to_numpy(), table["n_noted"].to_numpy()
    axes.barh(positions, supported, color=COLOURS["country"], label="supported")
    axes.barh(positions, noted, left=supported, color=COLOURS["group"], label="noted")
    labels = [f"{name} ({group})" for name, group in zip(table["recommender_name"], table["recommender_group"])]
    axes.set_yticks(positions, labels, fontsize=8)
    axes.set_xlabel("recommendations made to this State (all cycles)")
    axes.legend(frameon=False, fontsize=8, loc="lower right")
    return figure


def category_mix(table, title, synthetic):
    """Stacked horizontal bars: the share of each action category among a group's categorised recommendations
    (``category_mix_by_group``), with the group's mean category written beside its bar."""
    table = table[table["n_categorised"] > 0]
    if table.empty:
        return None
    figure, axes = _figure(title, synthetic, size=(7, 0.45 * len(table) + 1.8))
    positions = np.arange(len(table))[::-1]
    left = np.zeros(len(table))
    for category, colour in zip(range(1, 6), CATEGORY_COLOURS):
        share = table[f"share_{category}"].to_numpy(float)
        axes.barh(positions, share, left=left, color=colour, label=str(category))
        left += share
    for position, mean, n in zip(positions, table["mean_action_category"], table["n_categorised"]):
        axes.text(1.01, position, f"mean {mean:.2f} (n={n:,})", va="center", fontsize=7)
    axes.set_yticks(positions, table["recommender_group"], fontsize=8)
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xlabel("share of the recommendations with a category (1 = minimal ... 5 = specific action)")
    axes.legend(frameon=False, fontsize=7, ncol=5, title="action category", title_fontsize=7,
                bbox_to_anchor=(0.5, -0.18), loc="upper center")
    return figure


def group_shares(table, title, synthetic):
    """Per cycle, the share of the State's recommendations from each group (dots) beside all States' (squares)."""
    if table.empty:
        return None
    cycles = sorted(table["cycle"].unique())
    groups = sorted(table["recommender_group"].unique())
    figure, axes = _figure(title, synthetic, size=(7, 0.35 * len(groups) * len(cycles) + 1.6))
    rows = [(g, c) for g in groups for c in cycles]
    positions = np.arange(len(rows))[::-1]
    indexed = table.set_index(["recommender_group", "cycle"])
    own = [indexed["share"].get(row, np.nan) for row in rows]
    everyone = [indexed["share_all_states"].get(row, np.nan) for row in rows]
    axes.scatter(everyone, positions, marker="s", color=COLOURS["group"], label="all States under review", zorder=2)
    axes.scatter(own, positions, marker="o", color=COLOURS["country"], label="this State", zorder=3)
    axes.set_yticks(positions, [f"{g}, cycle {c}" for g, c in rows], fontsize=8)
    axes.set_xlim(0, max(0.05, np.nanmax([*own, *everyone]) * 1.1))
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xlabel("share of the cycle's recommendations from the group")
    axes.legend(frameon=False, fontsize=8, loc="lower right")
    return figure


def mean_category_by_group(table, title, synthetic):
    """The mean action category by recommending group and cycle (``action_category_by_recommender_group``),
    with 95% intervals, groups from the most specific down."""
    table = table.dropna(subset=["mean_action_category"])
    if table.empty:
        return None
    means = table.groupby("recommender_group")["mean_action_category"].mean()
    rank = {g: i for i, g in enumerate(sorted(means.index, key=lambda g: (-means[g], g)))}
    table = table.assign(rank=table["recommender_group"].map(rank)).sort_values(["rank", "cycle"], kind="mergesort")
    labels = [f"{g}, cycle {c} (n={n:,})" for g, c, n in
              zip(table["recommender_group"], table["cycle"], table["n_categorised"])]
    figure, axes = _intervals(table, "mean_action_category", labels, title, synthetic)
    axes.set_xlabel("mean UPR Info action category (1 = minimal ... 5 = specific action), 95% CI")
    return figure

