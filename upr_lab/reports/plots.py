"""Figures of the three analyses. Each returns a ``matplotlib.figure.Figure``, or None when the data
cannot support the figure (the caller then says so instead of showing an empty plot).

Figures are built without pyplot, so nothing is displayed twice and no global state leaks between
runs; ``render_png`` writes them without varying metadata, so the same data give the same bytes.
"""

import io
import textwrap
from dataclasses import dataclass

import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter, PercentFormatter

from upr_lab.stats.effects import term_label

from . import alt_text

SYNTHETIC_MARK = "SYNTHETIC data, not real UPR data"
COLOURS = {"country": "#1f5f8b", "group": "#9aa5b1", "highlight": "#d1495b"}


def render_png(figure, dpi=110):
    """PNG bytes of a figure cut to what it draws (as savefig's ``bbox_inches="tight"``), without timestamps or
    software versions in its metadata.

    The area is measured at the printing resolution before the one draw that prints it: the same bytes as
    ``"tight"``, which draws the whole figure once more to measure it (a sixth of a report's figure time). A
    figure with a layout engine (``layout="constrained"``) is laid out first, once, as ``"tight"`` does, and its
    engine then turned off (a second pass moves the axes a little): measured before the layout, its area was
    that of the axes before the layout moved them, and the print cut off what they moved.
    """
    figure.set_dpi(dpi)
    renderer = FigureCanvasAgg(figure).get_renderer()
    if figure.get_layout_engine() is not None:
        figure.draw_without_rendering()
        figure.set_layout_engine("none")
    area = figure.get_tightbbox(renderer).padded(rcParams["savefig.pad_inches"])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches=area, metadata={"Software": None})
    return buffer.getvalue()


@dataclass(frozen=True)
class Rendered:
    """A figure as a report shows it: its PNG bytes, and the text alternative and title read off it."""
    png: bytes
    alt: str
    title: str


def rendered(figure):
    """``figure`` rendered for a report (``Rendered``)."""
    return Rendered(render_png(figure), alt_text.alt_text(figure), alt_text.title(figure))


def drawn(draw, *args, **kwargs):
    """``rendered(draw(*args, **kwargs))``, or None when ``draw`` says the data cannot support its figure.

    A figure over all States is the same in every report of a batch: ``run.pooled(plots.drawn, draw, ...)``
    draws it once per batch (drawing is most of what a report costs).
    """
    figure = draw(*args, **kwargs)
    return None if figure is None else rendered(figure)


def _figure(title, synthetic, size=(7, 4)):
    figure = Figure(figsize=size)
    axes = figure.add_subplot()
    axes.set_title(f"{title}\n{SYNTHETIC_MARK}" if synthetic else title, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _error_bars(table, values):
    """Distances from each value to its interval's ends (``ci_low``, ``ci_high``), as matplotlib wants.

    A rate of exactly 0 or 1 can lie a rounding error outside its Wilson interval; that distance is 0.
    """
    below = values - table["ci_low"].to_numpy(float)
    above = table["ci_high"].to_numpy(float) - values
    return np.clip(np.vstack([below, above]), 0, None)


def _percent_axis(axis, set_limits):
    set_limits(0, 1.05)
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def rate_by_cycle(table, rate, title, ylabel, synthetic, reference=None, reference_label="all States", sources=None):
    """Rate per cycle with its confidence interval; ``reference`` (optional) a comparison rate per cycle;
    ``sources`` (optional, ``{cycle: "UHRI"}``, as ``Analysis.cycle_sources``) written under each cycle."""
    table = table.dropna(subset=[rate])
    if table.empty:
        return None
    figure, axes = _figure(title, synthetic)
    x = table["cycle"].astype(int).to_numpy()
    y = table[rate].to_numpy(float)
    errors = _error_bars(table, y)
    axes.errorbar(x, y, yerr=errors, fmt="o-", capsize=4, color=COLOURS["country"], label="this State")
    if reference is not None and not reference.dropna(subset=[rate]).empty:
        ref = reference.dropna(subset=[rate])
        axes.plot(ref["cycle"].astype(int), ref[rate], "s--", color=COLOURS["group"], label=reference_label)
    ticks = sorted(set(x) | set([] if reference is None else reference["cycle"].astype(int)))
    axes.set_xticks(ticks, [_cycle_tick(c, sources) for c in ticks])
    axes.set_xlabel("UPR cycle" + (" (source of its recommendations)" if sources else ""))
    axes.set_ylabel(ylabel)
    _percent_axis(axes.yaxis, axes.set_ylim)
    axes.legend(frameon=False, loc="lower right")
    return figure


def _cycle_tick(cycle, sources):
    source = (sources or {}).get(int(cycle))
    return f"{cycle}\n{source.replace(', ', chr(10))}" if source else str(cycle)


def category_mix(spec, title, synthetic):
    """Share of the categorised recommendations per action category (bars) and the share supported (points).

    Recommendations without a category (``"unknown"``: a source that codes none) are left out; the
    caller says how many.
    """
    spec = spec[(spec["n"] > 0) & (spec["category"] != "unknown")]
    if spec.empty:
        return None
    spec = spec.assign(share=spec["n"] / spec["n"].sum())
    figure, axes = _figure(title, synthetic)
    labels = [f"{c}\n{label.replace(' ', chr(10))}" for c, label in zip(spec["category"], spec["label"])]
    positions = np.arange(len(spec))
    axes.bar(positions, spec["share"], color=COLOURS["group"], label="share of recommendations")
    axes.plot(positions, spec["acceptance_rate"], "o", color=COLOURS["country"], label="share supported")
    axes.set_xticks(positions, labels, fontsize=8)
    axes.set_xlabel("UPR Info action category (1 = minimal ... 5 = specific action)")
    axes.set_ylabel("share of the categorised recommendations")
    _percent_axis(axes.yaxis, axes.set_ylim)
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return figure


def top_issues(profile, title, synthetic, top=12):
    """Horizontal bars: the most frequent issue tags and how often each was supported."""
    profile = profile.head(top)
    if profile.empty:
        return None
    figure, axes = _figure(title, synthetic, size=(7, 0.35 * len(profile) + 1.5))
    positions = np.arange(len(profile))[::-1]
    axes.barh(positions, profile["n"], color=COLOURS["group"])
    axes.set_yticks(positions, profile["issue"], fontsize=8)
    for pos, n, rate in zip(positions, profile["n"], profile["acceptance_rate"]):
        text = "" if np.isnan(rate) else f"  {rate:.0%} supported"
        axes.text(n, pos, text, va="center", fontsize=7)
    axes.set_xlabel("number of recommendations (a recommendation counts once per tag)")
    return figure


def _interval_rows(table, column, labels, reference, title, synthetic, row_height):
    """One row per estimate, top to bottom: a dot with its 95% interval, a dotted line at ``reference``."""
    figure, axes = _figure(title, synthetic, size=(7, row_height * len(table) + 1.5))
    positions = np.arange(len(table))[::-1]
    values = table[column].to_numpy(float)
    axes.errorbar(values, positions, xerr=_error_bars(table, values), fmt="o", capsize=3, color=COLOURS["country"])
    axes.axvline(reference, color="#555", lw=0.8, ls=":")
    axes.set_yticks(positions, labels, fontsize=8)
    return figure, axes


def odds_ratio_forest(table, title, synthetic, xlabel="odds ratio (log scale), 95% CI"):
    """Forest plot of odds ratios with intervals; ``table`` has odds_ratio, ci_low, ci_high by term (named in
    words on the plot: ``stats.effects.term_label``)."""
    table = table.dropna(subset=["odds_ratio", "ci_low", "ci_high"])
    if table.empty:
        return None
    labels = [term_label(term) for term in table.index]
    figure, axes = _interval_rows(table, "odds_ratio", labels, 1.0, title, synthetic, 0.45)
    axes.set_xscale("log")
    axes.xaxis.set_major_locator(MaxNLocator(6))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axes.xaxis.set_minor_formatter(NullFormatter())
    axes.set_xlabel(xlabel)
    return figure


def group_differences(comparison, country_name, title, synthetic):
    """Difference between the State's acceptance rate and each regional group's, with 95% intervals."""
    comparison = comparison.dropna(subset=["difference"])
    if comparison.empty:
        return None
    labels = [f"{g} ({r})" for g, r in zip(comparison["group"], comparison["relation"])]
    figure, axes = _interval_rows(comparison, "difference", labels, 0.0, title, synthetic, 0.5)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=" pp"))
    axes.set_xlabel(f"acceptance rate of {country_name} minus the group's (percentage points), 95% CI")
    return figure


def group_ranking(ranking, title, synthetic):
    """Acceptance rate of every State of the group, the State under review highlighted."""
    ranking = ranking.dropna(subset=["acceptance_rate"])
    if ranking.empty:
        return None
    figure, axes = _figure(title, synthetic, size=(7, 0.18 * len(ranking) + 1.5))
    positions = np.arange(len(ranking))[::-1]
    colours = [COLOURS["highlight"] if own else COLOURS["group"] for own in ranking["is_country"]]
    axes.barh(positions, ranking["acceptance_rate"], color=colours)
    axes.set_yticks(positions, ranking["sur_iso3"], fontsize=6)
    _percent_axis(axes.xaxis, axes.set_xlim)
    axes.set_xlabel("share of recommendations supported (of supported + noted)")
    return figure


def _acceptance_bars(table, title, synthetic):
    """Bars of ``acceptance_rate`` with their intervals, one per row that has a rate:
    ``(figure, axes, rows drawn, bar positions)``, or None when no row has one."""
    table = table.dropna(subset=["acceptance_rate"])
    if table.empty:
        return None
    figure, axes = _figure(title, synthetic)
    positions = np.arange(len(table))
    rate = table["acceptance_rate"].to_numpy(float)
    axes.bar(positions, rate, yerr=_error_bars(table, rate), capsize=4, color=COLOURS["group"])
    return figure, axes, table, positions


def civil_society_reception(table, title, synthetic):
    """Share supported of recommendations on civil society / defenders against all the others."""
    drawn = _acceptance_bars(table, title, synthetic)
    if drawn is None:
        return None
    figure, axes, table, positions = drawn
    axes.set_xticks(positions, [f"{t}\n(n={n})" for t, n in zip(table["topic"], table["n_recommendations"])],
                    fontsize=8)
    _percent_axis(axes.yaxis, axes.set_ylim)
    axes.set_ylabel("share supported (of supported + noted)")
    return figure


def rate_vs_group_by_cycle(table, title, synthetic, sources=None):
    """The State's acceptance rate per cycle (with interval) and its group's (the State excluded)."""
    group = table[["cycle", "group_acceptance_rate"]].rename(columns={"group_acceptance_rate": "acceptance_rate"})
    if group["acceptance_rate"].isna().all():  # a State alone in its group: say so rather than name a missing line
        title = f"{title}\n(no other State of its group in these data: the group's rate cannot be drawn)"
    return rate_by_cycle(table, "acceptance_rate", title, "share supported (of supported + noted)", synthetic,
                         reference=group, reference_label="rest of its group", sources=sources)


def acceptance_by_category(table, title, synthetic, overall=None, source=None):
    """Share supported per action category (bars, 95% intervals); ``overall`` a dotted reference line.

    ``table`` has ``category, label, n_recommendations, acceptance_rate, ci_low, ci_high`` (as
    ``published.acceptance_by_category``); ``source`` is printed under the figure.
    """
    drawn = _acceptance_bars(table, title, synthetic)
    if drawn is None:
        return None
    figure, axes, table, positions = drawn
    if overall is not None:
        axes.axhline(overall, color=COLOURS["country"], lw=1, ls=":", label=f"all categories ({overall:.1%})")
        axes.legend(frameon=False, loc="upper right")
    labels = [f"{c}\n{label}\n(n={n:,})" for c, label, n in
              zip(table["category"], table["label"], table["n_recommendations"])]
    axes.set_xticks(positions, labels, fontsize=8)
    axes.set_xlabel("UPR Info action category (1 = minimal ... 5 = specific action)")
    axes.set_ylabel("share supported (of supported + noted)")
    _percent_axis(axes.yaxis, axes.set_ylim)
    if source:
        text = textwrap.fill(source, 110, break_on_hyphens=False)
        figure.text(0.01, -0.1, text, fontsize=7, color="#555", ha="left", va="top")
    return figure


def sdg_goals(profile, title, synthetic):
    """Horizontal stacked bars per SDG goal: recommendations supported and noted."""
    if profile.empty:
        return None
    figure, axes = _figure(title, synthetic, size=(7, 0.35 * len(profile) + 1.6))
    positions = np.arange(len(profile))[::-1]
    labels = [textwrap.shorten(f"{int(g)} {name}", 42) for g, name in zip(profile["goal"], profile["name"])]
    supported, noted = profile["n_supported"].to_numpy(), profile["n_noted"].to_numpy()
    axes.barh(positions, supported, color=COLOURS["country"], label="supported")
    axes.barh(positions, noted, left=supported, color=COLOURS["group"], label="noted")
    axes.set_yticks(positions, labels, fontsize=8)
    axes.set_xlabel("number of recommendations (one counts once per goal it touches)")
    axes.legend(frameon=False, fontsize=8, loc="lower right")
    return figure
