"""Statistical models of UPR outcomes (statsmodels), reported as ``EffectsResult`` objects.

Each model is a binomial GLM with logit link; coefficients are log-odds, shown as odds ratios.
Pooled models cluster standard errors by State under review. Problems of the data (too few
observations, no variation, a single cycle, perfect separation, missing participation data) become
``notes`` on the result, with NaN estimates, never exceptions. A participation covariate that is unknown
(NA) is never read as 0 or false: reviews where it is unknown are left out, or the covariate is when it
is unknown for every review (both said in the notes). Design matrices are built here, so
term names are stable: ``cycle`` (per cycle, 0 = cycle 1), ``sur_group[EEG]``, ``action_category[5]``.

``outcome_model`` is the adjusted pooled model behind every pooled effect a report shows (trend,
specific-action effect, regional group differences); ``civil_society_effects`` is the same model led
by the participation terms; ``compliance_trend`` is the unadjusted trend, descriptive for one State.
``regional_comparison`` compares a State's acceptance rate with regional groups (two-proportion tests
with Holm correction); ``group_ranking`` and ``group_summary`` (descriptive, defined in ``metrics``)
are re-exported here.
"""

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from upr_lab.exceptions import ParameterError
from upr_lab.sources.countries import check_iso3
from upr_lab.sources.coverage import predicted_note

from .effects import EffectsResult, fit_logit, not_estimated  # noqa: F401
from .metrics import _own, group_ranking, group_summary, state_acceptance  # noqa: F401

OUTCOMES = {"supported": (("supported", "noted"), ("supported",), "response"),
            "implemented": (("fully", "partially", "not"), ("fully", "partially"), "implementation")}


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
    if not levels:  # no rows with this outcome: no dummies (the fit then says there are too few rows)
        return pd.DataFrame(index=values.index)
    reference = levels[0] if reference not in levels else reference
    return pd.DataFrame({f"{name}[{lv}]": (values == lv).astype(float)
                         for lv in levels if lv != reference}, index=values.index)


def compliance_trend(recs, country=None, outcome="supported", alpha=0.05, cluster=True):
    """Unadjusted trend of an outcome over UPR cycles: logit of the outcome on ``cycle`` only.

    ``outcome="supported"``: supported 1, noted 0, other dropped; ``"implemented"``: fully or
    partially 1, not 0, unassessed dropped; ``cycle`` counts from 0 = cycle 1. With ``country`` (ISO3)
    the model is for that State under review; without, it pools all States with standard errors
    clustered by State under review (``cluster=False`` gives naive SEs). Headline: ``cycle``.

    This is a descriptive trend: it includes every change in what the State (or the pool) received
    and in who took part, e.g. more specific recommendations or more stakeholder submissions in later
    cycles, so it estimates no model parameter (no planted value in the demo data). For the trend
    with those held fixed, use ``outcome_model``.
    """
    if country is not None:
        country = check_iso3(country)
        recs = recs[recs["sur_iso3"] == country]
    frame, y = _outcome(recs, outcome)
    who = f" for {country}" if country else " (all States under review)"
    title = f"Unadjusted trend in {outcome} recommendations per cycle{who}"
    X = pd.DataFrame({"Intercept": 1.0, "cycle": frame["cycle"].astype(float) - 1}, index=frame.index)
    cycles = sorted(frame["cycle"].unique())
    if len(cycles) < 2:
        which = f"only cycle {cycles[0]}" if cycles else "no cycle"
        note = f"Outcome data cover {which}{who}: a trend needs at least two cycles."
        return not_estimated(title, X.columns, outcome, [note], alpha, "cycle", len(y))
    groups = frame["sur_iso3"] if country is None and cluster else None
    return fit_logit(title, y, X, outcome, alpha, "cycle", groups)


NO_PARTICIPATION = ("This data source has no civil society participation data, so participation "
                    "effects cannot be estimated.")
MAYBE_UNKNOWN = ("nhri_submitted", "national_consultation")  # participation covariates a source may not know


def _with_participation(recs, participation, notes):
    """Recommendations joined to the participation in their review, on (sur_iso3, cycle)."""
    joined = recs.merge(participation, on=["sur_iso3", "cycle"], how="inner", validate="many_to_one")
    if len(joined) < len(recs):
        notes.append(f"{len(recs) - len(joined)} recommendations have no participation record for "
                     "their review and were left out.")
    return joined


def _known(frame, y, notes):
    """The rows and participation flags a model can use, unknown (NA) never read as false: a flag unknown
    in every row is left out; rows where a flag kept is unknown are left out. Each is said in ``notes``."""
    unknown = frame[list(MAYBE_UNKNOWN)].isna()
    kept = [c for c in MAYBE_UNKNOWN if not (len(frame) and unknown[c].all())]
    for column in MAYBE_UNKNOWN:
        if column not in kept:
            notes.append(f"{column} is unknown for every review in these data and was left out of the model.")
    dropped = unknown[kept].any(axis=1).to_numpy()
    if dropped.any():
        reviews = len(frame.loc[dropped, ["sur_iso3", "cycle"]].drop_duplicates())
        which = " or ".join(c for c in kept if unknown.loc[dropped, c].any())
        notes.append(f"{reviews} review{'s' if reviews != 1 else ''} ({int(dropped.sum())} recommendations) "
                     f"{'were' if reviews != 1 else 'was'} left out because {which} is unknown for "
                     f"{'them' if reviews != 1 else 'it'}.")
    return frame[~dropped].reset_index(drop=True), y[~dropped].reset_index(drop=True), kept


def _design(frame, flags=None, group_reference=None, extra=()):
    """Design of the pooled models: intercept, ``cycle`` (0 = cycle 1), the participation terms when
    ``flags`` is a list (``log1p_stakeholder_submissions`` and the participation flags named in it, known
    in every row), action category dummies (reference 4; a missing category is its own level ``unknown``)
    and ``sur_group`` dummies (reference ``group_reference``, default the first), then the ``extra`` columns."""
    columns = {"Intercept": 1.0, "cycle": frame["cycle"].astype(float) - 1}
    if flags is not None:
        columns["log1p_stakeholder_submissions"] = np.log1p(frame["stakeholder_submissions"].astype(float))
        columns.update({flag: frame[flag].astype(float) for flag in flags})
    category = frame["action_category"].astype("Int64").astype(object)
    category = category.where(category.notna(), "unknown").astype(str)
    return pd.concat([pd.DataFrame(columns, index=frame.index),
                      _dummies(category, "action_category", "4"),
                      _dummies(frame["sur_group"].astype(str), "sur_group", group_reference),
                      frame[list(extra)].astype(float)], axis=1)


def _pooled(title, recs, participation, outcome, alpha, cluster, headline, group_reference=None, extra=()):
    notes, flags = [], None
    recs = _extra_known(recs, extra, notes)
    if participation is not None:
        recs = _with_participation(recs, participation, notes)
    frame, y = _outcome(recs, outcome)
    if participation is not None:
        frame, y, flags = _known(frame, y, notes)
    X = _design(frame, flags, group_reference, extra)
    groups = frame["sur_iso3"] if cluster else None
    predicted = predicted_note(frame)  # the action categories in the model that the classifier predicted
    return fit_logit(title, y, X, outcome, alpha, headline, groups, notes + ([predicted] if predicted else []))


def _extra_known(recs, extra, notes):
    """The rows where every ``extra`` term is known (a term unknown is never read as 0), said in ``notes``."""
    if not extra:
        return recs
    unknown = recs[list(extra)].isna().any(axis=1)
    if unknown.any():
        states = recs.loc[unknown, "sur_iso3"].nunique()
        notes.append(f"{int(unknown.sum()):,} recommendations ({states} States under review) have no value of "
                     f"{', '.join(extra)} and were left out.")
    return recs[~unknown]


def _missing(participation):
    return participation is None or len(participation) == 0


def outcome_model(recs, participation=None, outcome="supported", alpha=0.05, cluster=True,
                  headline="cycle", group_reference=None, extra=()):
    """The adjusted pooled model of an outcome over all States under review in ``recs``.

    Logit of the outcome (``"supported"`` vs noted, or ``"implemented"`` fully or partially vs not)
    on ``cycle`` (0 = cycle 1), action category dummies (reference 4, so ``action_category[5]`` is the
    specific-action effect) and regional group dummies ``sur_group[...]`` (reference
    ``group_reference``, default Africa, the first alphabetically); with a ``participation`` table,
    also on ``log1p_stakeholder_submissions``, ``nhri_submitted`` and ``national_consultation`` of the
    review (joined on sur_iso3, cycle; reviews where a flag is unknown are left out, a flag unknown for
    every review is, and the notes say so). Each term is an effect with the others held fixed: ``cycle``
    is the trend within category, group and participation, unlike the unadjusted
    ``compliance_trend``. Standard errors clustered by State under review (``cluster=False``: naive).
    ``headline`` names the term a report leads with. ``extra``: columns of ``recs`` added as terms as they
    are (e.g. the State's context, ``stats.context_models``); rows where one is unknown are left out.
    """
    who = "" if group_reference is None else f", groups against {group_reference}"
    title = f"Adjusted model of {outcome} recommendations (all States under review{who})"
    if _missing(participation):
        result = _pooled(title, recs, None, outcome, alpha, cluster, headline, group_reference, extra)
        result.notes.insert(0, "No civil society participation data: the model is not adjusted for "
                               "stakeholder submissions, NHRI submissions or national consultations.")
        return result
    return _pooled(title, recs, participation, outcome, alpha, cluster, headline, group_reference, extra)


def civil_society_effects(recs, participation, outcome="implemented", alpha=0.05, cluster=True):
    """Association of civil society participation in a review with its outcome.

    The ``outcome_model`` with participation, led by ``log1p_stakeholder_submissions``: a logit of the
    outcome on the participation terms controlling for action category (reference 4), ``cycle`` and
    ``sur_group`` (reference Africa), standard errors clustered by State under review. Without
    participation data, returns a result with a note and no estimates.
    """
    title = f"Civil society participation and {outcome} recommendations"
    headline = "log1p_stakeholder_submissions"
    if _missing(participation):
        return not_estimated(title, [], outcome, [NO_PARTICIPATION], alpha, headline)
    return _pooled(title, recs, participation, outcome, alpha, cluster, headline)


def group_differences(recs, participation, country, alpha=0.05):
    """Adjusted acceptance differences between regional groups, against ``country``'s own group.

    The ``outcome_model`` of supported recommendations (all States, ``country`` included) with the
    State's group as reference: ``sur_group[G]`` is the log-odds ratio of support in group G against
    the own group for recommendations of the same category, cycle and (if known) participation.
    Headline: the first other group's term.
    """
    country, own = _own(state_acceptance(recs), country)
    return group_model(recs, participation, str(own["sur_group"]), alpha)


def group_model(recs, participation, group, alpha=0.05):
    """``group_differences`` against a regional ``group``: the same for every State of that group (so a
    batch fits it once per group)."""
    others = sorted(set(state_acceptance(recs)["sur_group"]) - {group})
    headline = f"sur_group[{others[0]}]" if others else None
    return outcome_model(recs, participation, "supported", alpha, True, headline, group)


def group_terms(result):
    """The ``sur_group[...]`` rows of a model's ``odds_ratios()``, indexed by group name."""
    table = result.odds_ratios()
    table = table[table.index.str.startswith("sur_group[")]
    return table.rename(index=lambda term: term[len("sur_group["):-1])


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
    note = _not_compared(frame, own)
    if note:
        frame.attrs["note"] = note
    return frame


def _not_compared(frame, own):
    """A sentence on the comparisons the table cannot make (a group with no other State, rates unknown), or None."""
    if not own["n_decided"]:
        return (f"{own['sur_name']} has no recommendation supported or noted in these data, so it cannot be compared "
                "with any group.")
    said = []
    alone = frame.loc[(frame["relation"] == "own group") & (frame["n_states"] == 0), "group"]
    if len(alone):
        said.append(f"{own['sur_name']} is the only State of {alone.iloc[0]} in these data: there is no other State "
                    "of its group to compare it with.")
    silent = frame.loc[(frame["n_states"] > 0) & (frame["n_decided"] == 0), "group"]
    if len(silent):
        said.append(f"No State of {', '.join(silent)} has a recommendation supported or noted in these data: no "
                    "difference with that group can be computed.")
    return " ".join(said) or None
