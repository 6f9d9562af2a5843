"""The journal part of the demo city: a school's settings, periods and curriculum plan,
as if its staff had gone through the setup wizard. Rows are written in bulk.

Called by ``portal.demo.city.CityBuilder``: ``seed_school_settings`` while a school is
planned (it needs only the school and its year), ``seed_curriculum`` once the school's
subjects are written.
"""

import datetime
from dataclasses import dataclass

from curriculum.models import (
    STEPS,
    Component,
    CurriculumLine,
    CurriculumProfile,
    GradePeriodType,
    GradingScale,
    Holiday,
    InstitutionSettings,
    LoadLimit,
    MarkType,
    Period,
    PeriodType,
    SetupWizard,
    default_period_bounds,
)

D = datetime.date


def demo_year_start(today):
    """1 September of the demo city's school year on ``today``: the year that holds the
    day, and from 1 June on the coming one (the year ends on 31 May; the summer belongs
    to preparing the next)."""
    return D(today.year if today.month >= 6 else today.year - 1, 9, 1)


def _monday_on_or_before(day):
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class DemoCalendar:
    """The demo city's year from its first day: the same pattern every year (2026/2027:
    holidays 26.10–04.11, 31.12–10.01, 22.03–31.03), the weekdays shifting with it.
    Each period runs until the day before the next, so the holidays between two periods
    belong to the first of them."""

    starts_on: datetime.date

    @property
    def name(self):
        return f"{self.starts_on.year}/{self.starts_on.year + 1}"

    @property
    def ends_on(self):
        return D(self.starts_on.year + 1, 5, 31)

    @property
    def holidays(self):
        year = self.starts_on.year
        # Autumn: from the last Monday of October to the Day of National Unity (at least
        # a week); winter: from New Year's Eve to the Sunday of Orthodox Christmas week;
        # spring: ten days from the Monday of the week of 22 March.
        autumn = _monday_on_or_before(D(year, 10, 31))
        christmas = D(year + 1, 1, 7)
        winter_end = christmas + datetime.timedelta(days=6 - christmas.weekday())
        spring = _monday_on_or_before(D(year + 1, 3, 22))
        return [
            ("Осенние каникулы", autumn,
             max(D(year, 11, 4), autumn + datetime.timedelta(days=6))),
            ("Зимние каникулы", D(year, 12, 31), winter_end),
            ("Весенние каникулы", spring, spring + datetime.timedelta(days=9)),
        ]

    @property
    def quarters(self):
        ends = [last for _name, _first, last in self.holidays] + [self.ends_on]
        starts = [self.starts_on] + [end + datetime.timedelta(days=1) for end in ends[:-1]]
        return list(zip(starts, ends, strict=True))

    @property
    def half_years(self):
        quarters = self.quarters
        return [(quarters[0][0], quarters[1][1]), (quarters[2][0], quarters[3][1])]


def demo_calendar(today):
    return DemoCalendar(demo_year_start(today))


def _grades(first, last, hours):
    return dict.fromkeys(range(first, last + 1), hours)


# Hours a week of the federal basic plan for a five-day week (every grade stays within
# its load limit); a school's subjects not listed here get no line.
PLAN = {
    "Русский язык": {**_grades(1, 5, 5), 6: 6, 7: 4, 8: 3, 9: 3, 10: 2, 11: 2},
    "Литературное чтение": {**_grades(1, 3, 4), 4: 3},
    "Математика": {**_grades(1, 4, 4), 5: 5, 6: 5},
    "Окружающий мир": _grades(1, 4, 2),
    "Английский язык": _grades(2, 4, 2) | _grades(5, 11, 3),
    "Физическая культура": _grades(1, 11, 2),
    "Музыка": _grades(1, 7, 1),
    "Изобразительное искусство": _grades(1, 7, 1),
    "Технология": {**_grades(5, 7, 2), 8: 1},
    "Литература": {5: 3, 6: 3, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3},
    "Алгебра": _grades(7, 11, 3),
    "Геометрия": _grades(7, 11, 2),
    "Информатика": _grades(7, 11, 1),
    "История": _grades(5, 11, 2),
    "Обществознание": _grades(6, 9, 1) | _grades(10, 11, 2),
    "География": {5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 1, 11: 1},
    "Биология": {5: 1, 6: 1, 7: 1, 8: 2, 9: 2, 10: 1, 11: 1},
    "Физика": {7: 2, 8: 2, 9: 3, 10: 2, 11: 2},
    "Химия": {8: 2, 9: 2, 10: 1, 11: 1},
}


def _department_row(model, **lookups):
    return model.objects.department_wide().get(**lookups)


def seed_school_settings(institution, year, grades):
    """Settings, a profile, the period type of each grade (quarters for 1–9, half-years
    for 10–11), the periods and holidays of the year, and a completed wizard."""
    quarters = _department_row(PeriodType, name="четверти")
    half_years = _department_row(PeriodType, name="полугодия")
    InstitutionSettings.objects.create(
        institution=institution, grading_scale=_department_row(GradingScale, name="пятибалльная"),
        default_period_type=quarters,
    )
    CurriculumProfile.objects.create(institution=institution, name="универсальный")
    GradePeriodType.objects.bulk_create([
        GradePeriodType(institution=institution, academic_year=year, grade=grade,
                        period_type=quarters if grade <= 9 else half_years)
        for grade in sorted(grades)
    ])
    demo = DemoCalendar(year.starts_on)
    is_demo_year = year.ends_on == demo.ends_on
    periods = []
    for kind, bounds in ((quarters, demo.quarters), (half_years, demo.half_years)):
        if not is_demo_year:
            bounds = default_period_bounds(year, kind)
        periods += [Period(institution=institution, academic_year=year, period_type=kind,
                           number=number, starts_on=start, ends_on=end)
                    for number, (start, end) in enumerate(bounds, start=1)]
    Period.objects.bulk_create(periods)
    if is_demo_year:
        Holiday.objects.bulk_create([
            Holiday(institution=institution, name=name, first_day=first, last_day=last)
            for name, first, last in demo.holidays
        ])
    SetupWizard.objects.create(
        institution=institution, academic_year=year, completed_steps=list(STEPS),
        current_step=STEPS[-1], completed_at=datetime.datetime.combine(
            year.starts_on - datetime.timedelta(days=7), datetime.time(9),
            tzinfo=datetime.UTC),
    )


def seed_curriculum(institution, year, grades, subjects):
    """The common curriculum of the school's grades; ``subjects`` maps a subject's name
    to its (saved) row."""
    CurriculumLine.objects.bulk_create([
        CurriculumLine(institution=institution, academic_year=year, grade=grade,
                       subject=subjects[name], component=Component.FEDERAL,
                       hours_per_week=hours)
        for name, by_grade in PLAN.items() if name in subjects
        for grade, hours in sorted(by_grade.items()) if grade in grades
    ])


# What the demo city's reset() deletes, children before parents.
SCHOOL_MODELS = (SetupWizard, CurriculumLine, Period, GradePeriodType, CurriculumProfile,
                 InstitutionSettings, Holiday, LoadLimit, MarkType, GradingScale, PeriodType)
