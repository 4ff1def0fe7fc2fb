"""DIHR SDG-Human Rights Data Explorer exports -> canonical recommendations, with their SDG links.

The Danish Institute for Human Rights' explorer exports UPR recommendations (sheet ``Explorer``) with
the columns ``Goals, Recommendation, Tekst, Targets, Keywords, Response, Recommending state,
Mechanism, Procedures, Treaties, Type, field_year, Document``. Its traps:

* ``Recommendation`` is the **State under review**; the recommendation itself is ``Tekst`` (Danish).
* ``Document`` is ``Source:A/HRC/<council session>/<n>|<paragraph>|``: the Human Rights Council report
  that holds the outcome. Its Council session gives the Working Group session (``calendar``); the
  paragraph is sometimes empty.
* ``Goals`` lists SDG goals as ``"3. Good health and well-being,5. Gender equality"`` (names contain
  commas) or ``"No SDG link identified"``.
* ``Targets`` lists SDG targets (``"3.8, 5.c"``), but Excel stored a cell holding one target as a
  number, and a number cannot tell 16.1 from 16.10 (the explorer links both, about equally often).
  Only goals 8, 16 and 17 have a tenth target, so a lone ``8.1``, ``16.1`` or ``17.1`` is kept as
  ``"16.1/16.10"``: ambiguous, not guessed. Targets in a list are text and exact.
* One row per recommendation and recommending State: a joint recommendation repeats, as in UPR Info.

DIHR rows carry no action category and no issue tags (``Keywords`` names affected groups, glued
together without separators); those columns stay empty.
"""

import functools
import re

import pandas as pd

from .. import calendar
from ..countries import CountryResolver
from . import fields

SOURCE = "dihr"
COLUMNS = {"recommendation": "sur", "tekst": "text", "text": "text", "response": "response",
           "recommending state": "recommender", "document": "document", "goals": "goals", "targets": "targets",
           "field_year": "field_year"}
REQUIRED = ("sur", "text", "response", "recommender", "document", "goals", "targets")
HEADER = "Goals, Recommendation, Tekst, Targets, Keywords, Response, Recommending state, Mechanism, " \
         "Procedures, Treaties, Type, field_year, Document"
RESPONSES = {"supported": "supported", "noted": "noted", "supported/noted": "other", "partially supported": "other"}
NO_GOAL = "no sdg link identified"
DOCUMENT = re.compile(r"^Source:\s*(?P<symbol>A/HRC/(?P<council>\d+)/(?P<number>\d+)(?:/Add\.\d+)?)[A-Za-z]*"
                      r"(?:\|(?P<paragraph>[^|]*)\|?)?$")
GOAL = re.compile(r"(?:^|,)\s*(\d{1,2})\.\s")
TARGET = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-d])$")  # lettered targets run a-d (3.d)
TENTH_TARGET_GOALS = (8, 16, 17)


def is_dihr(header):
    """True if ``header`` is a DIHR explorer export's (the Danish ``Tekst`` or ``Text`` for the text)."""
    return fields.has_keys(header, COLUMNS, REQUIRED)


def parse(table, resolver=None):
    """A DIHR export's ``RawTable`` as canonical recommendations, indexed by spreadsheet row."""
    keys = fields.header_keys(table.header, COLUMNS)
    raw = fields.raw_rows(table, keys)
    source = fields.Source(table.path, {key: table.header[i] for i, key in keys.items()})
    fail = functools.partial(source.fail, raw)
    documents = _documents(raw, fail)
    resolver = resolver or CountryResolver()
    sur = fields.states_of(raw, "sur", source, resolver, allow_unknown=False)
    rs = fields.states_of(raw, "recommender", source, resolver, allow_unknown=True)
    sessions = documents["session"]
    frame = pd.DataFrame({
        "rec_id": "", "source": SOURCE,
        "cycle": sessions.map(calendar.cycle_of).astype("int64"), "session": sessions.astype("int64"),
        "year": sessions.map(calendar.year_of).astype("int64"),
        "sur_iso3": sur["iso3"], "sur_name": sur["name"], "sur_group": sur["group"],
        "recommender_iso3": rs["iso3"], "recommender_name": rs["name"], "recommender_group": rs["group"],
        "text": raw["text"].str.replace(r"\s+", " ", regex=True).to_numpy(),
        "response": _responses(raw, fail),
        "action_category": pd.array([pd.NA] * len(raw), dtype="Int64"),
        "issues": [()] * len(raw),
        "sdg_goals": _goals(raw, fail), "sdg_targets": _targets(raw, fail),
        "document": documents["symbol"].to_numpy(), "paragraph": documents["paragraph"].to_numpy(),
        "implementation": "",
    })
    _check_cycles(raw, frame, fail)
    frame["rec_id"] = make_ids(frame)
    frame.index = raw["row"].to_numpy()
    return frame


def _documents(raw, fail):
    """Report symbol, paragraph and Working Group session of each row (indexed from 0)."""
    parts = raw["document"].str.extract(DOCUMENT)
    absent = (raw["document"] == "").to_numpy()
    unreadable = parts["symbol"].isna().to_numpy() & ~absent
    if unreadable.any():
        fail(unreadable, "document", "a report symbol and paragraph such as 'Source:A/HRC/12/9|95.1|'")
    sessions = [None if pd.isna(c) else calendar.working_group_session(int(c), int(n))
                for c, n in zip(parts["council"], parts["number"])]
    parts["session"] = pd.Series(sessions, index=parts.index, dtype="Int64")
    unmapped = parts["session"].isna().to_numpy() & ~absent
    if unmapped.any():
        fail(unmapped, "document", "the outcome report of a Human Rights Council session 8-34 (UPR cycles 1-2, "
             "the sessions upr-lab can map to Working Group sessions)")
    if absent.any():
        parts["session"] = _review_sessions(raw, parts["session"], absent, fail)
    parts[["symbol", "paragraph"]] = parts[["symbol", "paragraph"]].fillna("")
    return parts.reset_index(drop=True)


def _review_sessions(raw, sessions, absent, fail):
    """Rows without a report take the session of their review: the other rows of the same State under
    review and cycle (``field_year``)."""
    review = raw["sur"] + "\x1f" + raw.get("field_year", pd.Series("", index=raw.index)).str.extract(
        r"[Cc]ycle\s*(\d)")[0].fillna("")
    known = pd.Series(sessions.to_numpy(), index=review.to_numpy()).dropna()
    known = known[~known.index.duplicated()]
    filled = sessions.copy()
    filled[absent] = review[absent].map(known).to_numpy()
    if filled.isna().any():
        fail(filled.isna().to_numpy(), "document", "a report symbol such as 'Source:A/HRC/12/9|95.1|' (no other "
             "row of this review names one)")
    return filled


def _responses(raw, fail):
    mapped = raw["response"].str.lower().map(RESPONSES)
    if mapped.isna().any():
        fail(mapped.isna(), "response", "Supported or Noted")
    return mapped.to_numpy()


def _goals(raw, fail):
    found = [tuple(int(g) for g in GOAL.findall(text)) for text in raw["goals"]]
    bad = [not goals and text.lower() not in ("", NO_GOAL) or any(not 1 <= g <= 17 for g in goals)
           for goals, text in zip(found, raw["goals"])]
    if any(bad):
        fail(pd.Series(bad, index=raw.index), "goals",
             "SDG goals such as '5. Gender equality,16. Peace, justice and strong institutions' or "
             "'No SDG link identified'")
    return found


def _targets(raw, fail):
    lists = [[t.strip().lower() for t in text.split(",") if t.strip()] for text in raw["targets"]]  # 14.B: 14.b
    bad = [any(not _valid_target(t) for t in targets) for targets in lists]
    if any(bad):
        fail(pd.Series(bad, index=raw.index), "targets", "SDG targets such as '3.8, 5.c, 16.10'")
    return [(_lone(targets[0]),) if len(targets) == 1 else tuple(targets) for targets in lists]


def _valid_target(target):
    match = TARGET.match(target)
    return bool(match) and 1 <= int(match.group(1)) <= 17


def _lone(target):
    """A cell holding one target may have been an Excel number: 16.1 then stands for 16.1 or 16.10."""
    goal, _, number = target.partition(".")
    return f"{target}/{target}0" if number == "1" and int(goal) in TENTH_TARGET_GOALS else target


def _check_cycles(raw, frame, fail):
    """``field_year`` ("2014 Cycle 2"), where present, must name the cycle of the report's session."""
    if "field_year" not in raw:
        return
    stated = pd.to_numeric(raw["field_year"].str.extract(r"[Cc]ycle\s*(\d)")[0], errors="coerce").to_numpy()
    wrong = pd.Series((~pd.isna(stated)) & (stated != frame["cycle"].to_numpy()), index=raw.index)
    if wrong.any():
        fail(wrong, "field_year", "the UPR cycle of the report named in Document")


def make_ids(frame):
    """Stable ids from content: same recommendation (report, paragraph, recommending State, text), same id."""
    return fields.make_ids(frame, fields.DOCUMENT_ID_CONTENT, "D")
