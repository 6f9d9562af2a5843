"""R-INST-3 and R-CUR-2: regional settings, a school's choices, load limits."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from curriculum.factories import (
    AcademicYearFactory,
    CurriculumLineFactory,
    CurriculumProfileFactory,
    GradingScaleFactory,
    InstitutionSettingsFactory,
    LoadLimitFactory,
    PeriodTypeFactory,
    SubjectFactory,
)
from curriculum.forms import InstitutionSettingsForm
from curriculum.models import (
    CurriculumLine,
    GradingScale,
    Holiday,
    LoadLimit,
    MarkType,
    PeriodType,
)
from curriculum.wagtail_hooks import InstitutionSettingsViewSet
from records.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_usual_values_are_seeded_department_wide():
    assert dict(PeriodType.objects.department_wide().values_list("name", "periods_count")) == {
        "четверти": 4, "триместры": 3, "полугодия": 2}
    five = GradingScale.objects.department_wide().get(name="пятибалльная")
    assert five.mark_list() == ["5", "4", "3", "2", "1"]
    assert five.passing_marks() == ["5", "4", "3"]
    assert GradingScale.objects.department_wide().get(name="зачёт/незачёт").passing_marks() == [
        "зачёт"]
    weights = dict(MarkType.objects.department_wide().values_list("name", "weight"))
    assert weights["контрольная работа"] == Decimal("5")
    assert weights["ответ на уроке"] == Decimal("1")
    department = LoadLimit.objects.department_wide()
    assert department.get(grade=1, week_days=5).max_hours == 21
    assert department.get(grade=9, week_days=6).max_hours == 36
    assert not department.filter(grade=1, week_days=6).exists()


def test_a_grading_scale_needs_its_lowest_passing_mark_among_its_marks():
    scale = GradingScale(name="десятибалльная", marks="10, 9, 8", lowest_passing_mark="4")
    with pytest.raises(ValidationError) as error:
        scale.full_clean()
    assert "lowest_passing_mark" in error.value.message_dict


def test_holidays_must_end_after_they_start():
    holiday = Holiday(name="Осенние каникулы", first_day="2026-11-04", last_day="2026-10-26")
    with pytest.raises(ValidationError) as error:
        holiday.full_clean()
    assert "last_day" in error.value.message_dict


def test_a_school_may_lower_a_load_limit_but_not_raise_it():
    school = InstitutionFactory()
    LoadLimit(institution=school, grade=5, week_days=5, max_hours=27).full_clean()
    with pytest.raises(ValidationError) as error:
        LoadLimit(institution=school, grade=5, week_days=5, max_hours=30).full_clean()
    assert "29" in " ".join(error.value.message_dict["max_hours"])


def test_the_effective_limit_is_the_schools_own_where_it_set_one():
    school, other = InstitutionFactory(), InstitutionFactory()
    LoadLimitFactory(institution=school, grade=5, max_hours=27)
    LoadLimitFactory(institution=other, grade=6, max_hours=20)
    limits = LoadLimit.objects.effective(school, 5)
    assert limits[5] == 27
    assert limits[6] == 30  # another school's limit does not apply
    assert limits[1] == 21


def test_weekly_totals_and_the_grades_over_their_limit():
    school = InstitutionFactory()
    year = AcademicYearFactory(institution=school)
    profile = CurriculumProfileFactory(institution=school)
    for hours in (20, 10):
        CurriculumLineFactory(institution=school, academic_year=year, grade=5,
                              hours_per_week=hours)
    CurriculumLineFactory(institution=school, academic_year=year, grade=10, hours_per_week=30)
    CurriculumLineFactory(institution=school, academic_year=year, grade=10, profile=profile,
                          hours_per_week=5)
    lines = CurriculumLine.objects.of_year(year)
    assert lines.weekly_totals() == {(5, None): 30, (10, None): 30, (10, profile.pk): 35}
    assert lines.over_limit(school, 5) == [(5, None, 30, 29), (10, profile.pk, 35, 34)]
    LoadLimitFactory(institution=school, grade=10, max_hours=29)
    assert [row[:2] for row in lines.over_limit(school, 5)] == [
        (5, None), (10, None), (10, profile.pk)]


def test_settings_choose_among_department_rows_and_the_schools_own():
    school, other = InstitutionFactory(), InstitutionFactory()
    own_scale = GradingScaleFactory(institution=school)
    foreign_scale = GradingScaleFactory(institution=other)
    foreign_type = PeriodTypeFactory(institution=other)
    settings = InstitutionSettingsFactory(institution=school, grading_scale=own_scale)
    settings.full_clean()
    settings.grading_scale = foreign_scale
    settings.default_period_type = foreign_type
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    assert set(error.value.message_dict) == {"grading_scale", "default_period_type"}

    settings.refresh_from_db()
    form_class = InstitutionSettingsViewSet().get_edit_handler().get_form_class()
    assert issubclass(form_class, InstitutionSettingsForm)
    form = form_class(instance=settings, for_user=None)
    offered = set(form.fields["grading_scale"].queryset)
    assert own_scale in offered and foreign_scale not in offered
    assert set(GradingScale.objects.department_wide()) <= offered
    assert foreign_type not in set(form.fields["default_period_type"].queryset)


def test_period_finals_round_at_the_schools_threshold():
    settings = InstitutionSettingsFactory()
    assert settings.round_final(Decimal("4.5")) == 5
    assert settings.round_final(Decimal("4.49")) == 4
    settings.rounding_threshold = Decimal("0.6")
    assert settings.round_final(Decimal("4.5")) == 4
    assert settings.round_final(Decimal("3.6")) == 4


def test_a_curriculum_line_cannot_use_another_schools_subject():
    school = InstitutionFactory()
    year = AcademicYearFactory(institution=school)
    line = CurriculumLine(institution=school, academic_year=year, grade=5,
                          subject=SubjectFactory(), hours_per_week=2)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "subject" in error.value.message_dict
