"""Two sources holding the same reviews: matching, agreement, and the combined data set."""

import warnings
from pathlib import Path

import pandas as pd
import pytest

from upr_lab import load
from upr_lab.sources import reconcile

try:
    from .frames import make_recs
except ImportError:
    from frames import make_recs

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_matching_exact_near_disagreeing_and_one_sided():
    first = make_recs([
        {"text": "Ratify the Convention against Torture.", "recommender_iso3": "FRA", "source": "upr-info"},
        {"text": "Adopt a national action plan on human rights", "recommender_iso3": "FRA", "source": "upr-info"},
        {"text": "Abolish the death penalty.", "recommender_iso3": "BRA", "source": "upr-info",
         "response": "noted"},
        {"text": "Only UPR Info has this one.", "recommender_iso3": "BRA", "source": "upr-info"},
    ])
    second = make_recs([
        {"text": "RATIFY the Convention against  Torture", "recommender_iso3": "FRA", "source": "dihr",
         "sdg_goals": (16,), "document": "A/HRC/8/34", "paragraph": "64.1"},
        {"text": "Adopt a national action plan on human rights.", "recommender_iso3": "FRA", "source": "dihr"},
        {"text": "Abolish the death penalty", "recommender_iso3": "BRA", "source": "dihr", "response": "supported"},
        {"text": "Ratify the Convention against Torture.", "recommender_iso3": "CHL", "source": "dihr"},
    ]).assign(rec_id=lambda f: "D" + f["rec_id"])
    result = reconcile.reconcile(first, second)
    assert result.summary["matched"] == 3 and result.summary["matched_exact"] == 3  # case, spacing, full stop
    assert result.summary["only_in_first"] == 1 and result.summary["only_in_second"] == 1  # CHL is another State
    assert result.summary["responses_differ"] == 1 and result.summary["response_agreement"] == pytest.approx(2 / 3, abs=1e-4)
    kinds = result.differences["difference"].value_counts().to_dict()
    assert kinds == {"responses differ": 1, "only in the first source": 1, "only in the second source": 1}
    combined, _ = reconcile.combine(pd.concat([first, second], ignore_index=True))
    assert len(combined) == 4 and set(combined["source"]) == {"upr-info"}  # the review is held by UPR Info
    ratify = combined[combined["text"].str.startswith("Ratify")].iloc[0]
    assert (ratify["sdg_goals"], ratify["document"], ratify["paragraph"]) == ((16,), "A/HRC/8/34", "64.1")


def test_nearly_equal_texts_match_and_different_ones_do_not():
    first = make_recs([{"text": "Take further measures to combat trafficking in persons, in particular women and "
                                "children", "source": "upr-info"},
                       {"text": "Ratify the Rome Statute", "source": "upr-info"}])
    second = make_recs([{"text": "Take further measures to combat trafficking in persons, particularly women and "
                                 "children", "source": "dihr"},
                        {"text": "Ratify the Optional Protocol to CAT", "source": "dihr"}]).assign(
        rec_id=lambda f: "D" + f["rec_id"])
    result = reconcile.reconcile(first, second)
    assert result.matches["how"].tolist() == ["near"] and result.matches["similarity"].iloc[0] >= reconcile.NEAR
    assert result.summary["only_in_first"] == result.summary["only_in_second"] == 1


@pytest.fixture(scope="module")
def combined():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load([SHARED / "upr-info", SHARED / "dihr"])


def test_upr_info_and_dihr_agree_on_sessions_1_to_20(combined):
    [summary] = combined.source["reconciliation"]
    assert summary["reviews_in_both"] == 305 and summary["sessions_in_both"] == list(range(1, 21))
    assert (summary["first_rows"], summary["second_rows"]) == (41_063, 40_144)
    assert summary["matched"] == 40_144 and summary["only_in_second"] == 0
    assert summary["share_of_first_matched"] == pytest.approx(0.9776, abs=1e-4)
    assert summary["response_agreement"] == 1.0
    assert len(combined.differences) == 919 and set(combined.differences["difference"]) == {"only in the first source"}


def test_the_combined_set_counts_each_review_once(combined):
    recs = combined.recommendations
    assert len(recs) == 57_592  # UPR Info's published 57,686 for cycles 1-2: 0.16% fewer
    sources = recs.groupby("source")["session"].agg(["min", "max", "size"])
    assert sources.loc["upr-info"].tolist() == [1, 20, 41_063] and sources.loc["dihr"].tolist() == [21, 26, 16_529]
    assert (recs.groupby("sur_iso3")["cycle"].nunique() == 2).all() and recs["sur_iso3"].nunique() == 193
    assert recs.groupby(["sur_iso3", "session"])["source"].nunique().max() == 1
    linked = recs[(recs["source"] == "upr-info") & (recs["document"] != "")]
    assert len(linked) == 40_144 and linked["sdg_goals"].map(len).gt(0).mean() > 0.5
