"""Two sources holding the same reviews: match their recommendations, count how they agree, combine them.

Recommendations are matched within a review and recommending State (same State under review,
session and recommending State): first texts equal after normalisation (case, accents, punctuation
and spacing folded), then, among the rest, texts nearly equal (``difflib`` similarity of the
normalised texts at least ``NEAR``), best pairs first. Each row is matched at most once.

The combined data set counts each review once, from the source ranked first for its cycle; the SDG
links, report symbol and paragraph of a matched row of a lower-ranked source are attached to the row
kept. The ranking (``priority``):

* cycles 1-2 (sessions 1-26), ``PRIORITY``: UPR Info, which carries action categories and issue tags and
  is what the embedded data set (``upr``) holds for sessions 1-20, then DIHR (the embedded set's sessions
  21-26), UHRI and the OHCHR documents. With ``--data upr,uhri`` the embedded set is kept for every review
  of cycles 1-2, and UHRI's records of those reviews are only reconciled with it (matched share, response
  agreement);
* cycles 3-4 (sessions 27-54), ``PRIORITY_LATER``: UHRI first, OHCHR's own record of the reviews, which the
  embedded set does not cover, then UPR Info, DIHR and the OHCHR documents.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

PRIORITY = ("upr-info", "dihr", "uhri", "ohchr-matrix", "ohchr")
PRIORITY_LATER = ("uhri", "upr-info", "dihr", "ohchr-matrix", "ohchr")
FIRST_LATER_CYCLE = 3  # cycles from here on are ranked by PRIORITY_LATER


def priority(cycle):
    """The sources in the order a review of ``cycle`` is taken from, the first that holds it."""
    return PRIORITY_LATER if int(cycle) >= FIRST_LATER_CYCLE else PRIORITY
NEAR = 0.9
REVIEW = ["sur_iso3", "session"]
DIFFERENCE_COLUMNS = ["difference", "sur_iso3", "session", "recommender_name", "similarity",
                      "first_source", "first_rec_id", "first_response", "first_text",
                      "second_source", "second_rec_id", "second_response", "second_text"]


@dataclass
class Reconciliation:
    """How two sources agree on the reviews both hold: ``summary`` (counts) and ``differences``
    (one row per recommendation in one source only, and per matched pair whose responses differ)."""

    summary: dict
    differences: pd.DataFrame
    matches: pd.DataFrame  # first_rec_id, second_rec_id, how ("exact" or "near"), similarity


def no_differences():
    """The differences table of a source that needed no reconciliation: empty."""
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "similarity" else "Int64" if c == "session" else "str")
                         for c in DIFFERENCE_COLUMNS})


def normalise(text):
    """Text folded for comparison: no accents, case, punctuation or repeated spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def reconcile(first, second):
    """Match the recommendations of ``first`` and ``second`` (canonical frames) on the reviews both hold."""
    shared = first[REVIEW].drop_duplicates().merge(second[REVIEW].drop_duplicates())
    a, b = (_keyed(frame.merge(shared)) for frame in (first, second))
    exact = _exact_pairs(a, b)
    near = _near_pairs(a[~a["rec_id"].isin(exact["first_rec_id"])], b[~b["rec_id"].isin(exact["second_rec_id"])])
    matches = pd.concat([exact, near], ignore_index=True)
    differences = _differences(a, b, matches)
    return Reconciliation(_summary(first, second, shared, a, b, matches, differences), differences, matches)


def _keyed(frame):
    frame = frame.reset_index(drop=True)
    recommender = frame["recommender_iso3"].where(frame["recommender_iso3"] != "",
                                                  frame["recommender_name"].map(normalise))
    key = frame["sur_iso3"] + "\x1f" + frame["session"].astype(str) + "\x1f" + recommender
    normalised = frame["text"].map(normalise)
    return frame.assign(group=key, normalised=normalised,
                        occurrence=frame.groupby([key, normalised]).cumcount())


def _exact_pairs(a, b):
    joined = a.merge(b, on=["group", "normalised", "occurrence"], suffixes=("_a", "_b"))
    return pd.DataFrame({"first_rec_id": joined["rec_id_a"], "second_rec_id": joined["rec_id_b"],
                         "how": "exact", "similarity": 1.0})


def _near_pairs(a, b):
    pairs = []
    right = dict(tuple(b.groupby("group")))
    for group, left in a.groupby("group"):
        if group not in right:
            continue
        candidates = sorted(((_similarity(x, y), i, j) for i, x in zip(left["rec_id"], left["normalised"])
                             for j, y in zip(right[group]["rec_id"], right[group]["normalised"])), reverse=True)
        used_a, used_b = set(), set()
        for score, i, j in candidates:
            if score < NEAR:
                break
            if i not in used_a and j not in used_b:
                used_a.add(i), used_b.add(j)
                pairs.append((i, j, "near", round(score, 4)))
    return pd.DataFrame(pairs, columns=["first_rec_id", "second_rec_id", "how", "similarity"])


def _similarity(x, y):
    matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= NEAR and matcher.quick_ratio() >= NEAR else 0.0


def _differences(a, b, matches):
    pairs = matches.merge(a.add_prefix("first_"), on="first_rec_id").merge(b.add_prefix("second_"), on="second_rec_id")
    disagree = pairs[pairs["first_response"] != pairs["second_response"]].assign(difference="responses differ")
    rows = [_pairs(disagree)]
    rows.append(_one_side(a[~a["rec_id"].isin(matches["first_rec_id"])], "first", "only in the first source"))
    rows.append(_one_side(b[~b["rec_id"].isin(matches["second_rec_id"])], "second", "only in the second source"))
    if not any(len(r) for r in rows):
        return no_differences()
    frame = pd.concat([r for r in rows if len(r)], ignore_index=True).reindex(columns=DIFFERENCE_COLUMNS)
    frame = frame.astype({c: t for c, t in no_differences().dtypes.items()})
    return frame.sort_values(["sur_iso3", "session", "recommender_name", "difference", "first_rec_id",
                              "second_rec_id"], na_position="last", ignore_index=True)


def _pairs(pairs):
    """Matched pairs as rows of the differences table: both sides' source, id, response and text."""
    columns = {"difference": pairs["difference"], "sur_iso3": pairs["first_sur_iso3"], "session": pairs["first_session"],
               "recommender_name": pairs["first_recommender_name"], "similarity": pairs["similarity"]}
    for side in ("first", "second"):
        for column in ("source", "rec_id", "response", "text"):
            columns[f"{side}_{column}"] = pairs[f"{side}_{column}"]
    return pd.DataFrame(columns)


def _one_side(rows, side, label):
    return pd.DataFrame({"difference": label, "sur_iso3": rows["sur_iso3"], "session": rows["session"],
                         "recommender_name": rows["recommender_name"], "similarity": None,
                         f"{side}_source": rows["source"], f"{side}_rec_id": rows["rec_id"],
                         f"{side}_response": rows["response"], f"{side}_text": rows["text"]})


def _summary(first, second, shared, a, b, matches, differences):
    differ = int((differences["difference"] == "responses differ").sum())
    return {
        "first_source": _name(a), "second_source": _name(b),
        "reviews_in_both": int(len(shared)),
        "sessions_in_both": sorted(int(s) for s in shared["session"].unique()),
        "first_rows": int(len(a)), "second_rows": int(len(b)),
        "matched": int(len(matches)), "matched_exact": int((matches["how"] == "exact").sum()),
        "matched_near": int((matches["how"] == "near").sum()),
        "share_of_first_matched": round(len(matches) / len(a), 4) if len(a) else None,
        "share_of_second_matched": round(len(matches) / len(b), 4) if len(b) else None,
        "only_in_first": int(len(a) - len(matches)), "only_in_second": int(len(b) - len(matches)),
        "responses_differ": differ,
        "response_agreement": round(1 - differ / len(matches), 4) if len(matches) else None,
    }


def _name(frame):
    return ", ".join(sorted(frame["source"].unique()))


LINKS = ["sdg_goals", "sdg_targets", "document", "paragraph"]


def combine(recs):
    """Each review once, from the first source of ``priority(cycle)`` that holds it, with the SDG links and
    report of its matched rows in lower-ranked sources; ``(combined, [Reconciliation, ...])``, one
    reconciliation for each source that shares reviews with those ranked above it, per group of cycles
    (1-2, then 3-4).

    Sources are folded in in ranked order: each next source's rows are matched with the rows kept so far on
    the reviews both hold, and kept only for reviews not held yet. Rows of other sources (a canonical table)
    are kept as they are. Where no two sources share a review, ``recs`` is returned as it is.
    """
    later = recs["cycle"] >= FIRST_LATER_CYCLE
    parts = [_combine_ranked(recs[~later], PRIORITY), _combine_ranked(recs[later], PRIORITY_LATER)]
    results = [r for _, found in parts for r in found]
    if not results:
        return recs, []
    return pd.concat([kept for kept, _ in parts], ignore_index=True), results


def _combine_ranked(recs, ranking):
    present = [s for s in ranking if (recs["source"] == s).any()]
    kept, results = recs[recs["source"] == present[0]] if present else recs.iloc[:0], []
    for source in present[1:]:
        kept, result = _fold(kept, recs[recs["source"] == source])
        results += [result] if result is not None else []
    others = recs[~recs["source"].isin(present)]
    return pd.concat([kept, others], ignore_index=True), results


def _fold(kept, rows):
    """``kept`` with ``rows`` of a lower-ranked source added for the reviews ``kept`` does not hold."""
    held = pd.MultiIndex.from_frame(kept[REVIEW])
    in_held = pd.MultiIndex.from_frame(rows[REVIEW]).isin(held)
    if not in_held.any():
        return pd.concat([kept, rows], ignore_index=True), None
    result = reconcile(kept, rows)
    kept = _linked(kept, rows, result.matches)
    return pd.concat([kept, rows[~in_held]], ignore_index=True), result


def _linked(kept, rows, matches):
    """``kept`` with each matched row's links (SDGs, report, paragraph) taken from ``rows`` where it has them."""
    linked = matches.merge(rows[["rec_id", *LINKS]], left_on="second_rec_id", right_on="rec_id")
    by_id = linked.set_index("first_rec_id")
    kept = kept.copy()
    for column in LINKS:
        values = kept["rec_id"].map(by_id[column])
        given = values.map(lambda v: isinstance(v, (tuple, str)) and len(v) > 0)
        kept.loc[given.to_numpy(), column] = values[given].to_numpy()
    return kept
