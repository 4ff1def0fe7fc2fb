"""Issue tags as a multi-label problem: one linear support vector machine per tag (one against the rest) on
the same features as the action category.

A tag is assigned where its decision value reaches ``THRESHOLD``, and to an uncoded recommendation only
when its F1 on held-out later sessions reached ``ASSIGN_F1`` (``TagModel.assignable``); the others stay
empty rather than guessed.
"""

import numpy as np

from upr_lab.exceptions import ParameterError
from upr_lab.stats.classify.features import Features

ASSIGN_F1 = 0.80
# Settings chosen on the validation split (trained on sessions 1-12, scored on 13-16;
# ``evaluate.choose_threshold``): C = 0.3 of 0.1 and 0.3, and the decision threshold of THRESHOLDS with the
# best mean F1 over tags (0.809 at -0.4; a logistic regression per tag reached 0.765 at its best threshold,
# probability 0.1, and took 40 times longer to fit).
C = 0.3
THRESHOLD = -0.4
THRESHOLDS = (-0.8, -0.6, -0.4, -0.2, 0.0)
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


def modelled_tags(tag_lists, n):
    """The tags coded at least ``MIN_EXAMPLES`` times (and not on every one of ``n`` recommendations)."""
    counts = {}
    for found in tag_lists:
        for tag in found:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(t for t, k in counts.items() if MIN_EXAMPLES <= k < n)


class TagModel:
    """Per-tag linear models over shared features. ``f1`` (when measured) holds each tag's held-out F1."""

    def __init__(self, features, tags, coef, intercept, f1=None):
        self.features, self.tags, self.coef, self.intercept = features, tuple(tags), coef, intercept
        self.f1 = f1

    @classmethod
    def train(cls, texts, groups, tag_lists, c=C, features=None, x=None, tags=None):
        """One machine per tag coded often enough (``MIN_EXAMPLES``), or per tag of ``tags``; ``features``
        and ``x`` (the training matrix) when already at hand."""
        texts, groups, tag_lists = list(texts), list(groups), list(tag_lists)
        tags = modelled_tags(tag_lists, len(texts)) if tags is None else list(tags)
        if not tags:
            raise ParameterError(f"cannot train the issue tag classifier: no tag is coded at least {MIN_EXAMPLES} "
                                 "times in the training recommendations")
        features = Features.fit(texts, groups, BLOCKS) if features is None else features
        x = features.transform(texts, groups) if x is None else x
        y = indicator(tag_lists, tags)
        from sklearn.svm import LinearSVC  # scikit-learn only to train

        fits = [LinearSVC(C=c, random_state=25, max_iter=5000).fit(x, y[:, j]) for j in range(len(tags))]
        return cls(features, tags, np.vstack([f.coef_ for f in fits]).astype(np.float32),
                   np.concatenate([f.intercept_ for f in fits]).astype(np.float32))

    def decisions_of(self, x, known):
        """Decision value of each tag (columns in ``tags`` order); NaN rows where no word is known."""
        out = np.asarray(x @ self.coef.T, dtype=np.float64) + self.intercept
        out[~np.asarray(known)] = np.nan
        return out

    def decisions(self, texts, groups):
        return self.decisions_of(*self.features.transform_known(list(texts), list(groups)))

    def predict(self, texts, groups, only_assignable=False, threshold=THRESHOLD):
        """A tuple of tags per recommendation (decision value at least ``threshold``); with
        ``only_assignable``, only the tags whose held-out F1 reached ``ASSIGN_F1``."""
        return self.predict_of(*self.features.transform_known(list(texts), list(groups)), only_assignable,
                               threshold)

    def predict_of(self, x, known, only_assignable=False, threshold=THRESHOLD):
        keep = np.ones(len(self.tags), dtype=bool) if not only_assignable else self._assignable_mask()
        chosen = np.nan_to_num(self.decisions_of(x, known), nan=-np.inf) >= threshold
        chosen &= keep
        return [tuple(self.tags[j] for j in np.flatnonzero(row)) for row in chosen]

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

    def arrays(self, with_features=True):
        out = {f"features.{k}": v for k, v in self.features.arrays().items()} if with_features else {}
        out.update(tags=np.asarray(self.tags, dtype=str), coef=np.asarray(self.coef, dtype=np.float32),
                   intercept=np.asarray(self.intercept, dtype=np.float32))
        if self.f1 is not None:
            out["f1"] = np.asarray(self.f1, dtype=float)
        return out

    @classmethod
    def from_arrays(cls, arrays, features=None):
        if features is None:
            features = Features.from_arrays({k[len("features."):]: v for k, v in arrays.items()
                                             if k.startswith("features.")})
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
