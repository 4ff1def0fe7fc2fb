"""Addenda to Working Group reports (A/HRC/<session>/<number>/Add.1): the State's response to each
recommendation the report left "to be examined": ``supported``, ``noted`` or ``other`` (partial, mixed,
or a general answer that neither accepts nor notes), with the State's words.

References are written "122.12" (paragraph.item) or "12" (a bare item number, as early addenda and some
later ones write it), in lists with ranges spelt every way: "1–5", "122.17-18" (122.17 and 122.18),
"122.34- 35", "150 – 152", "140.82-85, 87" (a bare number after "140.82" is 140.87), a list broken
across lines and pages, ". " for ", " by mistake ("140.35. 140.36"). Three formats occur, alone or together:

* lists under statements: "The Government accepts the following recommendations: 140.7, 140.8, ..."
  or "... notes recommendations 6–13, 17". The sentence around the list gives the response, by the rules
  of ``_classify``; in a sentence with two lists each takes its own clause ("accepts 1-10 and notes 11").
  Section headings ("III. Noted recommendations") give a position only to lines that hold nothing but
  references under them: a heading would mislabel the cross-references in the notes under it ("On Roma,
  see also recommendation 71" under the noted ones, where 71 is accepted);
* tables: a reference opening a row, then a position standing as a cell ("Supported", "Noted",
  "Supported in part", "Accepted", "Rejected": at a line start, after "|", a tab or two spaces; or
  capitalised after the closing parenthesis of the recommending State);
* numbered answers: a line that opens with references ("122.11", "140.82-85, 87", "Rec. 18", "Recs.
  6–13"), then the text. An answer to references a list names is a note: it gives information, not a new
  position, so the list's response stands and the note is its wording (else the statement sentence is).
  Any other answer is classified from its wording (``_classify``). Where nothing else is found, the
  answers are numbered like paragraphs: "1. Slovenia cannot, at this point in time, make a definitive
  statement.", "5., 6., 7. The Slovenian Government accepts these recommendations."

Two statements about one recommendation that disagree ("partially accepts 140.5" and "rejects
140.4-140.8") never refuse the addendum: the statement that names the recommendation alone wins over a
range that covers it; two that name it alone (or two ranges) and disagree give ``other`` with both
wordings. Each such case is kept in ``Addendum.contradictions`` (warned where the addendum is joined to
its report). "Partially accepts" and "accepts in principle" are ``other``, with the State's words.

Traps: a count is no reference ("accepts 142 recommendations"): a list follows the word
"recommendation(s)" or a colon. Paragraph numbers ("3. The Government accepts ...") are the document's
own wherever the answers are named another way. A line that starts with references continues a list,
not an answer, when the line before ends with a comma or a dash, or when the references end with a full
stop. A number list may wrap in the page's number column ("40., 41., 42., Slovenia accepts ..." then
"43., 44." alone on the next line; "83., 85., 86., 87. decision by ..." mid-text): a list that ends with
a comma goes on at the start of the next line.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from upr_lab.exceptions import DataError

from .language import not_english
from .text import FURNITURE, flat, read_document

TOP = 1500  # characters at the top of a document: its symbol and title
WORDING = 300  # characters of the State's words kept with each response
SYMBOL = re.compile(r"A/HRC/(\d{1,2})/(\d{1,3})/Add\.(\d{1,2})")
FILE_SYMBOL = re.compile(r"A_HRC_(\d{1,2})_(\d{1,3})_Add\.(\d{1,2})$")
RANGE = r"(?:\s*(?:[-–—]|to)\s*\d{1,3}(?:\.\d{1,3})?)?"
REF = rf"\d{{1,3}}(?:\.\d{{1,3}})?{RANGE}"
SEP = r"(?:\s*[,;]\s*|\s*,?\s+and\s+|\.\s+(?=\d{1,3}\.\d{1,3}\s*,))"  # ". " for ", " only inside a list
REFLIST = rf"{REF}(?:{SEP}{REF})*"
TOKEN = re.compile(r"(?:(\d+)\.)?(\d+)(?:\s*(?:[-–—]|to)\s*(?:(\d+)\.)?(\d+))?")
LISTED = re.compile(rf"(?:(?i:recommendations?)\s*(?:(?i:nos?)\.\s*)?|:\s*)({REFLIST})")
OPENS = r"[ \t]*[:\-–—]?(?=[ \t]*(?:\n|$|\|)|[ \t]+[A-Z“\"(])"  # then a line break, a cell or a sentence
HEAD = re.compile(rf"^[ \t]*(?:(?i:recs?\.|recommendations?)[ \t]*(?:(?i:nos?)\.[ \t]*)?({REFLIST})|"
                  rf"(\d{{2,3}}\.\d{{1,3}}{RANGE}(?:{SEP}{REF})*)){OPENS}", re.M)  # paragraphs 10+: not "1.5 per cent"
BARE = re.compile(r"^[ \t]*(\d{1,3}\.(?:[ \t]*,[ \t]*\d{1,3}\.)*)([ \t]*,)?(?=\s)", re.M)
POSITION = (r"supported in part|partially supported|partly supported|accepted in part|partially accepted|"
            r"accepted in principle|supported in principle|not supported|not accepted|supported|accepted|noted|"
            r"rejected")
CELL = re.compile(rf"(?:^|(?<=[\n|\t])|(?<=  )|(?<=[):] ))[ \t]*({POSITION})\b", re.I)
ALONE = re.compile(r"[ \t]*(?:$|\n|[|\t.;]|  )")
NOTED = re.compile(r"\b(?:cannot|can not|could not|does not|do not|did not|will not|unable to|not in a position to)\b"
                   r"[^.;]{0,30}?\b(?:accept|support|agree|enjoy|make a definitive statement)|\breject(?:s|ed)?\b|"
                   r"\bnot\s+(?:be\s+|been\s+)?(?:accepted|supported)\b|"
                   r"\b(?:notes|takes? note of|has taken note of)\s+(?:the\s+|this\s+|these\s+|those\s+)?"
                   r"(?:following\s+)?recommendations?\b|\b(?:is|are|was|were|remains?)\s+noted\b", re.I)
SUPPORTED = re.compile(r"\b(?:accepts?|supports|agrees? to|endorses)\b|\b(?:we|hereby|fully|also)\s+support\b|"
                       r"\b(?:is|are|was|were|been)\s+(?:\w+\s+)?(?:accepted|supported)\b|\benjoys? the support\b|"
                       r"\bagrees? with (?:the|this|these) recommendations?\b", re.I)
# the rest of a list's sentence: up to a full stop (not the one inside "140.4"), a colon ending a line, a new line
# that starts with a capital, or the end
TAIL = re.compile(r"(?:[^.;!?]|[.;!?](?![\s]|$))*?(?:[.;!?](?=\s|$)|:[ \t]*\n|(?=\n\s*[A-Z])|$)")
HEADING = re.compile(r"[ \t]*(?:[IVX]{1,4}\.|[A-H]\.|\d{1,2}\.)?[ \t]*([^\n.:]{0,60}\brecommendations\b[^\n.:]{0,60})"
                     r"[ \t]*:?[ \t]*", re.I)  # "A. Recommendations supported", "II. Noted recommendations"
LIST_LINE = re.compile(rf"[ \t]*({REFLIST})[ \t]*[.;,]?[ \t]*")
PARTIAL = re.compile(r"\b(?:partially|partly|in part|in principle)\b", re.I)


@dataclass(frozen=True)
class Response:
    """The State's ``response`` to the recommendation ``reference`` ("122.12" or "12"), and its ``wording``."""

    reference: str
    response: str
    wording: str


@dataclass(frozen=True)
class Addendum:
    path: Path
    symbol: str  # "A/HRC/43/15/Add.1"
    report: str  # "A/HRC/43/15", the report it answers
    responses: tuple  # Response, one per reference, in the order the document gives them
    contradictions: tuple = ()  # one line per recommendation given two positions, and how it was resolved

    def by_reference(self):
        return {r.reference: r for r in self.responses}


def is_addendum(document):
    """True for an addendum to a report (a ``Document``), by its top: "Addendum" and a symbol …/Add.<k>."""
    top = document.text[:TOP]
    return re.search(r"\bAddendum\b", top, re.I) is not None and SYMBOL.search(top) is not None


def read_addendum(path):
    """The ``Addendum`` at ``path`` (PDF or text); refuses, in one line, one that gives no response."""
    document = read_document(path)
    language = not_english(document.text)
    if language is not None:
        raise DataError(f"found a document in {language}; expected the English version of the addendum (upr-lab "
                        "reads UN documents in English)", path=path)
    match = SYMBOL.search(document.text[:TOP]) or FILE_SYMBOL.search(Path(path).stem)
    if match is None:
        raise DataError("found no symbol A/HRC/<session>/<number>/Add.<n> at its top or in its name; expected the "
                        "addendum to a UPR Working Group report", path=path)
    body = "\n".join(line for line in document.body.splitlines()
                     if not FURNITURE.match(line) and line.strip() != "Notes")  # "Notes": the footnotes' heading
    found, contradictions = _responses(body, path)
    report = f"A/HRC/{match.group(1)}/{match.group(2)}"
    return Addendum(Path(path), f"{report}/Add.{match.group(3)}", report, tuple(found), tuple(contradictions))


def _classify(wording):
    """``supported``, ``noted`` or ``other`` for the State's words, checked in this order: partial support
    ("partially", "in part") -> other; a refusal ("cannot accept", "does not support", "rejects", "notes the
    recommendation", "cannot ... make a definitive statement") together with an acceptance ("accepts",
    "supports", "is accepted", "enjoys the support") -> other (mixed); a refusal alone -> noted; an
    acceptance alone -> supported; neither -> other (a general answer)."""
    if PARTIAL.search(wording):
        return "other"
    refused = NOTED.search(wording) is not None
    accepted = SUPPORTED.search(NOTED.sub(" ", wording)) is not None
    if refused and accepted:
        return "other"
    return "noted" if refused else "supported" if accepted else "other"


def _responses(body, path):
    """Responses from the lists and tables, and from the numbered answers they do not name, in the document's
    order; bare numbered answers ("1. Slovenia ...") only where nothing else is found. Returns the responses
    and the contradictions resolved (``_resolved``)."""
    blocks = _blocks(body, HEAD, path)
    tabled = _table_rows(blocks) + _headed_lists(body, path)
    given = _statements(body, path) + tabled
    if not given and not blocks:
        blocks = _blocks(body, BARE, path)
    named, rows, notes = {g[1] for g in given}, {start for start, *_ in tabled}, {}
    for start, references, text in blocks:
        for reference, alone in references if start not in rows else ():
            if reference in named:
                notes.setdefault(reference, _short(text))
            else:
                given.append((start, reference, _classify(flat(text)), _short(_position_words(flat(text))), alone))
    if not given:
        raise DataError("found no response (no list after 'accepts ... recommendations' or 'notes ...', no table of "
                        "positions, no numbered answers); expected the State's responses to the recommendations",
                        path=path)
    resolved, contradictions = _resolved(given)
    return [Response(ref, response, notes.get(ref) or wording) for ref, response, wording in resolved], contradictions


def _statements(body, path):
    """(offset, reference, response, wording, alone) for each list under a sentence that states a position;
    ``alone``: the list names the recommendation by itself, not inside a range."""
    found, lists = [], list(LISTED.finditer(body))
    for i, match in enumerate(lists):
        line = body.rfind("\n", 0, match.start(1)) + 1
        heads = (HEAD.match(body, line), BARE.match(body, line))
        if any(h and match.start(1) in (h.start(1), h.start(2)) for h in heads):
            continue  # a list that opens an answer or a note
        lead = _sentence_before(body, match.start(1))
        tail = TAIL.match(body, match.end(1)).group(0)
        words = _clause(body, lead, tail, match, lists[i - 1] if i else None, lists[i + 1] if i + 1 < len(lists)
                        else None)
        if "recommendation" not in words.lower() or not _states_position(words):
            continue
        wording = _short(f"{flat(lead)} … {flat(tail)}" if tail.strip(" .\n") else f"{flat(lead)} …")
        found += [(match.start(1), ref, _classify(words), wording, alone)
                  for ref, alone in _references(match.group(1), path)]
    return found


def _clause(body, lead, tail, match, before, after):
    """The words that give a list its position: its sentence, less what belongs to the lists before and after
    it in that sentence ("accepts recommendations 1-10 and notes recommendations 11-15"; "1 and 2 are
    accepted; recommendations 3 and 4 are noted"; "supports 10, 11, but does not support 12")."""
    start = match.start(1) - len(lead)
    if before is not None and before.end(1) > start:
        start = before.end(1)
    clause_lead = re.split(r";", body[start:match.start(1)])[-1]
    if after is not None and after.start(0) < match.end(1) + len(tail):  # words between two lists: the later
        between = body[match.end(1):after.start(0)]                    # one's, where they state a position
        tail = "" if _states_position(between) else between
    return flat(f"{clause_lead} {tail}")


def _sentence_before(body, end):
    """The sentence that runs up to ``end``: from the last full stop followed by a capital ("3. The
    Government ..." included), at most 400 characters back."""
    window = body[max(0, end - 400):end]
    stops = list(re.finditer(r"[.!?]\s+(?=[A-Z“\"(])", window))
    return window[stops[-1].end():] if stops else window


def _table_rows(blocks):
    """(offset, reference, response, wording, alone) for each row whose references are followed by a position."""
    found = []
    for start, references, text in blocks:
        cell = next((c for c in CELL.finditer(text) if ALONE.match(text, c.end()) or
                     text[:c.start(1)].endswith((") ", ": ")) and c.group(1)[0].isupper()), None)
        if cell:
            word = cell.group(1).lower()
            response = ("other" if "part" in word or "principle" in word else
                        "noted" if word.startswith(("not", "rejected")) else "supported")
            found += [(start, ref, response, _short(text[cell.start(1):]), alone) for ref, alone in references]
    return found


def _headed_lists(body, path):
    """(offset, reference, response, wording, alone) for each line that holds nothing but references under a
    heading that states a position ("A. Recommendations supported" / "140.1, 140.2, 140.6"), where no answer
    follows the line (an answer's text would make it a numbered answer instead)."""
    found, heading, lines = [], None, list(re.finditer(r"[^\n]*", body))
    texts = [(m.start(), m.group(0)) for m in lines if m.group(0).strip()]
    for i, (start, line) in enumerate(texts):
        listed = LIST_LINE.fullmatch(line)
        if listed is None:
            heading = _heading(line)
            continue
        following = texts[i + 1][1] if i + 1 < len(texts) else ""
        if heading and (not following or LIST_LINE.fullmatch(following) or _heading(following)):
            found += [(start, ref, heading[0], heading[1], alone) for ref, alone in _references(listed.group(1), path)]
    return found


def _heading(line):
    """(response, wording) of a heading line that states a position, else None."""
    match = HEADING.fullmatch(line)
    if match is None:
        return None
    words = match.group(1).lower()
    response = ("other" if PARTIAL.search(words) else
                "noted" if re.search(r"\b(?:not supported|not accepted|rejected|noted|not enjoy)", words) else
                "supported" if re.search(r"\b(?:supported|accepted|enjoy)", words) else None)
    return (response, _short(line)) if response else None


def _blocks(body, pattern, path):
    """(offset, references, text) of each answer or note: a line that starts with references (``HEAD``:
    "Rec. 18", "122.11"; ``BARE``: "5., 6., 7.") and the text up to the next such line."""
    heads, wraps = [], False  # heads: [start, end, references, or None where a wrapped number list goes on]
    starts = [0] + [m.end() for m in re.finditer("\n", body)]  # every line, though a skipped head spans several
    for match in filter(None, (pattern.match(body, i) for i in starts)):
        if body[max(0, match.start() - 200):match.start()].rstrip().endswith((",", "-", "–", "—")):
            continue  # a list broken across lines goes on here
        references = _references(match.group(1) or match.group(2), path)
        if wraps:
            next(h for h in reversed(heads) if h[2] is not None)[2].extend(references)
        heads.append([match.start(), match.end(), None if wraps else references])
        wraps = pattern is BARE and bool(match.group(2))
    blocks = []
    for i, (start, end, references) in enumerate(heads):
        text = body[end:heads[i + 1][0] if i + 1 < len(heads) else len(body)]
        if references is None:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], f"{blocks[-1][2]} {text}")
        else:
            blocks.append((start, references, text))
    return blocks


def _references(listing, path):
    """(reference, alone) pairs: '122.17-18, 20' -> [('122.17', False), ('122.18', False), ('122.20', True)];
    '1–5' -> [('1', False), ..., ('5', False)]. ``alone``: named by itself, not inside a range."""
    found, paragraph = [], None
    for token in TOKEN.finditer(listing):
        paragraph = token.group(1) or paragraph
        first, last = int(token.group(2)), int(token.group(4) or token.group(2))
        if last < first or last - first > 400 or token.group(3) not in (None, paragraph):
            raise DataError(f"found the range '{flat(token.group(0))}'; expected a range of recommendations from a "
                            "lower to a higher number in one paragraph", path=path)
        found += [(f"{paragraph}.{k}" if paragraph else str(k), token.group(4) is None) for k in range(first, last + 1)]
    return found


def _resolved(given):
    """(reference, response, wording), one per reference in the order first given, and one line per
    contradiction resolved. Where the statements about a recommendation disagree, those that name it alone
    win over those that cover it by a range ("notes 122.1-30" against "partially accepts 122.4"); where
    these still disagree, the response is ``other`` with each statement's words."""
    statements = {}
    for _, reference, response, wording, alone in sorted(given, key=lambda g: g[0]):
        statements.setdefault(reference, []).append((response, wording, alone))
    resolved, contradictions = [], []
    for reference, said in statements.items():
        if len({response for response, _, _ in said}) == 1:
            resolved.append((reference, said[0][0], said[0][1]))
            continue
        specific = [s for s in said if s[2]] or said
        responses = list(dict.fromkeys(response for response, _, _ in specific))
        if len(responses) == 1:
            chosen, rule = (reference, responses[0], specific[0][1]), "the statement naming it alone"
        else:
            words = " / ".join(dict.fromkeys(wording for _, wording, _ in specific))
            rule = "the statements naming it alone disagree" if specific is not said else "the ranges disagree"
            chosen = (reference, "other", _short(words))
        resolved.append(chosen)
        stated = " and ".join(f"{r} ('{w[:80]}'{'' if alone else ', in a range'})" for r, w, alone in said)
        contradictions.append(f"recommendation {reference}: {stated}; taken as {chosen[1]} ({rule})")
    return resolved, contradictions


def _position_words(text):
    """The sentences of an answer that state a position, else the whole answer."""
    sentences = re.split(r"(?<=[.;:!?])\s+(?=[A-Z•])", text)
    stating = [s for s in sentences if _states_position(s)]
    return " ".join(stating) or text


def _states_position(text):
    return any(pattern.search(text) for pattern in (NOTED, SUPPORTED, PARTIAL))


def _short(text):
    text = flat(text)
    return text if len(text) <= WORDING else text[:WORDING - 1].rsplit(" ", 1)[0] + " …"
