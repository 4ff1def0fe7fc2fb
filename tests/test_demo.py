"""The synthetic demo data set: shape, schema, determinism, and recovery of the planted effects."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from upr_lab.sources import schema
from upr_lab.sources.formats import synthetic
from upr_lab.sources.calendar import sessions_of
from upr_lab.sources.countries import member_states

GROUP_COLUMNS = {"Africa": "group_africa", "Asia-Pacific": "group_asia_pacific", "EEG": "group_eeg",
                 "GRULAC": "group_grulac", "WEOG": "group_weog"}
IMPLEMENTATION_FORMULA = ("implemented ~ cycle + log1p_stakeholder_submissions + nhri_submitted"
                          " + national_consultation + category_5")
ACCEPTANCE_FORMULA = ("supported ~ 0 + " + " + ".join(GROUP_COLUMNS.values())
                      + " + category_1 + category_2 + category_3 + category_5 + cycle"
                      " + log1p_stakeholder_submissions")


@pytest.fixture(scope="module")
def data():
    return synthetic.generate()


def model_frame(data):
    """Recommendations joined to participation, with plain float covariates for statsmodels."""
    joined = data.recommendations.merge(data.participation, on=["sur_iso3", "cycle"], validate="m:1")
    category = joined["action_category"].astype(int).to_numpy()
    frame = pd.DataFrame({
        "cycle": joined["cycle"].astype(float),
        "log1p_stakeholder_submissions": np.log1p(joined["stakeholder_submissions"].astype(float)),
        "nhri_submitted": joined["nhri_submitted"].astype(float),
        "national_consultation": joined["national_consultation"].astype(float),
        "response": joined["response"].to_numpy(dtype=object),
        "implementation": joined["implementation"].to_numpy(dtype=object),
        **{f"category_{c}": (category == c).astype(float) for c in (1, 2, 3, 5)},
        **{col: (joined["sur_group"] == g).to_numpy(dtype=float) for g, col in GROUP_COLUMNS.items()},
    })
    return frame


def fit_implementation(data):
    frame = model_frame(data)
    frame = frame[(frame["response"] == "supported") & (frame["cycle"] <= 3)].copy()
    frame["implemented"] = frame["implementation"].isin(["fully", "partially"]).astype(float)
    return smf.glm(IMPLEMENTATION_FORMULA, frame, family=sm.families.Binomial()).fit()


def fit_acceptance(data):
    frame = model_frame(data)
    frame = frame[frame["response"].isin(["supported", "noted"])].copy()
    frame["supported"] = (frame["response"] == "supported").astype(float)
    return smf.glm(ACCEPTANCE_FORMULA, frame, family=sm.families.Binomial()).fit()


def implementation_truth():
    truth = dict(synthetic.TRUE_EFFECTS["implementation"])
    truth["Intercept"] = truth.pop("intercept")
    return truth


def acceptance_truth():
    effects = synthetic.TRUE_EFFECTS["acceptance"]
    truth = {GROUP_COLUMNS[g]: v for g, v in effects["intercept"].items()}
    truth.update({f"category_{c}": v for c, v in effects["action_category"].items() if c != 4})
    truth.update(cycle=effects["cycle"],
                 log1p_stakeholder_submissions=effects["log1p_stakeholder_submissions"])
    return truth


def uncovered(result, truth):
    """The coefficients whose 95% CI misses the true value, with estimate and interval."""
    ci = result.conf_int()
    return {name: (round(result.params[name], 3), tuple(ci.loc[name].round(3)), value)
            for name, value in truth.items() if not ci.loc[name, 0] <= value <= ci.loc[name, 1]}


# -- schema and shape ---------------------------------------------------------------------------

def test_tables_are_valid_canonical_tables(data):
    schema.validate(data.recommendations, schema.RECOMMENDATIONS, "synthetic")
    schema.validate(data.participation, schema.PARTICIPATION, "synthetic")
    assert list(data.recommendations.columns) == schema.RECOMMENDATION_COLUMNS
    assert list(data.participation.columns) == schema.PARTICIPATION_COLUMNS
    for frame in (data.recommendations, data.participation):
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0


def test_recommendation_columns_have_the_canonical_dtypes(data):
    recs = data.recommendations
    assert str(recs["action_category"].dtype) == "Int64"
    assert recs[["cycle", "session", "year"]].dtypes.eq("int64").all()
    assert all(isinstance(v, tuple) and 1 <= len(v) <= 2 and all(isinstance(t, str) for t in v)
               for v in recs["issues"])
    assert recs["rec_id"].str.fullmatch(r"DEMO-c[1-4]-[A-Z]{3}-\d{5}").all()
    assert recs["text"].str.startswith("[synthetic] ").all()


def test_rows_are_sorted_by_cycle_session_state_and_id(data):
    keys = ["cycle", "session", "sur_iso3", "rec_id"]
    expected = data.recommendations.sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(data.recommendations, expected)


def test_participation_has_every_member_state_in_every_cycle(data):
    part = data.participation
    assert len(part) == 193 * 4
    iso3 = {s.iso3 for s in member_states()}
    for cycle in (1, 2, 3, 4):
        assert set(part.loc[part["cycle"] == cycle, "sur_iso3"]) == iso3
    assert (part["joint_submissions"] <= part["stakeholder_submissions"]).all()
    assert part["stakeholder_submissions"].between(0, 80).all()


def test_every_member_state_is_reviewed_once_in_every_cycle(data):
    recs = data.recommendations
    iso3 = {s.iso3 for s in member_states()}
    reviews = recs.groupby(["cycle", "sur_iso3"])["session"].agg(["nunique", "first"]).reset_index()
    assert (reviews["nunique"] == 1).all()
    for cycle, sessions in reviews.groupby("cycle"):
        assert set(sessions["sur_iso3"]) == iso3
        assert set(sessions["first"]) == set(sessions_of(cycle))  # every session of the cycle is used


def test_names_and_groups_match_the_member_states(data):
    recs = data.recommendations
    states = {s.iso3: s for s in member_states()}
    for prefix in ("sur", "recommender"):
        pairs = recs[[f"{prefix}_iso3", f"{prefix}_name", f"{prefix}_group"]].drop_duplicates()
        assert all((states[i].name, states[i].group) == (n, g) for i, n, g in pairs.itertuples(index=False))
    assert (recs["recommender_iso3"] != recs["sur_iso3"]).all()


def test_review_sizes_grow_over_cycles_and_stay_bounded(data):
    sizes = data.recommendations.groupby(["cycle", "sur_iso3"]).size()
    assert sizes.loc[1].between(25, 60).all() and sizes.loc[4].between(120, 250).all()
    assert sizes.groupby(level="cycle").mean().is_monotonic_increasing
    assert len(data.recommendations) < 100_000


def test_categories_responses_and_recommenders_have_a_realistic_mix(data):
    recs = data.recommendations
    shares = recs["action_category"].value_counts(normalize=True).sort_index().to_numpy(dtype=float)
    assert np.allclose(shares, synthetic.CATEGORY_SHARES, atol=0.01)
    assert 0.005 < (recs["response"] == "other").mean() < 0.02
    assert recs["recommender_group"].value_counts().index[0] == "WEOG"


def test_implementation_only_for_supported_recommendations_of_assessed_cycles(data):
    recs = data.recommendations
    assessed = (recs["response"] == "supported") & (recs["cycle"] <= 3)
    assert recs.loc[assessed, "implementation"].isin(["fully", "partially", "not"]).all()
    assert (recs.loc[~assessed, "implementation"] == "").all()
    implemented = recs.loc[assessed & (recs["implementation"] != "not"), "implementation"]
    assert abs((implemented == "fully").mean() - 0.4) < 0.02


# -- determinism --------------------------------------------------------------------------------

def test_same_seed_gives_identical_tables(data):
    again = synthetic.generate()
    pd.testing.assert_frame_equal(data.recommendations, again.recommendations)
    pd.testing.assert_frame_equal(data.participation, again.participation)


def test_different_seed_gives_different_data(data):
    other = synthetic.generate(synthetic.DEFAULT_SEED + 1)
    assert not data.participation.equals(other.participation)
    assert not data.recommendations.equals(other.recommendations)
    head = slice(0, 1000)
    assert (data.recommendations["recommender_iso3"].iloc[head].to_numpy()
            != other.recommendations["recommender_iso3"].iloc[head].to_numpy()).any()


def test_true_effects_are_exposed_but_not_shared(data):
    assert data.true_effects == synthetic.TRUE_EFFECTS
    data.true_effects["implementation"]["cycle"] = 99
    assert synthetic.TRUE_EFFECTS["implementation"]["cycle"] == 0.25
    data.true_effects["implementation"]["cycle"] = 0.25


def test_implementation_glm_covers_every_planted_coefficient(data):
    result = fit_implementation(data)
    assert uncovered(result, implementation_truth()) == {}


def test_acceptance_glm_recovers_the_planted_effects(data):
    result = fit_acceptance(data)
    assert result.params["category_5"] < 0
    assert uncovered(result, acceptance_truth()) == {}
    groups = result.params[list(GROUP_COLUMNS.values())]
    assert groups.idxmax() == "group_weog"


def test_confidence_intervals_cover_near_the_nominal_rate_across_seeds():
    covered = []
    for seed in range(1, 9):
        generated = synthetic.generate(seed)
        for result, truth in ((fit_implementation(generated), implementation_truth()),
                              (fit_acceptance(generated), acceptance_truth())):
            misses = uncovered(result, truth)
            covered += [name not in misses for name in truth]
    assert np.mean(covered) >= 0.88
