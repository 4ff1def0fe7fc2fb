"""The action category classifier: a linear support vector machine on the features of ``features``, its
decision values turned into probabilities by a calibration fitted on later sessions than the machine was
trained on, with the error rates measured there, for ``quantify``.

A trained ``CategoryModel`` is plain data: the feature blocks' terms and idf, the coefficients, the
intercepts, the calibration, the error rates and the training prevalence (``arrays``, ``from_arrays``).
"""

import numpy as np
from upr_lab.exceptions import ParameterError
from upr_lab.stats.classify import quantify
from upr_lab.stats.classify.features import Features

CATEGORIES = (1, 2, 3, 4, 5)
LABELS = {1: "minimal action", 2: "continuing action", 3: "considering action", 4: "general action",
          5: "specific action"}
# The character n-grams of the first words ("chars") raised macro-F1 on sessions 13-16 (model of 1-12) from
# 0.908 to 0.912; averaging with a logistic regression added 0.0004 more and is not used.
DEFAULT_BLOCKS = ("words", "meta", "chars")
# The best of 0.1, 0.3, 1 by macro-F1 on sessions 13-16 for a model trained on 1-12 (``evaluate.choose_c``;
# 0.9055 against 0.9054 at 0.3). A multinomial logistic regression (C = 3) was as accurate there (accuracy
# 0.907, macro-F1 0.906) and took 25 times longer to fit.
DEFAULT_C = 0.1
FOLDS = 4  # folds of the training sessions (whole sessions) for the error rates, rates="folds"
LATER = 4  # the last training sessions, scored by a model of the earlier ones, for rates="later"
# How the calibration and the error rates that quantification corrects with are measured: "later" (a
# model trained on the earlier training sessions scores the last LATER ones: errors as they are when a
# model meets later sessions, coding habits having drifted) or "folds" (cross-validation over folds of
# whole sessions). "later" was chosen on the validation split: trained on 1-12, its corrected shares of
# sessions 13-16 were at worst 2.1 points off (probabilistic adjusted count) against 2.6 with "folds".
RATES = "later"


def fit_linear(x, y, c=DEFAULT_C):
    """A linear support vector machine, one category against the rest (liblinear; deterministic)."""
    from sklearn.svm import LinearSVC  # scikit-learn only to train: predicting from the shipped model is numpy

    return LinearSVC(C=c, random_state=25, max_iter=5000).fit(x, y)


def fit_calibration(decisions, categories):
    """Probabilities from decision values: a multinomial logistic regression on the five decision values
    (weights ``(5, 5)`` and intercepts), fitted on held-out recommendations."""
    from sklearn.linear_model import LogisticRegression

    found = LogisticRegression(C=100.0, max_iter=1000).fit(decisions, categories)
    return found.coef_, found.intercept_


def _check_training(categories):
    values = set(np.unique(categories).tolist())
    if not values <= set(CATEGORIES):
        raise ParameterError(f"cannot train the action category classifier: found categories "
                             f"{sorted(values - set(CATEGORIES))}; expected 1-5")
    if values != set(CATEGORIES):
        raise ParameterError(f"cannot train the action category classifier: the training recommendations hold "
                             f"categories {sorted(values)} only; expected each of 1-5 at least once")


def _softmax(logits):
    logits = logits - logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=1, keepdims=True)


class CategoryModel:
    """A trained classifier. ``probabilities(texts, groups)`` gives one row per recommendation (columns:
    categories 1-5, summing to 1), NaN for a recommendation with no word the model knows. Without a
    calibration (a model trained without sessions) the probabilities are the softmax of the decision values:
    their ranking is right, their size is not."""

    def __init__(self, features, coef, intercept, hard_rates=None, soft_rates=None, train_prior=None,
                 calibration=None):
        self.features, self.coef, self.intercept = features, coef, intercept
        self.hard_rates, self.soft_rates, self.train_prior = hard_rates, soft_rates, train_prior
        self.calibration = calibration  # (weights, intercepts) or None

    @classmethod
    def train(cls, texts, groups, categories, sessions=None, blocks=DEFAULT_BLOCKS, c=DEFAULT_C, rates=RATES):
        """Train on recommendations coded 1-5; with ``sessions``, also fit the calibration and measure the
        error rates that quantification corrects with (``rates``: ``later`` or ``folds``, see ``RATES``)."""
        texts, groups = list(texts), list(groups)
        categories = np.asarray(categories, dtype=int)
        cls.check(categories)
        model = cls.fit(Features.fit(texts, groups, blocks), texts, groups, categories, c)
        if sessions is not None:
            sessions = np.asarray(sessions)
            if rates == "later":
                decisions, held = later_sessions(texts, groups, categories, sessions, blocks, c)
            elif rates == "folds":
                decisions = cross_validated(texts, groups, categories, sessions, blocks, c)
                held = np.ones(len(texts), dtype=bool)
            else:
                raise ParameterError(f"unknown way to measure error rates {rates!r}; expected later or folds")
            model.measure(decisions[held], categories[held], categories)
        return model

    @staticmethod
    def check(categories):
        """Refuse training categories outside 1-5 or missing one of them."""
        _check_training(categories)

    @classmethod
    def fit(cls, features, texts, groups, categories, c=DEFAULT_C, x=None):
        """The machine fitted on ``features`` of the recommendations (``x``: their matrix, if at hand)."""
        x = features.transform(texts, groups) if x is None else x
        linear = fit_linear(x, np.asarray(categories, dtype=int), c)
        return cls(features, linear.coef_.astype(np.float32), linear.intercept_.astype(np.float32))

    def measure(self, decisions, held_categories, categories):
        """Fit the calibration on held-out ``decisions`` (their coded ``held_categories``) and measure the error
        rates there; ``categories`` (all training ones) give the training prevalence."""
        _check_training(held_categories)
        self.calibration = fit_calibration(decisions, held_categories)
        scores, index = self.calibrated(decisions), np.asarray(held_categories) - 1
        self.hard_rates = quantify.confusion_rates(index, quantify.one_hot(scores), len(CATEGORIES))
        self.soft_rates = quantify.confusion_rates(index, scores, len(CATEGORIES))
        self.train_prior = np.bincount(np.asarray(categories) - 1, minlength=len(CATEGORIES)) / len(categories)

    def decisions(self, x):
        """Decision values of a feature matrix: one column per category."""
        return np.asarray(x @ self.coef.T, dtype=np.float64) + self.intercept

    def calibrated(self, decisions):
        if self.calibration is None:
            return _softmax(decisions)
        weights, intercepts = self.calibration
        return _softmax(decisions @ weights.T + intercepts)

    def probabilities_of(self, x, known):
        out = self.calibrated(self.decisions(x))
        out[~np.asarray(known)] = np.nan
        return out

    def probabilities(self, texts, groups):
        return self.probabilities_of(*self.features.transform_known(list(texts), list(groups)))

    def predict(self, texts, groups):
        """The most probable category of each recommendation (0 where there is no prediction)."""
        probabilities = self.probabilities(texts, groups)
        known = ~np.isnan(probabilities[:, 0])
        out = np.zeros(len(probabilities), dtype=int)
        out[known] = np.asarray(CATEGORIES)[probabilities[known].argmax(axis=1)]
        return out

    def shares(self, probabilities, method=quantify.DEFAULT):
        """Corrected share of each category among recommendations with a prediction."""
        if self.soft_rates is None and method not in ("count",):
            raise ParameterError("this model was trained without error rates (no sessions given); "
                                 "only method='count' is possible")
        probabilities = np.asarray(probabilities)
        return quantify.shares(probabilities[~np.isnan(probabilities[:, 0])], method, **self.rates())

    def rates(self):
        return dict(hard_rates=self.hard_rates, soft_rates=self.soft_rates, train_prior=self.train_prior)

    def arrays(self):
        out = {f"features.{k}": v for k, v in self.features.arrays().items()}
        out.update(coef=np.asarray(self.coef, dtype=np.float32), intercept=np.asarray(self.intercept, np.float32))
        for name in ("hard_rates", "soft_rates", "train_prior"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.calibration is not None:
            out["calibration.weights"], out["calibration.intercepts"] = self.calibration
        return out

    @classmethod
    def from_arrays(cls, arrays):
        features = Features.from_arrays({k[len("features."):]: v for k, v in arrays.items()
                                         if k.startswith("features.")})
        calibration = None
        if "calibration.weights" in arrays:
            calibration = arrays["calibration.weights"], arrays["calibration.intercepts"]
        return cls(features, arrays["coef"], arrays["intercept"],
                   *(arrays.get(name) for name in ("hard_rates", "soft_rates", "train_prior")), calibration)


def session_folds(sessions, folds):
    """Whole sessions dealt into ``folds`` folds in turn (session order), so that each fold is tested on
    sessions its model did not see."""
    unique = np.unique(sessions)
    if len(unique) < folds:
        raise ParameterError(f"cannot cross-validate over {len(unique)} session(s); expected at least {folds}")
    return {session: i % folds for i, session in enumerate(unique)}


def _held_out(texts, groups, categories, held, blocks, c):
    """Decision values of the ``held`` recommendations from a model trained on the others (features fitted
    on the others too)."""
    train, test = np.flatnonzero(~held), np.flatnonzero(held)
    _check_training(categories[~held])
    texts_train, groups_train = [texts[i] for i in train], [groups[i] for i in train]
    model = CategoryModel.fit(Features.fit(texts_train, groups_train, blocks), texts_train, groups_train,
                              categories[~held], c)
    return model.decisions(model.features.transform([texts[i] for i in test], [groups[i] for i in test]))


def cross_validated(texts, groups, categories, sessions, blocks=DEFAULT_BLOCKS, c=DEFAULT_C, folds=FOLDS):
    """Decision values of each recommendation from a model trained without its fold of sessions."""
    fold_of = session_folds(sessions, folds)
    fold = np.array([fold_of[s] for s in sessions])
    scores = np.zeros((len(texts), len(CATEGORIES)))
    for k in range(folds):
        scores[fold == k] = _held_out(texts, groups, categories, fold == k, blocks, c)
    return scores


def later_sessions(texts, groups, categories, sessions, blocks=DEFAULT_BLOCKS, c=DEFAULT_C, later=LATER):
    """Decision values of the recommendations of the last ``later`` sessions from a model trained on the
    earlier ones, and the mask of those recommendations."""
    unique = np.unique(sessions)
    if len(unique) <= later:
        raise ParameterError(f"cannot measure error rates on later sessions: {len(unique)} session(s); expected "
                             f"more than {later}")
    held = sessions >= unique[-later]
    scores = np.zeros((len(texts), len(CATEGORIES)))
    scores[held] = _held_out(texts, groups, categories, held, blocks, c)
    return scores, held
