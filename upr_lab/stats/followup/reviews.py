"""A State's reviews side by side: one row per review (cycle), what it received and how it responded.

``side_by_side(recs)`` takes one State's recommendations (``UprData.for_country``) and gives, per cycle,
the session and year of the review, the source its recommendations come from, how many recommendations
and recommending States, the responses, the acceptance rate (supported among supported + noted, with its
Wilson interval), the share asking for specific action (UPR Info categories 4-5 among those categorised;
empty where no recommendation has a category), whether those categories are ``coded`` by the source,
``predicted`` by upr-lab's classifier (DIHR, UHRI, documents) or both (``coded and predicted``), and the most
frequent issue. With four cycles it shows
the State's four reviews beside each other; a cycle the data do not hold is not shown.
"""

import pandas as pd

from upr_lab.sources import coverage

from ..metrics import rate_with_ci

COLUMNS = ["cycle", "session", "year", "source", "recommendations", "recommending_states", "supported", "noted",
           "other", "acceptance_rate", "ci_low", "ci_high", "specific_action_share", "categories", "top_issue"]


def side_by_side(recs, alpha=0.05):
    """One row per cycle of ``recs`` (one State's recommendations): ``COLUMNS``."""
    sources = coverage.cycle_sources(recs)
    rows = [_review(cycle, review, sources[int(cycle)], alpha) for cycle, review in recs.groupby("cycle", sort=True)]
    return pd.DataFrame(rows, columns=COLUMNS)


def _review(cycle, review, source, alpha):
    responses = review["response"].value_counts()
    supported, noted = int(responses.get("supported", 0)), int(responses.get("noted", 0))
    rate = rate_with_ci(supported, supported + noted, alpha)
    categorised = review["action_category"].dropna()
    return {"cycle": int(cycle), "session": _joined(review["session"]), "year": _joined(review["year"]),
            "source": source, "recommendations": len(review),
            "recommending_states": int(review["recommender_name"].nunique()),
            "supported": supported, "noted": noted, "other": int(responses.get("other", 0)),
            "acceptance_rate": rate["rate"], "ci_low": rate["ci_low"], "ci_high": rate["ci_high"],
            "specific_action_share": float((categorised >= 4).mean()) if len(categorised) else None,
            "categories": _categories_source(review),
            "top_issue": _top_issue(review["issues"])}


def _categories_source(review):
    """How the review's action categories came: coded, predicted, both, or empty where none is known."""
    if "action_category_source" not in review:
        return "coded" if review["action_category"].notna().any() else ""
    kinds = [k for k in ("coded", "predicted") if (review["action_category_source"] == k).any()]
    return " and ".join(kinds)


def _joined(values):
    """One value, or several joined in text (a State reviewed in two sessions of a cycle: a data error to see)."""
    found = sorted({int(v) for v in values})
    return found[0] if len(found) == 1 else ", ".join(map(str, found))


def _top_issue(issues):
    counts = pd.Series([tag for tags in issues for tag in tags], dtype="str").value_counts()
    if counts.empty:
        return ""
    top = counts[counts == counts.iloc[0]].index
    return sorted(top)[0]


def records(table):
    """The side-by-side table as ``metrics.json`` holds it: keyed by cycle number."""
    return {str(row["cycle"]): {k: v for k, v in row.items() if k != "cycle"}
            for row in table.astype(object).where(table.notna(), None).to_dict("records")}
