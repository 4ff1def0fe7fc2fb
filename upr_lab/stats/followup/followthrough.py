"""Ratification follow-through: did a State ratify the instrument a recommendation asked it to ratify?

``follow_through(recs)`` joins every request the detector finds (``ratification.detect``: one row per
recommendation and instrument) with the treaty status table (``treaty_status``) and the UPR calendar:

* **time zero** is the first day of the review's Working Group session (the exports give the session,
  not the day of the State's review, which falls within the session's two weeks);
* **status**: ``before_review`` (the State was already a party: a finding about the recommending State or
  the data, shown, never counted as follow-through), ``after_review`` (ratified, acceded or succeeded on
  or after time zero, up to the table's date), ``not_ratified`` (not a party at the table's date);
* ``years``: from the review to ratification, or to the table's date when not ratified (censored);
* ``within_5y``, ``by_mid_term`` (2.5 years, half a cycle) and ``before_next_review`` are true, false,
  or unknown (NA) when the window had not closed by the table's date, or the next review is not known.
  The next review is the State's next review in ``recs``, else 14 sessions later from cycle 2 on. For a
  request to a State already a party they are NA: there was nothing to follow.

Requests that cannot be followed are counted and left out, with the reason (``FollowThrough.left_out``):
reviews after the treaty table's date, States the table does not hold, sessions without known dates.

``FollowThrough.shares(by)`` gives the shares ratified within 5 years and before the next review per
response, action category, group, instrument (Wilson intervals); ``survival`` (beside this module)
gives Kaplan-Meier curves and the Cox model.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from upr_lab.sources import calendar
from upr_lab.sources.treaties import treaty_status

from ..metrics import not_computable, rate_with_ci
from ..ratification import detect

DAYS_PER_YEAR = 365.25
WINDOWS = {"by_mid_term": 2.5, "within_5y": 5.0}  # years after the review
STATUSES = ("before_review", "after_review", "not_ratified")
COLUMNS = ["rec_id", "sur_iso3", "sur_group", "recommender_iso3", "cycle", "session", "instrument", "considered",
           "response", "action_category", "review_date", "next_review_date", "ratified", "status", "years",
           "ratified_after", "by_mid_term", "within_5y", "before_next_review"]


def as_of(treaties=None):
    """The date of the treaty status table: its latest signature or ratification date."""
    treaties = treaty_status() if treaties is None else treaties
    return max(treaties["ratification"].max(), treaties["signature"].max())


def _start(session):
    dates = None if pd.isna(session) else calendar.session_dates(int(session))
    return pd.Timestamp(dates[0]) if dates else pd.NaT


def session_starts(sessions):
    """The first day of each session in ``sessions`` (NaT where the session is NA or has no known dates)."""
    starts = {s: _start(s) for s in pd.unique(pd.Series(sessions, dtype="Int64"))}
    return pd.Series([starts[s] for s in pd.Series(sessions, dtype="Int64")], dtype="datetime64[ns]")


def _next_sessions(recs):
    """Per (State, cycle): the session of the State's next review, from ``recs`` or the calendar."""
    reviews = recs.groupby(["sur_iso3", "cycle"], sort=True)["session"].min().reset_index()
    following = reviews.groupby("sur_iso3")["session"].shift(-1).astype("Int64")
    scheduled = reviews["session"].map(calendar.next_session).astype("Int64")
    reviews["next_session"] = following.fillna(scheduled)
    return reviews.set_index(["sur_iso3", "cycle"])["next_session"]


def _requests(recs):
    """Requests joined to their recommendation's State, session, response and action category."""
    found = detect(recs)
    info = recs.set_index("rec_id")[["sur_iso3", "sur_group", "recommender_iso3", "cycle", "session", "response",
                                     "action_category"]]
    return found.join(info, on="rec_id").reset_index(drop=True)


def _dated(requests, recs, treaties):
    """Review dates, next review dates and the ratification date of each request's instrument."""
    following = _next_sessions(recs)
    keys = pd.MultiIndex.from_frame(requests[["sur_iso3", "cycle"]])
    next_session = pd.Series(following.reindex(keys).to_numpy(), index=requests.index)
    ratified = treaties.set_index(["iso3", "instrument"])["ratification"]
    return requests.assign(review_date=session_starts(requests["session"]).to_numpy(),
                           next_review_date=session_starts(next_session).to_numpy(),
                           ratified=ratified.reindex(pd.MultiIndex.from_frame(requests[["sur_iso3", "instrument"]]))
                           .to_numpy())


def _window(frame, end, ratified_after, cutoff):
    """True when ratified after the review and by ``end``; False when not and ``end`` has passed; NA else."""
    within = ratified_after & (frame["ratified"] <= end)
    known = within | (end <= cutoff)
    return pd.Series(within, dtype="boolean").where(known.fillna(False).to_numpy(), pd.NA)


def _outcomes(frame, cutoff):
    before = frame["ratified"] < frame["review_date"]
    after = frame["ratified"] >= frame["review_date"]
    status = np.select([before, after], ["before_review", "after_review"], "not_ratified")
    end = frame["ratified"].where(after, cutoff)
    columns = {"status": status, "years": (end - frame["review_date"]).dt.days / DAYS_PER_YEAR,
               "ratified_after": after}
    for name, years in WINDOWS.items():
        columns[name] = _window(frame, frame["review_date"] + pd.Timedelta(days=years * DAYS_PER_YEAR), after, cutoff)
    columns["before_next_review"] = _window(frame, frame["next_review_date"], after, cutoff)
    for name in (*WINDOWS, "before_next_review"):  # already a party: nothing to follow
        columns[name] = columns[name].mask(before.to_numpy(), pd.NA)
    return frame.assign(**columns)


def _left_out(frame, treaties, cutoff):
    """Requests that cannot be followed, with the reason."""
    reasons = pd.Series("", index=frame.index)
    reasons[~frame["sur_iso3"].isin(set(treaties["iso3"]))] = "State not in the treaty status table"
    reasons[frame["review_date"].isna() & (reasons == "")] = "session without known dates"
    reasons[(frame["review_date"] > cutoff) & (reasons == "")] = "review after the treaty table's date"
    return reasons


def follow_through(recs, treaties=None):
    """``FollowThrough`` of every request to ratify a core instrument in ``recs``."""
    treaties = treaty_status() if treaties is None else treaties
    cutoff = as_of(treaties)
    frame = _dated(_requests(recs), recs, treaties)
    reasons = _left_out(frame, treaties, cutoff)
    kept = _outcomes(frame[reasons == ""], cutoff)[COLUMNS].reset_index(drop=True)
    left_out = frame[reasons != ""].assign(reason=reasons[reasons != ""])
    return FollowThrough(kept, left_out[["rec_id", "sur_iso3", "session", "instrument", "reason"]]
                         .reset_index(drop=True), cutoff)


def known_share(values, alpha=0.05):
    """``n`` (known), ``k`` (true), share and Wilson interval of a boolean column with NA for unknown."""
    known = values.dropna().astype(bool)
    rate = rate_with_ci(int(known.sum()), len(known), alpha)
    return {"n": rate["n"], "k": rate["k"], "share": rate["rate"], "ci_low": rate["ci_low"], "ci_high": rate["ci_high"]}


@dataclass(frozen=True)
class FollowThrough:
    """Requests to ratify and what followed (``requests``: one row per recommendation and instrument,
    ``COLUMNS``), those left out (``left_out``, with ``reason``) and the treaty table's date (``as_of``)."""

    requests: pd.DataFrame
    left_out: pd.DataFrame
    as_of: pd.Timestamp

    @property
    def open_requests(self):
        """Requests for an instrument the State was not yet party to at the review."""
        return self.requests[self.requests["status"] != "before_review"]

    def shares(self, by=("response",), outcome="within_5y", country=None, alpha=0.05):
        """Per group of ``by``: ``n`` requests whose outcome is known, ``k`` ratified, ``share`` with its
        Wilson interval, for ``outcome`` (``within_5y``, ``by_mid_term``, ``before_next_review``,
        ``ratified_after``), over open requests (of ``country`` only, when given)."""
        rows = self.open_requests if country is None else self.open_requests.query("sur_iso3 == @country")
        rows = rows.assign(action_category=rows["action_category"].astype("Int64"))
        groups = rows.groupby(list(by), sort=True, dropna=False)[outcome]
        table = pd.DataFrame([{**dict(zip(by, key if isinstance(key, tuple) else (key,))), **known_share(values, alpha)}
                              for key, values in groups])
        if len(table):
            return table
        asked = "to this State asked it" if country is not None else "in these data asked a State"
        return not_computable(pd.DataFrame(columns=[*by, "n", "k", "share", "ci_low", "ci_high"]),
                              f"No recommendation {asked} to ratify a core instrument it was not yet party to "
                              "(with the outcome known), so no share ratified can be computed.")

    def per_instrument(self, country):
        """The ``metrics.json`` entry ``ratification`` of ``country``: per instrument, counts of
        recommendations, supported, noted, already ratified at the review, ratified after, within 5 years."""
        rows = self.requests[self.requests["sur_iso3"] == country]
        return {code: {"n_recommendations": int(rows_i["rec_id"].nunique()),
                       "supported": int(rows_i.loc[rows_i["response"] == "supported", "rec_id"].nunique()),
                       "noted": int(rows_i.loc[rows_i["response"] == "noted", "rec_id"].nunique()),
                       "ratified_before_review": int((rows_i["status"] == "before_review").sum()),
                       "ratified_after": int(rows_i["ratified_after"].sum()),
                       "ratified_within_5y": int(rows_i["within_5y"].fillna(False).sum())}
                for code, rows_i in rows.groupby("instrument", sort=True)}

    def all_states(self):
        """The ``metrics.json`` entry ``ratification_all_states``: per instrument, over requests made while
        it was not yet ratified, ``{"supported": {"n", "within_5y"}, "noted": {...}}`` with ``n`` the
        requests whose 5-year window is known and ``within_5y`` the share ratified within it."""
        table = self.shares(by=("instrument", "response"))
        entry = {}
        for row in table[table["response"].isin(["supported", "noted"])].itertuples():
            entry.setdefault(row.instrument, {})[row.response] = {"n": int(row.n), "within_5y": row.share}
        return entry

    def metrics(self, country):
        """``{"ratification": ..., "ratification_all_states": ...}`` for ``metrics.json``."""
        return {"ratification": self.per_instrument(country), "ratification_all_states": self.all_states()}
