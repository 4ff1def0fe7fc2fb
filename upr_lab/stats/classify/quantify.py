"""Shares of each category in a set of recommendations, corrected for the classifier's known errors.

Counting predictions (classify and count) is biased wherever the classifier's errors are not symmetric:
a classifier that reads some category-5 recommendations as 4 under-counts 5 in every session. The
corrections here use what held-out training sessions measured of those errors (``model.RATES``):

* ``adjusted_count`` (ACC): the predicted shares are the true shares times the confusion matrix
  ``M[i, j] = P(predicted j | true i)``; solve for the true shares;
* ``probabilistic_adjusted_count`` (PAC): the same with mean predicted probabilities in place of counts;
* ``em`` (Saerens, Latinne and Decaestecker 2002): re-weight each recommendation's probabilities by the new
  prevalence over the training prevalence until the two agree.

Each solve is constrained to shares that are 0 or more and sum to 1. ``bootstrap`` gives a percentile
interval by resampling the recommendations (fixed seed).
"""

import numpy as np
from scipy.optimize import nnls

from upr_lab.exceptions import ParameterError

METHODS = ("count", "adjusted_count", "probabilistic_adjusted_count", "em")
# The method used, chosen on the validation split (trained on sessions 1-12, calibrated and error rates
# measured on 9-12, shares of 13-16): at worst 1.8 points off with EM, 2.0 with the probabilistic adjusted
# count, 2.6 with adjusted count, 2.4 counting predictions (docs/methods/classifier.md).
DEFAULT = "em"


def confusion_rates(true, scores, n_classes):
    """``M[i, j]``: the mean of ``scores[:, j]`` over the recommendations of true class ``i`` (with one-hot
    predictions, P(predicted j | true i)). ``true`` holds class indices 0..n_classes-1."""
    true, scores = np.asarray(true), np.asarray(scores, dtype=float)
    missing = [i for i in range(n_classes) if not (true == i).any()]
    if missing:
        raise ParameterError(f"cannot estimate the classifier's errors: no training recommendation of class "
                             f"index {missing[0]}; expected every class at least once")
    return np.vstack([scores[true == i].mean(axis=0) for i in range(n_classes)])


def _solve(rates, observed):
    """Shares ``p`` >= 0 summing to 1 that best satisfy ``rates.T @ p = observed``."""
    k = rates.shape[0]
    weight = 1e3  # the sum-to-one row, weighted so that it holds almost exactly
    a = np.vstack([rates.T, weight * np.ones((1, k))])
    b = np.concatenate([observed, [weight]])
    shares, _ = nnls(a, b)
    return shares / shares.sum()


def one_hot(probabilities):
    probabilities = np.asarray(probabilities, dtype=float)
    out = np.zeros_like(probabilities)
    out[np.arange(len(out)), probabilities.argmax(axis=1)] = 1.0
    return out


def em(probabilities, train_prior, tolerance=1e-8, max_iterations=1000):
    """Saerens-Latinne-Decaestecker: the prevalence at which the re-weighted probabilities agree with it."""
    probabilities = np.asarray(probabilities, dtype=float)
    return em_weighted(probabilities, np.ones((1, len(probabilities))), train_prior, tolerance, max_iterations)[0]


def em_weighted(probabilities, counts, train_prior, tolerance=1e-8, max_iterations=1000, cells=4_000_000):
    """``em`` of many resamples at once, each given by ``counts`` (one row per resample: how many times it
    draws each row of ``probabilities``); one row of shares per resample, each stopped as it would be alone.

    A step re-weights row i's probabilities ``p_i`` by ``r = prior / train_prior`` and averages them:
    ``new_k = r_k * mean_i(p_ik / (p_i . r))``, two matrix products for every resample of a block (resamples
    are taken a block at a time, so that the block's arrays stay near ``cells`` numbers).
    """
    probabilities, train_prior = np.asarray(probabilities, dtype=float), np.asarray(train_prior, dtype=float)
    counts = np.asarray(counts, dtype=float)
    if probabilities.size == 0:
        raise ParameterError("cannot estimate shares of no recommendations")
    block = max(1, cells // len(probabilities))
    return np.vstack([_em_block(probabilities, counts[start:start + block], train_prior, tolerance, max_iterations)
                      for start in range(0, len(counts), block)])


def _em_block(probabilities, counts, train_prior, tolerance, max_iterations):
    priors = np.tile(train_prior, (len(counts), 1))
    active, drawn = np.arange(len(counts)), np.ascontiguousarray(counts.T)  # drawn: rows x active resamples
    total = drawn.sum(axis=0)[:, None]
    for _ in range(max_iterations):
        ratios = priors[active] / train_prior
        new = ratios * ((drawn / (probabilities @ ratios.T)).T @ probabilities) / total
        moving = np.abs(new - priors[active]).max(axis=1) >= tolerance
        priors[active] = new
        if not moving.all():
            active, drawn, total = active[moving], np.ascontiguousarray(drawn[:, moving]), total[moving]
        if not len(active):
            break
    return priors


def shares(probabilities, method, hard_rates=None, soft_rates=None, train_prior=None):
    """The share of each class among recommendations with predicted ``probabilities`` (rows sum to 1)."""
    probabilities = np.asarray(probabilities, dtype=float)
    if len(probabilities) == 0:
        raise ParameterError("cannot estimate shares of no recommendations")
    if method == "count":
        return one_hot(probabilities).mean(axis=0)
    if method == "adjusted_count":
        return _solve(hard_rates, one_hot(probabilities).mean(axis=0))
    if method == "probabilistic_adjusted_count":
        return _solve(soft_rates, probabilities.mean(axis=0))
    if method == "em":
        return em(probabilities, train_prior)
    raise ParameterError(f"unknown quantification method {method!r}; expected one of {', '.join(METHODS)}")


def bootstrap(probabilities, method, replicates=200, seed=25, level=0.95, **rates):
    """Percentile interval of each share: (low, high) arrays, from ``replicates`` resamples of the rows."""
    probabilities = np.asarray(probabilities, dtype=float)
    rng = np.random.default_rng(seed)
    n = len(probabilities)
    resamples = [rng.integers(0, n, n) for _ in range(replicates)]
    if method == "em":  # the same resamples, every replicate's EM at once (the loop below took seconds a group)
        counts = np.vstack([np.bincount(rows, minlength=n) for rows in resamples]) if n else np.zeros((0, 0))
        draws = em_weighted(probabilities, counts, rates["train_prior"])
    else:
        draws = np.vstack([shares(probabilities[rows], method, **rates) for rows in resamples])
    tail = (1 - level) / 2
    return np.quantile(draws, tail, axis=0), np.quantile(draws, 1 - tail, axis=0)
