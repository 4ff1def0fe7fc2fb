"""Issue tags as a multi-label problem: one logistic regression per tag (one against the rest) on the same
features as the action category.

A tag is assigned to an uncoded recommendation only when its F1 on held-out later sessions reached
``ASSIGN_F1`` (``TagModel.assignable``); the others stay empty rather than guessed.
"""

import numpy as np
from sklearn.linear_model import LogisticRegression

from upr_lab.exceptions import ParameterError
from upr_lab.stats.classify.features import Features

ASSIGN_F1 = 0.80
# A tag is predicted at this probability or more: the best mean F1 over THRESHOLDS on the validation split
# (trained on sessions 1-12, scored on 13-16; ``evaluate.choose_threshold``): 0.792 at 0.1 against 0.695 at
# 0.5. It is the grid's lowest value; lower ones were not tried.
THRESHOLD = 0.1
THRESHOLDS = (0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
BLOCKS = ("words", "meta")
MIN_EXAMPLES = 20  # a tag coded fewer times than this in the training sessions is not modelled


def indicator(tag_lists, tags):
    """A 0/1 matrix: row per recommendation, column per tag in ``tags``."""
    column = {t: j for j, t in enumerate(tags)}
    out = np.zeros((len(tag_lists), len(tags)), dtype=np.int8)
    for i, found in enumerate(tag_lists):
        for tag in found:
            if tag in column:
                out[i, column[tag]] = 1
    return out


class TagModel:
    """Per-tag linear models over shared features. ``f1`` (when measured) holds each tag's held-out F1."""

    def __init__(self, features, tags, coef, intercept, f1=None):
        self.features, self.tags, self.coef, self.intercept = features, tuple(tags), coef, intercept
        self.f1 = f1

    @classmethod
    def train(cls, texts, groups, tag_lists, c=10.0):
        texts, groups, tag_lists = list(texts), list(groups), list(tag_lists)
        counts = {}
        for found in tag_lists:
            for tag in found:
                counts[tag] = counts.get(tag, 0) + 1
        tags = sorted(t for t, n in counts.items() if MIN_EXAMPLES <= n < len(texts))
        if not tags:
            raise ParameterError(f"cannot train the issue tag classifier: no tag is coded at least {MIN_EXAMPLES} "
                                 "times in the training recommendations")
        features = Features.fit(texts, groups, BLOCKS)
        x = features.transform(texts, groups)
        y = indicator(tag_lists, tags)
        fits = [LogisticRegression(C=c, solver="liblinear", max_iter=1000).fit(x, y[:, j])
                for j in range(len(tags))]
        return cls(features, tags, np.vstack([f.coef_ for f in fits]), np.concatenate([f.intercept_ for f in fits]))

    def probabilities(self, texts, groups):
        """Probability of each tag (columns in ``tags`` order); NaN rows where no word is known."""
        x, known = self.features.transform_known(list(texts), list(groups))
        out = 1 / (1 + np.exp(-np.asarray(x @ self.coef.T + self.intercept)))
        out[~known] = np.nan
        return out

    def predict(self, texts, groups, only_assignable=False, threshold=THRESHOLD):
        """A tuple of tags per recommendation (probability at least ``threshold``); with ``only_assignable``,
        only the tags whose held-out F1 reached ``ASSIGN_F1``."""
        probabilities = self.probabilities(texts, groups)
        keep = np.ones(len(self.tags), dtype=bool) if not only_assignable else self._assignable_mask()
        chosen = np.nan_to_num(probabilities, nan=0.0) >= threshold
        return [tuple(t for t, k, c in zip(self.tags, keep, row) if k and c) for row in chosen]

    def _assignable_mask(self):
        if self.f1 is None:
            raise ParameterError("this tag model has no held-out F1; train it with held-out sessions first")
        return np.asarray(self.f1) >= ASSIGN_F1

    def only(self, keep):
        """The same model restricted to the tags where ``keep`` (a boolean per tag) is true."""
        keep = np.asarray(keep, dtype=bool)
        return TagModel(self.features, [t for t, k in zip(self.tags, keep) if k], self.coef[keep],
                        self.intercept[keep], None if self.f1 is None else np.asarray(self.f1)[keep])

    @property
    def assignable(self):
        """The tags assigned to uncoded recommendations."""
        return tuple(t for t, k in zip(self.tags, self._assignable_mask()) if k)

    def arrays(self):
        out = {f"features.{k}": v for k, v in self.features.arrays().items()}
        out.update(tags=np.asarray(self.tags, dtype=str), coef=self.coef, intercept=self.intercept,
                   blocks=np.asarray(self.features.blocks, dtype=str))
        if self.f1 is not None:
            out["f1"] = np.asarray(self.f1, dtype=float)
        return out

    @classmethod
    def from_arrays(cls, arrays):
        blocks = tuple(arrays["blocks"].tolist())
        features = Features.from_arrays({k[len("features."):]: v for k, v in arrays.items()
                                         if k.startswith("features.")}, blocks)
        return cls(features, arrays["tags"].tolist(), arrays["coef"], arrays["intercept"], arrays.get("f1"))


def scores(true_lists, predicted_lists, tags):
    """Per tag: precision, recall, F1, support (coded count) and predicted count, as a dict of dicts."""
    true, predicted = indicator(true_lists, tags), indicator(predicted_lists, tags)
    out = {}
    for j, tag in enumerate(tags):
        hits = int((true[:, j] & predicted[:, j]).sum())
        support, made = int(true[:, j].sum()), int(predicted[:, j].sum())
        precision = hits / made if made else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[tag] = dict(precision=precision, recall=recall, f1=f1, support=support, predicted=made)
    return out
