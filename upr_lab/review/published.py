"""Published figures about UPR Info data, and the tables that set the workbench's own beside them.

The reference figures are data, each with the source it comes from, so that a validation notebook
(``validation/published_figures.ipynb``) and the tests compare against one definition:

* ``CATEGORY_COUNTS``: recommendations of Working Group sessions 1-20 per UPR Info action category
  (rows of the database, exact repeats included);
* ``SHARE_SUPPORTED``: the share of recommendations supported, about 75% through the first cycles;
* ``SPECIFIC_ACTION``: the qualitative finding that specific-action recommendations (category 5) are
  accepted less often than the others (McMahon's analyses of the UPR Info database);
* ``RECOMMENDER_SPECIFICITY``: the recommending groups ordered by how specific their recommendations are
  (McMahon: WEOG and EEG States more specific than African and Asian ones), with the approximate mean action
  category of each group in cycle 1.

The ``check_*`` functions raise ``PublishedFigureMismatch`` (an ``AssertionError``) when the
workbench's figure disagrees with the published one, so that a notebook run by nbval fails on them.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from upr_lab.stats import metrics
from upr_lab.stats.dyads.asked import action_category_by_recommender_group
from upr_lab.reports.analysis import html_table  # noqa: F401  (the validation notebook shows its tables with it)


class PublishedFigureMismatch(AssertionError):
    """The workbench's figure differs from a published one beyond what the comparison allows."""


@dataclass(frozen=True)
class PublishedFigure:
    """A published figure: what it measures, its value (None when qualitative) and its source."""

    name: str
    value: object
    source: str
    note: str = ""


SESSIONS = (1, 20)

CATEGORY_COUNTS = PublishedFigure(
    name="recommendations by UPR Info action category, Working Group sessions 1-20",
    value={1: 603, 2: 6981, 3: 3449, 4: 16261, 5: 13772},
    source="UPR Info database statistics for sessions 1-20 (figures as quoted in upr-lab issue 3)",
    note="exact counts of the database's rows: the rows the workbench reads must reproduce them exactly",
)

SHARE_SUPPORTED = PublishedFigure(
    name="share of recommendations supported, first cycles",
    value=0.75,
    source="UPR Info's reports on the first cycle of the UPR ('about 75%' supported; "
           "figure as quoted in upr-lab issue 3)",
    note="an approximate figure: compared within a tolerance, not exactly",
)

SHARE_TOLERANCE = 0.025  # "about 75%": within 2.5 percentage points

SPECIFIC_ACTION = PublishedFigure(
    name="lower acceptance of specific-action (category 5) recommendations",
    value=None,
    source="Edward R. McMahon, 'The Universal Periodic Review: A Work in Progress. An Evaluation of "
           "the First Cycle of the New UPR Mechanism of the United Nations Human Rights Council', "
           "Friedrich-Ebert-Stiftung, 2012",
    note="qualitative: analyses of the UPR Info database by action category find that the more "
         "specific recommendations (category 5) are accepted less often; no number is compared",
)


def in_sessions(recs, sessions=SESSIONS):
    """Recommendations of Working Group sessions ``sessions[0]`` to ``sessions[1]`` (inclusive)."""
    first, last = sessions
    return recs[recs["session"].between(first, last)]


def category_counts_vs_published(recs, published=CATEGORY_COUNTS, repeats=()):
    """Rows per action category, sessions 1-20, as exported and as analysed, beside the published counts.

    UPR Info's counts count the rows of its database. The loader keeps a row that repeats another
    exactly once, so the rows exported in a category are the recommendations analysed in it plus the
    exact repeats dropped from it (``repeats``: the records of ``UprData.source["repeats"]``).
    One row per category 1-5, then ``"unknown"`` if some recommendations have no category:
    ``category, label, published, exported, repeats_dropped, analysed, difference`` (exported -
    published; <NA> where nothing was published). Counts come from ``metrics.specificity``.
    """
    spec = metrics.specificity(in_sessions(recs))
    expected = pd.Series(published.value, dtype="Int64")
    dropped = _repeats_by_category(repeats)
    analysed = spec["n"].astype("Int64")
    removed = spec["category"].map(lambda c: dropped.get(c, 0)).astype("Int64")
    table = pd.DataFrame({
        "category": spec["category"],
        "label": spec["label"],
        "published": spec["category"].map(lambda c: expected.get(c, pd.NA)).astype("Int64"),
        "exported": analysed + removed,
        "repeats_dropped": removed,
        "analysed": analysed,
    })
    return table.assign(difference=table["exported"] - table["published"])


def _repeats_by_category(repeats, sessions=SESSIONS):
    counts = {}
    for r in repeats:
        if sessions[0] <= r["session"] <= sessions[1]:
            category = "unknown" if r["action_category"] is None else r["action_category"]
            counts[category] = counts.get(category, 0) + 1
    return counts


def check_category_counts(table):
    """Raise ``PublishedFigureMismatch`` unless every category's exported rows equal the published count.

    ``table`` is the result of ``category_counts_vs_published``; recommendations of unknown category
    are a mismatch too (the published counts leave none out).
    """
    differing = table[table["difference"].fillna(1) != 0]
    if not differing.empty:
        rows = "; ".join(f"category {r.category}: published {r.published}, exported {r.exported}"
                         for r in differing.itertuples())
        raise PublishedFigureMismatch(f"category counts differ from the published ones: {rows}")


def share_supported(recs, by=None, alpha=0.05):
    """The share supported under two definitions, with Wilson intervals.

    ``share_of_decided`` = supported / (supported + noted), as ``metrics.acceptance``;
    ``share_of_all`` = supported / all recommendations (``other`` responses in the denominator).
    One row (``by=None``) or one row per group, sorted by the keys: ``[by...], n_recommendations,
    n_supported, n_noted, n_other, share_of_decided, decided_ci_low, decided_ci_high,
    share_of_all, all_ci_low, all_ci_high``.
    """
    decided = metrics.acceptance(recs, by=by, alpha=alpha)
    frame = pd.DataFrame([decided]) if by is None else decided.reset_index(drop=True)
    frame = frame.rename(columns={"acceptance_rate": "share_of_decided", "ci_low": "decided_ci_low",
                                  "ci_high": "decided_ci_high"})
    frame.insert(frame.columns.get_loc("n_noted") + 1, "n_other",
                 frame["n_recommendations"] - frame["n_supported"] - frame["n_noted"])
    of_all = [metrics.rate_with_ci(k, n, alpha) for k, n in
              zip(frame["n_supported"], frame["n_recommendations"])]
    for column, key in (("share_of_all", "rate"), ("all_ci_low", "ci_low"), ("all_ci_high", "ci_high")):
        frame[column] = np.array([np.nan if r[key] is None else r[key] for r in of_all], dtype=float)
    return frame


DEFINITIONS = {"share_of_decided": "supported / (supported + noted)",
               "share_of_all": "supported / all recommendations"}


def share_vs_published(shares, published=SHARE_SUPPORTED, tolerance=SHARE_TOLERANCE):
    """The overall shares (one row of ``share_supported``) beside the published share.

    One row per definition: ``definition, share, ci_low, ci_high, published, difference``
    (share - published, as a proportion), ``within_tolerance``.
    """
    row = shares.iloc[0]
    bounds = {"share_of_decided": ("decided_ci_low", "decided_ci_high"),
              "share_of_all": ("all_ci_low", "all_ci_high")}
    table = pd.DataFrame([{"definition": DEFINITIONS[column], "share": row[column],
                           "ci_low": row[low], "ci_high": row[high]}
                          for column, (low, high) in bounds.items()])
    difference = table["share"] - published.value
    return table.assign(published=published.value, difference=difference,
                        within_tolerance=difference.abs() <= tolerance)


def check_share(table, definition="share_of_decided", tolerance=SHARE_TOLERANCE):
    """Raise ``PublishedFigureMismatch`` unless the share under ``definition`` is within ``tolerance``.

    ``table`` is the result of ``share_vs_published``; ``definition`` a key of ``DEFINITIONS``.
    """
    row = table[table["definition"] == DEFINITIONS[definition]].iloc[0]
    if not abs(row["difference"]) <= tolerance:
        raise PublishedFigureMismatch(
            f"share supported ({row['definition']}) is {row['share']:.1%}, more than "
            f"{tolerance:.1%} away from the published {row['published']:.0%}")


def acceptance_by_category(recs, alpha=0.05):
    """Acceptance (supported among supported + noted) per known action category, Wilson intervals.

    ``category, label, n_recommendations, n_supported, n_noted, acceptance_rate, ci_low, ci_high``,
    one row per category present, in category order (recommendations of unknown category left out).
    """
    known = recs[recs["action_category"].notna()]
    known = known.assign(category=known["action_category"].astype(int))
    table = metrics.acceptance(known, by="category", alpha=alpha)
    table.insert(1, "label", table["category"].map(metrics.ACTION_LABELS))
    return table.reset_index(drop=True)


def check_specific_action_lowest(table, odds_ratios, term="action_category[5]"):
    """Raise ``PublishedFigureMismatch`` unless category 5 is accepted least often and significantly.

    ``table`` is the result of ``acceptance_by_category``: category 5's acceptance must be below every
    other category's. ``odds_ratios`` is a model's odds-ratio table (``ci_high`` by term, e.g.
    ``EffectsResult.odds_ratios()`` with reference category 4): the upper end of the interval of
    ``term`` must be below 1.
    """
    rates = table.set_index("category")["acceptance_rate"]
    if 5 not in rates.index or rates.drop(5).empty:
        raise PublishedFigureMismatch("category 5 and at least one other category are needed")
    higher = rates.drop(5)
    not_higher = higher[~(higher > rates[5])]
    if not not_higher.empty:
        raise PublishedFigureMismatch(
            f"category 5 acceptance ({rates[5]:.1%}) is not below that of categories "
            f"{', '.join(str(c) for c in not_higher.index)}")
    upper = odds_ratios["ci_high"].get(term, np.nan)
    if not upper < 1:
        raise PublishedFigureMismatch(f"the odds ratio of {term} has an interval reaching {upper:.3f}, "
                                      "not below 1")


def provenance_line(source, version):
    """One line naming the data files read (names, not paths) and their SHA-256, and the version."""
    files = "; ".join(f"{f['name']} (sha256 {f['sha256']})" for f in source.get("files", []))
    return f"upr-lab {version}. Data: {source.get('label', '')}. Files: {files or 'none'}."


BEYOND_PROMISES = PublishedFigure(
    name="share of recommendations that triggered action by mid-term, supported and noted",
    value={"supported": 0.55, "noted": 0.19},
    source="UPR Info, 'Beyond Promises: The impact of the UPR on the ground', Geneva, 2014 (mid-term "
           "assessments of the first cycle's recommendations)",
    note="a different measure: any action (partly or fully implemented) on any recommendation, as civil society, "
         "NHRIs and the UN reported it at mid-term; upr-lab's is completed ratification of the instrument a "
         "recommendation to ratify named, from the treaty database. Compared in direction only",
)
MOST_RECOMMENDED = ("CAT-OP", "CED", "CCPR-OP2-DP")  # the instruments recommended most in cycles 1-2


def beyond_promises_note(mid_term):
    """A sentence setting ``mid_term`` (``FollowThrough.shares(outcome="by_mid_term")`` by response) beside
    Beyond Promises: both shares, and whether the direction (supported above noted) is the same."""
    shares = mid_term.set_index("response")["share"]
    published = BEYOND_PROMISES.value
    if not {"supported", "noted"}.issubset(shares.dropna().index):
        return "The comparison with Beyond Promises needs requests both supported and noted; this data has not both."
    same = shares["supported"] > shares["noted"]
    return (f"By mid-term (2.5 years after the review), {shares['supported']:.1%} of the open requests to ratify "
            f"that were supported had been ratified, against {shares['noted']:.1%} of those noted; Beyond Promises "
            f"found {published['supported']:.0%} and {published['noted']:.0%} of recommendations acted on. "
            + ("The direction is the same: supported above noted." if same else
               "The direction is NOT the same: noted at or above supported."))


def ratification_direction(follow, instruments=MOST_RECOMMENDED, outcome="within_5y", alpha=0.05):
    """Per instrument of ``instruments``: the share of open requests ratified (``outcome``), supported and noted,
    with Wilson intervals, their difference, and ``supported_higher``."""
    table = follow.shares(by=("instrument", "response"), outcome=outcome, alpha=alpha)
    rows = []
    for code in instruments:
        found = table[table["instrument"] == code].set_index("response")
        entry = {"instrument": code}
        for response in ("supported", "noted"):
            row = found.loc[response] if response in found.index else None
            for key in ("n", "share", "ci_low", "ci_high"):
                entry[f"{response}_{key}"] = None if row is None else row[key]
        entry["difference"] = (None if entry["supported_share"] is None or entry["noted_share"] is None
                               else entry["supported_share"] - entry["noted_share"])
        entry["supported_higher"] = entry["difference"] is not None and entry["difference"] > 0
        rows.append(entry)
    return pd.DataFrame(rows)


def check_ratification_direction(table):
    """Raise ``PublishedFigureMismatch`` unless supported requests were ratified more often than noted ones for
    every instrument of ``table`` (``ratification_direction``)."""
    wrong = table[~table["supported_higher"]]
    if len(wrong):
        raise PublishedFigureMismatch("supported requests to ratify were not ratified more often than noted ones for "
                                      + ", ".join(wrong["instrument"]))


MCMAHON_2012 = ("Edward R. McMahon, 'The Universal Periodic Review: A Work in Progress. An Evaluation of the First "
                "Cycle of the New UPR Mechanism of the United Nations Human Rights Council', Friedrich-Ebert-Stiftung, 2012")
RECOMMENDER_SPECIFICITY = PublishedFigure(
    name="mean UPR Info action category of the recommendations made by each regional group, cycle 1 (sessions 1-12)",
    value={"WEOG": 4.3, "EEG": 4.1, "GRULAC": 3.8, "Asia-Pacific": 3.4, "Africa": 3.3},
    source=f"{MCMAHON_2012}: WEOG and EEG States make more specific recommendations than African and Asian States; "
           "the approximate means on the UPR Info data of cycle 1 as quoted in upr-lab issue 14",
    note="the order of the groups is McMahon's finding and is checked strictly; the means are approximate "
         "(one decimal), compared within a tolerance",
)
SPECIFICITY_TOLERANCE = 0.1  # "about 4.3": one decimal, and a little slack for how rows are counted


def specificity_by_group_vs_published(recs, published=RECOMMENDER_SPECIFICITY, cycle=1, alpha=0.05):
    """The mean action category of the recommendations each regional group made in ``cycle``, over all States
    under review (``dyads.action_category_by_recommender_group``: SE clustered by recommending State, t interval),
    beside the published order and approximate means: ``recommender_group, published_rank, published_mean,
    n_categorised, n_states, mean_action_category, ci_low, ci_high, rank, difference`` (mean - published), in
    published order."""
    table = action_category_by_recommender_group(recs, alpha=alpha)
    table = table[table["cycle"] == cycle].set_index("recommender_group")
    order = list(published.value)
    measured = table["mean_action_category"].reindex(order)
    rank = measured.rank(ascending=False, method="min")
    frame = pd.DataFrame({"recommender_group": order, "published_rank": range(1, len(order) + 1),
                          "published_mean": [published.value[g] for g in order],
                          "n_categorised": table["n_categorised"].reindex(order).fillna(0).astype(int).to_numpy(),
                          "n_states": table["n_states"].reindex(order).fillna(0).astype(int).to_numpy(),
                          "mean_action_category": measured.to_numpy(float),
                          "ci_low": table["ci_low"].reindex(order).to_numpy(float),
                          "ci_high": table["ci_high"].reindex(order).to_numpy(float),
                          "rank": rank.to_numpy(float)})
    return frame.assign(difference=frame["mean_action_category"] - frame["published_mean"])


def check_specificity_order(table, tolerance=SPECIFICITY_TOLERANCE):
    """Raise ``PublishedFigureMismatch`` unless the groups' means (``specificity_by_group_vs_published``) fall
    strictly in the published order, each within ``tolerance`` of its approximate published mean."""
    means = table.set_index("recommender_group")["mean_action_category"]
    if means.isna().any():
        raise PublishedFigureMismatch("no mean action category for " + ", ".join(means.index[means.isna()])
                                      + " in cycle 1: the order cannot be checked")
    measured = sorted(means.index, key=lambda g: -means[g])
    if measured != list(table["recommender_group"]) or not (means.diff().dropna() < 0).all():
        shown = " > ".join(f"{g} {means[g]:.2f}" for g in measured)
        raise PublishedFigureMismatch(f"the groups' mean action categories are ordered {shown}; published: "
                                      + " > ".join(table["recommender_group"]))
    far = table[~(table["difference"].abs() <= tolerance)]
    if len(far):
        raise PublishedFigureMismatch(f"mean action category more than {tolerance} away from the published one: "
                                      + "; ".join(f"{r.recommender_group} {r.mean_action_category:.2f} against about "
                                                  f"{r.published_mean}" for r in far.itertuples()))
