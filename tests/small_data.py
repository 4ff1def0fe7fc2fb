"""Small but valid data sets cut from the embedded real data, written as canonical CSV files.

Each is what a researcher may well hold: one State's export, one session, one cycle, a State V-Dem does
not cover, and so on. ``build(folder)`` writes them and returns, for each, the file and the State under
review to run (tests/test_small_data.py runs every analysis on each).

    from small_data import build
    sets = build(tmp_path)          # {name: SmallData(path, country, cannot)}
"""

from dataclasses import dataclass
from pathlib import Path

from upr_lab.sources.dataset import load
from upr_lab.sources.formats import canonical
from upr_lab.stats import ratification

ONE_PER_GROUP = ("NOR", "KEN", "BRA", "IND", "POL")  # WEOG, Africa, GRULAC, Asia-Pacific, EEG
NO_NMIRF = ("IND", "POL", "NGA", "FRA", "JPN")  # none of them in URG's NMIRF coding (upr_lab/data/nmirf.csv)


@dataclass(frozen=True)
class SmallData:
    path: Path
    country: str  # the State under review the analyses are run for
    what: str  # what the data set is, for test ids and messages


def _one_state(recs):
    return recs[recs["sur_iso3"] == "NOR"], "NOR", "one State under review (Norway, both cycles)"


def _one_session(recs):
    part = recs[recs["session"] == 21]
    return part, "KEN", "one Working Group session (21: cycle 2 only, DIHR rows without action categories)"


def _one_cycle(recs):
    part = recs[(recs["cycle"] == 1) & recs["sur_iso3"].isin(ONE_PER_GROUP)]
    return part, "NOR", "cycle 1 only, one State of each regional group"


def _no_context(recs):
    return recs[recs["sur_iso3"] == "AND"], "AND", "a State with no V-Dem context (Andorra alone)"


def _no_ratification(recs):
    part = recs[recs["sur_iso3"].isin(ONE_PER_GROUP)]
    asking = set(ratification.detect(part)["rec_id"])
    return part[~part["rec_id"].isin(asking)], "KEN", "no recommendation to ratify"


def _no_nmirf(recs):
    return recs[recs["sur_iso3"].isin(NO_NMIRF)], "NGA", "States without NMIRF coding"


def _all_responses(response):
    def cut(recs):
        part = recs[recs["sur_iso3"].isin(ONE_PER_GROUP)]
        return part.assign(response=response), "BRA", f"every response {response}"
    return cut


def _five_rows(recs):
    return recs[recs["sur_iso3"] == "NOR"].head(5), "NOR", "five rows"


def _group_of_one(recs):
    part = recs[recs["sur_iso3"].isin(("NOR", "KEN", "NGA", "BRA", "ARG"))]
    return part, "NOR", "a regional group with a single State (Norway, WEOG)"


def _no_partner_group(recs):
    part = recs[recs["sur_iso3"].isin(ONE_PER_GROUP)]
    drop = (part["sur_iso3"] == "NOR") & (part["recommender_group"] == "Africa")
    return part[~drop], "NOR", "no recommending State of one group (none from Africa to Norway)"


CUTS = {"one_state": _one_state, "one_session": _one_session, "one_cycle": _one_cycle,
        "no_context": _no_context, "no_ratification": _no_ratification, "no_nmirf": _no_nmirf,
        "all_supported": _all_responses("supported"), "all_noted": _all_responses("noted"),
        "five_rows": _five_rows, "group_of_one": _group_of_one, "no_partner_group": _no_partner_group}


def build(folder, names=None):
    """Write the small data sets (all, or ``names``) as canonical CSV files under ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    recs = load("upr").recommendations
    built = {}
    for name in names or CUTS:
        part, country, what = CUTS[name](recs)
        assert len(part) and country in set(part["sur_iso3"]), name
        path = canonical.write(part.reset_index(drop=True), folder / f"{name}.csv")
        built[name] = SmallData(path, country, what)
    return built
