"""Where a recommendation names an international human rights instrument: the package's one vocabulary.

``raw_mentions(text)`` finds, in text order, the names of the twelve core instruments of the treaty
status table (``CORE``: full names, abbreviations and the usual variants, misspellings found in the data
included), the protocols outside the twelve (``CCPR-OP1``, ``CESCR-OP``, ``CEDAW-OP``, ``CRPD-OP``,
``CRC-OP-IC``, the codes of the treaty body database), a few other instruments (``OTHER_NAMES``: the
migrant workers convention ``CMW``, the Rome Statute, the refugee and statelessness conventions, the
Palermo Protocol, the UNESCO Convention against Discrimination in Education; ILO conventions as
``ILO-C169``, ...) and the words "Optional Protocol(s)", which ``protocols.mentions`` resolves. Names that
contain an instrument's words without being it are not mentions: the Inter-American Convention to Prevent
and Punish Torture, the Council of Europe Convention on ... Violence against Women, the CEDAW Committee,
the Committee against Torture (CAT). ``text`` is first folded by ``normalise`` (dashes, "OP- CAT",
"OP 2"); positions refer to that text.
"""

import re
from dataclasses import dataclass

from upr_lab.sources.treaties import CODES as _TREATY_TABLE

CORE = frozenset(_TREATY_TABLE)  # the twelve instruments of the treaty status table
PARENTS = ("CAT", "CCPR", "CED", "CEDAW", "CERD", "CESCR", "CRC", "CRPD")


@dataclass(frozen=True)
class Mention:
    """An instrument named in a text: ``codes``, those of ``CORE`` or outside it (empty for an optional
    protocol not resolved, or none of any instrument).

    ``kind`` is ``parent`` (a convention or covenant), ``protocol`` (a protocol named by its
    abbreviation), ``optional_protocol`` (the words "Optional Protocol(s)", resolved from context),
    ``covenants`` (the two Covenants together) or ``other`` (an instrument of ``OTHER_NAMES``, ILO
    conventions)."""

    start: int
    end: int
    kind: str
    codes: tuple = ()


def _names(*alternatives):
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


FULL_NAMES = {
    # "on Torture" for "against Torture"
    "CAT": _names(r"(?:UN\s+|United\s+Nations\s+)?Convention\s+(?:against|on)\s+Tortures?(?:[\s,]+and\s+(?:other\s+)?"
                  r"Cruel[\s,]+Inhuman\s+(?:or|and)\s+Degrading\s+Treatments?(?:\s+(?:or|and)\s+Punishment)?)?",
                  r"Torture\s+Convention"),
    # "Covenant of", "Convention on" for "Covenant on"; "Right" for "Rights"
    "CCPR": _names(r"(?:(?:Inter)?national\s+)?(?:Con?venant\s+(?:on|of)|Convention\s+on)\s+(?:the\s+)?"
                   r"(?:Civil\s+(?:and|&)\s+Political|Political\s+and\s+Civil(?:ian)?)\s+Rights?\b"),
    "CESCR": _names(r"(?:International\s+)?(?:Con?venant\s+(?:on|of)|Convention\s+on)\s+Economic[\s,]+Social,?\s+"
                    r"(?:and|&)\s+Cultural\s+Rights?\b"),
    "CED": _names(r"(?:International\s+)?Convention\s+(?:(?:for|on)\s+(?:the\s+)?Protection\s+of\s+All\s+Persons\s+"
                  r"(?:from|against)|(?:against|on)(?:\s+the)?)\s+Enforced\s+(?:or\s+Involuntary\s+)?Disappearances?",
                  # "the International for the Protection of All Persons from ...": the word Convention left out
                  r"International\s+(?:for|on)\s+the\s+Protection\s+of\s+All\s+Persons\s+(?:from|against)\s+"
                  r"Enforced\s+Disappearances?"),
    "CEDAW": _names(r"(?:International\s+)?Convention\s+(?:on|for)\s+the\s+Elimination\s+of\s+(?:All\s+Forms\s+of\s+)?"
                    r"Discriminations?\s+"
                    r"against\s+Wom[ae]n"),
    "CERD": _names(r"(?:International\s+)?Convention\s+(?:(?:on|for)\s+the\s+Elimination\s+of\s+"
                   r"(?:All\s+Forms\s+of\s+)?|against\s+)Racial\s+Discrimination"),
    "CRC": _names(r"Convention\s+(?:on|of)\s+the\s+Rights?\s+(?:of|on)\s+(?:the\s+)?Child(?:ren)?\b"),
    "CRPD": _names(r"(?:International\s+)?Convention\s+(?:on|of|for)\s+the\s+(?:Rights?\s+of\s+(?:the\s+)?"
                   r"(?:Persons|People)\s+with\s+(?:the\s+)?Disabilit(?:y|ies)|Rights\s+of\s+(?:Disabled\s+Persons|"
                   r"the\s+Disabled)|Protection\s+and\s+"
                   r"Promotion\s+of\s+the\s+Rights\s+and\s+Dignity\s+of\s+Persons\s+with\s+Disabilities)",
                   r"Disabilit(?:y|ies)\s+Convention"),
}
# A word every full name of the instrument holds (any case): a text without it is not searched for the names
FULL_NAME_WORDS = {"CAT": "tortur", "CCPR": "political", "CESCR": "cultural", "CED": "enforced", "CEDAW": "wom",
                   "CERD": "racial", "CRC": "child", "CRPD": "disab"}
# Abbreviations are upper case and whole tokens: "CRC" in "CRC-C-QAT-CO-2" (a report symbol) is none.
TOKEN = r"(?<![\w-])(?:{})(?![\w-])"
ABBREVIATIONS = {
    "CAT": r"(?:UN)?CAT",
    "CCPR": r"I?CCPR|ICCRP|ICCP|ICPR|ICPPR",
    "CESCR": r"I?CESCR|ICESR|CESC",
    "CED": r"CED|CPED|ICPED|ICCPED|ICPPED|ICED",
    "CEDAW": r"I?CEDAW",
    "CERD": r"I?CERD",
    "CRC": r"(?:UN)?CRC",
    "CRPD": r"(?:UN|I)?CRPD|CPRD|CRPWD",
}
ABBREVIATED = {code: re.compile(TOKEN.format(pattern)) for code, pattern in ABBREVIATIONS.items()}
CAPITALS = re.compile(r"[A-Z]{3}")  # each abbreviation above holds three capitals in a row
# A parent's abbreviation for a committee, not a treaty: "the CEDAW Committee", "Committee against Torture (CAT)"
COMMITTEE_BEFORE = re.compile(r"Committee[\w\s,]*[(\[]\s*$", re.IGNORECASE)
COMMITTEE_AFTER = re.compile(r"^(?:'s)?\s+Committee", re.IGNORECASE)
# "the Inter-American Convention ...", "the Council of Europe Convention ...", "the Declaration on the ...":
# names that contain a core instrument's words without being it (an "interpretative declaration on" one is it)
REGIONAL_BEFORE = re.compile(r"(?:Inter-American|European|African|Arab|Council\s+of\s+Europe(?:'s)?|ILO|UNESCO|"
                             r"(?<!interpretative\s)(?<!interpretive\s)Declaration\s+on\s+the)\s*$", re.IGNORECASE)
LABEL = re.compile(r"^[(\[]\w+[)\]]$")  # "(ICCPR)"
ABBREVIATION_TAIL = re.compile(r"\s*[(\[]\s*[A-Za-z0-9 -]{2,20}[)\]]")  # "(CRC)" after a full name
# "... with Disabilities CRPD", "... with Disabilities - CRPD -": the abbreviation without brackets
BARE_TAIL = r"\s*(?:-\s*)?(?:{})(?![\w-])(?:\s*-(?=\s))?"

SEP = r"[- ]?"
OP = r"(?i:OP)"
CCPR_ = r"(?:I?CCPR|ICCP)"
CRC_ = r"(?:UN)?CRC"
# Protocols by abbreviation; "CCPR-OP" and "CRC-OP" name a protocol of the ICCPR or the CRC without saying
# which (resolved like the words).
PROTOCOLS = [
    (("CAT-OP",), rf"{OP}{SEP}(?:UN)?(?i:CAT)|(?:UN)?CAT{SEP}{OP}"),
    (("CCPR-OP2-DP",), rf"{CCPR_}{SEP}{OP}{SEP}(?:2|II)(?:{SEP}DP)?|{OP}{SEP}(?:2|II){SEP}{CCPR_}|"
                       rf"(?i:second|2nd){SEP}{OP}{SEP}{CCPR_}|{OP}{SEP}{CCPR_}{SEP}(?:2|II)"),
    (("CCPR-OP1",), rf"{CCPR_}{SEP}{OP}{SEP}(?:1|I)|{OP}{SEP}(?:1|I){SEP}{CCPR_}|"
                    rf"(?i:first|1st){SEP}{OP}{SEP}{CCPR_}|{OP}{SEP}{CCPR_}{SEP}(?:1|I)"),
    (("CCPR-OP",), rf"{OP}{SEP}{CCPR_}|{CCPR_}{SEP}{OP}"),
    (("CESCR-OP",), rf"{OP}A?{SEP}I?CESCR|(?:I?CESCR|ICESR){SEP}{OP}|OPESCR"),
    (("CEDAW-OP",), rf"{OP}{SEP}I?CEDAW|CEDAW{SEP}{OP}"),
    (("CRPD-OP",), rf"{OP}{SEP}(?:CRPD|CPRD)|(?:CRPD|CPRD){SEP}{OP}"),
    (("CRC-OP-AC",), rf"(?:{CRC_}{SEP})?{OP}{SEP}(?:{CRC_}{SEP})?AC|{CRC_}{SEP}AC{SEP}{OP}"),
    # OP-SCR and OP-CSC-SC: misspellings found in the UPR Info exports
    (("CRC-OP-SC",), rf"(?:{CRC_}{SEP})?{OP}{SEP}(?:{CRC_}{SEP}|CSC{SEP})?SC|{OP}{SEP}SCR|{CRC_}{SEP}SC{SEP}{OP}"),
    (("CRC-OP-IC",), rf"(?:{CRC_}{SEP})?{OP}{SEP}(?:3{SEP})?(?:{CRC_}{SEP})?IC|{OP}{SEP}?3{SEP}{CRC_}|"
                     rf"{CRC_}{SEP}{OP}{SEP}?(?:3|IC)"),
    (("CRC-OP",), rf"{OP}{SEP}{CRC_}|{CRC_}{SEP}{OP}"),
]
PROTOCOL_PATTERNS = [(codes, re.compile(TOKEN.format(pattern))) for codes, pattern in PROTOCOLS]
OP_LETTERS = re.compile(OP)  # in every pattern above

# Instruments outside the twelve that are no protocol of theirs: full names and abbreviations (any case)
OTHER_ABBREVIATIONS = {"CMW": r"ICRMW|ICPMW|ICMW|CMW|ICRMWF"}
OTHER_NAMES = {
    "CMW": _names(r"(?:International\s+)?Convention\s+(?:on|for)\s+the\s+Protection\s+of\s+(?:the\s+)?"
                  r"(?:Rights\s+of\s+)?All\s+Migrant\s+Workers\s+and\s+(?:the\s+)?(?:Members\s+of\s+)?"
                  r"Their\s+Famil(?:y|ies)(?:\s+Members)?",
                  r"Convention\s+on\s+Migrant\s+Workers", TOKEN.format(OTHER_ABBREVIATIONS["CMW"])),
    "ROME-STATUTE": _names(r"Rome\s+Statu(?:t)?e(?:\s+of\s+the\s+(?:International\s+Criminal\s+Court|ICC))?"),
    "REFUGEES": _names(r"(?:1951\s+)?Convention\s+(?:relating\s+to|on)\s+the\s+Status\s+of\s+Refugees",
                       r"Conventions?\s+on\s+(?:the\s+)?Refugees", r"(?:1951\s+)?Refugees?\s+Convention",
                       r"1951\s+Convention",
                       r"1967\s+Protocol(?:\s+relating\s+to\s+the\s+Status\s+of\s+Refugees)?"),
    "STATELESS-1954": _names(r"(?:1954\s+)?Convention\s+(?:relating\s+to|on)\s+the\s+Status\s+of\s+Stateless\s+"
                             r"Persons",
                             r"1954\s+Convention"),
    "STATELESS-1961": _names(r"(?:1961\s+)?Convention\s+on\s+the\s+Reduction\s+of\s+Statelessness",
                             r"1961\s+Convention"),
    "PALERMO": _names(r"Palermo\s+Protocol", r"(?:(?:its|their)\s+)?Protocol\s+to\s+Prevent,?\s+Suppress\s+and\s+"
                      r"Punish\s+Trafficking\s+in\s+Persons(?:,?\s+Especially\s+Women\s+and\s+Children)?"),
    "UNESCO-CDE": _names(r"(?:UNESCO\s+)?Convention\s+against\s+Discrimination\s+in\s+Education"),
}
OTHER_NAME_WORDS = {"CMW": "migrant|mw", "ROME-STATUTE": "rome", "REFUGEES": "refugee|1951|1967",
                    "STATELESS-1954": "stateless|1954", "STATELESS-1961": "stateless|1961",
                    "PALERMO": "palermo|trafficking", "UNESCO-CDE": "education"}
# ILO conventions by number, where the text names the ILO: "ILO Conventions Nos. 87 and 98", "C169"
ILO = _names(r"\bILO\b", r"International\s+Labou?r\s+Organi[sz]ation")
ILO_NUMBERED = _names(r"\bConventions?\s*(?:Nos?\.?\s*|Numbers?\s*)?"
                      r"\d{2,3}(?:\s*(?:,|and|&|or)\s*(?:Nos?\.?\s*)?\d{2,3})*(?!\d)", r"\bC\s?\d{2,3}\b")

# "its two Optional Protocols", "the second Optional Protocol", "OPs", "the Second Protocol to the ICCPR",
# "the Second Optional to the ICCPR": resolved by ``protocols.mentions``
ORDINALS = r"first|second|third|1st|2nd|3rd|two|both|three|all(?:\s+three|\s+the)?"
OPTIONAL_PROTOCOL = re.compile(
    r"(?P<its>\b(?i:its|their)\s+(?:(?i:respective)\s+)?)?"
    rf"(?:\b(?P<ordinal>(?i:{ORDINALS}))\s+)?(?:(?i:additional)\s+)?"
    r"(?:(?i:optional|facultative)\s+(?i:protocol)(?P<plural>s)?\b|(?<![\w-])OP(?P<plural_abbreviation>s)?(?![\w-])|"
    r"(?P<bare>(?i:protocol))(?P<bare_plural>s)?\b|(?P<optional_only>(?i:optional))(?=\s+(?i:to|of)\s))")
PROTOCOL_WORDS = re.compile(r"(?i:protocol|optional)|OP")  # what every match of OPTIONAL_PROTOCOL holds
# A cheap test first: a text without any of these words or two capitals in a row names no instrument
_MAY_NAME_WORDS = (r"conven|covenant|protocol|optional|facultative|statut|statue|rome|international|op[- ]?cat|icrmw|"
                   r"icpmw|cmw|ilo")
MAY_NAME = re.compile(rf"(?i:{_MAY_NAME_WORDS})|[A-Z]{{2}}")
# The words above as patterns (searched as the names are: ignoring case)
_WORDS = {code: re.compile(words, re.IGNORECASE) for code, words in {**FULL_NAME_WORDS, **OTHER_NAME_WORDS}.items()}
COVENANTS = _names(r"(?:two|both)\s+(?:International\s+)?Covenants", r"International\s+Covenants")
# The same tests on the lower-cased text, where it is ASCII (almost every recommendation): there ignoring case is
# lower-casing, and a literal search is some five times faster than one that ignores case (non-ASCII text can
# match a letter ignoring case that lower-casing does not give, the Kelvin sign a "k": the patterns above then).
_MAY_NAME_LOWER = re.compile(_MAY_NAME_WORDS)
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")
_WORD_LISTS = {code: tuple(words.split("|")) for code, words in {**FULL_NAME_WORDS, **OTHER_NAME_WORDS}.items()}


def ascii_lower(text):
    """``text`` lower-cased where it is ASCII, where ignoring case is lower-casing; else None (the quick tests
    then search with the patterns that ignore case)."""
    return text.lower() if text.isascii() else None


def _may_name(text, lowered):
    if lowered is None:
        return MAY_NAME.search(text) is not None
    return _MAY_NAME_LOWER.search(lowered) is not None or _TWO_CAPITALS.search(text) is not None


def _protocol_words(text, lowered):
    """``PROTOCOL_WORDS.search(text)``, as ``_may_name``: "protocol" or "optional" in any case, or "OP"."""
    if lowered is None:
        return PROTOCOL_WORDS.search(text) is not None
    return "protocol" in lowered or "optional" in lowered or "OP" in text


def _names_words(code, text, lowered):
    """Whether ``text`` holds a word of ``code``'s name (``FULL_NAME_WORDS``, ``OTHER_NAME_WORDS``), any case."""
    if lowered is None:
        return _WORDS[code].search(text) is not None
    return any(word in lowered for word in _WORD_LISTS[code])


_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_DASH_SPACE = re.compile(r"(?<=[A-Z0-9])- (?=[A-Z0-9])")
_OP_NUMBER = re.compile(r"(?<=\bOP)[ -](?=[123]\b)")
_SPACE_LOST = re.compile(r"\b(the|to|of|and)(?=(?:Convention|Covenant|Optional|International)\b)")
_SPACE_LOST_BEFORE = ("Convention", "Covenant", "Optional", "International")


def normalise(text):
    """Fold the spellings of dashes and abbreviations: "OP‑ CAT" to "OP-CAT", "ICCPR-OP 2" to "ICCPR-OP2".

    Each pattern is searched only in a text that holds what it needs (most hold none of it): the same text,
    in a third of the time."""
    text = str(text)
    if not text.isascii():
        text = _DASHES.sub("-", text).replace("\u2019", "'")
    if "- " in text:
        text = _DASH_SPACE.sub("-", text)  # "OP- CRC-SC", "ICCPR- OP2"
    if "OP" in text:
        text = _OP_NUMBER.sub("", text)  # "OP 2", "OP-2": the protocol's number
    if any(word in text for word in _SPACE_LOST_BEFORE):
        text = _SPACE_LOST.sub(r"\1 ", text)  # "theConvention": a space lost
    return " ".join(text.split())


def raw_mentions(text):
    """Every name of an instrument in ``text`` (normalised), leftmost first and the longest where they
    overlap; "Optional Protocol" words are not resolved yet (``codes`` empty)."""
    lowered = ascii_lower(text)
    if not _may_name(text, lowered):
        return []
    found = []
    for code, pattern in FULL_NAMES.items():
        for match in pattern.finditer(text) if _names_words(code, text, lowered) else ():
            if not REGIONAL_BEFORE.search(text[:match.start()]):
                found.append(Mention(match.start(), tail_end(text, match.end(), code), "parent", (code,)))
    for code, pattern in ABBREVIATED.items() if CAPITALS.search(text) else ():
        for match in pattern.finditer(text):
            if not (COMMITTEE_BEFORE.search(text[:match.start()]) or COMMITTEE_AFTER.match(text[match.end():])
                    or relabels(text, match, code)):
                found.append(Mention(match.start(), match.end(), "parent", (code,)))
    for codes, pattern in PROTOCOL_PATTERNS if OP_LETTERS.search(text) else ():
        found += [Mention(m.start(), m.end(), "protocol", codes) for m in pattern.finditer(text)]
    found += [Mention(m.start(), tail_end(text, m.end()), "covenants", ("CCPR", "CESCR"))
              for m in COVENANTS.finditer(text)]
    if _protocol_words(text, lowered):
        found += [Mention(m.start(), m.end(), "optional_protocol") for m in OPTIONAL_PROTOCOL.finditer(text)]
    return leftmost_longest(found + other_mentions(text))


def other_mentions(text):
    """The instruments of ``OTHER_NAMES`` and the ILO conventions named in ``text``."""
    lowered = ascii_lower(text)
    found = [Mention(m.start(), tail_end(text, m.end(), code), "other", (code,))
             for code, pattern in OTHER_NAMES.items() if _names_words(code, text, lowered)
             for m in pattern.finditer(text)]
    if ILO.search(text):
        found += [Mention(m.start(), m.end(), "other", tuple(f"ILO-C{n}" for n in re.findall(r"\d{2,3}", m.group())))
                  for m in ILO_NUMBERED.finditer(text)]
    return found


def relabels(text, match, code):
    """Whether the abbreviation ``match`` in brackets only labels the instrument named before it: "the Second
    Optional Protocol to the ICCPR, aiming at the abolition of the death penalty (ICCPR)" asks for no ICCPR."""
    if not LABEL.match(text[max(match.start() - 1, 0):match.end() + 1]):
        return False
    before = max(match.start() - 300, 0), match.start() - 1
    return bool(FULL_NAMES[code].search(text, *before) or ABBREVIATED[code].search(text, *before))


def tail_end(text, end, code=None):
    """Where a full name ends once the abbreviation after it is included: "(CRC)", "[ICCPR and ICESCR]", or
    the parent's own abbreviation without brackets."""
    if tail := ABBREVIATION_TAIL.match(text, end):
        return tail.end()
    abbreviation = ABBREVIATIONS.get(code) or OTHER_ABBREVIATIONS.get(code)
    if abbreviation and (tail := re.compile(BARE_TAIL.format(abbreviation)).match(text, end)):
        return tail.end()
    return end


def leftmost_longest(spans):
    """Non-overlapping spans (anything with ``start`` and ``end``): the leftmost first, the longest of those
    that start together."""
    kept, end = [], -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start >= end:
            kept.append(span)
            end = span.end
    return kept

