"""SDG goals of recommendations: which goals a State's recommendations touch, and how they were received.

The links come from the DIHR SDG-Human Rights Data Explorer, the only source here that links UPR
recommendations to the Sustainable Development Goals (attached to UPR Info rows where the two sources
match). A recommendation can touch several goals and counts once for each; many touch none.
"""

import pandas as pd

from .metrics import acceptance

GOALS = {
    1: "No poverty", 2: "Zero hunger", 3: "Good health and well-being", 4: "Quality education",
    5: "Gender equality", 6: "Clean water and sanitation", 7: "Affordable and clean energy",
    8: "Decent work and economic growth", 9: "Industry, innovation and infrastructure",
    10: "Reduced inequalities", 11: "Sustainable cities and communities",
    12: "Responsible consumption and production", 13: "Climate action", 14: "Life below water",
    15: "Life on land", 16: "Peace, justice and strong institutions", 17: "Partnerships for the goals",
}
COLUMNS = ["goal", "name", "n_recommendations", "share", "n_supported", "n_noted", "acceptance_rate", "ci_low",
           "ci_high"]


def goal_profile(recs, alpha=0.05):
    """One row per SDG goal linked to at least one of ``recs``, in goal order: ``goal, name,
    n_recommendations, share`` (of all ``recs``), ``n_supported, n_noted, acceptance_rate, ci_low, ci_high``."""
    linked = recs.assign(goal=recs["sdg_goals"].map(list)).explode("goal").dropna(subset=["goal"])
    if linked.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in COLUMNS}).astype({"name": "str"})
    table = acceptance(linked.astype({"goal": "int64"}), by="goal", alpha=alpha)
    table.insert(1, "name", table["goal"].map(GOALS))
    table.insert(3, "share", table["n_recommendations"] / len(recs))
    return table[COLUMNS]


def linked(recs):
    """How many of ``recs`` are linked to at least one SDG goal: ``{"n", "n_linked", "share_linked"}``."""
    n_linked = int((recs["sdg_goals"].map(len) > 0).sum())
    return {"n": int(len(recs)), "n_linked": n_linked, "share_linked": n_linked / len(recs) if len(recs) else None}


def records(table):
    """The goal profile as ``metrics.json`` holds it: ``{goal: {"name", "n", "acceptance_rate"}}``."""
    return {str(int(row.goal)): {"name": row.name, "n": int(row.n_recommendations),
                                 "acceptance_rate": None if pd.isna(row.acceptance_rate) else float(row.acceptance_rate)}
            for row in table.itertuples(index=False)}
