"""Ratification follow-through: dated requests, their status and windows, shares, curves, the Cox model."""

import math

import numpy as np
import pandas as pd
import pytest
from frames import make_recs

from upr_lab.review import published
from upr_lab.sources import calendar
from upr_lab.sources.treaties import treaty_status
from upr_lab.stats.followup import compare as followup
from upr_lab.stats.followup import survival
from upr_lab.stats.followup.followthrough import follow_through

RATIFY_CAT_OP = "Ratify the Optional Protocol to the Convention against Torture"


def treaties(rows):
    """A treaty table in the layout of ``treaty_status`` (iso3, instrument, ratification date or None)."""
    frame = pd.DataFrame([{"iso3": iso3, "name": iso3, "instrument": code, "signature": pd.NaT,
                           "ratification": pd.Timestamp(day) if day else pd.NaT, "how": ""}
                          for iso3, code, day in rows])
    return frame.astype({"signature": "datetime64[ns]", "ratification": "datetime64[ns]"})


TABLE_DATE = "2015-06-30"  # the as-of date of the small tables: the latest date in them


def small_table(**ratified):
    rows = [("XXX", "CRC", TABLE_DATE)]
    return treaties(rows + [(iso3, "CAT-OP", day) for iso3, day in ratified.items()])


def test_status_and_windows_follow_the_dates():
    recs = make_recs([{"sur_iso3": "NOR", "session": 1, "text": RATIFY_CAT_OP},  # review 7 Apr 2008
                      {"sur_iso3": "KEN", "session": 1, "text": RATIFY_CAT_OP},
                      {"sur_iso3": "BRA", "session": 1, "text": RATIFY_CAT_OP, "response": "noted"},
                      {"sur_iso3": "IND", "session": 1, "text": "Ratify OP-CAT"}])
    table = small_table(NOR="2007-01-01", KEN="2011-01-01", BRA="2014-01-01", IND=None)
    rows = follow_through(recs, table).requests.set_index("sur_iso3")
    assert rows.loc["NOR", "status"] == "before_review" and pd.isna(rows.loc["NOR", "within_5y"])
    assert rows.loc["KEN", "status"] == "after_review" and rows.loc["KEN", "within_5y"]
    assert rows.loc["KEN", "years"] == pytest.approx((pd.Timestamp("2011-01-01") - pd.Timestamp("2008-04-07")).days / 365.25)
    assert not rows.loc["KEN", "by_mid_term"]  # 2.7 years
    assert rows.loc["BRA", "status"] == "after_review" and not rows.loc["BRA", "within_5y"]
    assert rows.loc["IND", "status"] == "not_ratified" and not rows.loc["IND", "within_5y"]  # 5 years passed by 2015
    assert rows.loc["IND", "years"] == pytest.approx((pd.Timestamp(TABLE_DATE) - pd.Timestamp("2008-04-07")).days / 365.25)


def test_a_window_still_open_at_the_table_date_is_unknown_not_false():
    recs = make_recs([{"sur_iso3": "IND", "cycle": 2, "session": 13, "text": RATIFY_CAT_OP}])  # May 2012
    rows = follow_through(recs, small_table(IND=None)).requests
    assert rows["status"].tolist() == ["not_ratified"]
    assert pd.isna(rows["within_5y"].iloc[0]) and not rows["by_mid_term"].iloc[0]


def test_the_next_review_comes_from_the_data_else_the_calendar():
    recs = make_recs([{"sur_iso3": "KEN", "session": 1, "text": RATIFY_CAT_OP},
                      {"sur_iso3": "KEN", "cycle": 2, "session": 14, "text": "Promote gender equality"},
                      {"sur_iso3": "BRA", "cycle": 2, "session": 13, "text": RATIFY_CAT_OP}])
    table = small_table(KEN="2012-11-10", BRA=None)
    rows = follow_through(recs, table).requests.set_index("sur_iso3")
    assert rows.loc["KEN", "next_review_date"] == pd.Timestamp(calendar.session_dates(14)[0])
    assert not rows.loc["KEN", "before_next_review"]  # ratified after session 14 began
    assert rows.loc["BRA", "next_review_date"] == pd.Timestamp(calendar.session_dates(27)[0])  # 2017: not known yet
    assert pd.isna(rows.loc["BRA", "before_next_review"])


def test_requests_that_cannot_be_followed_are_counted_with_their_reason():
    recs = make_recs([{"sur_iso3": "NOR", "session": 1, "text": RATIFY_CAT_OP},
                      {"sur_iso3": "KEN", "cycle": 2, "session": 25, "text": RATIFY_CAT_OP}])  # May 2016
    follow = follow_through(recs, small_table(KEN=None))
    assert follow.requests.empty
    assert dict(zip(follow.left_out["sur_iso3"], follow.left_out["reason"])) == {
        "NOR": "State not in the treaty status table", "KEN": "review after the treaty table's date"}


def test_metrics_entries_count_recommendations_and_share_within_5_years():
    recs = make_recs([{"sur_iso3": "KEN", "session": 1, "text": RATIFY_CAT_OP},
                      {"sur_iso3": "KEN", "session": 1, "text": "Consider ratifying OP-CAT", "response": "noted"},
                      {"sur_iso3": "NOR", "session": 1, "text": RATIFY_CAT_OP},
                      {"sur_iso3": "IND", "session": 1, "text": RATIFY_CAT_OP}])
    follow = follow_through(recs, small_table(KEN="2010-01-01", NOR="2001-01-01", IND=None))
    entry = follow.metrics("KEN")
    assert entry["ratification"] == {"CAT-OP": {"n_recommendations": 2, "supported": 1, "noted": 1,
                                                "ratified_before_review": 0, "ratified_after": 2,
                                                "ratified_within_5y": 2}}
    assert follow.metrics("NOR")["ratification"]["CAT-OP"]["ratified_before_review"] == 1
    # all States: over the requests made while not yet ratified (NOR's left out): KEN and IND supported, KEN noted
    assert entry["ratification_all_states"] == {"CAT-OP": {"noted": {"n": 1, "within_5y": 1.0},
                                                           "supported": {"n": 2, "within_5y": 0.5}}}
    reviews = followup.ratification_reviews(follow, "KEN")
    assert reviews[["requests", "supported", "noted", "considered", "ratified"]].values.tolist() == [
        [2, 1, 1, 1, "01 Jan 2010"]]
    assert reviews["when"].iloc[0] == "1.7 years after the review"


def test_kaplan_meier_steps_at_each_ratification():
    recs = make_recs([{"sur_iso3": iso3, "session": 1, "text": RATIFY_CAT_OP} for iso3 in ("KEN", "BRA", "IND", "NOR")])
    follow = follow_through(recs, small_table(KEN="2009-04-07", BRA="2011-04-07", IND=None, NOR=None))
    curve = survival.kaplan_meier(follow, groups=("supported",))
    assert curve["not_ratified"].round(6).tolist() == [1.0, 0.75, 0.5, 0.5]  # two events, then censored at the end
    assert (curve["ci_low"] <= curve["not_ratified"]).all() and (curve["not_ratified"] <= curve["ci_high"]).all()
    assert math.isnan(survival.log_rank(follow)[0])  # one group only


def test_a_model_without_enough_ratifications_says_why():
    recs = make_recs([{"sur_iso3": "KEN", "session": 1, "text": RATIFY_CAT_OP}])
    result = survival.ratification_model(follow_through(recs, small_table(KEN="2009-01-01")))
    assert result.params.isna().all() and "not estimated" in result.notes[0]
    assert "hazard ratio" in result._repr_html_()


@pytest.fixture(scope="module")
def embedded_follow(pooled_on_embedded):
    return pooled_on_embedded(follow_through)  # computed once per test run, shared with test_nmirf.py


def test_embedded_statuses_agree_with_the_treaty_table_read_directly(embedded_follow):
    table = treaty_status().set_index(["iso3", "instrument"])["ratification"]
    sample = embedded_follow.requests.sample(300, random_state=7)
    for row in sample.itertuples():
        ratified = table.get((row.sur_iso3, row.instrument), pd.NaT)
        start = pd.Timestamp(calendar.session_dates(row.session)[0])
        expected = ("not_ratified" if pd.isna(ratified) else "before_review" if ratified < start else "after_review")
        assert row.status == expected, row


def test_embedded_supported_requests_are_ratified_faster(embedded_follow):
    result = survival.ratification_model(embedded_follow)
    noted = result.effect("noted")
    assert noted["hr_ci_high"] < 1 and result.n_clusters > 150 and result.cov_type.startswith("cluster")
    chi2, p_value = survival.log_rank(embedded_follow)
    assert chi2 > 0 and p_value < 0.001
    assert embedded_follow.left_out.empty  # every embedded review falls before the table's date


def test_direction_holds_for_the_most_recommended_instruments(embedded_follow):
    table = published.ratification_direction(embedded_follow)
    assert table["instrument"].tolist() == ["CAT-OP", "CED", "CCPR-OP2-DP"] and table["supported_higher"].all()
    published.check_ratification_direction(table)
    flipped = table.assign(supported_higher=[True, False, True])
    with pytest.raises(published.PublishedFigureMismatch, match="CED"):
        published.check_ratification_direction(flipped)


def test_beyond_promises_note_says_the_direction(embedded_follow):
    mid_term = embedded_follow.shares(outcome="by_mid_term")
    assert "The direction is the same" in published.beyond_promises_note(mid_term)
    reversed_shares = mid_term.assign(share=mid_term["share"].to_numpy()[::-1])
    assert "NOT the same" in published.beyond_promises_note(reversed_shares)


def test_state_beside_all_states(embedded_follow):
    table = followup.ratification_vs_all(embedded_follow, "NOR")
    assert table["who"].tolist() == ["this State", "all States"] * 2
    open_requests = embedded_follow.open_requests
    nor_supported = open_requests[(open_requests["sur_iso3"] == "NOR") & (open_requests["response"] == "supported")]
    assert table["n"].iloc[0] == nor_supported["within_5y"].notna().sum()
    assert table["k"].iloc[0] == int(nor_supported["within_5y"].fillna(False).sum())
    supported = open_requests[open_requests["response"] == "supported"]["within_5y"].dropna()
    assert np.isclose(table["share"].iloc[1], supported.astype(float).mean())


def test_recurrence_beside_all_states_and_the_examples_shown():
    from upr_lab.stats import recurrence

    recs = make_recs([{"sur_iso3": "KEN", "text": "Abolish the death penalty for all crimes", "response": "noted"},
                      {"sur_iso3": "KEN", "cycle": 2, "session": 14, "text": "Abolish the death penalty for all crimes"},
                      {"sur_iso3": "KEN", "cycle": 2, "session": 14, "text": "Build schools in rural districts"},
                      {"sur_iso3": "BRA", "text": "Improve prison conditions"},
                      {"sur_iso3": "BRA", "cycle": 2, "session": 13, "text": "Protect indigenous land rights"}])
    found = recurrence.match(recs)
    table = followup.recurrence_vs_all(found, "KEN").set_index(["measure", "who"])
    assert table.loc[("cycle-2 recommendations repeating a cycle-1 one", "this State"), ["n", "k"]].tolist() == [2, 1]
    assert table.loc[("cycle-2 recommendations repeating a cycle-1 one", "all States"), ["n", "k"]].tolist() == [3, 1]
    assert table.loc[("cycle-1 recommendations noted, made again", "this State"), "share"] == 1.0
    assert ("cycle-1 recommendations supported, made again", "this State") not in table.index, \
        "KEN had no supported cycle-1 recommendation: no empty row for it"
    assert ("cycle-1 recommendations supported, made again", "all States") in table.index
    examples = followup.repeated_examples(found, "KEN")
    assert examples["earlier recommendation"].tolist() == ["Abolish the death penalty for all crimes"]
    assert examples["cycle"].tolist() == [2]
    assert examples["first response"].tolist() == ["noted"]
    slim = recurrence.match(recs, texts=False)  # as a batch pools it: the texts come from the State's rows
    assert "text" not in slim.repeats and "matched_text" not in slim.repeats
    pd.testing.assert_frame_equal(followup.recurrence_vs_all(slim, "KEN"), followup.recurrence_vs_all(found, "KEN"))
    pd.testing.assert_frame_equal(followup.repeated_examples(slim, "KEN", recs=recs[recs["sur_iso3"] == "KEN"]),
                                  examples)
    with pytest.raises(ValueError, match="pass the State's recommendations as recs"):
        followup.repeated_examples(slim, "KEN")


def test_follow_up_figures_are_drawn_or_refused(embedded_follow):
    from upr_lab.reports import followup_plots

    table = followup.ratification_vs_all(embedded_follow, "NOR")
    assert followup_plots.state_vs_all(table, "t", "share", False) is not None
    assert followup_plots.state_vs_all(table[table["who"] == "all States"], "t", "share", False) is None
    curves = survival.kaplan_meier(embedded_follow)
    assert followup_plots.kaplan_meier(curves, "t", False, embedded_follow.as_of) is not None
    assert followup_plots.kaplan_meier(curves.iloc[:0], "t", False) is None
