"""Descriptive metrics checked against values computed by hand on small frames."""

import json
import math
from statistics import NormalDist

import pandas as pd
import pytest

from upr_lab import metrics
from upr_lab.exceptions import UnknownCountryError

try:
    from .frames import make_recs, repeat
except ImportError:
    from frames import make_recs, repeat


def wilson(k, n, alpha=0.05):
    """Wilson score interval, straight from the formula."""
    z = NormalDist().inv_cdf(1 - alpha / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.fixture
def recs():
    """NOR: 7 supported, 3 noted, 2 other (12 recommendations) over cycles 1 and 2."""
    return make_recs(
        repeat(5, response="supported", cycle=1) + repeat(2, response="supported", cycle=2)
        + repeat(1, response="noted", cycle=1) + repeat(2, response="noted", cycle=2)
        + repeat(2, response="other", cycle=2))


def test_rate_with_ci_is_the_wilson_interval():
    result = metrics.rate_with_ci(7, 10)
    low, high = wilson(7, 10)
    assert result["n"] == 10 and result["k"] == 7 and result["rate"] == 0.7
    assert result["ci_low"] == pytest.approx(low, abs=1e-12)
    assert result["ci_high"] == pytest.approx(high, abs=1e-12)
    assert metrics.rate_with_ci(9, 10, alpha=0.10)["ci_low"] == pytest.approx(wilson(9, 10, 0.10)[0])


def test_rate_with_ci_of_nothing_is_none():
    assert metrics.rate_with_ci(0, 0) == {"n": 0, "k": 0, "rate": None, "ci_low": None,
                                          "ci_high": None}


def test_acceptance_excludes_other_from_the_denominator(recs):
    result = metrics.acceptance(recs)
    low, high = wilson(7, 10)
    assert list(result) == ["n_recommendations", "n_supported", "n_noted", "acceptance_rate",
                            "ci_low", "ci_high"]
    assert result["n_recommendations"] == 12 and type(result["n_recommendations"]) is int
    assert (result["n_supported"], result["n_noted"]) == (7, 3)
    assert result["acceptance_rate"] == pytest.approx(0.7)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((low, high))
    json.dumps(result, allow_nan=False)


def test_acceptance_by_cycle_is_a_tidy_frame(recs):
    frame = metrics.acceptance(recs, by="cycle")
    assert list(frame.columns) == ["cycle", "n_recommendations", "n_supported", "n_noted",
                                   "acceptance_rate", "ci_low", "ci_high"]
    assert frame["cycle"].tolist() == [1, 2]
    assert frame["n_recommendations"].tolist() == [6, 6]
    assert frame["acceptance_rate"].tolist() == pytest.approx([5 / 6, 2 / 4])
    assert frame["ci_low"].iloc[1] == pytest.approx(wilson(2, 4)[0])


def test_acceptance_by_several_columns_and_empty_groups():
    recs = make_recs(repeat(2, sur_iso3="KEN", response="other", cycle=2)
                     + repeat(3, sur_iso3="NOR", response="supported", cycle=1))
    frame = metrics.acceptance(recs, by=["sur_iso3", "cycle"])
    assert frame[["sur_iso3", "cycle"]].values.tolist() == [["KEN", 2], ["NOR", 1]]
    assert math.isnan(frame["acceptance_rate"].iloc[0]) and math.isnan(frame["ci_low"].iloc[0])
    assert frame["acceptance_rate"].iloc[1] == 1.0


def test_implementation_counts_only_assessed():
    recs = make_recs(repeat(2, implementation="fully") + repeat(1, implementation="partially")
                     + repeat(1, implementation="not") + repeat(3, implementation=""))
    result = metrics.implementation(recs)
    assert result["n_recommendations"] == 7 and result["n_assessed"] == 4
    assert result["implementation_rate"] == pytest.approx(0.75)
    assert result["fully_rate"] == pytest.approx(0.5)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx(wilson(3, 4))
    assert result["fully_ci_low"] == pytest.approx(wilson(2, 4)[0])


def test_implementation_without_assessments_says_so(recs):
    result = metrics.implementation(recs)
    assert result["n_assessed"] == 0
    assert result["implementation_rate"] is None and result["fully_rate"] is None
    frame = metrics.implementation(recs, by="cycle")
    assert "n_assessed" in frame and frame["implementation_rate"].isna().all()


def test_by_cycle_shape_and_key_order():
    recs = make_recs(repeat(1, cycle=3, response="noted") + repeat(2, cycle=1)
                     + repeat(1, cycle=4, response="other") + repeat(1, cycle=2)
                     + repeat(1, cycle=3, response="supported"))
    result = metrics.by_cycle(recs)
    assert list(result) == ["1", "2", "3", "4"]
    assert result["3"] == {"n": 2, "acceptance_rate": 0.5}
    assert result["4"] == {"n": 1, "acceptance_rate": None}
    assert json.dumps(result) == (
        '{"1": {"n": 2, "acceptance_rate": 1.0}, "2": {"n": 1, "acceptance_rate": 1.0}, '
        '"3": {"n": 2, "acceptance_rate": 0.5}, "4": {"n": 1, "acceptance_rate": null}}')


def test_dict_floats_keep_full_precision():
    recs = make_recs(repeat(2, response="supported") + repeat(1, response="noted"))
    assert metrics.by_cycle(recs)["1"]["acceptance_rate"] == 2 / 3


def test_specificity_mix():
    recs = make_recs(repeat(3, action_category=5, response="noted")
                     + repeat(1, action_category=5, response="supported")
                     + repeat(4, action_category=4) + repeat(2, action_category=1)
                     + repeat(2, action_category=None))
    frame = metrics.specificity(recs)
    assert frame["category"].tolist() == [1, 2, 3, 4, 5, "unknown"]
    assert frame["label"].tolist()[:5] == ["Minimal action", "Continuing action",
                                           "Considering action", "General action",
                                           "Specific action"]
    assert frame["n"].tolist() == [2, 0, 0, 4, 4, 2]
    assert frame["share"].tolist() == pytest.approx([2 / 12, 0, 0, 4 / 12, 4 / 12, 2 / 12])
    assert frame["acceptance_rate"].iloc[4] == pytest.approx(0.25)
    assert math.isnan(frame["acceptance_rate"].iloc[1])


def test_specificity_without_unknown_has_five_rows():
    frame = metrics.specificity(make_recs(repeat(3, action_category=2)))
    assert frame["category"].tolist() == [1, 2, 3, 4, 5]
    assert frame["share"].sum() == pytest.approx(1.0)


def test_thematic_profile_counts_and_order():
    recs = make_recs(
        repeat(3, issues=("Justice", "Death penalty"), response="supported")
        + repeat(1, issues=("Death penalty",), response="noted")
        + repeat(3, issues=("Migrants",), response="noted")
        + repeat(2, issues=()))
    frame = metrics.thematic_profile(recs)
    assert list(frame.columns) == ["issue", "n", "share", "acceptance_rate"]
    assert frame["issue"].tolist() == ["Death penalty", "Justice", "Migrants"]
    assert frame["n"].tolist() == [4, 3, 3]
    assert frame["share"].tolist() == pytest.approx([4 / 9, 3 / 9, 3 / 9])
    assert frame["acceptance_rate"].tolist() == pytest.approx([0.75, 1.0, 0.0])
    assert metrics.thematic_profile(recs, top=2)["issue"].tolist() == ["Death penalty", "Justice"]


def test_thematic_profile_without_tags_is_empty():
    frame = metrics.thematic_profile(make_recs(repeat(2)))
    assert frame.empty and list(frame.columns) == ["issue", "n", "share", "acceptance_rate"]


def test_headline_is_for_the_state_under_review(recs):
    other = make_recs(repeat(4, sur_iso3="KEN", response="noted"))
    both = pd.concat([recs, other.assign(rec_id=other["rec_id"] + "K")], ignore_index=True)
    result = metrics.headline(both, "NOR")
    assert list(result) == ["n_recommendations", "acceptance_rate", "acceptance_ci", "by_cycle"]
    assert result["n_recommendations"] == 12
    assert result["acceptance_rate"] == pytest.approx(0.7)
    assert result["acceptance_ci"] == pytest.approx(list(wilson(7, 10)))
    assert list(result["by_cycle"]) == ["1", "2"]
    assert metrics.headline(both, "nor")["n_recommendations"] == 12
    json.dumps(result, allow_nan=False)


def test_headline_of_a_state_without_recommendations(recs):
    result = metrics.headline(recs, "KEN")
    assert result == {"n_recommendations": 0, "acceptance_rate": None,
                      "acceptance_ci": [None, None], "by_cycle": {}}
    with pytest.raises(UnknownCountryError):
        metrics.headline(recs, "Norway")


def test_state_acceptance_per_state():
    recs = make_recs(repeat(3, sur_iso3="SWE", response="supported")
                     + repeat(1, sur_iso3="SWE", response="noted")
                     + repeat(2, sur_iso3="KEN", response="other"))
    frame = metrics.state_acceptance(recs)
    assert frame.index.tolist() == ["KEN", "SWE"]
    assert frame.loc["SWE", "acceptance_rate"] == 0.75 and frame.loc["SWE", "sur_group"] == "WEOG"
    assert math.isnan(frame.loc["KEN", "acceptance_rate"])


def test_wilson_intervals_always_hold_their_rate():
    """At 0% and 100% the computed interval ends can miss the rate by a rounding error; they must not."""
    for n in range(1, 400):
        for k in (0, n):
            found = metrics.rate_with_ci(k, n)
            assert found["ci_low"] <= found["rate"] <= found["ci_high"], (k, n, found)


def test_all_states_reference_leaves_out_cycles_held_for_a_few_states():
    from upr_lab.stats import metrics as m

    rows = [{"sur_iso3": f"S{i:02d}", "cycle": 1, "response": "supported", "implementation": ""} for i in range(10)]
    rows += [{"sur_iso3": "SVN", "cycle": 3, "response": "noted", "implementation": ""}]
    recs = pd.DataFrame(rows)
    reference = m.acceptance_of_all_states(recs)
    assert reference["cycle"].tolist() == [1] and reference["acceptance_rate"].tolist() == [1.0]
    assert m.acceptance_of_all_states(recs, minimum=1)["cycle"].tolist() == [1, 3]
