"""Do the analyses recover what the demo data plant? Coverage of the planted effects over seeds.

``seed_rows(seed)`` generates the synthetic demo data set with ``seed`` and fits exactly the model
functions the four notebooks call, giving one row per planted effect: the true value, the estimate,
its standard error and 95% interval, and whether the interval covers the truth. ``summarise(rows)``
turns the rows of many seeds into one line per effect (mean estimate, bias, empirical SD, mean SE,
coverage with a Wilson 95% Monte-Carlo interval), ``markdown(summary)`` into the report that
``validation/coverage.py`` writes to ``validation/coverage.md``.

Effects with ``check`` false are shown for contrast only: the unadjusted pooled trend has no planted
value, and its distance from the conditional trend shows why the adjusted model is needed.
"""

import math
from multiprocessing import Pool

import numpy as np
import pandas as pd

from upr_lab.sources.formats import synthetic

from . import models
from .dyads.asked import action_category_by_recommender_group
from .dyads.model import dyadic_model
from .metrics import rate_with_ci

COUNTRIES = ("NOR", "BRA", "KEN", "IND", "POL")  # States whose raw regional comparisons are checked
AFRICAN_STATE = "KEN"  # group differences are fitted against this State's group, Africa, as planted
ACCEPTANCE, IMPLEMENTATION = synthetic.TRUE_EFFECTS["acceptance"], synthetic.TRUE_EFFECTS["implementation"]
PARTICIPATION_TRUTH = {
    "supported": {"log1p_stakeholder_submissions": ACCEPTANCE["log1p_stakeholder_submissions"],
                  "nhri_submitted": 0.0, "national_consultation": 0.0,
                  "action_category[5]": ACCEPTANCE["action_category"][5]},
    "implemented": {"log1p_stakeholder_submissions": IMPLEMENTATION["log1p_stakeholder_submissions"],
                    "nhri_submitted": IMPLEMENTATION["nhri_submitted"],
                    "national_consultation": IMPLEMENTATION["national_consultation"],
                    "action_category[5]": IMPLEMENTATION["category_5"]},
}
RECOMMENDING = synthetic.TRUE_EFFECTS["recommending"]
DYADIC_TRUTH = {**{f"recommender_group[{g}]": 0.0 for g in ("Asia-Pacific", "EEG", "GRULAC", "WEOG")},
                "same_group": RECOMMENDING["same_group"], "reciprocal": RECOMMENDING["reciprocal"],
                "democracy_gap": RECOMMENDING["democracy_gap"], "sur_democracy": 0.0}
MEAN_CATEGORY_TRUTH = {g: float(np.dot(np.arange(1, 6), shares))
                       for g, shares in sorted(RECOMMENDING["action_category_shares"].items())}
COLUMNS = ["seed", "analysis", "effect", "truth", "estimate", "se", "ci_low", "ci_high", "covered",
           "check"]


def _row(analysis, effect, truth, estimate, se, low, high, check=True):
    covered = bool(low <= truth <= high) if np.isfinite([low, high]).all() else False
    return {"analysis": analysis, "effect": effect, "truth": float(truth), "estimate": float(estimate),
            "se": float(se), "ci_low": float(low), "ci_high": float(high), "covered": covered,
            "check": check}


def _model_rows(analysis, label, result, truths, check=True):
    """One row per planted term of a fitted ``EffectsResult``; a term not estimated counts as a miss."""
    ci = result.conf_int().reindex(list(truths))
    params, bse = result.params.reindex(list(truths)), result.bse.reindex(list(truths))
    return [_row(analysis, f"{label}: {term}", truth, params[term], bse[term], ci.loc[term, "lower"],
                 ci.loc[term, "upper"], check) for term, truth in truths.items()]


def compliance_rows(recs, participation):
    """The compliance trends notebook: adjusted trends and specific-action effect; unadjusted trends."""
    supported = models.outcome_model(recs, participation, "supported")
    implemented = models.outcome_model(recs, participation, "implemented")
    rows = _model_rows("compliance_trends", "adjusted, supported", supported,
                       {"cycle": ACCEPTANCE["cycle"],
                        "action_category[5]": ACCEPTANCE["action_category"][5]})
    rows += _model_rows("compliance_trends", "adjusted, implemented", implemented,
                        {"cycle": IMPLEMENTATION["cycle"]})
    for outcome, truth in (("supported", ACCEPTANCE["cycle"]), ("implemented", IMPLEMENTATION["cycle"])):
        unadjusted = models.compliance_trend(recs, outcome=outcome)
        rows += _model_rows("compliance_trends", f"unadjusted, {outcome}", unadjusted,
                            {"cycle": truth}, check=False)
    return rows


def civil_society_rows(recs, participation):
    """The civil society notebook: participation and specific-action effects on both outcomes."""
    rows = []
    for outcome in ("implemented", "supported"):
        result = models.civil_society_effects(recs, participation, outcome=outcome)
        rows += _model_rows("civil_society", outcome, result, PARTICIPATION_TRUTH[outcome])
    return rows


def true_acceptance(recs, participation):
    """Per State under review: the sum of the true probabilities of support over its supported or
    noted recommendations, their number, and its group."""
    dyadic = pd.Series(synthetic.dyadic_log_odds(recs), index=recs.index)  # needs the whole table
    decided = recs[recs["response"].isin(["supported", "noted"])]
    decided = decided.assign(dyadic_log_odds=dyadic[decided.index].to_numpy())
    joined = decided.merge(participation, on=["sur_iso3", "cycle"], validate="many_to_one")
    p = 1.0 / (1.0 + np.exp(-(synthetic.acceptance_log_odds(joined) + joined["dyadic_log_odds"].to_numpy())))
    frame = pd.DataFrame({"sur_iso3": joined["sur_iso3"].to_numpy(), "p": p,
                          "sur_group": joined["sur_group"].to_numpy()})
    return frame.groupby("sur_iso3").agg(p=("p", "sum"), n=("p", "size"), sur_group=("sur_group", "first"))


def regional_rows(recs, participation):
    """The regional comparison notebook: adjusted group differences, and the raw comparisons of a
    few States (Newcombe intervals) against the difference of mean true probabilities of support."""
    result = models.group_differences(recs, participation, AFRICAN_STATE)
    truths = {f"sur_group[{g}]": a - ACCEPTANCE["intercept"]["Africa"]
              for g, a in sorted(ACCEPTANCE["intercept"].items()) if g != "Africa"}
    rows = _model_rows("regional_comparison", "adjusted vs Africa", result, truths)
    states = true_acceptance(recs, participation)
    for country in COUNTRIES:
        comparison = models.regional_comparison(recs, country)
        peers = states.drop(index=country)
        for line in comparison.itertuples(index=False):
            group = peers[peers["sur_group"] == line.group]
            truth = states.loc[country, "p"] / states.loc[country, "n"] - group["p"].sum() / group["n"].sum()
            rows.append(_row("regional_comparison", f"raw difference: {country} - {line.group}",
                             truth, line.difference, np.nan, line.ci_low, line.ci_high))
    return rows


def recommending_rows(recs, alpha=0.05):
    """The recommending States notebook: the dyadic model's terms (same group, reciprocity, democracy gap and
    the recommending groups, which have no effect of their own once the category is held fixed) and the mean
    action category of each recommending group in cycle 1 (interval clustered by recommending State)."""
    rows = _model_rows("recommending_states", "dyadic", dyadic_model(recs, alpha=alpha), DYADIC_TRUTH)
    means = action_category_by_recommender_group(recs, alpha=alpha)
    for line in means[means["cycle"] == 1].itertuples(index=False):
        rows.append(_row("recommending_states", f"mean action category, cycle 1: {line.recommender_group}",
                         MEAN_CATEGORY_TRUTH[line.recommender_group], line.mean_action_category, line.se,
                         line.ci_low, line.ci_high))
    return rows


def seed_rows(seed):
    """Every planted effect of the four analyses, fitted on the demo data generated with ``seed``."""
    data = synthetic.generate(seed)
    recs, participation = data.recommendations, data.participation
    rows = (compliance_rows(recs, participation) + civil_society_rows(recs, participation)
            + regional_rows(recs, participation) + recommending_rows(recs))
    return [{"seed": seed, **row} for row in rows]


def rows_for_seeds(seeds, workers=2):
    """``seed_rows`` for every seed (in ``workers`` processes), as one frame in seed order."""
    seeds = list(seeds)
    if workers > 1 and len(seeds) > 1:
        with Pool(workers) as pool:
            per_seed = pool.map(seed_rows, seeds, chunksize=1)
    else:
        per_seed = [seed_rows(seed) for seed in seeds]
    return pd.DataFrame([row for rows in per_seed for row in rows], columns=COLUMNS)


def _summary_line(rows):
    error = rows["estimate"] - rows["truth"]
    coverage = rate_with_ci(int(rows["covered"].sum()), len(rows))
    return {"truth": rows["truth"].mean(), "mean_estimate": rows["estimate"].mean(),
            "bias": error.mean(), "empirical_sd": error.std(ddof=1) if len(rows) > 1 else math.nan,
            "mean_se": rows["se"].mean(), "coverage": coverage["rate"],
            "coverage_low": coverage["ci_low"], "coverage_high": coverage["ci_high"], "n": len(rows),
            "check": bool(rows["check"].iloc[0])}


def summarise(rows):
    """One line per effect, in the order the effects first appear.

    ``truth`` is the mean true value (it varies by seed only for the raw regional differences);
    ``bias`` the mean of estimate - truth and ``empirical_sd`` its SD; ``mean_se`` the mean reported
    SE (NaN where an interval has no SE); ``coverage`` the share of intervals covering the truth, with
    a Wilson 95% Monte-Carlo interval ``coverage_low``-``coverage_high`` over the ``n`` seeds.
    """
    keys = ["analysis", "effect"]
    order = rows[keys].drop_duplicates()
    lines = [{"analysis": a, "effect": e, **_summary_line(group)}
             for (a, e), group in rows.groupby(keys, sort=False)]
    return order.merge(pd.DataFrame(lines), on=keys, how="left").reset_index(drop=True)


def _number(value, digits=3):
    if value is None or not math.isfinite(value):
        return "-"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.000"


def _table(summary, coverage=True):
    header = ["analysis", "effect", "true", "mean estimate", "bias", "empirical SD", "mean SE"]
    header += ["coverage", "95% MC interval", "0.95 in interval"] if coverage else []
    align = ["---"] * 2 + ["---:"] * (len(header) - 2 - coverage) + ["---"] * coverage
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    for line in summary.itertuples(index=False):
        cells = [line.analysis, f"`{line.effect}`", *(_number(getattr(line, k)) for k in
                 ("truth", "mean_estimate", "bias", "empirical_sd", "mean_se"))]
        if coverage:
            inside = line.coverage_low <= 0.95 <= line.coverage_high
            cells += [_number(line.coverage), f"{_number(line.coverage_low)}-{_number(line.coverage_high)}",
                      "yes" if inside else "**no**"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(summary, seeds):
    """The coverage report as Markdown: deterministic (no timestamps), effects in a fixed order."""
    seeds = list(seeds)
    checked, contrast = summary[summary["check"]], summary[~summary["check"]]
    span = f"{seeds[0]}-{seeds[-1]}" if seeds else "none"
    return "\n\n".join([
        "# Do the models recover the planted effects?",
        f"Demo data generated with seeds {span} ({len(seeds)} data sets); for each, the model functions "
        "the notebooks call were fitted (`upr_lab.stats.validation`, run by `validation/coverage.py`). Model "
        "effects are log-odds coefficients; raw regional differences are differences of shares "
        "supported, whose truth is the difference of the mean true probabilities of support of the "
        "State's and the group's supported/noted recommendations (the State excluded from its group). "
        "Bias is the mean of estimate - truth, empirical SD its standard deviation over seeds, mean SE "
        "the mean reported standard error (none for Newcombe intervals). Coverage is the share of 95% "
        "intervals covering the truth, with a Wilson 95% Monte-Carlo interval over the seeds.",
        "## Planted effects\n\n" + _table(checked),
        "## For contrast: the unadjusted pooled trend\n\n"
        "`compliance_trend` without a country regresses the outcome on the cycle only. Later cycles "
        "also bring more stakeholder submissions, NHRI submissions and national consultations, so "
        "this trend mixes the planted per-cycle effect with those changes: it is not an estimate of "
        "the planted value (shown as truth) and is not checked for coverage.\n\n"
        + _table(contrast, coverage=False),
    ]) + "\n"
