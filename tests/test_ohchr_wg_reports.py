"""Every Working Group report of the development set (../shared/data/ohchr/wg-reports, 116 reports of sessions
1-20) against reference.csv, an independent count: the State, the session, each recommendation paragraph's
items and the position its introduction states, and the recommendations cited only by body paragraph.
A report the importer refuses is listed here with the reason a reader can check in the PDF, and asserted
refused with that reason."""

import csv
import re
from pathlib import Path

import pytest

from upr_lab.exceptions import DataError
from upr_lab.sources.ohchr import report as reports

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr" / "wg-reports"
REFERENCE = FOLDER / "reference.csv"
ROWS = list(csv.DictReader(REFERENCE.open(encoding="utf-8"))) if REFERENCE.exists() else []
POSITIONS = {"supported": "supported", "to_be_examined": "to be examined", "pending": "pending",
             "not_supported": "noted", "noted": "noted"}
REFUSED = {  # file: what the PDF shows, and the fragment of the refusal that says it
    "A_HRC_8_47.pdf": ("item 60.3 is printed 'o remove reservations ...', its first letter missing: read as text "
                       "that starts mid-sentence", "60.3 starting mid-sentence"),
}

pytestmark = pytest.mark.skipif(not ROWS, reason="the development set ../shared/data/ohchr/wg-reports is absent")


def expected_paragraphs(row):
    """{paragraph: (position, items)} from the reference's ``paragraphs`` column (numbered comments left out)."""
    found = {}
    for part in row["paragraphs"].split(";"):
        number, position, items = part.strip().split(":")
        if position != "comments":
            found[int(number)] = (POSITIONS[position], int(items))
    return found


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_each_report_reads_as_the_reference_counts_it(row):
    path = FOLDER / row["file"]
    if row["file"] in REFUSED:
        with pytest.raises(DataError) as refused:
            reports.read_report(path)
        assert REFUSED[row["file"]][1] in str(refused.value) and "\n" not in str(refused.value)
        return
    report = reports.read_report(path)
    assert (report.symbol, report.sur.iso3, report.session) == (row["symbol"], row["iso3"], int(row["session"]))
    assert {p: (position, n) for p, position, n in report.positions} == expected_paragraphs(row)
    numbered = [tuple(map(int, r.paragraph.split("."))) for r in report.recommendations if "." in r.paragraph]
    numbered += [tuple(map(int, re.match(r"left out: item (\d+)\.(\d+)", remark).groups()))
                 for remark in report.remarks if re.match(r"left out: item \d+\.\d+", remark)]  # the State's comments
    for paragraph, _, n in report.positions:  # every item 1..N, each read
        assert sorted({k for p, k in numbered if p == paragraph}) == list(range(1, n + 1))
    assert len(report.cited) + len(report.not_found) == int(row["by_reference_not_itemised"])
    unnumbered = [r for r in report.recommendations if r.paragraph.isdigit() and r.paragraph not in report.cited]
    assert len(unnumbered) == int(row["unnumbered_not_itemised"])
    assert all(r.states for r in report.recommendations)


def test_the_known_refusals_are_few_and_in_the_reference():
    assert set(REFUSED) <= {r["file"] for r in ROWS}
    assert len(REFUSED) / len(ROWS) < 0.03
