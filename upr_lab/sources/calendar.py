"""The UPR calendar: Working Group sessions, their cycles, years and dates."""

from datetime import date

# Year in which each Working Group session was held (sessions 53-54 as scheduled).
SESSION_YEARS = {
    1: 2008, 2: 2008, 3: 2008, 4: 2009, 5: 2009, 6: 2009, 7: 2010, 8: 2010, 9: 2010,
    10: 2011, 11: 2011, 12: 2011, 13: 2012, 14: 2012, 15: 2013, 16: 2013, 17: 2013,
    18: 2014, 19: 2014, 20: 2014, 21: 2015, 22: 2015, 23: 2015, 24: 2016, 25: 2016, 26: 2016,
    27: 2017, 28: 2017, 29: 2018, 30: 2018, 31: 2018, 32: 2019, 33: 2019, 34: 2019,
    35: 2020, 36: 2020, 37: 2021, 38: 2021, 39: 2021, 40: 2022, 41: 2022, 42: 2023, 43: 2023,
    44: 2023, 45: 2024, 46: 2024, 47: 2024, 48: 2025, 49: 2025, 50: 2025, 51: 2026, 52: 2026,
    53: 2026, 54: 2027,
}
CYCLE_FIRST_SESSIONS = {1: 1, 2: 13, 3: 27, 4: 41}

# First and last day of each Working Group session, from OHCHR's session pages; the dates printed in the
# documents under ../shared/data/ohchr (sessions 7, 20, 34, 42, 48, 50, 52) are checked in the tests.
# Sessions 51, 53 and 54 are left out: their dates could not be checked here.
SESSION_DATES = {
    1: ("2008-04-07", "2008-04-18"), 2: ("2008-05-05", "2008-05-19"), 3: ("2008-12-01", "2008-12-15"),
    4: ("2009-02-02", "2009-02-13"), 5: ("2009-05-04", "2009-05-15"), 6: ("2009-11-30", "2009-12-11"),
    7: ("2010-02-08", "2010-02-19"), 8: ("2010-05-03", "2010-05-14"), 9: ("2010-11-01", "2010-11-12"),
    10: ("2011-01-24", "2011-02-04"), 11: ("2011-05-02", "2011-05-13"), 12: ("2011-10-03", "2011-10-14"),
    13: ("2012-05-21", "2012-06-04"), 14: ("2012-10-22", "2012-11-05"), 15: ("2013-01-21", "2013-02-01"),
    16: ("2013-04-22", "2013-05-03"), 17: ("2013-10-21", "2013-11-01"), 18: ("2014-01-27", "2014-02-07"),
    19: ("2014-04-28", "2014-05-09"), 20: ("2014-10-27", "2014-11-07"), 21: ("2015-01-19", "2015-01-30"),
    22: ("2015-05-04", "2015-05-15"), 23: ("2015-11-02", "2015-11-13"), 24: ("2016-01-18", "2016-01-29"),
    25: ("2016-05-02", "2016-05-13"), 26: ("2016-10-31", "2016-11-11"), 27: ("2017-05-01", "2017-05-12"),
    28: ("2017-11-06", "2017-11-17"), 29: ("2018-01-15", "2018-01-26"), 30: ("2018-05-07", "2018-05-18"),
    31: ("2018-11-05", "2018-11-16"), 32: ("2019-01-21", "2019-02-01"), 33: ("2019-05-06", "2019-05-17"),
    34: ("2019-11-04", "2019-11-15"), 35: ("2020-01-20", "2020-01-31"), 36: ("2020-11-02", "2020-11-13"),
    37: ("2021-01-18", "2021-01-29"), 38: ("2021-05-03", "2021-05-14"), 39: ("2021-11-01", "2021-11-12"),
    40: ("2022-01-24", "2022-02-04"), 41: ("2022-11-07", "2022-11-18"), 42: ("2023-01-23", "2023-02-03"),
    43: ("2023-05-01", "2023-05-12"), 44: ("2023-11-06", "2023-11-17"), 45: ("2024-01-22", "2024-02-02"),
    46: ("2024-04-29", "2024-05-10"), 47: ("2024-11-04", "2024-11-15"), 48: ("2025-01-20", "2025-01-31"),
    49: ("2025-04-28", "2025-05-09"), 50: ("2025-11-03", "2025-11-14"), 52: ("2026-05-04", "2026-05-15"),
}
# Cycles 2 to 4 have 14 sessions each and review the States in the same order.
SESSIONS_BETWEEN_REVIEWS = 14


def cycle_of(session):
    """UPR cycle of a Working Group session (1: 1-12, 2: 13-26, 3: 27-40, 4: 41-54)."""
    session = int(session)
    if session not in SESSION_YEARS:
        raise ValueError(f"session {session} is outside 1-54")
    return max(c for c, first in CYCLE_FIRST_SESSIONS.items() if session >= first)


def year_of(session):
    """Year in which a Working Group session was held."""
    if int(session) not in SESSION_YEARS:
        raise ValueError(f"session {session} is outside 1-54")
    return SESSION_YEARS[int(session)]


def session_dates(session):
    """First and last day of a Working Group session (``datetime.date``), or None where upr-lab does not know
    them (sessions 51, 53, 54)."""
    if int(session) not in SESSION_YEARS:
        raise ValueError(f"session {session} is outside 1-54")
    found = SESSION_DATES.get(int(session))
    return found and tuple(date.fromisoformat(day) for day in found)


def next_session(session):
    """The session of a State's next review from cycle 2 on (14 sessions later), or None when that is beyond
    session 54 or the session is in cycle 1 (cycle 1 had 12 sessions: its order was not kept)."""
    later = int(session) + SESSIONS_BETWEEN_REVIEWS
    return later if cycle_of(session) >= 2 and later in SESSION_YEARS else None


def sessions_of(cycle):
    """The sessions of a cycle, in order."""
    first = CYCLE_FIRST_SESSIONS[cycle]
    last = CYCLE_FIRST_SESSIONS.get(cycle + 1, max(SESSION_YEARS) + 1) - 1
    return list(range(first, last + 1))


# The Human Rights Council adopts the outcome of each Working Group session at a later session; the
# outcome report (A/HRC/<council session>/<number>) carries the Council's session. Cycles 1-2, checked
# against the UPR Info exports for Working Group sessions 1-20 (every State reviewed in both sources).
COUNCIL_TO_WORKING_GROUP = {
    10: 3, 11: 4, 12: 5, 13: 6, 14: 7, 15: 8, 16: 9, 17: 10, 18: 11, 19: 12,
    21: 13, 22: 14, 23: 15, 24: 16, 25: 17, 26: 18, 27: 19, 28: 20,
    29: 21, 30: 22, 31: 23, 32: 24, 33: 25, 34: 26,
}
# Council session 8 adopted the outcomes of Working Group sessions 1 and 2: reports A/HRC/8/19 to 34
# are those of session 1, A/HRC/8/35 to 50 those of session 2 (numbered in the order of the reviews).
COUNCIL_8_FIRST_OF_SESSION_2 = 35


def working_group_session(council_session, report_number):
    """The Working Group session whose outcome report is A/HRC/<council_session>/<report_number>, or None
    when upr-lab does not know that Council session (it knows sessions 8-34: UPR cycles 1 and 2)."""
    if council_session == 8:
        return 1 if report_number < COUNCIL_8_FIRST_OF_SESSION_2 else 2
    return COUNCIL_TO_WORKING_GROUP.get(council_session)
