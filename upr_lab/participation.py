"""Civil society participation per review, and implementation assessments per recommendation."""

from pathlib import Path

import pandas as pd

from . import schema, tables
from .exceptions import DataError

TRUE = {"true", "yes", "1", "y", "t"}
FALSE = {"false", "no", "0", "n", "f", ""}
COUNTS = ("stakeholder_submissions", "joint_submissions")
FLAGS = ("nhri_submitted", "national_consultation")


def read_participation(path):
    """Read the participation table (CSV, Excel or Parquet): one row per (sur_iso3, cycle)."""
    path = Path(path)
    table = _as_table(path)
    missing = [c for c in schema.PARTICIPATION_COLUMNS if c not in table.header]
    if missing:
        raise DataError(f"missing columns {', '.join(missing)}; expected: "
                        f"{', '.join(schema.PARTICIPATION_COLUMNS)}", path=path)
    frame = table.rows.set_axis(table.header, axis=1)[schema.PARTICIPATION_COLUMNS].copy()
    frame["sur_iso3"] = frame["sur_iso3"].str.strip().str.upper()
    for column in ("cycle", *COUNTS):
        frame[column] = _counts(frame[column], table, column)
    for column in FLAGS:
        frame[column] = _flags(frame[column], table, column)
    _refuse_duplicates(frame, table)
    frame = frame.sort_values(["sur_iso3", "cycle"], ignore_index=True)
    return schema.validate(frame, schema.PARTICIPATION, path)


def _as_table(path):
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path).astype(str)
        return tables.RawTable(path, list(frame.columns), frame.set_axis(range(frame.shape[1]), axis=1),
                               list(range(2, len(frame) + 2)), {"format": "parquet"})
    return tables.read_table(path)


def _counts(values, table, column):
    numbers = pd.to_numeric(values.str.strip(), errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found {values.iloc[i]!r}; expected a whole number 0 or more", path=table.path,
                        row=table.row_numbers[i], column=column)
    return numbers.astype("int64")


def _flags(values, table, column):
    lowered = values.str.strip().str.lower()
    bad = ~lowered.isin(TRUE | FALSE)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found {values.iloc[i]!r}; expected true/false (or yes/no, 1/0)", path=table.path,
                        row=table.row_numbers[i], column=column)
    return lowered.isin(TRUE)


def _refuse_duplicates(frame, table):
    repeated = frame.duplicated(["sur_iso3", "cycle"], keep="first")
    if repeated.any():
        i = int(repeated.to_numpy().nonzero()[0][0])
        raise DataError(f"a second row for {frame['sur_iso3'].iloc[i]} in cycle {frame['cycle'].iloc[i]}; "
                        "expected one row per State under review and cycle", path=table.path,
                        row=table.row_numbers[i])


def apply_assessments(recs, path):
    """Set ``implementation`` from an assessments file (columns rec_id, implementation)."""
    path = Path(path)
    table = tables.read_table(path)
    if not {"rec_id", "implementation"} <= set(table.header):
        raise DataError("expected columns rec_id and implementation", path=path)
    found = table.rows.set_axis(table.header, axis=1)
    status = found["implementation"].str.strip().str.lower()
    bad = ~status.isin(schema.IMPLEMENTATION) | ~found["rec_id"].isin(recs["rec_id"])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found {found['rec_id'].iloc[i]!r} / {status.iloc[i]!r}; expected a rec_id of the "
                        f"data and one of {', '.join(schema.IMPLEMENTATION)}", path=path, row=table.row_numbers[i])
    mapping = dict(zip(found["rec_id"], status))
    out = recs.copy()
    out["implementation"] = [mapping.get(r, v) for r, v in zip(out["rec_id"], out["implementation"])]
    return out
