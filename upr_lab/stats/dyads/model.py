"""The dyadic model of support: does who recommends, and how the two States relate, shape the response?

A logit of *supported vs noted* over all recommendations of ``dyads.dyads`` (all States under review) on

* ``recommender_group[G]``: the recommending State's regional group (reference Africa);
* ``same_group``: recommending State and State under review in the same regional group;
* ``reciprocal``: the State under review had recommended to the recommending State at an earlier session;
* ``democracy_gap``: the recommending State's V-Dem index minus the State under review's (0-1 scale, so
  the odds ratio compares a recommending State at the top of the scale with one at the bottom), holding
  ``sur_democracy``, the State under review's own index, fixed;

with, as controls, ``sur_group_cycle[G, c]``: one level per regional group of the State under review and
cycle (reference: the first), since baseline support differs between groups and moves over cycles; and
``action_category[G: k]``: the action category within each group of States under review (reference 4,
general action; ``unknown`` where a source codes none), since the groups answer specific recommendations
differently and recommending groups differ in what they ask (a same-group recommendation is also, on
average, a recommendation of another kind). Standard
errors are clustered by State under review, which answers all its recommendations at once. The estimates
are associations across States, not effects: see ``reading`` for what each term can and cannot say.
"""

import numpy as np
import pandas as pd

from upr_lab.sources.coverage import predicted_note

from .dyadic import dyads
from ..effects import fit_logit, not_estimated, term_label
from ..models import _dummies

OUTCOME = "supported"
HEADLINE = "same_group"
DYADIC_TERMS = ("same_group", "reciprocal", "democracy_gap", "sur_democracy")


def _category(frame):
    category = frame["action_category"].astype("Int64").astype(object)
    return category.where(category.notna(), "unknown").astype(str)


def _categories_within_groups(frame):
    """``action_category[G: k]`` for each group G of States under review and category k other than 4."""
    category, group = _category(frame), frame["sur_group"].astype(str)
    levels = sorted(set(category) - {"4"})
    return pd.DataFrame({f"action_category[{g}: {k}]": ((group == g) & (category == k)).astype(float)
                         for g in sorted(set(group)) for k in levels}, index=frame.index)


def design(frame):
    """The model's design matrix for a ``dyads`` frame (terms named as in the module's docstring)."""
    cells = frame["sur_group"].astype(str) + ", " + frame["cycle"].astype(str)
    parts = [pd.DataFrame({"Intercept": 1.0}, index=frame.index),
             _dummies(cells, "sur_group_cycle"),
             _categories_within_groups(frame),
             _dummies(frame["recommender_group"].astype(str), "recommender_group", "Africa"),
             frame[[t for t in DYADIC_TERMS if frame[t].notna().any()]].astype(float)]
    return pd.concat(parts, axis=1)


def dyadic_model(recs, context=None, indicator="electoral_democracy", alpha=0.05):
    """The dyadic logit of support over all States under review in ``recs`` (an ``EffectsResult``; see the
    module's docstring). ``context``: the country-year frame holding ``indicator`` (default: the shipped V-Dem
    indices; in a notebook ``run.context``); ``indicator``: ``electoral_democracy`` or ``liberal_democracy``.
    The notes say which recommendations were left out and why."""
    frame = dyads(recs, context, indicator)
    notes = list(frame.attrs["notes"])
    title = f"Dyadic model of supported recommendations (all States under review; V-Dem {indicator.replace('_', ' ')})"
    if frame.empty:
        notes.append("No recommendation can be paired with its recommending State: nothing to estimate.")
        return not_estimated(title, ["Intercept", *DYADIC_TERMS], OUTCOME, notes, alpha, HEADLINE)
    if frame["democracy_gap"].isna().all():
        notes.append("The democracy terms are left out of the model.")
    X = design(frame)
    predicted = predicted_note(recs[recs["rec_id"].isin(frame["rec_id"])])
    notes += [predicted] if predicted else []
    notes.append("An association across States, not an effect: who recommends to whom, and what, is not random.")
    return fit_logit(title, frame["supported"], X, OUTCOME, alpha, HEADLINE, frame["sur_iso3"], notes)


def terms_of_interest(result):
    """The odds ratios of the recommending side's terms (``recommender_group[...]``, then ``DYADIC_TERMS``):
    ``odds_ratio, ci_low, ci_high, p_value`` by term, in that order; terms the model left out are absent."""
    table = result.odds_ratios()
    groups = [t for t in table.index if t.startswith("recommender_group[")]
    return table.reindex([*groups, *[t for t in DYADIC_TERMS if t in table.index]])


def _ratio(row):
    return f"odds ratio {row.odds_ratio:.2f} (95% CI {row.ci_low:.2f}-{row.ci_high:.2f})"


def _said(row):
    if not np.isfinite([row.ci_low, row.ci_high]).all():
        return None
    if row.ci_low > 1:
        return "higher"
    return "lower" if row.ci_high < 1 else "indistinguishable"


READINGS = {  # term: (what its odds ratio compares, what it may reflect)
    "same_group": ("a recommendation from a State of the State under review's own regional group against one "
                   "from another group", "regional solidarity, or recommendations phrased to be acceptable "
                   "between partners"),
    "reciprocal": ("a recommendation from a State the State under review had itself recommended to at an earlier "
                   "session against one from a State it had not", "reciprocity, or simply closer engagement "
                   "between the two; it can only arise once both have been reviewed"),
    "democracy_gap": ("a recommending State a whole V-Dem scale (0 to 1) more democratic than the State under "
                      "review against one as democratic as it, the State under review's own index held fixed",
                      "the distance between the two political systems and what comes with it"),
    "sur_democracy": ("a State under review at the top of the V-Dem scale against one at the bottom, with the "
                      "same gap to its recommending States",
                      "the State's own record (a control here, not a finding of the dyadic model)"),
}


def _compared(term):
    if term.startswith("recommender_group["):
        group = term[len("recommender_group["):-1]
        return (f"a recommendation from a State of {group} against one from a State of Africa, the reference",
                "how the group's States recommend, beyond the category and the other terms")
    return READINGS[term]


def reading(result):
    """One plain-language sentence per term of ``terms_of_interest``: what it compares, its odds ratio with
    the interval, and whether the odds of support are higher, lower or indistinguishable."""
    sentences = []
    for term, row in terms_of_interest(result).iterrows():
        verdict = _said(row)
        if verdict is None:
            sentences.append(f"{term_label(term)}: not estimated (see the notes of the model).")
            continue
        compared, meaning = _compared(term)
        level = ("not distinguishable from" if verdict == "indistinguishable" else f"{verdict} than")
        sentences.append(f"{term_label(term)}: {compared}, for recommendations of the same action category to States under "
                         f"review of the same group and cycle: {_ratio(row)}. The odds of support are {level} the "
                         f"other's. It may reflect {meaning}.")
    return sentences
