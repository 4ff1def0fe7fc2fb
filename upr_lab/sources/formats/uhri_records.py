"""One UHRI record -> canonical rows: what the JSON and the Excel readers of UHRI exports share.

A reader hands each record as raw values under these keys: ``text``, ``sur`` (the States the text concerns),
``body``, ``document`` (the report symbol), ``themes``, ``sdgs``, ``recommenders``, ``response`` (the UPR
position), ``session``, ``cycle``. A value may be a string (several values one per line, as in Excel cells), a
list, a number, null or ``[]``; a leading ``- `` on a value or list item is dropped. How each is read:

* only UPR records are read (``Body`` 'UPR', '- UPR', 'Universal Periodic Review'); the reader counts the others;
* the session: ``31``, ``'31'``, ``'- 31'``, ``'31 - November 2018'``, ``'31st session'`` (or a list of one);
  without one, the session of the report symbol where upr-lab knows the Council session (cycles 1-2); anything
  else is refused. A cycle given (``UprCycle``) must be the session's;
* the position (``POSITIONS``): Supported and Noted; "Supported/Noted" and "partially supported" are ``other``
  (mixed), as are "Pending", "Under consideration" and "To be examined" (not answered yet) and no position at
  all; a list of positions that disagree (Supported and Noted) is ``other`` too. Anything else is refused;
* the State under review from ``Countries`` after the rule table of known errors (``uhri_corrections``): one;
* one row per recommending State (a State named twice in one record counts once);
* themes become issue tags; ``Sdgs`` values are goals ('11 - SUSTAINABLE CITIES AND COMMUNITIES') or targets
  ('16.2 - Protect children ...'): a target is kept as a target and its goal as a goal;
* the paragraph from a leading number ('28.212 Continue ...'); the recommending States in parentheses at the
  end of the text ('... (Tunisia);') are taken off the text when each name in them is one of the record's
  recommending States (the other sources' texts do not carry them), else the text is kept whole.
"""

import collections
import functools
import re

import pandas as pd

from upr_lab.limits import MAX_CELL_CHARS, excerpt

from .. import calendar
from ..countries import UNKNOWN_NAMES
from . import fields, uhri_corrections

SOURCE = "uhri"
UPR_BODIES = {"upr", "universal periodic review"}
POSITIONS = {"supported": "supported", "noted": "noted", "supported/noted": "other",
             "partially supported": "other", "partly supported": "other", "supported in part": "other",
             "pending": "other", "under consideration": "other", "to be examined": "other"}
POSITIONS_EXPECTED = ("a UPR position: Supported, Noted, Supported/Noted, Partially supported, Pending, Under "
                      "consideration or To be examined")
SESSION = re.compile(r"^(?:session\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+session)?(?:\s*[-–]\s+.*)?$", re.I | re.S)
CYCLE = re.compile(r"^(?:cycle\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+cycle)?(?:\s*[-–]\s+.*)?$", re.I | re.S)
SDG = re.compile(r"^(?:(?:sdg|goal)\s*)?(\d{1,2})(?:\.(\d{1,2}|[a-d]))?(?=$|[\s:\-–])", re.I)
PARAGRAPH = re.compile(r"^\s*(\d{1,3}\.\d{1,3})\.?\s+")
REPORT = re.compile(r"^A/HRC/(\d{1,2})/(\d{1,3})$")
LINE_BREAKS = re.compile(r"\r\n|\n|\r")
COLUMNS = ("sur_iso3", "sur_name", "sur_group", "recommender_iso3", "recommender_name", "recommender_group",
           "session", "text", "response", "issues", "sdg_goals", "sdg_targets", "document", "paragraph", "where")


class RecordError(Exception):
    """A value of a record that cannot be read: ``key`` (the raw key) and the message ('found ...; expected ...')."""

    def __init__(self, key, message):
        super().__init__(message)
        self.key, self.message = key, message


def values(value):
    """A field's values: a list, or a string holding one value a line; ``- `` prefixes, blanks and nulls
    dropped. Numbers are kept as text."""
    if value is None:
        return []
    found = []
    for item in value if isinstance(value, (list, tuple)) else (value,):
        if item is None:
            continue
        item = item if isinstance(item, str) else str(item)
        for line in LINE_BREAKS.split(item) if "\n" in item or "\r" in item else (item,):
            line = line.strip()
            if line[:1] == "-" and not line[1:2].isdigit():  # '- Norway', not '-5'
                line = line[1:].lstrip()
            if line:
                found.append(line)
    return found


def is_upr(body):
    """True if a record's ``Body`` is the UPR."""
    return any(v.lower() in UPR_BODIES for v in values(body))


def position(value):
    """``(response, as read)``: the canonical response of a record's position(s) and the position as the record
    gives it ('(none)' when it gives none); ``RecordError`` for one not in the vocabulary."""
    found = values(value)
    mapped = [POSITIONS.get(re.sub(r"\s*/\s*", "/", " ".join(v.lower().split()))) for v in found]
    if None in mapped:
        raise RecordError("response", f"found {excerpt(value)}; expected {POSITIONS_EXPECTED}")
    kinds = set(mapped)
    response = kinds.pop() if len(kinds) == 1 else "other"
    return response, " / ".join(found) or "(none)"


def session(value, symbol):
    """The Working Group session a record gives (or its report symbol implies); ``RecordError`` if neither."""
    found = values(value)
    if not found:
        number = _session_of_report(symbol)
        if number is None:
            raise RecordError("session", f"found no session (and the report {symbol or '(none)'} does not tell "
                                         "it); expected a Working Group session such as '31' or '31 - November 2018'")
        return number
    numbers = {_number(SESSION, v) for v in found}
    number = numbers.pop() if len(numbers) == 1 else None
    if number not in calendar.SESSION_YEARS:
        raise RecordError("session", f"found {excerpt(value)}; expected a Working Group session such as "
                                     f"'31', '31 - November 2018' or '31st session' (1-{max(calendar.SESSION_YEARS)})")
    return number


def check_cycle(value, number):
    """A cycle the record gives (``UprCycle``) must be its session's; none given is no error."""
    found = values(value)
    if not found:
        return
    cycles = {_number(CYCLE, v) for v in found}
    if cycles != {calendar.cycle_of(number)}:
        raise RecordError("cycle", f"found {excerpt(value)} for a record of session {number}, which is in "
                                   f"cycle {calendar.cycle_of(number)}; expected its cycle (1-4)")


def _number(pattern, text):
    match = pattern.match(text)
    return int(match.group(1)) if match else None


def _session_of_report(symbol):
    match = REPORT.match(symbol or "")
    return match and calendar.working_group_session(int(match[1]), int(match[2]))


def sdg_links(value):
    """``(goals, targets)`` of a record's ``Sdgs``: a target ('16.2 - ...') is kept with its goal (16); a goal
    alone ('11 - SUSTAINABLE ...') as a goal."""
    goals, targets = set(), []
    for text in values(value):
        goal, target = _sdg(text)
        if goal is None:
            raise RecordError("sdgs", f"found {excerpt(value)}; expected SDG goals or targets, one a value, "
                                      "such as '16.2 - Protect children ...' or '11 - SUSTAINABLE CITIES ...'")
        goals.add(goal)
        if target and target not in targets:
            targets.append(target)
    return tuple(sorted(goals)), tuple(targets)


@functools.lru_cache(maxsize=4096)  # an export repeats a few hundred SDG labels over and over
def _sdg(text):
    match = SDG.match(text)
    if not match or not 1 <= int(match[1]) <= 17:
        return None, None
    return int(match[1]), match[2] and f"{int(match[1])}.{match[2].lower()}"


class Rows:
    """Canonical rows of a UHRI export, gathered record by record (columns of plain lists, so that a few hundred
    thousand records take little memory), and what was counted on the way."""

    def __init__(self, resolver):
        self.resolver, self.states, self.parentheses = resolver, {}, {}
        self.columns = {name: [] for name in COLUMNS}
        self.corrections = collections.Counter()  # report symbol -> records whose State was corrected
        self.positions = collections.Counter()  # position as given -> records
        self.upr_records = 0

    def add(self, record, where):
        """Add the rows of one UPR ``record`` (raw values by key); ``where`` locates it (a row or record number)."""
        symbol = (values(record.get("document")) or [""])[0]
        number = session(record.get("session"), symbol)
        check_cycle(record.get("cycle"), number)
        response, given = position(record.get("response"))
        sur = self._state_under_review(record.get("sur"), symbol)
        recommenders = self._recommenders(record.get("recommenders"))
        goals, targets = sdg_links(record.get("sdgs"))
        paragraph, text = self._text(record.get("text"), recommenders)
        for state in recommenders:
            for name, item in zip(COLUMNS, (*sur, *state, number, text, response, tuple(values(record.get("themes"))),
                                            goals, targets, symbol, paragraph, where)):
                self.columns[name].append(item)
        self.positions[given] += 1
        self.upr_records += 1

    def _state_under_review(self, value, symbol):
        names = values(value)
        states = [self._state(name, "sur") for name in names]
        codes, rule = uhri_corrections.corrected(symbol, [s.iso3 for s in states])
        if rule is not None:
            self.corrections[rule.symbol] += 1
            return self._described(self.resolver.lookup(rule.state))
        if len(set(codes)) != 1:
            raise RecordError("sur", f"found {excerpt(value)}; expected one State under review (a UPR "
                                     "recommendation concerns one State)")
        return self._described(states[0])

    def _recommenders(self, value):
        names = list(dict.fromkeys(values(value)))
        if not names:
            raise RecordError("recommenders", f"found {excerpt(value)}; expected the recommending State(s)")
        return [("", "(Unknown)", "") if name.lower() in UNKNOWN_NAMES
                else self._described(self._state(name, "recommenders")) for name in names]

    def _lookup(self, name):
        if name not in self.states:
            self.states[name] = self.resolver.lookup(name)
        return self.states[name]

    def _state(self, name, key):
        if self._lookup(name) is None:
            raise RecordError(key, fields.unknown_state(name, self.resolver))
        return self.states[name]

    @staticmethod
    def _described(state):
        return state.iso3, state.name, state.group

    def _text(self, value, recommenders):
        parts = value if isinstance(value, list) else [value]
        text = " ".join(" ".join(p for p in parts if isinstance(p, str)).split())
        if not text or not all(isinstance(p, str) for p in parts) or len(text) > MAX_CELL_CHARS:
            raise RecordError("text", f"found {excerpt(value)}; expected the recommendation's text (at most "
                                      f"{MAX_CELL_CHARS:,} characters)")
        match = PARAGRAPH.match(text)
        paragraph, text = (match[1], text[match.end():]) if match else ("", text)
        names = {name for _, name, _ in recommenders}
        return paragraph, without_trailing_states(text, names, self._lookup, self.parentheses)

    def frame(self):
        """The canonical recommendations, indexed by where each came from (row or record number)."""
        c = self.columns
        sessions = pd.Series(c["session"], dtype="int64")
        frame = pd.DataFrame({
            "rec_id": "", "source": SOURCE,
            "cycle": sessions.map({s: calendar.cycle_of(s) for s in calendar.SESSION_YEARS}).to_numpy(),
            "session": sessions.to_numpy(), "year": sessions.map(calendar.SESSION_YEARS).to_numpy(),
            **{name: pd.array(c[name], dtype="str") for name in COLUMNS[:6]},
            "text": pd.array(c["text"], dtype="str"), "response": pd.array(c["response"], dtype="str"),
            "action_category": pd.array([pd.NA] * len(c["text"]), dtype="Int64"),
            "issues": _objects(c["issues"]), "sdg_goals": _objects(c["sdg_goals"]),
            "sdg_targets": _objects(c["sdg_targets"]),
            "document": pd.array(c["document"], dtype="str"), "paragraph": pd.array(c["paragraph"], dtype="str"),
            "implementation": "",
        }, columns=["rec_id", "source", "cycle", "session", "year", *COLUMNS[:6], "text", "response",
                    "action_category", "issues", "sdg_goals", "sdg_targets", "document", "paragraph",
                    "implementation"])
        frame["rec_id"] = make_ids(frame) if len(frame) else pd.Series(dtype="str")
        frame.index = pd.Index(c["where"], dtype="int64")
        return frame

    def detected(self):
        """What ``data info`` says of the records read: counts, positions as given, corrections applied."""
        return {"upr_records": self.upr_records, "positions": dict(sorted(self.positions.items())),
                "corrections": uhri_corrections.summary(self.corrections)}


def _objects(items):
    return pd.Series(items, dtype=object)


def without_trailing_states(text, names, lookup, memo=None):
    """``text`` without the parentheses at its end that name only States among ``names`` ('... (Tunisia);',
    '... (Brazil, Chile)', '... (France) (Peru).'); otherwise ``text`` as it is. ``lookup``: a State's name ->
    its ``State`` or None; ``memo``: a dict that keeps what each parenthesis names across calls."""
    memo = {} if memo is None else memo
    body = text.rstrip(" ;.,")
    stripped = False
    while body.endswith(")"):
        start = fields.last_parenthesis_opening(body)
        if start is None:
            break
        content = body[start + 1:-1]
        if content not in memo:
            memo[content] = _states_named(content, lookup)
        named = memo[content]
        if not named or not named <= names:
            break
        body, stripped = body[:start].rstrip(" ;,"), True
    return body if stripped and body else text


def _states_named(content, lookup):
    """The names of the States a parenthesis names, if it names only States; else None."""
    parts, depth, current = [], 0, ""
    for char in content:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char in ",;" and depth == 0:
            parts, current = parts + [current], ""
        else:
            current += char
    parts = [re.sub(r"^and\s+", "", " ".join(p.split())) for p in parts + [current]]
    states = [lookup(p) for p in parts if p]
    return {s.name for s in states} if states and all(states) else None


def make_ids(frame):
    """Stable ids from content: same report, paragraph, recommending State and text, same id."""
    return fields.make_ids(frame, fields.DOCUMENT_ID_CONTENT, "U")
