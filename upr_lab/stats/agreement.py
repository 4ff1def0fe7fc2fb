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
    categories = _categories(codes, level, order)
    return _alpha(_encoded(codes, categories), len(categories), level)


def _categories(codes, level, order):
    """The categories alpha is computed over: ``order`` (ordinal) or every value coded (nominal), sorted."""
    if level == "ordinal":
        return list(order)
    values = codes.replace("", np.nan).stack().dropna()
    return sorted(pd.unique(values))


def _encoded(codes, categories):
    """``codes`` as a units x coders array of category numbers, -1 where a unit is not coded (or, ordinal,
    coded outside the scale): computed once, so that each bootstrap draw only indexes rows."""
    index = {c: i for i, c in enumerate(categories)}
    return np.array([[index.get(v, -1) if not pd.isna(v) else -1 for v in row]
                     for row in codes.itertuples(index=False)], dtype=int).reshape(len(codes), codes.shape[1])


def _alpha(encoded, k, level):
    if k < 2:
        return float("nan")
    coincidence = _coincidences(encoded, k)
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    delta = _distances(k, totals, level)
    expected = (np.outer(totals, totals) * delta).sum()
    if n < 2 or expected == 0:
        return float("nan")
    return float(1 - (n - 1) * (coincidence * delta).sum() / expected)


def _coincidences(encoded, k):
    """The coincidence matrix: each pair of values of one unit counts 1 / (values in the unit - 1); per unit,
    that is (n n' - diag(n)) / (m - 1) for its counts n of each category and its m values."""
    counts = np.stack([(encoded == c).sum(axis=1) for c in range(k)], axis=1).astype(float)
    m = counts.sum(axis=1)
    counts, m = counts[m >= 2], m[m >= 2]
    weighted = counts / (m - 1)[:, None]
    return weighted.T @ counts - np.diag(weighted.sum(axis=0))


def _distances(k, totals, level):
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
    pair = pd.concat([first, second], axis=1)
    return _kappa(_encoded(pair, list(categories)), len(categories))


def _kappa(pair, k):
    from statsmodels.stats.inter_rater import cohens_kappa as kappa

    both = (pair >= 0).all(axis=1)
    if not both.any():
        return float("nan")
    table = np.bincount(pair[both, 0] * k + pair[both, 1], minlength=k * k).reshape(k, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(kappa(table, return_results=False))


def agreement(codes, statuses, bootstrap=BOOTSTRAP, seed=SEED, alpha=0.05):
    """The ``Agreement`` of ``codes``: a frame indexed by rec_id with one column of statuses per coder."""
    measures = _Measures(codes, statuses)
    draws = _bootstrap(measures, len(codes), bootstrap, seed)
    rows = [{"measure": name, "estimate": value, "ci_low": _quantile(draws[name], alpha / 2),
             "ci_high": _quantile(draws[name], 1 - alpha / 2), "units": _units(codes)}
            for name, value in measures.of(np.arange(len(codes))).items()]
    return Agreement(pd.DataFrame(rows), _disagreements(codes), list(codes.columns), len(codes) - _units(codes))


class _Measures:
    """Every measure of ``codes``, encoded once, for any selection of its units (a bootstrap draw)."""

    def __init__(self, codes, statuses):
        self.nominal = _categories(codes, "nominal", None)
        self.codes_nominal = _encoded(codes, self.nominal)
        self.codes_ordinal = _encoded(codes, list(ORDER))
        self.statuses = list(statuses)
        self.codes_statuses = _encoded(codes, self.statuses)
        self.pairs = list(itertools.combinations(range(codes.shape[1]), 2))
        self.names = [f"Cohen's kappa ({codes.columns[a]} vs {codes.columns[b]})" for a, b in self.pairs]

    def of(self, units):
        found = {"Krippendorff's alpha (nominal)": _alpha(self.codes_nominal[units], len(self.nominal), "nominal"),
                 "Krippendorff's alpha (ordinal: not < partially < fully)":
                     _alpha(self.codes_ordinal[units], len(ORDER), "ordinal")}
        for name, (a, b) in zip(self.names, self.pairs):
            found[name] = _kappa(self.codes_statuses[units][:, [a, b]], len(self.statuses))
        return found


def _bootstrap(measures, n, draws, seed):
    rng = np.random.default_rng(seed)
    found = {}
    for _ in range(draws):
        for name, value in measures.of(rng.integers(0, n, n)).items():
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
