"""What the context loaders share: reading a file's header, keeping the years asked for."""

import csv
import io
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError


def header(path):
    """The column names of the CSV file ``path`` (its first line, quotes removed)."""
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file; expected a country-year CSV file", path=path)
    with path.open("rb") as f:
        line = f.readline().decode("latin-1").removeprefix("ï»¿")  # a UTF-8 BOM, read as Latin-1
    return next(csv.reader(io.StringIO(line)), [])


def check_columns(path, found, expected):
    """Refuse a file whose columns lack any of ``expected``, in one line naming both."""
    missing = [c for c in expected if c not in found]
    if missing:
        raise DataError(f"found columns {found}; expected {expected} (missing {missing})", path=path)


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
