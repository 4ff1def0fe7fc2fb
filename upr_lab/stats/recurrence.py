"""Recurring recommendations: a cycle-2 recommendation that repeats, in substance, one of cycle 1.

A demand made again at the next review was, as a rule, not carried out after the first one: the share of
recommendations repeated is a proxy for what was not implemented (a rough one: "continue" and "strengthen"
recommendations are repeated whether or not the State acted, see the README).

How a repeat is found, for each State under review separately:

* every recommendation is a TF-IDF vector of its stemmed words and word pairs, instrument names as codes
  (``wording.terms``), the IDF fitted once on all the recommendations given (a word's rarity in UPR
  language, not in one State's review); sub-linear term counts, unit length;
* each cycle-2 recommendation is set beside every cycle-1 recommendation made to the same State, whatever
  the recommending State; the similarity of a pair is the cosine of their vectors, and 0 when both name
  international instruments and none of them is the same (``wording.compatible``: "ratify CAT" and
  "ratify OP-CAT" are two demands);
* its match is the most similar cycle-1 recommendation; among equally similar ones (the same text made by
  several States), one that shares an issue tag, then the lowest ``rec_id``;
* it is **repeated** when that similarity reaches ``THRESHOLD``, chosen on hand-labelled pairs
  (``tests/data/recurrence_labels.csv``; precision and recall in the README).

A cycle-1 recommendation is repeated when some cycle-2 recommendation to the same State reaches the
threshold with it: the side on which its response (supported, noted) and its issue tags are known.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from upr_lab.exceptions import DataError
from upr_lab.stats import wording
from upr_lab.stats.metrics import rate_with_ci

THRESHOLD = 0.5
NEEDED = ("rec_id", "cycle", "sur_iso3", "text", "response", "issues")


def _tags(value):
    return frozenset(value) if isinstance(value, (tuple, list, np.ndarray)) else frozenset()


def _vectors(recs):
    """TF-IDF vectors of every recommendation (rows in the order of ``recs``)."""
    vectorizer = TfidfVectorizer(analyzer=wording.terms, sublinear_tf=True, dtype=np.float64)
    return vectorizer.fit_transform(recs["text"].astype(str).tolist())


def _conflicts(later, earlier):
    """Boolean matrix: pairs that name different international instruments."""
    out = np.zeros((len(later), len(earlier)), dtype=bool)
    named_later = [i for i, s in enumerate(later) if s]
    named_earlier = [j for j, s in enumerate(earlier) if s]
    for i in named_later:
        for j in named_earlier:
            out[i, j] = not wording.compatible(later[i], earlier[j])
    return out


def similarities(recs, later_index, earlier_index, vectors):
    """The similarity of every (later, earlier) pair of positions in ``recs``: cosine, 0 across instruments."""
    texts = recs["text"].to_numpy()
    cosine = (vectors[later_index] @ vectors[earlier_index].T).toarray()
    named_later = [wording.instruments(texts[i]) for i in later_index]
    named_earlier = [wording.instruments(texts[j]) for j in earlier_index]
    return np.where(_conflicts(named_later, named_earlier), 0.0, cosine)


def _best(score, later_tags, earlier_tags):
    """Per row of ``score``, the column of the best match: highest score, then a shared tag, then the first."""
    best = score.argmax(axis=1)
    top = score.max(axis=1, keepdims=True)
    tied = np.flatnonzero((score >= top - 1e-12).sum(axis=1) > 1)
    for i in tied:
        candidates = np.flatnonzero(score[i] >= top[i, 0] - 1e-12)
        sharing = [j for j in candidates if later_tags[i] & earlier_tags[j]]
        best[i] = sharing[0] if sharing else candidates[0]
    return best


def _one_state(recs, positions, vectors, earlier, later):
    """Matches for one State under review: (later rows, earlier rows) as two lists of dicts."""
    state = recs.iloc[positions]
    early = positions[(state["cycle"] == earlier).to_numpy()]
    late = positions[(state["cycle"] == later).to_numpy()]
    ids, texts = recs["rec_id"].to_numpy(), recs["text"].to_numpy()
    if len(early) == 0 or len(late) == 0:
        return ([dict(rec_id=ids[i], matched_rec_id=None, similarity=np.nan) for i in late],
                [dict(rec_id=ids[j], repeated_by=None, similarity=np.nan) for j in early])
    score = similarities(recs, late, early, vectors)
    tags = recs["issues"].to_numpy()
    best = _best(score, [_tags(tags[i]) for i in late], [_tags(tags[j]) for j in early])
    back = _best(score.T, [_tags(tags[j]) for j in early], [_tags(tags[i]) for i in late])
    later_rows = [dict(rec_id=ids[i], matched_rec_id=ids[early[b]], similarity=score[k, b], matched_text=texts[early[b]])
                  for k, (i, b) in enumerate(zip(late, best))]
    earlier_rows = [dict(rec_id=ids[j], repeated_by=ids[late[b]], similarity=score[b, k])
                    for k, (j, b) in enumerate(zip(early, back))]
    return later_rows, earlier_rows


def _checked(recs, earlier, later):
    missing = [c for c in NEEDED if c not in recs.columns]
    if missing:
        raise DataError(f"found a recommendations table without {', '.join(missing)}; expected the canonical columns")
    for cycle in (earlier, later):
        if not (recs["cycle"] == cycle).any():
            raise DataError(f"found no cycle-{cycle} recommendations; expected cycles {earlier} and {later}")
    return recs[recs["cycle"].isin((earlier, later))].sort_values(["sur_iso3", "rec_id"]).reset_index(drop=True)


def match(recs, threshold=THRESHOLD, countries=None, earlier=1, later=2):
    """Match every cycle-``later`` recommendation to its most similar cycle-``earlier`` one to the same State.

    ``recs`` is the canonical recommendations table; ``countries`` (ISO3 codes) limits the States matched,
    the vectors still fitted on all of ``recs``. Returns a ``Recurrence``.
    """
    recs = _checked(recs, earlier, later)
    vectors = _vectors(recs)
    later_rows, earlier_rows = [], []
    for iso3, positions in recs.groupby("sur_iso3", sort=True).indices.items():
        if countries is None or iso3 in countries:
            late, early = _one_state(recs, positions, vectors, earlier, later)
            later_rows += late
            earlier_rows += early
    return Recurrence(_repeats(recs, later_rows, threshold), _firsts(recs, earlier_rows, threshold), threshold)


def _repeats(recs, rows, threshold):
    columns = ["rec_id", "sur_iso3", "recommender_iso3", "text", "matched_rec_id", "matched_text", "similarity"]
    frame = pd.DataFrame(rows, columns=["rec_id", "matched_rec_id", "similarity", "matched_text"])
    frame = frame.merge(recs[["rec_id", "sur_iso3", "recommender_iso3", "text"]], on="rec_id", how="left")[columns]
    first = recs.set_index("rec_id")["response"]
    return frame.assign(repeated=frame["similarity"].ge(threshold),
                        first_response=frame["matched_rec_id"].map(first).astype("str"))


def _firsts(recs, rows, threshold):
    frame = pd.DataFrame(rows, columns=["rec_id", "repeated_by", "similarity"])
    frame = frame.merge(recs[["rec_id", "sur_iso3", "response", "issues"]], on="rec_id", how="left")
    frame = frame[["rec_id", "sur_iso3", "response", "issues", "repeated_by", "similarity"]]
    return frame.assign(repeated=frame["similarity"].ge(threshold))


def _rates(frame, keys, total, hits, alpha):
    """``keys`` plus ``total``, ``hits`` counts and ``share_repeated`` with a Wilson interval, per group."""
    grouped = frame.groupby(keys, sort=True).agg(**{total: ("repeated", "size"), hits: ("repeated", "sum")})
    grouped = grouped.reset_index()
    rates = [rate_with_ci(k, n, alpha) for k, n in zip(grouped[hits], grouped[total])]
    return grouped.assign(share_repeated=[r["rate"] for r in rates], ci_low=[r["ci_low"] for r in rates],
                          ci_high=[r["ci_high"] for r in rates]).astype({total: int, hits: int})


@dataclass(frozen=True)
class Recurrence:
    """Repeats found by ``match``.

    ``repeats``: one row per later (cycle-2) recommendation: ``rec_id, sur_iso3, recommender_iso3, text,
    matched_rec_id, matched_text, similarity, repeated, first_response`` (the matched one's response).
    ``firsts``: one row per earlier (cycle-1) recommendation: ``rec_id, sur_iso3, response, issues,
    repeated_by`` (its most similar later recommendation), ``similarity, repeated``.
    """

    repeats: pd.DataFrame
    firsts: pd.DataFrame
    threshold: float

    def summary(self, country=None, alpha=0.05):
        """``{"share_repeated", "n_cycle2", "n_repeated", "ci_low", "ci_high"}``: the share of later
        recommendations repeating an earlier one, for ``country`` (ISO3) or over all States."""
        rows = self.repeats if country is None else self.repeats[self.repeats["sur_iso3"] == country]
        rate = rate_with_ci(int(rows["repeated"].sum()), len(rows), alpha)
        return {"share_repeated": rate["rate"], "n_cycle2": rate["n"], "n_repeated": rate["k"],
                "ci_low": rate["ci_low"], "ci_high": rate["ci_high"]}

    def by_state(self, alpha=0.05):
        """Per State under review: ``sur_iso3, n_cycle2, n_repeated, share_repeated, ci_low, ci_high``."""
        return _rates(self.repeats, ["sur_iso3"], "n_cycle2", "n_repeated", alpha)

    def by_first_response(self, alpha=0.05):
        """Per response to the earlier recommendation: how many were made again.

        ``response, n_first`` (earlier recommendations), ``n_repeated`` (those repeated later),
        ``share_repeated, ci_low, ci_high``, and ``n_cycle2_repeating``: later recommendations whose match,
        above the threshold, had that response.
        """
        frame = _rates(self.firsts, ["response"], "n_first", "n_repeated", alpha)
        later = self.repeats[self.repeats["repeated"]]["first_response"].value_counts()
        return frame.assign(n_cycle2_repeating=frame["response"].map(later).fillna(0).astype(int))

    def by_issue(self, alpha=0.05):
        """Per issue tag of the earlier recommendation (each counts once per tag): ``issue, n_first,
        n_repeated, share_repeated, ci_low, ci_high``, the most frequent issues first."""
        tagged = self.firsts.assign(issue=self.firsts["issues"].map(lambda t: list(_tags(t)))).explode("issue")
        frame = _rates(tagged.dropna(subset=["issue"]), ["issue"], "n_first", "n_repeated", alpha)
        frame = frame.sort_values(["n_first", "issue"], ascending=[False, True], kind="mergesort")
        return frame.reset_index(drop=True)
