"""R-CUR-3: the teacher load of a year, compared with the plan; approved by the director,
after which the load is frozen until the deputy starts a new version; read-only for the
department."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from curriculum.actions import APPROVED
from curriculum.factories import (
    AcademicYearFactory,
    CurriculumLineFactory,
    SchoolClassFactory,
    SubgroupFactory,
    SubjectFactory,
    TeachingAssignmentFactory,
)
from curriculum.models import AcademicYear, Tariffication, TeachingAssignment
from curriculum.planning import compare_with_plan, year_assignments
from records.factories import StaffFactory

pytestmark = pytest.mark.django_db
URL = reverse("journal_load:index")


def year_of(username):
    return AcademicYear.objects.get(is_current=True,
                                    institution__staff__person__user__username=username)


def test_the_deputy_sees_who_teaches_what_and_the_totals(client_for, django_assert_max_num_queries):
    client = client_for("school1.deputy")
    year = year_of("school1.deputy")
    with django_assert_max_num_queries(25):
        response = client.get(URL)
    assert response.status_code == 200
    assignments = TeachingAssignment.objects.filter(school_class__academic_year=year)
    assert len(response.context["assignments"]) == assignments.count()
    total = sum(hours for _name, hours in response.context["totals"])
    assert total == sum(a.hours_per_week for a in assignments)


def test_the_page_costs_the_same_with_more_rows(client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("school1.deputy")
    year = year_of("school1.deputy")
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    school_class = SchoolClassFactory(institution=year.institution, academic_year=year,
                                      grade=7, letter="Я")
    for _n in range(3):
        TeachingAssignmentFactory(institution=year.institution, school_class=school_class,
                                  teacher=StaffFactory(institution=year.institution),
                                  subject=SubjectFactory(institution=year.institution))
    with django_assert_num_queries(len(before)):
        client.get(URL)


def test_under_and_over_assigned_hours_are_found_and_subgroups_count_once():
    year = AcademicYearFactory()
    school = year.institution
    school_class = SchoolClassFactory(institution=school, academic_year=year, grade=5)
    english, maths, art = (SubjectFactory(institution=school) for _n in range(3))
    for subject, hours in [(english, 3), (maths, 5), (art, 1)]:
        CurriculumLineFactory(institution=school, academic_year=year, grade=5,
                              subject=subject, hours_per_week=hours)
    groups = [SubgroupFactory(school_class=school_class, subject=english) for _n in range(2)]
    for group in groups:
        TeachingAssignmentFactory(institution=school, school_class=school_class,
                                  subject=english, subgroup=group, hours_per_week=3,
                                  teacher=StaffFactory(institution=school))
    TeachingAssignmentFactory(institution=school, school_class=school_class, subject=maths,
                              hours_per_week=6, teacher=StaffFactory(institution=school))
    rows = compare_with_plan(year, year_assignments(year))
    status = {(r.subject.pk, r.subgroup.pk if r.subgroup else None): r for r in rows}
    assert status[(english.pk, groups[0].pk)].status == "ok"
    assert status[(english.pk, groups[1].pk)].assigned == Decimal("3")
    assert status[(maths.pk, None)].status == "over"
    assert status[(art.pk, None)].status == "under"
    assert status[(art.pk, None)].assigned == 0


def test_the_director_approves_and_the_load_is_frozen_until_a_new_version(client_for,
                                                                          english):
    year = year_of("school1.director")
    assignment = TeachingAssignment.objects.filter(school_class__academic_year=year).first()
    # The demo city's load was approved before the year began: the deputy starts a new
    # version to change it, and the director approves that one.
    assert Tariffication.is_locked(year.pk)
    deputy = client_for("school1.deputy")
    assert deputy.post(URL, {"year": year.pk, "action": "new_version"}).status_code == 302
    assert not Tariffication.is_locked(year.pk)
    director = client_for("school1.director")
    response = director.post(URL, {"year": year.pk, "action": "approve"})
    assert response.status_code == 302
    version = Tariffication.latest_for(year.pk)
    assert version.version == 2
    assert version.approved_at and version.approved_by.username == "school1.director"
    assert len(version.snapshot) == TeachingAssignment.objects.filter(
        school_class__academic_year=year).count()
    assert ModelLogEntry.objects.filter(action=APPROVED, object_id=str(version.pk)).exists()
    # The model refuses a change with a message that says what to do.
    assignment.hours_per_week += 1
    with pytest.raises(ValidationError, match="start a new version"):
        assignment.full_clean()
    # So does the admin's delete (the deputy logged in again: one client serves both).
    deputy = client_for("school1.deputy")
    deputy.post(reverse("curriculum_teachingassignment:delete", args=[assignment.pk]))
    assert TeachingAssignment.objects.filter(pk=assignment.pk).exists()
    # The deputy starts a new version; the approved snapshot stays visible.
    response = deputy.post(URL, {"year": year.pk, "action": "new_version"})
    assert response.status_code == 302
    assert not Tariffication.is_locked(year.pk)
    assignment.full_clean()
    page = deputy.get(URL)
    assert page.context["approved"] == version
    assert "data-approved-totals" in page.content.decode()


def versions_of(year):
    return list(Tariffication.objects.filter(academic_year=year).order_by("version")
                .values_list("version", "approved_at"))


def test_only_the_director_approves_and_only_the_deputy_starts_versions(client_for):
    year = year_of("school1.deputy")
    before = versions_of(year)
    assert client_for("school1.deputy").post(
        URL, {"year": year.pk, "action": "approve"}).status_code == 403
    assert client_for("school1.director").post(
        URL, {"year": year.pk, "action": "new_version"}).status_code == 403
    assert versions_of(year) == before


def test_the_department_reads_but_does_not_approve(client_for):
    year = year_of("school1.deputy")
    dept = client_for("dept")
    response = dept.get(URL, {"year": year.pk})
    assert response.status_code == 200 and not response.context["may_approve"]
    assert dept.post(URL, {"year": year.pk, "action": "approve"}).status_code == 403


@pytest.mark.parametrize("username", ["school1.teacher", "school1.parent", "school1.pupil"])
def test_teachers_parents_and_pupils_are_refused(client_for, username):
    assert client_for(username).get(URL).status_code == 403


def test_another_schools_year_is_not_found(client_for):
    other = year_of("school2.admin")
    before = versions_of(other)
    assert client_for("school1.director").get(URL, {"year": other.pk}).status_code == 404
    assert client_for("school1.director").post(
        URL, {"year": other.pk, "action": "approve"}).status_code == 404
    assert versions_of(other) == before
