"""Recurring recommendations: a recommendation that repeats, in substance, one the State received at its
previous review (cycle 2 against cycle 1, cycle 3 against 2, cycle 4 against 3).

A demand made again at the next review was, as a rule, not carried out after the first one: the share of
recommendations repeated is a proxy for what was not implemented (a rough one: "continue" and "strengthen"
recommendations are repeated whether or not the State acted, see docs/methods/recurrence.md).

How a repeat is found, for each State under review separately:

* every recommendation is a TF-IDF vector of its stemmed words and word pairs, instrument names as codes
  (``wording.terms``), the IDF fitted once on all the recommendations given (a word's rarity in UPR
  language, not in one State's review); sub-linear term counts, unit length;
* each recommendation of a cycle (the later one) is set beside every recommendation of the cycle before
  (the earlier one) made to the same State, whatever the recommending State; the ``similarity`` of a pair
  is the cosine of their vectors. Every pair of consecutive cycles the data hold is compared (1 and 2,
  2 and 3, 3 and 4): a cycle-2 recommendation is a later one against cycle 1 and an earlier one against
  cycle 3; cycles further apart (1 and 3) are not compared;
* a State reviewed in only one cycle of a pair in the data is left out of that pair (nothing to compare:
  its recommendations are neither repeated nor not);
* a pair is not **eligible** when both name international instruments and none of them is the same
  (``wording.compatible``: "ratify CAT" and "ratify OP-CAT" are two demands), nor when both carry issue
  tags of the same vocabulary and share none (UHRI's themes and UPR Info's issue tags are two vocabularies,
  ``VOCABULARIES``: a cycle-3 recommendation from UHRI and a cycle-2 one from UPR Info are not gated by
  their tags); two ratification demands that share an instrument (``wording.ratification``) are
  the same demand (``same_instrument``) whatever their wording, and eligible;
* its match is the best pair: the same ratification demand first, then eligible pairs, each by
  similarity; among equal ones (the same text made by several States), one that shares an issue tag,
  then the lowest ``rec_id``;
* it is **repeated** when the match is eligible and the same ratification demand or of similarity at
  least ``THRESHOLD`` (0.30, chosen on the hand-labelled pairs of ``tests/data/recurrence_labels.csv``:
  precision 0.955, recall 0.884 on them; see docs/methods/recurrence.md).

An earlier recommendation is repeated when some recommendation of the next cycle to the same State reaches
the threshold with it: the side on which its response (supported, noted) and its issue tags are known.

The ``metrics.json`` entries (``Recurrence.metrics``) pool every pair of cycles: ``n_cycle2`` (the name the
project's contract gives it) counts the later recommendations compared, of cycle 2 and after; with cycles 1-2
only it is the number of cycle-2 recommendations, as before. ``recurrence_by_cycle`` gives each later cycle
apart.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from upr_lab.exceptions import DataError
from upr_lab.stats import wording
from upr_lab.stats.metrics import rate_with_ci

THRESHOLD = 0.3
NEEDED = ("rec_id", "cycle", "sur_iso3", "text", "response", "issues")
VOCABULARIES = {"uhri": "UHRI themes"}  # the issue tags of other sources are UPR Info's (or none)


def _tags(value):
    return frozenset(value) if isinstance(value, (tuple, list, np.ndarray)) else frozenset()


@dataclass(frozen=True)
class _Features:
    """What the pairs of one data set are judged on, one row per recommendation (in the order of ``recs``)."""

    vectors: sparse.csr_matrix      # TF-IDF of wording.terms
    tags: sparse.csr_matrix         # issue tags, one column per tag
    tag_sets: np.ndarray            # issue tags as frozensets
    instruments: list               # wording.instruments
    ratifications: list             # wording.ratification
    vocabularies: np.ndarray        # which vocabulary the issue tags are of (VOCABULARIES)


def _features(recs):
    from sklearn.feature_extraction.text import TfidfVectorizer  # here: a kernel that only reads results never loads it

    texts = recs["text"].astype(str).tolist()
    vectors = TfidfVectorizer(analyzer=wording.terms, sublinear_tf=True, dtype=np.float64).fit_transform(texts)
    tags = [sorted(_tags(t)) for t in recs["issues"]]
    names = {tag: k for k, tag in enumerate(sorted({t for row in tags for t in row}))}
    rows = np.repeat(np.arange(len(tags)), [len(t) for t in tags])
    columns = np.array([names[t] for row in tags for t in row], dtype=np.int64)
    incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(tags), max(len(names), 1)))
    tag_sets = np.array([frozenset(t) for t in tags] + [None], dtype=object)[:-1]
    sources = recs["source"] if "source" in recs.columns else pd.Series("", index=recs.index)
    vocabularies = sources.map(lambda s: VOCABULARIES.get(s, "UPR Info issues")).to_numpy()
    return _Features(vectors, incidence, tag_sets, [wording.instruments(t) for t in texts],
                     [wording.ratification(t) for t in texts], vocabularies)


def _pairwise(first, second, test):
    """Boolean matrix of ``test(a, b)`` over two lists of sets, evaluated only where both sets are non-empty."""
    out = np.zeros((len(first), len(second)), dtype=bool)
    named = [j for j, b in enumerate(second) if b]
    for i, a in enumerate(first):
        if a:
            for j in named:
                out[i, j] = test(a, second[j])
    return out


def judge(features, later, earlier):
    """Every (later, earlier) pair of row positions: ``cosine``, ``same_instrument`` (two ratification demands
    sharing an instrument) and ``eligible`` (not about different instruments; sharing an issue tag where both
    have tags of the same vocabulary, unless the same ratification demand), as matrices."""
    cosine = (features.vectors[later] @ features.vectors[earlier].T).toarray()
    tags_later, tags_earlier = features.tags[later], features.tags[earlier]
    shared = (tags_later @ tags_earlier.T).toarray() > 0
    same_vocabulary = features.vocabularies[later][:, None] == features.vocabularies[earlier][None, :]
    both_tagged = np.outer(tags_later.getnnz(axis=1) > 0, tags_earlier.getnnz(axis=1) > 0) & same_vocabulary
    conflict = _pairwise([features.instruments[i] for i in later], [features.instruments[j] for j in earlier],
                         lambda a, b: not wording.compatible(a, b))
    same = _pairwise([features.ratifications[i] for i in later], [features.ratifications[j] for j in earlier],
                     wording.compatible)
    eligible = ~conflict & (shared | ~both_tagged | same)
    return {"cosine": cosine, "same_instrument": same, "eligible": eligible}


def _ranking(judged):
    """Higher is a better match: the same ratification demand first, then eligible pairs, each by cosine."""
    return np.where(judged["eligible"], judged["cosine"] + 2.0 * judged["same_instrument"], judged["cosine"] - 2.0)


def _best(rank, later_tags, earlier_tags):
    """Per row of ``rank``, the column of the best match: highest rank, then a shared tag, then the first."""
    best = rank.argmax(axis=1)
    top = rank.max(axis=1, keepdims=True)
    for i in np.flatnonzero((rank >= top - 1e-12).sum(axis=1) > 1):
        candidates = np.flatnonzero(rank[i] >= top[i, 0] - 1e-12)
        sharing = [j for j in candidates if later_tags[i] & earlier_tags[j]]
        best[i] = sharing[0] if sharing else candidates[0]
    return best


def _verdicts(judged, rows, columns, threshold):
    """similarity, same_instrument, repeated of the chosen pairs."""
    pick = (rows, columns)
    similarity = judged["cosine"][pick]
    same = judged["same_instrument"][pick]
    repeated = judged["eligible"][pick] & (same | (similarity >= threshold - 1e-12))
    return similarity, same, repeated


def _one_state(columns, positions, features, cycles, threshold):
    """Matches for one State under review: (later rows, earlier rows), each a frame. ``columns``: the rec_id,
    text and cycle columns of ``recs`` as arrays (taken once: an Arrow string column is copied each time)."""
    earlier, later = cycles
    ids, texts, cycle = columns
    state = cycle[positions]
    early, late = positions[state == earlier], positions[state == later]
    tags = features.tag_sets
    if len(early) == 0 or len(late) == 0:
        return None  # a State reviewed in one of the cycles only: nothing to compare, nothing counted
    judged = judge(features, late, early)
    rank = _ranking(judged)
    best = _best(rank, tags[late], tags[early])
    back = _best(rank.T, tags[early], tags[late])
    similarity, same, repeated = _verdicts(judged, np.arange(len(late)), best, threshold)
    later_rows = pd.DataFrame({"rec_id": ids[late], "matched_rec_id": ids[early[best]],
                               "matched_text": texts[early[best]], "similarity": similarity,
                               "same_instrument": same, "repeated": repeated})
    similarity, same, repeated = _verdicts(judged, back, np.arange(len(early)), threshold)
    earlier_rows = pd.DataFrame({"rec_id": ids[early], "repeated_by": ids[late[back]], "similarity": similarity,
                                 "same_instrument": same, "repeated": repeated})
    return later_rows, earlier_rows


def consecutive_cycles(recs):
    """The pairs ``(earlier, later)`` of consecutive cycles that ``recs`` both hold, in order: ``[(1, 2), (2, 3)]``."""
    held = sorted({int(c) for c in pd.unique(recs["cycle"].dropna())}) if "cycle" in recs.columns else []
    return [(c, c + 1) for c in held if c + 1 in held]


def _pairs_of(recs, earlier, later):
    if earlier is not None or later is not None:
        earlier = later - 1 if earlier is None else earlier
        return [(earlier, earlier + 1 if later is None else later)]
    return consecutive_cycles(recs)


def _checked(recs, pairs):
    missing = [c for c in NEEDED if c not in recs.columns]
    if missing:
        raise DataError(f"found a recommendations table without {', '.join(missing)}; expected the canonical columns")
    for earlier, later in pairs:
        for cycle in (earlier, later):
            if not (recs["cycle"] == cycle).any():
                raise DataError(f"found no cycle-{cycle} recommendations; expected cycles {earlier} and {later}")
    if not pairs:
        held = sorted({int(c) for c in pd.unique(recs["cycle"].dropna())})
        raise DataError(f"found recommendations of cycle{'s' * (len(held) != 1)} {', '.join(map(str, held)) or 'none'} "
                        "only; expected two consecutive cycles (a review and the State's next one)")
    cycles = sorted({c for pair in pairs for c in pair})
    return recs[recs["cycle"].isin(cycles)].sort_values(["sur_iso3", "rec_id"]).reset_index(drop=True)


def why_not_matched(recs, earlier=None, later=None):
    """Why ``match`` cannot compare the cycles of ``recs`` (a sentence for a report), or None when it can:
    the data must hold recommendations of two consecutive cycles (``match`` refuses them otherwise)."""
    if earlier is not None or later is not None:
        (earlier, later), = _pairs_of(recs, earlier, later)
        missing = [c for c in (earlier, later) if not (recs["cycle"] == c).any()]
        if not missing:
            return None
        return (f"These data hold no cycle-{missing[0]} recommendation, so no cycle-{later} recommendation can be "
                f"compared with the cycle-{earlier} ones: recurrence cannot be measured.")
    if consecutive_cycles(recs):
        return None
    held = sorted({int(c) for c in pd.unique(recs["cycle"].dropna())})
    if len(held) == 1:
        neighbours = [c for c in (held[0] - 1, held[0] + 1) if 1 <= c <= 4]
        return (f"These data hold no cycle-{neighbours[0]} recommendation"
                + (f" (nor cycle-{neighbours[1]})" if len(neighbours) > 1 else "")
                + f", so the cycle-{held[0]} recommendations cannot be compared with those of the State's previous "
                "or next review: recurrence cannot be measured.")
    return (f"These data hold cycles {', '.join(map(str, held))}, no two of them consecutive, so no recommendation "
            "can be compared with those of the State's previous review: recurrence cannot be measured.")


NOT_MATCHED = {"recurrence": {"share_repeated": None, "n_cycle2": None, "n_repeated": None},
               "recurrence_all_states": {"share_repeated": None, "n_cycle2": None, "n_repeated": None},
               "recurrence_by_cycle": {}}
"""The ``metrics.json`` entries of recurrence where it was not measured (``Recurrence.metrics``' keys, null)."""


def match(recs, threshold=THRESHOLD, countries=None, earlier=None, later=None, texts=True):
    """Match every recommendation of a cycle to its most similar one of the cycle before, to the same State.

    Every pair of consecutive cycles in ``recs`` is compared (``consecutive_cycles``), or only
    ``earlier`` and ``later`` when given. ``recs`` is the canonical recommendations table; ``countries``
    (ISO3 codes) limits the States matched, the vectors still fitted on all the cycles compared. Returns a
    ``Recurrence``. ``texts=False`` leaves the two texts out of its ``repeats`` (most of its size: a batch's
    reports take the few they show from the State's own recommendations, ``repeated_examples``).
    """
    pairs = _pairs_of(recs, earlier, later)
    recs = _checked(recs, pairs)
    features = _features(recs)
    columns = tuple(recs[c].to_numpy() for c in ("rec_id", "text", "cycle"))
    later_rows, earlier_rows = [], []
    for iso3, positions in recs.groupby("sur_iso3", sort=True).indices.items():
        if countries is not None and iso3 not in countries:
            continue
        for pair in pairs:
            matched = _one_state(columns, positions, features, pair, threshold)
            if matched is not None:
                later_rows.append(matched[0].assign(cycle=pair[1], earlier_cycle=pair[0]))
                earlier_rows.append(matched[1].assign(cycle=pair[0], later_cycle=pair[1]))
    repeats = _repeats(recs, later_rows)
    return Recurrence(repeats if texts else repeats.drop(columns=["text", "matched_text"]),
                      _firsts(recs, earlier_rows), threshold)


def judge_pairs(recs, pairs, threshold=THRESHOLD, earlier=1, later=2):
    """The verdict on given pairs, e.g. hand-labelled ones: ``pairs`` has ``cycle2_rec_id`` and
    ``cycle1_rec_id`` (rec_ids of ``recs``); returns it with ``similarity, same_instrument, eligible,
    repeated`` added, judged as ``match`` judges its matches (vectors fitted on all of ``recs``)."""
    recs = _checked(recs, [(earlier, later)])
    position = pd.Series(np.arange(len(recs)), index=recs["rec_id"])
    unknown = sorted(set(pairs["cycle2_rec_id"]).union(pairs["cycle1_rec_id"]) - set(position.index))
    if unknown:
        raise DataError(f"found rec_id {unknown[0]} in the pairs; expected rec_ids of cycles {earlier}-{later}")
    features = _features(recs)
    later_at, earlier_at = position[pairs["cycle2_rec_id"]].to_numpy(), position[pairs["cycle1_rec_id"]].to_numpy()
    judged = [judge(features, [i], [j]) for i, j in zip(later_at, earlier_at)]
    columns = {name: [j[name][0, 0] for j in judged] for name in ("cosine", "same_instrument", "eligible")}
    frame = pairs.assign(similarity=columns["cosine"], same_instrument=columns["same_instrument"],
                         eligible=columns["eligible"])
    similarity = frame["similarity"].to_numpy()
    repeated = frame["eligible"] & (frame["same_instrument"] | (similarity >= threshold - 1e-12))
    return frame.assign(repeated=repeated)


LATER_COLUMNS = ["rec_id", "matched_rec_id", "matched_text", "similarity", "same_instrument", "repeated", "cycle",
                 "earlier_cycle"]
EARLIER_COLUMNS = ["rec_id", "repeated_by", "similarity", "same_instrument", "repeated", "cycle", "later_cycle"]


def _empty(columns):
    """No match (no State under review holds both cycles): the frame ``match`` gives, without rows."""
    return pd.DataFrame({c: pd.Series(dtype="bool" if c in ("same_instrument", "repeated") else
                                      "float" if c == "similarity" else "int64" if "cycle" in c else "str")
                         for c in columns})


def _repeats(recs, frames):
    frame = pd.concat(frames, ignore_index=True) if frames else _empty(LATER_COLUMNS)
    info = recs.set_index("rec_id")
    frame = frame.assign(sur_iso3=frame["rec_id"].map(info["sur_iso3"]),
                         recommender_iso3=frame["rec_id"].map(info["recommender_iso3"]),
                         text=frame["rec_id"].map(info["text"]),
                         first_response=frame["matched_rec_id"].map(info["response"]).astype("str"))
    return frame[["rec_id", "sur_iso3", "cycle", "earlier_cycle", "recommender_iso3", "text", "matched_rec_id",
                  "matched_text", "similarity", "same_instrument", "repeated", "first_response"]]


def _firsts(recs, frames):
    frame = pd.concat(frames, ignore_index=True) if frames else _empty(EARLIER_COLUMNS)
    info = recs.set_index("rec_id")
    frame = frame.assign(sur_iso3=frame["rec_id"].map(info["sur_iso3"]), response=frame["rec_id"].map(info["response"]),
                         action_category=frame["rec_id"].map(info["action_category"]),
                         issues=frame["rec_id"].map(info["issues"]))
    return frame[["rec_id", "sur_iso3", "cycle", "later_cycle", "response", "action_category", "issues",
                  "repeated_by", "similarity", "same_instrument", "repeated"]]


def _rates(frame, keys, total, hits, alpha):
    """``keys`` plus ``total``, ``hits`` counts and ``share_repeated`` with a Wilson interval, per group."""
    grouped = frame.groupby(keys, sort=True, dropna=False).agg(**{total: ("repeated", "size"), hits: ("repeated", "sum")})
    grouped = grouped.reset_index()
    rates = [rate_with_ci(k, n, alpha) for k, n in zip(grouped[hits], grouped[total])]
    return grouped.assign(share_repeated=[r["rate"] for r in rates], ci_low=[r["ci_low"] for r in rates],
                          ci_high=[r["ci_high"] for r in rates]).astype({total: int, hits: int})


def later_label(found):
    """The later recommendations of ``found`` (a ``Recurrence``) in words: 'cycle-2 recommendations repeating a
    cycle-1 one' where one pair of cycles was compared, else 'recommendations repeating one of the State's
    previous review (cycles 2-4)'."""
    cycles = sorted(int(c) for c in pd.unique(found.repeats["cycle"]))
    if len(cycles) <= 1:
        later = cycles[0] if cycles else 2
        return f"cycle-{later} recommendations repeating a cycle-{later - 1} one"
    return f"recommendations repeating one of the State's previous review (cycles {cycles[0]}-{cycles[-1]})"


def earlier_label(found, response):
    """The earlier recommendations of ``found`` with ``response`` made again, in words (as ``later_label``)."""
    cycles = sorted(int(c) for c in pd.unique(found.firsts["cycle"]))
    if len(cycles) <= 1:
        return f"cycle-{cycles[0] if cycles else 1} recommendations {response}, made again"
    return f"recommendations {response}, made again at the State's next review"


def _entry(row):
    if row is None:
        return {"share_repeated": None, "n": 0, "n_repeated": 0}
    return {"share_repeated": row["share_repeated"], "n": int(row["n"]), "n_repeated": int(row["n_repeated"])}


@dataclass(frozen=True)
class Recurrence:
    """Repeats found by ``match``.

    ``repeats``: one row per later recommendation and pair of cycles compared: ``rec_id, sur_iso3, cycle,
    earlier_cycle, recommender_iso3, text, matched_rec_id, matched_text, similarity, repeated,
    first_response`` (the matched one's response); without ``text`` and ``matched_text`` when matched with
    ``texts=False``.
    ``firsts``: one row per earlier recommendation and pair of cycles: ``rec_id, sur_iso3, cycle,
    later_cycle, response, issues, repeated_by`` (its most similar later recommendation), ``similarity,
    repeated``. A cycle-2 recommendation of data holding cycles 1-3 is in both.
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

    def metrics(self, country):
        """The ``metrics.json`` entries: ``{"recurrence": {...}, "recurrence_all_states": {...}}``, each
        ``{"share_repeated", "n_cycle2", "n_repeated"}`` over every pair of cycles compared, for ``country``
        (ISO3) and over all States; and ``recurrence_by_cycle``, keyed by the later cycle (``"2"`` to ``"4"``):
        ``{"compared_with", "state": {...}, "all_states": {...}}``, each ``{"share_repeated", "n", "n_repeated"}``."""
        keys = ("share_repeated", "n_cycle2", "n_repeated")
        by_cycle, own = {}, self.by_cycle(country).set_index("cycle")
        for row in self.by_cycle().itertuples():
            by_cycle[str(row.cycle)] = {
                "compared_with": int(row.compared_with),
                "state": _entry(own.loc[row.cycle] if row.cycle in own.index else None),
                "all_states": _entry(row._asdict())}
        return {"recurrence": {k: self.summary(country)[k] for k in keys},
                "recurrence_all_states": {k: self.summary()[k] for k in keys},
                "recurrence_by_cycle": by_cycle}

    def by_cycle(self, country=None, alpha=0.05):
        """Per later cycle compared (2 against 1, 3 against 2, ...), for ``country`` or all States: ``cycle,
        compared_with, n, n_repeated, share_repeated, ci_low, ci_high``."""
        rows = self.repeats if country is None else self.repeats[self.repeats["sur_iso3"] == country]
        frame = _rates(rows.rename(columns={"earlier_cycle": "compared_with"}), ["cycle", "compared_with"], "n",
                       "n_repeated", alpha)
        return frame.astype({"cycle": int, "compared_with": int})

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

    def by_first_action_category(self, alpha=0.05):
        """Per UPR Info action category of the earlier recommendation (1 minimal to 5 specific action; <NA>
        where unknown): ``action_category, n_first, n_repeated, share_repeated, ci_low, ci_high``. A specific
        action asked again says more about implementation than a call to continue efforts."""
        frame = self.firsts.assign(action_category=self.firsts["action_category"].astype("Int64"))
        return _rates(frame, ["action_category"], "n_first", "n_repeated", alpha)

    def by_issue(self, alpha=0.05):
        """Per issue tag of the earlier recommendation (each counts once per tag): ``issue, n_first,
        n_repeated, share_repeated, ci_low, ci_high``, the most frequent issues first."""
        tagged = self.firsts.assign(issue=self.firsts["issues"].map(lambda t: list(_tags(t)))).explode("issue")
        frame = _rates(tagged.dropna(subset=["issue"]), ["issue"], "n_first", "n_repeated", alpha)
        frame = frame.sort_values(["n_first", "issue"], ascending=[False, True], kind="mergesort")
        return frame.reset_index(drop=True)
