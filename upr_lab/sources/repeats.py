"""Exact repeats of a recommendation row: kept once, reported, and counted.

An export sometimes holds the same recommendation twice, row for row (and overlapping exports of a
folder can hold the same row in two files). Counted twice, it would weigh twice in every rate and
model, so every repeat after the first occurrence is dropped. What was dropped is recorded (file, row,
and the row it repeats) so that the loader can warn about it and the data source can count it.
"""

import warnings

import pandas as pd

from . import schema

CONTENT = [c for c in schema.RECOMMENDATION_COLUMNS if c != "rec_id"]
NAMED = 5  # a warning names the repeated rows when there are at most this many


def keep_once(frames, names, with_ids=False):
    """Concatenate per-file frames (each indexed by the row numbers in its file) and drop exact repeats.

    Rows are compared on every canonical column but ``rec_id`` (which is made from the content once
    the files are merged), or on every column with ``with_ids`` (the canonical table, whose ids come
    from the file). Returns the merged frame (a fresh index) and one record per dropped row:
    ``{"name", "row", "first", "sur_iso3", "session", "action_category"}``, where ``first`` says which
    row it repeats.
    """
    origin = [(name, int(row)) for frame, name in zip(frames, names) for row in frame.index]
    merged = pd.concat(frames, ignore_index=True)
    group = _content_groups(merged, schema.RECOMMENDATION_COLUMNS if with_ids else CONTENT)
    repeated = group.duplicated().to_numpy()
    group = group.to_numpy()
    first = {g: i for i, g in reversed(list(enumerate(group)))}
    records = [_record(merged.iloc[i], origin[i], origin[first[group[i]]]) for i in repeated.nonzero()[0]]
    return merged[~repeated].reset_index(drop=True), records


def _content_groups(frame, columns):
    """One group number per distinct row content (missing values equal to each other)."""
    lists = {c: frame[c].map(lambda v: "\x1f".join(map(str, v))) for c in schema.LIST_COLUMNS if c in columns}
    keys = frame[columns].assign(**lists)
    return keys.groupby(columns, dropna=False, sort=False).ngroup()


def _record(row, where, first):
    category = row["action_category"]
    first_row = f"row {first[1]}" if first[0] == where[0] else f"{first[0]} row {first[1]}"
    return {"name": where[0], "row": where[1], "first": first_row,
            "sur_iso3": row["sur_iso3"], "session": int(row["session"]),
            "action_category": None if pd.isna(category) else int(category)}


def describe(records):
    """Which rows were dropped: each named when few, else a count per file."""
    if len(records) <= NAMED:
        return ", ".join(f"{r['name']} row {r['row']} (as {r['first']})" for r in records)
    per_file = {}
    for r in records:
        per_file[r["name"]] = per_file.get(r["name"], 0) + 1
    return ", ".join(f"{name}: {n:,} rows" for name, n in per_file.items())


def warn(records, stacklevel=2):
    """Warn, naming the files and rows, when exact repeats were dropped; returns how many."""
    if records:
        rows = "rows repeat" if len(records) > 1 else "row repeats"
        were = "were" if len(records) > 1 else "was"
        warnings.warn(f"{len(records):,} recommendation {rows} an earlier row exactly (spacing aside) and {were} "
                      f"dropped, so that each is analysed once: {describe(records)}; counted in the data source's "
                      "'duplicates'", stacklevel=stacklevel + 1)
    return len(records)
