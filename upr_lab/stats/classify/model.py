"""The action category classifier: TF-IDF features (``features``) and a multinomial logistic regression,
with the error rates that cross-validation over the training sessions measured, for ``quantify``.

A trained ``CategoryModel`` is plain data: the feature blocks' vocabularies and idf, the coefficients, the
intercepts, the classes, the error rates and the training prevalence (``arrays``, ``from_arrays``).
"""

import numpy as np
from sklearn.linear_model import LogisticRegression

from upr_lab.exceptions import ParameterError
from upr_lab.stats.classify import quantify
from upr_lab.stats.classify.features import Features

CATEGORIES = (1, 2, 3, 4, 5)
LABELS = {1: "minimal action", 2: "continuing action", 3: "considering action", 4: "general action",
          5: "specific action"}
DEFAULT_BLOCKS = ("words", "chars", "meta")
DEFAULT_C = 3.0  # the best of 3, 10, 30 by macro-F1 on sessions 13-16 for a model trained on 1-12
FOLDS = 4  # folds of the training sessions (whole sessions) for the error rates, rates="folds"
LATER = 4  # the last training sessions, scored by a model of the earlier ones, for rates="later"
# How the error rates that quantification corrects with are measured: "later" (a model trained on the
# earlier training sessions scores the last LATER ones: errors as they are when a model meets later
# sessions, coding habits having drifted) or "folds" (cross-validation over folds of whole sessions).
# "later" was chosen on the validation split: trained on 1-12, its corrected shares of sessions 13-16 were
# at worst 2.1 points off (probabilistic adjusted count) against 2.6 with "folds".
RATES = "later"


def fit_linear(x, y, c=DEFAULT_C):
    """A multinomial logistic regression, deterministic (lbfgs)."""
    return LogisticRegression(C=c, max_iter=2000, tol=1e-4).fit(x, y)


def _check_training(categories):
    values = set(np.unique(categories).tolist())
    if not values <= set(CATEGORIES):
        raise ParameterError(f"cannot train the action category classifier: found categories "
                             f"{sorted(values - set(CATEGORIES))}; expected 1-5")
    if values != set(CATEGORIES):
        raise ParameterError(f"cannot train the action category classifier: the training recommendations hold "
                             f"categories {sorted(values)} only; expected each of 1-5 at least once")


class CategoryModel:
    """A trained classifier. ``probabilities(texts, groups)`` gives one row per recommendation (columns:
    categories 1-5, summing to 1), NaN for a recommendation with no word the model knows."""

    def __init__(self, features, coef, intercept, hard_rates=None, soft_rates=None, train_prior=None):
        self.features, self.coef, self.intercept = features, coef, intercept
        self.hard_rates, self.soft_rates, self.train_prior = hard_rates, soft_rates, train_prior

    @classmethod
    def train(cls, texts, groups, categories, sessions=None, blocks=DEFAULT_BLOCKS, c=DEFAULT_C, rates=RATES):
        """Train on recommendations coded 1-5; with ``sessions``, also measure the error rates that
        quantification corrects with (``rates``: ``later`` or ``folds``, see ``RATES``)."""
        texts, groups = list(texts), list(groups)
        categories = np.asarray(categories, dtype=int)
        _check_training(categories)
        model = cls._fit(texts, groups, categories, blocks, c)
        if sessions is not None:
            sessions = np.asarray(sessions)
            if rates == "later":
                scores, held = later_sessions(texts, groups, categories, sessions, blocks, c)
            elif rates == "folds":
                scores, held = cross_validated(texts, groups, categories, sessions, blocks, c), slice(None)
            else:
                raise ParameterError(f"unknown way to measure error rates {rates!r}; expected later or folds")
            index, scores = (categories - 1)[held], scores[held]
            model.hard_rates = quantify.confusion_rates(index, quantify.one_hot(scores), len(CATEGORIES))
            model.soft_rates = quantify.confusion_rates(index, scores, len(CATEGORIES))
            model.train_prior = np.bincount(categories - 1, minlength=len(CATEGORIES)) / len(categories)
        return model

    @classmethod
    def _fit(cls, texts, groups, categories, blocks, c):
        features = Features.fit(texts, groups, blocks)
        linear = fit_linear(features.transform(texts, groups), categories, c)
        return cls(features, linear.coef_, linear.intercept_)

    def probabilities(self, texts, groups):
        texts, groups = list(texts), list(groups)
        x, known = self.features.transform_known(texts, groups)
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        out = np.exp(logits)
        out /= out.sum(axis=1, keepdims=True)
        out[~known] = np.nan
        return out

    def predict(self, texts, groups):
        """The most probable category of each recommendation (0 where there is no prediction)."""
        probabilities = self.probabilities(texts, groups)
        known = ~np.isnan(probabilities[:, 0])
        out = np.zeros(len(probabilities), dtype=int)
        out[known] = np.asarray(CATEGORIES)[probabilities[known].argmax(axis=1)]
        return out

    def shares(self, probabilities, method="probabilistic_adjusted_count"):
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
        out.update(coef=self.coef, intercept=self.intercept,
                   blocks=np.asarray(self.features.blocks, dtype=str))
        for name in ("hard_rates", "soft_rates", "train_prior"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out

    @classmethod
    def from_arrays(cls, arrays):
        blocks = tuple(arrays["blocks"].tolist())
        features = Features.from_arrays({k[len("features."):]: v for k, v in arrays.items()
                                         if k.startswith("features.")}, blocks)
        return cls(features, arrays["coef"], arrays["intercept"],
                   *(arrays.get(name) for name in ("hard_rates", "soft_rates", "train_prior")))


def session_folds(sessions, folds):
    """Whole sessions dealt into ``folds`` folds in turn (session order), so that each fold is tested on
    sessions its model did not see."""
    unique = np.unique(sessions)
    if len(unique) < folds:
        raise ParameterError(f"cannot cross-validate over {len(unique)} session(s); expected at least {folds}")
    return {session: i % folds for i, session in enumerate(unique)}


def _held_out(texts, groups, categories, held, blocks, c):
    """Probabilities of the ``held`` recommendations from a model trained on the others (uniform where the
    model knows no word of one)."""
    train, test = np.flatnonzero(~held), np.flatnonzero(held)
    model = CategoryModel._fit([texts[i] for i in train], [groups[i] for i in train], categories[~held], blocks, c)
    probabilities = model.probabilities([texts[i] for i in test], [groups[i] for i in test])
    probabilities[np.isnan(probabilities[:, 0])] = 1 / len(CATEGORIES)
    return probabilities


def cross_validated(texts, groups, categories, sessions, blocks=DEFAULT_BLOCKS, c=DEFAULT_C, folds=FOLDS):
    """Probabilities of each recommendation from a model trained without its fold of sessions."""
    fold_of = session_folds(sessions, folds)
    fold = np.array([fold_of[s] for s in sessions])
    scores = np.zeros((len(texts), len(CATEGORIES)))
    for k in range(folds):
        scores[fold == k] = _held_out(texts, groups, categories, fold == k, blocks, c)
    return scores


def later_sessions(texts, groups, categories, sessions, blocks=DEFAULT_BLOCKS, c=DEFAULT_C, later=LATER):
    """Probabilities of the recommendations of the last ``later`` sessions from a model trained on the
    earlier ones, and the mask of those recommendations."""
    unique = np.unique(sessions)
    if len(unique) <= later:
        raise ParameterError(f"cannot measure error rates on later sessions: {len(unique)} session(s); expected "
                             f"more than {later}")
    held = sessions >= unique[-later]
    scores = np.zeros((len(texts), len(CATEGORIES)))
    scores[held] = _held_out(texts, groups, categories, held, blocks, c)
    return scores, held
