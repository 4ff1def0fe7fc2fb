"""The canonical recommendations table on disk: Parquet (exact) or CSV (list columns joined by ';').

Tables written before the ``source``, SDG and document columns existed (the legacy header) are read
too: their rows get ``source`` "canonical", no SDG links and no document.
"""

from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError

from .. import schema, tables

LIST_SEPARATOR = ";"
LEGACY_SEPARATOR = "|"  # how CSV files written before the SDG columns joined issue tags
INTEGER_COLUMNS = ("cycle", "session", "year", "action_category")


def is_canonical(header):
    """True if a table's header is the canonical column list (or the legacy one)."""
    return [str(h).strip() for h in header] in (schema.RECOMMENDATION_COLUMNS, schema.LEGACY_COLUMNS)


def write(recs, path):
    """Write the canonical table to ``path`` (.parquet or .csv) after validating it."""
    path = Path(path)
    schema.validate(recs, schema.RECOMMENDATIONS, path)
    if path.suffix.lower() == ".parquet":
        recs.assign(**{c: recs[c].map(list) for c in schema.LIST_COLUMNS}).to_parquet(path, index=False)
    else:
        joined = {c: recs[c].map(lambda v: LIST_SEPARATOR.join(map(str, v))) for c in schema.LIST_COLUMNS}
        recs.assign(**joined).to_csv(path, index=False, lineterminator="\n")
    return path


def read_parquet(path, validate=True):
    """Read a canonical Parquet file; validated unless it is one upr-lab wrote (``validate=False``)."""
    frame = _with_current_columns(read_parquet_frame(path), path)
    if validate:  # row numbers in messages (and of exact repeats) count records from 1
        frame.index = range(1, len(frame) + 1)
    for column in schema.LIST_COLUMNS:
        frame[column] = frame[column].map(_tuple)
    frame["sdg_goals"] = frame["sdg_goals"].map(lambda goals: tuple(int(g) for g in goals))
    return _typed(frame, path, validate)


def _tuple(value):
    return () if value is None else tuple(value.tolist() if hasattr(value, "tolist") else value)


def read_parquet_frame(path):
    """A Parquet file as a frame; a ``DataError`` for anything pyarrow cannot read."""
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        reason = tables.first_sentence(exc)
        raise DataError(f"found a damaged or truncated Parquet file ({reason}); expected a readable Parquet file",
                        path=path) from None


def _with_current_columns(frame, path):
    columns = list(frame.columns)
    if columns == schema.RECOMMENDATION_COLUMNS:
        return frame
    if columns != schema.LEGACY_COLUMNS:
        raise DataError(f"found the columns {', '.join(map(str, columns))}; expected the canonical ones: "
                        f"{', '.join(schema.RECOMMENDATION_COLUMNS)}", path=path)
    for column, default in schema.LEGACY_DEFAULTS.items():
        frame[column] = [default] * len(frame) if isinstance(default, tuple) else default
    return frame[schema.RECOMMENDATION_COLUMNS]


def from_table(table):
    """Canonical CSV rows (a ``tables.RawTable`` with the canonical header) as a validated frame."""
    frame = table.rows.copy()
    frame.columns = [str(h).strip() for h in table.header]
    legacy = list(frame.columns) == schema.LEGACY_COLUMNS
    frame = _with_current_columns(frame, table.path)
    frame.index = table.row_numbers
    separator = LEGACY_SEPARATOR if legacy else LIST_SEPARATOR
    for column in ("issues", "sdg_targets"):
        frame[column] = frame[column].map(lambda s: s if isinstance(s, tuple) else _split(s, separator))
    frame["sdg_goals"] = _goals(frame["sdg_goals"], table)
    for column in INTEGER_COLUMNS:
        frame[column] = _integers(frame[column], table, column)
    return _typed(frame, table.path)


def _split(text, separator):
    return tuple(t for t in text.split(separator) if t)


def _goals(values, table):
    parsed = []
    for i, value in enumerate(values):
        items = value if isinstance(value, tuple) else _split(value, LIST_SEPARATOR)
        if not all(str(g).isdigit() for g in items):
            raise DataError(f"found {value!r}; expected SDG goal numbers joined by '{LIST_SEPARATOR}' (e.g. 5;16)",
                            path=table.path, row=table.row_numbers[i], column="sdg_goals")
        parsed.append(tuple(int(g) for g in items))
    return parsed


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
        if column not in (*INTEGER_COLUMNS, *schema.LIST_COLUMNS):
            frame[column] = frame[column].fillna("").astype("str")
    return schema.validate(frame, schema.RECOMMENDATIONS, path, rows=True) if validate else frame
