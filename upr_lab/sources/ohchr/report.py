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
from .recommenders import split_item
from .text import flat, read_document

SYMBOL = re.compile(r"A/HRC/(\d{1,2})/(\d{1,3})(?!\d|/Add)")
FILE_SYMBOL = re.compile(r"A_HRC_(\d{1,2})_(\d{1,3})$")
TOP = 1500  # characters at the top of a document: its symbol and title
TITLE = re.compile(r"Report of the Working Group on the Universal Periodic Review\W*((?:\S+\s+){0,8})", re.I)
HEADING = re.compile(r"Conclusions and/or recommendations\W*(\d{2,3})\.\s+(?=[A-Z])", re.I)
CLOSING = re.compile(r"All conclusions and/or recommendations (contained|set out) in the present report", re.I)
SESSION = re.compile(r"held its ([a-z]+(?:-[a-z]+)?|\d{1,2}(?:st|nd|rd|th)) session", re.I)
POSITIONS = [  # the first that matches a paragraph's introduction gives its items' response
    (re.compile(r"did not enjoy|do not enjoy|does not enjoy|not (?:been )?(?:accepted|supported)|rejected|"
                r"noted by|been noted|were noted|are noted|not to support", re.I), "noted"),
    (re.compile(r"will be examined|to be examined|will provide (?:its )?responses|will be considered|"
                r"will examine|responses in due|were made to|recommendations made|will be included", re.I), None),
    (re.compile(r"enjoy(?:s|ed)? the support|enjoy(?:s|ed)? support|(?:been|are) accepted|accepted by|"
                r"supported by|already implemented|process of implementation|accepts", re.I), "supported"),
]
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
    recommendations: tuple
    examined: tuple  # paragraphs whose items the State examines after the review (answered in the addendum)


def is_report(document):
    """True for a Working Group report (not an addendum) by its top: title and symbol."""
    top = document.text[:TOP]
    return bool(TITLE.search(flat(top))) and "Addendum" not in top and SYMBOL.search(top) is not None


def read_report(path, resolver=None):
    """The ``Report`` at ``path`` (PDF or text); refuses, in one line, anything it cannot read whole."""
    document = read_document(path)
    resolver = resolver or CountryResolver()
    symbol, council, number = report_symbol(document)
    sur = _state_under_review(document, resolver)
    session = _session(document, council, number)
    section, first = _section(document)
    recommendations, examined = [], []
    for paragraph, response, items in _groups(section, first, path):
        if response is None:
            examined.append(paragraph)
        for number_, item in items:
            recommendations += [Recommendation(number_, text, states, response)
                                for text, states in split_item(item, number_, resolver, path)]
    return Report(Path(path), symbol, sur, session, tuple(recommendations), tuple(examined))


def report_symbol(document):
    """``("A/HRC/14/15", 14, 15)``: a report's own symbol, from its top or else its file's name."""
    match = SYMBOL.search(document.text[:TOP]) or FILE_SYMBOL.search(document.path.stem)
    if match is None or "Addendum" in document.text[:TOP]:
        raise DataError("found no symbol A/HRC/<session>/<number> at its top; expected the report of the Working "
                        "Group on the Universal Periodic Review on one State", path=document.path)
    council, number = int(match.group(1)), int(match.group(2))
    return f"A/HRC/{council}/{number}", council, number


def _state_under_review(document, resolver):
    match = TITLE.search(flat(document.text[:TOP]))
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


def _section(document):
    """The section 'Conclusions and/or recommendations', flattened, from its first paragraph to the closing one."""
    body = flat(document.body)
    starts = list(HEADING.finditer(body))
    closing = CLOSING.search(body, starts[-1].start()) if starts else None
    if not starts or closing is None:
        missing = "its section 'Conclusions and/or recommendations'" if not starts else \
            "the closing paragraph 'All conclusions and/or recommendations contained in the present report ...'"
        raise DataError(f"found no {missing}; expected the report of a UPR Working Group", path=document.path)
    start = starts[-1].start(1)
    return body[start:closing.start()], int(starts[-1].group(1))


def _groups(section, first, path):
    """(paragraph, response, [(number, item text)]) for each paragraph of recommendations in ``section``, one
    at a time: a caller that reads the items as they come refuses a scrambled item before a later gap."""
    position, paragraph, groups = 0, first, []
    while True:
        head = re.compile(rf"{paragraph}\.\s+").match(section, position)
        if head is None:
            break
        first_item = re.compile(rf"(?<=[.:])\s+(?:{paragraph}\.1|1\.)\s").search(section, head.end())
        next_paragraph = re.compile(rf"(?<=[.;:])\s+{paragraph + 1}\.(?:\s+(?=[A-Z])|\s*$)").search(section, head.end())
        if first_item is None or next_paragraph and next_paragraph.start() < first_item.start():
            # a paragraph without numbered items, e.g. "The response of X to these recommendations will be
            # included in the outcome report ..." (2008): nothing to read
            position, paragraph = (next_paragraph.start() + 1, paragraph + 1) if next_paragraph else (position, paragraph)
            if next_paragraph is None:
                break
            continue
        intro = section[head.end():first_item.start()]
        response = _position(intro, paragraph, path)
        items, position = _items(section, first_item.start(), paragraph, path)
        groups.append((paragraph, response, items))
        yield groups[-1]
        paragraph += 1
    if not groups or section[position:].strip(" ;.") != f"{paragraph}":
        _refuse_rest(section, position, paragraph, groups, path)


def _position(intro, paragraph, path):
    for pattern, response in POSITIONS:
        if pattern.search(intro):
            return response
    raise DataError(f"found paragraph {paragraph} '{intro[:90]}…', which states no position; expected an introduction "
                    "such as 'The following recommendations enjoy the support of …' or '… will be examined by …'",
                    path=path)


def _refuse_rest(section, position, paragraph, groups, path):
    rest = section[position:position + 80].strip()
    rest = f"'{rest}…'" if rest else "the end of the section"
    after = f"after paragraph {groups[-1][0]} item {groups[-1][2][-1][0]}" if groups and groups[-1][2] else \
        "at the start of the section"
    raise DataError(f"found {rest} {after}; expected the next item or paragraph {paragraph} (does the numbering "
                    "break off, or is the text scrambled?)", path=path)


def _items(section, start, paragraph, path):
    """The numbered items after a paragraph's introduction, and where the paragraph ends."""
    later = re.compile(rf"\s*{paragraph}\.1\s").match(section, start) is not None
    marker = (lambda k: rf"(?<=\s){paragraph}\.{k}(?=\s)") if later else (lambda k: rf"(?<=[;.:]\s){k}\.\s")
    begin = re.compile(r"\s*" + (rf"{paragraph}\.1\s" if later else r"1\.\s")).match(section, start)
    if begin is None:
        raise DataError(f"found '{section[start:start + 60]}…' after the introduction of paragraph {paragraph}; "
                        f"expected its first item ('{paragraph}.1' or '1.')", path=path)
    items, k, item_start = [], 1, begin.end()
    end_of_group = re.compile(rf"(?<=[.;])\s+{paragraph + 1}\.(?:\s+(?=[A-Z])|\s*$)")
    while True:
        following = re.compile(marker(k + 1)).search(section, item_start)
        group_end = end_of_group.search(section, item_start)
        if following and (group_end is None or following.start() < group_end.start() or
                          (not later and not _opens_paragraph(section, group_end.end()))):
            items.append((f"{paragraph}.{k}", section[item_start:following.start()].strip()))
            item_start, k = following.end(), k + 1
            continue
        end = group_end.start() if group_end else len(section)
        items.append((f"{paragraph}.{k}", section[item_start:end].strip()))
        _refuse_skipped(items[-1], k, paragraph, later, path)
        return items, (group_end.start() + 1 if group_end else len(section))


def _opens_paragraph(section, start):
    """True if the text at ``start`` reads as a paragraph introducing recommendations (up to a colon)."""
    head = section[start:start + 500]
    colon = head.find(":")
    return colon >= 0 and ";" not in head[:colon] and "recommendation" in head[:colon].lower()


def _refuse_skipped(item, k, paragraph, later, path):
    """The last item must not hold a further numbered item: that is a numbering that breaks off."""
    number, text = item
    pattern = rf"(?<=\s){paragraph}\.(\d{{1,3}})(?=\s)" if later else r"(?<=[;.]\s)(\d{1,3})\.\s+[A-Z]"
    found = [int(n) for n in re.findall(pattern, " " + text) if int(n) > k + 1]
    if found:
        label = f"{paragraph}.{found[0]}" if later else f"{found[0]}."
        raise DataError(f"found item {label} after item {number} with no item {paragraph}.{k + 1} between them; "
                        "expected the items numbered without gaps (does the numbering break off?)", path=path)
