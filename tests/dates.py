"""The day the suite runs on, and the demo city's year on it.

The suite never reads the wall clock: tests/conftest.py moves the clock to ``TODAY``
(environment ``SGO_TEST_TODAY``, default a Wednesday in the second quarter of
2026/2027) for the whole session and builds the demo city as on that day. Tests take
their dates from here, so they pass the same on any day and on any pinned date (the
Makefile's ``test-dates`` runs them on quarter boundaries, 1 June and 1 September).
"""

import datetime
import os
import zoneinfo

import time_machine

from journal.demo import demo_calendar

TODAY = datetime.date.fromisoformat(os.environ.get("SGO_TEST_TODAY", "2026-11-18"))
DEMO = demo_calendar(TODAY)
YEAR_START, YEAR_END = DEMO.starts_on, DEMO.ends_on
# seed_demo's arguments for the test city: small, built as on TODAY.
TEST_CITY = ["--size", "small", "--seed", "1", "--today", TODAY.isoformat()]
# The same city without its journal (the journal is drawn last, from the same random
# stream): for tests that rebuild the city and check what comes before the journal.
WITHOUT_JOURNAL = [*TEST_CITY, "--journal-until",
                   (YEAR_START - datetime.timedelta(days=1)).isoformat()]


def first_monday(after):
    """The first Monday on or after ``after``."""
    return after + datetime.timedelta(days=-after.weekday() % 7)


def current_quarter():
    """(start, end) of the demo year's quarter holding TODAY, else the first quarter."""
    return next(((start, end) for start, end in DEMO.quarters if start <= TODAY <= end),
                DEMO.quarters[0])


# The first whole school week of the demo year (7 September 2026).
FIRST_MONDAY = first_monday(YEAR_START)

# The quarter holding TODAY is open (the seed closes the ones that ended before it);
# tests take their held lessons from its first day on (the coming year's first quarter
# in the summer).
OPEN_FROM = current_quarter()[0]
# A day with a school week of the open quarter behind it: TODAY, unless TODAY is one of
# a quarter's first days or in the summer (see tests/journal/conftest.py).
SETTLED_DAY = max(TODAY, OPEN_FROM + datetime.timedelta(days=8))


def clock_at(day):
    """The clock moved to 10:00 of ``day`` in the portal's time zone, ticking."""
    zone = zoneinfo.ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Yakutsk"))
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=zone),
                               tick=True)
