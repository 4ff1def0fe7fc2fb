"""The canonical tables and their validation (pandera), with messages that say what is wrong where."""

import pandas as pd
import pandera.pandas as pa

from .exceptions import DataError

GROUPS = ("Africa", "Asia-Pacific", "EEG", "GRULAC", "WEOG")
RESPONSES = ("supported", "noted", "other")
IMPLEMENTATION = ("fully", "partially", "not")

RECOMMENDATION_COLUMNS = [
    "rec_id", "cycle", "session", "year",
    "sur_iso3", "sur_name", "sur_group",
    "recommender_iso3", "recommender_name", "recommender_group",
    "text", "response", "action_category", "issues", "implementation",
]
PARTICIPATION_COLUMNS = [
    "sur_iso3", "cycle", "stakeholder_submissions", "joint_submissions",
    "nhri_submitted", "national_consultation",
]
ASSESSMENT_COLUMNS = ["rec_id", "sur_iso3", "cycle", "assessment", "implementation", "source"]

_str = dict(dtype="str", nullable=False)

RECOMMENDATIONS = pa.DataFrameSchema(
    {
        "rec_id": pa.Column(**_str, unique=True),
        "cycle": pa.Column("int64", pa.Check.isin([1, 2, 3, 4])),
        "session": pa.Column("int64", pa.Check.in_range(1, 54)),
        "year": pa.Column("int64", pa.Check.in_range(2008, 2027)),
        "sur_iso3": pa.Column(**_str, checks=pa.Check.str_matches(r"^[A-Z]{3}$")),
        "sur_name": pa.Column(**_str),
        "sur_group": pa.Column(**_str, checks=pa.Check.isin(GROUPS)),
        "recommender_iso3": pa.Column(**_str, checks=pa.Check.str_matches(r"^([A-Z]{3})?$")),
        "recommender_name": pa.Column(**_str),
        "recommender_group": pa.Column(**_str, checks=pa.Check.isin(GROUPS + ("Observer", ""))),
        "text": pa.Column(**_str),
        "response": pa.Column(**_str, checks=pa.Check.isin(RESPONSES)),
        "action_category": pa.Column("Int64", pa.Check.in_range(1, 5), nullable=True),
        "issues": pa.Column(object),
        "implementation": pa.Column(**_str, checks=pa.Check.isin(IMPLEMENTATION + ("",))),
    },
    strict=True,
    ordered=True,
)

PARTICIPATION = pa.DataFrameSchema(
    {
        "sur_iso3": pa.Column(**_str, checks=pa.Check.str_matches(r"^[A-Z]{3}$")),
        "cycle": pa.Column("int64", pa.Check.isin([1, 2, 3, 4])),
        "stakeholder_submissions": pa.Column("int64", pa.Check.ge(0)),
        "joint_submissions": pa.Column("int64", pa.Check.ge(0)),
        "nhri_submitted": pa.Column(bool),
        "national_consultation": pa.Column(bool),
    },
    unique=["sur_iso3", "cycle"],
    strict=True,
    ordered=True,
)


def validate(frame, schema, path):
    """Validate ``frame`` against ``schema``; raise one ``DataError`` naming the first failures."""
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(_describe(exc.failure_cases), path=path) from None


def _describe(cases, limit=5):
    cases = cases.head(limit)
    parts = []
    for case in cases.itertuples(index=False):
        row = "" if pd.isna(case.index) else f"row {int(case.index) + 2}, "
        column = "" if case.column is None else f"column {case.column!r}, "
        parts.append(f"{row}{column}{case.check}: found {case.failure_case!r}")
    return "invalid table: " + "; ".join(parts)
