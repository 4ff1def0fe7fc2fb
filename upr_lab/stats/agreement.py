"""Agreement between coders of implementation: Krippendorff's alpha and Cohen's kappa, with bootstrap
intervals, and the recommendations they disagree on.

Krippendorff's alpha is computed here from its coincidence matrix (Krippendorff 2011, "Computing
Krippendorff's Alpha-Reliability"; the published worked example is reproduced in the tests): the one
implementation on PyPI is GPL-licensed, which this MIT project does not take in. It allows any number of
coders and missing codes. ``nominal`` treats the four statuses as categories; ``ordinal`` orders
not < partially < fully and leaves ``unclear`` out. Cohen's kappa (two coders, the recommendations both
coded) is statsmodels'. Intervals: percentile bootstrap over recommendations, with a fixed seed.
"""

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

ORDER = ("not", "partially", "fully")  # the ordinal scale; "unclear" is no point on it
BOOTSTRAP = 1000
SEED = 20240521


@dataclass
class Agreement:
    """``summary`` (one row per measure: estimate, interval, units), ``disagreements`` (one row per
    recommendation the coders coded differently: each coder's status), the ``coders``, and ``left_out``:
    how many recommendations fewer than two coders coded (a blank status: not coded yet), which no
    measure counts."""

    summary: pd.DataFrame
    disagreements: pd.DataFrame
    coders: list
    left_out: int = 0


def krippendorff_alpha(codes, level="nominal", order=None):
    """Alpha of ``codes`` (a units x coders frame; missing as NaN or ""), at ``level`` nominal or ordinal
    (``order``: the categories from lowest to highest). NaN where fewer than two values are pairable or
    every value is the same."""
    values = codes.replace("", np.nan)
    if level == "ordinal":
        values = values.where(values.isin(order))
    categories = list(order) if level == "ordinal" else sorted(pd.unique(values.stack().dropna()))
    if len(categories) < 2:
        return float("nan")
    coincidence = _coincidences(values, categories)
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    delta = _distances(categories, totals, level)
    expected = (np.outer(totals, totals) * delta).sum()
    if n < 2 or expected == 0:
        return float("nan")
    return float(1 - (n - 1) * (coincidence * delta).sum() / expected)


def _coincidences(values, categories):
    """The coincidence matrix: each pair of values of one unit counts 1 / (values in the unit - 1)."""
    index = {c: i for i, c in enumerate(categories)}
    matrix = np.zeros((len(categories), len(categories)))
    for row in values.itertuples(index=False):
        found = [index[v] for v in row if not pd.isna(v)]
        if len(found) < 2:
            continue
        for a, b in itertools.permutations(range(len(found)), 2):
            matrix[found[a], found[b]] += 1 / (len(found) - 1)
    return matrix


def _distances(categories, totals, level):
    k = len(categories)
    if level == "nominal":
        return 1.0 - np.eye(k)
    cumulative = np.cumsum(totals)
    delta = np.zeros((k, k))
    for c, d in itertools.product(range(k), repeat=2):
        low, high = min(c, d), max(c, d)
        between = cumulative[high] - (cumulative[low - 1] if low else 0)
        delta[c, d] = (between - (totals[c] + totals[d]) / 2) ** 2
    return delta


def cohens_kappa(first, second, categories):
    """Cohen's kappa of two coders over the units both coded (statsmodels); NaN if none or no variation."""
    from statsmodels.stats.inter_rater import cohens_kappa as kappa

    both = (first != "") & (second != "") & first.notna() & second.notna()
    if both.sum() == 0:
        return float("nan")
    table = pd.crosstab(pd.Categorical(first[both], categories), pd.Categorical(second[both], categories),
                        dropna=False).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(kappa(table, return_results=False))


def agreement(codes, statuses, bootstrap=BOOTSTRAP, seed=SEED, alpha=0.05):
    """The ``Agreement`` of ``codes``: a frame indexed by rec_id with one column of statuses per coder."""
    measures = _measures(codes, statuses)
    draws = _bootstrap(codes, statuses, bootstrap, seed)
    rows = [{"measure": name, "estimate": value, "ci_low": _quantile(draws[name], alpha / 2),
             "ci_high": _quantile(draws[name], 1 - alpha / 2), "units": _units(codes)}
            for name, value in measures.items()]
    return Agreement(pd.DataFrame(rows), _disagreements(codes), list(codes.columns), len(codes) - _units(codes))


def _measures(codes, statuses):
    found = {"Krippendorff's alpha (nominal)": krippendorff_alpha(codes),
             "Krippendorff's alpha (ordinal: not < partially < fully)": krippendorff_alpha(codes, "ordinal", ORDER)}
    for a, b in itertools.combinations(codes.columns, 2):
        found[f"Cohen's kappa ({a} vs {b})"] = cohens_kappa(codes[a], codes[b], list(statuses))
    return found


def _bootstrap(codes, statuses, draws, seed):
    rng = np.random.default_rng(seed)
    found = {}
    for _ in range(draws):
        sample = codes.iloc[rng.integers(0, len(codes), len(codes))]
        for name, value in _measures(sample, statuses).items():
            found.setdefault(name, []).append(value)
    return found


def _quantile(values, q):
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    return float(np.quantile(values, q)) if len(values) else float("nan")


def _units(codes):
    return int(((codes != "") & codes.notna()).sum(axis=1).ge(2).sum())


def _disagreements(codes):
    coded = codes.replace("", np.nan)
    differ = coded.nunique(axis=1, dropna=True) > 1
    return codes[differ].reset_index()
