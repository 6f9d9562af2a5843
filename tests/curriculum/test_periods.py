"""R-CUR-1: periods lie inside their year, do not overlap and leave no gaps."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from curriculum.factories import AcademicYearFactory, PeriodFactory
from curriculum.models import Period, PeriodType, default_period_bounds, period_set_errors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = datetime.date
QUARTERS = [(D(2026, 9, 1), D(2026, 11, 4)), (D(2026, 11, 5), D(2027, 1, 10)),
            (D(2027, 1, 11), D(2027, 3, 31)), (D(2027, 4, 1), D(2027, 5, 31))]


@pytest.fixture
def year():
    return AcademicYearFactory()


@pytest.fixture
def quarters():
    return PeriodType.objects.department_wide().get(name="четверти")


def messages(error):
    return " ".join(error.value.messages)


def test_a_whole_year_of_quarters_is_accepted(year, quarters):
    assert period_set_errors(year, quarters, QUARTERS) == []


def test_it_rejects_overlapping_periods(year, quarters):
    bounds = list(QUARTERS)
    bounds[1] = (D(2026, 11, 1), bounds[1][1])
    errors = [str(e) for e in period_set_errors(year, quarters, bounds)]
    assert any("periods 1 and 2 overlap" in e for e in errors), errors


def test_it_rejects_a_gap_and_says_where_the_next_period_must_start(year, quarters):
    bounds = list(QUARTERS)
    bounds[2] = (D(2027, 1, 18), bounds[2][1])
    errors = [str(e) for e in period_set_errors(year, quarters, bounds)]
    assert any("gap between periods 2 and 3" in e and "11.01.2027" in e for e in errors), errors


def test_it_rejects_a_period_outside_the_year(year, quarters):
    bounds = list(QUARTERS)
    bounds[3] = (bounds[3][0], D(2027, 6, 15))
    errors = [str(e) for e in period_set_errors(year, quarters, bounds)]
    assert any("outside the academic year" in e for e in errors), errors


def test_it_wants_the_number_of_periods_of_the_type(year, quarters):
    errors = [str(e) for e in period_set_errors(year, quarters, QUARTERS[:3])]
    assert any("there must be 4 periods" in e for e in errors), errors


def test_the_proposed_dates_are_a_valid_set(year):
    for kind in PeriodType.objects.department_wide():
        bounds = default_period_bounds(year, kind)
        assert period_set_errors(year, kind, bounds) == [], kind


def test_a_single_period_is_checked_against_the_stored_ones(year, quarters):
    PeriodFactory(institution=year.institution, academic_year=year, period_type=quarters,
                  number=1, starts_on=QUARTERS[0][0], ends_on=QUARTERS[0][1])
    overlapping = Period(institution=year.institution, academic_year=year,
                         period_type=quarters, number=2, starts_on=D(2026, 11, 1),
                         ends_on=D(2027, 1, 10))
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert "overlap" in messages(error)

    outside = Period(institution=year.institution, academic_year=year, period_type=quarters,
                     number=2, starts_on=D(2026, 11, 5), ends_on=D(2027, 7, 1))
    with pytest.raises(ValidationError) as error:
        outside.full_clean()
    assert "outside the academic year" in messages(error)


def test_the_last_missing_period_completes_the_set_only_without_gaps(year, quarters):
    for number, (start, end) in enumerate(QUARTERS[:3], start=1):
        PeriodFactory(institution=year.institution, academic_year=year, period_type=quarters,
                      number=number, starts_on=start, ends_on=end)
    last = Period(institution=year.institution, academic_year=year, period_type=quarters,
                  number=4, starts_on=D(2027, 4, 5), ends_on=D(2027, 5, 31))
    with pytest.raises(ValidationError) as error:
        last.full_clean()
    assert "gap between periods 3 and 4" in messages(error)
    last.starts_on = D(2027, 4, 1)
    last.full_clean()


def test_a_period_number_beyond_the_type_is_refused(year):
    half_years = PeriodType.objects.department_wide().get(name="полугодия")
    period = Period(institution=year.institution, academic_year=year, period_type=half_years,
                    number=3, starts_on=D(2027, 5, 1), ends_on=D(2027, 5, 31))
    with pytest.raises(ValidationError) as error:
        period.full_clean()
    assert "only 2 periods" in messages(error)


def test_a_class_takes_its_grades_periods_or_else_the_schools_default_type(
    django_assert_num_queries
):
    from curriculum.models import GradePeriodType, InstitutionSettings, SchoolClass

    school_class = SchoolClass.objects.get(academic_year__is_current=True,
                                           institution__short_name="СОШ № 1", grade=5,
                                           letter="А")
    chosen = GradePeriodType.objects.filter(academic_year_id=school_class.academic_year_id,
                                            grade=school_class.grade)
    with django_assert_num_queries(1):  # one query, whichever type applies
        own = list(Period.objects.for_class(school_class))
    assert own and {p.period_type_id for p in own} == set(
        chosen.values_list("period_type", flat=True))
    assert [p.number for p in own] == sorted(p.number for p in own)
    default = InstitutionSettings.objects.get(
        institution_id=school_class.institution_id).default_period_type_id
    chosen.delete()
    with django_assert_num_queries(1):
        fallback = list(Period.objects.for_class(school_class))
    assert fallback and fallback == list(Period.objects.filter(
        academic_year_id=school_class.academic_year_id, period_type_id=default,
    ).order_by("number"))


def test_every_reader_of_many_classes_periods_takes_the_same_rule():
    """The closing of a period, its missing finals and the overviews choose a class's
    periods as ``Period.objects.for_class`` does, also for a grade whose own type has no
    periods this year (it takes the school's default)."""
    from curriculum.closing import ClosedPeriods
    from curriculum.models import GradePeriodType, SchoolClass
    from journal.finals import classes_of_period
    from journal.overview import class_periods, with_period_types

    school_class = SchoolClass.objects.get(academic_year__is_current=True,
                                           institution__short_name="СОШ № 1", grade=5,
                                           letter="А")
    year = school_class.academic_year_id
    used = set(Period.objects.filter(academic_year_id=year)
               .values_list("period_type_id", flat=True))
    without_periods = PeriodType.objects.exclude(pk__in=used).first()
    assert without_periods is not None
    GradePeriodType.objects.update_or_create(
        academic_year_id=year, grade=school_class.grade,
        defaults={"period_type": without_periods})
    classes = list(with_period_types(SchoolClass.objects.filter(academic_year_id=year)))
    periods = class_periods(classes)
    every_period = list(Period.objects.filter(academic_year_id=year))
    for period in every_period:  # as if closed: the guard then asks whose period it is
        period.closed_at = datetime.datetime(2027, 6, 1, tzinfo=datetime.UTC)
    closing = ClosedPeriods(every_period)
    for c in classes:
        expected = list(Period.objects.for_class(c))
        assert expected, c
        assert periods[c.pk] == expected, c
        for period in expected:
            assert c in classes_of_period(period), (c, period)
            assert c.pk in closing.classes_of(period), (c, period)
            # One class alone, as a single save asks it.
            assert ClosedPeriods(every_period).period_of(c.pk, period.starts_on) == period
    assert periods[school_class.pk][0].period_type_id != without_periods.pk
