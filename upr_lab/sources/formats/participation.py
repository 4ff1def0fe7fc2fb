"""Civil society participation per review, and implementation assessments per recommendation."""

import pandas as pd

from upr_lab.exceptions import DataError

from .. import schema, tables
from ..countries import states, suggest
from . import canonical

TRUE = {"true", "yes", "1", "y", "t"}
FALSE = {"false", "no", "0", "n", "f", ""}
COUNTS = ("stakeholder_submissions", "joint_submissions")
FLAGS = ("nhri_submitted", "national_consultation")
CYCLES = (1, 2, 3, 4)


def read_participation(path):
    """Read the participation table (CSV, Excel or Parquet): one row per (sur_iso3, cycle)."""
    table = _as_table(tables.require_file(path))
    frame = _columns(table)
    frame["sur_iso3"] = _codes(frame["sur_iso3"], table)
    frame["cycle"] = _counts(frame["cycle"], table, "cycle", CYCLES, "a UPR cycle 1-4")
    for column in COUNTS:
        frame[column] = _counts(frame[column], table, column)
    for column in FLAGS:
        frame[column] = _flags(frame[column], table, column)
    _refuse_duplicates(frame, table)
    frame = schema.validate(frame.set_axis(table.row_numbers), schema.PARTICIPATION, table.path, rows=True)
    return frame.sort_values(["sur_iso3", "cycle"], ignore_index=True)


def _columns(table):
    """The participation columns of ``table``, by name; refuses missing or repeated ones."""
    header = [str(h) for h in table.header]
    repeated = sorted({h for h in header if header.count(h) > 1 and h in schema.PARTICIPATION_COLUMNS})
    missing = [c for c in schema.PARTICIPATION_COLUMNS if c not in header]
    if missing or repeated:
        lacking = f"without {', '.join(missing)}" if missing else f"with {repeated[0]} twice"
        raise DataError(f"found the columns {', '.join(header)}, {lacking}; expected the columns "
                        f"{', '.join(schema.PARTICIPATION_COLUMNS)}", path=table.path)
    return table.rows.set_axis(header, axis=1)[schema.PARTICIPATION_COLUMNS].reset_index(drop=True)


def _as_table(path):
    if path.suffix.lower() == ".parquet":
        frame = canonical.read_parquet_frame(path).map(lambda v: "" if pd.isna(v) else str(v))
        return tables.RawTable(path, list(frame.columns), frame.set_axis(range(frame.shape[1]), axis=1),
                               list(range(1, len(frame) + 1)), {"format": "parquet"})
    return tables.read_table(path)


def _codes(values, table):
    codes = values.str.strip().str.upper()
    bad = ~codes.isin(list(states()))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found {values.iloc[i]!r}; expected the ISO 3166 alpha-3 code of a State (e.g. NOR)"
                        f"{suggest(codes.iloc[i], states())}", path=table.path, row=table.row_numbers[i],
                        column="sur_iso3")
    return codes


def _counts(values, table, column, allowed=None, expected="a whole number 0 or more"):
    numbers = pd.to_numeric(values.str.strip(), errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
    if allowed is not None:
        bad |= ~numbers.isin(allowed)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found {values.iloc[i]!r}; expected {expected}", path=table.path,
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
        code, cycle = frame["sur_iso3"].iloc[i], frame["cycle"].iloc[i]
        first = int(((frame["sur_iso3"] == code) & (frame["cycle"] == cycle)).to_numpy().nonzero()[0][0])
        raise DataError(f"found a second row for {code} in cycle {cycle} (the first is row "
                        f"{table.row_numbers[first]}); expected one row per State under review and cycle",
                        path=table.path, row=table.row_numbers[i])


def apply_assessments(recs, path):
    """Set ``implementation`` from an assessments file (columns rec_id, implementation)."""
    table = tables.read_table(path)
    path = table.path
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
