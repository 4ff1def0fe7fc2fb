"""Working Group reports (A/HRC/<Council session>/<number>): the recommendations of one review.

The recommendations are in the section "Conclusions and/or recommendations", in one or more
paragraphs, each introduced by a sentence that says the State's position on the items that follow
("... have been examined by X and enjoy the support of X:", "... will be examined by X, which will
provide responses in due time ...:", "... did not enjoy the support of X:", "... were noted by X:").
The section ends with the paragraph "All conclusions and/or recommendations ... reflect the position
of the submitting State(s) ...". Two numberings occur from 2008 to 2025:

* early reports number the items 1..N inside one paragraph ("111. ...: 1. To ...; 2. To ..."): item k
  of paragraph 111 is recommendation "111.k";
* later reports number them "115.1", "115.2", ...

Items are found in sequence (each the next number after the last), so a number quoted inside a
recommendation is never taken for the next one, and a numbering that breaks off is refused. Each item
ends with the recommending State(s) in parentheses: "(Spain, Argentina)" in early reports, "(France)
(Lithuania)" in later ones; a State name can hold parentheses ("Iran (Islamic Republic of)"). Early
items name States inside the text too ("To ratify (Spain)/consider ratifying (Argentina) the ..."):
every parenthesis that holds only States names a recommending State. Later reports cluster
recommendations: "Complete ... (Ukraine); Increase efforts ... (Slovakia);" is two recommendations
under one number. An item that names no State, or starts mid-sentence, is refused: that is what a
text extraction that reordered lines looks like.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from upr_lab.exceptions import DataError

from .. import calendar
from ..countries import CountryResolver
from . import citations, conclusions
from .recommenders import split_item
from .text import flat, read_document

SYMBOL = re.compile(r"A/HRC/(\d{1,2})/(\d{1,3})(?!\d|/Add)")
FILE_SYMBOL = re.compile(r"A_HRC_(\d{1,2})_(\d{1,3})$")
TOP = 1500  # characters at the top of a document: its symbol and title
TITLE = re.compile(r"Report of the Working Group on the Universal Periodic Review\W*((?:\S+\s+){0,8})", re.I)
PAGE_SYMBOL = re.compile(r"^\s*(A/HRC/\d{1,2}/\d{1,3})\*?\s*$")  # a page's header or footer line
MIN_PAGE = 200  # characters: a page shorter than this (a blank, a cover) may well repeat
REVIEW_OF = re.compile(r"The review of ((?:\S+\s+){1,8}?)was held", re.I)
INTRODUCTION = 8000  # characters of the body that hold its introduction
SESSION = re.compile(r"held its ([a-z]+(?:-[a-z]+)?|\d{1,2}(?:st|nd|rd|th)) session", re.I)
POSITIONS = [  # the first that matches a paragraph's introduction gives its items' position
    (re.compile(r"(?:did|do|does) not (?:enjoy|receive|have)|\bnot\s+(?:be\s+|been\s+|to\s+)?(?:accept|support)|"
                r"reject|cannot (?:be )?(?:accept|support)|unable to (?:accept|support)|not in a position to|"
                r"\bnoted\b|takes? note|took note|pertain(?:s|ing)? to measures", re.I), "noted"),
    (re.compile(r"will be examined|to be examined|will provide (?:its )?responses?|will be considered|will consider|"
                r"will examine|responses? in due|will respond|will be included|further (?:examin|consider)|"
                r"will be answered|will reply|(?:responses?|answers?) [^.:]{0,60}will be provided|"
                r"will provide (?:its |an? )?answers?|would study", re.I), "to be examined"),
    (re.compile(r"enjoy(?:s|ed)? (?:the |its |their )?support|\b(?:accept|support|endorse)(?:s|ed)?\b|"
                r"already implemented|process of implementation|\bagree[ds]?\b", re.I), "supported"),
]
RESPONSES = {"supported": "supported", "noted": "noted", "to be examined": None, "pending": None}
UNITS = {w: n for n, w in enumerate("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                     "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                                     "nineteenth".split())}
TENS = {"twent": 20, "thirt": 30, "fort": 40, "fift": 50, "sixt": 60}


@dataclass(frozen=True)
class Recommendation:
    """One recommendation as the report gives it: ``paragraph`` ("115.3"), ``text``, the recommending
    States' names as written, and the ``response`` stated in the report (None: left to the addendum)."""

    paragraph: str
    text: str
    states: tuple
    response: str | None


@dataclass(frozen=True)
class Report:
    path: Path
    symbol: str
    sur: object  # countries.State
    session: int
    recommendations: tuple  # the numbered items, then those cited by body paragraph ("19(d)")
    examined: tuple  # paragraphs whose items the State examines after the review (answered in the addendum)
    positions: tuple = ()  # (paragraph, position, items) for each paragraph of recommendations
    not_found: tuple = ()  # body paragraphs cited as recommendations where no recommendation was found
    cited: tuple = ()  # the labels ("19(d)", "45") of the recommendations read from body paragraphs cited
    remarks: tuple = ()  # what was read irregularly (misprinted item numbers) and what was left out


def is_report(document):
    """True for a Working Group report (not an addendum) by its top: title and symbol (or, where page 1 lacks
    the title, the introduction's "The review of X was held" and the section of conclusions)."""
    top = document.text[:TOP]
    if "Addendum" in top or SYMBOL.search(top) is None:
        return False
    return bool(TITLE.search(flat(top))) or bool(REVIEW_OF.search(flat(document.body[:INTRODUCTION]))) and \
        bool(re.search(r"Conclusions\s+and/or\s+recommendations", document.body, re.I))


def read_report(path, resolver=None):
    """The ``Report`` at ``path`` (PDF or text); refuses, in one line, anything it cannot read whole."""
    document = read_document(path)
    resolver = resolver or CountryResolver()
    symbol, council, number = report_symbol(document)
    _refuse_other_pages(document, symbol)
    sur = _state_under_review(document, resolver)
    session = _session(document, council, number)
    paragraphs, remarks = conclusions.read_section(document.body, path), []
    recommendations, examined, positions, cited = [], [], [], []
    for paragraph in paragraphs:
        position = _position(paragraph.intro, paragraph.number, path)
        remarks += paragraph.remarks
        if _cites_by_item(paragraph, paragraphs[0].number):  # numbered comments on recommendations cited
            cited.append((paragraph, position))
            remarks.append(f"paragraph {paragraph.number}: {len(paragraph.items)} numbered comments of the State, "
                           "not recommendations (the recommendations they cite are read)")
        elif paragraph.items:
            if position == "pending":
                remarks.append(f"paragraph {paragraph.number} states no position ('{paragraph.intro[:60]}…'): its "
                               f"{len(paragraph.items)} items are pending until an addendum answers them")
            examined += [paragraph.number] if RESPONSES[position] is None else []
            positions.append((paragraph.number, position, len(paragraph.items)))
            recommendations += _items(paragraph, RESPONSES[position], sur, resolver, path, remarks)
        elif not citations.citations(paragraph.intro, paragraphs[0].number) and RESPONSES[position]:
            recommendations += _unnumbered(paragraph, RESPONSES[position], resolver, path, remarks)
        else:
            cited.append((paragraph, position))
    conclusions.check_end(document.body, paragraphs, path)
    found, not_found = citations.cited_recommendations(document.body, cited, resolver, paragraphs[0].number, sur)
    recommendations += [Recommendation(label, text, states, RESPONSES[position])
                        for label, text, states, position in found]
    return Report(Path(path), symbol, sur, session, tuple(recommendations), tuple(examined), tuple(positions),
                  tuple(not_found), tuple(label for label, *_ in found), tuple(dict.fromkeys(remarks)))


def _unnumbered(paragraph, response, resolver, path, remarks):
    """A recommendation written out without a number after its introduction ("The following recommendation did
    not enjoy the support of X: Continue ... (United Kingdom)."), labelled by its paragraph; none if the text
    after the colon names no recommending State (a paragraph of commitments or comments)."""
    text = re.split(r":\s+", paragraph.intro, maxsplit=1)[1:] or [""]
    sentence = re.match(r"(.*?\))\s*[.;]", text[0])
    if not sentence or not re.search(r"recommendation", paragraph.intro.split(":")[0], re.I):
        return []
    try:
        found = split_item(sentence.group(1), str(paragraph.number), resolver, path, remarks)
    except DataError:
        return []
    remarks.append(f"paragraph {paragraph.number}: {len(found)} recommendation written out without a number, read "
                   "as one")
    return [Recommendation(str(paragraph.number), text_, states, response) for text_, states in found]


def _cites_by_item(paragraph, first):
    """True for numbered items that each comment on a recommendation cited by body paragraph."""
    cites = [bool(citations.citations(item, first)) for _, item in paragraph.items]
    return bool(cites) and sum(cites) > len(cites) / 2


def _items(paragraph, response, sur, resolver, path, remarks):
    """The recommendations of a paragraph's items; an item in which the State under review speaks ("Costa Rica
    explained that ...") is its comment, left out with a remark."""
    found = []
    for k, item in paragraph.items:
        label = f"{paragraph.number}.{k}"
        if _is_comment(item, sur, resolver):
            remarks.append(f"left out: item {label} '{item[:40]}…', a comment of {sur.name}, not a recommendation")
            continue
        found += [Recommendation(label, text, states, response)
                  for text, states in split_item(item, label, resolver, path, remarks)]
    return found


def _is_comment(item, sur, resolver):
    words = item.split()[:8]
    speaker = next((s for size in range(len(words), 0, -1) if (s := resolver.lookup(" ".join(words[:size])))), None)
    return speaker == sur and not re.search(r"\)\s*[;.]?\s*$", item)


def report_symbol(document):
    """``("A/HRC/14/15", 14, 15)``: a report's own symbol, from its top or else its file's name."""
    match = SYMBOL.search(document.text[:TOP]) or FILE_SYMBOL.search(document.path.stem)
    if match is None or "Addendum" in document.text[:TOP]:
        raise DataError("found no symbol A/HRC/<session>/<number> at its top; expected the report of the Working "
                        "Group on the Universal Periodic Review on one State", path=document.path)
    council, number = int(match.group(1)), int(match.group(2))
    return f"A/HRC/{council}/{number}", council, number


def _refuse_other_pages(document, symbol):
    """A report is one document: every page headed with its own symbol, no page printed twice."""
    for line in document.text.splitlines():
        header = PAGE_SYMBOL.match(line)
        if header and header.group(1) != symbol:
            raise DataError(f"found a page headed {header.group(1)} in the report {symbol}; expected every page headed "
                            f"{symbol} (are pages of another document appended?)", path=document.path)
    seen = {}
    for number, page in enumerate(document.pages, 1):
        key = " ".join(page.split())
        if len(key) > MIN_PAGE and key in seen:
            raise DataError(f"found page {number} the same as page {seen[key]}; expected each page once (a page "
                            "printed twice?)", path=document.path)
        seen.setdefault(key, number)


def _state_under_review(document, resolver):
    """From the title on page 1, else from the introduction's "The review of X was held"."""
    for match in (TITLE.search(flat(document.text[:TOP])), REVIEW_OF.search(flat(document.body[:INTRODUCTION]))):
        words = match.group(1).replace("*", " ").split() if match else []
        for size in range(len(words), 0, -1):
            state = resolver.lookup(" ".join(words[:size]))
            if state is not None:
                return state
    raise DataError("found no State under review after the title 'Report of the Working Group on the Universal "
                    "Periodic Review'; expected the report of the Working Group on one State", path=document.path)


def _session(document, council, number):
    """The Working Group session: as the introduction states it ("held its seventh session"), else from the
    Council session of the symbol."""
    match = SESSION.search(flat(document.body))
    session = _ordinal(match.group(1)) if match else calendar.working_group_session(council, number)
    if session not in calendar.SESSION_YEARS:
        found = f"'{match.group(0)}'" if match else "no sentence 'held its ... session'"
        raise DataError(f"found {found}; expected the Working Group session 1-54 of the review", path=document.path)
    return session


def _ordinal(word):
    """'seventh' -> 7, 'forty-second' -> 42, '34th' -> 34; None for anything else."""
    word = word.lower()
    if word[:-2].isdigit():
        return int(word[:-2])
    if word in UNITS:
        return UNITS[word]
    tens, _, unit = word.partition("-")
    base = next((n for stem, n in TENS.items() if tens.startswith(stem)), None)
    if base is None:
        return None
    if not unit:
        return base if tens.endswith("ieth") else None
    return base + UNITS[unit] if tens.endswith("y") and 0 < UNITS.get(unit, 0) < 10 else None


def _position(intro, paragraph, path):
    """What a paragraph's introduction says of its items: one of POSITION_LABELS; a list given with no
    position ("the following recommendations were made to X") is pending."""
    for pattern, label in POSITIONS:
        if pattern.search(intro):
            return label
    return "pending"
