"""R-DRY-1 on the family's start page (records:family) and a pupil's own card
(records:me → records:pupil): each child's card shows today's lessons (or the next
school day's) with the child's marks and absences, the homework due at the next school
day and the latest marks, each linking to the diary. Another child's marks never
appear; staff reading a pupil's card get no diary day; the page's queries do not grow
with the journal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curriculum.models import ClassMembership, MarkType
from journal import cells
from journal.models import Attendance, AttendanceKind, Homework
from portal.access import today
from records.models import Pupil, User
from schedule.models import Lesson
from tests.journal.conftest import english, school_week  # noqa: F401 - the journal's fixtures

# Held lessons on several days of the open quarter; messages compared by their English
# source text (tests/journal/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_week", "english")]


def child():
    return Pupil.objects.select_related("school_class").get(
        person__user__username="school1.pupil")


def writer():
    return User.objects.get(username="school1.deputy")


def lessons_of(pupil, day):
    return list(Lesson.objects.filter(school_class=pupil.school_class, subgroup__isnull=True,
                                      date=day).order_by("lesson_number"))


@pytest.fixture
def day_of_child():
    """Today's first lesson of school1.pupil with a new mark, a classmate's mark in the
    same work, and a homework due at the next school day after today."""
    pupil = child()
    lesson = lessons_of(pupil, today())[0]
    task = cells.new_task(writer(), lesson, MarkType.objects.department_wide().get(
        name="контрольная работа"))
    mark = cells.save_mark(writer(), task, pupil.pk, value="5", version=0,
                           comment="Отлично")
    other = (Pupil.objects.filter(class_memberships__in=ClassMembership.objects.filter(
        school_class=pupil.school_class).on(today()))
        .exclude(guardianships__parent__person__user__username="school1.parent")
        .first())
    secret = cells.save_mark(writer(), task, other.pk, value="2", version=0)
    following = (Lesson.objects.filter(school_class=pupil.school_class,
                                       subgroup__isnull=True, date__gt=today())
                 .order_by("date", "lesson_number").first())
    stored = Homework.objects.filter(lesson=lesson).first()
    homework = cells.save_homework(writer(), lesson, text="Выучить таблицу умножения",
                                   links="", due_on=following.date,
                                   version=stored.version if stored else 0)
    return {"pupil": pupil, "lesson": lesson, "mark": mark, "secret": secret,
            "next_day": following.date, "homework": homework}


def test_the_parent_sees_each_childs_day(client_for, day_of_child):
    response = client_for("school1.parent").get(reverse("records:family"))
    assert response.status_code == 200
    page = response.content.decode()
    pupil = day_of_child["pupil"]
    card = page.split(f'data-child="{pupil.pk}"')[1].split("</article>")[0]
    # Today's lessons, the child's new mark among them and the latest marks.
    for lesson in lessons_of(pupil, today()):
        assert f'data-lesson="{lesson.pk}"' in card
    assert card.count(f'data-mark="{day_of_child["mark"].pk}"') == 2
    assert 'class="mark mark-5"' in card
    # The homework due at the next school day, and the way to the diary.
    assert f'data-child-homework="{day_of_child["next_day"]:%Y-%m-%d}"' in card
    assert f'data-homework="{day_of_child["homework"].pk}"' in card
    assert "Выучить таблицу умножения" in card
    assert f'href="{reverse("journal:diary", args=[pupil.pk])}' in card
    assert reverse("journal:diary_period", args=[pupil.pk]) in card
    # Both children have a card.
    glances = [glance for _child, glance in response.context["children"]]
    assert len(glances) == 2


def test_another_childs_marks_never_appear(client_for, day_of_child):
    for username in ("school1.parent", "school1.pupil"):
        client = client_for(username)
        url = reverse("records:family") if username == "school1.parent" else reverse(
            "records:pupil", args=[day_of_child["pupil"].pk])
        page = client.get(url).content.decode()
        assert f'data-mark="{day_of_child["secret"].pk}"' not in page


def test_the_pupils_own_page_shows_the_day(client_for, day_of_child):
    client = client_for("school1.pupil")
    response = client.get(reverse("records:me"), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-child-day="{today():%Y-%m-%d}"' in page
    assert f'data-mark="{day_of_child["mark"].pk}"' in page
    assert f'data-homework="{day_of_child["homework"].pk}"' in page


@pytest.mark.parametrize("username", ["school1.classteacher", "school1.deputy"])
def test_staff_reading_a_pupils_card_get_no_diary_day(client_for, day_of_child, username):
    response = client_for(username).get(reverse("records:pupil",
                                                args=[day_of_child["pupil"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-child-day" not in page
    assert f'data-mark="{day_of_child["mark"].pk}"' not in page


def test_another_family_gets_no_card_of_the_child(client_for, day_of_child):
    response = client_for("school2.parent").get(reverse("records:family"))
    assert f'data-child="{day_of_child["pupil"].pk}"' not in response.content.decode()
    assert client_for("school2.parent").get(reverse(
        "records:pupil", args=[day_of_child["pupil"].pk])).status_code == 404


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_family_page_does_not_grow_with_the_journal(client_for, day_of_child,
                                                        django_assert_max_num_queries):
    client = client_for("school1.parent")
    url = reverse("records:family")
    before = count(client, url)
    pupil = day_of_child["pupil"]
    for lesson in lessons_of(pupil, today())[1:]:
        task = cells.new_task(writer(), lesson, MarkType.objects.department_wide().get(
            name="ответ на уроке"))
        cells.save_mark(writer(), task, pupil.pk, value="4", version=0)
        stored = Homework.objects.filter(lesson=lesson).first()
        cells.save_homework(writer(), lesson, text="ещё", links="", due_on=None,
                            version=stored.version if stored else 0)
    assert count(client, url) == before
    with django_assert_max_num_queries(12):
        client.get(url)


def test_todays_absence_is_lettered_on_the_card(client_for, day_of_child):
    pupil = day_of_child["pupil"]
    lesson = lessons_of(pupil, today())[-1]
    current = Attendance.objects.filter(lesson=lesson, pupil=pupil).first()
    cells.save_attendance(writer(), lesson, pupil.pk, kind=AttendanceKind.ABSENT,
                          version=current.version if current else 0)
    page = client_for("school1.parent").get(reverse("records:family")).content.decode()
    row = page.split(f'data-lesson="{lesson.pk}"')[1].split("</li>")[0]
    assert 'class="absence absent"' in row and 'aria-label="absent"' in row
