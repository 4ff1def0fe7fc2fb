"""Universal Human Rights Index (UHRI) exports -> canonical recommendations (UPR rows only).

OHCHR's UHRI exports recommendations of every human rights mechanism to Excel with the columns
``Text, Countries Concerned, Reccomending Body, Document Symbol, Themes, Affected Persons, Sdgs,
Document Publication Date, UPR Reccomending States, UPR Position, Type, OHCHR Annotation Id, UPR
Session, Regions Concerned, Recommending Regions, Date of publication on UHRI`` ("Reccomending" [sic]
is the export's spelling; the correct one is read too). Its traps:

* cells holding several values list them one per line, each prefixed "- ";
* only rows whose recommending body is the UPR are UPR recommendations (treaty bodies and special
  procedures share the export); the others are skipped and counted;
* a recommendation made by several States lists them all in one row: it becomes one row per
  recommending State, as in UPR Info and DIHR;
* ``UPR Position`` is Supported, Noted or "Supported/Noted" (partly supported): the last is ``other``;
* ``Document Publication Date`` is an Excel serial date, not needed here: the session gives the year.

Themes become issue tags; SDG goals are read from ``Sdgs``. No real UHRI export could be had while
this was written: it is tested on files built in this layout (``tests/test_uhri.py``).
"""

import functools
import re

import pandas as pd

from .. import calendar
from ..countries import CountryResolver
from . import fields

SOURCE = "uhri"
COLUMNS = {"text": "text", "countries concerned": "sur", "reccomending body": "body", "recommending body": "body",
           "document symbol": "document", "themes": "themes", "sdgs": "sdgs",
           "upr reccomending states": "recommenders", "upr recommending states": "recommenders",
           "upr position": "response", "upr session": "session", "ohchr annotation id": "annotation"}
REQUIRED = ("text", "sur", "body", "document", "recommenders", "response", "session")
HEADER = ("Text, Countries Concerned, Reccomending Body, Document Symbol, Themes, Affected Persons, Sdgs, Document "
          "Publication Date, UPR Reccomending States, UPR Position, Type, OHCHR Annotation Id, UPR Session, ...")
POSITIONS = {"supported": "supported", "noted": "noted", "supported/noted": "other"}
UPR_BODY = re.compile(r"^\s*(-\s*)?(UPR|Universal Periodic Review)\b", re.IGNORECASE)
SESSION = re.compile(r"^\s*(\d{1,2})(st|nd|rd|th)?(\s+session)?\s*$", re.IGNORECASE)
GOAL = re.compile(r"(?:^|\bgoal\s*|\bsdg\s*)(\d{1,2})\b", re.IGNORECASE)
PARAGRAPH = re.compile(r"^\s*(\d{1,3}\.\d{1,3})\.?\s+")


def is_uhri(header):
    """True if ``header`` is a UHRI export's (either spelling of 'Recommending')."""
    return fields.has_keys(header, COLUMNS, REQUIRED)


def values(cell):
    """The values of a multi-value cell: one per line, without the "- " prefix."""
    return [line.strip()[2:].strip() if line.strip().startswith("- ") else line.strip()
            for line in str(cell).splitlines() if line.strip() not in ("", "-")]


def parse(table, resolver=None):
    """A UHRI export's ``RawTable`` as canonical recommendations (UPR rows only), indexed by spreadsheet row;
    also returns how many rows of other bodies were skipped."""
    keys = fields.header_keys(table.header, COLUMNS)
    raw = fields.raw_rows(table, keys)
    upr = raw["body"].map(lambda cell: any(UPR_BODY.match(v) for v in values(cell)))
    skipped = int((~upr).sum())
    raw = raw[upr].reset_index(drop=True)
    headers = {key: table.header[i] for i, key in keys.items()}
    source = fields.Source(table.path, {**headers, "recommender": headers["recommenders"]})  # one row per State
    fail = functools.partial(source.fail, raw)
    raw["session"] = _sessions(raw, fail)
    raw["response"] = _responses(raw, fail)
    raw["sur"] = _one_state(raw, fail)
    raw = _one_row_per_recommender(raw, fail)
    fail = functools.partial(source.fail, raw)
    resolver = resolver or CountryResolver()
    sur = fields.states_of(raw, "sur", source, resolver, allow_unknown=False)
    rs = fields.states_of(raw, "recommender", source, resolver, allow_unknown=True)
    paragraphs = raw["text"].str.extract(PARAGRAPH)[0].fillna("")
    frame = pd.DataFrame({
        "rec_id": "", "source": SOURCE,
        "cycle": raw["session"].map(calendar.cycle_of).astype("int64"), "session": raw["session"].astype("int64"),
        "year": raw["session"].map(calendar.year_of).astype("int64"),
        "sur_iso3": sur["iso3"], "sur_name": sur["name"], "sur_group": sur["group"],
        "recommender_iso3": rs["iso3"], "recommender_name": rs["name"], "recommender_group": rs["group"],
        "text": raw["text"].str.replace(PARAGRAPH, "", regex=True).str.replace(r"\s+", " ", regex=True).to_numpy(),
        "response": raw["response"].to_numpy(),
        "action_category": pd.array([pd.NA] * len(raw), dtype="Int64"),
        "issues": [tuple(values(cell)) for cell in raw["themes"]] if "themes" in raw else [()] * len(raw),
        "sdg_goals": _goals(raw, fail), "sdg_targets": [()] * len(raw),
        "document": raw["document"].map(lambda cell: (values(cell) or [""])[0]).to_numpy(),
        "paragraph": paragraphs.to_numpy(), "implementation": "",
    })
    frame["rec_id"] = make_ids(frame)
    frame.index = raw["row"].to_numpy()
    return frame, skipped


def _sessions(raw, fail):
    numbers = raw["session"].map(lambda cell: _session_number(values(cell)))
    bad = numbers.isna() | ~numbers.isin(list(calendar.SESSION_YEARS))
    if bad.any():
        fail(bad, "session", "a Working Group session such as '34' or '34th session' (1-54)")
    return numbers.astype("int64")


def _session_number(cells):
    match = SESSION.match(cells[0]) if len(cells) == 1 else None
    return int(match.group(1)) if match else None


def _responses(raw, fail):
    mapped = raw["response"].map(lambda cell: POSITIONS.get(" ".join(values(cell)).lower().replace(" ", "")))
    if mapped.isna().any():
        fail(mapped.isna(), "response", "a UPR position: Supported, Noted or Supported/Noted")
    return mapped


def _one_state(raw, fail):
    states = raw["sur"].map(values)
    bad = states.map(len) != 1
    if bad.any():
        fail(bad, "sur", "one State under review (a UPR recommendation concerns one State)")
    return states.str[0]


def _one_row_per_recommender(raw, fail):
    raw = raw.assign(recommender=raw["recommenders"].map(values))
    bad = raw["recommender"].map(len) == 0
    if bad.any():
        fail(bad, "recommenders", "the recommending State(s), one per line")
    return raw.explode("recommender").reset_index(drop=True)


def _goals(raw, fail):
    if "sdgs" not in raw:
        return [()] * len(raw)
    found = []
    for cell in raw["sdgs"]:
        goals = []
        for value in values(cell):
            match = GOAL.search(value)
            goals.append(int(match.group(1)) if match else None)
        found.append(goals)
    bad = pd.Series([any(g is None or not 1 <= g <= 17 for g in goals) for goals in found], index=raw.index)
    if bad.any():
        fail(bad, "sdgs", "SDG goals, one per line, such as '- 16 - Peace, justice and strong institutions'")
    return [tuple(sorted(set(goals))) for goals in found]


def make_ids(frame):
    """Stable ids from content: same report, paragraph, recommending State and text, same id."""
    return fields.make_ids(frame, fields.DOCUMENT_ID_CONTENT, "U")
