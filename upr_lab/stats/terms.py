"""Model terms in words, for the reader: "Action category 5 (specific)" rather than ``action_category[5]``.

The models keep statsmodels' names for their terms (``params``, ``to_dict()``, ``metrics.json`` and
``effect("action_category[5]")`` are unchanged); only what a reader sees is named in words: the model tables
(``EffectsResult`` shown in a notebook), the forest plots and any table of a ``term`` column shown with
``Analysis.table``. ``label`` is the one mapping all of them use.
"""

import re

CATEGORIES = {"1": "minimal", "2": "continuing", "3": "considering", "4": "general", "5": "specific"}
NAMES = {
    "Intercept": "Intercept (the reference levels)",
    "cycle": "Cycle (change per cycle)",
    "same_group": "Same regional group",
    "reciprocal": "Reciprocity (recommended to the recommender before)",
    "democracy_gap": "Democracy gap (recommender minus State under review)",
    "sur_democracy": "Electoral democracy of the State under review",
    "log1p_stakeholder_submissions": "Stakeholder submissions (log of 1 + their number)",
    "nhri_submitted": "NHRI submitted a report",
    "national_consultation": "National consultation held",
    "this_state": "This State (against all others)",
    "noted": "Noted (against supported)",
    "considered": "Asked to consider ratifying",
}
INDICATORS = {"civil_liberties": "Civil liberties index", "electoral_democracy": "Electoral democracy index",
              "fariss_theta_mean": "Human rights protection (Fariss)", "pts": "Political Terror Scale"}
FACTORS = {"recommender_group": "Recommending group", "sur_group": "Regional group of the State under review"}
_FACTOR = re.compile(r"^(?P<name>[A-Za-z_0-9]+)\[(?P<level>[^\]]*)\]$")


def label(term):
    """The words a reader sees for a model term (a term it does not know: its name with spaces)."""
    term = str(term)
    if term in NAMES:
        return NAMES[term]
    found = _FACTOR.match(term)
    if found:
        return _level(found["name"], found["level"])
    if term.startswith("sur_") and term[4:] in INDICATORS:
        return f"{INDICATORS[term[4:]]} of the State under review"
    return term.replace("_", " ").capitalize()


def _level(name, level):
    if name == "action_category":
        group, _, category = level.rpartition(": ")
        words = _category(category)
        return f"{words}, recommending group {group}" if group else words
    if name in FACTORS:
        return f"{FACTORS[name]}: {level}"
    if name.endswith("_q") and name[:-2] in INDICATORS:
        return f"{INDICATORS[name[:-2]]}: quartile {level} (against the lowest)"
    return f"{name.replace('_', ' ').capitalize()}: {level}"


def _category(category):
    if category in CATEGORIES:
        return f"Action category {category} ({CATEGORIES[category]})"
    return f"Action category {category}"


def labelled(table):
    """``table`` (indexed by term) with its index in words."""
    return table.rename(index=label)
