"""Descriptive metrics on the canonical recommendations table.

Every function takes the canonical RECOMMENDATIONS frame (see ``upr_lab.schema``) and returns a plain
dict or a tidy DataFrame with a stable row order. Rates are shares with Wilson score intervals:

* acceptance rate: share ``supported`` among ``supported`` + ``noted`` recommendations; ``other``
  (pending, general or mixed responses) counts as a recommendation but not in the denominator;
* implementation rate: share fully or partially implemented among the recommendations that have an
  assessment (``implementation`` not empty); the fully implemented rate is reported beside it.

Where a denominator is zero the rate and its interval are ``None`` in dicts and NaN in frames, so that a
caller can say so instead of failing. Floats in dicts keep full precision; round only for display.

A table function that cannot compute its measure from the data given (one State, one cycle, no context, ...)
returns its table empty with the reason, a sentence a researcher understands (``not_computable``); the
report shows the reason in place of the table (``reports.analysis.Analysis.table``).
"""

import math

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from upr_lab.exceptions import DataError
from upr_lab.sources.countries import check_iso3

ACTION_LABELS = {
    1: "Minimal action",
    2: "Continuing action",
    3: "Considering action",
    4: "General action",
    5: "Specific action",
}
DECIDED = ("supported", "noted")
ASSESSED = ("fully", "partially", "not")


def _clean(value):
    """A JSON-safe scalar: Python int/float, or None for NaN/NA."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    return value


def _wilson(k, n, alpha):
    """Vectorised rate and Wilson interval; NaN where ``n`` is zero."""
    k, n = np.atleast_1d(np.asarray(k, float)), np.atleast_1d(np.asarray(n, float))
    rate, low, high = (np.full(k.shape, np.nan) for _ in range(3))
    ok = n > 0
    if ok.any():
        rate[ok] = k[ok] / n[ok]
        low[ok], high[ok] = proportion_confint(k[ok], n[ok], alpha=alpha, method="wilson")
        # at a rate of 0 or 1 the interval's end can miss the rate by a rounding error
        low[ok], high[ok] = np.minimum(low[ok], rate[ok]), np.maximum(high[ok], rate[ok])
    return rate, low, high


def rate_with_ci(successes, total, alpha=0.05):
    """A share with its Wilson score interval.

    Returns ``{"n", "k", "rate", "ci_low", "ci_high"}``; ``rate`` and the bounds are ``None`` when
    ``total`` is zero.
    """
    rate, low, high = _wilson(successes, total, alpha)
    return {"n": int(total), "k": int(successes), "rate": _clean(rate[0]),
            "ci_low": _clean(low[0]), "ci_high": _clean(high[0])}


def _as_list(by):
    return [by] if isinstance(by, str) else list(by)


def _indicators(recs):
    """Per-row counting columns used by the grouped metrics."""
    response = recs["response"].astype(str)
    impl = recs["implementation"].fillna("").astype(str)
    return pd.DataFrame({
        "n_recommendations": 1,
        "n_supported": response.eq("supported").astype(int),
        "n_noted": response.eq("noted").astype(int),
        "n_assessed": impl.isin(ASSESSED).astype(int),
        "n_fully": impl.eq("fully").astype(int),
        "n_partially": impl.eq("partially").astype(int),
        "n_not": impl.eq("not").astype(int),
    }, index=recs.index)


def _counts(recs, by):
    """Counting columns summed per group (one row when ``by`` is None)."""
    counts = _indicators(recs)
    if by is None:
        return counts.sum().to_frame().T.astype(int)
    keys = _as_list(by)
    frame = pd.concat([recs[keys], counts], axis=1)
    return frame.groupby(keys, sort=True, dropna=False).sum().reset_index()


def _add_rate(frame, k, n, name, prefix, alpha):
    rate, low, high = _wilson(frame[k], frame[n], alpha)
    return frame.assign(**{name: rate, f"{prefix}ci_low": low, f"{prefix}ci_high": high})


def _single(frame):
    """The one row of an ungrouped metric frame as a JSON-safe dict."""
    return {column: _clean(frame[column].iloc[0]) for column in frame.columns}


def acceptance(recs, by=None, alpha=0.05):
    """Acceptance rate (supported among supported + noted) with a Wilson interval.

    ``by=None`` returns a dict; ``by`` a column name or list returns a tidy DataFrame sorted by the keys.
    Columns/keys: ``[by...], n_recommendations`` (all rows, ``other`` included), ``n_supported``,
    ``n_noted``, ``acceptance_rate``, ``ci_low``, ``ci_high``.
    """
    counts = _counts(recs, by)
    counts = counts.assign(n_decided=counts["n_supported"] + counts["n_noted"])
    frame = _add_rate(counts, "n_supported", "n_decided", "acceptance_rate", "", alpha)
    keys = [] if by is None else _as_list(by)
    frame = frame[keys + ["n_recommendations", "n_supported", "n_noted",
                          "acceptance_rate", "ci_low", "ci_high"]]
    return _single(frame) if by is None else frame


MIN_REFERENCE_STATES = 10  # a cycle for which the data hold fewer States under review is no comparison


def acceptance_of_all_states(recs, alpha=0.05, minimum=MIN_REFERENCE_STATES):
    """All States' acceptance per cycle (``acceptance(recs, by="cycle")``), for the cycles in which at least
    ``minimum`` States under review have recommendations: a cycle held only for the States a user brought
    documents for would compare a State with itself."""
    frame = acceptance(recs, by="cycle", alpha=alpha)
    states = recs.groupby("cycle")["sur_iso3"].nunique()
    return frame[frame["cycle"].map(states).fillna(0) >= minimum].reset_index(drop=True)


def implementation(recs, by=None, alpha=0.05):
    """Implementation rates among assessed recommendations, with Wilson intervals.

    ``implementation_rate`` is the share fully or partially implemented, ``fully_rate`` the share fully
    implemented, both among rows with an assessment (``n_assessed``). Same shapes as ``acceptance``;
    rates are None/NaN where nothing is assessed.
    """
    counts = _counts(recs, by)
    counts = counts.assign(n_implemented=counts["n_fully"] + counts["n_partially"])
    frame = _add_rate(counts, "n_implemented", "n_assessed", "implementation_rate", "", alpha)
    frame = _add_rate(frame, "n_fully", "n_assessed", "fully_rate", "fully_", alpha)
    keys = [] if by is None else _as_list(by)
    frame = frame[keys + ["n_recommendations", "n_assessed", "n_fully", "n_partially", "n_not",
                          "implementation_rate", "ci_low", "ci_high",
                          "fully_rate", "fully_ci_low", "fully_ci_high"]]
    return _single(frame) if by is None else frame


def by_cycle(recs):
    """``{"1": {"n": int, "acceptance_rate": float or None}, ...}`` keyed by cycle, in cycle order.

    ``n`` counts every recommendation of the cycle, ``other`` responses included. This is the
    ``by_cycle`` object of ``metrics.json``.
    """
    frame = acceptance(recs, by="cycle")
    return {str(int(row.cycle)): {"n": int(row.n_recommendations),
                                  "acceptance_rate": _clean(row.acceptance_rate)}
            for row in frame.sort_values("cycle").itertuples(index=False)}


def specificity(recs):
    """Mix of UPR Info action categories, with acceptance per category.

    One row per category 1-5 (all five, even when empty) plus ``"unknown"`` if any category is missing:
    ``category, label, n, share`` (of all recommendations), ``n_supported, n_noted, acceptance_rate``.
    """
    category = recs["action_category"].astype("Int64")
    keyed = category.astype(object).where(category.notna(), "unknown")
    counts = pd.concat([keyed.rename("category"), _indicators(recs)], axis=1)
    counts = counts.groupby("category", sort=False).sum()
    order = list(ACTION_LABELS) + (["unknown"] if "unknown" in counts.index else [])
    counts = counts.reindex(order, fill_value=0).rename_axis("category").reset_index()
    counts = counts.assign(n_decided=counts["n_supported"] + counts["n_noted"])
    rate, _, _ = _wilson(counts["n_supported"], counts["n_decided"], 0.05)
    total = len(recs)
    return pd.DataFrame({
        "category": pd.Series(order, dtype=object),
        "label": [ACTION_LABELS.get(c, "Unknown") for c in order],
        "n": counts["n_recommendations"].astype(int),
        "share": counts["n_recommendations"] / total if total else np.nan,
        "n_supported": counts["n_supported"].astype(int),
        "n_noted": counts["n_noted"].astype(int),
        "acceptance_rate": rate,
    })


def _tags(value):
    if isinstance(value, str):
        return (value,) if value else ()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    return tuple(value)


def thematic_profile(recs, top=None):
    """Recommendations per issue tag: ``issue, n, share`` (of all recommendations), ``acceptance_rate``.

    A recommendation counts once for each of its tags. Sorted by ``n`` descending, then tag; ``top``
    keeps the first rows only.
    """
    tags = recs["issues"].map(_tags).rename("issue")
    frame = pd.concat([tags, _indicators(recs)], axis=1).explode("issue").dropna(subset=["issue"])
    columns = ["issue", "n", "share", "acceptance_rate"]
    if frame.empty:
        return not_computable(pd.DataFrame({c: pd.Series(dtype=float) for c in columns}).astype({"issue": "str"}),
                              "None of these recommendations carries an issue tag (UPR Info tags them; a source "
                              "such as DIHR's or UHRI's rows may not).")
    counts = frame.groupby("issue", sort=True).sum().reset_index()
    rate, _, _ = _wilson(counts["n_supported"], counts["n_supported"] + counts["n_noted"], 0.05)
    out = pd.DataFrame({"issue": counts["issue"].astype("str"),
                        "n": counts["n_recommendations"].astype(int),
                        "share": counts["n_recommendations"] / len(recs),
                        "acceptance_rate": rate})
    out = out.sort_values(["n", "issue"], ascending=[False, True], kind="mergesort")
    out = out.reset_index(drop=True)
    return out if top is None else out.head(top)


def headline(recs, country, alpha=0.05):
    """The common core of ``metrics.json`` for the State under review ``country`` (ISO3).

    ``{"n_recommendations", "acceptance_rate", "acceptance_ci": [low, high], "by_cycle"}``; a State
    without recommendations gets ``n_recommendations`` 0 and ``None`` rates.
    """
    own = recs[recs["sur_iso3"] == check_iso3(country)]
    overall = acceptance(own, alpha=alpha)
    return {
        "n_recommendations": int(len(own)),
        "acceptance_rate": overall["acceptance_rate"],
        "acceptance_ci": [overall["ci_low"], overall["ci_high"]],
        "by_cycle": by_cycle(own),
    }


def state_acceptance(recs):
    """Acceptance per State under review, indexed by ``sur_iso3`` (sorted).

    Columns ``sur_name, sur_group, n_decided`` (supported + noted), ``n_supported, acceptance_rate``
    (NaN for a State without supported/noted recommendations).
    """
    response = recs["response"].astype(str)
    frame = recs[["sur_iso3", "sur_name", "sur_group"]].assign(
        n_decided=response.isin(DECIDED).astype(int),
        n_supported=response.eq("supported").astype(int))
    out = frame.groupby("sur_iso3", sort=True).agg(
        sur_name=("sur_name", "first"), sur_group=("sur_group", "first"),
        n_decided=("n_decided", "sum"), n_supported=("n_supported", "sum"))
    rate = out["n_supported"] / out["n_decided"].where(out["n_decided"] > 0)
    return out.assign(acceptance_rate=rate)


def _own(states, country):
    country = check_iso3(country)
    if country not in states.index:
        raise DataError(f"no recommendations for State under review {country} in these data")
    return country, states.loc[country]


def group_ranking(recs, country):
    """Acceptance rate of every State in ``country``'s regional group, ranked.

    Columns ``rank`` (1 = highest; ties share the lowest rank, ``method="min"``; <NA> for a State
    without supported/noted recommendations), ``sur_iso3, sur_name, n_decided, n_supported,
    acceptance_rate, is_country``; sorted by rank, then ISO3.
    """
    states = state_acceptance(recs)
    country, own = _own(states, country)
    group = states[states["sur_group"] == own["sur_group"]].reset_index()
    rank = group["acceptance_rate"].rank(method="min", ascending=False).astype("Int64")
    group = group.assign(rank=rank, is_country=group["sur_iso3"] == country)
    group = group.sort_values(["rank", "sur_iso3"], na_position="last", kind="mergesort")
    columns = ["rank", "sur_iso3", "sur_name", "n_decided", "n_supported", "acceptance_rate",
               "is_country"]
    return group[columns].reset_index(drop=True)


def group_summary(recs, country):
    """``{"group", "group_acceptance_rate", "rank_in_group", "n_in_group"}`` for ``metrics.json``.

    ``group_acceptance_rate`` pools the recommendations of the *other* States of the group (the
    country excluded, as in ``regional_comparison``); ``rank_in_group`` is the country's rank from
    ``group_ranking`` (None without supported/noted recommendations); ``n_in_group`` counts the States
    of the group in these data, the country included.
    """
    states = state_acceptance(recs)
    country, own = _own(states, country)
    ranking = group_ranking(recs, country)
    rank = ranking.loc[ranking["is_country"], "rank"].iloc[0]
    peers = states[(states["sur_group"] == own["sur_group"]) & (states.index != country)]
    decided = int(peers["n_decided"].sum())
    return {"group": str(own["sur_group"]),
            "group_acceptance_rate": int(peers["n_supported"].sum()) / decided if decided else None,
            "rank_in_group": None if pd.isna(rank) else int(rank),
            "n_in_group": int(len(ranking))}


CIVIL_SOCIETY_TAGS = ("Civil society", "Human rights defenders")


def civil_society_recommendations(recs, alpha=0.05, tags=CIVIL_SOCIETY_TAGS):
    """Acceptance of recommendations tagged with civil society issues against all the others.

    One row per topic: each tag of ``tags``, any of them, and "all other recommendations"; columns
    ``topic, n_recommendations, n_supported, n_noted, acceptance_rate, ci_low, ci_high``.
    """
    tagged = recs["issues"].map(_tags)
    masks = {tag: tagged.map(lambda t, tag=tag: tag in t) for tag in tags}
    masks["any of these"] = tagged.map(lambda t: any(tag in t for tag in tags))
    masks["all other recommendations"] = ~masks["any of these"]
    rows = [{"topic": topic, **acceptance(recs[mask], alpha=alpha)} for topic, mask in masks.items()]
    return pd.DataFrame(rows)


def civil_society_texts(recs, tags=CIVIL_SOCIETY_TAGS):
    """The recommendations tagged with civil society issues at the State's latest review, to read in full.

    Columns ``session, recommending State, action category, response, recommendation``, in a stable
    order (recommending State, then id). Empty when no recommendation carries one of ``tags``.
    """
    tagged = recs[recs["issues"].map(lambda t: any(tag in _tags(t) for tag in tags))]
    latest = tagged[tagged["session"] == tagged["session"].max()] if len(tagged) else tagged
    latest = latest.sort_values(["recommender_name", "rec_id"], kind="stable")
    return pd.DataFrame({"session": latest["session"], "recommending State": latest["recommender_name"],
                         "action category": latest["action_category"], "response": latest["response"],
                         "recommendation": latest["text"]}).reset_index(drop=True)


def acceptance_vs_group(recs, country, alpha=0.05):
    """Per cycle: the State's acceptance rate (with interval) and its group's, the State excluded."""
    country = check_iso3(country)
    own = recs[recs["sur_iso3"] == country]
    if own.empty:
        raise DataError(f"no recommendations for State under review {country} in these data")
    group = own["sur_group"].iloc[0]
    peers = recs[(recs["sur_group"] == group) & (recs["sur_iso3"] != country)]
    mine = acceptance(own, by="cycle", alpha=alpha)
    theirs = acceptance(peers, by="cycle", alpha=alpha)[["cycle", "acceptance_rate"]]
    theirs = theirs.rename(columns={"acceptance_rate": "group_acceptance_rate"})
    return mine.merge(theirs, on="cycle", how="left")


def records(frame):
    """A table as a list of JSON-safe row dicts (for ``metrics.json``)."""
    return [{str(k): _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


NOT_COMPUTABLE = "not_computable"  # the attrs key of an empty table's reason


def not_computable(table, why):
    """``table`` with ``why`` (a sentence, or None when it was computed) recorded as why it is empty."""
    table.attrs[NOT_COMPUTABLE] = why
    return table


def why_not(table, default=None):
    """Why ``table`` is empty: the reason recorded with it, else ``default``; None for a table with rows."""
    if len(table):
        return None
    return table.attrs.get(NOT_COMPUTABLE) or default
