"""UPR Info database exports -> canonical recommendations (and voluntary pledges, kept apart).

Two header spellings are known: the research archive's ``To, To-Rgrp, To-Org, Text, From, From-Rgrp,
From-Org, Response, Action, Issue, Session`` and UPR Info's own ``SuR, Rgrp, Org, Recommendation, RS,
Rgrp, Org, Response, Action, Issue, Session``, where ``Rgrp`` and ``Org`` belong to the State named
just before them.
"""

import pandas as pd

from upr_lab.exceptions import DataError

from .. import calendar
from ..countries import CountryResolver
from . import fields

HEADERS = {
    "to": "sur", "sur": "sur", "state under review": "sur",
    "text": "text", "recommendation": "text",
    "from": "recommender", "rs": "recommender", "recommending state": "recommender",
    "response": "response", "action": "action", "issue": "issues", "issues": "issues",
    "session": "session",
    "to-rgrp": "sur_rgrp", "to-org": "sur_org", "from-rgrp": "rs_rgrp", "from-org": "rs_org",
}
REQUIRED = ("sur", "text", "recommender", "response", "action", "issues", "session")
EXPECTED_HEADERS = (
    "To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response, Action, Issue, Session",
    "SuR, Rgrp, Org, Recommendation, RS, Rgrp, Org, Response, Action, Issue, Session",
)
RESPONSES = {
    "accepted": "supported", "supported": "supported", "accepted/supported": "supported",
    "supported/accepted": "supported", "accept": "supported", "support": "supported",
    "noted": "noted", "rejected": "noted", "not accepted": "noted", "not supported": "noted",
    "noted/rejected": "noted", "rejected/noted": "noted",
    "pending": "other", "general response": "other", "no response": "other",
    "partially accepted": "other", "partially supported": "other", "mixed": "other",
    "accepted in part": "other", "supported in part": "other", "other": "other",
}
SPELLINGS = {"sur": "To/SuR", "text": "Text/Recommendation", "recommender": "From/RS", "response": "Response",
             "action": "Action", "issues": "Issue", "session": "Session"}  # of the REQUIRED keys, in headers
PLEDGE = "voluntary pledge"


def is_upr_info(header):
    """True if ``header`` spells a UPR Info export (either spelling)."""
    keys = set(column_keys(header).values())
    return all(k in keys for k in REQUIRED)


def column_keys(header):
    """Map column position -> canonical raw key; bare Rgrp/Org follow the last State column."""
    keys, last = {}, "sur"
    for i, name in enumerate(header):
        name = str(name).strip().lower()
        if name in ("rgrp", "org"):
            keys[i] = f"{'sur' if last == 'sur' else 'rs'}_{name}"
        elif name in HEADERS:
            keys[i] = HEADERS[name]
            last = {"sur": "sur", "recommender": "rs"}.get(keys[i], last)
    return keys


def parse(table, resolver=None):
    """Turn a UPR Info ``RawTable`` into (recommendations, pledges), both canonical-shaped.

    Both frames are indexed by the row number of each recommendation or pledge in its file.
    """
    keys = column_keys(table.header)
    missing = [k for k in REQUIRED if k not in keys.values()]
    if missing:
        raise DataError(header_message(table.header, missing), path=table.path)
    raw = fields.raw_rows(table, keys)
    pledge = raw["response"].str.lower() == PLEDGE
    resolver = resolver or CountryResolver()
    source = fields.Source(table.path, {key: table.header[i] for i, key in reversed(list(keys.items()))})
    recs = _canonical(raw[~pledge], source, resolver)
    pledges = _canonical(raw[pledge].assign(response="other"), source, resolver)
    return recs, pledges


def header_message(header, missing, others=()):
    """What a header that matches no known format lacks, and the headers that are expected instead
    (``others``: further formats, as (name, header) pairs)."""
    lacking = ", ".join(SPELLINGS[k] for k in missing)
    others = "".join(f" | {name}: {spelled}" for name, spelled in others)
    return (f"found the headers {fields.headers_excerpt(header)}, which match no known format (no column {lacking}); "
            f"expected one of: UPR Info export: {' | UPR Info export: '.join(EXPECTED_HEADERS)}{others}")


def _canonical(raw, source, resolver):
    if raw.empty:
        return fields.empty_recommendations()
    sessions = _sessions(raw, source)
    sur = fields.states_of(raw, "sur", source, resolver, allow_unknown=False)
    rs = fields.states_of(raw, "recommender", source, resolver, allow_unknown=True)
    frame = pd.DataFrame({
        "rec_id": "", "source": "upr-info",
        "cycle": sessions.map(calendar.cycle_of).astype("int64"),
        "session": sessions.astype("int64"),
        "year": sessions.map(calendar.year_of).astype("int64"),
        "sur_iso3": sur["iso3"], "sur_name": sur["name"], "sur_group": sur["group"],
        "recommender_iso3": rs["iso3"], "recommender_name": rs["name"], "recommender_group": rs["group"],
        "text": raw["text"].str.replace(r"\s+", " ", regex=True).to_numpy(),  # as HTML exports show it
        "response": _responses(raw, source),
        "action_category": _categories(raw, source),
        "issues": [tuple(t.strip() for t in s.split(",") if t.strip()) for s in raw["issues"]],
        "sdg_goals": [()] * len(raw), "sdg_targets": [()] * len(raw), "document": "", "paragraph": "",
        "implementation": "",
    })
    frame["rec_id"] = make_ids(frame)
    frame.index = raw["row"].to_numpy()
    return frame


def _sessions(raw, source):
    numbers = pd.to_numeric(raw["session"], errors="coerce")
    bad = numbers.isna() | (numbers % 1 != 0) | ~numbers.isin(calendar.SESSION_YEARS)
    if bad.any():
        source.fail(raw, bad, "session", "a Working Group session number 1-54")
    return numbers.astype("int64").reset_index(drop=True)


def _responses(raw, source):
    mapped = raw["response"].str.lower().map(RESPONSES)
    if mapped.isna().any():
        source.fail(raw, mapped.isna(), "response",
              "a response such as Accepted/Supported, Noted/Rejected, Pending or General response")
    return mapped.to_numpy()


def _categories(raw, source):
    values = raw["action"].replace("", None)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = (values.notna() & numbers.isna()) | ~(numbers.isna() | numbers.isin([1, 2, 3, 4, 5]))
    if bad.any():
        source.fail(raw, bad, "action", "an action category 1-5 (or empty)")
    return pd.array(numbers.to_numpy(), dtype="Int64")


def make_ids(frame):
    """Stable ids from content: same recommendation, same id; exact repeats get '-2', '-3' ..."""
    return fields.make_ids(frame, ("session", "sur_iso3", "recommender_name", "text", "response", "action_category",
                                   "issues"))
