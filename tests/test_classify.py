"""The action category and issue tag classifiers (``upr_lab.stats.classify``), trained on a small slice of the
embedded data: deterministic, plain arrays, probabilities that sum to 1, no guess where no word is known,
quantification that recovers a planted prevalence, and refusals that say what is wrong."""

import json

import numpy as np
import pandas as pd
import pytest

from upr_lab.exceptions import DataError, ParameterError
from upr_lab.sources import embedded
from upr_lab.stats.classify import features, predicted, quantify, rules, store
from upr_lab.stats.classify.model import CategoryModel, session_folds
from upr_lab.stats.classify.tags import TagModel, scores

CATEGORIES = (1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def sample():
    """About 1,300 coded recommendations of sessions 1-8 (every 12th row) and 200 of session 9 to test on."""
    recommendations = embedded.read()[0]["recommendations"].sort_values("rec_id", kind="stable")
    early = recommendations[recommendations["session"] <= 8].iloc[::12]
    later = recommendations[recommendations["session"] == 9].iloc[:200]
    return early, later


@pytest.fixture(scope="module")
def trained(sample):
    early, _ = sample
    return CategoryModel.train(early["text"], early["recommender_group"], early["action_category"].astype(int),
                               sessions=early["session"], blocks=("words", "meta"))


def test_first_verb_and_mcmahon_rules():
    assert features.first_verb("The Government should continue its efforts") == "continu"
    assert features.first_verb("(a) To ratify the OP-CAT") == "ratifi"
    assert features.first_verb("") == ""
    assert [rules.category(t) for t in ("Continue its efforts to combat poverty", "Consider ratifying the CED",
                                        "Abolish the death penalty", "Take measures to protect children",
                                        "Seek technical assistance from OHCHR", "Reflect on X")] == [2, 3, 5, 4, 1, 3]


def test_features_read_the_opening_the_verbs_object_and_the_group():
    found = features.terms(["The Government should adopt a comprehensive law on torture", "Zqxw"], ["WEOG", None])
    assert found["meta"][0] == ["verb_adopt", "pair_adopt_comprehens", "object_adopt_comprehens", "object_adopt_law",
                                "object_adopt_on", "group_weog"]
    assert found["meta"][1] == ["verb_zqxw", "pair_zqxw_none", "group_none"]
    assert "adopt comprehens" in found["words"][0] and "govern" in found["words"][0]
    block = features.Block.fit("words", [["a", "b"], ["a", "b", "b"], ["a", "c"], ["b"]] * 2)
    assert block.terms == ["a", "b"]  # "c" occurs in two recommendations, fewer than min_df = 3
    x = block.transform([["a", "b", "b", "zz"], ["zz"]]).toarray()
    np.testing.assert_allclose(np.linalg.norm(x[0]), 1.0)
    assert x[1].tolist() == [0.0, 0.0] and x[0, 1] > x[0, 0]  # "b" twice: 1 + log 2 times its idf


def test_character_ngrams_of_the_first_words_are_scikit_learns_char_wb():
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    for words in (["to", "ratify"], ["urgently", "ensure", "that", "women"], ["ab"]):
        assert features.character_ngrams(words) == analyse(" ".join(words))
    found = features.terms(["The Government should urgently ratify the CAT, and report"], ["WEOG"])["chars"][0]
    assert " the" in found and " urg" in found and "ratif" not in found  # the first four words only
    assert found == features.character_ngrams(["the", "government", "should", "urgently"])


def test_the_tag_model_reads_the_category_models_blocks_stored_once(sample, tmp_path):
    """The category model reads words, opening and character n-grams; the tag model the first two of the same
    fitted blocks: saved once, read back shared, and a batch transformed once gives both models' columns."""
    early, later = sample
    texts, groups = early["text"].tolist(), early["recommender_group"].tolist()
    shared = features.Features.fit(texts, groups, ("words", "meta", "chars"))
    x = shared.transform(texts, groups)
    categories = CategoryModel.fit(shared, texts, groups, early["action_category"].astype(int), x=x)
    tag_features = shared.only(("words", "meta"))
    tags = TagModel.train(texts, groups, early["issues"], features=tag_features, x=shared.columns(x, ("words", "meta")))
    assert shared.shares_blocks(tag_features) and not tag_features.shares_blocks(shared)
    alone = TagModel.train(texts, groups, early["issues"])  # its own features: words and opening
    np.testing.assert_allclose(tags.coef, alone.coef, atol=1e-6)
    store.save(tmp_path / "m.npz", store.models_arrays(categories, tags, "k"))
    arrays = store.load(tmp_path / "m.npz")
    assert "tags.features.blocks" not in arrays and arrays["tags.shared_blocks"].tolist() == ["words", "meta"]
    read_categories, read_tags = store.read_models(tmp_path / "m.npz", "k")
    assert read_tags.features.blocks == ("words", "meta") and read_categories.features.shares_blocks(read_tags.features)
    tags.f1 = read_tags.f1 = np.ones(len(tags.tags))
    annotated = predicted.annotate(later.assign(action_category=pd.NA, issues=[()] * len(later)),
                                   (read_categories, read_tags))
    expected = tags.predict(later["text"], later["recommender_group"], only_assignable=True)
    assert annotated["issues"].tolist() == expected


def test_probabilities_are_a_distribution_over_the_five_categories(trained, sample):
    _, later = sample
    probabilities = trained.probabilities(later["text"], later["recommender_group"])
    assert probabilities.shape == (len(later), 5)
    known = ~np.isnan(probabilities[:, 0])
    assert known.sum() > 190
    np.testing.assert_allclose(probabilities[known].sum(axis=1), 1.0)
    assert set(trained.predict(later["text"], later["recommender_group"])[known]) <= set(CATEGORIES)


def test_learns_something_beyond_the_commonest_category(trained, sample):
    _, later = sample
    predicted = trained.predict(later["text"], later["recommender_group"])
    truth = later["action_category"].astype(int).to_numpy()
    commonest = pd.Series(truth).value_counts(normalize=True).max()
    assert (predicted == truth).mean() > commonest + 0.1


def test_no_prediction_for_a_recommendation_without_a_known_word(trained):
    probabilities = trained.probabilities(["Zqxw vvbnk.", "", "Continue its efforts to combat poverty"],
                                          ["WEOG", "", "Africa"])
    assert np.isnan(probabilities[:2]).all() and not np.isnan(probabilities[2]).any()
    assert trained.predict(["Zqxw vvbnk."], ["WEOG"]).tolist() == [0]


def test_training_is_deterministic_and_saved_as_the_same_bytes(sample, tmp_path, trained):
    early, later = sample
    again = CategoryModel.train(early["text"], early["recommender_group"], early["action_category"].astype(int),
                                sessions=early["session"], blocks=("words", "meta"))
    store.save(tmp_path / "a.npz", trained.arrays())
    store.save(tmp_path / "b.npz", again.arrays())
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    loaded = CategoryModel.from_arrays(store.load(tmp_path / "a.npz"))
    np.testing.assert_array_equal(loaded.probabilities(later["text"], later["recommender_group"]),
                                  trained.probabilities(later["text"], later["recommender_group"]))
    np.testing.assert_array_equal(loaded.soft_rates, trained.soft_rates)


def test_saved_models_hold_no_pickled_objects(trained, tmp_path):
    store.save(tmp_path / "m.npz", trained.arrays())
    with np.load(tmp_path / "m.npz", allow_pickle=False) as found:
        assert all(found[name].dtype != object for name in found.files)


def test_a_damaged_model_file_is_a_data_error(tmp_path):
    (tmp_path / "m.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError, match=r"m\.npz: cannot read the trained classifier"):
        store.load(tmp_path / "m.npz")


def test_error_rates_are_rows_of_probabilities(trained):
    for rates in (trained.hard_rates, trained.soft_rates):
        assert rates.shape == (5, 5)
        np.testing.assert_allclose(rates.sum(axis=1), 1.0)
    np.testing.assert_allclose(trained.train_prior.sum(), 1.0)


def planted(prevalence, rates, n, seed):
    """Predictions drawn through a known confusion: true class by ``prevalence``, predicted by ``rates``."""
    rng = np.random.default_rng(seed)
    true = rng.choice(len(prevalence), size=n, p=prevalence)
    predicted = np.array([rng.choice(len(prevalence), p=rates[t]) for t in true])
    return np.eye(len(prevalence))[predicted]


RATES = np.array([[0.70, 0.10, 0.10, 0.10, 0.00], [0.05, 0.85, 0.05, 0.05, 0.00], [0.00, 0.10, 0.75, 0.15, 0.00],
                  [0.00, 0.02, 0.03, 0.85, 0.10], [0.00, 0.00, 0.02, 0.18, 0.80]])


def test_adjusted_count_recovers_a_planted_prevalence_that_counting_misses():
    prevalence = np.array([0.02, 0.15, 0.08, 0.35, 0.40])
    predictions = planted(prevalence, RATES, 20_000, seed=3)
    counted = quantify.shares(predictions, "count")
    adjusted = quantify.shares(predictions, "adjusted_count", hard_rates=RATES)
    assert prevalence[4] - counted[4] > 0.04  # a category 5 read as 4 one time in five: under-counted
    np.testing.assert_allclose(adjusted, prevalence, atol=0.01)
    assert adjusted.min() >= 0 and adjusted.sum() == pytest.approx(1.0)


def test_em_recovers_a_prevalence_shift_with_calibrated_probabilities():
    rng = np.random.default_rng(5)
    means = np.array([[-1.0], [1.0]])
    def sample(prior, n):  # two classes, one Gaussian feature each; exact posteriors under a 50/50 prior
        true = rng.choice(2, size=n, p=prior)
        x = rng.normal(means[true, 0], 1.0)
        likelihood = np.exp(-0.5 * (x[:, None] - means[:, 0]) ** 2)
        return likelihood / likelihood.sum(axis=1, keepdims=True)
    shifted = quantify.shares(sample([0.2, 0.8], 20_000), "em", train_prior=np.array([0.5, 0.5]))
    np.testing.assert_allclose(shifted, [0.2, 0.8], atol=0.02)


def test_bootstrap_interval_holds_the_estimate_and_is_reproducible():
    predictions = planted(np.array([0.02, 0.15, 0.08, 0.35, 0.40]), RATES, 2_000, seed=4)
    estimate = quantify.shares(predictions, "adjusted_count", hard_rates=RATES)
    low, high = quantify.bootstrap(predictions, "adjusted_count", replicates=50, hard_rates=RATES)
    assert ((low <= estimate + 1e-9) & (estimate <= high + 1e-9)).all() and (high - low)[4] > 0
    again = quantify.bootstrap(predictions, "adjusted_count", replicates=50, hard_rates=RATES)
    np.testing.assert_array_equal(low, again[0])


def test_refusals_say_what_is_wrong(sample):
    early, _ = sample
    without_1 = early[early["action_category"] != 1]
    with pytest.raises(ParameterError, match=r"categories \[2, 3, 4, 5\] only; expected each of 1-5"):
        CategoryModel.train(without_1["text"], without_1["recommender_group"],
                            without_1["action_category"].astype(int))
    with pytest.raises(ParameterError, match="found categories \\[7\\]; expected 1-5"):
        CategoryModel.train(["a b", "c d"] * 5, [""] * 10, [1, 2, 3, 4, 5, 7, 1, 2, 3, 4])
    with pytest.raises(ParameterError, match="cannot estimate shares of no recommendations"):
        quantify.shares(np.zeros((0, 5)), "count")
    with pytest.raises(ParameterError, match="unknown quantification method 'median'"):
        quantify.shares(np.eye(5), "median")
    with pytest.raises(ParameterError, match="cannot measure error rates on later sessions: 2 session"):
        CategoryModel.train(["take measures"] * 5, [""] * 5, [1, 2, 3, 4, 5], sessions=[1, 1, 2, 2, 2])
    with pytest.raises(ParameterError, match="the 5 training recommendations have no words in common"):
        CategoryModel.train(["ab", "cd", "ef", "gh", "ij"], [""] * 5, [1, 2, 3, 4, 5])
    with pytest.raises(ParameterError, match="cannot cross-validate over 2 session"):
        session_folds(np.array([1, 1, 2]), 4)
    with pytest.raises(ParameterError, match="no training recommendation of class index 4"):
        quantify.confusion_rates([0, 1, 2, 3], np.eye(5)[:4], 5)


def test_session_folds_keep_each_session_whole():
    folds = session_folds(np.array([3, 1, 2, 4, 5, 1, 6, 7, 8]), 4)
    assert folds == {1: 0, 2: 1, 3: 2, 4: 3, 5: 0, 6: 1, 7: 2, 8: 3}


@pytest.fixture(scope="module")
def tag_model(sample):
    early, _ = sample
    return TagModel.train(early["text"], early["recommender_group"], early["issues"])


def test_tags_predict_known_tags_and_refuse_to_assign_without_a_held_out_f1(tag_model, sample):
    _, later = sample
    predicted = tag_model.predict(later["text"], later["recommender_group"])
    assert len(predicted) == len(later) and all(set(p) <= set(tag_model.tags) for p in predicted)
    assert sum(map(len, predicted)) > 0
    with pytest.raises(ParameterError, match="no held-out F1"):
        tag_model.predict(later["text"], later["recommender_group"], only_assignable=True)
    tag_model.f1 = np.where(np.asarray(tag_model.tags) == "Death penalty", 0.9, 0.5)
    assert tag_model.assignable == ("Death penalty",)
    kept = tag_model.only(np.asarray(tag_model.tags) == "Death penalty")
    assert kept.tags == ("Death penalty",) and kept.coef.shape[0] == 1 and kept.assignable == ("Death penalty",)
    assigned = tag_model.predict(later["text"], later["recommender_group"], only_assignable=True)
    assert {t for p in assigned for t in p} <= {"Death penalty"}


def test_tag_scores_by_hand():
    found = scores([("A", "B"), ("A",), ()], [("A",), ("B",), ("A",)], ["A", "B"])
    assert found["A"] == dict(precision=0.5, recall=0.5, f1=0.5, support=2, predicted=2)
    assert found["B"] == dict(precision=0.0, recall=0.0, f1=0.0, support=1, predicted=1)


def test_annotate_keeps_coding_and_predicts_the_rest(trained, tag_model, sample):
    _, later = sample
    frame = later.head(6).copy()
    frame.loc[frame.index[:3], "action_category"] = pd.NA
    frame.loc[frame.index[:3], "issues"] = pd.Series([()] * 3, index=frame.index[:3], dtype=object)
    frame.loc[frame.index[2], "text"] = "Zqxw vvbnk."
    tag_model.f1 = np.full(len(tag_model.tags), 0.9)
    out = predicted.annotate(frame, models=(trained, tag_model))
    assert out["action_category_source"].tolist() == ["predicted", "predicted", "", "coded", "coded", "coded"]
    assert out["action_category"].iloc[3:].tolist() == later.head(6)["action_category"].iloc[3:].tolist()
    assert out["action_category"].iloc[:2].notna().all() and pd.isna(out["action_category"].iloc[2])
    probability = out["action_category_probability"]
    assert (probability.iloc[:2] > 0.2).all() and probability.iloc[2:].isna().all()
    assert out["issues_source"].tolist() == ["predicted", "predicted", "", "coded", "coded", "coded"]
    assert predicted.predicted_counts(out) == {"coded": 3, "predicted": 2, "unknown": 1}
    again = predicted.annotate(out, models=(trained, tag_model))  # predictions are never taken for coding
    assert again["action_category_source"].tolist() == out["action_category_source"].tolist()
    assert again["issues_source"].tolist() == out["issues_source"].tolist()
    assert again["action_category_probability"].iloc[:2].tolist() == probability.iloc[:2].tolist()


def test_category_shares_coded_where_coded_estimated_with_an_interval_where_not(trained, tag_model, sample):
    _, later = sample
    frame = pd.concat([later.head(50), later.tail(80).assign(session=21, action_category=pd.NA)])
    found = predicted.category_shares(frame, replicates=30, models=(trained, tag_model))
    assert found.shape == (10, 7) and found.groupby("session")["share"].sum().round(9).tolist() == [1.0, 1.0]
    coded = found[found["session"] == 9]
    assert (coded["basis"] == "coded").all() and coded["low"].isna().all()
    expected = later.head(50)["action_category"].astype(int).value_counts(normalize=True)
    assert coded.set_index("action_category")["share"].to_dict() == {c: expected.get(c, 0.0) for c in CATEGORIES}
    estimated = found[found["session"] == 21]
    assert (estimated["basis"] == "predicted").all()
    assert ((estimated["low"] <= estimated["share"] + 1e-9) & (estimated["share"] <= estimated["high"] + 1e-9)).all()


def test_error_rates_by_folds_of_sessions(sample):
    early, _ = sample
    model = CategoryModel.train(early["text"], early["recommender_group"], early["action_category"].astype(int),
                                sessions=early["session"], blocks=("words", "meta"), rates="folds")
    np.testing.assert_allclose(model.soft_rates.sum(axis=1), 1.0)
    assert (np.diag(model.hard_rates)[1:] > 0.3).all()  # categories 2-5 are mostly recognised
    with pytest.raises(ParameterError, match="unknown way to measure error rates 'random'; expected later or folds"):
        CategoryModel.train(early["text"], early["recommender_group"], early["action_category"].astype(int),
                            sessions=early["session"], blocks=("words", "meta"), rates="random")


def test_saved_models_are_read_back_only_under_their_key(trained, tag_model, tmp_path):
    path = tmp_path / "models.npz"
    store.save(path, store.models_arrays(trained, tag_model, "k1"))
    categories, tags = store.read_models(path, "k1")
    np.testing.assert_array_equal(categories.coef, trained.coef)
    assert tags.tags == tag_model.tags
    assert store.read_models(path, "k2") is None  # other data or other code: trained anew
    assert store.read_models(tmp_path / "missing.npz", "k1") is None
    assert store.key("a" * 64) != store.key("b" * 64)


def test_the_shipped_model_is_the_one_make_data_trains(monkeypatch):
    """``upr_lab/data/classifier.npz`` holds plain arrays (numbers and strings, read with allow_pickle=False)
    and its key is that of the embedded data's coded recommendations and of the classifier's code at hand:
    after a change to either, ``make data`` trains it anew. ``trained()`` then uses it without training."""
    arrays = store.load(store.SHIPPED)
    assert all(array.dtype != object for array in arrays.values())
    assert str(arrays["key"]) == store.key(embedded.recorded_sha256()), "stale: run make data"
    def no_training(_):
        raise AssertionError("trained() trained although the shipped model's key matches")
    monkeypatch.setattr(store, "train_for_use", no_training)
    store.trained.cache_clear()
    try:
        categories, tags = store.trained()
    finally:
        store.trained.cache_clear()
    assert categories.calibration is not None and categories.soft_rates.shape == (5, 5)
    assert categories.features.shares_blocks(tags.features) and tags.features.blocks == ("words", "meta")
    assert len(tags.assignable) == len(tags.tags) > 20
    assert categories.predict(["Ratify the Convention against Torture", "Continue its efforts to reduce poverty",
                               "Consider abolishing the death penalty"], ["WEOG"] * 3).tolist() == [5, 2, 3]


def test_a_model_file_holding_a_pickle_is_refused_unread(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, key=np.asarray("k"), coef=np.array([{"a": 1}], dtype=object))
    with pytest.raises(DataError, match="cannot read the trained classifier .*allow_pickle"):
        store.read_models(path, "k")


def test_a_changed_embedded_data_set_or_changed_code_invalidates_the_shipped_model(tmp_path, monkeypatch):
    """The key is read from the embedded data set's ``source.json`` (no table read, no row hashed): another
    recommendations table (another recorded SHA-256) or another classifier code gives another key, and
    ``trained()`` then trains instead of using the shipped file."""
    shipped = str(store.load(store.SHIPPED)["key"])
    assert store.key() == shipped
    folder = tmp_path / "upr"
    folder.mkdir()
    source = json.loads((embedded.FOLDER / "source.json").read_text(encoding="utf-8"))
    source["tables"]["recommendations"] = "0" * 64
    (folder / "source.json").write_text(json.dumps(source), encoding="utf-8")
    monkeypatch.setattr(embedded, "FOLDER", folder)
    assert embedded.recorded_sha256() == "0" * 64 and store.key() != shipped
    def trains(_):
        raise RuntimeError("trains")
    monkeypatch.setattr(store, "train_for_use", trains)
    monkeypatch.setattr(store.cache, "location", lambda: None)
    store.trained.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="trains"):
            store.trained()
    finally:
        store.trained.cache_clear()
    monkeypatch.undo()
    code = tmp_path / "package"
    for name in store._CODE:
        (code / name).parent.mkdir(parents=True, exist_ok=True)
        (code / name).write_bytes((store.version.PACKAGE_DIR / name).read_bytes())
    monkeypatch.setattr(store.version, "PACKAGE_DIR", code)
    assert store.key() == shipped
    (code / store._CODE[1]).write_bytes((code / store._CODE[1]).read_bytes() + b"\n# changed\n")
    assert store.key() != shipped


def test_the_make_data_step_refuses_a_missing_folder_in_one_line(tmp_path, capsys):
    target = tmp_path / "missing" / "classifier.npz"
    assert store.main(["--out", str(target)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith(f"upr-lab: error: {target.parent}: no such folder")
    assert not target.parent.exists()
