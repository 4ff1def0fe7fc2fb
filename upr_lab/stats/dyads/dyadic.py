"""Recommendations as dyads: a recommending State and a State under review, with what the pair brings to it.

``dyads(recs, context)`` gives one row per recommendation supported or noted, with

* ``same_group``: the recommending State belongs to the UN regional group of the State under review;
* ``reciprocal`` (``reciprocal(recs)``): the State under review had itself made a recommendation to the
  recommending State, at a review of that State held in an **earlier session** than the present review.
  Exactly: a recommendation by R to U in session S is reciprocal when ``recs`` hold a recommendation by U
  to R in a session S' < S. A review in the same session does not count (the sessions' reviews run side by
  side), any earlier session does, whatever the cycle, and so does any response. Only the sessions the data
  hold count: data that start after session 1 miss earlier recommendations (said in the notes);
* ``sur_democracy``, ``recommender_democracy`` and ``democracy_gap`` (recommending State minus State under
  review): a V-Dem index (0-1; electoral democracy by default, or liberal democracy) of each State for the
  year of the review, joined with ``upr_lab.context.with_context``.

Left out, each counted in ``frame.attrs["notes"]``: recommendations neither supported nor noted; those whose
recommending State has no ISO3 code (a source that could not name it) or is an observer (Holy See, State of
Palestine: no regional group, never under review, so neither ``same_group`` nor ``reciprocal`` means anything
for them); and those where either State has no value of the index that year (``context.gap_note``).
"""

import numpy as np
import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.sources.context.join import gap_note, with_context
from upr_lab.sources.context.load import context_table

from .recommenders import GROUPS

DEMOCRACY = ("electoral_democracy", "liberal_democracy")  # V-Dem indices the gap can be taken on
DECIDED = ("supported", "noted")
COLUMNS = ["rec_id", "cycle", "session", "year", "sur_iso3", "sur_group", "recommender_iso3", "recommender_group",
           "action_category", "response", "supported", "same_group", "reciprocal", "sur_democracy",
           "recommender_democracy", "democracy_gap"]


def _named(recs):
    """Rows whose recommending State and State under review both have an ISO3 code."""
    return (recs["recommender_iso3"].astype(str) != "") & (recs["sur_iso3"].astype(str) != "")


def reciprocal(recs):
    """Per row of ``recs``: whether the State under review had recommended to the recommending State at a
    review in an earlier session (see the module's docstring); ``<NA>`` where either State has no ISO3 code.
    A boolean Series (nullable) on ``recs``' index."""
    named = recs[_named(recs)]
    first = (pd.DataFrame({"sur_iso3": named["recommender_iso3"].to_numpy(dtype=str),
                           "recommender_iso3": named["sur_iso3"].to_numpy(dtype=str),
                           "session": named["session"].to_numpy(dtype="int64")})
             .groupby(["sur_iso3", "recommender_iso3"])["session"].min())
    keys = pd.MultiIndex.from_arrays([recs["sur_iso3"].to_numpy(dtype=str),
                                      recs["recommender_iso3"].to_numpy(dtype=str)])
    earlier = first.reindex(keys).to_numpy(dtype=float) < recs["session"].to_numpy(dtype=float)
    return pd.Series(earlier, index=recs.index, dtype="boolean").where(_named(recs).to_numpy(), pd.NA)


def _pairable(decided, notes):
    """Rows whose recommending State is a named UN member State; the others are counted in ``notes``."""
    unnamed = ~_named(decided)
    observer = ~unnamed & ~decided["recommender_group"].isin(GROUPS)
    if unnamed.any():
        notes.append(f"{int(unnamed.sum()):,} recommendations whose recommending State is not named (no ISO3 code) "
                     "were left out.")
    if observer.any():
        who = ", ".join(sorted(set(decided.loc[observer, "recommender_name"].astype(str))))
        notes.append(f"{int(observer.sum()):,} recommendations by observer States ({who}) were left out: they belong "
                     "to no regional group and are never under review.")
    return (~unnamed & ~observer).to_numpy()


def _coverage_note(recs, notes):
    first = int(recs["session"].min()) if len(recs) else 1
    if first > 1:
        notes.append(f"The data start at session {first}: recommendations made at earlier sessions are not in them, "
                     "so reciprocity is undercounted for the first reviews.")


def _democracy(frame, context, indicator, notes):
    """``frame`` with the democracy columns; rows without a value on either side left out (said in ``notes``).
    When no value can be joined at all, the columns stay empty and ``notes`` say why."""
    if indicator not in DEMOCRACY:
        raise DataError(f"found democracy index {indicator!r}; expected one of {', '.join(DEMOCRACY)}")
    context = context_table() if context is None else context
    if indicator not in context.columns:
        raise DataError(f"found no {indicator} in the context (columns {', '.join(context.columns)}); "
                        "expected the V-Dem indices")
    try:
        joined = with_context(frame, context, [indicator])
    except DataError as error:
        notes.append(f"No democracy gap: {error}.")
        return frame.assign(sur_democracy=np.nan, recommender_democracy=np.nan)
    joined = joined.rename(columns={f"sur_{indicator}": "sur_democracy",
                                    f"recommender_{indicator}": "recommender_democracy"})
    missing = joined[["sur_democracy", "recommender_democracy"]].isna().any(axis=1)
    if missing.any():
        notes.append(f"{int(missing.sum()):,} recommendations without a value of V-Dem {indicator.replace('_', ' ')} "
                     f"for both States in the year of the review were left out. {gap_note(joined)}")
    return joined[~missing]


def dyads(recs, context=None, indicator="electoral_democracy"):
    """The dyadic data set: one row per recommendation supported or noted whose two States can be paired
    (``COLUMNS``; see the module's docstring), sorted by State under review, cycle and ``rec_id``.
    ``context``: a country-year frame with ``indicator`` (default: the V-Dem indices shipped with upr-lab);
    ``attrs["notes"]`` says what was left out and why."""
    notes = []
    _coverage_note(recs, notes)
    flags = reciprocal(recs)
    decided = recs[recs["response"].isin(DECIDED)]
    other = len(recs) - len(decided)
    if other:
        notes.append(f"{other:,} recommendations neither supported nor noted were left out.")
    frame = decided[_pairable(decided, notes)]
    frame = frame.assign(supported=(frame["response"] == "supported").astype(float),
                         same_group=(frame["recommender_group"] == frame["sur_group"]).astype(float),
                         reciprocal=flags[frame.index].astype(float))
    frame = _democracy(frame, context, indicator, notes)
    frame = frame.assign(democracy_gap=frame["recommender_democracy"] - frame["sur_democracy"])
    frame = frame[COLUMNS].sort_values(["sur_iso3", "cycle", "rec_id"], kind="mergesort").reset_index(drop=True)
    frame.attrs = {"notes": notes, "indicator": indicator}
    return frame
