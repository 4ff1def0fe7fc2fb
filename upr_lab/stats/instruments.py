"""Where a recommendation names one of the core human rights instruments, and which one.

``mentions(text)`` finds the names of the twelve instruments of the treaty status table (full names,
abbreviations and the usual variants) and of the optional protocols outside it, in text order, each
as a ``Mention`` with the instrument codes it stands for (empty for an instrument outside the twelve,
such as OP-CEDAW). An optional protocol is never its parent convention: "the Optional Protocol to the
Convention against Torture" is CAT-OP and not CAT, "OP-CEDAW" is nothing. The grammar of protocols:

* a protocol takes the parent named right after it ("... to/of the ICCPR"), or the one before it
  ("CAT and its Optional Protocol", "... the Optional Protocol thereto");
* plural protocols distribute over a list ("the Optional Protocols to the ICESCR and the CRPD"); a
  singular one does not ("the Optional Protocol to ICESCR and CRPD": CRPD is named for itself);
* which protocol of the ICCPR or the CRC: the ordinal ("second"), the subject ("on the involvement of
  children in armed conflict", "aiming at the abolition of the death penalty"), or, for the plural,
  all of them ("the Optional Protocols to the CRC": CRC-OP-AC and CRC-OP-SC).

``text`` is first folded by ``normalise`` (dashes, "OP- CAT", "OP 2"); positions refer to that text.
"""

import re
from dataclasses import dataclass

PARENTS = ("CAT", "CCPR", "CED", "CEDAW", "CERD", "CESCR", "CRC", "CRPD")


@dataclass(frozen=True)
class Mention:
    """An instrument named in a text: ``codes`` among the twelve (empty for one outside them).

    ``kind`` is ``parent`` (a convention or covenant), ``protocol`` (a protocol named by its
    abbreviation), ``optional_protocol`` (the words "Optional Protocol(s)", resolved from context) or
    ``covenants`` (the two Covenants together)."""

    start: int
    end: int
    kind: str
    codes: tuple = ()


def _names(*alternatives):
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


FULL_NAMES = {
    "CAT": _names(r"(?:UN\s+|United\s+Nations\s+)?Convention\s+against\s+Torture(?:[\s,]+and\s+(?:other\s+)?Cruel"
                  r"[\s,]+Inhuman\s+(?:or|and)\s+Degrading\s+Treatments?(?:\s+(?:or|and)\s+Punishment)?)?",
                  r"Convention\s+on\s+Torture\s+and\s+(?:other\s+)?Cruel",  # "on" for "against"
                  r"Torture\s+Convention"),
    "CCPR": _names(r"(?:International\s+)?Covenant\s+on\s+(?:the\s+)?(?:Civil\s+(?:and|&)\s+Political|Political\s+and\s+"
                   r"Civil(?:ian)?)\s+Rights"),
    "CESCR": _names(r"(?:International\s+)?Covenant\s+on\s+Economic[\s,]+Social\s+(?:and|&)\s+Cultural\s+Rights"),
    "CED": _names(r"(?:International\s+)?Convention\s+(?:(?:for|on)\s+(?:the\s+)?Protection\s+of\s+All\s+Persons\s+"
                  r"(?:from|against)|(?:against|on)(?:\s+the)?)\s+Enforced\s+(?:or\s+Involuntary\s+)?Disappearances?",
                  # "the International for the Protection of All Persons from ...": the word Convention left out
                  r"International\s+(?:for|on)\s+the\s+Protection\s+of\s+All\s+Persons\s+(?:from|against)\s+"
                  r"Enforced\s+Disappearances?"),
    "CEDAW": _names(r"Convention\s+(?:on|for)\s+the\s+Elimination\s+of\s+(?:All\s+Forms\s+of\s+)?Discrimination\s+"
                    r"against\s+Wom[ae]n"),
    "CERD": _names(r"(?:International\s+)?Convention\s+(?:on\s+the\s+Elimination\s+of\s+(?:All\s+Forms\s+of\s+)?|"
                   r"against\s+)Racial\s+Discrimination"),
    "CRC": _names(r"Convention\s+on\s+the\s+Rights\s+of\s+(?:the\s+)?Child(?:ren)?\b"),
    "CRPD": _names(r"(?:International\s+)?Convention\s+(?:on|for)\s+the\s+(?:Rights\s+of\s+(?:the\s+)?(?:Persons|People)\s+with\s+"
                   r"Disabilit(?:y|ies)|Rights\s+of\s+(?:Disabled\s+Persons|the\s+Disabled)|Protection\s+and\s+"
                   r"Promotion\s+of\s+the\s+Rights\s+and\s+Dignity\s+of\s+Persons\s+with\s+Disabilities)",
                   r"Disabilit(?:y|ies)\s+Convention"),
}
# Abbreviations are upper case and whole tokens: "CRC" in "CRC-C-QAT-CO-2" (a report symbol) is none.
TOKEN = r"(?<![\w-])(?:{})(?![\w-])"
ABBREVIATIONS = {
    "CAT": r"(?:UN)?CAT",
    "CCPR": r"I?CCPR|ICCRP|ICCP|ICPR|ICPPR",
    "CESCR": r"I?CESCR|ICESR|CESC",
    "CED": r"CED|CPED|ICPED|ICCPED|ICPPED|ICED",
    "CEDAW": r"I?CEDAW|CEDAWC",
    "CERD": r"I?CERD",
    "CRC": r"(?:UN)?CRC",
    "CRPD": r"(?:UN|I)?CRPD|CPRD|CRPWD",
}
ABBREVIATED = {code: re.compile(TOKEN.format(pattern)) for code, pattern in ABBREVIATIONS.items()}
# A parent's abbreviation for a committee, not a treaty: "the CEDAW Committee", "Committee against Torture (CAT)"
COMMITTEE_BEFORE = re.compile(r"Committee[\w\s,]*[(\[]\s*$", re.IGNORECASE)
COMMITTEE_AFTER = re.compile(r"^(?:'s)?\s+Committee", re.IGNORECASE)
# "the Inter-American Convention ...", "the Council of Europe Convention ...", "the Declaration on the ...":
# names that contain a core instrument's words without being it
REGIONAL_BEFORE = re.compile(r"(?:Inter-American|European|African|Arab|Council\s+of\s+Europe(?:'s)?|ILO|UNESCO|"
                             r"Declaration\s+on\s+the)\s*$", re.IGNORECASE)
ABBREVIATION_TAIL = re.compile(r"\s*[(\[]\s*[A-Za-z0-9 -]{2,20}[)\]]")  # "(CRC)" after a full name

SEP = r"[- ]?"
OP = r"(?i:OP)"
CCPR_ = r"(?:I?CCPR|ICCP)"
CRC_ = r"(?:UN)?CRC"
# Protocols by abbreviation: the codes among the twelve, () for a protocol outside them; "CCPR-OP" and
# "CRC-OP" name a protocol of the ICCPR or the CRC without saying which (resolved like the words).
PROTOCOLS = [
    (("CAT-OP",), rf"{OP}{SEP}(?:UN)?(?i:CAT)|(?:UN)?CAT{SEP}{OP}"),
    (("CCPR-OP2-DP",), rf"{CCPR_}{SEP}{OP}{SEP}(?:2|II)(?:{SEP}DP)?|{OP}{SEP}(?:2|II){SEP}{CCPR_}|"
                       rf"(?i:second|2nd){SEP}{OP}{SEP}{CCPR_}|{OP}{SEP}{CCPR_}{SEP}(?:2|II)"),
    ((), rf"{CCPR_}{SEP}{OP}{SEP}(?:1|I)|{OP}{SEP}(?:1|I){SEP}{CCPR_}|(?i:first|1st){SEP}{OP}{SEP}{CCPR_}|"
         rf"{OP}{SEP}{CCPR_}{SEP}(?:1|I)"),
    (("CCPR-OP",), rf"{OP}{SEP}{CCPR_}|{CCPR_}{SEP}{OP}"),
    ((), rf"{OP}A?{SEP}I?CESCR|(?:I?CESCR|ICESR){SEP}{OP}|OPESCR"),
    ((), rf"{OP}{SEP}I?CEDAW|CEDAW{SEP}{OP}"),
    ((), rf"{OP}{SEP}(?:CRPD|CPRD)|(?:CRPD|CPRD){SEP}{OP}"),
    (("CRC-OP-AC",), rf"(?:{CRC_}{SEP})?{OP}{SEP}(?:{CRC_}{SEP})?AC|{CRC_}{SEP}AC{SEP}{OP}"),
    # OP-SCR and OP-CSC-SC: misspellings found in the UPR Info exports
    (("CRC-OP-SC",), rf"(?:{CRC_}{SEP})?{OP}{SEP}(?:{CRC_}{SEP}|CSC{SEP})?SC|{OP}{SEP}SCR|{CRC_}{SEP}SC{SEP}{OP}"),
    ((), rf"(?:{CRC_}{SEP})?{OP}{SEP}(?:3{SEP})?(?:{CRC_}{SEP})?IC|{OP}{SEP}?3{SEP}{CRC_}|{CRC_}{SEP}{OP}{SEP}?(?:3|IC)"),
    (("CRC-OP",), rf"{OP}{SEP}{CRC_}|{CRC_}{SEP}{OP}"),
]
PROTOCOL_PATTERNS = [(codes, re.compile(TOKEN.format(pattern))) for codes, pattern in PROTOCOLS]

# "its two Optional Protocols", "the second Optional Protocol", "OPs": resolved by ``protocols.resolve``
ORDINALS = r"first|second|third|1st|2nd|3rd|two|both|three|all(?:\s+three|\s+the)?"
OPTIONAL_PROTOCOL = re.compile(
    rf"(?P<its>\b(?i:its|their)\s+)?(?:\b(?P<ordinal>(?i:{ORDINALS}))\s+)?(?:(?i:additional)\s+)?"
    r"(?:(?i:optional\s+protocol)(?P<plural>s)?\b|(?<![\w-])OP(?P<plural_abbreviation>s)?(?![\w-]))")
COVENANTS = _names(r"(?:two|both)\s+(?:International\s+)?Covenants", r"International\s+Covenants")


def normalise(text):
    """Fold the spellings of dashes and abbreviations: "OP‑ CAT" to "OP-CAT", "ICCPR-OP 2" to "ICCPR-OP2"."""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", str(text)).replace("\u2019", "'")
    text = re.sub(r"(?<=[A-Z0-9])- (?=[A-Z0-9])", "-", text)  # "OP- CRC-SC", "ICCPR- OP2"
    text = re.sub(r"(?<=\bOP)[ -](?=[123]\b)", "", text)  # "OP 2", "OP-2": the protocol's number
    return re.sub(r"\s+", " ", text).strip()


def raw_mentions(text):
    """Every name of an instrument in ``text`` (normalised), leftmost first and the longest where they
    overlap; "Optional Protocol" words are not resolved yet (``codes`` empty)."""
    found = []
    for code, pattern in FULL_NAMES.items():
        for match in pattern.finditer(text):
            if not REGIONAL_BEFORE.search(text[:match.start()]):
                tail = ABBREVIATION_TAIL.match(text, match.end())
                found.append(Mention(match.start(), tail.end() if tail else match.end(), "parent", (code,)))
    for code, pattern in ABBREVIATED.items():
        for match in pattern.finditer(text):
            if not (COMMITTEE_BEFORE.search(text[:match.start()]) or COMMITTEE_AFTER.match(text[match.end():])):
                found.append(Mention(match.start(), match.end(), "parent", (code,)))
    for codes, pattern in PROTOCOL_PATTERNS:
        found += [Mention(m.start(), m.end(), "protocol", codes) for m in pattern.finditer(text)]
    found += [Mention(m.start(), m.end(), "covenants", ("CCPR", "CESCR")) for m in COVENANTS.finditer(text)]
    found += [Mention(m.start(), m.end(), "optional_protocol") for m in OPTIONAL_PROTOCOL.finditer(text)]
    return leftmost_longest(found)


def leftmost_longest(spans):
    """Non-overlapping spans (anything with ``start`` and ``end``): the leftmost first, the longest of those
    that start together."""
    kept, end = [], -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start >= end:
            kept.append(span)
            end = span.end
    return kept


# What a protocol is about, when the words "Optional Protocol" do not say which one
SUBJECTS = {
    "CRC-OP-AC": re.compile(r"armed\s+conflicts?|child(?:ren)?\s+soldiers?|involvement\s+of\s+children|recruitment",
                            re.IGNORECASE),
    "CRC-OP-SC": re.compile(r"sale\s+of\s+child|child\s+prostitution|child\s+pornography", re.IGNORECASE),
    "CRC-OP-IC": re.compile(r"communications?|complaints?", re.IGNORECASE),
    "CCPR-OP2-DP": re.compile(r"death\s+penalty|capital\s+punishment|abolition|abolish", re.IGNORECASE),
}
# between a protocol and its parent: "to the", "of the", "(OP-CAT) to", "on a communications procedure to the"
TO_PARENT = re.compile(r"^\s*(?:[(\[][^)\]]*[)\]]\s*)?(?:,\s*)?(?:(?:on|concerning)\s+(?:(?!\band\b|\bor\b)[^;.,]){0,100}"
                       r"?\s+)?(?:to|of|under)\s+(?:the\s+)*(?:UN\s+|United\s+Nations\s+)?$", re.IGNORECASE)
# between two parents of a list: "ICESCR and (to) the CRPD", "CAT, ICESCR"
IN_LIST = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|as\s+well\s+as\s+|&\s*)(?P<to>to\s+)?(?:the\s+)?$", re.IGNORECASE)
AND_THE = re.compile(r"^\s*,?\s*(?:and|as\s+well\s+as)\s+(?:the\s+)?$", re.IGNORECASE)  # "CAT and the Optional Protocol"
THERETO = re.compile(r"\s*thereto\b", re.IGNORECASE)  # used with match(text, pos): no "^"
SENTENCE_END = re.compile(r"[.;](?:\s|$)")
PLURAL_ORDINALS = {"two", "both", "three", "all", "all three", "all the"}
NO_PROTOCOL_OF_ITS_OWN = {"CED", "CERD"}  # "the Optional Protocols to CAT and CED": CED is named for itself
UNSPECIFIED = {("CCPR-OP",): "CCPR", ("CRC-OP",): "CRC"}


def mentions(text):
    """The instruments named in ``text`` (already ``normalise``d), in order; every optional protocol
    resolved to the codes it stands for (see the module's documentation)."""
    found, result, used = raw_mentions(text), [], set()
    for i, mention in enumerate(found):
        if i in used:
            continue
        if mention.kind == "optional_protocol" or mention.codes in UNSPECIFIED:
            parents = [(i, UNSPECIFIED[mention.codes])] if mention.codes in UNSPECIFIED else parents_of(text, found, i)
            named = [j for j, _ in parents if j is not None and j > i]  # parents named after the protocol
            used.update(named)
            end = max([mention.end] + [found[j].end for j in named])
            result.append(Mention(mention.start, end, "protocol", protocol_codes(text, found, i, parents)))
        else:
            result.append(mention)
    return result


def parents_of(text, found, i):
    """``[(index, parent code)]``: the parents the words "Optional Protocol(s)" at ``found[i]`` refer to."""
    mention, words = found[i], OPTIONAL_PROTOCOL.match(text, found[i].start)
    named = []
    for j in range(i + 1, len(found)):
        if found[j].kind not in ("parent", "covenants"):
            break
        gap = text[found[j - 1].end:found[j].start]
        if j == i + 1 and TO_PARENT.match(gap):
            named.append(j)
        elif named and (link := IN_LIST.match(gap)) and (is_plural(words) or link["to"]) and not has_own(text, found, j):
            named.append(j)
        else:
            break
    if named:
        return [(j, code) for j in named for code in found[j].codes]
    before = [j for j in range(i) if found[j].kind in ("parent", "covenants")]
    refers_back = words["its"] or THERETO.match(text, mention.end)
    if before and (refers_back or (before[-1] == i - 1 and AND_THE.match(text[found[i - 1].end:mention.start]))):
        return [(None, code) for code in found[before[-1]].codes]  # None: named before, for itself too
    return []


def has_own(text, found, j):
    """Whether the parent ``found[j]`` is followed by its own protocol ("..., the CRPD and the Optional Protocol
    thereto"): then it is named for itself, not as the parent of a protocol before it."""
    if j + 1 >= len(found) or found[j + 1].kind != "optional_protocol":
        return False
    words = OPTIONAL_PROTOCOL.match(text, found[j + 1].start)
    return bool(AND_THE.match(text[found[j].end:found[j + 1].start])
                and (words["its"] or THERETO.match(text, found[j + 1].end)))


def is_plural(words):
    return bool(words["plural"] or words["plural_abbreviation"]
                or (words["ordinal"] or "").lower() in PLURAL_ORDINALS)


def protocol_codes(text, found, i, parents):
    """The codes among the twelve of the protocol(s) at ``found[i]`` of ``parents``."""
    words = OPTIONAL_PROTOCOL.match(text, found[i].start)
    ordinal = ((words["ordinal"] if words else None) or "").lower()
    plural = bool(words) and is_plural(words)
    window = subject_window(text, found, i)
    if not parents:
        return of_no_parent(ordinal, window)
    codes = []
    for position, (_, parent) in enumerate(parents):
        if parent == "CAT":
            codes.append("CAT-OP")
        elif parent == "CCPR":
            codes += of_the_covenant(ordinal, plural, window, text)
        elif parent == "CRC":
            codes += of_the_child_convention(ordinal, plural, window, text)
        elif parent in NO_PROTOCOL_OF_ITS_OWN and position > 0:
            codes.append(parent)
    return tuple(dict.fromkeys(codes))


def of_no_parent(ordinal, window):
    """"the second Optional Protocol", "the Optional Protocol on the sale of children ...", alone."""
    if ordinal in ("second", "2nd") or SUBJECTS["CCPR-OP2-DP"].search(window):
        return ("CCPR-OP2-DP",)
    return tuple(code for code in ("CRC-OP-AC", "CRC-OP-SC") if SUBJECTS[code].search(window))


def of_the_covenant(ordinal, plural, window, text):
    if ordinal in ("second", "2nd") or (not ordinal.startswith(("first", "1st")) and plural):
        return ["CCPR-OP2-DP"]
    if ordinal or not SUBJECTS["CCPR-OP2-DP"].search(text):  # the first, or one not said: the first
        return []
    return ["CCPR-OP2-DP"]  # "abolish the death penalty and ratify the Optional Protocol to the ICCPR"


def of_the_child_convention(ordinal, plural, window, text):
    said = [code for code in SUBJECTS if code.startswith("CRC") and SUBJECTS[code].search(window)]
    if said:
        return [code for code in said if code != "CRC-OP-IC"]
    if ordinal in ("third", "3rd"):
        return []
    if plural:
        return ["CRC-OP-AC", "CRC-OP-SC"]
    return [code for code in ("CRC-OP-AC", "CRC-OP-SC") if SUBJECTS[code].search(text)]


def subject_window(text, found, i):
    """The text after ``found[i]`` that can say what its protocol is about: up to the next protocol named,
    the end of the sentence or 200 characters."""
    start = found[i].start
    ends = [start + 200] + [m.start for m in found[i + 1:] if m.kind in ("protocol", "optional_protocol")][:1]
    if (stop := SENTENCE_END.search(text, found[i].end)) is not None:
        ends.append(stop.start())
    return text[start:min(ends)]
