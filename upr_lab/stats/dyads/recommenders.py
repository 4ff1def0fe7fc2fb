"""Who recommended to a State under review, and how it responded to each: tables by recommending State and
group, cycle by cycle, and the State's mix of recommending groups beside all States'.

Every table counts recommendations (one row of the canonical table per recommendation and recommending
State: a joint recommendation counts once for each State that made it). ``acceptance_rate`` is the share
supported among supported + noted, with a Wilson interval (``ci_low``, ``ci_high``); ``mean_action_category``
is over the recommendations with a UPR Info action category (``n_categorised`` of them: DIHR rows have none).
Recommending States are the UN member States (their UN regional group), the two observer States that
recommend (Holy See and State of Palestine, group ``Observer``) and, where a source could not name one, an
unknown recommender (empty ISO3; group ``unknown`` in the tables by group). Rows come in a stable order: cycle,
then most recommendations first, then ISO3.
"""

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.sources.countries import check_iso3, check_present

from ..metrics import _clean, acceptance

GROUPS = ("Africa", "Asia-Pacific", "EEG", "GRULAC", "WEOG")  # the UN regional groups
STATE_KEYS = ["recommender_iso3", "recommender_name", "recommender_group"]
UNKNOWN_GROUP = "unknown"
TOP_KEYS = ("iso3", "name", "group", "n", "supported", "noted", "acceptance_rate")


def received(recs, country):
    """The recommendations to ``country`` (ISO3); refuses a State that is not under review in ``recs``."""
    country = check_iso3(country)
    check_present(country, sorted(recs["sur_iso3"].unique()))
    return recs[recs["sur_iso3"] == country]


def _group_named(recs):
    """``recs`` with an empty recommending group (an unknown recommender) named ``unknown``."""
    group = recs["recommender_group"].astype(str)
    return recs.assign(recommender_group=group.where(group != "", UNKNOWN_GROUP))


def _summary(recs, keys, alpha):
    """Per ``keys``: ``n, n_supported, n_noted, acceptance_rate, ci_low, ci_high, n_categorised,
    mean_action_category`` (sorted by the keys)."""
    table = acceptance(recs, by=keys, alpha=alpha).rename(columns={"n_recommendations": "n"})
    category = recs["action_category"].astype("Float64")
    means = (pd.concat([recs[keys], category.rename("category")], axis=1)
             .groupby(keys, sort=True, dropna=False)["category"].agg(["count", "mean"])
             .rename(columns={"count": "n_categorised", "mean": "mean_action_category"}).reset_index())
    table = table.merge(means, on=keys, how="left", validate="one_to_one")
    table["mean_action_category"] = table["mean_action_category"].astype(float)
    return table


def by_recommending_state(recs, country, alpha=0.05, cycles=True):
    """Each State that recommended to ``country``, per cycle (``cycles=False``: over all cycles):
    ``[cycle], recommender_iso3, recommender_name, recommender_group, n, n_supported, n_noted,
    acceptance_rate, ci_low, ci_high, n_categorised, mean_action_category``; most recommendations first
    within a cycle, then by ISO3."""
    keys = (["cycle"] if cycles else []) + STATE_KEYS
    table = _summary(received(recs, country), keys, alpha)
    order = (["cycle"] if cycles else []) + ["n", "recommender_iso3", "recommender_name"]
    ascending = ([True] if cycles else []) + [False, True, True]
    return table.sort_values(order, ascending=ascending, kind="mergesort").reset_index(drop=True)


def by_recommending_group(recs, country, alpha=0.05, cycles=True):
    """The recommendations to ``country`` by recommending group, per cycle (``cycles=False``: over all
    cycles): ``[cycle], recommender_group, n_states`` (named recommending States), ``n, n_supported, n_noted,
    acceptance_rate, ci_low, ci_high, n_categorised, mean_action_category``; groups in alphabetical order."""
    own = _group_named(received(recs, country))
    keys = (["cycle"] if cycles else []) + ["recommender_group"]
    table = _summary(own, keys, alpha)
    named = own["recommender_iso3"].astype(str).where(own["recommender_iso3"].astype(str) != "")
    states = named.groupby([own[k] for k in keys], sort=True).nunique().rename("n_states").reset_index()
    table = table.merge(states, on=keys, how="left", validate="one_to_one")
    table = table[[*keys, "n_states", *[c for c in table.columns if c not in keys and c != "n_states"]]]
    silent = [g for g in GROUPS if g not in set(own["recommender_group"])]
    if silent:  # a group absent from the table made no recommendation to the State: its rate cannot be computed
        table.attrs["note"] = (f"No State of {', '.join(silent)} recommended to {own['sur_name'].iloc[0]} in these data, "
                               "so how it received that group's recommendations cannot be shown.")
    return table


def top_recommenders_table(recs, country, n=10, alpha=0.05):
    """The ``n`` States that made the most recommendations to ``country`` over all cycles: the rows of
    ``by_recommending_state(..., cycles=False)`` whose recommending State is named (has an ISO3 code), most
    recommendations first, then by ISO3."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise DataError(f"found n = {n!r} top recommenders; expected a whole number of 1 or more")
    table = by_recommending_state(recs, country, alpha=alpha, cycles=False)
    return table[table["recommender_iso3"].astype(str) != ""].head(n).reset_index(drop=True)


def top_recommenders(recs, country, n=10):
    """The States that made the most recommendations to ``country`` over all cycles, for ``metrics.json``:
    a list of ``{"iso3", "name", "group", "n", "supported", "noted", "acceptance_rate"}`` (acceptance among
    supported + noted; None without either), most recommendations first, then by ISO3. Recommendations whose
    recommending State is unknown (no ISO3) are left out."""
    table = top_recommenders_table(recs, country, n)
    columns = ["recommender_iso3", "recommender_name", "recommender_group", "n", "n_supported", "n_noted",
               "acceptance_rate"]
    return [dict(zip(TOP_KEYS, map(_clean, row))) for row in table[columns].itertuples(index=False)]


def group_shares(recs, country):
    """The share of ``country``'s recommendations from each recommending group beside the share among the
    recommendations to all States under review in ``recs``, per cycle: ``cycle, recommender_group, n,
    share, n_all_states, share_all_states, difference`` (State minus all States, as a proportion). Every
    group present in the cycle is listed, with 0 where the State received none from it."""
    own, recs = _group_named(received(recs, country)), _group_named(recs)
    everyone = recs.groupby(["cycle", "recommender_group"], sort=True).size().rename("n_all_states")
    mine = own.groupby(["cycle", "recommender_group"], sort=True).size().rename("n")
    table = pd.concat([mine, everyone], axis=1).fillna(0).astype(int).sort_index().reset_index()
    table = table[table["cycle"].isin(own["cycle"].unique())].reset_index(drop=True)
    totals = table.groupby("cycle")[["n", "n_all_states"]].transform("sum")
    table["share"] = table["n"] / totals["n"]
    table["share_all_states"] = table["n_all_states"] / totals["n_all_states"]
    table["difference"] = table["share"] - table["share_all_states"]
    return table[["cycle", "recommender_group", "n", "share", "n_all_states", "share_all_states", "difference"]]
