"""Statistical models of UPR outcomes (statsmodels), reported as small results objects.

Each model is a binomial GLM with logit link; coefficients are log-odds, shown as odds ratios.
Pooled models cluster standard errors by State under review. Problems of the data (too few
observations, no variation, a single cycle, perfect separation, missing participation data) become
``notes`` on the result, with NaN estimates, never exceptions. Design matrices are built here, so
term names are stable: ``cycle`` (per cycle, 0 = cycle 1), ``sur_group[EEG]``, ``action_category[5]``.

``regional_comparison`` compares a State's acceptance rate with regional groups (two-proportion tests
with Holm correction); ``group_ranking`` and ``group_summary`` (descriptive, defined in ``metrics``)
are re-exported here.
"""

import html
import math
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.tools.sm_exceptions import (ConvergenceWarning, PerfectSeparationError,
                                             PerfectSeparationWarning)

from .countries import check_iso3
from .exceptions import ParameterError
from .metrics import _own, group_ranking, group_summary, state_acceptance  # noqa: F401

MIN_OBS = 10
FEW_CLUSTERS = 20
SEPARATION_SE = 50.0  # a log-odds SE this large only arises from a diverging fit
OUTCOMES = {"supported": (("supported", "noted"), ("supported",), "response"),
            "implemented": (("fully", "partially", "not"), ("fully", "partially"), "implementation")}


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
    Intervals are Wald intervals on the normal scale (as statsmodels for GLM).
    """

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

    def odds_ratios(self, alpha=None):
        """DataFrame ``odds_ratio, ci_low, ci_high, p_value`` per term."""
        ci = np.exp(self.conf_int(alpha))
        return pd.DataFrame({"odds_ratio": np.exp(self.params), "ci_low": ci["lower"],
                             "ci_high": ci["upper"], "p_value": self.pvalues})

    def summary(self, alpha=None):
        """Tidy DataFrame per term: log-odds, SE, z, p-value, its CI and the odds ratio with CI."""
        ci, ors = self.conf_int(alpha), self.odds_ratios(alpha)
        frame = pd.DataFrame({"coef": self.params, "std_err": self.bse, "z": self.params / self.bse,
                              "p_value": self.pvalues, "ci_low": ci["lower"], "ci_high": ci["upper"],
                              "odds_ratio": ors["odds_ratio"], "or_ci_low": ors["ci_low"],
                              "or_ci_high": ors["ci_high"]})
        return frame.rename_axis("term")

    def effect(self, term=None, alpha=None):
        """One term as a JSON-safe dict (default: the headline term); values None if not estimated."""
        term = term or self.headline_term
        row = self.summary(alpha).reindex([term]).iloc[0]
        keys = ("coef", "std_err", "odds_ratio", "or_ci_low", "or_ci_high", "p_value")
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
        """Odds ratios formatted for reading: 3 decimals, p < 0.001 shown as such."""
        table = self.odds_ratios().rename(columns={"odds_ratio": "odds ratio", "ci_low": "CI low",
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


def _outcome(recs, outcome):
    """Rows with a defined outcome, sorted for determinism, and the 0/1 outcome."""
    if outcome not in OUTCOMES:
        raise ParameterError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    kept, positive, column = OUTCOMES[outcome]
    values = recs[column].fillna("").astype(str)
    frame = recs[values.isin(kept)].sort_values(["sur_iso3", "cycle", "rec_id"], kind="mergesort")
    frame = frame.reset_index(drop=True)
    return frame, frame[column].astype(str).isin(positive).astype(float)


def _dummies(values, name, reference=None):
    """Treatment dummies ``name[level]`` for sorted levels, dropping ``reference`` (default first)."""
    levels = sorted(pd.unique(values))
    reference = levels[0] if reference not in levels else reference
    return pd.DataFrame({f"{name}[{lv}]": (values == lv).astype(float)
                         for lv in levels if lv != reference}, index=values.index)


def _empty(title, terms, outcome, notes, alpha, headline, nobs=0, n_clusters=None):
    nan = pd.Series(np.nan, index=list(terms), dtype=float)
    return EffectsResult(title, nan, nan, nan, nobs, n_clusters, "not estimated", outcome, notes,
                         alpha, headline)


def _drop_constant(X, notes):
    constant = [c for c in X.columns if c != "Intercept" and X[c].nunique() < 2]
    for column in constant:
        notes.append(f"{column} does not vary in these data and was left out of the model.")
    return X.drop(columns=constant)


def _drop_collinear(X, notes):
    """Keep columns in order while each adds to the rank; note the ones left out."""
    kept = []
    for column in X.columns:
        if np.linalg.matrix_rank(X[kept + [column]].to_numpy()) > len(kept):
            kept.append(column)
        else:
            notes.append(f"{column} is collinear with the other predictors in these data and was "
                         "left out of the model.")
    return X[kept]


def _fit(title, y, X, outcome, alpha, headline, groups=None, notes=()):
    """Fit a logit GLM, turning data problems into notes; cluster SE when ``groups`` is given."""
    notes, terms = list(notes), list(X.columns)
    n_clusters = None if groups is None else int(pd.Series(groups).nunique())
    args = (title, terms, outcome, notes, alpha, headline, len(y), n_clusters)
    if len(y) < MIN_OBS:
        notes.append(f"Only {len(y)} observations with an outcome: too few to fit a model.")
        return _empty(*args)
    if y.nunique() < 2:
        notes.append(f"No variation in the outcome: every observation is {int(y.iloc[0])} "
                     f"({outcome}), so no effect can be estimated.")
        return _empty(*args)
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
            res = sm.GLM(y, X, family=sm.families.Binomial()).fit(**cov)
        except (PerfectSeparationError, np.linalg.LinAlgError, ValueError) as exc:
            notes.append(f"The model could not be fitted: {exc}")
            return _empty(*args)
    kinds = {w.category for w in caught}
    if any(issubclass(k, PerfectSeparationWarning) for k in kinds):
        notes.append("Perfect separation: some predictor values predict the outcome exactly, "
                     "so the estimates are not identified and are not reported.")
        return _empty(*args)
    if _separated(res):
        notes.append("Quasi-complete separation: within some predictor value every outcome is the same "
                     "(e.g. all recommendations of one cycle supported), so the estimates diverge and "
                     "are not reported.")
        return _empty(*args)
    if any(issubclass(k, ConvergenceWarning) for k in kinds):
        notes.append("The model did not converge; treat the estimates with caution.")
    cov_type = cov.get("cov_type", "nonrobust")
    return EffectsResult(title, res.params, res.bse, res.pvalues, res.nobs, n_clusters, cov_type,
                         outcome, notes, alpha, headline)


def _separated(res, limit=SEPARATION_SE):
    """Diverging fits: statsmodels does not always warn, but the standard errors explode."""
    return bool((~np.isfinite(res.bse)).any() or (res.bse > limit).any())


def compliance_trend(recs, country=None, outcome="supported", alpha=0.05, cluster=True):
    """Trend of an outcome over UPR cycles: logit of the outcome on ``cycle`` (0 = cycle 1).

    ``outcome="supported"``: supported 1, noted 0, other dropped; ``"implemented"``: fully or
    partially 1, not 0, unassessed dropped. With ``country`` (ISO3) the model is for that State under
    review; without, it pools all States with standard errors clustered by State under review
    (``cluster=False`` gives naive SEs). Headline: the odds ratio per cycle (term ``cycle``).
    """
    if country is not None:
        country = check_iso3(country)
        recs = recs[recs["sur_iso3"] == country]
    frame, y = _outcome(recs, outcome)
    who = f" for {country}" if country else " (all States under review)"
    title = f"Trend in {outcome} recommendations per cycle{who}"
    X = pd.DataFrame({"Intercept": 1.0, "cycle": frame["cycle"].astype(float) - 1}, index=frame.index)
    cycles = sorted(frame["cycle"].unique())
    if len(cycles) < 2:
        which = f"only cycle {cycles[0]}" if cycles else "no cycle"
        note = f"Outcome data cover {which}{who}: a trend needs at least two cycles."
        return _empty(title, X.columns, outcome, [note], alpha, "cycle", len(y))
    groups = frame["sur_iso3"] if country is None and cluster else None
    return _fit(title, y, X, outcome, alpha, "cycle", groups)


def civil_society_effects(recs, participation, outcome="implemented", alpha=0.05, cluster=True):
    """Association of civil society participation in a review with its outcome.

    Joins ``recs`` to ``participation`` on (sur_iso3, cycle) and fits a logit of the outcome on
    ``log1p_stakeholder_submissions``, ``nhri_submitted`` and ``national_consultation``, controlling
    for action category dummies (reference 4, so ``action_category[5]`` is the specific-action effect;
    a missing category is its own level ``unknown``), ``cycle`` (0 = cycle 1) and ``sur_group`` dummies
    (reference: Africa, the first alphabetically). Standard errors clustered by State under review.
    Without participation data, returns a result with a note and no estimates.
    """
    title = f"Civil society participation and {outcome} recommendations"
    headline = "log1p_stakeholder_submissions"
    if participation is None or len(participation) == 0:
        note = ("This data source has no civil society participation data, so participation "
                "effects cannot be estimated.")
        return _empty(title, [], outcome, [note], alpha, headline)
    keys = ["sur_iso3", "cycle"]
    joined = recs.merge(participation, on=keys, how="inner", validate="many_to_one")
    notes = []
    if len(joined) < len(recs):
        notes.append(f"{len(recs) - len(joined)} recommendations have no participation record for "
                     "their review and were left out.")
    frame, y = _outcome(joined, outcome)
    category = frame["action_category"].astype("Int64").astype(object)
    category = category.where(category.notna(), "unknown").astype(str)
    X = pd.concat([pd.DataFrame({
        "Intercept": 1.0,
        headline: np.log1p(frame["stakeholder_submissions"].astype(float)),
        "nhri_submitted": frame["nhri_submitted"].astype(float),
        "national_consultation": frame["national_consultation"].astype(float),
        "cycle": frame["cycle"].astype(float) - 1,
    }, index=frame.index), _dummies(category, "action_category", "4"),
        _dummies(frame["sur_group"].astype(str), "sur_group")], axis=1)
    groups = frame["sur_iso3"] if cluster else None
    return _fit(title, y, X, outcome, alpha, headline, groups, notes)


def acceptance_by_category_model(recs, alpha=0.05, reference=4, cluster=True):
    """Logit of supported (vs noted) on action category dummies ``action_category[k]``.

    The reference category is 4 (general action) when present, so ``action_category[5]`` is the
    specific-action effect (5 vs 4). Rows with an unknown category are left out (noted); standard
    errors clustered by State under review.
    """
    frame, y = _outcome(recs, "supported")
    known = frame["action_category"].notna().to_numpy()
    notes = [] if known.all() else [f"{int((~known).sum())} recommendations with an unknown action "
                                    "category were left out."]
    frame, y = frame[known].reset_index(drop=True), y[known].reset_index(drop=True)
    levels = frame["action_category"].astype(int)
    X = pd.concat([pd.Series(1.0, index=frame.index, name="Intercept"),
                   _dummies(levels, "action_category", reference)], axis=1)
    title = "Acceptance by action category"
    groups = frame["sur_iso3"] if cluster else None
    return _fit(title, y, X, "supported", alpha, "action_category[5]", groups, notes)


def _compare(own, group, peers, alpha):
    k1, n1 = int(own["n_supported"]), int(own["n_decided"])
    k2, n2 = int(peers["n_supported"].sum()), int(peers["n_decided"].sum())
    row = {"group": group, "relation": "own group" if group == own["sur_group"] else "other group",
           "n_states": len(peers), "n_decided": n2, "n_supported": k2,
           "group_rate": k2 / n2 if n2 else np.nan, "country_rate": k1 / n1 if n1 else np.nan}
    row.update(difference=row["country_rate"] - row["group_rate"], ci_low=np.nan, ci_high=np.nan,
               z=np.nan, p_value=np.nan)
    if n1 and n2:
        row["ci_low"], row["ci_high"] = confint_proportions_2indep(
            k1, n1, k2, n2, method="newcomb", compare="diff", alpha=alpha)
        pooled = (k1 + k2) / (n1 + n2)
        if 0 < pooled < 1:
            row["z"], row["p_value"] = proportions_ztest([k1, k2], [n1, n2])
        else:  # both rates are 0 or both are 1: no difference to test
            row["z"], row["p_value"] = 0.0, 1.0
    return row


def regional_comparison(recs, country, alpha=0.05):
    """Acceptance of ``country`` against its own regional group and each other group.

    One row per group (own group first, then the others alphabetically). Each group's rate pools the
    recommendations of its States, the country itself excluded. ``difference`` = country - group,
    with a Newcombe hybrid score interval (``ci_low``, ``ci_high``), a two-proportion z-test
    (``z``, ``p_value``) and Holm-adjusted p-values across the comparisons (``p_holm``).
    """
    states = state_acceptance(recs)
    country, own = _own(states, country)
    others = states.drop(index=country)
    groups = [own["sur_group"]] + sorted(set(others["sur_group"]) - {own["sur_group"]})
    frame = pd.DataFrame([_compare(own, g, others[others["sur_group"] == g], alpha) for g in groups])
    valid = frame["p_value"].notna()
    frame["p_holm"] = np.nan
    if valid.any():
        frame.loc[valid, "p_holm"] = multipletests(frame.loc[valid, "p_value"], method="holm")[1]
    return frame
