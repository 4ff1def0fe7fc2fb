"""The coverage check of the planted effects: a few seeds through the notebooks' models, and the
summary arithmetic on hand-made rows. The full run (200 seeds) is `make validate`."""

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from upr_lab import validation

SEEDS = (1, 2)


@pytest.fixture(scope="module")
def rows():
    return validation.rows_for_seeds(SEEDS, workers=1)


def test_every_planted_effect_of_the_four_analyses_is_checked(rows):
    per_seed = [tuple(group["effect"]) for _, group in rows.groupby("seed", sort=True)]
    assert per_seed[0] == per_seed[1] and len(set(per_seed[0])) == len(per_seed[0])
    checked = rows[rows["check"] & (rows["seed"] == 1)].set_index("effect")
    assert checked.groupby("analysis", sort=True).size().to_dict() == {
        "civil_society": 8, "compliance_trends": 3, "regional_comparison": 4 + 5 * 5,
        "recommending_states": 8 + 5}
    truth = checked["truth"]
    assert truth["adjusted, implemented: cycle"] == 0.25 and truth["adjusted, supported: cycle"] == 0.15
    assert truth["implemented: nhri_submitted"] == 0.40 and truth["supported: nhri_submitted"] == 0.0
    assert truth["supported: action_category[5]"] == -0.80
    assert truth["adjusted vs Africa: sur_group[WEOG]"] == pytest.approx(0.80)
    assert 0.0 < truth["raw difference: NOR - Africa"] < 0.3  # WEOG supports more than Africa
    assert truth["dyadic: same_group"] == 0.20 and truth["dyadic: reciprocal"] == 0.15
    assert truth["dyadic: democracy_gap"] == 0.0 and truth["dyadic: recommender_group[WEOG]"] == 0.0
    assert truth["mean action category, cycle 1: WEOG"] > truth["mean action category, cycle 1: Africa"]


def test_estimates_are_within_four_standard_errors_of_the_truth(rows):
    checked = rows[rows["check"]]
    models = checked[checked["se"].notna()]
    assert models["se"].between(0.001, 0.2).all()
    assert ((models["estimate"] - models["truth"]).abs() <= 4 * models["se"]).all()
    raw = checked[checked["se"].isna()]  # Newcombe intervals: half-width is about 2 SE
    half_width = (raw["ci_high"] - raw["ci_low"]) / 2
    assert ((raw["estimate"] - raw["truth"]).abs() <= 2 * half_width).all()


def test_the_unadjusted_implementation_trend_overstates_the_planted_one(rows):
    unadjusted = rows[~rows["check"] & rows["effect"].str.contains("implemented")]
    assert len(unadjusted) == len(SEEDS)
    assert (unadjusted["estimate"] > unadjusted["truth"] + 4 * unadjusted["se"]).all()


def hand_made_rows():
    """Effect 'b' (varying truth) before 'a': 3 of 4 intervals of 'a' cover, both of 'b'."""
    def row(seed, effect, truth, estimate, covered):
        return {"seed": seed, "analysis": "x", "effect": effect, "truth": truth, "estimate": estimate,
                "se": 0.1 if effect == "a" else math.nan, "ci_low": estimate - 0.2,
                "ci_high": estimate + 0.2, "covered": covered, "check": True}
    rows = [row(1, "b", 0.1, 0.2, True), row(2, "b", 0.3, 0.2, True)]
    rows += [row(s, "a", 1.0, e, c) for s, e, c in
             ((1, 0.9, True), (2, 1.1, True), (3, 1.3, False), (4, 0.7, True))]
    return pd.DataFrame(rows, columns=validation.COLUMNS)


def wilson(k, n):
    z = NormalDist().inv_cdf(0.975)
    centre, scale = (k / n + z * z / (2 * n)) / (1 + z * z / n), z / (1 + z * z / n)
    half = scale * math.sqrt(k / n * (1 - k / n) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_summary_computes_bias_spread_and_coverage():
    summary = validation.summarise(hand_made_rows()).set_index("effect")
    assert summary.index.tolist() == ["b", "a"]
    a, b = summary.loc["a"], summary.loc["b"]
    assert a["truth"] == 1.0 and a["mean_estimate"] == pytest.approx(1.0)
    assert a["bias"] == pytest.approx(0.0, abs=1e-12)
    assert a["empirical_sd"] == pytest.approx(math.sqrt((0.01 + 0.01 + 0.09 + 0.09) / 3))
    assert a["mean_se"] == pytest.approx(0.1) and a["n"] == 4
    assert a["coverage"] == 0.75
    assert (a["coverage_low"], a["coverage_high"]) == pytest.approx(wilson(3, 4))
    assert b["truth"] == pytest.approx(0.2) and b["bias"] == pytest.approx(0.0, abs=1e-12)
    assert b["empirical_sd"] == pytest.approx(math.sqrt(0.02))  # spread of estimate - truth
    assert np.isnan(b["mean_se"]) and b["coverage"] == 1.0


def test_an_estimate_without_interval_counts_as_a_miss():
    row = validation._row("x", "y", 0.5, math.nan, math.nan, math.nan, math.nan)
    assert row["covered"] is False
    assert validation._row("x", "y", 0.5, 0.4, 0.05, 0.3, 0.5)["covered"] is True


def test_markdown_flags_coverage_far_from_nominal():
    rows = hand_made_rows()
    rows = pd.concat([rows, rows.assign(effect="c", covered=False)], ignore_index=True)
    report = validation.markdown(validation.summarise(rows), range(1, 5))
    assert report == validation.markdown(validation.summarise(rows), range(1, 5))
    line = next(line for line in report.splitlines() if line.startswith("| x | `c`"))
    assert line.endswith("| 0.000 | 0.000-0.390 | **no** |")
    assert "seeds 1-4 (4 data sets)" in report
