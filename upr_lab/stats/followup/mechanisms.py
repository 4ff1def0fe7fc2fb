"""National follow-up mechanisms (URG's NMIRF coding) beside the follow-up measures.

``state_mechanism(table, iso3)``: a State's mechanism in words for a report (``Mechanism``), or None when the
Universal Rights Group did not code it. ``associations(follow, found)``: across the coded States, ratification
follow-through (open requests to ratify ratified within 5 years, ``followthrough``) and recurrence
(recommendations repeating one of the State's previous review, ``recurrence``) by four features of the mechanism: shares with
Wilson intervals per feature level, and a request-level logit of the outcome on each feature, standard errors
clustered by State. ``associations_of(recs)`` computes both measures first (for ``pooled``).

The features, from one column each (upr-lab's cut points: the source documents no key to its scores):
``classification`` (reference NMIRF), ``cso_participation`` high (``csos`` 2-3) or low, ``tracking_database``
yes (1-2) or no, ``implementation_monitoring`` yes (1) or no.

Every result carries ``CAVEAT``: the mechanisms were measured in 2021-23, after the reviews whose follow-up
is measured, in the States that answered URG's survey; an association among them is not an effect.
"""

import dataclasses
from dataclasses import dataclass

import pandas as pd

from upr_lab.sources.nmirf import CLASSIFICATIONS, CRITERIA, INSTITUTIONALISATION, PARTICIPATION, nmirf_table

from .. import recurrence, shared
from ..effects import fit_logit
from ..metrics import not_computable
from .followthrough import follow_through, known_share

SOURCE = "Universal Rights Group, national mechanisms for implementation, reporting and follow-up (Annex 2; survey " \
         "2021-22, validated 2023)"
MEASURED = 2021  # the first year of URG's survey
CAVEAT = ("Cross-sectional association among the {states} States the Universal Rights Group coded that are in these "
          "data, not an effect: follow-up after reviews of {first}-{last} set beside mechanisms as URG measured them "
          "in 2021-23, {when}. A mechanism may postdate, or follow from, the follow-up it is set beside; "
          "States that build such mechanisms differ in other ways; and the coded States are those that answered URG's "
          "survey, not a random sample.")
FEATURES = {  # feature: (words, levels with the reference first)
    "classification": ("URG's classification of the mechanism", CLASSIFICATIONS),
    "cso_participation": ("CSO participation in the mechanism (high: CSOs score 2-3; low: 0-1)", ("low", "high")),
    "tracking_database": ("centralised repository / tracking database (yes: score 1-2; no: -1 or 0)", ("no", "yes")),
    "implementation_monitoring": ("implementation monitoring (yes: score 1; no: -1 or 0)", ("no", "yes")),
}
OUTCOMES = {"within_5y": "open requests to ratify ratified within 5 years",
            "repeated": "cycle-2 recommendations repeating a cycle-1 one"}  # recurrence.later_label says it for the data
WORDS = {
    "parliament": "Parliament", "judiciary": "Judiciary", "csos": "civil society organisations (CSOs)",
    "statistics": "statistics", "nhri": "national human rights institution (NHRI)", "business": "business",
    "state_agencies": "relevant State agencies", "weighted_participation": "weighted participation score",
    "sdg_integration": "integration of the SDGs", "clustering": "clustering",
    "tracking_database": "centralised repository / tracking database",
    "implementation_monitoring": "implementation monitoring", "impact_indicators": "human rights impact indicators",
    "holistic_approach": "holistic approach", "coordination_responsibility": "coordination responsibility",
    "x_total": "X total (participation and criteria)", "established_by_law": "established by law",
    "permanent": "permanent", "regular_meetings": "regularity of meetings", "secretariat": "secretariat",
    "budget": "budget", "dedicated_staff": "dedicated focal points / staff",
    "y_total": "Y total (institutionalisation)",
}
PARTS = (("who takes part (-1 to 3)", [*PARTICIPATION.values(), "weighted_participation"]),
         ("criteria (-1 to 1; tracking database -1 to 2)", [*CRITERIA.values(), "x_total"]),
         ("institutionalisation", [*INSTITUTIONALISATION.values(), "y_total"]))
NOT_CODED = "not coded (empty in the source)"


def features(table):
    """One row per coded State: ``iso3`` and the four features (NA where the score behind one is empty)."""
    def cut(scores, low_top, words):
        return pd.Series(pd.NA, index=scores.index, dtype="object").mask(scores.notna(), scores.gt(low_top).map(
            {True: words[1], False: words[0]}))
    return pd.DataFrame({"iso3": table["iso3"], "classification": table["classification"],
                         "cso_participation": cut(table["csos"], 1, ("low", "high")),
                         "tracking_database": cut(table["tracking_database"], 0, ("no", "yes")),
                         "implementation_monitoring": cut(table["implementation_monitoring"], 0, ("no", "yes"))})


def _value(value):
    """A score for JSON: an int or float, None where empty."""
    if pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def _level(level, feature):
    return level[feature] or "unknown"


def _shown(value):
    return NOT_CODED if pd.isna(value) else f"{_value(value):g}"


@dataclass(frozen=True)
class Mechanism:
    """A State's mechanism as URG coded it: ``row`` (its row of the NMIRF table) and ``level`` (its features)."""

    row: pd.Series
    level: dict
    cso_scores: pd.Series  # every coded State's CSO score, for context

    @property
    def name(self):
        return self.row["name"]

    def table(self):
        """``part, item, score``: the classification, who takes part, the criteria, institutionalisation, totals."""
        rows = [{"part": "classification", "item": "URG's classification", "score": self._classification()}]
        rows += [{"part": part, "item": WORDS[column], "score": _shown(self.row[column])}
                 for part, columns in PARTS for column in columns]
        return pd.DataFrame(rows, columns=["part", "item", "score"])

    def _classification(self):
        return NOT_CODED if pd.isna(self.row["classification"]) else self.row["classification"]

    def who_takes_part(self):
        """The rows of ``table`` on the classification and who takes part (CSOs among them)."""
        table = self.table()
        return table[table["part"].isin(["classification", PARTS[0][0]])].reset_index(drop=True)

    def sentence(self):
        """The mechanism in one paragraph: classification, CSOs, tracking database, monitoring, totals."""
        row, level = self.row, self.level
        return (f"The Universal Rights Group classifies {self.name}'s mechanism as '{self._classification()}' (survey "
                f"2021-22, validated 2023). Civil society organisations' participation scores {_shown(row['csos'])} "
                f"on URG's scale of -1 to 3 (read here as {_level(level, 'cso_participation')}); the criterion "
                f"'centralised repository / tracking database' scores {_shown(row['tracking_database'])} (read as "
                f"{_level(level, 'tracking_database')}) and 'implementation monitoring' "
                f"{_shown(row['implementation_monitoring'])} (read as {_level(level, 'implementation_monitoring')}). "
                f"Totals: X {_shown(row['x_total'])} (participation and criteria), Y {_shown(row['y_total'])} "
                "(institutionalisation). What each score value means is not documented in the source.")

    def cso_sentence(self):
        """CSO participation, set among every coded State's score."""
        counts = self.cso_scores.value_counts()
        spread = ", ".join(f"{int(counts.get(s, 0))} score {s}" for s in (3, 2, 1, 0, -1) if counts.get(s, 0))
        return (f"Civil society organisations' participation in {self.name}'s mechanism scores "
                f"{_shown(self.row['csos'])} on URG's scale of -1 to 3, read here as "
                f"{_level(self.level, 'cso_participation')} (upr-lab's cut: 2-3 high, lower low). Of the "
                f"{len(self.cso_scores)} coded States, {spread}. The source does not define the scale's values: "
                "higher is more participation, no more is known.")

    def to_dict(self):
        """The ``metrics.json`` entry ``mechanism``: source, classification, scores by part, totals, features."""
        row = self.row
        return {"source": SOURCE, "classification": None if pd.isna(row["classification"]) else row["classification"],
                "participation": {c: _value(row[c]) for c in PARTICIPATION.values()},
                "weighted_participation": _value(row["weighted_participation"]),
                "criteria": {c: _value(row[c]) for c in CRITERIA.values()}, "x_total": _value(row["x_total"]),
                "institutionalisation": {c: _value(row[c]) for c in INSTITUTIONALISATION.values()},
                "y_total": _value(row["y_total"]), "features": dict(self.level)}


def state_mechanism(table, iso3):
    """The ``Mechanism`` of State ``iso3`` in the NMIRF ``table`` (``nmirf_table()``), or None when not coded."""
    rows = table[table["iso3"] == iso3]
    if rows.empty:
        return None
    level = features(rows).iloc[0].drop("iso3")
    return Mechanism(rows.iloc[0], {k: (None if pd.isna(v) else v) for k, v in level.items()},
                     table["csos"].dropna().astype(int))


def not_coded(name):
    """The one line a report shows for a State URG did not code."""
    return (f"The Universal Rights Group did not code {name}'s national mechanism for implementation, reporting and "
            "follow-up (its survey of 2021-22 covers 83 States), so none is shown.")


@dataclass(frozen=True)
class Associations:
    """Follow-up measures by mechanism feature across the coded States.

    ``shares``: ``outcome, feature, level, states, n, k, share, ci_low, ci_high`` (``feature`` ``coded by URG``:
    the coded States against the others, for context); ``models``: ``{(outcome, feature): EffectsResult}``;
    ``coverage``: how many States are coded, in the data, with each outcome; ``caveat``: said with every result.
    """

    shares: pd.DataFrame
    models: dict
    coverage: dict
    caveat: str
    labels: dict = dataclasses.field(default_factory=lambda: dict(OUTCOMES))  # the outcomes in words, for these data

    def estimates(self, feature=None):
        """``outcome, feature, term, odds_ratio, ci_low, ci_high, p_value, observations, States`` per model term
        (models of no case left out; without any, the empty table says why: ``metrics.not_computable``)."""
        rows = []
        for (outcome, name), model in self.models.items():
            if (feature is None or name == feature) and model.nobs:  # a model of no case has nothing to show
                for term, ratio in model.odds_ratios().iterrows():
                    if term != "Intercept":
                        rows.append({"outcome": self.labels[outcome], "feature": name, "term": term, **ratio.to_dict(),
                                     "observations": model.nobs, "States": model.n_clusters})
        columns = ["outcome", "feature", "term", "odds_ratio", "ci_low", "ci_high", "p_value", "observations", "States"]
        return not_computable(pd.DataFrame(rows, columns=columns), None if rows else self._why_no_estimate(feature))

    def _why_no_estimate(self, feature):
        said = [n for (_, name), m in self.models.items() if feature is None or name == feature
                for n in m.notes if n != self.caveat]
        return ("No odds ratio could be estimated: the coded States in these data are too few, or do not differ in "
                "the feature, for a model to have a term beyond its intercept. " + " ".join(dict.fromkeys(said))).strip()

    def shares_of(self, feature=None):
        """``shares`` of one feature (with the coded/not coded rows), or all."""
        keep = self.shares["feature"].isin([feature, "coded by URG"]) if feature else slice(None)
        return self.shares[keep].reset_index(drop=True)

    def notes(self):
        """What the models say beyond the caveat (features left out, too few States), once each."""
        return list(dict.fromkeys(n for m in self.models.values() for n in m.notes if n != self.caveat))

    def summary(self):
        """The coverage in one sentence."""
        c = self.coverage
        return (f"URG coded {c['coded']} States; {c['in_data']} of them are States under review in these data, "
                f"{c['with_requests']} with open requests to ratify whose 5-year window is known and "
                f"{c['with_cycle2']} with recommendations to compare with their previous review's.")


def _outcome_rows(follow, found):
    """Per outcome: ``sur_iso3, rec_id`` and the outcome (True, False; unknown rows left out)."""
    rows = {"within_5y": follow.open_requests.dropna(subset=["within_5y"])[["sur_iso3", "rec_id", "within_5y"]]}
    if found is not None:
        rows["repeated"] = found.repeats[["sur_iso3", "rec_id", "repeated"]]
    return {k: v.sort_values(["sur_iso3", "rec_id"], kind="mergesort").reset_index(drop=True) for k, v in rows.items()}


def _share_rows(outcome, rows, feature, levels, labels):
    """One row per level: States, n, k, share and Wilson interval of the outcome."""
    table = []
    for level in levels:
        at = rows[rows[feature] == level]
        table.append({"outcome": labels[outcome], "feature": feature, "level": level,
                      "states": int(at["sur_iso3"].nunique()), **known_share(at[outcome])})
    return table


def _model(outcome, rows, feature, caveat, alpha, labels):
    """Logit of the outcome on the feature's levels (reference: the first), SEs clustered by State."""
    levels = FEATURES[feature][1]
    rows = rows.dropna(subset=[feature])
    design = pd.DataFrame({"Intercept": 1.0, **{f"{feature}[{level}]": (rows[feature] == level).astype(float)
                                                 for level in levels[1:]}}, index=rows.index)
    title = f"{labels[outcome].capitalize()}, by {FEATURES[feature][0]} (logit; reference: {levels[0]})"
    return fit_logit(title, rows[outcome].astype(int), design, labels[outcome], alpha, design.columns[1],
                     groups=rows["sur_iso3"], notes=[caveat])


def _states_with(rows, coded):
    return int(rows.loc[rows["sur_iso3"].isin(coded), "sur_iso3"].nunique())


def associations(follow, found, table=None, alpha=0.05, reviews=None, states=None):
    """``Associations`` of ratification follow-through (``follow``, a ``FollowThrough``) and recurrence (``found``,
    a ``Recurrence``; None to leave it out) with the mechanism features of the NMIRF ``table`` (default: the
    shipped one). ``reviews``: the years of the reviews, ``(first, last)``, and ``states``: the States under review
    of the data (defaults: from ``follow`` and ``found``)."""
    table = nmirf_table() if table is None else table
    levels = features(table).set_index("iso3")
    outcomes = _outcome_rows(follow, found)
    if reviews is None:
        years = follow.requests["review_date"].dt.year
        reviews = (int(years.min()), int(years.max())) if len(years) else ("?", "?")
    if states is None:
        states = set(follow.requests["sur_iso3"]).union(*(rows["sur_iso3"] for rows in outcomes.values()))
    in_data = sorted(set(levels.index) & set(states))
    after = isinstance(reviews[1], int) and reviews[1] < MEASURED
    caveat = CAVEAT.format(states=len(in_data), first=reviews[0], last=reviews[1],
                           when="after those reviews" if after else "after most of those reviews, or during them")
    shares, models = [], {}
    labels = {**OUTCOMES, "repeated": recurrence.later_label(found) if found is not None else OUTCOMES["repeated"]}
    for outcome, rows in outcomes.items():
        coded = rows["sur_iso3"].isin(levels.index).map({True: "yes", False: "no"})
        shares += _share_rows(outcome, rows.assign(**{"coded by URG": coded}), "coded by URG", ("yes", "no"), labels)
        rows = rows[rows["sur_iso3"].isin(levels.index)].join(levels, on="sur_iso3")
        for feature, (_, feature_levels) in FEATURES.items():
            shares += _share_rows(outcome, rows, feature, feature_levels, labels)
            models[(outcome, feature)] = _model(outcome, rows, feature, caveat, alpha, labels)
    coverage = {"coded": len(table), "in_data": len(in_data),
                "with_requests": _states_with(outcomes["within_5y"], levels.index),
                "with_cycle2": _states_with(outcomes["repeated"], levels.index) if found is not None else 0,
                "reviews": list(reviews)}
    return Associations(pd.DataFrame(shares), models, coverage, caveat, labels)


def pooled_inputs(recs):
    """``follow_through(recs)`` and ``recurrence.match(recs)`` as arguments of a pooled computation
    (``follow=``, ``found=``; ``found`` None when ``recs`` holds no two consecutive cycles): each computed once
    per data set and shared by every result built on them (``shared.result_of``)."""
    matchable = recurrence.why_not_matched(recs) is None
    return {"follow": shared.result_of(follow_through, recs),
            "found": shared.result_of(recurrence.match, recs, texts=False, isolated=True) if matchable else None}


def associations_of(recs, alpha=0.05, follow=None, found=None):
    """``associations`` of ``follow_through(recs)`` and ``recurrence.match(recs)`` (left out when ``recs`` holds
    no two consecutive cycles): one call on the canonical recommendations table, which ``pooled`` can keep for a
    batch. ``follow`` and ``found``: those two, when already computed (a report passes the pooled ones)."""
    if found is None and recurrence.why_not_matched(recs) is None:
        found = recurrence.match(recs, texts=False)
    return associations(follow_through(recs) if follow is None else follow, found, alpha=alpha,
                        reviews=(int(recs["year"].min()), int(recs["year"].max())), states=set(recs["sur_iso3"]))
