"""Recommendations that ask a State to ratify or accede to one of the twelve core instruments.

``ratification_requests(text)`` reads one recommendation; ``detect(recs)`` reads a table of them and
gives one row per recommendation and instrument asked for (``rec_id, instrument, considered``).

A request is an instrument named (``protocols.mentions``) while a ratification verb governs it:
ratify, accede, adhere to, join, sign (signature is the first step of ratification), become a party,
and their nouns (ratification, accession). The verb governs the instruments that follow it in its
sentence until another action takes over ("implement", "withdraw reservations to", "harmonize ...
with", "accept the competence of", "in line with", "as recommended by", ...): in "Ratify OP-CAT and
bring legislation in line with CAT" only CAT-OP is asked for. "Consider ratifying", "examine the
possibility of acceding to", "study the ratification of" are requests marked ``considered``; so is
every instrument of the list that follows them. "Establish a moratorium with a view to ratifying
the Second Optional Protocol" asks for the protocol. A recommendation naming several instruments asks
for each. Instruments outside the twelve (the migrant workers convention, the Rome Statute, ILO
conventions, OP-CEDAW, OP-ICESCR, OP-CRPD, the first Optional Protocol to the ICCPR, the CRC
communications protocol) give nothing (the vocabulary gives them codes outside ``instruments.CORE``, left
out here), and none of them is its parent convention.

Checked by hand on 320 recommendations drawn at random (``tests/data/ratification_labels.csv``;
docs/methods/ratification.md, "Recommendations to ratify a core instrument").
"""

import re
from dataclasses import dataclass

import pandas as pd

from .instruments import CORE, ascii_lower, leftmost_longest, normalise
from .protocols import mentions


@dataclass(frozen=True)
class Request:
    """One instrument a recommendation asks the State to ratify or accede to; ``considered`` when it only
    asks the State to consider it ("consider ratifying", "examine the possibility of acceding to")."""

    instrument: str
    considered: bool = False


@dataclass(frozen=True)
class Event:
    start: int
    end: int
    kind: str  # cue, consider, other_action, stop, mention, antecedent
    base_form: bool = False  # an imperative "ratify" that starts a new request, not "ratifying"
    codes: tuple = ()


def _words(*alternatives):
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


CUES = _words(r"ratif(?!ied\b)\w*",  # "ratify", "ratification", "ratifying", misspelt "ratifiy"; not "ratified"
              r"accede[s]?", r"acceding", r"accessions?", r"adhere", r"adhering", r"adherence\s+to",
              r"join(?:ing)?", r"sign(?:ing|ature)?", r"become\s+(?:a\s+)?(?:state\s+)?part(?:y|ies)",
              r"becoming\s+(?:a\s+)?(?:state\s+)?part(?:y|ies)",
              r"(?:become|becoming)\s+(?:a\s+)?signatory",
              r"(?:be|being)\s+(?:a\s+)?(?:state\s+)?part(?:y|ies)\s+(?=to|of)")
BASE_FORMS = re.compile(r"^(?:ratify|accede|adhere|join|sign|become)\b", re.IGNORECASE)
CONSIDER = _words(r"(?:re)?consider\w*", r"examin\w*\s+(?:\w+\s+){0,8}?(?:the\s+)?possibilit(?:y|ies)",
                  r"(?:study|studying|studies|explore|exploring|review|reviewing|assess|assessing|evaluate|"
                  r"evaluating|look\s+into|looking\s+into)\s+(?:the\s+)?possibilit(?:y|ies)",
                  r"the\s+possibility\s+(?:of|to)", r"stud(?:y|ying)", r"under\s+study", r"envisag\w*",
                  r"contemplat\w*", r"reflect\s+on")
# Another action: the instruments after it are to be implemented, aligned with, referred to, not ratified.
OTHER_ACTIONS = _words(
    r"implement\w*", r"withdraw\w*", r"lift\w*", r"remov\w*", r"reservations?", r"harmoni[sz]\w*", r"align\w*",
    r"bring\w*", r"incorporat\w*", r"domesticat\w*", r"integrat\w*", r"transpos\w*", r"compl(?:y|iance|ies)",
    r"conform\w*", r"respect(?!ive)\w*", r"fulfil\w*", r"honou?r\w*", r"abid\w*", r"appl(?:y|ies|ying)", r"application",
    r"enforc\w*", r"submit\w*", r"cooperat\w*", r"establish\w*", r"adopt\w*", r"enact\w*", r"amend\w*", r"revis\w*",
    r"(?<!periodic )review\w*", r"ensur\w*", r"take", r"taking", r"accept\w*", r"recogni[sz]\w*", r"declar\w*",
    r"obligations?",
    r"provisions?\s+(?:of|in|contained|enshrined|set)", r"principles?\s+(?:of|in|contained|enshrined|set)",
    r"standards?\s+(?:of|in|contained|enshrined|set)", r"articles?", r"recommendations?", r"observations?",
    r"committee", r"in\s+(?:accordance|line|conformity|compliance|keeping)\s+with", r"consistent\s+with",
    r"pursuant\s+to", r"under(?!\s+(?:way|study|consideration)\b)",
    r"as\s+(?:recommended|requested|suggested|called\s+for|provided\s+for)",
    r"reports", r"reporting", r"present(?:s|ing)?", r"allow(?:s|ing)?", r"heard\s+by", r"related\s+to",
    # a ratification already made: "reservations made upon ratification", "obligations arising from the ratification",
    # "commitments it undertook by ratifying", "follow up its ratification of CEDAW with implementation"
    r"(?:following|after|since|upon|given|during|building\s+on|on\s+the\s+occasion\s+of|at\s+the\s+time\s+of|"
    r"(?:arising|resulting|stemming|deriving)\s+from|follow(?:\s|-)?up(?:\s+on)?)\s+(?:the\s+|its\s+)?(?:recent\s+)?"
    r"(?:ratification|accession)",
    r"(?:undert(?:ook|aken)|made|done|assumed|committed(?:\s+itself)?)\s+(?:\w+\s+){0,3}?(?:by|when|upon|on|in|with|"
    r"through)\s+(?:its\s+|the\s+)?(?:ratifying|acceding|signing|ratification|accession|signature)")
PARTICIPLE = re.compile(r"^\w+(?:ed|wn)$", re.IGNORECASE)  # "instruments accepted in 2010", "withdrawn": no action
WITHOUT = re.compile(r"\bwithout\s+(?:any\s+)?(?:\w+\s+)?$", re.IGNORECASE)  # "ratify without reservations"
# "ratify, transpose in domestic law and fully implement the CAT": actions coordinated with the ratification verb
# (nothing but these words between them) do not end its reach
COORDINATED_WORDS = {"and", "or", "to", "ensure", "ensuring", "implement", "implementation", "implementing",
                     "transpose", "incorporate", "apply", "application", "in", "into", "domestic", "national", "law",
                     "legislation", "of", "its", "the", "full", "effective", "gradual", "prompt", ""}
# "ratify it", "its ratification": the instrument named just before
ANTECEDENT = re.compile(r"\b(?:ratify|accede\s+to|join)\s+(?:it|them)\b|"
                        r"\b(?:its|their)\s+(?!recent\b)(?:\w+\s+)?(?:ratification|accession)\b(?!\s+(?:of|to)\b)",
                        re.IGNORECASE)
# the end of a sentence, not the dot of "No. 169" or "e.g."
SENTENCE_END = re.compile(r"(?<!\bNo)(?<!\bNos)(?<!\be\.g)(?<!\bi\.e)(?<!\bArt)(?<!\bpara)[.;](?=\s|$)"
                          r"(?!\s+(?:This|These)\s+(?:includes?|are|is)\b)")  # "... treaties. This includes CAT"
# a cheap test first: most recommendations have none of these words
_CUE_WORDS = r"ratif|acced|accession|adher|join|sign|part(?:y|ies)"
ANY_CUE = re.compile(_CUE_WORDS, re.IGNORECASE)
_ANY_CUE_LOWER = re.compile(_CUE_WORDS)  # the same in lower-cased ASCII text, five times faster (``_may_ask``)


def ratification_requests(text):
    """The instruments among the twelve that ``text`` asks the State to ratify or accede to, in order:
    a tuple of ``Request(instrument, considered)``, each instrument once."""
    if not isinstance(text, str) or not _may_ask(text):
        return ()
    text = normalise(text)
    asked = {}
    for code, considered in scan(events(text)):
        asked[code] = asked.get(code, True) and considered  # asked outright anywhere: not only considered
    return tuple(Request(code, considered) for code, considered in asked.items())


def _may_ask(text):
    """``ANY_CUE.search(text)``: on the lower-cased text where it is ASCII (as ``instruments._may_name``)."""
    lowered = ascii_lower(text)
    if lowered is None:
        return ANY_CUE.search(text) is not None
    return _ANY_CUE_LOWER.search(lowered) is not None


def events(text):
    """The words that matter in ``text``, in order, the longest where they overlap."""
    found = [Event(m.start, m.end, "mention", codes=tuple(c for c in m.codes if c in CORE)) for m in mentions(text)]
    found += [Event(m.start(), m.end(), "antecedent") for m in ANTECEDENT.finditer(text)]
    found += [Event(m.start(), m.end(), "cue", base_form=bool(BASE_FORMS.match(m.group())))
              for m in CUES.finditer(text)]
    found += [Event(m.start(), m.end(), "consider") for m in CONSIDER.finditer(text)]
    found += [Event(m.start(), m.end(), "other_action") for m in OTHER_ACTIONS.finditer(text) if is_action(text, m)]
    found += [Event(m.start(), m.end(), "stop") for m in SENTENCE_END.finditer(text)]
    return leftmost_longest(found)


def is_action(text, match):
    """Whether an ``OTHER_ACTIONS`` match ends the reach of a ratification verb before it."""
    if PARTICIPLE.match(match.group()) or (match.group().lower().startswith("reservation")
                                           and WITHOUT.search(text, 0, match.start())):
        return False
    cues = list(CUES.finditer(text, 0, match.start()))
    if not cues:
        return True
    between = text[cues[-1].end():match.start()].lower()
    coordinated = re.search(r",|\band\b|\bor\b", between) and all(
        word in COORDINATED_WORDS or word.endswith("ly") for word in re.split(r"[\s,/]+", between))
    return not coordinated


def scan(sequence):
    """``(code, considered)`` for every instrument a ratification verb governs in ``sequence`` of events."""
    governed = considered = named_since = False
    last, postposed = (), True  # postposed: "ICCPR ratification" counts, "in line with the OPCAT ratification" not
    for previous, event in zip([None, *sequence], sequence):
        if event.kind in ("stop", "other_action"):
            governed = considered = False
            postposed = event.kind == "stop"
        elif event.kind == "consider":
            considered, named_since = True, False
        elif event.kind == "cue":
            if postposed and previous is not None and previous.kind == "mention" and event.start - previous.end <= 1:
                yield from ((code, considered) for code in previous.codes)  # "work towards ICCPR ratification"
            if event.base_form and named_since:  # "Consider ratifying CAT and ratify CED": CED asked outright
                considered = False
            governed, named_since = True, False
        elif event.kind == "antecedent":
            yield from ((code, considered) for code in last)
        elif event.kind == "mention":
            last, named_since = event.codes or last, True
            if governed:
                yield from ((code, considered) for code in event.codes)


def detect(recs):
    """One row per recommendation of ``recs`` and instrument it asks the State to ratify or accede to:
    ``rec_id, instrument, considered``, in the order of ``recs``."""
    found = {text: ratification_requests(text) for text in recs["text"].unique()}
    rows = [(rec_id, request.instrument, request.considered)
            for rec_id, text in zip(recs["rec_id"], recs["text"]) for request in found[text]]
    table = pd.DataFrame(rows, columns=["rec_id", "instrument", "considered"])
    return table.astype({"rec_id": "str", "instrument": "str", "considered": "bool"})
