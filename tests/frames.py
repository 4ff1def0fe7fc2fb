"""Small builders of canonical frames for tests: give only the columns a test cares about.

    from frames import make_recs, make_participation
    recs = make_recs([{"response": "noted", "cycle": 2}, {"sur_iso3": "KEN"}])

Missing columns get defaults; ``sur_name``/``sur_group`` (and the recommender's) are looked up from the
ISO3 code; ``session`` and ``year`` follow the cycle. The result is validated against the schema, so a
test frame is always a valid canonical table.
"""

import pandas as pd

from upr_lab.sources.calendar import CYCLE_FIRST_SESSIONS, year_of
from upr_lab.sources.countries import states
from upr_lab.sources.schema import (PARTICIPATION, PARTICIPATION_COLUMNS, RECOMMENDATION_COLUMNS,
                            RECOMMENDATIONS, validate, with_coding_sources)

STR_COLUMNS = ["rec_id", "sur_iso3", "sur_name", "sur_group", "recommender_iso3",
               "recommender_name", "recommender_group", "text", "response", "implementation", "source",
               "document", "paragraph"]


def _state(iso3):
    state = states().get(iso3)
    return (state.name, state.group) if state else (iso3, "")


def _complete(i, row):
    row = dict(row)
    cycle = int(row.setdefault("cycle", 1))
    row.setdefault("session", CYCLE_FIRST_SESSIONS[cycle])
    row.setdefault("year", year_of(row["session"]))
    row.setdefault("rec_id", f"R{i:06d}")
    sur = row.setdefault("sur_iso3", "NOR")
    rec = row.setdefault("recommender_iso3", "FRA")
    row.setdefault("sur_name", _state(sur)[0])
    row.setdefault("sur_group", _state(sur)[1])
    row.setdefault("recommender_name", _state(rec)[0] if rec else "Holy See")
    row.setdefault("recommender_group", _state(rec)[1] if rec else "Observer")
    row.setdefault("text", f"Recommendation {i}")
    row.setdefault("response", "supported")
    row.setdefault("action_category", pd.NA)
    row["issues"] = tuple(row.get("issues", ()))
    row.setdefault("source", "canonical")
    row["sdg_goals"] = tuple(row.get("sdg_goals", ()))
    row["sdg_targets"] = tuple(row.get("sdg_targets", ()))
    row.setdefault("document", "")
    row.setdefault("paragraph", "")
    row.setdefault("implementation", "")
    return row


def make_recs(rows):
    """A validated canonical recommendations frame from a list of partial row dicts."""
    rows = [_complete(i, row) for i, row in enumerate(rows)]
    frame = pd.DataFrame(rows, columns=RECOMMENDATION_COLUMNS)
    frame = frame.astype({c: "str" for c in STR_COLUMNS})
    frame = frame.astype({"cycle": "int64", "session": "int64", "year": "int64",
                          "action_category": "Int64"})
    for column in ("issues", "sdg_goals", "sdg_targets"):
        frame[column] = pd.Series([r[column] for r in rows], index=frame.index, dtype=object)
    return validate(with_coding_sources(frame), RECOMMENDATIONS, "<test frame>")


def make_participation(rows):
    """A validated canonical participation frame from a list of partial row dicts (None: unknown)."""
    defaults = {"cycle": 1, "stakeholder_submissions": 0, "joint_submissions": 0,
                "nhri_submitted": False, "national_consultation": False}
    rows = [{**defaults, **row} for row in rows]
    frame = pd.DataFrame(rows, columns=PARTICIPATION_COLUMNS)
    frame = frame.astype({"sur_iso3": "str", "cycle": "int64", "stakeholder_submissions": "int64",
                          "joint_submissions": "Int64", "nhri_submitted": "boolean",
                          "national_consultation": "boolean"})
    return validate(frame, PARTICIPATION, "<test frame>")


def repeat(n, **row):
    """``n`` copies of a partial row, for building frames by counts."""
    return [dict(row) for _ in range(n)]


def blank_pdf(path, password=None):
    """A one-page PDF without text (what a scan without OCR gives), encrypted with ``password`` if given."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    with open(path, "wb") as f:
        writer.write(f)
    return path
