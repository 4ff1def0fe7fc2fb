"""The embedded demo data set: SYNTHETIC UPR recommendations with known planted effects.

Nothing here is real UPR data. For each of the 193 UN member States (real names, real regional
groups) and each of four cycles, one review is simulated: civil society participation, then the
recommendations, their responses and (cycles 1-3) their implementation. The outcomes follow
fixed-effects logistic models, so a plain binomial GLM with the same covariates is correctly
specified and its estimates should recover ``TRUE_EFFECTS`` (95% CIs covering them ~95% of the time).

Acceptance, for each recommendation with response supported or noted (``other`` responses, ~1%, are
assigned completely at random and carry no information)::

    logit P(supported) = a[sur_group] + c[action_category] + 0.15 * cycle
                         + 0.10 * log1p(stakeholder_submissions)
    a = Africa 0.70, Asia-Pacific 0.40, EEG 1.00, GRULAC 1.20, WEOG 1.50
    c = 1: +0.60, 2: +0.40, 3: +0.20, 4: 0 (reference), 5: -0.80

Implementation, for each supported recommendation of cycles 1-3 (cycle 4 is not assessed yet)::

    logit P(implemented fully or partially) = -1.20 + 0.25 * cycle
        + 0.30 * log1p(stakeholder_submissions) + 0.40 * nhri_submitted
        + 0.20 * national_consultation - 0.30 * [action_category == 5]

Implemented recommendations are ``fully`` with probability 0.4, else ``partially``. ``cycle`` enters
as the number 1-4 (intercepts are log-odds at the extrapolated "cycle 0"); the covariates come from
the participation table of the State under review in that cycle, joined on (sur_iso3, cycle).

The recommending side (``TRUE_EFFECTS["recommending"]``): the recommending State is drawn as before
(weighted by its group, never the State under review itself); its group sets the mix of action
categories (``CATEGORY_SHARES_BY_GROUP``: WEOG asks for specific action most, Africa least), and acceptance
adds two dyadic terms, each centred on its share in a cell of the recommendations to one regional group, so
that the models above, which leave them out, stay as they were::

    + 0.20 * (same_group - share same_group[sur_group, action_category])
    + 0.15 * (reciprocal - share reciprocal[sur_group, cycle])

``same_group``: the recommending State is of the group of the State under review; ``reciprocal``: the State
under review had recommended to the recommending State at a review in an earlier session
(``reciprocal_flags``). Nothing depends on the two States' democracy (no planted democracy-gap effect).
Issues and text are drawn independently of both outcomes (no planted effect).
Odds ratios, sampling details and what each analysis should recover: ``data/DEMO.md``.
"""

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from ..calendar import sessions_of, year_of
from ..countries import member_states

DEFAULT_SEED = 2008  # the year of the first UPR session; see data/DEMO.md on how it was chosen
CYCLES = (1, 2, 3, 4)
ASSESSED_CYCLES = (1, 2, 3)

TRUE_EFFECTS = {
    "acceptance": {
        "intercept": {"Africa": 0.70, "Asia-Pacific": 0.40, "EEG": 1.00, "GRULAC": 1.20, "WEOG": 1.50},
        "action_category": {1: 0.60, 2: 0.40, 3: 0.20, 4: 0.00, 5: -0.80},
        "cycle": 0.15,
        "log1p_stakeholder_submissions": 0.10,
    },
    "implementation": {
        "intercept": -1.20,
        "cycle": 0.25,
        "log1p_stakeholder_submissions": 0.30,
        "nhri_submitted": 0.40,
        "national_consultation": 0.20,
        "category_5": -0.30,
    },
    "recommending": {
        "same_group": 0.20,  # small enough to leave the models that omit it (nearly) as they were
        "reciprocal": 0.15,
        "democracy_gap": 0.0,
        "action_category_shares": {  # categories 1-5, by the recommending State's group
            "WEOG": (0.02, 0.065, 0.035, 0.40, 0.48),
            "EEG": (0.02, 0.114, 0.056, 0.40, 0.41),
            "GRULAC": (0.02, 0.191, 0.089, 0.40, 0.30),
            "Asia-Pacific": (0.02, 0.268, 0.122, 0.40, 0.19),
            "Africa": (0.02, 0.282, 0.128, 0.40, 0.17),
        },
    },
}

CATEGORY_SHARES = (0.02, 0.17, 0.08, 0.40, 0.33)  # over all recommendations (the groups' shares average to it)
CATEGORY_SHARES_BY_GROUP = TRUE_EFFECTS["recommending"]["action_category_shares"]
RECOMMENDATIONS_PER_REVIEW = {1: (25, 60), 2: (50, 130), 3: (80, 190), 4: (120, 250)}
RECOMMENDER_WEIGHT = {"WEOG": 3.0, "EEG": 1.5, "GRULAC": 1.2, "Asia-Pacific": 1.0, "Africa": 0.8}
SUBMISSIONS_MEAN = {"WEOG": 16.0, "EEG": 11.0, "GRULAC": 13.0, "Asia-Pacific": 8.0, "Africa": 7.0}
SUBMISSIONS_GROWTH = {1: 1.0, 2: 1.5, 3: 1.9, 4: 2.1}
SUBMISSIONS_DISPERSION, SUBMISSIONS_MAX = 2.5, 80
SHARE_OTHER, SHARE_FULLY = 0.01, 0.40
ISSUES = (
    "Civil society", "Human rights defenders", "Women's rights", "Rights of the Child",
    "Torture and other CID treatment", "International instruments", "Justice",
    "Freedom of opinion and expression", "Death penalty", "Migrants", "Racial discrimination",
    "Right to education", "Right to health", "Rights of persons with disabilities",
    "Trafficking", "Indigenous peoples", "Labour", "NHRI", "Impunity", "Freedom of association",
)


@dataclass(frozen=True, eq=False)
class DemoData:
    """The synthetic data set: recommendations and participation tables, and the planted effects."""

    recommendations: pd.DataFrame
    participation: pd.DataFrame
    true_effects: dict


def generate(seed=DEFAULT_SEED):
    """Generate the synthetic demo data set; the same ``seed`` gives byte-identical tables."""
    rng = np.random.default_rng(seed)
    states = _states_frame()
    participation = _participation(states, rng)
    reviews = _reviews(states, participation)
    recommendations = _recommendations(reviews, states, rng)
    return DemoData(
        recommendations=schema.validate(recommendations, schema.RECOMMENDATIONS, "synthetic"),
        participation=schema.validate(participation, schema.PARTICIPATION, "synthetic"),
        true_effects=copy.deepcopy(TRUE_EFFECTS),
    )


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _states_frame():
    states = member_states()
    return pd.DataFrame({"iso3": [s.iso3 for s in states], "name": [s.name for s in states],
                         "group": [s.group for s in states]}, dtype="str")


def _participation(states, rng):
    """One row per State x cycle: submissions grow by cycle and differ by group."""
    frame = pd.DataFrame({"sur_iso3": np.tile(states["iso3"].to_numpy(), len(CYCLES)),
                          "cycle": np.repeat(np.array(CYCLES, dtype="int64"), len(states))})
    group = pd.Series(np.tile(states["group"].to_numpy(), len(CYCLES)))
    mean = frame["cycle"].map(SUBMISSIONS_GROWTH).to_numpy() * group.map(SUBMISSIONS_MEAN).to_numpy()
    k = SUBMISSIONS_DISPERSION
    submissions = np.minimum(rng.negative_binomial(k, k / (k + mean)), SUBMISSIONS_MAX)
    frame["stakeholder_submissions"] = submissions.astype("int64")
    frame["joint_submissions"] = rng.binomial(submissions, 0.3).astype("int64")
    cycle = frame["cycle"].to_numpy()
    frame["nhri_submitted"] = rng.random(len(frame)) < _expit(-1.5 + 0.5 * cycle)
    frame["national_consultation"] = rng.random(len(frame)) < _expit(-0.6 + 0.4 * cycle)
    return frame.sort_values(["cycle", "sur_iso3"], ignore_index=True)


def _session_slots(n_states, cycle):
    """Spread States over the sessions of a cycle: a fixed stride interleaves groups across sessions."""
    sessions = np.array(sessions_of(cycle), dtype="int64")
    position = (np.arange(n_states) * 7) % n_states  # 7 is coprime with 193: a permutation
    return sessions[position * len(sessions) // n_states]


def _reviews(states, participation):
    """One row per review (State x cycle) with session, year and the participation covariates."""
    sessions = np.concatenate([_session_slots(len(states), c) for c in CYCLES])
    reviews = participation.assign(session=sessions, year=[year_of(s) for s in sessions])
    return reviews.merge(states.rename(columns=lambda c: f"sur_{c}"), on="sur_iso3", validate="m:1")


def _recommendations(reviews, states, rng):
    """Expand each review into its recommendations and draw every column from the planted models."""
    low, high = np.array([RECOMMENDATIONS_PER_REVIEW[c] for c in reviews["cycle"]]).T
    counts = rng.integers(low, high + 1)
    rows = reviews.loc[np.repeat(reviews.index.to_numpy(), counts)].reset_index(drop=True)
    rows["number"] = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    recommender = _recommenders(rows["sur_iso3"].to_numpy(), states, rng)
    rows["recommender_iso3"] = states["iso3"].to_numpy()[recommender]
    rows["recommender_group"] = states["group"].to_numpy()[recommender]
    rows["action_category"] = _categories(rows["recommender_group"].to_numpy(), rng)
    rows["response"] = _responses(rows, rng)
    rows["implementation"] = _implementation(rows, rng)
    rows["issues"] = _issues(len(rows), rng)
    return _canonical(rows, states.iloc[recommender].reset_index(drop=True))


def _recommenders(sur_iso3, states, rng):
    """Index (into ``states``) of a recommending State other than the State under review."""
    weight = states["group"].map(RECOMMENDER_WEIGHT).to_numpy()
    chosen = rng.choice(len(states), size=len(sur_iso3), p=weight / weight.sum())
    clash = states["iso3"].to_numpy()[chosen] == sur_iso3
    while clash.any():
        chosen[clash] = rng.choice(len(states), size=int(clash.sum()), p=weight / weight.sum())
        clash = states["iso3"].to_numpy()[chosen] == sur_iso3
    return chosen


def _categories(recommender_group, rng):
    """Action category 1-5 from the shares of the recommending State's group (one uniform draw per row,
    as ``rng.choice`` would take)."""
    uniform = rng.random(len(recommender_group))
    category = np.zeros(len(recommender_group), dtype="int64")
    for group, shares in CATEGORY_SHARES_BY_GROUP.items():
        cumulative = np.cumsum(shares) / np.sum(shares)
        rows = recommender_group == group
        category[rows] = np.searchsorted(cumulative, uniform[rows], side="right") + 1
    return category


def _numbers(frame, column):
    return frame[column].astype(float).to_numpy()


def _log1p_submissions(frame):
    return np.log1p(_numbers(frame, "stakeholder_submissions"))


def acceptance_log_odds(frame):
    """True log-odds of 'supported' (vs 'noted') for rows with sur_group, action_category, cycle
    and stakeholder_submissions (recommendations joined to participation), without the recommending side's
    terms (``dyadic_log_odds``, which average zero among the recommendations to a group in a cycle)."""
    effects = TRUE_EFFECTS["acceptance"]
    return (frame["sur_group"].map(effects["intercept"]).to_numpy(dtype=float)
            + frame["action_category"].astype(int).map(effects["action_category"]).to_numpy(dtype=float)
            + effects["cycle"] * _numbers(frame, "cycle")
            + effects["log1p_stakeholder_submissions"] * _log1p_submissions(frame))


def implementation_log_odds(frame):
    """True log-odds of implementation (fully or partially vs not) for rows with cycle,
    stakeholder_submissions, nhri_submitted, national_consultation and action_category."""
    effects = TRUE_EFFECTS["implementation"]
    return (effects["intercept"] + effects["cycle"] * _numbers(frame, "cycle")
            + effects["log1p_stakeholder_submissions"] * _log1p_submissions(frame)
            + effects["nhri_submitted"] * _numbers(frame, "nhri_submitted")
            + effects["national_consultation"] * _numbers(frame, "national_consultation")
            + effects["category_5"] * (_numbers(frame, "action_category") == 5))


def reciprocal_flags(recs):
    """Per recommendation (``sur_iso3, recommender_iso3, session``): whether the State under review had made a
    recommendation to the recommending State at a review held in an earlier session."""
    made = pd.DataFrame({"sur_iso3": recs["recommender_iso3"].to_numpy(), "recommender_iso3": recs["sur_iso3"].to_numpy(),
                         "first": recs["session"].to_numpy()}).groupby(["sur_iso3", "recommender_iso3"])["first"].min()
    keys = pd.MultiIndex.from_arrays([recs["sur_iso3"].to_numpy(), recs["recommender_iso3"].to_numpy()])
    first = made.reindex(keys).to_numpy(dtype=float)
    return first < recs["session"].to_numpy(dtype=float)  # NaN (never) compares False


def dyadic_log_odds(recs):
    """The recommending side's true addition to the log-odds of 'supported', per recommendation of the whole
    table ``recs`` (``sur_iso3, sur_group, cycle, session, action_category, recommender_iso3,
    recommender_group``): the planted same-group term centred on its share in the cell (sur_group,
    action_category), the reciprocity term on its share in the cell (sur_group, cycle). Same-group
    recommenders ask for other categories than the rest (their group sets the mix), so centring the first
    within the category keeps it from shifting the category effects of the models that leave it out."""
    effects = TRUE_EFFECTS["recommending"]
    group = recs["sur_group"].to_numpy()
    terms = (("same_group", recs["recommender_group"].to_numpy() == group, recs["action_category"].to_numpy()),
             ("reciprocal", reciprocal_flags(recs), recs["cycle"].to_numpy()))
    total = np.zeros(len(recs))
    for name, values, within in terms:
        values = pd.Series(values.astype(float))
        total += effects[name] * (values - values.groupby([group, within]).transform("mean")).to_numpy()
    return total


def _responses(rows, rng):
    log_odds = acceptance_log_odds(rows) + dyadic_log_odds(rows)
    supported = rng.random(len(rows)) < _expit(log_odds)
    other = rng.random(len(rows)) < SHARE_OTHER
    return np.where(other, "other", np.where(supported, "supported", "noted"))


def _implementation(rows, rng):
    implemented = rng.random(len(rows)) < _expit(implementation_log_odds(rows))
    fully = rng.random(len(rows)) < SHARE_FULLY
    supported = (rows["response"] == "supported").to_numpy()
    assessed = supported & rows["cycle"].isin(ASSESSED_CYCLES).to_numpy()
    status = np.where(implemented, np.where(fully, "fully", "partially"), "not")
    return np.where(assessed, status, "")


def _issues(n, rng):
    """1-2 issue tags per recommendation, as tuples, looked up in a table of all tag combinations."""
    k = len(ISSUES)
    first = rng.integers(0, k, size=n)
    second = (first + rng.integers(1, k, size=n)) % k
    second = np.where(rng.random(n) < 0.4, second, first)
    combinations = np.empty(k * k, dtype=object)
    combinations[:] = [tuple(dict.fromkeys((ISSUES[min(i, j)], ISSUES[max(i, j)])))
                       for i in range(k) for j in range(k)]
    return combinations[first * k + second]


def _canonical(rows, recommender):
    """Assemble the recommendations table in the canonical column order, dtypes and row order."""
    number = rows["number"].astype(str).str.zfill(5)
    frame = pd.DataFrame({
        "rec_id": "DEMO-c" + rows["cycle"].astype(str) + "-" + rows["sur_iso3"] + "-" + number, "source": "synthetic",
        "cycle": rows["cycle"].astype("int64"), "session": rows["session"].astype("int64"),
        "year": rows["year"].astype("int64"), "sur_iso3": rows["sur_iso3"], "sur_name": rows["sur_name"],
        "sur_group": rows["sur_group"], "recommender_iso3": recommender["iso3"],
        "recommender_name": recommender["name"], "recommender_group": recommender["group"],
        "text": _texts(rows, recommender), "response": pd.array(rows["response"], dtype="str"),
        "action_category": pd.array(rows["action_category"], dtype="Int64"), "issues": rows["issues"],
        "sdg_goals": [()] * len(rows), "sdg_targets": [()] * len(rows), "document": "", "paragraph": "",
        "implementation": pd.array(rows["implementation"], dtype="str"),
    })
    frame = schema.with_coding_sources(frame)
    return frame.sort_values(["cycle", "session", "sur_iso3", "rec_id"], ignore_index=True)


def _texts(rows, recommender):
    first_issue = rows["issues"].str[0]
    return ("[synthetic] Recommendation " + rows["number"].astype(str) + " by " + recommender["name"]
            + " to " + rows["sur_name"] + " on " + first_issue.astype("str")
            + " (category " + rows["action_category"].astype(str) + ")")
