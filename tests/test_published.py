"""Published reference figures and the tables that compare the workbench's figures with them."""

import math

import pandas as pd
import pytest
from frames import make_recs, repeat

from upr_lab import published
from upr_lab.review.published import PublishedFigure, PublishedFigureMismatch


def _by_category(counts, response="supported", **row):
    return [r for category, n in counts.items()
            for r in repeat(n, action_category=category, response=response, **row)]


def test_category_counts_are_those_quoted_in_the_issue():
    assert published.CATEGORY_COUNTS.value == {1: 603, 2: 6981, 3: 3449, 4: 16261, 5: 13772}
    assert sum(published.CATEGORY_COUNTS.value.values()) == 41066
    assert published.SHARE_SUPPORTED.value == 0.75
    assert published.SPECIFIC_ACTION.value is None  # qualitative only
    assert "McMahon" in published.SPECIFIC_ACTION.source


def test_category_counts_table_sets_counts_beside_published():
    outside = {"action_category": 3, "session": 21, "cycle": 2}
    recs = make_recs(_by_category({1: 1, 2: 2, 4: 3, 5: 4}) + [outside])
    reference = PublishedFigure("test", {1: 1, 2: 3, 3: 0, 4: 3, 5: 4}, "hand-made")
    table = published.category_counts_vs_published(recs, reference)
    assert list(table.columns) == ["category", "label", "published", "exported", "repeats_dropped", "analysed",
                                   "difference"]
    assert list(table["category"]) == [1, 2, 3, 4, 5]
    assert list(table["analysed"]) == [1, 2, 0, 3, 4]  # session 21 is outside sessions 1-20
    assert list(table["exported"]) == [1, 2, 0, 3, 4] and list(table["repeats_dropped"]) == [0] * 5
    assert list(table["difference"]) == [0, -1, 0, 0, 0]
    assert table.loc[4, "label"] == "Specific action"
    with pytest.raises(PublishedFigureMismatch, match="category 2: published 3, exported 2"):
        published.check_category_counts(table)


def test_exact_repeats_dropped_by_the_loader_count_as_exported_rows():
    recs = make_recs(_by_category({1: 1, 2: 2, 4: 3, 5: 4}))
    repeats = [{"session": 5, "action_category": 2}, {"session": 8, "action_category": 5},
               {"session": 21, "action_category": 5}]
    reference = PublishedFigure("test", {1: 1, 2: 3, 3: 0, 4: 3, 5: 5}, "hand-made")
    table = published.category_counts_vs_published(recs, reference, repeats)
    assert list(table["repeats_dropped"]) == [0, 1, 0, 0, 1]  # session 21 is outside sessions 1-20
    assert list(table["exported"]) == [1, 3, 0, 3, 5]
    assert list(table["analysed"]) == [1, 2, 0, 3, 4]
    published.check_category_counts(table)


def test_category_counts_check_passes_on_equal_counts_and_fails_on_unknown_category():
    counts = {1: 2, 2: 1, 3: 1, 4: 5, 5: 3}
    reference = PublishedFigure("test", counts, "hand-made")
    equal = published.category_counts_vs_published(make_recs(_by_category(counts)), reference)
    published.check_category_counts(equal)
    unknown = make_recs(_by_category(counts) + [{"action_category": pd.NA}])
    table = published.category_counts_vs_published(unknown, reference)
    assert table["category"].iloc[-1] == "unknown" and pd.isna(table["published"].iloc[-1])
    with pytest.raises(PublishedFigureMismatch, match="category unknown"):
        published.check_category_counts(table)


def test_share_supported_under_both_definitions():
    recs = make_recs(repeat(6, response="supported") + repeat(2, response="noted")
                     + repeat(2, response="other"))
    row = published.share_supported(recs).iloc[0]
    assert (row["n_recommendations"], row["n_supported"], row["n_noted"], row["n_other"]) == (10, 6, 2, 2)
    assert row["share_of_decided"] == pytest.approx(6 / 8)
    assert row["share_of_all"] == pytest.approx(6 / 10)
    assert row["all_ci_low"] < 0.6 < row["all_ci_high"]
    assert row["decided_ci_low"] < 0.75 < row["decided_ci_high"]


def test_share_supported_by_cycle_is_sorted_and_nan_without_decided():
    recs = make_recs(repeat(3, cycle=2, response="noted") + repeat(1, cycle=1, response="other"))
    table = published.share_supported(recs, by="cycle")
    assert list(table["cycle"]) == [1, 2]
    assert math.isnan(table.loc[0, "share_of_decided"])
    assert table.loc[0, "share_of_all"] == 0.0
    assert table.loc[1, "share_of_decided"] == 0.0


def test_share_against_published_and_its_tolerance():
    recs = make_recs(repeat(7, response="supported") + repeat(2, response="noted")
                     + repeat(1, response="other"))
    table = published.share_vs_published(published.share_supported(recs), tolerance=0.06)
    assert list(table["definition"]) == list(published.DEFINITIONS.values())
    assert table["difference"].tolist() == pytest.approx([7 / 9 - 0.75, 0.70 - 0.75])
    assert table["within_tolerance"].tolist() == [True, True]
    published.check_share(table, "share_of_decided", tolerance=0.04)  # 2.8 points away
    with pytest.raises(PublishedFigureMismatch, match="supported / all recommendations"):
        published.check_share(table, "share_of_all", tolerance=0.04)


def test_acceptance_by_category_leaves_unknown_out():
    recs = make_recs(_by_category({4: 3}) + _by_category({4: 1, 5: 2}, response="noted")
                     + _by_category({5: 2}) + [{"action_category": pd.NA, "response": "noted"}])
    table = published.acceptance_by_category(recs)
    assert list(table["category"]) == [4, 5]
    assert list(table["label"]) == ["General action", "Specific action"]
    assert table["acceptance_rate"].tolist() == pytest.approx([0.75, 0.5])
    assert (table["ci_low"] < table["acceptance_rate"]).all()


def _odds(upper):
    return pd.DataFrame({"odds_ratio": [0.5], "ci_low": [0.4], "ci_high": [upper]},
                        index=["action_category[5]"])


def test_specific_action_check():
    table = pd.DataFrame({"category": [3, 4, 5], "acceptance_rate": [0.6, 0.8, 0.55]})
    published.check_specific_action_lowest(table, _odds(0.9))
    with pytest.raises(PublishedFigureMismatch, match="reaching 1.100"):
        published.check_specific_action_lowest(table, _odds(1.1))
    with pytest.raises(PublishedFigureMismatch, match="not below that of categories 3"):
        published.check_specific_action_lowest(table.assign(acceptance_rate=[0.55, 0.8, 0.55]), _odds(0.9))
    with pytest.raises(PublishedFigureMismatch, match="not below"):
        published.check_specific_action_lowest(table.assign(acceptance_rate=[0.6, 0.8, float("nan")]),
                                               _odds(0.9))
    with pytest.raises(PublishedFigureMismatch, match="reaching nan"):
        published.check_specific_action_lowest(table, _odds(0.9).rename(index=lambda _: "other"))


def test_real_exports_reproduce_the_published_category_counts(real_data):
    table = published.category_counts_vs_published(real_data.recommendations, repeats=real_data.source["repeats"])
    exported = dict(zip(table["category"], table["exported"]))
    assert exported == {1: 603, 2: 6981, 3: 3449, 4: 16261, 5: 13772}
    published.check_category_counts(table)
    # the three exact repeats (Lesotho, Montenegro, Tonga) are all specific-action recommendations
    assert dict(zip(table["category"], table["analysed"])) == {1: 603, 2: 6981, 3: 3449, 4: 16261, 5: 13769}
    assert table["analysed"].sum() == len(real_data.recommendations) == 41063
    with pytest.raises(PublishedFigureMismatch, match="category 5: published 13772, exported 13769"):
        published.check_category_counts(published.category_counts_vs_published(real_data.recommendations))
    shares = published.share_vs_published(published.share_supported(real_data.recommendations))
    published.check_share(shares)
