"""Civil society participation per review, and implementation assessments per recommendation.

The participation table is read from a table (CSV, Excel, Parquet) or built from OHCHR summaries of
stakeholders' submissions (``ohchr.stakeholders``). In both, ``joint_submissions``, ``nhri_submitted`` and
``national_consultation`` may be unknown: an empty cell is NA, never 0 or false.
"""

from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.limits import MAX_SUBMISSION_COUNT, excerpt

from .. import schema, tables
from ..countries import states, suggest
from ..ohchr import stakeholders
from . import canonical, fields

TRUE = {"true", "yes", "1", "y", "t"}
FALSE = {"false", "no", "0", "n", "f"}
UNKNOWN = ""  # an empty cell (after stripping): the source does not say
COUNTS = ("stakeholder_submissions", "joint_submissions")
KNOWN = ("stakeholder_submissions",)  # the columns that may not be unknown
FLAGS = ("nhri_submitted", "national_consultation")
CYCLES = (1, 2, 3, 4)
DOWNLOADED = "documents"  # the named participation source: the cached stakeholder summaries
TEXT_TOP = 4096  # bytes at the top of a .txt file where a summary's symbol is looked for


def read_participation(path):
    """Read the participation table: one row per (sur_iso3, cycle), unknown values NA.

    ``path`` is a table (CSV, Excel or Parquet), ``documents`` (the summaries downloaded into the cache:
    ``upr_lab.sources.remote.cached``), or OHCHR summaries of stakeholders' submissions used directly: a
    folder of them (…_3.pdf, …_3.txt), one summary (.pdf, or a .txt that is a document rather than a
    table) or a list of these (``stakeholders.read_summaries``). An empty ``joint_submissions``,
    ``nhri_submitted`` or ``national_consultation`` is unknown (NA), never 0 or false;
    ``stakeholder_submissions`` is required.
    """
    if is_downloaded(path):
        from ..remote import cached  # the summaries downloaded into the cache (not a path: a name)

        return cached.participation_table()
    if is_documents(path):
        return stakeholders.read_summaries(_documents(path))
    table = _as_table(tables.require_file(path))
    frame = _columns(table)
    frame["sur_iso3"] = _codes(frame["sur_iso3"], table)
    frame["cycle"] = _counts(frame["cycle"], table, "cycle", CYCLES, "a UPR cycle 1-4")
    for column in COUNTS:
        frame[column] = _counts(frame[column], table, column, known=column in KNOWN)
    for column in FLAGS:
        frame[column] = _flags(frame[column], table, column)
    _refuse_duplicates(frame, table)
    frame = schema.validate(frame.set_axis(table.row_numbers), schema.PARTICIPATION, table.path, rows=True)
    return frame.sort_values(["sur_iso3", "cycle"], ignore_index=True)


def participation_files(path):
    """The files ``read_participation(path)`` reads: the table, or each summary document."""
    if is_downloaded(path):
        from ..remote import cached

        return cached.summary_files()
    return stakeholders.summary_files(_documents(path)) if is_documents(path) else [Path(path)]


def is_downloaded(path):
    """True for ``documents``: the stakeholder summaries downloaded into the cache (``upr-lab data download
    documents``), named rather than given as a path."""
    return isinstance(path, str) and path == DOWNLOADED




def is_documents(path):
    """True when ``path`` stands for stakeholder summaries rather than a table: a list of paths, a folder, a
    .pdf, or a .txt named like a summary (…_3.txt) or carrying a summary's symbol at its top."""
    if isinstance(path, (list, tuple)):
        return True
    path = Path(path)
    if path.is_dir():
        return True
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return True
    return suffix == ".txt" and path.is_file() and (stakeholders.SUMMARY_NAME.search(path.name) is not None
                                                     or _symbol_at_top(path))


def _symbol_at_top(path):
    with open(path, "rb") as f:
        return stakeholders.SYMBOL.search(f.read(TEXT_TOP).decode("utf-8", "replace")) is not None


def _documents(path):
    """The paths of summaries ``path`` stands for; refuses a folder that holds none."""
    paths = [Path(p) for p in path] if isinstance(path, (list, tuple)) else [Path(path)]
    for folder in (p for p in paths if p.is_dir()):
        if not stakeholders.summary_files([folder]):
            raise DataError("found a folder without stakeholder summaries (…_3.pdf, …_3.txt); expected a "
                            "participation table (CSV, Excel or Parquet) or a folder of OHCHR summaries of "
                            "stakeholders' submissions", path=folder)
    return paths


def _columns(table):
    """The participation columns of ``table``, by name; refuses missing or repeated ones."""
    header = [str(h) for h in table.header]
    repeated = sorted({h for h in header if header.count(h) > 1 and h in schema.PARTICIPATION_COLUMNS})
    missing = [c for c in schema.PARTICIPATION_COLUMNS if c not in header]
    if missing or repeated:
        lacking = f"without {', '.join(missing)}" if missing else f"with {repeated[0]} twice"
        raise DataError(f"found the columns {fields.headers_excerpt(header)}, {lacking}; expected the columns "
                        f"{', '.join(schema.PARTICIPATION_COLUMNS)}", path=table.path)
    return table.rows.set_axis(header, axis=1)[schema.PARTICIPATION_COLUMNS].reset_index(drop=True)


def _as_table(path):
    if path.suffix.lower() == ".parquet":
        frame = canonical.read_parquet_frame(path).map(_cell_text)
        return tables.RawTable(path, list(frame.columns), frame.set_axis(range(frame.shape[1]), axis=1),
                               list(range(1, len(frame) + 1)), {"format": "parquet"})
    return tables.read_table(path)


def _cell_text(value):
    """A Parquet cell as the text a CSV would hold (a list, e.g. a canonical table's, as its Python form)."""
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def _codes(values, table):
    codes = values.str.strip().str.upper()
    bad = ~codes.isin(list(states()))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found {excerpt(values.iloc[i])}; expected the ISO 3166 alpha-3 code of a State "
                        f"(e.g. NOR){suggest(codes.iloc[i][:40], states())}", path=table.path, row=table.row_numbers[i],
                        column="sur_iso3")
    return codes



def _counts(values, table, column, allowed=None,
            expected=f"a whole number 0 or more (at most {MAX_SUBMISSION_COUNT:,})", known=True):
    """Whole numbers (int64); with ``known=False`` an empty cell is unknown (Int64 NA)."""
    stripped = values.str.strip()
    unknown = pd.Series(False, index=values.index) if known else stripped == UNKNOWN
    short = stripped.str.len() <= 12  # a number of thousands of digits is not parsed at all
    numbers = pd.to_numeric(stripped.mask(unknown | ~short), errors="coerce")
    bad = ~unknown & (numbers.isna() | (numbers < 0) | (numbers > MAX_SUBMISSION_COUNT) | (numbers % 1 != 0))
    if allowed is not None:
        bad |= ~unknown & ~numbers.isin(allowed)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        also = "" if known else ", or nothing when unknown"
        raise DataError(f"found {excerpt(values.iloc[i])}; expected {expected}{also}", path=table.path,
                        row=table.row_numbers[i], column=column)
    return numbers.astype("int64") if known else numbers.astype("Int64")


def _flags(values, table, column):
    """True/false (yes/no, 1/0) as pandas ``boolean``; an empty cell is unknown (NA)."""
    lowered = values.str.strip().str.lower()
    bad = ~lowered.isin(TRUE | FALSE | {UNKNOWN})
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found {excerpt(values.iloc[i])}; expected true/false (or yes/no, 1/0), or nothing when "
                        "unknown", path=table.path, row=table.row_numbers[i], column=column)
    flags = pd.Series(lowered.isin(TRUE), index=values.index, dtype="boolean")
    return flags.mask(lowered == UNKNOWN)


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
        raise DataError(f"found {excerpt(found['rec_id'].iloc[i])} / {excerpt(status.iloc[i])}; expected a rec_id of the "
                        f"data and one of {', '.join(schema.IMPLEMENTATION)}", path=path, row=table.row_numbers[i])
    mapping = dict(zip(found["rec_id"], status))
    out = recs.copy()
    out["implementation"] = [mapping.get(r, v) for r, v in zip(out["rec_id"], out["implementation"])]
    return out
