"""The follow-up measures of one State set beside all States: tables a report shows as they are.

``ratification_vs_all`` (from a ``FollowThrough``) and ``recurrence_vs_all`` (from a ``Recurrence``) give one
row per measure and population (``this State``, left out where the State has no case, or ``all States``)
with ``n``, ``k``, the ``share`` and its Wilson interval; ``ratification_reviews`` lists a State's requests to ratify, one row per review and
instrument, in words a reader can check against the treaty database; ``repeated_examples`` the recommendations
a State received again, for a reader to judge the matches.
"""

import pandas as pd

from .. import recurrence
from .followthrough import known_share

COMPARISON_COLUMNS = ["measure", "who", "n", "k", "share", "ci_low", "ci_high"]
OUTCOME_WORDS = {"within_5y": "ratified within 5 years", "before_next_review": "ratified before the next review",
                 "by_mid_term": "ratified by mid-term (2.5 years)"}


def _row(measure, who, values, alpha):
    return {"measure": measure, "who": who, **known_share(values, alpha)}


def _compare(rows, country, column, groups, alpha):
    """``groups``: (label, mask over ``rows``) pairs; for each, the State's row (none where the State has no
    case with a known outcome) then all States'."""
    table = []
    for label, mask in groups:
        own = _row(label, "this State", rows.loc[mask & (rows["sur_iso3"] == country), column], alpha)
        table += ([own] if own["n"] else []) + [_row(label, "all States", rows.loc[mask, column], alpha)]
    return pd.DataFrame(table, columns=COMPARISON_COLUMNS)


def ratification_vs_all(follow, country, outcome="within_5y", alpha=0.05):
    """Share of open requests to ratify that were followed by ratification (``outcome``: ``within_5y``,
    ``before_next_review``, ``by_mid_term``), supported and noted, for ``country`` and all States."""
    rows = follow.open_requests
    words = OUTCOME_WORDS[outcome]
    groups = [(f"supported, {words}", rows["response"] == "supported"),
              (f"noted, {words}", rows["response"] == "noted")]
    return _compare(rows, country, outcome, groups, alpha)


def recurrence_vs_all(found, country, alpha=0.05):
    """Share of recommendations that repeat one of the State's previous review (each pair of consecutive cycles
    in the data, pooled, then each later cycle apart when there are several), and of recommendations made
    again at the next review, supported and noted the first time, for ``country`` and all States."""
    later, first = found.repeats, found.firsts
    cycles = sorted(later["cycle"].unique())
    per_cycle = [(f"cycle-{c} recommendations repeating a cycle-{c - 1} one", later["cycle"] == c) for c in cycles]
    table = pd.concat([
        _compare(later, country, "repeated", [(recurrence.later_label(found), pd.Series(True, index=later.index))]
                 + (per_cycle if len(cycles) > 1 else []), alpha),
        _compare(first, country, "repeated", [(recurrence.earlier_label(found, "supported"),
                                               first["response"] == "supported"),
                                              (recurrence.earlier_label(found, "noted"),
                                               first["response"] == "noted")], alpha)], ignore_index=True)
    return table


def _review_row(rows):
    first = rows.iloc[0]
    ratified = first["ratified"]
    return {"cycle": int(first["cycle"]), "review": f"{first['review_date']:%B %Y}", "instrument": first["instrument"],
            "requests": len(rows), "supported": int((rows["response"] == "supported").sum()),
            "noted": int((rows["response"] == "noted").sum()),
            "considered": int(rows["considered"].sum()),
            "ratified": "" if pd.isna(ratified) else f"{ratified:%d %b %Y}",
            "when": _when(first),
            "before_next_review": "" if first["status"] == "before_review" else _yes_no(first["before_next_review"])}


def _when(request):
    if request["status"] == "before_review":
        return "already a party at the review"
    if request["status"] == "not_ratified":
        return "not ratified by the table's date"
    return f"{request['years']:.1f} years after the review"


def _yes_no(value):
    return "not known yet" if pd.isna(value) else ("yes" if value else "no")


def ratification_reviews(follow, country):
    """One row per review and instrument the State was asked to ratify: ``cycle, review, instrument,
    requests, supported, noted, considered, ratified`` (date), ``when`` (in words), ``before_next_review``."""
    rows = follow.requests[follow.requests["sur_iso3"] == country]
    table = [_review_row(group) for _, group in rows.groupby(["cycle", "instrument"], sort=True)]
    columns = ["cycle", "review", "instrument", "requests", "supported", "noted", "considered", "ratified", "when",
               "before_next_review"]
    return pd.DataFrame(table, columns=columns)


def repeated_examples(found, country, top=10, recs=None):
    """The ``top`` recommendations to ``country`` most clearly repeating one of its previous review: ``cycle,
    recommended by, recommendation, earlier recommendation`` (of cycle - 1), ``first response, similarity``,
    highest similarity first. ``recs``: the State's recommendations, where the texts are taken from when
    ``found`` was matched without them (``recurrence.match(..., texts=False)``)."""
    rows = found.repeats[(found.repeats["sur_iso3"] == country) & found.repeats["repeated"]]
    rows = rows.sort_values(["similarity", "cycle", "rec_id"], ascending=[False, True, True], kind="mergesort").head(top)
    if "text" in rows:
        text, matched_text = rows["text"], rows["matched_text"]
    elif recs is None:
        raise ValueError("these matches hold no texts (matched with texts=False): pass the State's "
                         "recommendations as recs")
    else:
        by_id = recs.set_index("rec_id")["text"]
        text, matched_text = rows["rec_id"].map(by_id), rows["matched_rec_id"].map(by_id)
    return pd.DataFrame({"cycle": rows["cycle"], "recommended by": rows["recommender_iso3"],
                         "recommendation": text, "earlier recommendation": matched_text,
                         "first response": rows["first_response"],
                         "similarity": rows["similarity"].round(2)}).reset_index(drop=True)
