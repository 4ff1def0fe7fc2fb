"""The classifier in use (``upr_lab.stats.classify.in_use``): the coding columns of the canonical table, the
predictions made on load (and turned off), cached, counted by ``data info``, the sensitivity table, and model
terms named in words. Small models trained on a slice of the embedded data stand in for the full ones."""

import json

import numpy as np
import pandas as pd
import pytest

from upr_lab import cli
from upr_lab.exceptions import DataError
from upr_lab.reports import analysis, plots
from upr_lab.reports.analysis import open_analysis
from upr_lab.runs import preflight
from upr_lab.sources import cache, coverage, embedded, schema
from upr_lab.sources.dataset import load
from upr_lab.sources.formats import canonical
from upr_lab.sources.info import describe, render
from upr_lab.stats import models, shared
from upr_lab.stats.classify import in_use, predicted, store
from upr_lab.stats.classify.model import CategoryModel
from upr_lab.stats.classify.tags import TagModel


@pytest.fixture(scope="module")
def embedded_recs():
    return embedded.read()[0]["recommendations"].sort_values("rec_id", kind="stable")


@pytest.fixture(scope="module")
def small_models(embedded_recs):
    """Category and tag models of every 24th coded recommendation of sessions 1-8 (seconds, not minutes)."""
    early = embedded_recs[embedded_recs["session"] <= 8].iloc[::24]
    category = CategoryModel.train(early["text"], early["recommender_group"], early["action_category"].astype(int),
                                   sessions=early["session"], blocks=("words", "meta"))
    tags = TagModel.train(early["text"], early["recommender_group"], early["issues"])
    tags.f1 = np.full(len(tags.tags), 0.9)  # every tag assignable: the test is of the plumbing, not the F1
    return category, tags


@pytest.fixture(scope="module")
def mixed_csv(embedded_recs, tmp_path_factory):
    """A canonical CSV of 120 UPR Info rows (coded, sessions 9 and 20) and 120 DIHR rows (session 21, none)."""
    coded = pd.concat([embedded_recs[embedded_recs["session"] == s].head(60) for s in (9, 20)])
    uncoded = embedded_recs[embedded_recs["session"] == 21].head(120)
    path = tmp_path_factory.mktemp("mixed") / "mixed.csv"
    canonical.write(pd.concat([coded, uncoded], ignore_index=True), path)
    return path


def test_coding_columns_round_trip_through_csv_and_parquet(embedded_recs, tmp_path):
    recs = embedded_recs[embedded_recs["session"].isin([9, 21])].groupby("session").head(5).reset_index(drop=True)
    uncoded = recs.index[recs["action_category"].isna()]
    recs.loc[uncoded[:3], "action_category"] = [5, 4, 2]
    recs.loc[uncoded[:3], "action_category_source"] = "predicted"
    recs.loc[uncoded[:3], "action_category_probability"] = [0.61, 0.987654321, 0.4]
    recs = schema.with_coding_sources(recs)
    columns = ["rec_id", "action_category", "action_category_source", "action_category_probability",
               "issues_source"]
    for suffix in ("csv", "parquet"):
        path = canonical.write(recs, tmp_path / f"table.{suffix}")
        back = load(path).recommendations.sort_values("rec_id", ignore_index=True)
        pd.testing.assert_frame_equal(back[columns], recs.sort_values("rec_id", ignore_index=True)[columns])
    assert recs["action_category_source"].value_counts().to_dict() == {"coded": 5, "predicted": 3, "": 2}


def test_a_canonical_table_from_before_the_classifier_is_read_as_coded(embedded_recs, tmp_path):
    recs = embedded_recs[embedded_recs["session"].isin([9, 21])].groupby("session").head(4)
    path = tmp_path / "old.csv"
    recs[schema.UNPREDICTED_COLUMNS].assign(issues=recs["issues"].map(";".join), sdg_goals="", sdg_targets="").to_csv(
        path, index=False)
    back = load(path).recommendations
    assert back["action_category_source"].tolist().count("coded") == 4
    assert (back.loc[back["action_category"].isna(), "action_category_source"] == "").all()
    assert back["action_category_probability"].isna().all()


def test_a_probability_that_is_no_probability_is_refused_naming_row_and_column(embedded_recs, tmp_path):
    recs = embedded_recs.head(3)
    path = tmp_path / "bad.csv"
    canonical.write(recs, path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[1, "action_category_probability"] = "1.5"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"row 3.*action_category_probability.*'1.5'.*probability 0-1"):
        load(path)
    parquet = tmp_path / "bad.parquet"
    canonical.write(recs, parquet)
    frame = pd.read_parquet(parquet)
    frame["action_category_probability"] = [None, "high", None]
    frame.to_parquet(parquet, index=False)
    with pytest.raises(DataError, match=r"row 2.*action_category_probability.*'high'"):
        load(parquet)


def test_predictions_fill_what_the_source_left_out_and_are_cached(mixed_csv, small_models):
    data = in_use.with_predictions(load(mixed_csv), models=small_models)
    recs = data.recommendations
    dihr, upr_info = recs[recs["source"] == "dihr"], recs[recs["source"] == "upr-info"]
    assert (upr_info["action_category_source"] == "coded").all()
    assert upr_info["action_category_probability"].isna().all()
    assert (dihr["action_category_source"] == "predicted").sum() >= 110  # a text with no known word: none
    predicted = dihr[dihr["action_category_source"] == "predicted"]
    assert predicted["action_category"].notna().all() and predicted["action_category"].between(1, 5).all()
    assert predicted["action_category_probability"].between(0.2, 1).all()
    assert (dihr["issues_source"] != "coded").all() and (dihr["issues"].map(len) > 0).any()
    assert data.source["predictions"] == {"classifier": in_use.models_fingerprint(small_models)}
    kept = list((cache.location() / "classifier" / "predictions").glob("*.parquet"))
    assert kept
    again = in_use.with_predictions(load(mixed_csv), models=small_models)
    pd.testing.assert_frame_equal(again.recommendations, recs)
    counts = in_use.counts(recs)
    assert counts["action_category"]["coded"] == 120
    assert sum(counts["action_category"].values()) == sum(counts["issues"].values()) == 240


def test_turned_off_only_the_source_coding_and_never_the_same_pooled_key(mixed_csv, small_models):
    on = in_use.with_predictions(load(mixed_csv), models=small_models)
    off = in_use.with_predictions(load(mixed_csv), predict=False)
    assert off.source["predictions"] == "off"
    assert set(off.recommendations["action_category_source"]) == {"coded", ""}
    assert off.recommendations["action_category"].isna().sum() == 120
    assert shared.data_digest(on) != shared.data_digest(off)


def test_open_analysis_predicts_unless_told_not_to(mixed_csv, small_models, monkeypatch, tmp_path):
    monkeypatch.setattr(store, "trained", lambda: small_models)
    country = load(mixed_csv).recommendations["sur_iso3"].iloc[-1]  # a State of session 21
    run = open_analysis("compliance_trends", country, str(mixed_csv), tmp_path / "on")
    assert (run.data.recommendations["action_category_source"] == "predicted").sum() >= 110
    run = open_analysis("compliance_trends", country, str(mixed_csv), tmp_path / "off", predict_categories=False)
    assert "predicted" not in set(run.data.recommendations["action_category_source"])


def test_data_info_counts_coded_predicted_and_unknown(mixed_csv, small_models, capsys):
    summary = describe(in_use.with_predictions(load(mixed_csv), models=small_models))
    categories = summary["action_categories"]
    assert categories["coded"] == 120 and categories["predicted"] + categories["unknown"] == 120
    assert categories["predicted"] >= 110
    text = render(summary)
    assert f"predicted by upr-lab's classifier {categories['predicted']:,}" in text
    recs = in_use.with_predictions(load(mixed_csv), models=small_models).recommendations
    caption = coverage.caption(recs, "action_category")
    assert f"{categories['predicted']:,} (" in caption and "predicted by upr-lab's classifier" in caption
    assert "classifier" not in coverage.caption(recs, "sdg_goals")  # a column no classifier fills
    assert cli.main(["data", "info", "--data", str(mixed_csv), "--json", "--no-predict-categories"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["action_categories"] == {"coded": 120, "predicted": 0, "unknown": 120}
    assert shown["predictions"] == "off"


def test_sensitivity_sets_the_coded_only_fit_beside_the_one_with_predictions(mixed_csv, small_models):
    recs = in_use.with_predictions(load(mixed_csv), models=small_models).recommendations
    table = in_use.sensitivity(recs)
    assert {"odds_ratio_coded_only", "ci_low_coded_only", "odds_ratio_with_predicted",
            "ci_high_with_predicted"} <= set(table.columns)
    terms = table.set_index("term")
    assert np.isfinite(terms.loc["action_category[unknown]", "odds_ratio_coded_only"])  # the DIHR rows, uncoded
    unknown_left = (recs["action_category_source"] == "").sum()
    assert np.isfinite(terms.loc["action_category[unknown]", "odds_ratio_with_predicted"]) == bool(unknown_left)
    assert "predicted categories counted as unknown" in table.attrs["note"]


def test_model_tables_and_forest_plots_name_terms_in_words(mixed_csv, small_models):
    recs = in_use.with_predictions(load(mixed_csv), models=small_models).recommendations
    result = models.outcome_model(recs)
    assert "action_category[5]" in result.params.index  # statsmodels' names are kept for the code
    shown = result._repr_html_()
    assert "Action category 5 (specific)" in shown and "action_category[5]" not in shown
    assert "Regional group of the State under review: " in shown
    assert any("predicted by upr-lab's classifier" in note for note in result.notes)
    figure = plots.odds_ratio_forest(result.odds_ratios(), "terms", False)
    labels = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert "Action category 5 (specific)" in labels and not any("[" in label for label in labels)


def test_published_category_5_shares_beside_the_data_and_the_classifier(embedded_recs):
    from upr_lab.review import published_categories as pc
    from upr_lab.review.published import PublishedFigureMismatch

    recs = embedded_recs[embedded_recs["session"] <= 20]
    table = pc.specific_share_vs_published(recs)
    assert table["session"].tolist() == [1, 4, 5, 16, 17, 18, 19] and (table["coding"] == "coded").all()
    assert table.loc[table["session"] == 4, "data"].iloc[0] == pytest.approx(
        (recs.loc[recs["session"] == 4, "action_category"] == 5).mean())
    pc.check_specific_share(table)
    with pytest.raises(PublishedFigureMismatch, match="session 4"):
        pc.check_specific_share(table.assign(difference=np.where(table["session"] == 4, 0.05, 0.0)))
    evaluated = pc.evaluated_specific_shares(embedded.FOLDER.parents[2] / "validation" / "classifier.md")
    assert evaluated["session"].tolist() == [17, 18, 19, 20]
    data = table.set_index("session")["data"]
    for row in evaluated[evaluated["session"] < 20].itertuples():  # the evaluation's coded share is the data's
        assert row.coded == pytest.approx(100 * data[row.session], abs=0.051)
        assert row.estimated < row.coded  # the classifier under-counts specific action there


def test_nothing_to_predict_loads_no_model(monkeypatch):
    """The synthetic data set codes every category and tag: no model is loaded, nothing is marked predicted."""
    def refuse():
        raise AssertionError("the models were loaded with nothing to predict")

    monkeypatch.setattr(store, "trained", refuse)
    data = in_use.with_predictions(load("synthetic"))
    assert data.source["predictions"] == {"classifier": None}
    assert set(data.recommendations["action_category_source"]) == {"coded"}


def test_a_warm_kernel_predicts_once_and_gives_each_notebook_its_own_copy(mixed_csv, small_models, monkeypatch,
                                                                          tmp_path):
    asked = []
    monkeypatch.setattr(store, "trained", lambda: asked.append(1) or small_models)
    monkeypatch.setattr(analysis, "_kept", {"on": False, "key": None, "data": None, "warnings": []})
    analysis.keep_predicted_data()  # as a batch's warm kernel does
    country = load(mixed_csv).recommendations["sur_iso3"].iloc[-1]
    first = open_analysis("compliance_trends", country, str(mixed_csv), tmp_path / "a")
    first.data.recommendations.loc[:, "response"] = "noted"  # a notebook that changes its data
    first.data.source["label"] = "changed"
    second = open_analysis("regional_comparison", country, str(mixed_csv), tmp_path / "b")
    fresh = in_use.with_predictions(load(mixed_csv), models=small_models)
    assert len(asked) == 1  # the second notebook was given the kept data set, not predicted again
    pd.testing.assert_frame_equal(second.data.recommendations, fresh.recommendations)
    assert second.data.source == fresh.source
    off = open_analysis("civil_society", country, str(mixed_csv), tmp_path / "c", predict_categories=False)
    assert "predicted" not in set(off.data.recommendations["action_category_source"])  # other data: not kept


def test_a_batch_predicts_before_its_kernels_start_and_they_read_the_predictions(mixed_csv, monkeypatch, tmp_path):
    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "cache"))
    country = load(mixed_csv).recommendations["sur_iso3"].iloc[-1]
    jobs = preflight.check_batch([country], ["compliance_trends", "civil_society"], data=str(mixed_csv),
                                 out=tmp_path / "out")
    preflight.predict_once(jobs)  # in a process of its own, with the shipped classifier
    assert len(list((tmp_path / "cache" / "classifier" / "predictions").glob("*.parquet"))) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("predicted again in the kernel")
    monkeypatch.setattr(predicted, "annotate", refuse)
    data = in_use.with_predictions(load(mixed_csv))
    assert (data.recommendations["action_category_source"] == "predicted").sum() >= 100


def test_a_batch_whose_predictions_are_cached_starts_no_process_to_predict(mixed_csv, monkeypatch, tmp_path):
    from upr_lab.stats.processes import own_process

    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "cache"))
    country = load(mixed_csv).recommendations["sur_iso3"].iloc[-1]
    started = []
    calls = own_process.call
    monkeypatch.setattr(own_process, "call", lambda *args, **kwargs: started.append(1) or calls(*args, **kwargs))

    def batch(data, out):
        preflight.predict_once(preflight.check_batch([country], ["civil_society"], data=str(data), out=out))

    batch(mixed_csv, tmp_path / "out")
    assert started == [1]  # nothing cached: predicted in a process of its own
    batch(mixed_csv, tmp_path / "out")
    assert started == [1]  # cached now (the kernels read it): no process started
    other = load(mixed_csv).recommendations
    other.loc[other.index[-1], "text"] += " (a text changed)"
    canonical.write(other, tmp_path / "other.csv")
    batch(tmp_path / "other.csv", tmp_path / "o")
    assert started == [1, 1]  # another data set: its own predictions
    assert not preflight._loaded  # the data sets read by the check are not held for the rest of the batch
