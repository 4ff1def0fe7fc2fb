"""UPR Info database exports -> canonical recommendations (and voluntary pledges, kept apart).

Two header spellings are known: the research archive's ``To, To-Rgrp, To-Org, Text, From, From-Rgrp,
From-Org, Response, Action, Issue, Session`` and UPR Info's own ``SuR, Rgrp, Org, Recommendation, RS,
Rgrp, Org, Response, Action, Issue, Session``, where ``Rgrp`` and ``Org`` belong to the State named
just before them.
"""

import hashlib

import pandas as pd

from . import calendar, schema
from .countries import UNKNOWN_NAMES, CountryResolver
from .exceptions import DataError, UnknownCountryError

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
    """Turn a UPR Info ``RawTable`` into (recommendations, pledges), both canonical-shaped."""
    keys = column_keys(table.header)
    missing = [k for k in REQUIRED if k not in keys.values()]
    if missing:
        raise DataError(header_message(table.header, missing), path=table.path)
    raw = table.rows[list(keys)].rename(columns=keys).apply(lambda c: c.str.strip())
    raw["row"] = table.row_numbers
    pledge = raw["response"].str.lower() == PLEDGE
    resolver = resolver or CountryResolver()
    recs = _canonical(raw[~pledge], table.path, resolver)
    pledges = _canonical(raw[pledge].assign(response="other"), table.path, resolver)
    return recs, pledges


def header_message(header, missing):
    return (f"headers match no known UPR Info export format (missing {', '.join(missing)}); "
            f"found: {', '.join(map(str, header))}; expected one of: "
            + " | ".join(EXPECTED_HEADERS))


def _canonical(raw, path, resolver):
    if raw.empty:
        return empty_recommendations()
    sessions = _sessions(raw, path)
    sur = _states(raw, "sur", path, resolver, allow_unknown=False)
    rs = _states(raw, "recommender", path, resolver, allow_unknown=True)
    frame = pd.DataFrame({
        "rec_id": "",
        "cycle": sessions.map(calendar.cycle_of).astype("int64"),
        "session": sessions.astype("int64"),
        "year": sessions.map(calendar.year_of).astype("int64"),
        "sur_iso3": sur["iso3"], "sur_name": sur["name"], "sur_group": sur["group"],
        "recommender_iso3": rs["iso3"], "recommender_name": rs["name"], "recommender_group": rs["group"],
        "text": raw["text"].str.replace(r"\s+", " ", regex=True).to_numpy(),  # as HTML exports show it
        "response": _responses(raw, path),
        "action_category": _categories(raw, path),
        "issues": [tuple(t.strip() for t in s.split(",") if t.strip()) for s in raw["issues"]],
        "implementation": "",
    })
    frame["rec_id"] = make_ids(frame)
    return frame


def _fail(raw, mask, column, path, expected):
    row = raw.loc[mask].iloc[0]
    raise DataError(f"found {row[column]!r}; expected {expected}", path=path, row=int(row["row"]), column=column)


def _sessions(raw, path):
    numbers = pd.to_numeric(raw["session"], errors="coerce")
    bad = numbers.isna() | (numbers % 1 != 0) | ~numbers.isin(calendar.SESSION_YEARS)
    if bad.any():
        _fail(raw, bad, "session", path, "a Working Group session number 1-54")
    return numbers.astype("int64").reset_index(drop=True)


def _responses(raw, path):
    mapped = raw["response"].str.lower().map(RESPONSES)
    if mapped.isna().any():
        _fail(raw, mapped.isna(), "response", path,
              "a response such as Accepted/Supported, Noted/Rejected, Pending or General response")
    return mapped.to_numpy()


def _categories(raw, path):
    values = raw["action"].replace("", None)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = (values.notna() & numbers.isna()) | ~(numbers.isna() | numbers.isin([1, 2, 3, 4, 5]))
    if bad.any():
        _fail(raw, bad, "action", path, "an action category 1-5 (or empty)")
    return pd.array(numbers.to_numpy(), dtype="Int64")


def _states(raw, column, path, resolver, allow_unknown):
    lookup = {}
    for name in raw[column].unique():
        if allow_unknown and name.strip().lower() in UNKNOWN_NAMES:
            lookup[name] = ("", "(Unknown)", "")
            continue
        try:
            state = resolver.resolve(name)
        except UnknownCountryError as exc:
            row = int(raw.loc[raw[column] == name, "row"].iloc[0])
            hint = " (add it to params/country_aliases.yaml if it is a spelling of a known State)"
            raise DataError(f"{exc}{hint}", path=path, row=row, column=column) from None
        lookup[name] = (state.iso3, state.name, state.group)
    values = [lookup[name] for name in raw[column]]
    return pd.DataFrame(values, columns=["iso3", "name", "group"])


def make_ids(frame):
    """Stable ids from content: same recommendation, same id; exact repeats get '-2', '-3' ..."""
    content = ("session", "sur_iso3", "recommender_name", "text", "response", "action_category", "issues")
    columns = [frame[c].astype(str) for c in content]
    keys = ("\x1f".join(values) for values in zip(*columns))
    digests = pd.Series(["R" + hashlib.sha1(k.encode("utf-8")).hexdigest()[:12] for k in keys])
    occurrence = digests.groupby(digests).cumcount()
    return [d if n == 0 else f"{d}-{n + 1}" for d, n in zip(digests, occurrence)]


def empty_recommendations():
    """An empty frame with the canonical columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in schema.RECOMMENDATION_COLUMNS})
    for column in ("cycle", "session", "year"):
        frame[column] = frame[column].astype("int64")
    frame["action_category"] = frame["action_category"].astype("Int64")
    frame["issues"] = frame["issues"].astype(object)
    return frame
