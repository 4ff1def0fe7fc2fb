"""What the recommending States asked for: UPR Info action categories and issue tags by recommending group,
and the mean action category by recommending group over all States under review.

The action category runs from 1 (minimal action) to 5 (specific action); only UPR Info's rows carry one
(the DIHR rows of sessions 21-26 in the embedded data have none), so every figure here is over the
recommendations with a category and says how many those are. The published anchor: McMahon (2012) found
that WEOG and EEG States make more specific recommendations than African and Asian States.
"""

import numpy as np
import pandas as pd
from scipy import stats

from ..metrics import ACTION_LABELS, thematic_profile
from .recommenders import GROUPS, _group_named, received

ANCHOR_COLUMNS = ["cycle", "recommender_group", "n", "n_categorised", "n_states", "mean_action_category",
                  "se", "ci_low", "ci_high"]


def _scope(recs, country):
    return _group_named(recs if country is None else received(recs, country))


def category_mix_by_group(recs, country=None):
    """Per recommending group, over the recommendations to ``country`` (None: to all States): ``n``,
    ``n_categorised``, the share of the categorised in each category (``share_1`` ... ``share_5``) and
    ``mean_action_category``; groups in alphabetical order."""
    scoped = _scope(recs, country)
    category = scoped["action_category"].astype("Float64")
    rows = []
    for group, part in scoped.groupby("recommender_group", sort=True):
        known = category.loc[part.index].dropna().astype(int)
        shares = {f"share_{c}": (known == c).mean() if len(known) else np.nan for c in ACTION_LABELS}
        rows.append({"recommender_group": group, "n": len(part), "n_categorised": len(known), **shares,
                     "mean_action_category": known.mean() if len(known) else np.nan})
    columns = ["recommender_group", "n", "n_categorised", *[f"share_{c}" for c in ACTION_LABELS],
               "mean_action_category"]
    return pd.DataFrame(rows, columns=columns)


def top_issues_by_group(recs, country=None, top=3):
    """Each recommending group's ``top`` most frequent UPR Info issue tags, over the recommendations to
    ``country`` (None: all States): ``recommender_group, rank, issue, n, share`` (of the group's
    recommendations; one counts once per tag), ``acceptance_rate``. Groups without tags are absent."""
    parts = []
    for group, part in _scope(recs, country).groupby("recommender_group", sort=True):
        profile = thematic_profile(part, top=top)
        parts.append(profile.assign(recommender_group=group, rank=np.arange(1, len(profile) + 1)))
    columns = ["recommender_group", "rank", "issue", "n", "share", "acceptance_rate"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def _clustered_mean(values, clusters, alpha):
    """Mean, standard error clustered (by recommending State) with the G/(G-1) correction, and its interval
    on Student's t with G - 1 degrees of freedom (G clusters: a group has a few dozen States)."""
    n, groups = len(values), pd.Series(clusters).nunique()
    mean = float(np.mean(values)) if n else np.nan
    if groups < 2:
        return mean, np.nan, np.nan, np.nan
    sums = pd.Series(values - mean).groupby(np.asarray(clusters)).sum().to_numpy()
    se = np.sqrt(groups / (groups - 1) * np.sum(sums ** 2)) / n
    t = stats.t.ppf(1 - alpha / 2, groups - 1)
    return mean, se, mean - t * se, mean + t * se


def action_category_by_recommender_group(recs, alpha=0.05, groups=GROUPS):
    """Over all States under review in ``recs``, per cycle and UN regional group of the recommending State
    (``groups``; observers and unknown recommenders are left out): ``n`` recommendations, ``n_categorised``
    (with an action category), ``n_states`` (recommending States among those), ``mean_action_category``
    with its standard error ``se`` (clustered by recommending State, since one State's recommendations are
    not independent) and interval (``ci_low``, ``ci_high``; Student's t with one degree of freedom fewer than
    States). A cycle or group without categorised recommendations has no mean (NaN)."""
    rows = []
    for (cycle, group), part in recs[recs["recommender_group"].isin(groups)].groupby(
            ["cycle", "recommender_group"], sort=True):
        known = part[part["action_category"].notna()]
        values = known["action_category"].astype(float).to_numpy()
        mean, se, low, high = _clustered_mean(values, known["recommender_iso3"].to_numpy(), alpha)
        rows.append([int(cycle), group, len(part), len(known), known["recommender_iso3"].nunique(), mean, se, low,
                     high])
    return pd.DataFrame(rows, columns=ANCHOR_COLUMNS)


def mean_action_category_by_recommender_group(recs):
    """The ``metrics.json`` entry: ``{cycle: {group: mean action category}}`` over all States under review,
    cycles as text (``"1"``), the UN regional groups of the recommending States in alphabetical order, each
    with at least one categorised recommendation; a cycle without any is an empty mapping. How many
    recommendations have a category: ``categories_known``."""
    table = action_category_by_recommender_group(recs)
    result = {str(int(c)): {} for c in sorted(recs["cycle"].unique())}
    for row in table.dropna(subset=["mean_action_category"]).itertuples(index=False):
        result[str(row.cycle)][row.recommender_group] = float(row.mean_action_category)
    return result


def categories_known(recs):
    """Per cycle (as text): ``{"n": recommendations, "n_categorised": those with an action category}``."""
    known = recs["action_category"].notna()
    return {str(int(cycle)): {"n": int(len(part)), "n_categorised": int(known.loc[part.index].sum())}
            for cycle, part in recs.groupby("cycle", sort=True)}
