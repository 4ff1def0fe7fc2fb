"""Time to ratification after a recommendation to ratify: Kaplan-Meier curves and a Cox model (statsmodels).

The data are the open requests of a ``FollowThrough`` (the State not yet a party at the review): time from
the review to ratification, censored at the treaty table's date when the State has not ratified.
``kaplan_meier(follow, by="response")`` gives the curves of the share *not yet ratified* with pointwise
intervals (Greenwood variance, log-log scale, so they stay within 0-1), and ``log_rank`` tests whether the
curves differ. ``ratification_model(follow)`` fits a Cox proportional hazards model stratified by
instrument (each instrument its own baseline hazard) with standard errors clustered by State under review:
one State receives many requests and answers them together, so its requests are not independent.
"""

import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from ..effects import EffectsResult, not_estimated
from .followthrough import follow_through

MIN_EVENTS = 10
CURVE_COLUMNS = ["group", "years", "not_ratified", "ci_low", "ci_high", "at_risk"]
MODEL_TERMS = ["noted", "considered", "cycle", "sur_group[Asia-Pacific]", "sur_group[EEG]", "sur_group[GRULAC]",
               "sur_group[WEOG]"]
HEADLINE = "noted"


def _log_log_interval(prob, se, alpha):
    """Pointwise interval of a survival probability on the log(-log) scale."""
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * se / np.abs(prob * np.log(prob))
        low, high = prob ** np.exp(spread), prob ** np.exp(-spread)
    inside = (prob > 0) & (prob < 1)
    return np.where(inside, low, prob), np.where(inside, high, prob)


def _curve(group, rows, alpha):
    fit = SurvfuncRight(rows["years"].to_numpy(float), rows["ratified_after"].to_numpy(float))
    low, high = _log_log_interval(fit.surv_prob, fit.surv_prob_se, alpha)
    start = {"group": group, "years": 0.0, "not_ratified": 1.0, "ci_low": 1.0, "ci_high": 1.0, "at_risk": len(rows)}
    steps = pd.DataFrame({"group": group, "years": fit.surv_times, "not_ratified": fit.surv_prob,
                          "ci_low": low, "ci_high": high, "at_risk": fit.n_risk.astype(int)})
    end = float(rows["years"].max())
    if end > (fit.surv_times[-1] if len(fit.surv_times) else 0.0):  # the curve runs on to the last censoring
        last = steps.iloc[-1] if len(steps) else pd.Series(start)
        steps.loc[len(steps)] = {**last.to_dict(), "years": end, "at_risk": int((rows["years"] >= end).sum())}
    return pd.concat([pd.DataFrame([start]), steps], ignore_index=True)


def kaplan_meier(follow, by="response", groups=("supported", "noted"), alpha=0.05, country=None):
    """Kaplan-Meier curves of the share of open requests not yet ratified, ``years`` after the review, per
    value of ``by`` in ``groups`` (``CURVE_COLUMNS``; a group without requests has no rows)."""
    rows = _open(follow, country)
    curves = [_curve(g, rows[rows[by] == g], alpha) for g in groups if (rows[by] == g).any()]
    return pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(columns=CURVE_COLUMNS)


def log_rank(follow, by="response", groups=("supported", "noted"), country=None):
    """``(chi2, p_value)`` of the log-rank test that the curves of ``groups`` are the same; NaN when fewer
    than two groups have requests."""
    rows = _open(follow, country)
    rows = rows[rows[by].isin(groups)]
    if rows[by].nunique() < 2:
        return float("nan"), float("nan")
    chi2, p_value = survdiff(rows["years"].to_numpy(float), rows["ratified_after"].to_numpy(float), rows[by].to_numpy())
    return float(chi2), float(p_value)


def _open(follow, country=None):
    rows = follow.open_requests
    return rows if country is None else rows[rows["sur_iso3"] == country]


def _design(rows):
    design = pd.DataFrame({"noted": (rows["response"] == "noted").astype(float),
                           "considered": rows["considered"].astype(float),
                           "cycle": (rows["cycle"] - 1).astype(float)}, index=rows.index)
    for group in ("Asia-Pacific", "EEG", "GRULAC", "WEOG"):  # Africa, the largest group, is the reference
        design[f"sur_group[{group}]"] = (rows["sur_group"] == group).astype(float)
    return design.loc[:, design.std() > 0]


def ratification_model_of(recs, alpha=0.05, follow=None):
    """``ratification_model`` of ``follow_through(recs)``: one call on the canonical recommendations table,
    which ``pooled`` can keep for every State of a batch. ``follow``: that follow-through, when already
    computed (a report passes the pooled one)."""
    return ratification_model(follow_through(recs) if follow is None else follow, alpha=alpha)


def ratification_model(follow, alpha=0.05):
    """Cox model of time to ratification on the response (``noted`` against supported), ``considered``
    ("consider ratifying"), ``cycle`` (0 = cycle 1) and the State's regional group (against Africa),
    stratified by instrument, SEs clustered by State under review. Hazard ratios below 1: slower."""
    rows = follow.open_requests[follow.open_requests["response"].isin(["supported", "noted"])]
    rows = rows.sort_values(["sur_iso3", "rec_id", "instrument"], kind="mergesort").reset_index(drop=True)
    title = "Time to ratification after a recommendation to ratify (Cox model)"
    outcome = "ratification after the review"
    if int(rows["ratified_after"].sum()) < MIN_EVENTS or rows["response"].nunique() < 2:
        note = (f"not estimated: {int(rows['ratified_after'].sum())} ratifications after a review among "
                f"{len(rows)} open requests; the model needs {MIN_EVENTS} and both responses")
        return not_estimated(title, MODEL_TERMS, outcome, [note], alpha, HEADLINE, nobs=len(rows), kind=HazardResult)
    design = _design(rows)
    model = PHReg(rows["years"].to_numpy(float), design, status=rows["ratified_after"].to_numpy(float),
                  strata=rows["instrument"].to_numpy(), ties="efron")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = model.fit(groups=rows["sur_iso3"].to_numpy())
        except (np.linalg.LinAlgError, ValueError) as error:  # e.g. a singular matrix: terms that the strata fix
            caught.append(warnings.WarningMessage(str(error), ConvergenceWarning, "", 0))
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        note = (f"not estimated: the model could not be fitted (it did not converge, or its terms are not "
                f"identified) on {int(rows['ratified_after'].sum())} ratifications after a review among {len(rows)} "
                f"open requests of {rows['sur_iso3'].nunique()} States: too few for its {design.shape[1]} terms")
        return not_estimated(title, MODEL_TERMS, outcome, [note], alpha, HEADLINE, nobs=len(rows), kind=HazardResult)
    params = pd.Series(fit.params, index=design.columns)
    bse = pd.Series(fit.bse, index=design.columns)
    pvalues = pd.Series(2 * stats.norm.sf(np.abs(params / bse)), index=design.columns)
    notes = [f"{int(rows['ratified_after'].sum())} ratifications among {len(rows)} open requests; censored at "
             f"{follow.as_of:%d %B %Y}, the treaty table's date", "stratified by instrument"]
    return HazardResult(title, params, bse, pvalues, nobs=len(rows), n_clusters=rows["sur_iso3"].nunique(),
                        cov_type="cluster (State under review)", outcome=outcome, notes=notes, alpha=alpha,
                        headline_term=HEADLINE)


class HazardResult(EffectsResult):
    """An ``EffectsResult`` whose coefficients are log hazard ratios (``hazard_ratios`` for reading)."""

    RATIO, RATIO_LABEL, RATIO_CI = "hazard_ratio", "hazard ratio", ("hr_ci_low", "hr_ci_high")

    def hazard_ratios(self, alpha=None):
        """DataFrame ``hazard_ratio, ci_low, ci_high, p_value`` per term."""
        return self.ratios(alpha)
