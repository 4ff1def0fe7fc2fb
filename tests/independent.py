"""An independent count of UPR Info exports, sharing no code with upr_lab's loaders.

It reads the files with the standard library only (Mac Roman, CR line endings, as the 2015 exports
are) and counts per State under review, as a reviewer would by hand: a row that repeats an earlier one
exactly (spacing aside) is counted once.
"""

import csv
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
