"""Headline figures of a State, read from the ``metrics.json`` of its runs, and a summary per regional group.

Nothing is recomputed: each figure is the one an analysis recorded (acceptance by cycle from any run,
ratification follow-through and recurring recommendations from ``compliance_trends``, rank in group from
``regional_comparison``), so the site says exactly what the reports say. A figure no run gives is None.
"""

import json
from pathlib import Path
from statistics import median

from upr_lab.sources.countries import states


def read_metrics(out, runs):
    """``{iso3: {analysis: metrics}}`` of the runs that are ``ok`` and have a readable ``metrics.json``."""
    found = {}
    for run in runs:
        path = Path(out) / run["country"] / run["analysis"] / "metrics.json"
        if run["status"] != "ok" or not path.is_file():
            continue
        try:
            found.setdefault(run["country"], {})[run["analysis"]] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # a damaged file: the State's page shows the run without its figures
    return found


def state_headline(iso3, by_analysis):
    """The headline figures of one State from its runs' metrics (``by_analysis``: analysis -> metrics)."""
    state = states().get(iso3)
    any_run = next(iter(by_analysis.values()), {})
    trends = by_analysis.get("compliance_trends", {})
    regional = by_analysis.get("regional_comparison", {})
    return {"iso3": iso3, "name": state.name if state else iso3, "group": state.group if state else "",
            "n_recommendations": any_run.get("n_recommendations"),
            "acceptance_rate": any_run.get("acceptance_rate"), "acceptance_ci": any_run.get("acceptance_ci"),
            "by_cycle": {str(c): v for c, v in sorted((any_run.get("by_cycle") or {}).items(), key=_cycle)},
            "reviews": trends.get("reviews") or {},
            "cycle_sources": ((any_run.get("data_source") or {}).get("cycles") or {}),
            "ratification": ratification_followthrough(trends.get("ratification")),
            "recurrence": _recurrence(trends.get("recurrence")),
            "recurrence_all_states": _recurrence(trends.get("recurrence_all_states")),
            "rank_in_group": regional.get("rank_in_group"), "n_in_group": regional.get("n_in_group"),
            "group_acceptance_rate": regional.get("group_acceptance_rate"),
            "other_groups_rates": _other_groups_rates(regional.get("comparisons")),
            "analyses": sorted(by_analysis), "sources": _sources(by_analysis), "synthetic": any(_synthetic(m) for m in by_analysis.values())}


def ratification_followthrough(per_instrument):
    """Recommendations to ratify an instrument the State was not yet party to at the review: how many
    (``n``), how many ratified within five years (``k``) and the ``share``; None without any."""
    if not per_instrument:
        return None
    n = sum(v["n_recommendations"] - v["ratified_before_review"] for v in per_instrument.values())
    k = sum(v["ratified_within_5y"] for v in per_instrument.values())
    return {"n": n, "k": k, "share": k / n if n else None} if n > 0 else None


def _recurrence(entry):
    if not entry or entry.get("share_repeated") is None:
        return None
    return {"share": entry["share_repeated"], "n_cycle2": entry.get("n_cycle2"), "n_repeated": entry.get("n_repeated")}


def _other_groups_rates(comparisons):
    """``{group: rate}`` of the groups other than the State's own in its regional comparison: each pools
    every State of that group in the data (the own group's rate leaves the State out, so it is not here)."""
    return {row["group"]: row["group_rate"] for row in comparisons or ()
            if row.get("relation") == "other group" and row.get("group_rate") is not None}


def _cycle(item):
    return int(item[0]) if str(item[0]).isdigit() else 0


def _synthetic(metrics):
    return bool((metrics.get("data_source") or {}).get("synthetic"))


def _sources(by_analysis):
    """The distinct data sources the runs used (label, kind, files with their SHA-256, the listing digest)."""
    seen = {}
    for metrics in by_analysis.values():
        source = metrics.get("data_source") or {}
        key = json.dumps(source, sort_keys=True)
        seen.setdefault(key, source)
    return [seen[k] for k in sorted(seen)]


def cycle_sources(headlines):
    """Which source each cycle comes from, as the batch's runs recorded it (``data_source.cycles``), in order."""
    found = {}
    for h in headlines:
        for cycle, source in (h.get("cycle_sources") or {}).items():
            found.setdefault(str(cycle), source)
    return {c: found[c] for c in sorted(found, key=lambda c: int(c) if c.isdigit() else 0)}


def cycles_of(headlines):
    """The cycles any State of the batch has figures for, in order."""
    return sorted({c for h in headlines for c in h["by_cycle"]}, key=lambda c: int(c) if c.isdigit() else 0)


def regional_summary(headlines):
    """Per UN regional group of the batch's States: how many, the median and range of their acceptance
    rates, the group's rate over all its States in the data (from the ``regional_comparison`` of a State of
    another group; None without one), and the median share of recurring recommendations. Groups in
    alphabetical order."""
    rows = []
    for group in sorted({h["group"] for h in headlines if h["group"]}):
        members = [h for h in headlines if h["group"] == group]
        rates = [h["acceptance_rate"] for h in members if h["acceptance_rate"] is not None]
        recurring = [h["recurrence"]["share"] for h in members if h["recurrence"]]
        overall = sorted({h["other_groups_rates"][group] for h in headlines if group in h["other_groups_rates"]})
        rows.append({"group": group, "n_states": len(members), "median_acceptance": median(rates) if rates else None,
                     "min_acceptance": min(rates) if rates else None, "max_acceptance": max(rates) if rates else None,
                     "group_acceptance_rate": overall[0] if len(overall) == 1 else None,
                     "median_recurrence": median(recurring) if recurring else None})
    return rows
