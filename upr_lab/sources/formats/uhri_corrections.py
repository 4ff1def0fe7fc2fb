"""Known errors of UHRI's labels, corrected by one rule table (the JSON and Excel readers, and the download of
documents, all read it).

UHRI labels each UPR record with the State(s) the text concerns (``Countries``; for the UPR, the State under
review). Users of the real export found two reports labelled wrongly:

* ``A/HRC/22/3`` is labelled "Uzbekistan" and "Czechia". It is the Working Group's report on Czechia (Working
  Group session 14, October 2012; the Council's 22nd session adopted it). Uzbekistan was reviewed at session 16
  (report A/HRC/24/7).
* ``A/HRC/18/16`` mixes Sudan and South Sudan. It is the report of Working Group session 11 (May 2011), adopted
  at the Council's 18th session: Sudan's. South Sudan, independent since July 2011, was first reviewed at
  session 24 (January 2016).

The rule: a record whose report symbol is in ``RULES`` and whose States are all among the rule's ``labelled``
States is attributed to the rule's State alone; it counts as corrected when its label said anything else. A
record of such a report labelled with a State the rule does not name is left as labelled (and refused later
if it names several States): the rule corrects the known error, it does not guess at new ones.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A report whose UHRI label is known to be wrong: its symbol, the States seen in the wrong label (ISO3),
    the State the report is (ISO3), and why."""

    symbol: str
    labelled: frozenset
    state: str
    why: str


RULES = (
    Rule("A/HRC/22/3", frozenset({"UZB", "CZE"}), "CZE",
         "labelled Uzbekistan and Czechia; the report of Working Group session 14 (2012) on Czechia"),
    Rule("A/HRC/18/16", frozenset({"SDN", "SSD"}), "SDN",
         "mixes Sudan and South Sudan; the report of Working Group session 11 (2011), before South Sudan's "
         "first review (2016): Sudan's"),
)
BY_SYMBOL = {rule.symbol: rule for rule in RULES}
STATE_OF_REPORT = {rule.symbol: rule.state for rule in RULES}  # symbol -> ISO3 of the State under review


def corrected(symbol, states):
    """``(states, rule)``: the ISO3 codes of the States under review of a record of report ``symbol`` (as the
    record labels them, in order) after the rule table; ``rule`` is the ``Rule`` applied when the label was
    changed, else None."""
    rule = BY_SYMBOL.get(symbol)
    if rule is None or not states or not set(states) <= rule.labelled or list(states) == [rule.state]:
        return list(states), None
    return [rule.state], rule


def summary(counts):
    """``data info``'s record of corrections: ``[{symbol, state, why, records}]`` for each rule applied
    (``counts``: symbol -> records corrected), in the table's order."""
    return [{"symbol": rule.symbol, "state": rule.state, "why": rule.why, "records": int(counts[rule.symbol])}
            for rule in RULES if counts.get(rule.symbol)]
