"""Property-based tests (hypothesis) of the analysis functions on generated small data sets.

Any valid data set, however small (one State, one cycle, one response, States V-Dem does not cover, no
action category), must give the metrics, comparison tables and models a report shows: no exception but a
documented ``UprLabError``, rates within [0, 1], counts that add up. The data sets are canonical tables of
1-40 recommendations over a handful of real States (one of them, Andorra, without V-Dem context).
"""

import math
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frames import make_recs
from upr_lab.exceptions import UprLabError
from upr_lab.sources.context.load import context_table
from upr_lab.stats import dyads, metrics, models, recurrence
from upr_lab.stats import context_models
from upr_lab.stats.followup import compare, followthrough

STATES = ("NOR", "KEN", "BRA", "IND", "POL", "AND", "NGA")  # one of each group, Andorra has no V-Dem series
RECOMMENDERS = ("FRA", "KEN", "BRA", "JPN", "POL", "DEU", "")  # "" an observer (no ISO3)
TAGS = ("Civil society", "Women's rights", "Detention", "Human rights defenders")
TEXTS = ("Ratify the Convention against Torture.", "Strengthen the rights of women.",
         "Continue efforts to improve prison conditions.", "Ensure freedom of association for civil society.",
         "Accede to the Optional Protocol to the Convention against Torture.")

row = st.fixed_dictionaries({
    "sur_iso3": st.sampled_from(STATES),
    "recommender_iso3": st.sampled_from(RECOMMENDERS),
    "cycle": st.sampled_from((1, 2)),
    "response": st.sampled_from(("supported", "noted", "other")),
    "action_category": st.one_of(st.just(pd.NA), st.integers(1, 5)),
    "issues": st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
    "text": st.sampled_from(TEXTS),
})


@st.composite
def small_data(draw):
    """A canonical table of 1-40 recommendations, and a State under review in it."""
    rows = draw(st.lists(row, min_size=1, max_size=40))
    recs = make_recs(rows)
    return recs, draw(st.sampled_from(sorted(set(recs["sur_iso3"]))))


PROPERTIES = settings(max_examples=30, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def context():
    return context_table()


def _rates_within_unit(frame, columns):
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce").dropna()
        assert ((values >= 0) & (values <= 1)).all(), (column, values.tolist())


def _interval_holds(frame, rate, low="ci_low", high="ci_high"):
    known = frame.dropna(subset=[rate])
    assert (known[low] <= known[rate] + 1e-12).all() and (known[rate] <= known[high] + 1e-12).all()


def _quietly(function, *args, **kwargs):
    """Call an analysis function; a documented UprLabError is an answer, any other exception a failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return function(*args, **kwargs)
        except UprLabError as error:
            assert str(error) and "\n" not in str(error)
            return None


@given(data=small_data())
@PROPERTIES
def test_acceptance_rates_are_shares_and_counts_add_up(data):
    recs, country = data
    by_cycle = metrics.acceptance(recs[recs["sur_iso3"] == country], by="cycle")
    _rates_within_unit(by_cycle, ["acceptance_rate", "ci_low", "ci_high"])
    _interval_holds(by_cycle, "acceptance_rate")
    assert (by_cycle["n_supported"] + by_cycle["n_noted"] <= by_cycle["n_recommendations"]).all()
    assert by_cycle["n_recommendations"].sum() == (recs["sur_iso3"] == country).sum()
    headline = metrics.headline(recs, country)
    assert headline["n_recommendations"] == (recs["sur_iso3"] == country).sum()
    decided = recs[(recs["sur_iso3"] == country) & recs["response"].isin(["supported", "noted"])]
    if len(decided):
        assert headline["acceptance_rate"] == pytest.approx((decided["response"] == "supported").mean())
    else:
        assert headline["acceptance_rate"] is None or math.isnan(headline["acceptance_rate"])
    cycles = {str(c) for c in recs.loc[recs["sur_iso3"] == country, "cycle"]}
    assert set(map(str, headline["by_cycle"])) == cycles
    assert sum(entry["n"] for entry in headline["by_cycle"].values()) == headline["n_recommendations"]


@given(data=small_data())
@PROPERTIES
def test_regional_comparison_tables(data):
    recs, country = data
    comparison = _quietly(models.regional_comparison, recs, country)
    if comparison is not None:
        _rates_within_unit(comparison, ["group_rate", "country_rate"])
        assert comparison["difference"].dropna().between(-1, 1).all()
    ranking = metrics.group_ranking(recs, country)
    _rates_within_unit(ranking, ["acceptance_rate"])
    group = recs.loc[recs["sur_iso3"] == country, "sur_group"].iloc[0]
    assert set(ranking["sur_iso3"]) <= set(recs.loc[recs["sur_group"] == group, "sur_iso3"])
    summary = metrics.group_summary(recs, country)
    assert summary["group"] == group
    if summary["rank_in_group"] is not None:
        assert 1 <= summary["rank_in_group"] <= summary["n_in_group"]
    by_cycle = metrics.acceptance_vs_group(recs, country)
    _rates_within_unit(by_cycle, ["acceptance_rate", "ci_low", "ci_high", "group_acceptance_rate"])


@given(data=small_data())
@PROPERTIES
def test_models_never_raise_and_say_why_when_not_estimated(data):
    recs, country = data
    for result in (models.compliance_trend(recs, country=country), models.compliance_trend(recs),
                   models.outcome_model(recs), models.group_model(recs, None, recs["sur_group"].iloc[0])):
        estimated = result.params.notna().any()
        assert estimated or result.notes, result.title  # not estimated: the notes say why
        ratios = result.odds_ratios()
        assert (ratios["odds_ratio"].dropna() > 0).all()


@given(data=small_data())
@PROPERTIES
def test_context_measures_on_any_record(data, context):
    recs, country = data
    table = context_models.acceptance_by_quartile(recs, context)
    if len(table):
        _rates_within_unit(table, ["acceptance_rate", "ci_low", "ci_high"])
        assert table["quartile"].between(1, 4).all() and (table["n_supported"] <= table["n"]).all()
        assert table["n"].sum() <= recs["response"].isin(["supported", "noted"]).sum()
    else:
        assert metrics.why_not(table), "an empty quartile table must say why"
    for result in (context_models.quartile_model(recs, context), context_models.adjusted_model(recs, None, context),
                   context_models.state_vs_group(recs, context, country)):
        assert result.params.notna().any() or result.notes
    record = context_models.state_record(recs, context, country, table)
    assert len(record) == len(recs.loc[recs["sur_iso3"] == country, ["cycle", "year"]].drop_duplicates())
    quartiles = pd.to_numeric(record.get("civil_liberties_quartile", pd.Series(dtype=float)), errors="coerce")
    assert quartiles.dropna().between(1, 4).all()
    if not len(table):
        assert quartiles.isna().all(), "no quartile table, so no State can be placed in a quartile"


@given(data=small_data())
@PROPERTIES
def test_recommending_states_tables(data, context):
    recs, country = data
    by_group = dyads.by_recommending_group(recs, country)
    _rates_within_unit(by_group, ["acceptance_rate", "ci_low", "ci_high"])
    assert by_group["n"].sum() == (recs["sur_iso3"] == country).sum()
    by_state = dyads.by_recommending_state(recs, country)
    assert by_state["n"].sum() <= by_group["n"].sum()
    shares = dyads.group_shares(recs, country)
    _rates_within_unit(shares, ["share", "share_all_states"])
    for cycle, part in shares.groupby("cycle"):
        assert part["share"].sum() == pytest.approx(1) or part["share"].sum() == 0
    mix = dyads.category_mix_by_group(recs, country)
    assert (mix["n_categorised"] <= mix["n"]).all()
    _rates_within_unit(mix, [f"share_{c}" for c in range(1, 6)])
    anchor = dyads.action_category_by_recommender_group(recs)
    assert anchor["mean_action_category"].dropna().between(1, 5).all()
    top = dyads.top_recommenders(recs, country)
    assert len(top) <= 10
    model = _quietly(dyads.dyadic_model, recs, context)
    assert model is None or model.params.notna().any() or model.notes


@given(data=small_data())
@PROPERTIES
def test_follow_up_comparisons(data):
    recs, country = data
    follow = followthrough.follow_through(recs)
    for outcome in ("within_5y", "before_next_review"):
        table = compare.ratification_vs_all(follow, country, outcome)
        _rates_within_unit(table, ["share", "ci_low", "ci_high"])
        assert (table["k"] <= table["n"]).all()
    if recurrence.why_not_matched(recs):
        assert not ({1, 2} <= set(recs["cycle"]))
        with pytest.raises(UprLabError):
            recurrence.match(recs)
        return
    found = recurrence.match(recs)
    table = compare.recurrence_vs_all(found, country)
    _rates_within_unit(table, ["share", "ci_low", "ci_high"])
    assert (table["k"] <= table["n"]).all()
    summary = found.metrics(country)["recurrence"]
    own = recs[recs["sur_iso3"] == country]
    compared = (own["cycle"] == 2).sum() if (own["cycle"] == 1).any() else 0  # a State in one cycle is not measured
    assert summary["n_cycle2"] == compared
    assert 0 <= summary["n_repeated"] <= summary["n_cycle2"]
