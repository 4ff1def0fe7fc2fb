"""The recommending States' side (``upr_lab.dyads``): tables on hand-built recommendations, reciprocity at its
boundaries, the democracy gap against the V-Dem table, the anchor figures on the embedded data, the dyadic model,
planted effects recovered on synthetic data, and the fourth notebook end to end."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from frames import make_recs, repeat
from upr_lab import load
from upr_lab.exceptions import DataError, UnknownCountryError
from upr_lab.sources.context import vdem_indices
from upr_lab.sources.formats import synthetic
from upr_lab.stats import dyads, metrics, validation

# -- a State's recommenders -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def received():
    """Norway hears from France (3, cycle 1), Kenya (2, cycle 1), Germany (1, cycle 2), the Holy See (1, cycle 2)
    and an unnamed recommender (1, cycle 2); Kenya is reviewed too, by France."""
    return make_recs([
        {"recommender_iso3": "FRA", "response": "supported", "action_category": 5, "issues": ["Justice"]},
        {"recommender_iso3": "FRA", "response": "supported", "action_category": 4, "issues": ["Justice", "Migrants"]},
        {"recommender_iso3": "FRA", "response": "noted", "issues": ["Migrants"]},
        {"recommender_iso3": "KEN", "response": "noted", "action_category": 2, "issues": ["Justice"]},
        {"recommender_iso3": "KEN", "response": "supported", "action_category": 3},
        {"recommender_iso3": "DEU", "cycle": 2, "response": "other", "action_category": 5},
        {"recommender_iso3": "VAT", "cycle": 2, "response": "supported", "action_category": 1},
        {"recommender_iso3": "", "recommender_name": "(Unknown)", "recommender_group": "", "cycle": 2,
         "response": "noted"},
        *repeat(4, sur_iso3="KEN", recommender_iso3="FRA", response="supported", action_category=5),
    ])


def test_recommending_states_by_cycle_count_responses_rates_and_categories(received):
    table = dyads.by_recommending_state(received, "NOR").set_index(["cycle", "recommender_iso3"])
    assert list(table.index) == [(1, "FRA"), (1, "KEN"), (2, ""), (2, "DEU"), (2, "VAT")]  # n desc, then ISO3
    france = table.loc[(1, "FRA")]
    assert (france["n"], france["n_supported"], france["n_noted"]) == (3, 2, 1)
    interval = metrics.rate_with_ci(2, 3)
    assert france[["acceptance_rate", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [interval["rate"], interval["ci_low"], interval["ci_high"]])
    assert france["n_categorised"] == 2 and france["mean_action_category"] == pytest.approx(4.5)
    germany = table.loc[(2, "DEU")]
    assert germany["n_supported"] + germany["n_noted"] == 0 and math.isnan(germany["acceptance_rate"])
    assert table.loc[(1, "KEN"), "recommender_group"] == "Africa"


def test_recommending_groups_by_cycle_name_an_unknown_recommender(received):
    table = dyads.by_recommending_group(received, "NOR").set_index(["cycle", "recommender_group"])
    assert list(table.index) == [(1, "Africa"), (1, "WEOG"), (2, "Observer"), (2, "WEOG"), (2, "unknown")]
    assert table.loc[(1, "WEOG"), ["n_states", "n", "n_supported", "n_noted"]].tolist() == [1, 3, 2, 1]
    assert table.loc[(2, "unknown"), ["n_states", "n"]].tolist() == [0, 1]  # an unnamed recommender is no State
    overall = dyads.by_recommending_group(received, "NOR", cycles=False).set_index("recommender_group")
    assert overall.loc["WEOG", "n_states"] == 2 and overall.loc["WEOG", "n"] == 4
    assert overall.loc["WEOG", "mean_action_category"] == pytest.approx((5 + 4 + 5) / 3)


def test_top_recommenders_have_the_metrics_shape_and_a_stable_order(received):
    top = dyads.top_recommenders(received, "NOR", n=3)
    assert [r["iso3"] for r in top] == ["FRA", "KEN", "DEU"]  # the unnamed recommender is left out
    assert list(top[0]) == ["iso3", "name", "group", "n", "supported", "noted", "acceptance_rate"]
    assert top[0] == {"iso3": "FRA", "name": "France", "group": "WEOG", "n": 3, "supported": 2, "noted": 1,
                      "acceptance_rate": pytest.approx(2 / 3)}
    assert top[2]["acceptance_rate"] is None  # Germany's one recommendation was neither supported nor noted
    json.dumps(top)
    ties = make_recs([{"recommender_iso3": iso3} for iso3 in ("SWE", "ARG", "KEN")])
    assert [r["iso3"] for r in dyads.top_recommenders(ties, "NOR")] == ["ARG", "KEN", "SWE"]
    with pytest.raises(DataError, match="expected a whole number of 1 or more"):
        dyads.top_recommenders(received, "NOR", n=0)


def test_an_absent_state_is_refused_in_one_line(received):
    with pytest.raises(UnknownCountryError, match=r"^BRA \(Brazil\) is not a State under review in the data"):
        dyads.by_recommending_state(received, "BRA")


def test_group_shares_set_the_state_beside_all_states(received):
    shares = dyads.group_shares(received, "NOR").set_index(["cycle", "recommender_group"])
    assert shares.loc[(1, "WEOG"), ["n", "n_all_states"]].tolist() == [3, 7]  # France to Norway 3, to Kenya 4
    assert shares.loc[(1, "WEOG"), "share"] == pytest.approx(3 / 5)
    assert shares.loc[(1, "WEOG"), "share_all_states"] == pytest.approx(7 / 9)
    assert shares.loc[(1, "Africa"), "difference"] == pytest.approx(2 / 5 - 2 / 9)
    assert shares.groupby(level="cycle")[["share", "share_all_states"]].sum().to_numpy() == pytest.approx(1.0)


def test_what_they_asked_by_group(received):
    mix = dyads.category_mix_by_group(received, "NOR").set_index("recommender_group")
    assert mix.loc["WEOG", ["n", "n_categorised"]].tolist() == [4, 3]
    assert mix.loc["WEOG", ["share_4", "share_5"]].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert mix.loc["Africa", "mean_action_category"] == pytest.approx(2.5)
    assert mix.loc["unknown", "n_categorised"] == 0 and math.isnan(mix.loc["unknown", "mean_action_category"])
    issues = dyads.top_issues_by_group(received, "NOR", top=2)
    weog = issues[issues["recommender_group"] == "WEOG"]
    assert weog[["rank", "issue", "n"]].values.tolist() == [[1, "Justice", 2], [2, "Migrants", 2]]
    assert weog["share"].tolist() == pytest.approx([2 / 4, 2 / 4])


def test_mean_action_category_by_recommending_group_over_all_states(received):
    means = dyads.mean_action_category_by_recommender_group(received)
    # observers and unnamed recommenders are no regional group; a cycle's groups without a category are absent
    assert means == {"1": {"Africa": pytest.approx(2.5), "WEOG": pytest.approx((5 + 4 + 4 * 5) / 6)},
                     "2": {"WEOG": pytest.approx(5.0)}}
    assert dyads.categories_known(received) == {"1": {"n": 9, "n_categorised": 8}, "2": {"n": 3, "n_categorised": 2}}
    table = dyads.action_category_by_recommender_group(received).set_index(["cycle", "recommender_group"])
    assert table.loc[(1, "WEOG"), "n_states"] == 1 and math.isnan(table.loc[(1, "WEOG"), "ci_low"])  # one cluster


def test_the_clustered_interval_of_a_mean_category():
    recs = make_recs([{"sur_iso3": "KEN", "recommender_iso3": iso3, "action_category": c}
                      for iso3, c in (("FRA", 5), ("FRA", 5), ("DEU", 3), ("ESP", 4), ("ESP", 2))])
    row = dyads.action_category_by_recommender_group(recs).iloc[0]
    values, clusters = np.array([5, 5, 3, 4, 2.0]), ["FRA", "FRA", "DEU", "ESP", "ESP"]
    sums = pd.Series(values - values.mean()).groupby(clusters).sum()
    se = math.sqrt(3 / 2 * (sums ** 2).sum()) / 5
    assert row["mean_action_category"] == pytest.approx(3.8) and row["se"] == pytest.approx(se)
    t = 4.302653  # Student's t, 0.975, 3 - 1 degrees of freedom (three recommending States)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((3.8 - t * se, 3.8 + t * se))


# -- reciprocity ------------------------------------------------------------------------------------------------


def test_reciprocity_counts_only_recommendations_made_at_an_earlier_session():
    recs = make_recs([
        {"sur_iso3": "KEN", "recommender_iso3": "NOR", "session": 3},   # 0: Norway to Kenya, session 3
        {"sur_iso3": "NOR", "recommender_iso3": "KEN", "session": 5},   # 1: Kenya answers at a later session: yes
        {"sur_iso3": "NOR", "recommender_iso3": "BRA", "session": 5},   # 2: Norway never recommended to Brazil
        {"sur_iso3": "BRA", "recommender_iso3": "NOR", "session": 5},   # 3: same session as 2: neither counts
        {"sur_iso3": "NOR", "recommender_iso3": "BRA", "session": 6},   # 4: Norway recommended to Brazil at 5 < 6
        {"sur_iso3": "NOR", "recommender_iso3": "IND", "session": 2},   # 5: India to Norway first...
        {"sur_iso3": "NOR", "recommender_iso3": "IND", "session": 8},   # 6: ...and again: still not reciprocal
        {"sur_iso3": "IND", "recommender_iso3": "NOR", "session": 9, "cycle": 1},  # 7: India had recommended: yes
        {"sur_iso3": "NOR", "recommender_iso3": "", "recommender_name": "(Unknown)", "recommender_group": "",
         "session": 9},                                                  # 8: no ISO3: unknown
    ])
    flags = dyads.reciprocal(recs)
    assert flags.tolist()[:8] == [False, True, False, False, True, False, False, True]
    assert flags.iloc[8] is pd.NA and str(flags.dtype) == "boolean"


def test_reciprocity_agrees_with_the_synthetic_generator():
    recs = synthetic.generate().recommendations
    flags = dyads.reciprocal(recs)
    assert flags.notna().all()
    assert np.array_equal(flags.to_numpy(dtype=bool), synthetic.reciprocal_flags(recs))
    by_cycle = flags.astype(float).groupby(recs["cycle"]).mean()
    assert by_cycle.is_monotonic_increasing and by_cycle[1] < 0.2 < 0.6 < by_cycle[4]


# -- the dyadic data set and the democracy gap ---------------------------------------------------------------


def test_the_democracy_gap_is_the_recommending_state_minus_the_state_under_review():
    recs = make_recs([{"sur_iso3": "NOR", "recommender_iso3": "KEN", "session": 5, "action_category": 4},
                      {"sur_iso3": "KEN", "recommender_iso3": "NOR", "session": 13, "cycle": 2}])
    vdem = vdem_indices().set_index(["iso3", "year"])
    for indicator in ("electoral_democracy", "liberal_democracy"):
        frame = dyads.dyads(recs, indicator=indicator).set_index("recommender_iso3")
        kenya, norway = vdem.loc[("KEN", 2009), indicator], vdem.loc[("NOR", 2009), indicator]
        assert frame.loc["KEN", ["sur_democracy", "recommender_democracy"]].tolist() == [norway, kenya]
        assert frame.loc["KEN", "democracy_gap"] == pytest.approx(kenya - norway)
        assert frame.loc["NOR", "democracy_gap"] == pytest.approx(vdem.loc[("NOR", 2012), indicator]
                                                                  - vdem.loc[("KEN", 2012), indicator])
        assert frame.loc["NOR", ["same_group", "reciprocal"]].tolist() == [0.0, 1.0]
    with pytest.raises(DataError, match="expected one of electoral_democracy, liberal_democracy"):
        dyads.dyads(recs, indicator="civil_liberties")


def test_the_gap_on_the_embedded_data_matches_the_vdem_table():
    frame = dyads.dyads(load().recommendations)
    vdem = vdem_indices().set_index(["iso3", "year"])["electoral_democracy"]
    sample = frame.sample(500, random_state=14)
    sur = vdem.reindex(pd.MultiIndex.from_frame(sample[["sur_iso3", "year"]])).to_numpy()
    rec = vdem.reindex(pd.MultiIndex.from_frame(sample[["recommender_iso3", "year"]])).to_numpy()
    assert np.array_equal(sample["sur_democracy"].to_numpy(), sur)
    assert np.allclose(sample["democracy_gap"].to_numpy(), rec - sur)
    assert frame[["sur_democracy", "recommender_democracy"]].notna().all().all()


def test_pairs_that_cannot_be_measured_are_left_out_and_said():
    recs = make_recs([
        {"sur_iso3": "NOR", "recommender_iso3": "KEN", "session": 5},
        {"sur_iso3": "NOR", "recommender_iso3": "VAT", "session": 5},                        # observer
        {"sur_iso3": "NOR", "recommender_iso3": "", "recommender_name": "(Unknown)", "recommender_group": "",
         "session": 5},                                                                     # unnamed
        {"sur_iso3": "LIE", "recommender_iso3": "KEN", "session": 5},                        # LIE: not in V-Dem
        {"sur_iso3": "NOR", "recommender_iso3": "KEN", "session": 5, "response": "other"},   # neither
    ])
    frame = dyads.dyads(recs)
    assert frame[["sur_iso3", "recommender_iso3"]].values.tolist() == [["NOR", "KEN"]]
    notes = " ".join(frame.attrs["notes"])
    for said in ("1 recommendations neither supported nor noted", "1 recommendations whose recommending State is "
                 "not named", "1 recommendations by observer States (Holy See)", "no electoral_democracy for 1 States (LIE"):
        assert said in notes


def test_reciprocity_before_the_data_begin_is_said_to_be_unknown():
    recs = make_recs([{"sur_iso3": "NOR", "recommender_iso3": "KEN", "session": 13, "cycle": 2}])
    assert "The data start at session 13" in " ".join(dyads.dyads(recs).attrs["notes"])


def test_a_context_without_the_review_years_leaves_the_gap_out_with_a_note():
    recs = make_recs([{"sur_iso3": s, "recommender_iso3": r, "response": resp, "session": 5}
                      for s, r in (("NOR", "KEN"), ("KEN", "NOR"), ("BRA", "IND"), ("IND", "BRA"))
                      for resp in ("supported",) * 4 + ("noted",)])
    old = vdem_indices()
    old = old[old["year"] < 2005]
    result = dyads.dyadic_model(recs, context=old)
    assert "democracy_gap" not in result.params.index
    assert any("No democracy gap: found no context value" in n and "2000-2004" in n for n in result.notes)


# -- the model and the anchor on the embedded data -----------------------------------------------------------


@pytest.fixture(scope="module")
def embedded():
    return load().recommendations


def test_anchor_mean_category_by_recommending_group_on_the_embedded_data(embedded):
    means = dyads.mean_action_category_by_recommender_group(embedded)
    # cycle 1 is UPR Info's alone (every row categorised); McMahon's order WEOG > EEG > GRULAC > Asia-Pacific > Africa
    assert {g: round(v, 3) for g, v in means["1"].items()} == {
        "Africa": 3.272, "Asia-Pacific": 3.348, "EEG": 4.046, "GRULAC": 3.771, "WEOG": 4.289}
    assert sorted(means["1"], key=means["1"].get, reverse=True) == ["WEOG", "EEG", "GRULAC", "Asia-Pacific", "Africa"]
    # cycle 2: UPR Info's sessions 13-20 only (DIHR rows have no category); Africa is above Asia-Pacific there
    assert {g: round(v, 3) for g, v in means["2"].items()} == {
        "Africa": 3.613, "Asia-Pacific": 3.367, "EEG": 4.067, "GRULAC": 3.650, "WEOG": 4.312}
    assert dyads.categories_known(embedded) == {"1": {"n": 21_355, "n_categorised": 21_355},
                                                "2": {"n": 36_237, "n_categorised": 19_708}}


def test_dyadic_model_on_the_embedded_data(embedded):
    result = dyads.dyadic_model(embedded)
    assert result.cov_type == "cluster" and result.n_clusters == 172 and result.nobs == 52_525
    terms = dyads.terms_of_interest(result)
    assert list(terms.index) == ["recommender_group[Asia-Pacific]", "recommender_group[EEG]", "recommender_group[GRULAC]",
                                 "recommender_group[WEOG]", "same_group", "reciprocal", "democracy_gap", "sur_democracy"]
    notes = " ".join(result.notes)
    assert "9 recommendations whose recommending State is not named" in notes
    assert "600 recommendations by observer States (Holy See, State of Palestine)" in notes
    assert "4,458 recommendations without a value of V-Dem electoral democracy" in notes
    # measured (docs/methods/recommending-states.md): same group 1.37 (1.23-1.53), reciprocal 1.03 (0.85-1.25), gap 0.36 (0.25-0.50)
    assert terms.loc["same_group", "ci_low"] > 1 and terms.loc["democracy_gap", "ci_high"] < 1
    assert terms.loc["reciprocal", "ci_low"] < 1 < terms.loc["reciprocal", "ci_high"]
    readings = dyads.reading(result)
    assert len(readings) == len(terms) and readings[4].startswith("Same regional group: a recommendation from a State of")
    assert "odds ratio 1.37 (95% CI 1.23-1.53). The odds of support are higher than the other's." in readings[4]


# -- planted effects on synthetic data ---------------------------------------------------------------------


def test_the_planted_recommending_effects_are_recovered_on_synthetic_data():
    rows = pd.DataFrame(validation.recommending_rows(synthetic.generate().recommendations))
    assert len(rows) == 8 + 5 and set(rows["analysis"]) == {"recommending_states"}
    truth = rows.set_index("effect")["truth"]
    assert truth["dyadic: same_group"] == 0.20 and truth["dyadic: reciprocal"] == 0.15
    assert truth["dyadic: democracy_gap"] == 0.0 and truth["mean action category, cycle 1: WEOG"] == pytest.approx(4.255)
    assert ((rows["estimate"] - rows["truth"]).abs() <= 3 * rows["se"]).all(), rows
    assert rows["se"].between(0.005, 0.2).all()


def test_the_planted_category_mix_keeps_the_overall_shares():
    weights = {"WEOG": 29 * 3.0, "EEG": 23 * 1.5, "GRULAC": 33 * 1.2, "Asia-Pacific": 54 * 1.0, "Africa": 54 * 0.8}
    shares = synthetic.TRUE_EFFECTS["recommending"]["action_category_shares"]
    mixed = sum(np.array(shares[g]) * w for g, w in weights.items()) / sum(weights.values())
    assert all(math.isclose(sum(s), 1.0) for s in shares.values())
    assert np.allclose(mixed, synthetic.CATEGORY_SHARES, atol=0.002)


# -- the notebook end to end ---------------------------------------------------------------------------------


def assert_metrics_shape(metrics_json, cycles):
    assert metrics_json["analysis"] == "recommending_states"
    top = metrics_json["top_recommenders"]
    assert 1 <= len(top) <= 10 and all(list(r) == ["iso3", "name", "group", "n", "supported", "noted",
                                                   "acceptance_rate"] for r in top)
    assert [(-r["n"], r["iso3"]) for r in top] == sorted((-r["n"], r["iso3"]) for r in top)
    means = metrics_json["mean_action_category_by_recommender_group"]
    assert list(means) == cycles
    for by_group in means.values():
        assert list(by_group) == sorted(by_group) and set(by_group) <= set(dyads.GROUPS)
        assert all(1 <= v <= 5 for v in by_group.values())
    assert metrics_json["dyadic_model"]["n_clusters"] > 100


@pytest.mark.slow
def test_the_notebook_runs_on_real_and_synthetic_data(embedded_batch, synthetic_batch, embedded_batch_verified):
    from test_cli import assert_complete_run

    folder = embedded_batch / "NOR" / "recommending_states"  # the session's batch on the embedded real data
    real, _, page = assert_complete_run(folder, "recommending_states", "NOR")
    assert_metrics_shape(real, ["1", "2"])
    assert real["top_recommenders"][0] == {"iso3": "IRN", "name": "Iran (Islamic Republic of)", "group": "Asia-Pacific",
                                           "n": 12, "supported": 11, "noted": 1, "acceptance_rate": 11 / 12}
    assert real["mean_action_category_by_recommender_group"]["1"]["WEOG"] == pytest.approx(4.2893, abs=1e-4)
    assert "SYNTHETIC" not in page and "the same order as McMahon" in page
    status, printed = embedded_batch_verified  # re-executed from its manifest: the same bytes (conftest.py)
    assert status == 0 and f"{folder}: verified" in printed, printed
    # the session's batch on synthetic data (conftest.py)
    demo, _, page = assert_complete_run(synthetic_batch / "KEN" / "recommending_states", "recommending_states", "KEN")
    assert_metrics_shape(demo, ["1", "2", "3", "4"])
    assert demo["data_source"]["synthetic"] is True and "SYNTHETIC" in page
