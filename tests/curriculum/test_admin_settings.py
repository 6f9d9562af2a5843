"""The admin listings of the settings and curriculum go through the matrix, and the
demo city has its settings, periods and plan."""

import pytest
from django.urls import reverse

from curriculum.factories import HolidayFactory
from curriculum.models import (
    STEPS,
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
)
from records.models import Institution
from tests.dates import DEMO

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SHARED = [PeriodType, GradingScale, MarkType, Holiday, LoadLimit]
SCHOOL_OWNED = [InstitutionSettings, CurriculumProfile, Period, GradePeriodType, CurriculumLine]


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def index(model):
    return reverse(f"curriculum_{model._meta.model_name}:index")


def listed(client, model, **filters):
    response = client.get(index(model), filters)
    assert response.status_code == 200, model
    return {row.institution_id for row in response.context["object_list"]}


@pytest.fixture
def own_holidays():
    """A holiday of each school besides the department's."""
    HolidayFactory(institution=None, name="Новогодние праздники")
    return [HolidayFactory(institution=school(n), name=f"Каникулы школы {n}") for n in (1, 2)]


@pytest.mark.parametrize("model", SHARED, ids=lambda m: m.__name__)
def test_a_school_lists_the_departments_rows_and_its_own(client_for, own_holidays, model):
    client = client_for("school1.deputy")
    shown = listed(client, model)
    assert None in shown
    assert shown <= {None, school(1).pk}
    if model is Holiday:
        assert shown == {None, school(1).pk}


@pytest.mark.parametrize("model", SCHOOL_OWNED, ids=lambda m: m.__name__)
def test_a_school_lists_only_its_own_curriculum(client_for, model):
    assert listed(client_for("school1.teacher"), model) == {school(1).pk}


def test_the_department_lists_every_school(client_for, own_holidays):
    client = client_for("dept")
    assert listed(client, Holiday) >= {None, school(1).pk, school(2).pk}
    # The plan is long: the listing's filter finds each school's part.
    for n in (1, 2):
        assert listed(client, CurriculumLine, institution=school(n).pk) == {school(n).pk}
    assert listed(client_for("school1.admin"), CurriculumLine,
                  institution=school(2).pk) != {school(2).pk}


def test_another_schools_row_is_404_and_a_department_row_is_read_only(client_for,
                                                                      own_holidays):
    client = client_for("school1.admin")
    other = own_holidays[1]
    assert client.get(reverse("curriculum_holiday:edit", args=[other.pk])).status_code == 404
    department = Holiday.objects.department_wide().first()
    response = client.get(reverse("curriculum_holiday:edit", args=[department.pk]))
    assert response.status_code in (302, 403)
    own = own_holidays[0]
    response = client.post(reverse("curriculum_holiday:edit", args=[own.pk]), {
        "institution": school(1).pk, "name": own.name, "first_day": own.last_day.isoformat(),
        "last_day": own.first_day.isoformat()})
    assert response.status_code == 200 and response.context["form"].errors
    first_day = own.first_day
    own.refresh_from_db()
    assert own.first_day == first_day


def test_a_school_cannot_make_a_department_row(client_for):
    client = client_for("school1.admin")
    before = MarkType.objects.count()
    response = client.post(reverse("curriculum_marktype:add"), {
        "institution": "", "name": "проект", "short_name": "П", "weight": "4"})
    assert response.status_code == 200
    assert MarkType.objects.count() == before
    response = client.post(reverse("curriculum_marktype:add"), {
        "institution": school(1).pk, "name": "проект", "short_name": "П", "weight": "4"})
    assert response.status_code == 302
    assert MarkType.objects.get(name="проект").institution == school(1)


def test_the_settings_form_offers_the_department_and_the_schools_own_choices(client_for):
    own = GradingScale.objects.create(institution=school(1), name="десятибалльная",
                                      marks="10,9,8,7,6,5,4,3,2,1", lowest_passing_mark="4")
    foreign = GradingScale.objects.create(institution=school(2), name="стобалльная",
                                          marks="100,50,0", lowest_passing_mark="50")
    settings = InstitutionSettings.objects.get(institution=school(1))
    form = client_for("school1.admin").get(
        reverse("curriculum_institutionsettings:edit", args=[settings.pk])).context["form"]
    offered = set(form.fields["grading_scale"].queryset)
    assert own in offered and foreign not in offered
    assert set(GradingScale.objects.department_wide()) <= offered


def test_every_school_of_the_demo_city_is_set_up():
    for institution in Institution.objects.all():
        settings = InstitutionSettings.objects.get(institution=institution)
        assert settings.grading_scale.name == "пятибалльная"
        year = institution.academic_years.get(is_current=True)
        quarters = Period.objects.of_year(year, settings.default_period_type)
        assert [(p.starts_on, p.ends_on) for p in quarters] == DEMO.quarters
        for period in quarters:
            period.full_clean()
        grades = set(institution.classes.values_list("grade", flat=True))
        assert set(GradePeriodType.objects.of_year(year).values_list("grade", flat=True)) == grades
        lines = CurriculumLine.objects.of_year(year)
        assert set(lines.values_list("grade", flat=True)) == grades
        assert lines.over_limit(institution, settings.week_days) == []
        assert Holiday.objects.filter(institution=institution).count() == 3
        wizard = SetupWizard.objects.get(institution=institution)
        assert wizard.completed_at and wizard.completed_steps == STEPS


def test_every_step_of_a_completed_wizard_opens(client_for):
    client = client_for("school1.admin")
    for step in STEPS:
        response = client.get(reverse("journal_setup_step", args=[school(1).pk, step]))
        assert response.status_code == 200, step
        assert "data-setup-completed" in response.content.decode()
    # Another school's administrator reads nothing of it.
    other = client_for("school2.admin")
    assert other.get(reverse("journal_setup_step", args=[school(1).pk, "year"])
                     ).status_code == 404
