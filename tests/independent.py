"""An independent count of UPR Info exports, sharing no code with upr_lab's loaders.

It reads the files with the standard library only (Mac Roman, CR line endings, as the 2015 exports
are) and counts per State under review, as a reviewer would by hand: a row that repeats an earlier one
exactly (spacing aside) is counted once.
"""

import csv
import functools
import io
from collections import defaultdict
from pathlib import Path


def cycle(session):
    return 1 if session <= 12 else 2 if session <= 26 else 3 if session <= 40 else 4


def count_exports(folder, encoding="mac_roman"):
    """{State name as spelled in the file: {"n", "accepted", "noted", "by_cycle": {c: [n, acc, noted]}}}"""
    counts = defaultdict(lambda: {"n": 0, "accepted": 0, "noted": 0, "by_cycle": defaultdict(lambda: [0, 0, 0])})
    seen = set()
    for path in sorted(Path(folder).glob("*.csv")):
        text = path.read_bytes().decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        for row in csv.DictReader(io.StringIO(text)):
            content = tuple(" ".join(value.split()) for value in row.values())
            if row["Response"] == "Voluntary Pledge" or content in seen:
                continue
            seen.add(content)
            entry = counts[row["To"]]
            per_cycle = entry["by_cycle"][cycle(int(row["Session"]))]
            entry["n"] += 1
            per_cycle[0] += 1
            if row["Response"] == "Accepted":
                entry["accepted"] += 1
                per_cycle[1] += 1
            elif row["Response"] == "Noted":
                entry["noted"] += 1
                per_cycle[2] += 1
    return counts


def count_dihr(folder):
    """{(State name as spelled, cycle from field_year): (n, supported, noted, frozenset of Council sessions)} of
    DIHR explorer exports, read with openpyxl (upr_lab reads them with calamine); exact repeats counted once.
    Counted once per process (about 6 s of CPU; test_dihr.py and test_embedded.py both ask, on one worker)."""
    return _count_dihr(Path(folder).resolve())


@functools.lru_cache(maxsize=None)
def _count_dihr(folder):
    import openpyxl

    counts, seen = defaultdict(lambda: [0, 0, 0, set()]), set()
    for path in sorted(Path(folder).glob("*.xlsx")):
        sheet = openpyxl.load_workbook(path, read_only=True)["Explorer"]
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows))
        for values in rows:
            row = dict(zip(header, values))
            content = tuple(" ".join(str(v).split()) if v is not None else "" for v in values)
            if content in seen:
                continue
            seen.add(content)
            entry = counts[(row["Recommendation"], int(row["field_year"].split("Cycle")[1]))]
            entry[0] += 1
            entry[1] += row["Response"] == "Supported"
            entry[2] += row["Response"] == "Noted"
            entry[3].add(int(row["Document"].split("/")[2]))
    return {key: (n, supported, noted, frozenset(councils)) for key, (n, supported, noted, councils) in counts.items()}
