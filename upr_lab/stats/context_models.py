"""Acceptance and the State under review's record: human rights and democracy in the year of its review.

The context (``upr_lab.context``: V-Dem indices shipped with upr-lab, and the user's Fariss or PTS files) is
joined to each recommendation by State under review for the year of the review. Three views:

* ``acceptance_by_quartile``: the share supported per quartile of an indicator (quartiles over the
  recommendations with a response and a value), with Wilson intervals: descriptive;
* ``quartile_model``: the pooled ``outcome_model`` (cycle, action category, regional group) with the
  quartiles as terms against the lowest, SEs clustered by State under review;
* ``adjusted_model``: the pooled ``outcome_model`` with the indicators themselves as terms
  (``sur_civil_liberties`` and ``sur_electoral_democracy`` by default, each 0-1, so a term's odds ratio
  compares the two ends of the index), e.g. with a group as reference for the regional comparison.

These are associations across States: a State's record also shapes what it is asked and by whom. Rows
whose State has no value that year (21 small States are not in V-Dem) are left out and said in the notes.
"""

import pandas as pd

from upr_lab.sources.context.join import by_review, gap_note, indicators as context_indicators

from .effects import not_estimated
from .metrics import not_computable, rate_with_ci
from .models import outcome_model

RECORD = ("civil_liberties", "electoral_democracy")  # human rights record and democracy (V-Dem)
QUARTILE_COLUMNS = ["quartile", "low", "high", "n", "n_supported", "acceptance_rate", "ci_low", "ci_high"]


def _joined(recs, context, indicators):
    """Recommendations supported or noted, with ``sur_<indicator>`` columns, and the gap note (or None).

    Where no State under review has a value in the year of its review (e.g. a data set of States V-Dem
    does not cover), the columns are all NaN and the note says so: the models then say they could not be
    estimated, rather than the join refusing the data."""
    decided = recs[recs["response"].isin(["supported", "noted"])]
    if _any_value(decided, context, indicators):
        joined = by_review(decided, context, "sur", indicators)
        return joined, gap_note(joined)
    states = sorted(set(decided["sur_iso3"].astype(str)))
    shown = ", ".join(states[:12]) + (f" and {len(states) - 12} more" if len(states) > 12 else "")
    note = (f"No State under review in these data ({shown or 'none'}) has a value of "
            f"{', '.join(i.replace('_', ' ') for i in indicators)} in the year of its review"
            f"{' (the context has no such indicator)' if set(indicators) - set(context_indicators(context)) else ''}: "
            "measures that use the State's record cannot be computed.")
    return decided.assign(**{f"sur_{i}": float("nan") for i in indicators}), note


def _any_value(recs, context, indicators):
    """True when the context has a value of one of ``indicators`` for some State under review of ``recs`` in
    the year of its review (the condition under which ``by_review`` joins rather than refuses)."""
    if set(indicators) - set(context_indicators(context)) or not len(recs):
        return False
    reviews = pd.MultiIndex.from_arrays([recs["sur_iso3"].astype(str), recs["year"].astype("int64")]).unique()
    values = context.dropna(subset=list(indicators), how="all")
    known = pd.MultiIndex.from_arrays([values["iso3"].astype(str), values["year"].astype("int64")])
    return bool(reviews.isin(known).any())


def quartiles(values):
    """Quartile 1-4 of each known value (quartiles over the values given; NaN stays NaN). All NaN when the
    values do not have four distinct quartile bounds (e.g. one State's, or a few States' with ties): see
    ``why_no_quartiles``."""
    if why_no_quartiles(values):
        return pd.Series(float("nan"), index=values.index, name=values.name)
    return pd.qcut(values, 4, labels=[1, 2, 3, 4]).astype("float")


def why_no_quartiles(values, what="the indicator"):
    """Why quartiles of ``values`` cannot be formed (a sentence), or None when they can."""
    known = values.dropna()
    edges = known.quantile([0, 0.25, 0.5, 0.75, 1]).to_numpy() if len(known) else []
    if len(known) and len(set(edges)) == len(edges):
        return None
    distinct = known.nunique()
    if not distinct:
        return f"no recommendation supported or noted in these data has a value of {what}"
    return (f"quartiles of {what} need values that split into four groups, and the recommendations supported "
            f"or noted in these data have {distinct} distinct value{'s' if distinct != 1 else ''} of it, "
            "too few (or too tied) for four")


def acceptance_by_quartile(recs, context, indicator="civil_liberties", alpha=0.05):
    """Share supported per quartile of the State under review's ``indicator`` in the year of the review:
    ``quartile, low, high`` (the indicator's range in it), ``n, n_supported, acceptance_rate, ci_low,
    ci_high``. ``.attrs["note"]`` says which States have no value (left out), or is None."""
    joined, note = _joined(recs, context, [indicator])
    values = joined[f"sur_{indicator}"]
    known = joined.assign(quartile=quartiles(values)).dropna(subset=["quartile"])
    why = None if len(known) else _why_not(values, note, indicator)
    rows = []
    for quartile, part in known.groupby("quartile", sort=True):
        rate = rate_with_ci(int((part["response"] == "supported").sum()), len(part), alpha)
        rows.append([int(quartile), part[f"sur_{indicator}"].min(), part[f"sur_{indicator}"].max(), rate["n"],
                     rate["k"], rate["rate"], rate["ci_low"], rate["ci_high"]])
    table = pd.DataFrame(rows, columns=QUARTILE_COLUMNS)
    table.attrs["note"] = None if why == note else note
    return not_computable(table, why)


def _why_not(values, note, indicator):
    """Why no quartile of ``indicator`` could be formed: no value at all (``note``), or too few distinct ones."""
    if values.isna().all() and note:
        return note
    why = why_no_quartiles(values, "the State's " + indicator.replace("_", " "))
    return f"{why[0].upper()}{why[1:]}."


QUARTILE_NAMES = {2: "2nd quartile", 3: "3rd quartile", 4: "4th (highest) quartile"}


def quartile_model(recs, context, indicator="civil_liberties", alpha=0.05):
    """The pooled acceptance model with the quartiles of ``indicator`` as terms ``<indicator>_q[2..4]``
    (against the lowest): cycle, action category and regional group held fixed, SEs clustered by State."""
    joined, note = _joined(recs, context, [indicator])
    quartile = quartiles(joined[f"sur_{indicator}"])
    terms = [f"{indicator}_q[{q}]" for q in (2, 3, 4)]
    title = f"Acceptance by quartile of the State's {indicator.replace('_', ' ')} (all States)"
    if quartile.isna().all():
        why = _why_not(joined[f"sur_{indicator}"], note, indicator)
        return not_estimated(title, terms, "supported", [why], alpha, terms[-1])
    frame = joined.assign(**{t: (quartile == q).astype(float).where(quartile.notna()) for t, q in zip(terms, (2, 3, 4))})
    result = outcome_model(frame, None, "supported", alpha, True, terms[-1], extra=terms)
    return _titled(result, title, note)


def quartile_terms(result, indicator="civil_liberties", alpha=0.05):
    """The odds ratios of a ``quartile_model``'s quartile terms, labelled as a reader says them."""
    table = result.odds_ratios(alpha).filter(like=f"{indicator}_q[", axis=0)
    return table.rename(index=lambda term: QUARTILE_NAMES[int(term[-2])])


def adjusted_model(recs, participation=None, context=None, indicators=RECORD, group_reference=None, alpha=0.05):
    """The pooled acceptance model (``outcome_model``) with the State's ``indicators`` in the year of the
    review as terms ``sur_<indicator>``; ``group_reference``: the regional group the others are set against."""
    joined, note = _joined(recs, context, list(indicators))
    terms = [f"sur_{i}" for i in indicators]
    result = outcome_model(joined, participation, "supported", alpha, True, terms[0], group_reference, extra=terms)
    against = "" if group_reference is None else f", groups against {group_reference}"
    return _titled(result, f"Acceptance adjusted for the State's {' and '.join(i.replace('_', ' ') for i in indicators)}"
                           f" (all States{against})", note)


def _titled(result, title, note):
    result.title = title
    if note:
        result.notes.append(note)
    result.notes.append("An association across States, not an effect: a State's record also shapes what it is "
                        "asked and by whom.")
    return result


def state_vs_group(recs, context, country, indicators=RECORD, alpha=0.05):
    """``country`` against the other States of its regional group, with their record held fixed: the pooled
    acceptance model over the group's recommendations (cycle, action category, the ``indicators``) with a
    term ``this_state`` (1 for ``country``'s). Its odds ratio is the State's acceptance against the group's
    for recommendations of the same kind from States with the same record; SEs clustered by State."""
    group = recs.loc[recs["sur_iso3"] == country, "sur_group"].iloc[0]
    joined, note = _joined(recs[recs["sur_group"] == group], context, list(indicators))
    frame = joined.assign(this_state=(joined["sur_iso3"] == country).astype(float))
    terms = ["this_state", *[f"sur_{i}" for i in indicators]]
    title = f"{country} against the other States of {group}, adjusted for their record"
    if not frame.loc[frame["sur_iso3"] == country, terms[1:]].notna().all(axis=1).any():
        missing = f"{country} has no value of {', '.join(indicators)} in its review years: not estimated."
        return not_estimated(title, terms, "supported", [missing], alpha, "this_state")
    result = outcome_model(frame, None, "supported", alpha, True, "this_state", extra=terms)
    return _titled(result, title, note)


def state_record(recs, context, country, quartile_table=None, indicators=RECORD):
    """The State's record in each of its reviews: ``cycle, year``, the ``indicators`` (NaN where the context
    has no value) and, given ``acceptance_by_quartile``'s table, the quartile its civil liberties fall in."""
    reviews = recs.loc[recs["sur_iso3"] == country, ["sur_iso3", "cycle", "year"]].drop_duplicates()
    reviews = reviews.sort_values(["cycle", "year"], kind="mergesort").reset_index(drop=True)
    values = context.set_index(["iso3", "year"])
    frame = reviews[["cycle", "year"]].copy()
    for indicator in indicators:
        frame[indicator] = [values[indicator].get((country, year), float("nan")) for year in reviews["year"]]
    if quartile_table is not None and len(quartile_table) and "civil_liberties" in frame:
        bounds = quartile_table["high"].to_numpy()[:-1]
        frame["civil_liberties_quartile"] = [pd.NA if pd.isna(v) else int((v > bounds).sum()) + 1
                                             for v in frame["civil_liberties"]]
    return frame
