"""The results object of the outcome models and the fitting of a logit GLM behind it.

``EffectsResult`` holds the estimates of one logit model (log-odds, standard errors, p-values) with
plain-language caveats; ``fit_logit`` fits a binomial GLM with statsmodels and turns every problem of
the data (too few observations, no variation, constant or collinear predictors, perfect or
quasi-complete separation, too few clusters) into such a caveat, with NaN estimates, never an exception.
The models themselves (design matrices, which rows) are in ``models``.
"""

import html
import math
import re
import warnings

import numpy as np
import pandas as pd
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from scipy import stats
from statsmodels.tools.sm_exceptions import (ConvergenceWarning, PerfectSeparationError,
                                             PerfectSeparationWarning)

MIN_OBS = 10
FEW_CLUSTERS = 20
SEPARATION_SE = 50.0  # a log-odds SE this large only arises from a diverging fit


def _json(value):
    value = float(value)
    return value if math.isfinite(value) else None


def _fmt(value):
    return "-" if pd.isna(value) else ("<0.001" if value < 0.001 else f"{value:.3f}")


def _cells(tag, values):
    return "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in values)


class EffectsResult:
    """Estimates of a logit model: ``params`` (log-odds) and ``bse`` as Series, plus caveats.

    ``headline_term`` names the effect a report leads with; ``notes`` lists plain-language caveats.
    Intervals are Wald intervals on the normal scale (as statsmodels for GLM). Subclasses for other
    models name their ratio (``RATIO``: the column, ``RATIO_LABEL``: for reading, ``RATIO_CI``: its bounds).
    """

    RATIO, RATIO_LABEL, RATIO_CI = "odds_ratio", "odds ratio", ("or_ci_low", "or_ci_high")

    def __init__(self, title, params, bse, pvalues, nobs=0, n_clusters=None, cov_type="nonrobust",
                 outcome="", notes=(), alpha=0.05, headline_term=None):
        self.title, self.outcome, self.alpha = title, outcome, alpha
        self.params = pd.Series(params, dtype=float)
        self.bse = pd.Series(bse, dtype=float).reindex(self.params.index)
        self.pvalues = pd.Series(pvalues, dtype=float).reindex(self.params.index)
        self.nobs, self.n_clusters, self.cov_type = int(nobs), n_clusters, cov_type
        self.notes, self.headline_term = list(notes), headline_term

    def conf_int(self, alpha=None):
        """Wald interval of the log-odds: DataFrame with ``lower`` and ``upper``."""
        z = stats.norm.ppf(1 - (self.alpha if alpha is None else alpha) / 2)
        return pd.DataFrame({"lower": self.params - z * self.bse, "upper": self.params + z * self.bse})

    def ratios(self, alpha=None):
        """DataFrame ``<RATIO>, ci_low, ci_high, p_value`` per term: the exponentiated coefficients."""
        ci = np.exp(self.conf_int(alpha))
        return pd.DataFrame({self.RATIO: np.exp(self.params), "ci_low": ci["lower"],
                             "ci_high": ci["upper"], "p_value": self.pvalues})

    def odds_ratios(self, alpha=None):
        """DataFrame ``odds_ratio, ci_low, ci_high, p_value`` per term."""
        return self.ratios(alpha)

    def summary(self, alpha=None):
        """Tidy DataFrame per term: log-odds, SE, z, p-value, its CI and the odds ratio with CI."""
        ci, ratios = self.conf_int(alpha), self.ratios(alpha)
        frame = pd.DataFrame({"coef": self.params, "std_err": self.bse, "z": self.params / self.bse,
                              "p_value": self.pvalues, "ci_low": ci["lower"], "ci_high": ci["upper"],
                              self.RATIO: ratios[self.RATIO], self.RATIO_CI[0]: ratios["ci_low"],
                              self.RATIO_CI[1]: ratios["ci_high"]})
        return frame.rename_axis("term")

    def effect(self, term=None, alpha=None):
        """One term as a JSON-safe dict (default: the headline term); values None if not estimated."""
        term = term or self.headline_term
        row = self.summary(alpha).reindex([term]).iloc[0]
        keys = ("coef", "std_err", self.RATIO, *self.RATIO_CI, "p_value")
        return {"term": term, **{k: _json(row[k]) for k in keys}}

    def to_dict(self):
        """JSON-serialisable dict (NaN as None), stable key order, full precision."""
        terms = {term: {k: _json(v) for k, v in row.items()}
                 for term, row in self.summary().iterrows()}
        return {"model": self.title, "outcome": self.outcome, "nobs": self.nobs,
                "n_clusters": self.n_clusters, "cov_type": self.cov_type, "alpha": self.alpha,
                "headline_term": self.headline_term, "terms": terms, "notes": list(self.notes)}

    def _describe(self):
        n = self.n_clusters
        clusters = "" if n is None else f", {n} cluster{'' if n == 1 else 's'}"
        return f"outcome: {self.outcome}; {self.nobs} observations{clusters}; SE: {self.cov_type}"

    def _display(self):
        """Ratios formatted for reading: terms in words (``term_label``), 3 decimals, p < 0.001 shown as such."""
        table = terms_in_words(self.ratios()).rename(columns={self.RATIO: self.RATIO_LABEL, "ci_low": "CI low",
                                                                "ci_high": "CI high", "p_value": "p-value"})
        return table.apply(lambda column: column.map(_fmt)) if len(table) else table

    def __repr__(self):
        notes = "".join(f"\nNote: {n}" for n in self.notes)
        return f"{self.title}\n{self._describe()}\n{self._display().to_string()}{notes}"

    def _repr_html_(self):
        table = self._display()
        rows = "".join(f"<tr>{_cells('th', [t])}{_cells('td', r)}</tr>" for t, r in table.iterrows())
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        parts = [f"<h4>{html.escape(self.title)}</h4>", f"<p>{html.escape(self._describe())}</p>",
                 f"<table><thead><tr>{_cells('th', ['term', *table.columns])}</tr></thead>"
                 f"<tbody>{rows}</tbody></table>" if len(table) else "",
                 f"<ul>{notes}</ul>" if notes else ""]
        return f"<div class='upr-lab-result'>{''.join(parts)}</div>"


def not_estimated(title, terms, outcome, notes, alpha, headline, nobs=0, n_clusters=None, kind=EffectsResult):
    """A result (of class ``kind``) with NaN estimates for ``terms``, carrying the ``notes`` that say why."""
    nan = pd.Series(np.nan, index=list(terms), dtype=float)
    return kind(title, nan, nan, nan, nobs, n_clusters, "not estimated", outcome, notes,
                         alpha, headline)


def _drop_constant(X, notes):
    constant = [c for c in X.columns if c != "Intercept" and X[c].nunique() < 2]
    for column in constant:
        notes.append(f"{column} does not vary in these data and was left out of the model.")
    return X.drop(columns=constant)


def _drop_collinear(X, notes):
    """Keep columns in order while each adds to the rank; note the ones left out."""
    if np.linalg.matrix_rank(X.to_numpy()) == X.shape[1]:
        return X  # full rank, the usual case: one decomposition instead of one per column
    kept = []
    for column in X.columns:
        if np.linalg.matrix_rank(X[kept + [column]].to_numpy()) > len(kept):
            kept.append(column)
        else:
            notes.append(f"{column} is collinear with the other predictors in these data and was "
                         "left out of the model.")
    return X[kept]


def fit_logit(title, y, X, outcome, alpha, headline, groups=None, notes=()):
    """Fit a logit GLM of ``y`` on the design ``X``, turning data problems into notes.

    With ``groups`` (the State under review of each row) standard errors are clustered by group,
    with statsmodels' small-sample correction G/(G-1)·(N-1)/(N-K).
    """
    notes, terms = list(notes), list(X.columns)
    n_clusters = None if groups is None else int(pd.Series(groups).nunique())
    args = (title, terms, outcome, notes, alpha, headline, len(y), n_clusters)
    if len(y) < MIN_OBS:
        notes.append(f"Only {len(y)} observations with an outcome: too few to fit a model.")
        return not_estimated(*args)
    if y.nunique() < 2:
        notes.append(f"No variation in the outcome: every observation is {int(y.iloc[0])} "
                     f"({outcome}), so no effect can be estimated.")
        return not_estimated(*args)
    X = _drop_constant(X, notes)
    X = _drop_collinear(X, notes)
    cov = {}
    if n_clusters is not None and n_clusters >= 2:
        cov = {"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(groups, sort=True)[0]}}
        if n_clusters < FEW_CLUSTERS:
            notes.append(f"Only {n_clusters} States under review: cluster-robust standard errors "
                         "are unreliable with so few clusters.")
    elif n_clusters is not None:
        notes.append("A single State under review: standard errors are not clustered.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = GLM(y, X, family=families.Binomial()).fit(**cov)
        except (PerfectSeparationError, np.linalg.LinAlgError, ValueError) as exc:
            notes.append(f"The model could not be fitted: {exc}")
            return not_estimated(*args)
    kinds = {w.category for w in caught}
    if any(issubclass(k, PerfectSeparationWarning) for k in kinds):
        notes.append("Perfect separation: some predictor values predict the outcome exactly, "
                     "so the estimates are not identified and are not reported.")
        return not_estimated(*args)
    if _separated(res):
        notes.append("Quasi-complete separation: within some predictor value every outcome is the same "
                     "(e.g. all recommendations of one cycle supported), so the estimates diverge and "
                     "are not reported.")
        return not_estimated(*args)
    if any(issubclass(k, ConvergenceWarning) for k in kinds):
        notes.append("The model did not converge; treat the estimates with caution.")
    cov_type = cov.get("cov_type", "nonrobust")
    return EffectsResult(title, res.params, res.bse, res.pvalues, res.nobs, n_clusters, cov_type,
                         outcome, notes, alpha, headline)


def _separated(res, limit=SEPARATION_SE):
    """Diverging fits: statsmodels does not always warn, but the standard errors explode."""
    return bool((~np.isfinite(res.bse)).any() or (res.bse > limit).any())


# Model terms in words, for the reader: "Action category 5 (specific)" rather than ``action_category[5]``. The
# models keep statsmodels' names (``params``, ``to_dict()``, ``metrics.json``, ``effect("action_category[5]")``);
# only what a reader sees is named in words: model tables (``_display``), forest plots (``reports.plots``) and
# ``term`` columns shown with ``Analysis.table``. ``term_label`` is the one mapping all of them use.

TERM_CATEGORIES = {"1": "minimal", "2": "continuing", "3": "considering", "4": "general", "5": "specific"}
TERM_NAMES = {
    "Intercept": "Intercept (the reference levels)",
    "cycle": "Cycle (change per cycle)",
    "same_group": "Same regional group",
    "reciprocal": "Reciprocity (recommended to the recommender before)",
    "democracy_gap": "Democracy gap (recommender minus State under review)",
    "sur_democracy": "Electoral democracy of the State under review",
    "log1p_stakeholder_submissions": "Stakeholder submissions (log of 1 + their number)",
    "nhri_submitted": "NHRI submitted a report",
    "national_consultation": "National consultation held",
    "this_state": "This State (against all others)",
    "noted": "Noted (against supported)",
    "considered": "Asked to consider ratifying",
}
TERM_INDICATORS = {"civil_liberties": "Civil liberties index", "electoral_democracy": "Electoral democracy index",
              "fariss_theta_mean": "Human rights protection (Fariss)", "pts": "Political Terror Scale"}
TERM_FACTORS = {"recommender_group": "Recommending group", "sur_group": "Regional group of the State under review",
                "sur_group_cycle": "Regional group of the State under review, cycle"}
_FACTOR = re.compile(r"^(?P<name>[A-Za-z_0-9]+)\[(?P<level>[^\]]*)\]$")


def term_label(term):
    """The words a reader sees for a model term (a term it does not know: its name with spaces)."""
    term = str(term)
    if term in TERM_NAMES:
        return TERM_NAMES[term]
    found = _FACTOR.match(term)
    if found:
        return _term_level(found["name"], found["level"])
    if term.startswith("sur_") and term[4:] in TERM_INDICATORS:
        return f"{TERM_INDICATORS[term[4:]]} of the State under review"
    return term.replace("_", " ").capitalize()


def _term_level(name, level):
    if name == "action_category":
        group, _, category = level.rpartition(": ")
        words = _term_category(category)
        return f"{words}, States under review in {group}" if group else words
    if name in TERM_FACTORS:
        return f"{TERM_FACTORS[name]}: {level}"
    if name.endswith("_q") and name[:-2] in TERM_INDICATORS:
        return f"{TERM_INDICATORS[name[:-2]]}: quartile {level} (against the lowest)"
    return f"{name.replace('_', ' ').capitalize()}: {level}"


def _term_category(category):
    if category in TERM_CATEGORIES:
        return f"Action category {category} ({TERM_CATEGORIES[category]})"
    return "Action category unknown (none coded or predicted)" if category == "unknown" else f"Action category {category}"


def terms_in_words(table):
    """``table`` (indexed by term) with its index in words."""
    return table.rename(index=term_label)
