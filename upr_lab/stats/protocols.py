"""Which optional protocol a recommendation means: the grammar of "Optional Protocol".

``mentions(text)`` gives the instruments named in ``text`` (``instruments.raw_mentions``) with every
protocol resolved to the codes it stands for, among the twelve (``instruments.CORE``) or outside them.
An optional protocol is never its parent convention: "the Optional Protocol to the Convention against
Torture" is CAT-OP and not CAT; "OP-CEDAW" is CEDAW-OP, "the Optional Protocol to the ICESCR" CESCR-OP.

* A protocol takes the parent named right after it ("... to/of/on the ICCPR", "Optional Protocols 1 and
  2 to ICCPR"), the one before it ("CAT and its Optional Protocol", "... the Optional Protocol thereto",
  "... the Optional Protocol to the Convention", "CRC and its protocols"), or stands after it ("both ICCPR
  Optional Protocols", "CAT facultative protocols", "the ICCPR's second protocol").
* Plural protocols distribute over a list ("the Optional Protocols to the ICESCR and the CRPD"); a
  singular one does not ("the Optional Protocol to ICESCR and CRPD": CRPD is named for itself), nor
  does a list member followed by its own protocol ("the Optional Protocols to CEDAW, CAT and its
  Optional Protocol": CAT itself); CED and CERD, which have no protocol, are named for themselves.
* Which protocol of the ICCPR or the CRC: the ordinal or number ("second", "2"), the subject ("on the
  involvement of children in armed conflict", "aiming at the abolition of the death penalty"), or, for
  the plural, all of them ("the Optional Protocols to the CRC": CRC-OP-AC and CRC-OP-SC, "its two" both
  whatever the subject words nearby; "both Optional Protocols to the ICCPR": CCPR-OP1 and CCPR-OP2-DP).
  A singular protocol of the ICCPR not said is ``CCPR-OP`` (one of them, which not known: none of the
  twelve, for the first is the one so named) unless the recommendation is about the death penalty; one
  of the CRC not said is ``CRC-OP`` unless the recommendation names its subject.
* A bare "Protocol" counts only with its parent ("the Second Protocol to the ICCPR", "its protocols"):
  "the 1967 Protocol thereto" (refugees) or "the Second Protocol to the Hague Convention" are none.
"""

import re

from .instruments import ORDINALS, OPTIONAL_PROTOCOL, Mention, raw_mentions

# What a protocol is about, when the words "Optional Protocol" do not say which one
SUBJECTS = {
    "CRC-OP-AC": re.compile(r"armed\s+conflicts?|child(?:ren)?\s+soldiers?|involvement\s+of\s+children|recruitment",
                            re.IGNORECASE),
    "CRC-OP-SC": re.compile(r"sale\s+of\s+child|child\s+prostitution|child\s+pornography", re.IGNORECASE),
    "CRC-OP-IC": re.compile(r"communications?|complaints?", re.IGNORECASE),
    "CCPR-OP2-DP": re.compile(r"death\s+penalty|capital\s+punishment|abolition|abolish", re.IGNORECASE),
}
# between a protocol and its parent: "to the", "of the", "(OP-CAT) to", "1 and 2 to", "of 1999 to",
# "on a communications procedure to the", and "the" alone ("the Optional Protocol the ICESCR": a word left out)
TO_PARENT = re.compile(r"^\s*(?:[(\[][^)\]]*[)\]]\s*)?(?:,\s*)?"
                       r"(?:(?:No\.?\s*)?(?P<numbers>\d(?:\s*(?:and|,|&)\s*\d)*)\s+)?"
                       r"(?:of\s+\d{4}\s+)?(?:(?:on|concerning)\s+(?:(?!\band\b|\bor\b)[^;.,]){0,100}?\s+)?"
                       r"(?:to|of|under|on)\s+(?:the\s+)*(?:UN\s+|United\s+Nations\s+)?$|^\s+the\s+$", re.IGNORECASE)
# between two parents of a list: "ICESCR and (to) the CRPD", "CAT, ICESCR"
IN_LIST = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|as\s+well\s+as\s+|&\s*)(?P<to>to\s+)?(?:the\s+)?$", re.IGNORECASE)
# "CAT and the Optional Protocol"
AND_THE = re.compile(r"^\s*,?\s*(?:and|as\s+well\s+as)\s+(?:the\s+)?$", re.IGNORECASE)
# "ICCPR and its protocols", "ICCPR, including its second protocol": a bare "its protocols" right after its parent
RIGHT_AFTER = re.compile(r"^\s*,?\s*(?:and|as\s+well\s+as|including|together\s+with|with)\s+$", re.IGNORECASE)
# "thereto", "to the Convention" (the one named before: not "to the Convention against Transnational ...")
THERETO = re.compile(r"\s*(?:thereto|to\s+(?:the|this|that|said)\s+(?:same\s+|relevant\s+|said\s+)?"
                     r"(?:Convention|Covenant)(?![\w-]|\s+(?:on|against|for|relating|of|to|in)\b|\s*[(\[]))\b",
                     re.IGNORECASE)  # used with match(text, pos): no "^"
# after a parent: "'s second protocol", " Optional Protocols", " facultative protocols"
POSTPOSED = re.compile(rf"(?:'s)?\s+(?:(?P<ordinal>{ORDINALS})\s+)?(?:(?P<optional>optional|facultative)\s+)?"
                       r"protocol(?P<plural>s)?\b", re.IGNORECASE)
ORDINAL_BEFORE = re.compile(rf"\b(?P<ordinal>{ORDINALS})\s+$", re.IGNORECASE)  # "both ICCPR Optional Protocols"
SENTENCE_END = re.compile(r"[.;](?:\s|$)")
PLURAL_ORDINALS = {"two", "both", "three", "all", "all three", "all the"}
NUMBERED = {"1": "first", "2": "second", "3": "third"}
NO_PROTOCOL_OF_ITS_OWN = {"CED", "CERD"}  # "the Optional Protocols to CAT and CED": CED is named for itself
UNSPECIFIED = {("CCPR-OP",): "CCPR", ("CRC-OP",): "CRC"}  # "OP-ICCPR", "OP-CRC": which one is not said
OWN_PROTOCOL = {"CAT": "CAT-OP", "CESCR": "CESCR-OP", "CEDAW": "CEDAW-OP", "CRPD": "CRPD-OP"}  # the only one


def mentions(text):
    """The instruments named in ``text`` (already ``normalise``d), in order, every protocol resolved."""
    found, result, used = raw_mentions(text), [], set()
    for i, mention in enumerate(found):
        if i in used:
            continue
        if mention.kind == "parent" and (after := postposed(text, found, i)):
            result.append(after)
        elif mention.codes in UNSPECIFIED:
            codes = protocol_codes([UNSPECIFIED[mention.codes]], "", False, subject_window(text, found, i), text)
            result.append(Mention(mention.start, mention.end, "protocol", codes))
        elif mention.kind == "optional_protocol":
            if (protocol := optional_protocol(text, found, i)) is not None:
                used.update(protocol[1])
                result.append(protocol[0])
        else:
            result.append(mention)
    return result


def postposed(text, found, i):
    """The protocol "ICCPR Second Optional Protocol", "CAT facultative protocols" at ``found[i]``, or None."""
    after = POSTPOSED.match(text, found[i].end)
    before = ORDINAL_BEFORE.search(text, 0, found[i].start)
    if after is None or not (after["optional"] or after["ordinal"] or before):
        return None
    ordinal = (after["ordinal"] or (before["ordinal"] if before else "")).lower()
    plural = bool(after["plural"]) or ordinal in PLURAL_ORDINALS
    codes = protocol_codes(found[i].codes, ordinal, plural, subject_window(text, found, i), text)
    return Mention(found[i].start, after.end(), "protocol", codes)


def optional_protocol(text, found, i):
    """``(Mention, indexes of the parents it takes)`` for the words "Optional Protocol(s)" at ``found[i]``, or
    None where they are no protocol of a core instrument ("the 1967 Protocol thereto")."""
    words = OPTIONAL_PROTOCOL.match(text, found[i].start)
    named, numbers = named_parents(text, found, i, words)
    if (words["bare"] or words["optional_only"]) and not (named or words["its"]):
        return None
    parents = [code for j in named for code in found[j].codes] if named else parent_before(text, found, i, words)
    ordinal, plural = (words["ordinal"] or "").lower(), is_plural(words)
    if numbers:
        ordinal = NUMBERED["2"] if "2" in numbers else NUMBERED[numbers[0]]
        plural = plural or len(numbers) > 1
    codes = protocol_codes(parents, ordinal, plural, subject_window(text, found, i), text)
    end = max([found[i].end] + [found[j].end for j in named])
    return Mention(found[i].start, end, "protocol", codes), named


def named_parents(text, found, i, words):
    """The indexes of the parents named after the protocol at ``found[i]``, and the protocol numbers said
    between ("Optional Protocols 1 and 2 to ICCPR": ``["1", "2"]``)."""
    named, numbers = [], []
    for j in range(i + 1, len(found)):
        if found[j].kind not in ("parent", "covenants"):
            break
        gap = text[found[j - 1].end:found[j].start]
        if j == i + 1 and (link := TO_PARENT.match(gap)):
            named, numbers = [j], re.findall(r"\d", link["numbers"] or "")
        elif named and (link := IN_LIST.match(gap)) and (is_plural(words) or link["to"]):
            if has_own(text, found, j):
                break
            named.append(j)
        else:
            break
    return named, numbers


def parent_before(text, found, i, words):
    """The parent codes a protocol refers back to: "its Optional Protocol", "the Optional Protocol thereto",
    "CAT and the Optional Protocol"; [] where there is none."""
    before = [j for j in range(i) if found[j].kind in ("parent", "covenants")]
    if not before:
        return []
    if words["bare"] and not (before[-1] == i - 1 and RIGHT_AFTER.match(text[found[i - 1].end:found[i].start])):
        return []  # "accede to CRC, and ratify the Convention on Transnational Organized Crime and its Protocols"
    refers_back = words["its"] or THERETO.match(text, found[i].end)
    if refers_back or (before[-1] == i - 1 and AND_THE.match(text[found[i - 1].end:found[i].start])):
        return list(found[before[-1]].codes)
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
    return bool(words["plural"] or words["plural_abbreviation"] or words["bare_plural"]
                or (words["ordinal"] or "").lower() in PLURAL_ORDINALS)


def protocol_codes(parents, ordinal, plural, window, text):
    """The codes of the protocol(s) of ``parents`` (codes, in order of the list)."""
    if not parents:
        return of_no_parent(ordinal, window)
    codes = []
    for position, parent in enumerate(parents):
        if parent in OWN_PROTOCOL:
            codes.append(OWN_PROTOCOL[parent])
        elif parent == "CCPR":
            codes += of_the_covenant(ordinal, plural, text)
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


def of_the_covenant(ordinal, plural, text):
    if plural and not ordinal.startswith(("first", "1st")):  # "both", "Optional Protocols 1 and 2"
        return ["CCPR-OP1", "CCPR-OP2-DP"]
    if ordinal in ("second", "2nd"):
        return ["CCPR-OP2-DP"]
    if ordinal:
        return ["CCPR-OP1"]
    if SUBJECTS["CCPR-OP2-DP"].search(text):  # "abolish the death penalty and ratify the Optional Protocol"
        return ["CCPR-OP2-DP"]
    return ["CCPR-OP"]  # not said which


def of_the_child_convention(ordinal, plural, window, text):
    said = [code for code in SUBJECTS if code.startswith("CRC") and SUBJECTS[code].search(window)]
    if ordinal in ("two", "both") and set(said) < {"CRC-OP-AC", "CRC-OP-SC"}:  # "its two Optional Protocols and
        return ["CRC-OP-AC", "CRC-OP-SC"]  # endorse the Paris Commitments against recruitment": both, not one
    if said:
        return said
    if ordinal in ("third", "3rd"):
        return ["CRC-OP-IC"]
    if plural:
        return ["CRC-OP-AC", "CRC-OP-SC"]
    return [code for code in ("CRC-OP-AC", "CRC-OP-SC") if SUBJECTS[code].search(text)] or ["CRC-OP"]


def subject_window(text, found, i):
    """The text from ``found[i]`` that can say what its protocol is about: up to the next protocol named,
    the end of the sentence or 200 characters."""
    start = found[i].start
    ends = [start + 200] + [m.start for m in found[i + 1:] if m.kind in ("protocol", "optional_protocol")][:1]
    if (stop := SENTENCE_END.search(text, found[i].end)) is not None:
        ends.append(stop.start())
    return text[start:min(ends)]
