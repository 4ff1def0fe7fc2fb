"""What the context loaders share: reading a file's header and rows (guarded: one line for any damage),
checking years and scores against their scale, keeping the years asked for."""

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.limits import (MAX_CELL_CHARS, MAX_CONTEXT_BYTES, MAX_NUMBER_DIGITS, check_digits, check_file_size,
                            excerpt, readable_file)

YEARS = (1700, 2100)  # a year outside these is no year of any country-year file (V-Dem starts in 1789)
EXPECTED = "a country-year CSV file"
ENCODING_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}


def header(path):
    """The column names of the CSV file ``path`` (its first line, quotes and a UTF-8 BOM removed)."""
    path = readable_file(path, EXPECTED)
    with path.open("rb") as f:
        line = f.readline(64 * 1024).decode("latin-1").removeprefix("ï»¿")  # a UTF-8 BOM, read as Latin-1
    return next(csv.reader(io.StringIO(line.splitlines()[0] if line else "")), [])


def read_rows(path, columns, encodings=("utf-8",)):
    """The ``columns`` of the CSV file ``path`` as text (a frame of str): decoded with the first of
    ``encodings`` that fits (a UTF-8 BOM dropped), any line ends (LF, CRLF or CR alone). Refuses bytes no
    encoding fits, a row with more or fewer fields than the header (a file cut mid-row), a quote left open,
    a cell past ``MAX_CELL_CHARS`` and a header without rows. (A file cut inside the last field of its last
    row cannot be told from a whole one: OWID's files end without a line end.)"""
    path = readable_file(path, EXPECTED)
    check_file_size(path, MAX_CONTEXT_BYTES, "a country-year context file")
    text = _decoded(path, path.read_bytes(), encodings)
    reader = csv.reader(io.StringIO(text, newline=None), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(f"found a malformed CSV row ({exc}); expected comma-separated fields, quotes closed (a file "
                        "cut short?)", path=path, row=reader.line_num) from None
    names = rows[0] if rows else []
    body = rows[1:]
    while body and not any(body[-1]):
        body.pop()
    if not body:
        raise DataError(f"found a header and no rows; expected {EXPECTED} with a row per State and year", path=path)
    for number, row in enumerate(body, start=2):
        if len(row) != len(names):
            cut = " (the file cut mid-row?)" if number == len(body) + 1 else ""
            raise DataError(f"found {len(row)} fields; expected {len(names)} as in the header{cut}", path=path,
                            row=number)
    index = [names.index(c) for c in columns]
    frame = pd.DataFrame([[row[i] for i in index] for row in body], columns=columns, dtype=str)
    _check_cells(frame, path)
    return frame


def _decoded(path, data, encodings):
    data = data.removeprefix(b"\xef\xbb\xbf")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            failed = exc
    line = data[:failed.start].count(b"\n") + 1
    names = " or ".join(ENCODING_NAMES.get(e, e) for e in encodings)
    raise DataError(f"found the byte {data[failed.start]:#04x} at byte {failed.start}, which is not {names}; expected "
                    f"{EXPECTED} in {names}", path=path, row=line)


def _check_cells(frame, path):
    for column in frame.columns:
        long = frame[column].str.len() > MAX_CELL_CHARS
        if long.any():
            raise DataError(f"found a cell of {int(frame[column][long].iloc[0].__len__()):,} characters; expected at "
                            f"most {MAX_CELL_CHARS:,} (the limit on a cell)", path=path, row=_row(long),
                            column=column)


def numbers(cells, path, column, expected, low=-math.inf, high=math.inf, whole=False, missing=("NA", "")):
    """``cells`` (text) as numbers: ``missing`` spellings give NA; a value that is no number, not finite,
    has more than ``MAX_NUMBER_DIGITS`` digits, lies outside ``low``-``high`` or (``whole``) is fractional is
    refused, naming its row and saying ``expected``. Whole numbers come back as nullable integers, others
    as floats."""
    absent = cells.isin(list(missing))
    long = cells.str.count(r"\d") > MAX_NUMBER_DIGITS
    if long.any():
        check_digits(cells[long].iloc[0], path, _row(long), column)
    values = pd.to_numeric(cells.where(~absent), errors="coerce").astype(float)
    bad = (values.isna() & ~absent) | ~(values.isna() | (np.isfinite(values) & values.between(low, high)))
    if whole:
        bad |= values.notna() & (values % 1 != 0)
    if bad.any():
        raise DataError(f"found {excerpt(cells[bad].iloc[0])}; expected {expected}", path=path, row=_row(bad),
                        column=column)
    return values.round().astype("Int64") if whole else values


def years(cells, path, column="year"):
    """The year column: whole numbers within ``YEARS``, none missing."""
    return numbers(cells, path, column, f"a year {YEARS[0]}-{YEARS[1]}", *YEARS, whole=True, missing=())


def _row(mask):
    return int(mask.to_numpy().argmax()) + 2  # the file's line: the header is line 1


def check_columns(path, found, expected):
    """Refuse a file whose columns lack any of ``expected``, in one line naming both."""
    missing = [c for c in expected if c not in found]
    if missing:
        raise DataError(f"found columns {excerpt(found, 200)}; expected {expected} (missing {missing})", path=path)


def year_span(years):
    """``(first, last)`` from None, a year, or a ``(first, last)`` pair; None for all years."""
    if years is None:
        return None
    if isinstance(years, int):
        return years, years
    first, last = years
    return int(first), int(last)


def keep_years(frame, years, path):
    """The rows of ``frame`` in ``years`` (see ``year_span``), refusing years the file does not cover."""
    span = year_span(years)
    if span is None:
        return frame
    low, high = int(frame["year"].min()), int(frame["year"].max())
    first, last = span
    if first > last or first < low or last > high:
        raise DataError(f"covers the years {low}-{high}; asked for {first}-{last}", path=path)
    return frame[frame["year"].between(first, last)].reset_index(drop=True)


def tidy(frame, columns):
    """``frame`` as ``iso3, year, <columns>``, sorted by State and year, with a fresh index."""
    frame = frame[["iso3", "year", *columns]].sort_values(["iso3", "year"], kind="stable")
    return frame.reset_index(drop=True)


def combine(results, files, order):
    """One frame from several files' ``(frame, unmapped)``: an outer join on State and year, indicators in
    the ``order`` given, the unmapped tables stacked with a ``file`` column. Two files giving the same
    column are refused."""
    frame, seen = None, {}
    for (part, _), path in zip(results, files):
        for column in part.columns[2:]:
            if column in seen:
                raise DataError(f"found the column {column} in {seen[column]} too; expected each indicator in one "
                                "file", path=path)
            seen[column] = path
        frame = part if frame is None else frame.merge(part, on=["iso3", "year"], how="outer")
    unmapped = pd.concat([u.assign(file=str(p)) for (_, u), p in zip(results, files)], ignore_index=True)
    frame = frame[["iso3", "year", *sorted(seen, key=order.index)]]
    return frame.sort_values(["iso3", "year"], kind="stable").reset_index(drop=True), unmapped
