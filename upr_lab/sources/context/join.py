"""Country-year context joined to recommendations: the State under review's and the recommending State's,
for the year of the review.

``by_review(recs, frame, side)`` adds one column per indicator of ``frame`` (as ``load_context`` or
``vdem_indices`` return it: ``iso3, year, <indicators>``), prefixed with the side: ``sur_civil_liberties``
for the State under review, ``recommender_civil_liberties`` for the recommending State. A recommendation
whose State has no value that year keeps NaN, and ``gaps(joined)`` says which States and years those are
(so a report can state the gap); a join that finds no value at all is refused, never returned empty.
"""

import pandas as pd

from upr_lab.exceptions import DataError

SIDES = {"sur": "sur_iso3", "recommender": "recommender_iso3"}
GAP_COLUMNS = ["side", "iso3", "year", "indicator", "recommendations"]


def indicators(frame):
    """The indicator columns of a context frame (all but ``iso3, year``)."""
    return [c for c in frame.columns if c not in ("iso3", "year")]


def by_review(recs, frame, side="sur", columns=None):
    """``recs`` with ``<side>_<indicator>`` columns from ``frame`` for the year of each review.

    ``side``: ``"sur"`` (State under review) or ``"recommender"`` (recommending State); ``columns``: the
    indicators to add (default: all of ``frame``'s). Rows keep their order and index. Refuses a frame
    without ``iso3, year``, an unknown indicator, and a join that gives no value at all (naming the years
    the frame covers and those of the reviews)."""
    if side not in SIDES:
        raise DataError(f"found side {side!r}; expected one of {sorted(SIDES)}")
    _check_frame(frame)
    columns = indicators(frame) if columns is None else list(columns)
    unknown = [c for c in columns if c not in frame.columns]
    if unknown:
        raise DataError(f"found no context indicator {unknown}; expected some of {indicators(frame)}")
    values = frame[["iso3", "year", *columns]].rename(columns={c: f"{side}_{c}" for c in columns})
    keys = pd.DataFrame({"iso3": recs[SIDES[side]].astype("object"), "year": recs["year"].astype("int64")})
    joined = keys.merge(values.astype({"year": "int64"}), on=["iso3", "year"], how="left", validate="many_to_one")
    added = joined.drop(columns=["iso3", "year"]).set_axis(recs.index)
    _refuse_empty(added, keys, frame, side)
    result = pd.concat([recs, added], axis=1)
    result.attrs = {**recs.attrs, "context_gaps": _gap_records(recs, added, side) + _previous_gaps(recs)}
    return result


def with_context(recs, frame, columns=None):
    """``recs`` with the context of both sides: ``by_review`` for the State under review, then for the
    recommending State."""
    return by_review(by_review(recs, frame, "sur", columns), frame, "recommender", columns)


def gaps(joined):
    """Which State-years of a ``by_review`` result have no value: ``side, iso3, year, indicator,
    recommendations`` (how many recommendations lack it), sorted; empty when nothing is missing."""
    table = pd.DataFrame(list(joined.attrs.get("context_gaps", ())), columns=GAP_COLUMNS)
    return table.sort_values(GAP_COLUMNS[:4], kind="mergesort").reset_index(drop=True)


def gap_note(joined):
    """One sentence for a report: which States have no context value in which years, or None."""
    table = gaps(joined)
    if table.empty:
        return None
    parts = []
    for side in SIDES:
        rows = table[table["side"] == side]
        if rows.empty:
            continue
        who = "States under review" if side == "sur" else "recommending States"
        states = sorted(set(rows["iso3"]))
        shown = ", ".join(states[:12]) + (f" and {len(states) - 12} more" if len(states) > 12 else "")
        names = ", ".join(dict.fromkeys(rows["indicator"]))
        most = int(rows.groupby("indicator")["recommendations"].sum().max())
        parts.append(f"{who}: no {names} for {len(states)} States ({shown}; up to {most:,} recommendations)")
    return "Context missing (left out of the models that use it): " + "; ".join(parts) + "."


def _check_frame(frame):
    missing = [c for c in ("iso3", "year") if c not in frame.columns]
    if missing:
        raise DataError(f"found a context frame with columns {list(frame.columns)}; expected iso3, year and indicators")
    if frame.duplicated(["iso3", "year"]).any():
        first = frame.loc[frame.duplicated(["iso3", "year"]), ["iso3", "year"]].iloc[0]
        raise DataError(f"found {first['iso3']} {first['year']} twice in the context; expected one row per State and year")


def _refuse_empty(added, keys, frame, side):
    if len(added) and added.notna().any().any():
        return
    covered = f"{int(frame['year'].min())}-{int(frame['year'].max())}" if len(frame) else "no year"
    reviews = f"{int(keys['year'].min())}-{int(keys['year'].max())}" if len(keys) else "none"
    who = "State under review" if side == "sur" else "recommending State"
    raise DataError(f"found no context value for any {who} in the year of its review: the context covers {covered}, "
                    f"{frame['iso3'].nunique()} States; the reviews are in {reviews}")


def _gap_records(recs, added, side):
    records = []
    for column in added.columns:
        missing = added[column].isna() & recs[SIDES[side]].notna() & (recs[SIDES[side]].astype(str) != "")
        if missing.any():
            counts = pd.DataFrame({"iso3": recs.loc[missing, SIDES[side]].astype(str),
                                   "year": recs.loc[missing, "year"].astype(int)}).value_counts(sort=False)
            indicator = column.removeprefix(f"{side}_")
            records += [{"side": side, "iso3": iso3, "year": int(year), "indicator": indicator,
                         "recommendations": int(n)} for (iso3, year), n in sorted(counts.items())]
    return records


def _previous_gaps(recs):
    return list(recs.attrs.get("context_gaps", ()))
