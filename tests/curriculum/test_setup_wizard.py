"""R-WIZ-1: the data-entry wizard of a new school: each step validates and saves whole,
the wizard resumes where it stopped, and only one person edits it at a time."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from curriculum.models import (
    STEPS,
    CurriculumLine,
    GradePeriodType,
    InstitutionSettings,
    LoadLimit,
    Period,
    PeriodType,
    SchoolClass,
    SetupWizard,
    Subject,
)
from portal.access import Role
from records.factories import InstitutionFactory, PersonFactory, RoleAssignmentFactory, UserFactory
from records.models import DirectoryEntry, Staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def member(institution, role):
    person = PersonFactory(user=UserFactory())
    RoleAssignmentFactory(person=person, role=role, institution=institution)
    return person.user


@pytest.fixture
def school():
    return InstitutionFactory()


@pytest.fixture
def admin(school):
    return member(school, Role.ADMIN)


@pytest.fixture
def deputy(school):
    return member(school, Role.DEPUTY_ACADEMIC)


def step_url(school, step):
    return reverse("journal_setup_step", args=[school.pk, step])


def rows(*filled, prefix="rows"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(filled)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(filled):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def quarters():
    return PeriodType.objects.department_wide().get(name="четверти")


def valid_data(school, step):
    if step == "year":
        return {"name": "2026/2027", "starts_on": "2026-09-01", "ends_on": "2027-05-31",
                "week_days": "5"}
    if step == "staff":
        return rows({"surname": "Ковалёва", "name": "Анна", "patronymic": "Петровна",
                     "position": "Учитель математики"},
                    {"surname": "Сидоров", "name": "Олег", "patronymic": "",
                     "position": "Учитель русского языка"})
    if step == "subjects":
        return rows({"name": "Математика", "short_name": "мат"},
                    {"name": "Русский язык", "short_name": ""})
    if step == "profiles":
        return rows({"name": "универсальный"})
    if step == "limits":
        return {"grade_5": "28"}
    if step == "curriculum":
        subjects = {s.name: s.pk for s in Subject.objects.filter(institution=school)}
        data = {f"component_{pk}": "federal" for pk in subjects.values()}
        data[f"hours_{subjects['Математика']}_5"] = "5"
        data[f"hours_{subjects['Русский язык']}_5"] = "5"
        return data
    if step == "periods":
        data = {f"type_{grade}": str(quarters().pk) for grade in range(1, 12)}
        kind = quarters().pk
        for number, (start, end) in enumerate([
            ("2026-09-01", "2026-11-04"), ("2026-11-05", "2027-01-10"),
            ("2027-01-11", "2027-03-31"), ("2027-04-01", "2027-05-31"),
        ], start=1):
            data[f"start_{kind}_{number}"], data[f"end_{kind}_{number}"] = start, end
        return data
    if step == "classes":
        teacher = Staff.objects.filter(institution=school).first()
        return rows({"grade": "5", "letter": "а", "class_teacher": str(teacher.pk)},
                    {"grade": "5", "letter": "Б", "class_teacher": ""})
    raise AssertionError(step)


def complete_until(client, school, last):
    """Saves every step before ``last`` with valid data."""
    for step in STEPS[: STEPS.index(last)]:
        response = client.post(step_url(school, step), valid_data(school, step))
        assert response.status_code == 302, (step, response.context and (
            response.context["form"].errors, getattr(response.context["form"],
                                                     "non_form_errors", list)()))


def errors_of(response):
    """Every message of the step's form or formset, non-field ones included."""
    form = response.context["form"]
    if hasattr(form, "non_form_errors"):
        found = [str(e) for e in form.non_form_errors()]
        forms = form.forms
    else:
        found, forms = [], [form]
    for each in forms:
        found += [str(m) for messages in each.errors.values() for m in messages]
    return found


# Access -------------------------------------------------------------------------------


def test_a_user_of_another_school_gets_404(client, school):
    client.force_login(member(InstitutionFactory(), Role.ADMIN))
    assert client.get(step_url(school, "year")).status_code == 404
    assert client.get(reverse("journal_setup_resume", args=[school.pk])).status_code == 404
    assert not SetupWizard.objects.filter(institution=school).exists()


@pytest.mark.parametrize("role", [Role.SUBJECT_TEACHER, Role.DIRECTOR, Role.SECRETARY])
def test_a_user_of_the_school_without_the_permission_gets_403(client, school, role):
    client.force_login(member(school, role))
    assert client.get(step_url(school, "year")).status_code == 403
    assert client.get(reverse("journal_setup")).status_code == 403
    admin_page = client.get("/admin/").content.decode()
    assert reverse("journal_setup") not in admin_page


def test_the_department_sees_the_school_but_may_not_run_its_wizard(client, school):
    person = PersonFactory(user=UserFactory())
    RoleAssignmentFactory(person=person, role=Role.CHIEF_SPECIALIST, institution=None)
    client.force_login(person.user)
    assert client.get(step_url(school, "year")).status_code == 403


def test_the_menu_leads_the_administrator_to_the_wizard_of_their_school(client, school, admin):
    client.force_login(admin)
    assert reverse("journal_setup") in client.get("/admin/").content.decode()
    response = client.get(reverse("journal_setup"))
    assert response.status_code == 302
    assert response.url == reverse("journal_setup_resume", args=[school.pk])
    assert client.get(response.url).url == step_url(school, "year")


# Steps --------------------------------------------------------------------------------


def test_the_year_step_refuses_an_end_before_the_start(client, school, admin):
    client.force_login(admin)
    response = client.post(step_url(school, "year"), {
        "name": "2026/2027", "starts_on": "2026-09-01", "ends_on": "2026-08-01",
        "week_days": "5"})
    assert response.status_code == 200
    assert "The year must end after it starts." in errors_of(response)
    assert not school.academic_years.exists()


def test_the_year_step_creates_the_year_and_the_settings(client, school, admin):
    client.force_login(admin)
    response = client.post(step_url(school, "year"), {**valid_data(school, "year"),
                                                      "week_days": "6"})
    assert response.url == step_url(school, "staff")
    year = school.academic_years.get()
    assert (year.starts_on, year.is_current) == (datetime.date(2026, 9, 1), True)
    settings = InstitutionSettings.objects.get(institution=school)
    assert settings.week_days == 6 and settings.grading_scale.institution_id is None
    wizard = SetupWizard.objects.get(institution=school)
    assert wizard.completed_steps == ["year"] and wizard.current_step == "staff"


def test_the_staff_step_wants_names_and_refuses_a_person_twice(client, school, admin):
    client.force_login(admin)
    complete_until(client, school, "staff")
    response = client.post(step_url(school, "staff"), rows({"surname": "Ковалёва", "name": "",
                                                            "patronymic": "", "position": "x"}))
    assert response.status_code == 200 and errors_of(response)
    twice = {"surname": "Ковалёва", "name": "Анна", "patronymic": "", "position": "Учитель"}
    response = client.post(step_url(school, "staff"), rows(twice, twice))
    assert "Ковалёва Анна is listed twice." in errors_of(response)
    response = client.post(step_url(school, "staff"), rows())
    assert "Enter at least one member of staff." in errors_of(response)
    assert not Staff.objects.filter(institution=school).exists()

    client.post(step_url(school, "staff"), valid_data(school, "staff"))
    staff = Staff.objects.filter(institution=school).select_related("person")
    assert {s.person.full_name for s in staff} == {"Ковалёва Анна Петровна", "Сидоров Олег"}


def test_a_deputy_cannot_add_staff_records_through_the_wizard(client, school, deputy):
    client.force_login(deputy)
    complete_until(client, school, "staff")
    response = client.post(step_url(school, "staff"), valid_data(school, "staff"))
    assert response.status_code == 200
    assert any("You may not add staff records" in e for e in errors_of(response))
    assert not Staff.objects.filter(institution=school).exists()


def test_the_subjects_step_refuses_a_subject_already_there(client, school, admin):
    client.force_login(admin)
    complete_until(client, school, "subjects")
    Subject.objects.create(institution=school, name="Математика")
    response = client.post(step_url(school, "subjects"), valid_data(school, "subjects"))
    assert "The subject Математика is already in the list." in errors_of(response)
    assert Subject.objects.filter(institution=school).count() == 1


def test_the_profiles_step_refuses_a_profile_twice(client, school, admin):
    client.force_login(admin)
    complete_until(client, school, "profiles")
    response = client.post(step_url(school, "profiles"), rows({"name": "универсальный"},
                                                              {"name": "Универсальный"}))
    assert "The profile Универсальный is already in the list." in errors_of(response)


def test_the_limits_step_shows_the_department_and_refuses_a_higher_own_limit(
        client, school, admin):
    client.force_login(admin)
    complete_until(client, school, "limits")
    page = client.get(step_url(school, "limits"))
    assert (5, 29) in [(grade, limit) for grade, limit, _ in page.context["form"].rows()]
    response = client.post(step_url(school, "limits"), {"grade_5": "31"})
    assert any("limit is 29 hours" in e for e in errors_of(response))
    assert not LoadLimit.objects.filter(institution=school).exists()
    client.post(step_url(school, "limits"), {"grade_5": "28"})
    assert LoadLimit.objects.get(institution=school).max_hours == 28


def test_the_curriculum_step_refuses_more_hours_than_the_limit(client, school, admin):
    client.force_login(admin)
    complete_until(client, school, "curriculum")
    data = valid_data(school, "curriculum")
    maths = Subject.objects.get(institution=school, name="Математика")
    data[f"hours_{maths.pk}_5"] = "20"  # 25 in all, the school's own limit is 28
    assert client.post(step_url(school, "curriculum"), data).status_code == 302
    data[f"hours_{maths.pk}_5"] = "19"
    data[f"hours_{Subject.objects.get(institution=school, name='Русский язык').pk}_5"] = "10"
    response = client.post(step_url(school, "curriculum"), data)
    assert "Grade 5: 29 hours a week, more than the limit of 28." in errors_of(response)
    assert CurriculumLine.objects.filter(institution=school, grade=5).count() == 2
    assert sum(line.hours_per_week for line in CurriculumLine.objects.filter(
        institution=school)) == 25


def test_the_periods_step_proposes_dates_and_refuses_a_gap(client, school, admin):
    client.force_login(admin)
    complete_until(client, school, "periods")
    form = client.get(step_url(school, "periods")).context["form"]
    kind = quarters().pk
    assert form[f"start_{kind}_1"].initial == datetime.date(2026, 9, 1)
    assert form[f"end_{kind}_4"].initial == datetime.date(2027, 5, 31)
    data = valid_data(school, "periods")
    data[f"start_{kind}_3"] = "2027-01-18"
    response = client.post(step_url(school, "periods"), data)
    assert any("gap between periods 2 and 3" in e for e in errors_of(response))
    assert not Period.objects.filter(institution=school).exists()

    half_years = PeriodType.objects.department_wide().get(name="полугодия")
    data = valid_data(school, "periods")
    data.update({"type_10": str(half_years.pk), "type_11": str(half_years.pk)})
    response = client.post(step_url(school, "periods"), data)
    assert any("полугодия: enter the first and the last day" in e for e in errors_of(response))
    data.update({f"start_{half_years.pk}_1": "2026-09-01", f"end_{half_years.pk}_1": "2027-01-10",
                 f"start_{half_years.pk}_2": "2027-01-11", f"end_{half_years.pk}_2": "2027-05-31"})
    assert client.post(step_url(school, "periods"), data).status_code == 302
    assert Period.objects.filter(institution=school, period_type=kind).count() == 4
    assert Period.objects.filter(institution=school, period_type=half_years).count() == 2
    assert GradePeriodType.objects.get(institution=school, grade=11).period_type == half_years


def test_the_classes_step_refuses_a_class_twice_and_a_teacher_leading_two(
        client, school, admin):
    client.force_login(admin)
    complete_until(client, school, "classes")
    teacher = Staff.objects.filter(institution=school).first()
    response = client.post(step_url(school, "classes"), rows(
        {"grade": "5", "letter": "а", "class_teacher": ""},
        {"grade": "5", "letter": "А", "class_teacher": ""}))
    assert "Class 5А is listed twice." in errors_of(response)
    response = client.post(step_url(school, "classes"), rows(
        {"grade": "5", "letter": "А", "class_teacher": str(teacher.pk)},
        {"grade": "6", "letter": "А", "class_teacher": str(teacher.pk)}))
    assert any("already leads class 5А" in e for e in errors_of(response))
    other = Staff.objects.create(institution=InstitutionFactory(), person=PersonFactory(),
                                 position=DirectoryEntry.objects.get(
                                     kind="position", name="Учитель", institution=None))
    response = client.post(step_url(school, "classes"), rows(
        {"grade": "5", "letter": "А", "class_teacher": str(other.pk)}))
    assert errors_of(response)
    assert not SchoolClass.objects.filter(institution=school).exists()

    client.post(step_url(school, "classes"), valid_data(school, "classes"))
    assert {str(c) for c in SchoolClass.objects.filter(institution=school)} == {"5А", "5Б"}
    wizard = SetupWizard.objects.get(institution=school)
    assert wizard.completed_at is not None and wizard.completed_steps == STEPS


# Resuming -----------------------------------------------------------------------------


def test_the_wizard_resumes_at_the_first_step_not_done(client, school, admin):
    client.force_login(admin)
    complete_until(client, school, "profiles")
    client.logout()
    client.force_login(admin)
    response = client.get(reverse("journal_setup_resume", args=[school.pk]))
    assert response.url == step_url(school, "profiles")
    # A later step does not open before the earlier ones are done.
    assert client.get(step_url(school, "periods")).url == step_url(school, "profiles")
    # A step already done opens with what was saved.
    form = client.get(step_url(school, "year")).context["form"]
    assert form.initial["name"] == "2026/2027"


# One editor at a time -------------------------------------------------------------------


def test_a_second_user_sees_who_holds_the_wizard_and_cannot_save(client, school, admin,
                                                                  deputy):
    client.force_login(admin)
    client.get(step_url(school, "year"))
    wizard = SetupWizard.objects.get(institution=school)
    assert wizard.locked and wizard.locked_by == admin

    client.force_login(deputy)
    page = client.get(step_url(school, "year"))
    html = page.content.decode()
    assert page.context["lock_holder"] == admin and not page.context["holds"]
    assert admin.person.full_name in html
    assert timezone.localtime(wizard.locked_at).strftime("%d.%m.%Y %H:%M") in html
    assert "data-save-step" not in html
    response = client.post(step_url(school, "year"), valid_data(school, "year"))
    assert response.status_code == 409
    assert not school.academic_years.exists()
    # Nor may the second user release someone else's lock.
    client.post(reverse("journal_setup_lock", args=[school.pk]), {"action": "release"})
    assert SetupWizard.objects.get(institution=school).locked_by == admin


def test_the_holder_releases_the_wizard_for_the_next_editor(client, school, admin, deputy):
    client.force_login(admin)
    client.get(step_url(school, "year"))
    response = client.post(reverse("journal_setup_lock", args=[school.pk]),
                           {"action": "release", "step": "year"})
    assert response.url == step_url(school, "year") + "?view=1"
    assert not SetupWizard.objects.get(institution=school).locked
    client.force_login(deputy)
    client.get(step_url(school, "year"))
    assert SetupWizard.objects.get(institution=school).locked_by == deputy
    assert client.post(step_url(school, "year"), valid_data(school, "year")).status_code == 302


def test_a_stale_lock_can_be_taken_over_and_a_fresh_one_cannot(client, school, admin, deputy):
    client.force_login(admin)
    client.get(step_url(school, "year"))
    lock_url = reverse("journal_setup_lock", args=[school.pk])
    client.force_login(deputy)
    client.post(lock_url, {"action": "take_over", "step": "year"})
    assert SetupWizard.objects.get(institution=school).locked_by == admin
    assert not client.get(step_url(school, "year")).context["stale"]

    SetupWizard.objects.filter(institution=school).update(
        last_activity_at=timezone.now() - datetime.timedelta(minutes=31))
    assert client.get(step_url(school, "year")).context["stale"]
    client.post(lock_url, {"action": "take_over", "step": "year"})
    wizard = SetupWizard.objects.get(institution=school)
    assert wizard.locked_by == deputy
    assert client.post(step_url(school, "year"), valid_data(school, "year")).status_code == 302
    client.force_login(admin)
    assert client.post(step_url(school, "staff"), valid_data(school, "staff")).status_code == 409


def test_a_user_of_two_schools_chooses_the_school(client, school, admin):
    second = InstitutionFactory()
    RoleAssignmentFactory(person=admin.person, role=Role.DEPUTY_ACADEMIC, institution=second)
    client.force_login(admin)
    response = client.get(reverse("journal_setup"))
    assert response.status_code == 200
    assert [s for s, _ in response.context["schools"]] == sorted(
        [school, second], key=lambda s: s.short_name)


def test_without_its_year_the_wizard_goes_back_to_the_first_step(client, school, admin):
    client.force_login(admin)
    complete_until(client, school, "subjects")
    school.academic_years.all().delete()
    response = client.get(step_url(school, "subjects"))
    assert response.url == step_url(school, "year")
