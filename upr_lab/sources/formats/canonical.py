"""The canonical recommendations table on disk: Parquet (exact) or CSV (issues joined by '|')."""

from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError

from .. import schema, tables

ISSUE_SEPARATOR = "|"


def is_canonical(header):
    """True if a table's header is the canonical column list."""
    return [str(h).strip() for h in header] == schema.RECOMMENDATION_COLUMNS


def write(recs, path):
    """Write the canonical table to ``path`` (.parquet or .csv) after validating it."""
    path = Path(path)
    schema.validate(recs, schema.RECOMMENDATIONS, path)
    if path.suffix.lower() == ".parquet":
        recs.assign(issues=recs["issues"].map(list)).to_parquet(path, index=False)
    else:
        out = recs.assign(issues=recs["issues"].map(ISSUE_SEPARATOR.join))
        out.to_csv(path, index=False, lineterminator="\n")
    return path


def read_parquet(path, validate=True):
    """Read a canonical Parquet file; validated unless it is one upr-lab wrote (``validate=False``)."""
    frame = read_parquet_frame(path)
    if list(frame.columns) != schema.RECOMMENDATION_COLUMNS:
        raise DataError(f"found the columns {', '.join(map(str, frame.columns))}; expected the canonical ones: "
                        f"{', '.join(schema.RECOMMENDATION_COLUMNS)}", path=path)
    if validate:  # row numbers in messages (and of exact repeats) count records from 1
        frame.index = range(1, len(frame) + 1)
    frame["issues"] = frame["issues"].map(lambda v: tuple(v) if v is not None else ())
    return _typed(frame, path, validate)


def read_parquet_frame(path):
    """A Parquet file as a frame; a ``DataError`` for anything pyarrow cannot read."""
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        reason = tables.first_sentence(exc)
        raise DataError(f"found a damaged or truncated Parquet file ({reason}); expected a readable Parquet file",
                        path=path) from None


def from_table(table):
    """Canonical CSV rows (a ``tables.RawTable`` with the canonical header) as a validated frame."""
    frame = table.rows.copy()
    frame.columns = schema.RECOMMENDATION_COLUMNS
    frame.index = table.row_numbers
    frame["issues"] = frame["issues"].map(lambda s: tuple(t for t in s.split(ISSUE_SEPARATOR) if t))
    for column in ("cycle", "session", "year", "action_category"):
        frame[column] = _integers(frame[column], table, column)
    return _typed(frame, table.path)


def _integers(values, table, column):
    numbers = pd.to_numeric(values.replace("", None), errors="coerce")
    bad = (values != "") & (numbers.isna() | (numbers % 1 != 0))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found {values.iloc[i]!r}; expected a whole number", path=table.path,
                        row=table.row_numbers[i], column=column)
    return numbers.astype("Int64")


def _typed(frame, path, validate=True):
    for column in ("cycle", "session", "year"):
        if frame[column].isna().any():
            row = frame.index[frame[column].isna()][0]
            raise DataError("found nothing; expected a whole number", path=path, row=row, column=column)
        frame[column] = frame[column].astype("int64")
    frame["action_category"] = frame["action_category"].astype("Int64")
    for column in schema.RECOMMENDATION_COLUMNS:
        if column not in ("cycle", "session", "year", "action_category", "issues"):
            frame[column] = frame[column].fillna("").astype("str")
    return schema.validate(frame, schema.RECOMMENDATIONS, path, rows=True) if validate else frame
