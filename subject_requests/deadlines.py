"""Working-day arithmetic of the production calendar, for the deadlines of personal data
requests (152-ФЗ counts them in working days).

A working day is a weekday that is neither a public holiday nor a day off the holidays
move (``curriculum.days_off``: the Labour Code's art. 112 and the Government's yearly
resolutions known there). A Saturday the resolution makes a working day is not encoded
there, so it is not counted here either: a deadline then falls at most one day later
than the strict calendar, never earlier.

The day a request is received is not counted: ``add_working_days(received, 10)`` is the
tenth working day after it (the Civil Code's art. 191: a term starts the next day).
"""

import datetime
from functools import cache

from curriculum.days_off import year_days_off

ONE_DAY = datetime.timedelta(days=1)


@cache
def _days_off(year):
    return frozenset(year_days_off(year))


def is_working_day(day):
    return day.weekday() < 5 and day not in _days_off(day.year)


def add_working_days(start, count):
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    day = start
    while count > 0:
        day += ONE_DAY
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start, end):
    """How many working days come after ``start`` up to ``end`` included (0 when ``end``
    is not after ``start``)."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += is_working_day(day)
    return count
