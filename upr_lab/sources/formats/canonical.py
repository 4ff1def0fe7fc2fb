"""The canonical recommendations table on disk: Parquet (exact) or CSV (list columns joined by ';').

Tables written before the classifier (no ``action_category_source``, ``action_category_probability`` or
``issues_source``) are read too: a category or tags they hold are ``coded``. So are tables written before
the ``source``, SDG and document columns existed (the legacy header): their rows get ``source``
"canonical", no SDG links and no document.
"""

from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.limits import MAX_CELL_CHARS, MAX_INTEGER_DIGITS, MAX_PART_BYTES, MAX_ROWS, excerpt

from .. import schema, tables
from ..countries import states, suggest
from . import fields

LIST_SEPARATOR = ";"
LEGACY_SEPARATOR = "|"  # how CSV files written before the SDG columns joined issue tags
INTEGER_COLUMNS = ("cycle", "session", "year", "action_category")


def is_canonical(header):
    """True if a table's header is the canonical column list (or the legacy one)."""
    return [str(h).strip() for h in header] in HEADERS


HEADERS = (schema.RECOMMENDATION_COLUMNS, schema.UNPREDICTED_COLUMNS, schema.LEGACY_COLUMNS)


def write(recs, path, coding=True):
    """Write the canonical table to ``path`` (.parquet or .csv) after validating it; ``coding=False`` leaves
    out the coding columns (``schema.CODING_COLUMNS``) of a table that holds only its sources' coding, from
    which a reader derives them again."""
    path = Path(path)
    schema.validate(recs, schema.RECOMMENDATIONS, path)
    if not coding:
        if (recs["action_category_source"] == "predicted").any() or (recs["issues_source"] == "predicted").any():
            raise DataError("found predicted categories or tags; expected only the sources' coding when the "
                            "coding columns are left out", path=path)
        recs = recs[schema.UNPREDICTED_COLUMNS]
    if path.suffix.lower() == ".parquet":
        recs.assign(**{c: recs[c].map(list) for c in schema.LIST_COLUMNS}).to_parquet(path, index=False)
    else:
        joined = {c: recs[c].map(lambda v: LIST_SEPARATOR.join(map(str, v))) for c in schema.LIST_COLUMNS}
        recs.assign(**joined).to_csv(path, index=False, lineterminator="\n")
    return path


def read_parquet(path, validate=True):
    """Read a canonical Parquet file; validated unless it is one upr-lab wrote (``validate=False``)."""
    frame = _with_current_columns(read_parquet_frame(path, refuse_empty=validate), path)
    if validate:  # row numbers in messages (and of exact repeats) count records from 1
        frame.index = range(1, len(frame) + 1)
        for column in INTEGER_COLUMNS:
            frame[column] = _whole_numbers(frame[column], path, column)
        frame["action_category_probability"] = _probability_values(frame["action_category_probability"], path)
    for column in schema.LIST_COLUMNS:
        frame[column] = _lists(frame[column], path, column) if validate else frame[column].map(_tuple)
    frame["sdg_goals"] = frame["sdg_goals"].map(lambda goals: tuple(int(g) for g in goals))
    return _typed(frame, path, validate)


def _tuple(value):
    return () if value is None else tuple(value.tolist() if hasattr(value, "tolist") else value)


def _lists(values, path, column):
    """A list column read from Parquet as tuples; a value that is not a list (a string, a number) is refused
    rather than split into characters, and so is a goal that is not a whole number."""
    parsed = []
    for row, value in zip(values.index, values):
        items = None if isinstance(value, (str, bytes)) else _list_items(value)
        if items is None or not all(_item_ok(item, column) for item in items):
            kind = "text" if isinstance(value, str) else type(value).__name__
            raise DataError(f"found {excerpt(value)} ({kind}); expected a list of "
                            f"{'SDG goal numbers' if column == 'sdg_goals' else 'texts'} (Parquet list column)",
                            path=path, row=row, column=column)
        parsed.append(tuple(items))
    return pd.Series(parsed, index=values.index, dtype=object)


def _list_items(value):
    if value is None:
        return []
    if hasattr(value, "tolist") and getattr(value, "ndim", 1) == 1:
        return value.tolist()
    return list(value) if isinstance(value, (list, tuple)) else None


def _item_ok(item, column):
    if column == "sdg_goals":
        return isinstance(item, int) and not isinstance(item, bool) or isinstance(item, str) and item.isdigit()
    return isinstance(item, str)


def read_parquet_frame(path, refuse_empty=True):
    """A Parquet file as a frame, refused past ``MAX_ROWS`` rows or ``MAX_PART_BYTES`` once
    decompressed (and, with ``refuse_empty``, with no rows at all), before it is read whole; a ``DataError`` for
    anything pyarrow cannot read."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
        rows = metadata.num_rows
        size = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
        if size > MAX_PART_BYTES:
            raise DataError(f"found a table that expands to {size / 2**20:,.0f} MB; expected at most "
                            f"{MAX_PART_BYTES >> 20} MB (the limit for a table once decompressed)", path=path)
        if rows > MAX_ROWS:
            raise DataError(f"found {rows:,} rows; expected at most {MAX_ROWS:,} (the row limit for a "
                            "table): split it, or keep only the rows you need", path=path)
        if refuse_empty and rows == 0:
            raise DataError("found a table without rows; expected at least one row of data", path=path)
        if refuse_empty:  # a file of the user's: damage inside a column (text that is not UTF-8) shows only here
            pq.read_table(path).validate(full=True)
        return pd.read_parquet(path)
    except DataError:
        raise
    except Exception as exc:  # pyarrow raises several types for damaged files
        reason = tables.first_sentence(exc)
        raise DataError(f"found a damaged or truncated Parquet file ({reason}); expected a readable Parquet file",
                        path=path) from None


def _with_current_columns(frame, path):
    columns = list(frame.columns)
    if columns == schema.RECOMMENDATION_COLUMNS:
        return frame
    if columns not in HEADERS:
        raise DataError(f"found the columns {fields.headers_excerpt(columns)}; expected the canonical ones: "
                        f"{', '.join(schema.RECOMMENDATION_COLUMNS)}", path=path)
    if columns == schema.LEGACY_COLUMNS:
        for column, default in schema.LEGACY_DEFAULTS.items():
            frame[column] = [default] * len(frame) if isinstance(default, tuple) else default
    for column in schema.CODING_COLUMNS:  # filled from the category and tags once they are parsed (_typed)
        frame[column] = pd.NA
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
    frame["action_category_probability"] = _probabilities(frame["action_category_probability"], table)
    return _typed(frame, table.path)


def _probabilities(values, table):
    return _probability_values(values.set_axis(table.row_numbers), table.path).set_axis(values.index)


def _probability_values(values, path):
    """Probabilities (Float64, NA where empty) from text or numbers; 'high' or 1.5 is refused, naming the row
    (the index of ``values``)."""
    text = values.map(lambda v: "" if _missing(v) else str(v).strip())
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = (text != "") & (numbers.isna() | (numbers < 0) | (numbers > 1))
    if bad.any():
        raise DataError(f"found {excerpt(text[bad].iloc[0])}; expected a probability 0-1 or nothing",
                        path=path, row=values.index[bad.to_numpy()][0], column="action_category_probability")
    return numbers.astype("Float64")


def _split(text, separator):
    return tuple(t for t in text.split(separator) if t)


def _goals(values, table):
    parsed = []
    for i, value in enumerate(values):
        items = value if isinstance(value, tuple) else _split(value, LIST_SEPARATOR)
        if not all(str(g).isdigit() for g in items):
            raise DataError(f"found {excerpt(value)}; expected SDG goal numbers joined by '{LIST_SEPARATOR}' (e.g. 5;16)",
                            path=table.path, row=table.row_numbers[i], column="sdg_goals")
        parsed.append(tuple(int(g) for g in items))
    return parsed


def _integers(values, table, column):
    return _whole_numbers(values.set_axis(table.row_numbers), table.path, column).set_axis(values.index)


def _whole_numbers(values, path, column):
    """Whole numbers (Int64, NA where empty) from text or numbers, as read from CSV or Parquet; 22.5, 'x', a
    number of thousands of digits or infinity is refused, naming the row (the index of ``values``)."""
    text = values.map(lambda v: "" if _missing(v) else str(v).strip())
    short = text.str.len() <= MAX_INTEGER_DIGITS + 2
    numbers = pd.to_numeric(text.where(short & (text != ""), None), errors="coerce")
    bad = (text != "") & (~short | numbers.isna() | (numbers % 1 != 0))
    if bad.any():
        row = values.index[bad.to_numpy()][0]
        raise DataError(f"found {excerpt(text[bad].iloc[0])}; expected a whole number", path=path, row=row,
                        column=column)
    return numbers.astype("Int64")


def _missing(value):
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _typed(frame, path, validate=True):
    for column in ("cycle", "session", "year"):
        if frame[column].isna().any():
            row = frame.index[frame[column].isna()][0]
            raise DataError("found nothing; expected a whole number", path=path, row=row, column=column)
        frame[column] = frame[column].astype("int64")
    frame["action_category"] = frame["action_category"].astype("Int64")
    for column in schema.RECOMMENDATION_COLUMNS:
        if column not in (*INTEGER_COLUMNS, *schema.LIST_COLUMNS, "action_category_probability"):
            frame[column] = frame[column].fillna("").astype("str")
    frame = schema.with_coding_sources(frame)
    if not validate:
        return frame
    _refuse_long_cells(frame, path)
    for column in ("sur_iso3", "recommender_iso3"):
        _known_states(frame[column], path, column, allow_empty=column == "recommender_iso3")
    return schema.validate(frame, schema.RECOMMENDATIONS, path, rows=True)


def _refuse_long_cells(frame, path):
    """Text past a cell's limit (``MAX_CELL_CHARS``, as in CSV and Excel) is no value of these columns."""
    for column in frame.columns:
        if column in (*INTEGER_COLUMNS, *schema.LIST_COLUMNS, "action_category_probability"):
            continue
        lengths = frame[column].str.len()
        if (lengths > MAX_CELL_CHARS).any():
            row = lengths.index[(lengths > MAX_CELL_CHARS).to_numpy()][0]
            raise DataError(f"found {int(lengths[row]):,} characters; expected at most {MAX_CELL_CHARS:,} "
                            "(the limit for a cell)", path=path, row=row, column=column)


def _known_states(codes, path, column, allow_empty):
    """ISO3 codes checked against upr-lab's country table: 'XXX' or 'YUG' is no State under review."""
    known = set(states()) | ({""} if allow_empty else set())
    bad = ~codes.isin(known)
    if bad.any():
        code = codes[bad].iloc[0]
        raise DataError(f"found {excerpt(code)}, which is no State in upr-lab's country table; expected the "
                        f"ISO 3166 alpha-3 code of a State (e.g. NOR){' or nothing' if allow_empty else ''}"
                        f"{suggest(str(code)[:40], states())}", path=path, row=codes.index[bad.to_numpy()][0],
                        column=column)
