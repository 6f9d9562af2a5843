"""R-CUR-2: the plan of a year in the admin, with totals per grade and profile and a
warning where a grade exceeds its load limit; read-only, scoped to the user's schools."""

from decimal import Decimal

import pytest
from django.urls import reverse

from curriculum.models import AcademicYear, CurriculumLine, CurriculumProfile, Subject
from curriculum.planning import curriculum_plan

pytestmark = pytest.mark.django_db
URL = reverse("journal_plan:index")


def school_year(username):
    return AcademicYear.objects.get(is_current=True,
                                    institution__staff__person__user__username=username)


def test_the_deputy_sees_totals_and_the_limit_of_each_grade(client_for, english):
    client = client_for("school1.deputy")
    year = school_year("school1.deputy")
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["year"] == year
    columns = {c.key: c for c in response.context["columns"]}
    lines = CurriculumLine.objects.filter(academic_year=year, grade=5, profile__isnull=True)
    assert columns[(5, None)].total == sum(line.hours_per_week for line in lines)
    assert columns[(5, None)].limit == 29
    assert "data-curriculum-plan" in response.content.decode()


def test_a_grade_over_its_limit_is_warned_about(client_for, english):
    year = school_year("school1.deputy")
    subject = Subject.objects.create(institution=year.institution, name="Extra hours")
    CurriculumLine.objects.create(institution=year.institution, academic_year=year, grade=6,
                                  subject=subject, hours_per_week=Decimal("15"))
    response = client_for("school1.deputy").get(URL)
    html = response.content.decode()
    assert "data-over-limit" in html
    assert [c.grade for c in response.context["over"]] == [6]


def test_a_profile_column_adds_the_common_part_of_its_grade():
    year = school_year("school1.deputy")
    profile = CurriculumProfile.objects.create(institution=year.institution, name="Tech")
    subject = Subject.objects.create(institution=year.institution, name="Robotics")
    CurriculumLine.objects.create(institution=year.institution, academic_year=year, grade=10,
                                  profile=profile, subject=subject, hours_per_week=2)
    columns, rows = curriculum_plan(year)
    by_key = {c.key: c for c in columns}
    assert by_key[(10, profile.pk)].total == by_key[(10, None)].total + 2
    robotics = next(r for r in rows if r.subject == subject)
    position = [c.key for c in columns].index((10, None))
    assert robotics.cells[position] is None


def test_the_department_reads_any_school_and_a_teacher_only_their_own(client_for):
    other = AcademicYear.objects.filter(institution__short_name__isnull=False).exclude(
        institution=school_year("school1.deputy").institution).first()
    assert client_for("dept").get(URL, {"year": other.pk}).status_code == 200
    client = client_for("school1.teacher")
    assert client.get(URL).status_code == 200
    assert client.get(URL, {"year": other.pk}).status_code == 404
    assert client.get(URL, {"year": "x'"}).status_code == 404


@pytest.mark.parametrize("username", ["school1.parent", "school1.pupil"])
def test_parents_and_pupils_are_refused(client_for, username):
    assert client_for(username).get(URL).status_code == 403


def test_it_is_read_only(client_for):
    year = school_year("school1.deputy")
    before = CurriculumLine.objects.filter(academic_year=year).count()
    response = client_for("school1.deputy").post(URL, {"year": year.pk, "grade": 5})
    assert response.status_code == 405
    assert CurriculumLine.objects.filter(academic_year=year).count() == before
