"""Models on simulated data with known coefficients, their caveats, and the regional comparison."""

import json
import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from upr_lab import models
from upr_lab.sources.countries import states
from upr_lab.exceptions import DataError, ParameterError

try:
    from .frames import make_participation, make_recs, repeat
except ImportError:
    from frames import make_participation, make_recs, repeat

# 40 States under review, eight from each regional group.
STATES = ["DZA", "AGO", "BEN", "BWA", "KEN", "NGA", "GHA", "ZAF",
          "IND", "CHN", "JPN", "THA", "IDN", "PAK", "VNM", "NPL",
          "POL", "HUN", "UKR", "RUS", "CZE", "ROU", "BGR", "SRB",
          "BRA", "ARG", "MEX", "PER", "CHL", "COL", "URY", "ECU",
          "NOR", "SWE", "FRA", "DEU", "CAN", "AUS", "NLD", "ESP"]


def expit(x):
    return 1 / (1 + np.exp(-x))


def simulate_trend(seed=7, per_review=25, intercept=0.2, slope=0.4, state_sd=0.0):
    """Responses over four cycles with logit P(supported) = intercept + slope * (cycle - 1) + u_state."""
    rng = np.random.default_rng(seed)
    rows = []
    for iso3 in STATES:
        u, v = rng.normal(0, state_sd), rng.normal(0, state_sd / 2)
        for cycle in (1, 2, 3, 4):
            p = expit(intercept + (slope + v) * (cycle - 1) + u)
            for hit in rng.random(per_review) < p:
                rows.append({"sur_iso3": iso3, "cycle": cycle,
                             "response": "supported" if hit else "noted"})
    return make_recs(rows)


def simulate_participation(seed=11, per_review=30):
    """Implementation with known effects of participation; returns (recs, participation, truth)."""
    truth = {"log1p_stakeholder_submissions": 0.5, "nhri_submitted": 0.6,
             "national_consultation": -0.4, "action_category[5]": -0.5}
    rng = np.random.default_rng(seed)
    recs, part = [], []
    for iso3 in STATES:
        for cycle in (1, 2, 3):
            subs, nhri, consult = int(rng.integers(0, 40)), bool(rng.random() < 0.5), bool(
                rng.random() < 0.5)
            part.append({"sur_iso3": iso3, "cycle": cycle, "stakeholder_submissions": subs,
                         "nhri_submitted": nhri, "national_consultation": consult})
            for _ in range(per_review):
                category = int(rng.integers(1, 6))
                eta = (-1.0 + 0.1 * (cycle - 1) + truth["log1p_stakeholder_submissions"] * np.log1p(subs)
                       + truth["nhri_submitted"] * nhri + truth["national_consultation"] * consult
                       + truth["action_category[5]"] * (category == 5))
                done = rng.random() < expit(eta)
                recs.append({"sur_iso3": iso3, "cycle": cycle, "action_category": category,
                             "implementation": rng.choice(["fully", "partially"]) if done else "not"})
    return make_recs(recs), make_participation(part), truth


@pytest.fixture(scope="module")
def trend_recs():
    return simulate_trend()


def covers(result, term, value):
    low, high = result.conf_int().loc[term]
    return low <= value <= high


def test_pooled_trend_recovers_the_coefficient(trend_recs):
    result = models.compliance_trend(trend_recs)
    assert result.nobs == len(trend_recs) == 4000 and result.n_clusters == 40
    assert result.cov_type == "cluster" and result.headline_term == "cycle"
    assert covers(result, "cycle", 0.4) and covers(result, "Intercept", 0.2)
    assert result.notes == []
    assert result.effect()["odds_ratio"] == pytest.approx(math.exp(result.params["cycle"]))


def test_trend_matches_a_plain_statsmodels_fit(trend_recs):
    result = models.compliance_trend(trend_recs, cluster=False)
    frame = trend_recs.assign(y=trend_recs["response"].eq("supported").astype(float),
                              c=trend_recs["cycle"] - 1.0)
    direct = sm.GLM(frame["y"], sm.add_constant(frame[["c"]]), family=sm.families.Binomial()).fit()
    assert result.params["cycle"] == pytest.approx(direct.params["c"], rel=1e-8)
    assert result.bse["cycle"] == pytest.approx(direct.bse["c"], rel=1e-6)
    assert result.cov_type == "nonrobust"


def test_cluster_standard_errors_differ_from_naive_ones():
    recs = simulate_trend(seed=3, state_sd=1.5)
    clustered = models.compliance_trend(recs)
    naive = models.compliance_trend(recs, cluster=False)
    assert clustered.params["cycle"] == pytest.approx(naive.params["cycle"])
    assert clustered.bse["Intercept"] > 1.5 * naive.bse["Intercept"]
    assert clustered.bse["cycle"] > 1.2 * naive.bse["cycle"]


def test_trend_for_one_country_and_implemented_outcome():
    recs = make_recs(
        repeat(6, cycle=1, implementation="not") + repeat(4, cycle=1, implementation="fully")
        + repeat(4, cycle=2, implementation="not") + repeat(6, cycle=2, implementation="partially")
        + repeat(5, cycle=3, implementation="") + repeat(3, sur_iso3="KEN", cycle=1))
    result = models.compliance_trend(recs, country="NOR", outcome="implemented")
    assert result.nobs == 20 and result.n_clusters is None
    # log odds ratio between two cycles with 4/10 and 6/10: log(1.5) - log(4/6)
    assert result.params["cycle"] == pytest.approx(math.log(1.5) - math.log(4 / 6))
    assert result.odds_ratios().loc["cycle", "odds_ratio"] == pytest.approx(2.25)


def test_one_cycle_only_gives_a_note_not_an_error():
    recs = make_recs(repeat(8, cycle=2) + repeat(5, cycle=2, response="noted"))
    result = models.compliance_trend(recs, country="NOR")
    assert any("at least two cycles" in note for note in result.notes)
    assert result.params.isna().all() and result.effect()["odds_ratio"] is None


def test_no_variation_gives_a_note():
    recs = make_recs(repeat(10, cycle=1) + repeat(10, cycle=2))
    result = models.compliance_trend(recs, country="NOR")
    assert any("No variation" in note for note in result.notes)
    assert result.params.isna().all()


def test_too_few_observations_gives_a_note():
    recs = make_recs(repeat(2, cycle=1) + repeat(2, cycle=2, response="noted"))
    result = models.compliance_trend(recs, country="NOR")
    assert any("too few" in note for note in result.notes)


def test_adjusted_model_without_any_assessment_gives_a_note_not_an_error():
    recs = make_recs(repeat(10, cycle=1) + repeat(10, cycle=2, response="noted"))  # no implementation column values
    result = models.outcome_model(recs, outcome="implemented")
    assert any("Only 0 observations" in note for note in result.notes)
    assert result.effect()["odds_ratio"] is None


def test_perfect_separation_gives_a_note():
    recs = make_recs(repeat(10, cycle=1, response="noted") + repeat(10, cycle=2))
    result = models.compliance_trend(recs, country="NOR")
    assert any("Perfect separation" in note for note in result.notes)
    assert result.params.isna().all()


def test_unknown_outcome_is_a_parameter_error(trend_recs):
    with pytest.raises(ParameterError):
        models.compliance_trend(trend_recs, outcome="accepted")


def test_civil_society_effects_recover_the_planted_effects():
    recs, participation, truth = simulate_participation()
    result = models.civil_society_effects(recs, participation, outcome="implemented")
    assert result.nobs == len(recs) and result.n_clusters == len(STATES)
    assert result.headline_term == "log1p_stakeholder_submissions"
    for term, value in truth.items():
        assert covers(result, term, value), term
    assert "sur_group[WEOG]" in result.params and "action_category[4]" not in result.params


def test_civil_society_effects_note_reviews_without_participation():
    recs, participation, _ = simulate_participation()
    result = models.civil_society_effects(recs, participation[participation["cycle"] < 3])
    assert result.nobs == len(recs) * 2 // 3
    assert any("no participation record" in note for note in result.notes)


@pytest.mark.parametrize("participation", [None, "empty"])
def test_civil_society_effects_without_participation_data(trend_recs, participation):
    if participation == "empty":
        participation = make_participation([])
    result = models.civil_society_effects(trend_recs, participation)
    assert result.params.empty
    assert any("no civil society participation data" in note for note in result.notes)
    assert "no civil society participation data" in result._repr_html_()
    json.dumps(result.to_dict(), allow_nan=False)


def simulate_composition(seed=7, per_review=60):
    """Acceptance with conditional effects cycle +0.2, category 5 vs 4 -0.8 and WEOG +0.5, while
    the share of specific (category 5) recommendations grows from 20% in cycle 1 to 65% in cycle 4,
    so that the unadjusted trend understates the conditional one. Five rows have no category."""
    rng = np.random.default_rng(seed)
    groups = {iso3: states()[iso3].group for iso3 in STATES}
    rows = []
    for iso3 in STATES:
        for cycle in (1, 2, 3, 4):
            for specific in rng.random(per_review) < 0.05 + 0.15 * cycle:
                eta = 0.5 + 0.2 * (cycle - 1) - 0.8 * specific + 0.5 * (groups[iso3] == "WEOG")
                hit = rng.random() < expit(eta)
                rows.append({"sur_iso3": iso3, "cycle": cycle, "action_category": 5 if specific else 4,
                             "response": "supported" if hit else "noted"})
    rows += repeat(5, sur_iso3="NOR", cycle=2, action_category=None)
    return make_recs(rows)


def test_outcome_model_recovers_conditional_effects_the_unadjusted_trend_misses():
    recs = simulate_composition()
    result = models.outcome_model(recs)
    assert result.headline_term == "cycle" and result.n_clusters == len(STATES)
    assert result.cov_type == "cluster" and result.nobs == len(recs)
    for term, value in {"cycle": 0.2, "action_category[5]": -0.8, "sur_group[WEOG]": 0.5,
                        "sur_group[EEG]": 0.0}.items():
        assert covers(result, term, value), term
    assert "action_category[unknown]" in result.params and "sur_group[Africa]" not in result.params
    assert any("not adjusted for stakeholder submissions" in note for note in result.notes)
    unadjusted = models.compliance_trend(recs)
    assert unadjusted.conf_int().loc["cycle", "upper"] < 0.2  # composition drags the raw trend down


def test_outcome_model_with_participation_is_the_civil_society_model():
    recs, participation, truth = simulate_participation()
    adjusted = models.outcome_model(recs, participation, outcome="implemented")
    civil = models.civil_society_effects(recs, participation, outcome="implemented")
    pd.testing.assert_series_equal(adjusted.params, civil.params)
    pd.testing.assert_series_equal(adjusted.bse, civil.bse)
    assert covers(adjusted, "cycle", 0.1) and covers(adjusted, "nhri_submitted", truth["nhri_submitted"])
    assert adjusted.headline_term == "cycle" and civil.headline_term == "log1p_stakeholder_submissions"
    assert adjusted.notes == [] and models.outcome_model(recs, participation[:0]).notes


def test_group_differences_take_the_states_own_group_as_reference():
    recs = simulate_composition()
    against_africa = models.outcome_model(recs).params
    against_weog = models.group_differences(recs, None, "NOR")
    assert "sur_group[WEOG]" not in against_weog.params
    assert against_weog.headline_term == "sur_group[Africa]"
    assert against_weog.params["sur_group[Africa]"] == pytest.approx(-against_africa["sur_group[WEOG]"],
                                                                     abs=1e-6)
    assert against_weog.params["sur_group[GRULAC]"] == pytest.approx(
        against_africa["sur_group[GRULAC]"] - against_africa["sur_group[WEOG]"], abs=1e-6)
    table = models.group_terms(against_weog)
    assert table.index.tolist() == ["Africa", "Asia-Pacific", "EEG", "GRULAC"]
    assert table.loc["Africa", "odds_ratio"] == pytest.approx(math.exp(-against_africa["sur_group[WEOG]"]),
                                                              rel=1e-5)
    with pytest.raises(DataError):
        models.group_differences(recs, None, "FIN")


def test_results_object_api():
    result = models.EffectsResult("Model <A> & co", pd.Series({"Intercept": 0.1, "x": 0.5}),
                                  pd.Series({"Intercept": 0.2, "x": 0.25}),
                                  pd.Series({"Intercept": 0.6, "x": 0.04}), nobs=100,
                                  outcome="supported", notes=["beware <small> samples"],
                                  headline_term="x")
    z = NormalDist().inv_cdf(0.975)
    assert result.conf_int().loc["x"].tolist() == pytest.approx([0.5 - z * 0.25, 0.5 + z * 0.25])
    assert result.conf_int(0.1).loc["x", "lower"] == pytest.approx(0.5 - NormalDist().inv_cdf(0.95) * 0.25)
    ors = result.odds_ratios()
    assert list(ors.columns) == ["odds_ratio", "ci_low", "ci_high", "p_value"]
    assert ors.loc["x", "ci_high"] == pytest.approx(math.exp(0.5 + z * 0.25))
    assert result.summary().index.name == "term"
    page = result._repr_html_()
    assert "Model &lt;A&gt; &amp; co" in page and "beware &lt;small&gt; samples" in page
    assert "<A>" not in page
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["terms"]["x"]["odds_ratio"] == pytest.approx(math.exp(0.5))
    assert data["notes"] == ["beware <small> samples"] and data["nobs"] == 100
    assert "Model <A> & co" in repr(result)


# --- regional comparison -------------------------------------------------------------------------

def regional_recs():
    """NOR 8/10; WEOG peers SWE 8/10, DEU 3/10, FIN only 'other'; KEN 3/10; BRA 9/10; CHN 5/10."""
    def state(iso3, supported, noted, other=0):
        return (repeat(supported, sur_iso3=iso3) + repeat(noted, sur_iso3=iso3, response="noted")
                + repeat(other, sur_iso3=iso3, response="other"))
    return make_recs(state("NOR", 8, 2, 1) + state("SWE", 8, 2) + state("DEU", 3, 7)
                     + state("FIN", 0, 0, 2) + state("KEN", 3, 7) + state("BRA", 9, 1)
                     + state("CHN", 5, 5))


def z_test(k1, n1, k2, n2):
    p = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 2 * (1 - NormalDist().cdf(abs(z)))


def wilson(k, n):
    z = NormalDist().inv_cdf(0.975)
    centre, scale = (k / n + z * z / (2 * n)) / (1 + z * z / n), z / (1 + z * z / n)
    half = scale * math.sqrt(k / n * (1 - k / n) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def holm(pvalues):
    order = np.argsort(pvalues)
    adjusted, running = np.empty(len(pvalues)), 0.0
    for i, j in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - i) * pvalues[j]))
        adjusted[j] = running
    return adjusted


def test_regional_comparison_against_manual_computation():
    frame = models.regional_comparison(regional_recs(), "NOR")
    assert frame["group"].tolist() == ["WEOG", "Africa", "Asia-Pacific", "GRULAC"]
    assert frame["relation"].tolist() == ["own group"] + ["other group"] * 3
    weog = frame.iloc[0]
    assert (weog["n_states"], weog["n_decided"], weog["n_supported"]) == (3, 20, 11)
    assert weog["group_rate"] == pytest.approx(0.55) and weog["country_rate"] == pytest.approx(0.8)
    assert frame["difference"].tolist() == pytest.approx([0.25, 0.5, 0.3, -0.1])
    # Newcombe hybrid score interval from the two Wilson intervals
    (l1, u1), (l2, u2) = wilson(8, 10), wilson(11, 20)
    assert weog["ci_low"] == pytest.approx(0.25 - math.sqrt((0.8 - l1) ** 2 + (u2 - 0.55) ** 2))
    assert weog["ci_high"] == pytest.approx(0.25 + math.sqrt((u1 - 0.8) ** 2 + (0.55 - l2) ** 2))
    manual = [z_test(8, 10, 11, 20), z_test(8, 10, 3, 10), z_test(8, 10, 5, 10), z_test(8, 10, 9, 10)]
    assert frame["p_value"].tolist() == pytest.approx(manual)
    assert frame["p_holm"].tolist() == pytest.approx(holm(manual).tolist())


def test_regional_comparison_of_an_absent_state():
    with pytest.raises(DataError):
        models.regional_comparison(regional_recs(), "GHA")


def test_group_ranking_with_ties():
    frame = models.group_ranking(regional_recs(), "NOR")
    assert frame["sur_iso3"].tolist() == ["NOR", "SWE", "DEU", "FIN"]
    assert frame["rank"].tolist()[:3] == [1, 1, 3] and pd.isna(frame["rank"].iloc[3])
    assert frame["is_country"].tolist() == [True, False, False, False]
    assert models.group_ranking(regional_recs(), "DEU")["rank"].tolist()[:3] == [1, 1, 3]


def test_group_summary_for_metrics_json():
    summary = models.group_summary(regional_recs(), "SWE")
    assert summary == {"group": "WEOG", "group_acceptance_rate": 11 / 20, "rank_in_group": 1,
                       "n_in_group": 4}
    assert models.group_summary(regional_recs(), "FIN")["rank_in_group"] is None
    json.dumps(summary, allow_nan=False)


def test_civil_society_effects_for_a_single_state_drops_what_it_cannot_estimate():
    recs, participation, _ = simulate_participation()
    result = models.civil_society_effects(recs[recs["sur_iso3"] == "NOR"], participation)
    assert any("collinear" in note and "left out of the model" in note for note in result.notes)
    assert any("single State" in note for note in result.notes)
    assert result.cov_type == "nonrobust" and result.n_clusters == 1
    assert np.isfinite(result.params).all()
