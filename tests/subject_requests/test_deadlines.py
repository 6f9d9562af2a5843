"""Working days of the production calendar (R-PD-4): the deadlines of personal data
requests skip weekends, public holidays and the days off they move."""

import datetime

import pytest

from subject_requests.deadlines import add_working_days, is_working_day, working_days_between
from subject_requests.models import RequestKind, deadline_for

D = datetime.date


def test_a_plain_week_counts_weekdays_only():
    # Monday 16 November 2026 + 10 working days = Monday 30 November.
    assert add_working_days(D(2026, 11, 16), 10) == D(2026, 11, 30)
    # Friday + 1 working day = Monday.
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)


def test_the_new_year_holidays_and_the_moved_days_are_not_working_days():
    # 31 December 2026 is the day off moved from 4 January; 1–8 January are holidays,
    # 9 January (a Saturday) is the day off moved from 3 January.
    for day in (D(2026, 12, 31), *(D(2027, 1, n) for n in range(1, 9))):
        assert not is_working_day(day), day
    # Access requested on Wednesday 30 December 2026: the 10 working days start on
    # Monday 11 January 2027 (11–15, 18–22).
    assert add_working_days(D(2026, 12, 30), 10) == D(2027, 1, 22)
    assert deadline_for(RequestKind.ACCESS, D(2026, 12, 30)) == D(2027, 1, 22)


def test_the_new_year_of_2026_with_its_moved_days():
    # 2026: 1–8 January off, Friday 9 January off (moved from Saturday 3 January).
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 12)


def test_the_may_holidays():
    # 2026: Friday 1 May and Saturday 9 May, whose day off moves to Monday 11 May.
    assert not is_working_day(D(2026, 5, 1))
    assert not is_working_day(D(2026, 5, 11))
    # A correction asked for on Thursday 30 April 2026: 4, 5, 6 May.
    assert deadline_for(RequestKind.CORRECTION, D(2026, 4, 30)) == D(2026, 5, 6)
    # Access asked for on Thursday 30 April 2026: 4–8, 12–15 May and Monday 18 May.
    assert deadline_for(RequestKind.ACCESS, D(2026, 4, 30)) == D(2026, 5, 18)


def test_the_day_received_is_not_counted():
    assert add_working_days(D(2026, 11, 18), 0) == D(2026, 11, 18)
    assert working_days_between(D(2026, 11, 18), D(2026, 11, 18)) == 0
    assert working_days_between(D(2026, 11, 18), D(2026, 11, 19)) == 1


@pytest.mark.parametrize(("kind", "days"), [
    (RequestKind.ACCESS, 10), (RequestKind.COPY, 10), (RequestKind.CORRECTION, 3)])
def test_each_kind_has_its_term_in_working_days(kind, days):
    received = D(2026, 11, 18)
    assert working_days_between(received, deadline_for(kind, received)) == days
