"""The UPR calendar: Working Group sessions, their cycles and years."""

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
