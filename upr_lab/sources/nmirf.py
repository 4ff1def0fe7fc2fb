"""National mechanisms for implementation, reporting and follow-up (NMIRF): the Universal Rights Group's coding.

URG coded the national follow-up mechanisms of 83 States (Annex 2 of its report "The emergence and evolution
of national mechanisms for implementation, reporting and follow-up"; survey 2021-22, validated late 2023),
transcribed into two CSV files by CeHDI-Foundation/UPR-Health-Explorer (``data/``, commit 6b4e17f):

* ``NMIRF_status.csv``: ``State, ISO-3166-1, UN Regional Group`` (AG, APG, EEG, GRULAC, WEOG), the State's
  classification, the participation of seven actors (-1..3), a ``Weighted participation score``, seven
  criteria (-1..1 or 2) and ``Total X Points``;
* ``NMIRF_Y.csv``: ``State, ISO-3166-1``, six institutionalisation items and ``Total Y Points``.

``read_nmirf(path)`` reads a folder holding both files, one of them, or a ``(status, y)`` pair, whatever
the order of rows, the spacing of the header, a UTF-8 BOM or extra columns, and joins them into one tidy
table, one row per State (``COLUMNS``; ``data/nmirf.md`` says what each means). The source documents no key
to its scores: what -1, 0, 1, 2 or 3 mean is not known (see ``data/nmirf.md``). An empty score is
unknown (NA), never 0. Refused, in one line naming file, row and column: a missing column, a score that is
no whole number in its scale, an unknown classification or group, an ISO3 code that is no UN member or
observer State, a State twice. A State found in one file only keeps NA in the other file's columns, and an
``NmirfGapWarning`` names it.

upr-lab ships the table built from the raw files (``data/nmirf.csv``, by ``python -m upr_lab.sources.nmirf
RAW_FOLDER``, part of ``make data``, which checks their SHA-256); ``nmirf_table()`` reads it.
"""

import functools
import re
import sys
import warnings
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.files import raw_input

from .countries import CountryResolver, states, suggest
from .tables import read_shipped, read_table

RAW_FOLDER = "nmirf"  # under the raw folder (../shared/data)
STATUS_FILE, Y_FILE = "NMIRF_status.csv", "NMIRF_Y.csv"
RAW_SHA256 = {
    STATUS_FILE: "c1e30ba8e6d751f9293839a17b2bdf457a1e8f09ddfa7a61e1148aa6401c4fe3",
    Y_FILE: "6feded15881b5ebe3080b1afb4858aacc62a23223a853a8d114e156e81645176",
}
TABLE = Path(__file__).resolve().parents[1] / "data" / "nmirf.csv"

KEYS = {"State": "source_name", "ISO-3166-1": "iso3"}
PARTICIPATION = {  # the source's column: upr-lab's (scores -1..3)
    "Parliament": "parliament", "Judiciary": "judiciary", "CSOs": "csos", "Statistics": "statistics",
    "NHRI": "nhri", "Business": "business", "Relevant State agencies": "state_agencies",
}
CRITERIA = {  # scores -1..1, or -1..2
    "Integration SDGs": "sdg_integration", "Clustering": "clustering",
    "Centralised repository/ tracking database": "tracking_database",
    "Implementation monitoring": "implementation_monitoring",
    "Human rights impact indicators": "impact_indicators", "Holistic approach": "holistic_approach",
    "Coordination responsibility": "coordination_responsibility",
}
INSTITUTIONALISATION = {  # scores -1..3
    "Est. law": "established_by_law", "Permanent": "permanent", "Regularity of meetings": "regular_meetings",
    "Secretariat": "secretariat", "Budget": "budget", "Dedicated focal points/staff": "dedicated_staff",
}
STATUS_COLUMNS = {**KEYS, "UN Regional Group": "group", "State classification in report": "classification",
                  **PARTICIPATION, "Weighted participation score": "weighted_participation", **CRITERIA,
                  "Total X Points": "x_total"}
Y_COLUMNS = {**KEYS, **INSTITUTIONALISATION, "Total Y Points": "y_total"}
SCALES = {**{c: (-1, 3) for c in PARTICIPATION.values()}, **{c: (-1, 2) for c in CRITERIA.values()},
          **{c: (-1, 3) for c in INSTITUTIONALISATION.values()}}
TOTALS = ("weighted_participation", "x_total", "y_total")  # sums: any number
COLUMNS = ["iso3", "name", "source_name", "group", "classification", *PARTICIPATION.values(),
           "weighted_participation", *CRITERIA.values(), "x_total", *INSTITUTIONALISATION.values(), "y_total"]
GROUPS = {"ag": "Africa", "africa": "Africa", "apg": "Asia-Pacific", "asia-pacific": "Asia-Pacific",
          "eeg": "EEG", "grulac": "GRULAC", "weog": "WEOG"}
CLASSIFICATIONS = ("NMIRF", "Single inter-ministerial", "Ad hoc inter-ministerial", "Single ministerial", "Hybrid")


class NmirfGapWarning(UserWarning):
    """Some States are coded in one of the two NMIRF files only: the other file's columns are empty for them."""


def _key(header):
    """A header cell as compared: case, runs of spaces and spaces around '/' do not matter."""
    return re.sub(r"\s*/\s*", "/", " ".join(str(header).split())).lower()


def _classification(cell):
    return {_key(c): c for c in CLASSIFICATIONS}.get(_key(cell))


def read_nmirf(path):
    """The NMIRF coding in ``path``: a folder holding ``NMIRF_status.csv`` and ``NMIRF_Y.csv``, one of the two
    files, or a ``(status, y)`` pair of paths; one row per State (``COLUMNS``), sorted by ISO3."""
    status, y = _files(path)
    frames = [_read(p, columns) if p is not None else None for p, columns in ((status, STATUS_COLUMNS),
                                                                            (y, Y_COLUMNS))]
    return _join(*frames, status, y)


def _files(path):
    """``(status file or None, y file or None)`` from a folder, a file or a pair."""
    if isinstance(path, (list, tuple)):
        found = {}
        for kind, file in (_kind(Path(p)) for p in path):
            if kind in found:
                raise DataError(f"found two {STATUS_FILE if kind == 'status' else Y_FILE} files ({found[kind]} too); "
                                "expected one of each", path=file)
            found[kind] = file
        return found.get("status"), found.get("y")
    path = Path(path)
    if path.is_dir():
        named = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        status, y = named.get(STATUS_FILE.lower()), named.get(Y_FILE.lower())
        if status is None and y is None:
            raise DataError(f"found neither {STATUS_FILE} nor {Y_FILE}; expected URG's NMIRF coding", path=path)
        return status, y
    kind, path = _kind(path)
    return (path, None) if kind == "status" else (None, path)


def _kind(path):
    """``("status" or "y", path)``: by the file's name, else by its header (``Total Y Points`` is the Y file's)."""
    name = path.name.lower()
    if name.startswith("nmirf_y"):
        return "y", path
    if name.startswith("nmirf_status"):
        return "status", path
    header = {_key(h) for h in read_table(path).header}
    return ("y" if _key("Total Y Points") in header else "status"), path


def _read(path, expected):
    """One file as a frame with upr-lab's column names, every cell checked."""
    raw = read_table(path)
    where = {_key(h): i for i, h in enumerate(raw.header)}
    missing = [name for name in expected if _key(name) not in where]
    if missing:
        raise DataError(f"found no column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}; "
                        f"expected the columns of URG's NMIRF coding ({', '.join(expected)})", path=path)
    frame = pd.DataFrame({ours: raw.rows[where[_key(theirs)]].str.strip().to_numpy()
                          for theirs, ours in expected.items()})
    lines = pd.Series(raw.row_numbers)
    labels = {ours: theirs for theirs, ours in expected.items()}
    resolver = CountryResolver()
    frame["iso3"] = [_iso3(code, name, resolver, path, row) for code, name, row in zip(frame["iso3"],
                                                                                       frame["source_name"], lines)]
    _no_repeats(frame, path, lines)
    if "group" in frame:
        frame["group"] = [_group(g, code, path, row, labels["group"]) for g, code, row in zip(frame["group"],
                                                                                          frame["iso3"], lines)]
        frame["classification"] = [_cell(_classification(c), c, f"a classification: {', '.join(CLASSIFICATIONS)}",
                                         path, row, labels["classification"])
                                   for c, row in zip(frame["classification"], lines)]
    for column in frame.columns:
        if column in SCALES or column in TOTALS:
            frame[column] = _scores(frame[column], lines, path, labels[column], SCALES.get(column))
    return frame


def _cell(value, cell, expected, path, row, column):
    if value is None:
        raise DataError(f"found {cell!r}; expected {expected}", path=path, row=row, column=column)
    return value


def _iso3(cell, name, resolver, path, row):
    """The ISO3 code of a row: a UN member or observer State's, and the State its name gives, where it gives one
    ("RoK" gives none; a name resolving to another State means shifted or mistyped cells)."""
    code = cell.upper()
    if code not in states():
        raise DataError(f"found {cell!r}, which is no UN member or observer State's ISO 3166 alpha-3 code; expected "
                        f"one such as NOR{suggest(code, states())}", path=path, row=row, column="ISO-3166-1")
    named = resolver.lookup(name)
    if named is not None and named.iso3 != code:
        raise DataError(f"found {code} for the State {name!r}, which is {named.iso3}; expected the code of the State "
                        "named in the row", path=path, row=row, column="ISO-3166-1")
    return code


def _group(cell, code, path, row, column):
    """The UN regional group, in upr-lab's names; it must be the State's group in upr-lab's list of States."""
    group = _cell(GROUPS.get(cell.lower()), cell, "a regional group: AG, APG, EEG, GRULAC or WEOG", path, row, column)
    if group != states()[code].group:
        raise DataError(f"found {cell!r} ({group}) for {code}, whose UN regional group is {states()[code].group}; "
                        "expected the State's group", path=path, row=row, column=column)
    return group


def _no_repeats(frame, path, lines):
    repeated = frame["iso3"].duplicated()
    if repeated.any():
        at = int(repeated.to_numpy().argmax())
        first = int(frame["iso3"].eq(frame["iso3"].iloc[at]).to_numpy().argmax())
        raise DataError(f"found {frame['iso3'].iloc[at]} again (first in row {lines.iloc[first]}); expected one row "
                        "per State", path=path, row=lines.iloc[at], column="ISO-3166-1")


def _scores(cells, lines, path, column, scale):
    """Numbers (NA where empty); a score of a scale must be a whole number within it."""
    values = pd.to_numeric(cells.replace("", None), errors="coerce")
    bad = values.isna() & (cells != "")
    if scale is not None:
        bad |= values.notna() & ((values % 1 != 0) | ~values.between(*scale))
    if bad.any():
        at = int(bad.to_numpy().argmax())
        expected = f"a whole number from {scale[0]} to {scale[1]}" if scale else "a number"
        expected += ", or empty where not coded"
        raise DataError(f"found {cells.iloc[at]!r}; expected {expected}", path=path, row=int(lines.iloc[at]),
                        column=column)
    return values.astype("Int64") if scale is not None else values.astype(float)


def _join(status, y, status_path, y_path):
    """One row per State: the two files joined on ISO3 (the status file's name and group where both have it)."""
    empty = {"status": pd.DataFrame(columns=list(STATUS_COLUMNS.values())),
             "y": pd.DataFrame(columns=list(Y_COLUMNS.values()))}
    status = empty["status"] if status is None else status
    y = empty["y"] if y is None else y
    table = status.merge(y.drop(columns="source_name"), on="iso3", how="outer", indicator=True)
    table["source_name"] = table["source_name"].fillna(table["iso3"].map(y.set_index("iso3")["source_name"]))
    _warn_gaps(table, status_path, y_path)
    table["name"] = table["iso3"].map(lambda code: states()[code].name)
    for column in SCALES:
        table[column] = table[column].astype("Int64")
    for column in TOTALS:
        table[column] = table[column].astype(float)
    return table[COLUMNS].sort_values("iso3", kind="stable").reset_index(drop=True)


def _warn_gaps(table, status_path, y_path):
    for side, path, kind in (("right_only", status_path or STATUS_FILE, "classification, participation, criteria"),
                             ("left_only", y_path or Y_FILE, "institutionalisation")):
        absent = sorted(table.loc[table["_merge"] == side, "iso3"])
        if absent:
            shown = ", ".join(absent[:8]) + (f" and {len(absent) - 8} more" if len(absent) > 8 else "")
            warnings.warn(f"{path}: no row for {len(absent)} State(s) coded in the other NMIRF file ({shown}); "
                          f"their {kind} columns are empty (unknown)", NmirfGapWarning, stacklevel=4)


@functools.cache
def _shipped():
    table = read_shipped(TABLE.name, COLUMNS, dtype=str)
    for column in (*SCALES, *TOTALS):
        table[column] = pd.to_numeric(table[column].replace("", None))
    return table.astype({**{c: "Int64" for c in SCALES}, **{c: float for c in TOTALS}})


def nmirf_table(path=None):
    """URG's NMIRF coding, one row per State (``COLUMNS``): the table shipped with upr-lab (83 States; cite the
    Universal Rights Group, see ``data/nmirf.md``), or, with ``path``, a copy of the raw files (a folder, one
    file, or a ``(status, y)`` pair; see ``read_nmirf``)."""
    return _shipped().copy() if path is None else read_nmirf(path)


def build(raw, table=TABLE):
    """Derive ``nmirf.csv`` from the two raw files under the folder ``raw``; returns the path written."""
    folder = Path(raw) / RAW_FOLDER
    files = [checked(folder / name, expected) for name, expected in RAW_SHA256.items()]
    frame = read_nmirf(tuple(files))
    table = Path(table)
    table.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(table, index=False, lineterminator="\n")
    return table


def checked(path, expected):
    """``path``, after checking that it is the raw file the shipped table is built from."""
    return raw_input(path, expected, (f"URG's NMIRF coding {path.name} under {RAW_FOLDER}", "NMIRF table"))


def main(argv=None):
    from .build_embedded import builder_main  # the builder's command line, not needed to read the table

    return builder_main("upr_lab.sources.nmirf", "derive the NMIRF table from URG's coding", f"{RAW_FOLDER}/", TABLE,
                        build, argv)


if __name__ == "__main__":
    sys.exit(main())
