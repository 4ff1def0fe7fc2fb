"""The classifiers evaluated the way they are used: trained on earlier sessions, tested on later ones.

``evaluate(recommendations)`` trains on sessions up to ``TRAIN_LAST`` (16) and tests on the later coded
sessions (17-20); settings (the regularisation ``C``) are chosen on a validation split inside the training
sessions (1-12 against 13-16), never on the test sessions. It returns plain dicts that
``validation/classifier.py`` writes out.
"""

import numpy as np

from upr_lab.exceptions import ParameterError
from upr_lab.stats.classify import quantify, rules
from upr_lab.stats.classify.model import CATEGORIES, CategoryModel, cross_validated
from upr_lab.stats.classify.tags import ASSIGN_F1, THRESHOLDS, TagModel, scores

TRAIN_LAST = 16
VALIDATION_FIRST = 13
VARIANTS = {  # name: feature blocks
    "word + word-pair TF-IDF": ("words",),
    "+ first verb, first two words, the verb's object, recommending group": ("words", "meta"),
    "+ character 3-5-grams of the first four words": ("words", "meta", "chars"),
}
CHOSEN = "+ character 3-5-grams of the first four words"
C_GRID = (0.1, 0.3, 1.0)


def category_scores(true, predicted):
    """Accuracy, macro-F1, the confusion matrix (rows coded, columns predicted) and per-category F1."""
    true, predicted = np.asarray(true, dtype=int), np.asarray(predicted, dtype=int)
    confusion = np.array([[int(((true == i) & (predicted == j)).sum()) for j in CATEGORIES] for i in CATEGORIES])
    f1 = {}
    for k, c in enumerate(CATEGORIES):
        hits, made, support = confusion[k, k], confusion[:, k].sum(), confusion[k].sum()
        f1[c] = 2 * hits / (made + support) if made + support else 0.0
    return dict(accuracy=float((true == predicted).mean()), macro_f1=float(np.mean(list(f1.values()))),
                confusion=confusion.tolist(), f1=f1, n=int(len(true)))


def _split(recommendations, first, last):
    rows = recommendations[recommendations["session"].between(first, last)]
    return rows.sort_values("rec_id", kind="stable")


def _fit_score(train, test, blocks, c):
    model = CategoryModel.train(train["text"], train["recommender_group"], train["action_category"].astype(int),
                                blocks=blocks, c=c)
    predicted = model.predict(test["text"], test["recommender_group"])
    return category_scores(test["action_category"].astype(int), predicted)


def choose_c(coded, blocks):
    """The C with the best macro-F1 on sessions 13-16 for a model trained on 1-12."""
    train, valid = _split(coded, 1, VALIDATION_FIRST - 1), _split(coded, VALIDATION_FIRST, TRAIN_LAST)
    found = {c: _fit_score(train, valid, blocks, c)["macro_f1"] for c in C_GRID}
    return max(C_GRID, key=lambda c: (found[c], -c)), found


def evaluate_categories(recommendations, variants=VARIANTS, replicates=200):
    """Every variant and the rule baseline on the test sessions; for the chosen variant also the per-session
    shares, coded against each quantification method, with bootstrap intervals."""
    coded = recommendations[recommendations["action_category"].notna()]
    train, test = _split(coded, 1, TRAIN_LAST), _split(coded, TRAIN_LAST + 1, 10**6)
    if train.empty or test.empty:
        raise ParameterError(f"cannot evaluate: need coded recommendations in sessions up to {TRAIN_LAST} and after")
    truth = test["action_category"].astype(int).to_numpy()
    out = {"rules": category_scores(truth, rules.categories(test["text"])), "variants": {}}
    for name, blocks in variants.items():
        c, validation = choose_c(coded, blocks)
        out["variants"][name] = dict(c=c, validation_macro_f1=validation, **_fit_score(train, test, blocks, c))
    blocks, c = variants[CHOSEN], out["variants"][CHOSEN]["c"]
    model = CategoryModel.train(train["text"], train["recommender_group"], train["action_category"].astype(int),
                                sessions=train["session"], blocks=blocks, c=c)
    out["shares"] = session_shares(model, test, replicates)
    out["shares_folds"] = session_shares(_with_fold_rates(model, train, blocks, c), test, replicates=0)
    return out


def _with_fold_rates(model, train, blocks, c):
    """``model`` with its calibration and error rates measured by cross-validation over folds of sessions
    instead."""
    categories = train["action_category"].astype(int).to_numpy()
    decisions = cross_validated(list(train["text"]), list(train["recommender_group"]), categories,
                                train["session"].to_numpy(), blocks, c)
    out = CategoryModel(model.features, model.coef, model.intercept)
    out.measure(decisions, categories, categories)
    return out


def session_shares(model, test, replicates=200):
    """Per session: the coded share of each category and each method's estimate (percent), with the PAC
    bootstrap interval."""
    out = {}
    for session, rows in test.groupby("session", sort=True):
        probabilities = model.probabilities(rows["text"], rows["recommender_group"])
        probabilities = probabilities[~np.isnan(probabilities[:, 0])]
        coded = rows["action_category"].astype(int).value_counts(normalize=True)
        entry = {"n": int(len(rows)), "coded": [float(coded.get(c, 0.0)) for c in CATEGORIES]}
        for method in quantify.METHODS:
            entry[method] = quantify.shares(probabilities, method, **model.rates()).tolist()
        if replicates:
            low, high = quantify.bootstrap(probabilities, quantify.DEFAULT, replicates=replicates,
                                           **model.rates())
            entry["interval"] = [low.tolist(), high.tolist()]
        out[int(session)] = entry
    return out


def choose_threshold(tagged):
    """The decision threshold with the best mean F1 over tags on sessions 13-16 (model of 1-12)."""
    train, valid = _split(tagged, 1, VALIDATION_FIRST - 1), _split(tagged, VALIDATION_FIRST, TRAIN_LAST)
    model = TagModel.train(train["text"], train["recommender_group"], train["issues"])
    found = {}
    for threshold in THRESHOLDS:
        predicted = model.predict(valid["text"], valid["recommender_group"], threshold=threshold)
        found[threshold] = float(np.mean([s["f1"] for s in scores(valid["issues"], predicted, model.tags).values()]))
    return max(THRESHOLDS, key=lambda t: (found[t], t)), found


def evaluate_tags(recommendations):
    """Per-tag precision, recall and F1 on the test sessions for a model trained on sessions up to 16, at
    the threshold chosen on the validation split."""
    tagged = recommendations[recommendations["issues"].map(len) > 0]
    threshold, validation = choose_threshold(tagged)
    train, test = _split(tagged, 1, TRAIN_LAST), _split(tagged, TRAIN_LAST + 1, 10**6)
    model = TagModel.train(train["text"], train["recommender_group"], train["issues"])
    predicted = model.predict(test["text"], test["recommender_group"], threshold=threshold)
    found = scores(test["issues"], predicted, model.tags)
    return dict(per_tag=found, assignable=sorted(t for t, s in found.items() if s["f1"] >= ASSIGN_F1),
                threshold=threshold, validation_mean_f1=validation)
