"""Russia's public holidays and the production calendar's moved days off
(curriculum.days_off): the days no school gives lessons on."""

import datetime

from curriculum.days_off import MOVED_NAME, public_days_off, year_days_off

D = datetime.date


def weekdays_off(first, last):
    return {day for day in public_days_off(first, last) if day.weekday() < 5}


def test_every_public_holiday_of_the_labour_code_is_a_day_off():
    days = year_days_off(2027)
    expected = {D(2027, 1, n) for n in range(1, 9)} | {
        D(2027, 2, 23), D(2027, 3, 8), D(2027, 5, 1), D(2027, 5, 9), D(2027, 6, 12),
        D(2027, 11, 4)}
    assert expected <= set(days)
    assert days[D(2027, 2, 23)] == "День защитника Отечества"
    assert days[D(2027, 3, 8)] == "Международный женский день"


def test_the_weekdays_off_of_2026_are_those_of_the_production_calendar():
    assert weekdays_off(D(2026, 1, 1), D(2026, 12, 31)) == {
        # 1–8 January, and 9 January moved from Saturday 3 January by the resolution
        D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 7),
        D(2026, 1, 8), D(2026, 1, 9),
        D(2026, 2, 23),
        D(2026, 3, 9),  # 8 March is a Sunday
        D(2026, 5, 1),
        D(2026, 5, 11),  # 9 May is a Saturday
        D(2026, 6, 12), D(2026, 11, 4),
        D(2026, 12, 31),  # moved from Sunday 4 January by the resolution
    }


def test_a_holiday_on_a_weekend_moves_the_day_off_to_the_next_working_day():
    days = year_days_off(2027)
    # 1 May 2027 is a Saturday, 9 May a Sunday, 12 June a Saturday.
    for holiday, moved in [(D(2027, 5, 1), D(2027, 5, 3)), (D(2027, 5, 9), D(2027, 5, 10)),
                           (D(2027, 6, 12), D(2027, 6, 14))]:
        assert holiday.weekday() >= 5 and days[moved] == MOVED_NAME
    # The weekend days of the New Year holidays move only by a resolution, which for
    # 2027 is not encoded: no weekday after them is taken.
    assert D(2027, 1, 11) not in days


def test_the_days_are_given_for_any_span_across_years():
    days = public_days_off(D(2026, 9, 1), D(2027, 5, 31))
    assert min(days) == D(2026, 11, 4) and max(days) == D(2027, 5, 10)
    assert D(2026, 12, 31) in days and D(2026, 5, 11) not in days
    assert list(days) == sorted(days)
