"""R-JRN-5: /journal/ is where everyone who reads journals starts. The class teacher
finds every journal of the class they lead (whoever teaches it), the school's
leadership the overview and a way to each class's journals, and nobody finds a class
of another school."""

import pytest
from django.conf import settings

from curriculum.models import SchoolClass
from records.models import Institution
from schedule.models import Lesson

pytestmark = pytest.mark.django_db


def school(n):
    return Institution.objects.order_by("pk")[n - 1]


def class_5a():
    return SchoolClass.objects.current().get(institution=school(1), grade=5, letter="А")


def page(client_for, username):
    client = client_for(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/journal/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_class_teacher_finds_every_journal_of_their_class(client_for):
    html = page(client_for, "school1.classteacher")
    c = class_5a()
    assert f'data-led-class="{c.pk}"' in html
    journals = set(Lesson.objects.filter(school_class=c).values_list(
        "subject", "subgroup").order_by().distinct())
    assert len(journals) > 3
    for subject, group in journals:
        assert f'data-row="{c.pk}-{subject}-{group or ""}-' in html
    assert "You give no lessons this year." not in html
    # Only their own class: no other class's journal, no school overview.
    other = Lesson.objects.filter(school_class__institution=school(1)).exclude(
        school_class=c).values_list("school_class", flat=True).first()
    assert f'data-row="{other}-' not in html
    assert "/journal/school/" not in html


@pytest.mark.parametrize("username", ["school1.deputy", "school1.director"])
def test_the_leadership_finds_the_overview_and_every_class(client_for, username):
    html = page(client_for, username)
    assert f'href="/journal/school/{school(1).pk}/"' in html
    classes = SchoolClass.objects.current().filter(institution=school(1))
    assert classes.count() > 3
    for c in classes:
        assert f'data-class-link="{c.pk}"' in html
    for c in SchoolClass.objects.exclude(institution=school(1)):
        assert f'data-class-link="{c.pk}"' not in html
    assert f'data-review-school="{school(2).pk}"' not in html
    assert "You give no lessons this year." not in html


def test_a_subject_teacher_sees_no_class_lists_or_overview(client_for):
    html = page(client_for, "school1.teacher")
    assert "data-class-link=" not in html and "data-led-class=" not in html
    assert "data-journal=" in html


def test_the_class_teachers_start_has_a_fixed_number_of_queries(
        client_for, django_assert_max_num_queries):
    # Their class's journals and, as they teach too, their own.
    client = client_for("school1.classteacher")
    with django_assert_max_num_queries(16):
        assert client.get("/journal/").status_code == 200


def test_the_deputys_start_has_a_fixed_number_of_queries(
        client_for, django_assert_max_num_queries):
    client = client_for("school1.deputy")
    with django_assert_max_num_queries(12):
        assert client.get("/journal/").status_code == 200


def test_the_right_to_edit_ones_class_alone_reads_no_journal_of_it(client_for):
    """R-TEN-6's right to edit the lists of one's own class is not the class teacher's
    role: without that role neither /journal/ nor the dashboard shows the class's
    journals or absences."""
    from portal.access import Role
    from records.models import RoleAssignment

    assignments = RoleAssignment.objects.filter(person__user__username="school1.classteacher",
                                                role=Role.CLASS_TEACHER)
    assert assignments.exists()
    assignments.update(role=Role.EDIT_OWN_CLASS)
    client = client_for("school1.classteacher")
    journal = client.get("/journal/")
    assert journal.status_code == 200
    assert "data-led-class=" not in journal.content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert "data-led-class=" not in dashboard
    assert "/attendance/" not in dashboard
