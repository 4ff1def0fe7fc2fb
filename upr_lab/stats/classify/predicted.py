"""Action categories and issue tags for the recommendations a source left without them.

``annotate(recommendations)`` returns the canonical table with three more columns and two filled:

* ``action_category``: kept where the source coded it; otherwise the classifier's most probable category,
  or empty (NA) for a recommendation with no word the model knows (no prediction rather than a guess);
* ``action_category_source``: ``coded``, ``predicted`` or empty (unknown);
* ``action_category_probability``: the predicted category's probability (NA where coded or unknown);
* ``issues``: kept where the source tagged it; otherwise the predicted tags among those reliable enough
  (``TagModel.assignable``), possibly none;
* ``issues_source``: ``coded``, ``predicted`` or empty.
"""

import numpy as np
import pandas as pd

from upr_lab.stats.classify import quantify
from upr_lab.stats.classify.model import CATEGORIES
from upr_lab.stats.classify.store import trained

ADDED_COLUMNS = ("action_category_source", "action_category_probability", "issues_source")


def annotate(recommendations, models=None):
    """``recommendations`` (a canonical table) with categories and tags predicted where missing; ``models``
    (category model, tag model) defaults to those trained from the embedded data."""
    category_model, tag_model = models or trained()
    out = recommendations.copy()
    coded = _coded(out, out["action_category"].notna(), "action_category_source")
    tagged = _coded(out, out["issues"].map(len) > 0, "issues_source")
    out["action_category_source"] = np.where(coded, "coded", "")
    out["action_category_probability"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["issues_source"] = np.where(tagged, "coded", "")
    wanted = ~coded | ~tagged
    if not wanted.any():
        return out
    rows = out[wanted]
    x, known = category_model.features.transform_known(rows["text"], rows["recommender_group"])
    missing = ~coded[wanted]
    if missing.any():
        probabilities = category_model.probabilities_of(x[missing], known[missing])
        found = ~np.isnan(probabilities[:, 0])
        index = rows.index[missing][found]
        out.loc[index, "action_category"] = np.asarray(CATEGORIES)[probabilities[found].argmax(axis=1)]
        out.loc[index, "action_category_source"] = "predicted"
        out.loc[index, "action_category_probability"] = probabilities[found].max(axis=1)
    untagged = ~tagged[wanted]
    if untagged.any():
        if category_model.features.shares_blocks(tag_model.features):
            x = category_model.features.columns(x, tag_model.features.blocks)
        else:
            x, known = tag_model.features.transform_known(rows["text"], rows["recommender_group"])
        index = rows.index[untagged]
        predicted = tag_model.predict_of(x[untagged], known[untagged], only_assignable=True)
        out.loc[index, "issues"] = pd.Series(predicted, index=index, dtype=object)
        out.loc[index[known[untagged]], "issues_source"] = "predicted"
    return out


def _coded(table, present, source):
    """Where the source coded the column: present, and not filled by an earlier prediction (a table annotated
    before is predicted anew, never taken for coded)."""
    if source in table.columns:
        present = present & (table[source] != "predicted")
    return present.to_numpy()


def predicted_counts(recommendations):
    """How many categories are coded, predicted and unknown (for ``data info`` and figure notes)."""
    source = recommendations.get("action_category_source")
    if source is None:
        return {"coded": int(recommendations["action_category"].notna().sum()), "predicted": 0,
                "unknown": int(recommendations["action_category"].isna().sum())}
    return {"coded": int((source == "coded").sum()), "predicted": int((source == "predicted").sum()),
            "unknown": int((source == "").sum())}


def category_shares(recommendations, by="session", method=quantify.DEFAULT, replicates=200,
                    models=None):
    """The share of each action category per ``by`` group (a column), one row per group and category:
    ``n``, ``share``, ``low``, ``high`` and ``basis``. Where every recommendation of a group is coded the
    share is the coded one (``basis`` ``coded``, no interval); otherwise it is the classifier's corrected
    estimate over all the group's recommendations with a prediction (``basis`` ``predicted``) with a
    bootstrap interval (seed 25). A group with no prediction at all has ``basis`` ``unknown``."""
    category_model = (models or trained())[0]
    rows = []
    for group, frame in recommendations.groupby(by, sort=True):
        coded = frame["action_category"].notna() & (frame.get("action_category_source", "coded") != "predicted")
        if coded.all():
            share = frame["action_category"].astype(int).value_counts(normalize=True)
            rows += [(group, c, len(frame), float(share.get(c, 0.0)), np.nan, np.nan, "coded") for c in CATEGORIES]
            continue
        probabilities = category_model.probabilities(frame["text"], frame["recommender_group"])
        probabilities = probabilities[~np.isnan(probabilities[:, 0])]
        if not len(probabilities):
            rows += [(group, c, len(frame), np.nan, np.nan, np.nan, "unknown") for c in CATEGORIES]
            continue
        estimate = category_model.shares(probabilities, method)
        low, high = quantify.bootstrap(probabilities, method, replicates=replicates, **category_model.rates())
        rows += [(group, c, len(frame), estimate[k], low[k], high[k], "predicted") for k, c in enumerate(CATEGORIES)]
    return pd.DataFrame(rows, columns=[by, "action_category", "n", "share", "low", "high", "basis"])
