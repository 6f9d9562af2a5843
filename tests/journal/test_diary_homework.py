"""R-DRY-1: the diary shows homework on the day it is due, as Russian e-diaries do, with
the lesson it was set in as a note: by its due date, or, undated, at the next held
lesson of its subject. The week's homework at a glance lists it by due day. Another
class's homework never appears."""

import datetime

import pytest
from django.urls import reverse

from curriculum.models import SchoolClass
from journal import cells, diary
from journal.models import Homework
from portal.access import today
from records.models import Pupil, User
from schedule.models import Lesson, week_of
from tests.dates import OPEN_FROM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _school_week(school_week):
    """Held lessons on several days of the open quarter (tests/journal/conftest.py)."""


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared by their English source text."""


def pupil():
    return Pupil.objects.select_related("school_class").get(
        person__user__username="school1.pupil")


def writer():
    return User.objects.get(username="school1.deputy")


def set_homework(lesson, text, due_on=None):
    stored = Homework.objects.filter(lesson=lesson).first()
    return cells.save_homework(writer(), lesson, text=text, links="", due_on=due_on,
                               version=stored.version if stored else 0)


def week_url(child, day):
    return f"{reverse('journal:diary', args=[child.pk])}?date={day.isoformat()}"


def class_lessons(school_class):
    return (Lesson.objects.filter(school_class=school_class, subgroup__isnull=True,
                                  date__gte=OPEN_FROM)
            .select_related("subject").order_by("date", "lesson_number", "pk"))


def across_weeks(school_class):
    """Two consecutive held lessons of one subject: one before this week (in the open
    quarter), the next in this week."""
    monday, saturday = week_of(today())
    last = {}
    for lesson in class_lessons(school_class).filter(date__lte=saturday, is_cancelled=False):
        before = last.get(lesson.subject_id)
        if before and before.date < monday <= lesson.date:
            return before, lesson
        last[lesson.subject_id] = lesson
    pytest.skip("no subject meets in the week before and in this one")


def shown(response):
    """{lesson pk: [homework pk due there]} and the homework at the tops of the days."""
    days = response.context["days"]
    due = {item.lesson.pk: [task.homework.pk for task in item.due]
           for d in days for item in d.lessons}
    extra = {d.day: [task.homework.pk for task in d.extra_homework] for d in days}
    return due, extra


def test_dated_homework_stands_on_its_due_lesson_with_where_it_was_set(client_for):
    child = pupil()
    set_in, due_at = across_weeks(child.school_class)
    homework = set_homework(set_in, "Параграф 12, вопросы 1–3", due_on=due_at.date)
    response = client_for("school1.parent").get(week_url(child, due_at.date))
    due, _extra = shown(response)
    assert homework.pk in due[due_at.pk]
    page = response.content.decode()
    article = page.split(f'data-lesson="{due_at.pk}"')[1].split("</article>")[0]
    assert "Параграф 12, вопросы 1–3" in article
    assert f"set in the lesson of {set_in.date:%d.%m}" in article
    # The glance lists it on its due day.
    glance = {d.day: [task.homework.pk for task in tasks]
              for d, tasks in response.context["glance"]}
    assert homework.pk in glance[due_at.date]
    # The week it was set in notes it on its lesson, not as due there.
    response = client_for("school1.parent").get(week_url(child, set_in.date))
    due, _extra = shown(response)
    assert homework.pk not in due.get(set_in.pk, [])
    assert f'data-assigned="{homework.pk}"' in response.content.decode()
    assert f"Homework set for {due_at.date:%d.%m}" in response.content.decode()


def test_undated_homework_is_due_at_the_next_held_lesson_of_its_subject(client_for):
    child = pupil()
    set_in, due_at = across_weeks(child.school_class)
    homework = set_homework(set_in, "Выучить стихотворение")
    client = client_for("school1.parent")
    due, _extra = shown(client.get(week_url(child, due_at.date)))
    assert homework.pk in due[due_at.pk]
    # The next lesson is cancelled: the homework moves on to the one after it.
    Lesson.objects.filter(pk=due_at.pk).update(is_cancelled=True)
    following = (class_lessons(child.school_class).filter(subject=set_in.subject,
                                                          is_cancelled=False)
                 .filter(date__gte=due_at.date).exclude(pk=due_at.pk)
                 .exclude(date=due_at.date, lesson_number__lt=due_at.lesson_number).first())
    due, _extra = shown(client.get(week_url(child, due_at.date)))
    assert homework.pk not in due[due_at.pk]
    if following and week_of(following.date) == week_of(due_at.date):
        assert homework.pk in due[following.pk]


def test_homework_due_on_a_day_without_its_subject_tops_that_day(client_for):
    child = pupil()
    set_in, _due_at = across_weeks(child.school_class)
    monday, saturday = week_of(today())
    with_subject = set(class_lessons(child.school_class).filter(
        subject=set_in.subject, date__gte=monday, date__lte=saturday)
        .values_list("date", flat=True))
    free = next((monday + datetime.timedelta(days=n) for n in range(6)
                 if monday + datetime.timedelta(days=n) not in with_subject), None)
    if free is None:
        pytest.skip("the subject meets every day of the week")
    homework = set_homework(set_in, "Принести гербарий", due_on=free)
    response = client_for("school1.parent").get(week_url(child, free))
    due, extra = shown(response)
    assert homework.pk in extra[free]
    assert not any(homework.pk in tasks for tasks in due.values())
    assert "Принести гербарий" in response.content.decode()


def test_another_classs_homework_never_appears(client_for):
    child = pupil()
    other = (SchoolClass.objects.filter(institution_id=child.institution_id,
                                        academic_year_id=child.school_class.academic_year_id)
             .exclude(pk=child.school_class_id).first())
    monday, saturday = week_of(today())
    lesson = class_lessons(other).filter(date__lte=today()).last()
    homework = set_homework(lesson, "Задание другого класса", due_on=saturday)
    response = client_for("school1.parent").get(week_url(child, saturday))
    due, extra = shown(response)
    assert all(homework.pk not in tasks for tasks in [*due.values(), *extra.values()])
    assert "Задание другого класса" not in response.content.decode()


def test_marks_are_coloured_by_value():
    assert [diary.mark_class(v) for v in ("5", "4+", "3-", "2", "1", "зачёт", "10", "")] == [
        "mark-5", "mark-4", "mark-3", "mark-2", "mark-2", "", "", ""]


def test_homework_due_on_a_sunday_is_due_on_monday(client_for):
    child = pupil()
    set_in, _due_at = across_weeks(child.school_class)
    monday = week_of(today())[0]
    homework = set_homework(set_in, "Проект к понедельнику",
                            due_on=monday - datetime.timedelta(days=1))
    response = client_for("school1.parent").get(week_url(child, monday))
    due, extra = shown(response)
    monday_lessons = {item.lesson.pk for item in response.context["days"][0].lessons}
    assert homework.pk in extra[monday] or any(
        homework.pk in due[pk] for pk in monday_lessons)
