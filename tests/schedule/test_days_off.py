"""R-SCH-1: the dated lessons skip Russia's public holidays and the moved days off of
the production calendar in every school, whatever holidays the school entered."""

import datetime

import pytest

from curriculum.days_off import public_days_off
from schedule.factories import TimetableEntryFactory
from schedule.lessons import generate_lessons
from schedule.models import Lesson

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("weekday, days_off", [
    (1, [D(2027, 1, 4), D(2027, 3, 8), D(2027, 5, 3), D(2027, 5, 10)]),  # Mondays
    (2, [D(2027, 1, 5), D(2027, 2, 23)]),  # Tuesdays
    (3, [D(2026, 11, 4), D(2027, 1, 6)]),  # Wednesdays
    (4, [D(2026, 12, 31), D(2027, 1, 7)]),  # Thursdays
])
def test_no_lesson_is_generated_on_a_public_holiday(weekday, days_off):
    entry = TimetableEntryFactory(weekday=weekday)  # 1 September 2026 – 31 May 2027
    generate_lessons(entry.academic_year)
    dates = set(Lesson.objects.filter(entry=entry).values_list("date", flat=True))
    every_day_off = set(public_days_off(entry.valid_from, entry.valid_to))
    assert dates and not dates & set(days_off)
    assert not dates & every_day_off
    # The week after a day off has its lesson again (unless it is a day off too).
    assert {day + datetime.timedelta(days=7) for day in days_off} - every_day_off <= dates
