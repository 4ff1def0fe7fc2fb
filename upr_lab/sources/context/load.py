"""``load_context(path)``: any country-year context file, or a folder of them, as one tidy frame.

Each CSV file is recognised by its header (``LAYOUTS``): an OWID V-Dem file, the Fariss scores or the
Political Terror Scale. The files are joined on ``iso3, year`` (outer join: a State-year any file covers
is kept, with NaN where another file has no value); ``files_read(frame)`` says what was read (each file's
layout, years, States and rows) and ``unmapped(frame)`` what was left out (codes that map to no State, by file).
"""

from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.limits import readable_file

from ..calendar import SESSION_YEARS
from . import crosswalk, fariss, pts, vdem
from .common import combine, header, year_span

LAYOUTS = {  # name: (recognises a header, reads a file, what its header holds)
    "vdem": (vdem.matches, vdem.read, "Entity, Code, Year, <V-Dem index>"),
    "fariss": (fariss.matches, fariss.read, "YEAR, COW, theta_mean, theta_sd, ..."),
    "pts": (pts.matches, pts.read, "Country, Year, COW_Code_N, UN_Code_N, PTS_A, PTS_H, PTS_S, ..."),
}
INDICATORS = [*vdem.INDICATORS, *fariss.INDICATORS, *pts.INDICATORS]  # the order of a joined frame's columns
FILE_COLUMNS = ["file", "layout", "first_year", "last_year", "states", "rows"]


def layout(path):
    """The name of the layout of the CSV file ``path`` (a key of ``LAYOUTS``); ``DataError`` if none."""
    columns = header(path)
    for name, (recognises, _, _) in LAYOUTS.items():
        if recognises(columns):
            return name
    shown = columns if len(columns) <= 8 else [*columns[:8], f"... {len(columns) - 8} more"]
    expected = "; ".join(f"{name}: {holds}" for name, (_, _, holds) in LAYOUTS.items())
    raise DataError(f"found columns {shown}; expected one of the country-year layouts ({expected})", path=path)


def context_files(path):
    """The CSV files ``path`` names: itself, or every ``*.csv`` under the folder (sorted)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.csv") if p.is_file())
        if not files:
            raise DataError("found no CSV file in the folder; expected country-year context files", path=path)
        return files
    if not path.exists():
        raise DataError("no such file or folder; expected a country-year context file or a folder of them", path=path)
    return [readable_file(path, "a country-year context file or a folder of them")]


def load_context(path, years=None):
    """Every country-year context file under ``path`` (a file or a folder) as one frame ``iso3, year,
    <indicators>`` (V-Dem: ``electoral_democracy``...; Fariss: ``fariss_theta_mean, fariss_theta_sd``;
    PTS: ``pts_a, pts_h, pts_s``), joined on State and year.

    ``years``: a year or a ``(first, last)`` pair (default: all); a file that does not cover them is
    refused. A file of no known layout is refused, naming its columns. Codes that map to no UN member or
    observer State are left out, listed in ``unmapped(frame)`` and named in an ``UnmappedCodesWarning``;
    ``files_read(frame)`` describes each file read."""
    files = context_files(path)
    results = [LAYOUTS[layout(p)][1](p, years) for p in files]
    frame, unmapped = combine(results, files, INDICATORS)
    frame.attrs["files"] = tuple(files_table(results, files).to_dict("records"))  # records: see crosswalk.report
    return crosswalk.report(frame, unmapped, path)


def files_read(frame):
    """The files ``load_context`` read into ``frame``: ``file, layout, first_year, last_year, states, rows``."""
    records = frame.attrs.get("files")
    if records is None:
        raise DataError("found no record of the files read; expected a frame as load_context returns it")
    return pd.DataFrame(list(records), columns=FILE_COLUMNS)


def check_review_years(frame):
    """Refuse a file read into ``frame`` (as ``load_context`` returns it) that holds no State-year of any UPR
    review (2008 onwards): given to an analysis, it would add nothing to any report without a word."""
    first, last = min(SESSION_YEARS.values()), max(SESSION_YEARS.values())
    for row in files_read(frame).itertuples(index=False):
        if row.rows == 0:
            raise DataError("found no row of a UN member or observer State; expected country-year values of the "
                            "States under review", path=row.file)
        if row.last_year < first or row.first_year > last:
            raise DataError(f"covers the years {row.first_year}-{row.last_year}; expected years of UPR reviews "
                            f"({first}-{last}): it would add no value to any review", path=row.file)


def files_table(results, files):
    """One row per file read: its layout, first and last year, number of States and rows."""
    rows = [(str(p), layout(p), _year(part, "min"), _year(part, "max"), part["iso3"].nunique(), len(part))
            for (part, _), p in zip(results, files)]
    return pd.DataFrame(rows, columns=FILE_COLUMNS)


def _year(part, how):
    return int(getattr(part["year"], how)()) if len(part) else None


def context_table(path=None, years=None):
    """The context a report uses: the V-Dem indices shipped with upr-lab, joined on ``iso3, year`` with the
    files under ``path`` (``load_context``; e.g. your copies of the Fariss scores and the PTS). Indicators
    a file of yours also has (a newer V-Dem) replace the shipped ones."""
    shipped = vdem.vdem_indices()
    if years is not None:
        first, last = year_span(years)
        shipped = shipped[shipped["year"].between(first, last)]
    if path is None:
        return shipped.reset_index(drop=True)
    own = load_context(path, years)
    kept = shipped[["iso3", "year", *[c for c in shipped.columns if c not in own.columns]]]
    frame = own.merge(kept, on=["iso3", "year"], how="outer").sort_values(["iso3", "year"], kind="mergesort")
    frame = frame.reset_index(drop=True)
    frame.attrs = own.attrs
    return frame
