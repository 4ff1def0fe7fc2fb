"""The canonical tables and their validation (pandera), with messages that say what is wrong where.

The pandera schemas ``RECOMMENDATIONS`` and ``PARTICIPATION`` are built on first use: importing pandera costs
about 0.25 s of CPU, which every process that only reads upr-lab's own tables (the parse cache, the embedded
data: a kernel, a batch) would otherwise pay for nothing.
"""

import functools

import numpy as np
import pandas as pd

from upr_lab.exceptions import DataError

GROUPS = ("Africa", "Asia-Pacific", "EEG", "GRULAC", "WEOG")
RESPONSES = ("supported", "noted", "other")
IMPLEMENTATION = ("fully", "partially", "not")

SOURCES = ("upr-info", "dihr", "uhri", "ohchr", "ohchr-matrix", "canonical", "synthetic")
RECOMMENDATION_COLUMNS = [
    "rec_id", "source", "cycle", "session", "year",
    "sur_iso3", "sur_name", "sur_group",
    "recommender_iso3", "recommender_name", "recommender_group",
    "text", "response", "action_category", "action_category_source", "action_category_probability",
    "issues", "issues_source", "sdg_goals", "sdg_targets", "document", "paragraph", "implementation",
]
# Who coded a category or the tags: the source ("coded"), upr-lab's classifier ("predicted"), or no one ("").
CODING_SOURCES = ("coded", "predicted", "")
CODING_COLUMNS = ("action_category_source", "action_category_probability", "issues_source")
LIST_COLUMNS = ("issues", "sdg_goals", "sdg_targets")  # tuples in memory; lists in Parquet; joined text in CSV
# The columns of canonical tables written before the classifier (no coding sources), and before the source,
# SDG and document columns existed (legacy).
UNPREDICTED_COLUMNS = [c for c in RECOMMENDATION_COLUMNS if c not in CODING_COLUMNS]
LEGACY_COLUMNS = [c for c in UNPREDICTED_COLUMNS if c not in ("source", "sdg_goals", "sdg_targets", "document",
                                                               "paragraph")]
LEGACY_DEFAULTS = {"source": "canonical", "sdg_goals": (), "sdg_targets": (), "document": "", "paragraph": ""}
PARTICIPATION_COLUMNS = [
    "sur_iso3", "cycle", "stakeholder_submissions", "joint_submissions",
    "nhri_submitted", "national_consultation",
]
ASSESSMENT_COLUMNS = ["rec_id", "sur_iso3", "cycle", "assessment", "implementation", "source"]

_str = dict(dtype="str", nullable=False)


def _recommendations_schema(pa):
    return pa.DataFrameSchema(
        {
            "rec_id": pa.Column(**_str, unique=True),
            "source": pa.Column(**_str, checks=pa.Check.isin(SOURCES)),
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
            "action_category_source": pa.Column(**_str, checks=pa.Check.isin(CODING_SOURCES)),
            "action_category_probability": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True),
            "issues": pa.Column(object),
            "issues_source": pa.Column(**_str, checks=pa.Check.isin(CODING_SOURCES)),
            "sdg_goals": pa.Column(object, pa.Check(lambda s: s.map(_goals_valid), element_wise=False,
                                                     error="tuples of SDG goal numbers 1-17")),
            "sdg_targets": pa.Column(object),
            "document": pa.Column(**_str),
            "paragraph": pa.Column(**_str),
            "implementation": pa.Column(**_str, checks=pa.Check.isin(IMPLEMENTATION + ("",))),
        },
        strict=True,
        ordered=True,
    )


def _participation_schema(pa):
    return pa.DataFrameSchema(
        {
            "sur_iso3": pa.Column(**_str, checks=pa.Check.str_matches(r"^[A-Z]{3}$")),
            "cycle": pa.Column("int64", pa.Check.isin([1, 2, 3, 4])),
            "stakeholder_submissions": pa.Column("int64", pa.Check.ge(0)),
            # Unknown (NA) where the source does not say: never read as 0 or false.
            "joint_submissions": pa.Column("Int64", pa.Check.ge(0), nullable=True, coerce=True),
            "nhri_submitted": pa.Column("boolean", nullable=True, coerce=True),
            "national_consultation": pa.Column("boolean", nullable=True, coerce=True),
        },
        unique=["sur_iso3", "cycle"],
        strict=True,
        ordered=True,
    )


_SCHEMAS = {"RECOMMENDATIONS": _recommendations_schema, "PARTICIPATION": _participation_schema}


@functools.cache
def _schema(name):
    import pandera.pandas as pa

    return _SCHEMAS[name](pa)


def __getattr__(name):
    """``RECOMMENDATIONS`` and ``PARTICIPATION``, the pandera schemas, built when first asked for."""
    if name in _SCHEMAS:
        return _schema(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


EXPECTED = {
    "rec_id": "an identifier no other row has", "source": f"one of {', '.join(SOURCES)}",
    "sdg_goals": "SDG goal numbers 1-17", "cycle": "a UPR cycle 1-4", "session": "a session 1-54",
    "year": "a year 2008-2027", "sur_iso3": "an ISO 3166 alpha-3 code (three capital letters)",
    "recommender_iso3": "an ISO 3166 alpha-3 code or nothing", "sur_group": f"one of {', '.join(GROUPS)}",
    "recommender_group": f"one of {', '.join(GROUPS)}, Observer or nothing",
    "response": f"one of {', '.join(RESPONSES)}", "action_category": "an action category 1-5 or nothing",
    "action_category_source": "coded, predicted or nothing", "issues_source": "coded, predicted or nothing",
    "action_category_probability": "a probability 0-1 or nothing",
    "implementation": f"one of {', '.join(IMPLEMENTATION)} or nothing",
    "stakeholder_submissions": "a whole number 0 or more",
    "joint_submissions": "a whole number 0 or more, or nothing (unknown)",
    "nhri_submitted": "true, false or nothing (unknown)", "national_consultation": "true, false or nothing (unknown)",
}


def with_coding_sources(frame):
    """``frame`` with the coding columns filled where a source left them out or empty: a category or tags
    the source holds are ``coded``, none is ``""``, and no probability (only the classifier gives one).
    A ``predicted`` mark is kept where the category it marks is there, and on tags even where the classifier
    found none reliable enough to assign (it looked; the source did not code them)."""
    out = frame.copy() if all(c in frame for c in CODING_COLUMNS) else frame.assign(
        **{c: pd.NA for c in CODING_COLUMNS if c not in frame})
    has_category = out["action_category"].notna()
    has_tags = out["issues"].map(len) > 0
    for column, present in (("action_category_source", has_category), ("issues_source", has_tags)):
        given = out[column].astype(object).where(out[column].notna(), "").astype("str")
        kept = (given == "predicted") & (present if column == "action_category_source" else True)
        marks = np.where(kept.to_numpy(), "predicted", np.where(present.to_numpy(), "coded", ""))
        out[column] = pd.Series(marks, index=out.index, dtype="str")
    probability = pd.to_numeric(out["action_category_probability"], errors="coerce").astype("Float64")
    out["action_category_probability"] = probability.where(out["action_category_source"] == "predicted")
    return out[[c for c in RECOMMENDATION_COLUMNS if c in out] + [c for c in out if c not in RECOMMENDATION_COLUMNS]]


def _goals_valid(goals):
    return isinstance(goals, tuple) and all(isinstance(g, int) and 1 <= g <= 17 for g in goals)


def validate(frame, schema, path, rows=False):
    """Validate ``frame`` against ``schema``; raise one ``DataError`` naming the first failures.

    With ``rows=True`` the frame's index holds the row number of each row in its file, and messages
    name it; otherwise (a merged or generated table) no row is named.
    """
    from pandera.errors import SchemaErrors

    try:
        return _checking(schema, frame).validate(frame, lazy=True)
    except SchemaErrors as exc:
        raise DataError(_describe(exc.failure_cases, list(schema.columns), rows), path=path) from None


_PLAIN_STR = pd.Series([], dtype="str").dtype  # pandas' own string dtype, the one the loaders make
_LIGHTER = {}  # id(schema) -> (schema, its string columns, the same schema without their dtype checks)


def _checking(schema, frame):
    """``schema``, or, where every string column it declares already has pandas' own string dtype (one pandera
    accepts for it), the same schema without those columns' dtype checks (every other check kept): checks
    that could only pass.

    pandera checks a string column's dtype by building, and printing into a message it then drops, a table of
    failure cases, even when there are none: half the time of validating a small table (8 of 16 ms), paid by
    every table read, generated or written. A column of any other dtype gets the whole check, and its message."""
    if id(schema) not in _LIGHTER:
        from pandera.engines.pandas_engine import Engine

        plain = Engine.dtype(_PLAIN_STR)
        names = [name for name, column in schema.columns.items()
                 if column.dtype is not None and column.dtype.check(plain) is True]
        _LIGHTER[id(schema)] = (schema, names, schema.update_columns({name: {"dtype": None} for name in names}))
    _, names, lighter = _LIGHTER[id(schema)]
    dtypes = frame.dtypes if frame.columns.is_unique else None  # repeated names: pandera's whole message
    if names and dtypes is not None and all(name in dtypes.index and dtypes[name] == _PLAIN_STR for name in names):
        return lighter
    return schema


def _describe(cases, columns, rows, limit=3):
    parts = list(dict.fromkeys(_case(case, columns, rows, cases) for case in cases.itertuples(index=False)))
    more = f" (and {len(parts) - limit} more)" if len(parts) > limit else ""
    return "invalid table: " + "; ".join(parts[:limit]) + more


def _case(case, columns, rows, cases):
    check = str(case.check)
    if check == "column_in_dataframe":
        return f"column {case.failure_case!r} is missing; expected the columns {', '.join(columns)}"
    if check == "column_in_schema":
        return f"found an unexpected column {case.failure_case!r}"
    column = "" if case.column is None else f"column {case.column!r}, "
    if "uniqueness" in check:
        same = cases[(cases["check"] == case.check) & (cases["failure_case"] == case.failure_case)]
        listed = [str(i) for i in same["index"]]
        more = f" (and {len(listed) - 5:,} more)" if len(listed) > 5 else ""
        where = f"rows {', '.join(listed[:5])}{more}, " if rows else ""
        return f"{where}{column}found {_short(case.failure_case)} more than once; expected it once"
    where = f"row {case.index}, " if rows and not pd.isna(case.index) else ""
    expected = EXPECTED.get(case.column, check)
    return f"{where}{column}found {_short(case.failure_case)}; expected {expected}"


def _short(value, limit=60):
    """A failing value for a one-line message: its first ``limit`` characters, and its length if cut."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(str(value)):,} characters)"
