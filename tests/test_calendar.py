"""The calendar's session dates against the dates printed in the real OHCHR documents."""

import re
from datetime import date
from pathlib import Path

import pytest

from upr_lab.sources import calendar
from upr_lab.sources.ohchr.report import _ordinal
from upr_lab.sources.ohchr.text import flat, read_document

MONTHS = "January February March April May June July August September October November December".split()
DAY_MONTH = r"(\d{1,2})(?:\s+(" + "|".join(MONTHS) + r"))?(?:\s+(\d{4}))?"
# "held its seventh session from 8 to 19 February 2010" (Working Group reports) and the cover of a
# stakeholder summary: "Fiftieth session Geneva, 3-14 November 2025" (some without Geneva)
IN_REPORT = re.compile(r"held its ([\w-]+) session from\s+" + DAY_MONTH + r"\s+(?:\d{1,2}\s+)?to\s+" + DAY_MONTH)
# (a footnote number printed in the body's type can sit between the dates: "from 28 April 7 to 9 May 2014")
ON_COVER = re.compile(r"([\w-]+) session\s+(?:Geneva,\s+)?" + DAY_MONTH + r"\s*[-\u2010-\u2015]\s*" + DAY_MONTH)
OHCHR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr"
DOCUMENTS = sorted(p for p in OHCHR.rglob("*") if p.suffix in (".pdf", ".txt") and "Add" not in p.name)  # addenda print no dates


def printed_session(path):
    """(session, first day, last day) as the document prints them, or None."""
    match = IN_REPORT.search(flat(read_document(path).text)) or ON_COVER.search(flat(read_document(path).text))
    if not match:
        return None
    ordinal, d1, m1, y1, d2, m2, y2 = match.groups()
    last = date(int(y2), MONTHS.index(m2) + 1, int(d2))
    first = date(int(y1 or y2), MONTHS.index(m1 or m2) + 1, int(d1))
    return _ordinal(ordinal), first, last


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_session_dates_are_those_printed_in_the_documents(path):
    printed = printed_session(path)
    assert printed, f"{path.name}: no session dates found"
    session, first, last = printed
    assert calendar.session_dates(session) == (first, last)


def test_the_documents_cover_sessions_of_every_cycle_since_the_first():
    printed = {printed_session(path)[0] for path in DOCUMENTS if printed_session(path)}
    assert {7, 20, 34, 42, 48}.issubset(printed)


def test_every_dated_session_falls_in_its_year_and_in_order():
    sessions = sorted(calendar.SESSION_DATES)
    for session in sessions:
        first, last = calendar.session_dates(session)
        assert first.year == calendar.year_of(session) and 4 <= (last - first).days <= 15
    starts = [calendar.session_dates(s)[0] for s in sessions]
    assert starts == sorted(starts)


def test_undated_sessions_say_so():
    assert calendar.session_dates(51) is None
    with pytest.raises(ValueError, match="outside 1-54"):
        calendar.session_dates(55)


@pytest.mark.parametrize("session, following", [(13, 27), (26, 40), (27, 41), (40, 54), (41, None), (12, None)])
def test_next_review_is_fourteen_sessions_later_from_cycle_2(session, following):
    assert calendar.next_session(session) == following
