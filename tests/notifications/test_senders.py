"""The journal's senders: a new or changed mark reaches the pupil and their parents, new
homework the pupils of the lesson and their parents, and nobody else (a parent of
another class, another school's parent); nothing before the save commits."""

import pytest
from django.core import mail

from curriculum.models import MarkType
from journal import cells
from journal.models import Homework
from notifications.models import Notification
from portal.access import today
from records.models import Guardianship, Pupil, User
from schedule.models import Lesson

pytestmark = pytest.mark.django_db


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def pupil():
    return Pupil.objects.select_related("school_class").get(
        person__user__username="school1.pupil")


@pytest.fixture
def lesson(pupil):
    """A held lesson of the pupil's class, of a teacher with a login."""
    return (Lesson.objects.filter(school_class=pupil.school_class, is_cancelled=False,
                                  subgroup__isnull=True, date__lte=today(),
                                  teacher__person__user__isnull=False)
            .select_related("school_class", "teacher__person__user")
            .order_by("-date", "-lesson_number").first())


@pytest.fixture
def other_class_parent(pupil):
    """A parent with a login whose child is in another class of the same school."""
    guardianship = (Guardianship.objects.filter(
        pupil__institution_id=pupil.institution_id, pupil__left_on__isnull=True,
        parent__person__user__isnull=True)
        .exclude(pupil__school_class=pupil.school_class).select_related("parent__person")
        .first())
    login = User.objects.create(username="other.parent", email="other@example.ru")
    person = guardianship.parent.person
    person.user = login
    person.save(update_fields=["user"])
    return login


def notified(source_prefix):
    return set(Notification.objects.filter(source_key__startswith=source_prefix)
               .values_list("user__username", flat=True))


def test_a_new_and_a_changed_mark_reach_the_pupil_and_their_parents_only(
        django_capture_on_commit_callbacks, pupil, lesson, other_class_parent):
    teacher = lesson.teacher.person.user
    task = cells.new_task(teacher, lesson,
                          MarkType.objects.department_wide().get(name="контрольная работа"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mark = cells.save_mark(teacher, task, pupil.pk, value="4", version=0)
    # Nothing before the commit; one notification per save once it commits.
    assert not Notification.objects.filter(source_key__startswith="journal.mark:")\
        .filter(source_key__contains=f":{mark.pk}:").exists()
    assert len(callbacks) == 1
    callbacks[0]()
    family = {"school1.pupil", "school1.parent"}
    assert notified(f"journal.mark:{mark.pk}:") >= family
    reached = notified(f"journal.mark:{mark.pk}:")
    assert "other.parent" not in reached and "school2.parent" not in reached
    expected = set(User.objects.filter(
        person__parent_records__guardianships__pupil=pupil).values_list(
        "username", flat=True)) | {"school1.pupil"}
    assert reached == expected
    row = Notification.objects.get(user__username="school1.parent",
                                   source_key__startswith=f"journal.mark:{mark.pk}:")
    assert row.title == f"Новая отметка 4: {lesson.subject.name}"
    assert row.url.startswith(f"/diary/{pupil.pk}/")
    assert mail.outbox == []  # marks: in the portal only, by default

    with django_capture_on_commit_callbacks(execute=True):
        cells.save_mark(teacher, task, pupil.pk, value="5", version=mark.version)
    titles = set(Notification.objects.filter(
        user__username="school1.parent", source_key__startswith=f"journal.mark:{mark.pk}:")
        .values_list("title", flat=True))
    assert f"Отметка изменена на 5 (была 4): {lesson.subject.name}" in titles

    # A comment alone, or clearing the mark, tells nobody.
    with django_capture_on_commit_callbacks(execute=True):
        current = cells.save_mark(teacher, task, pupil.pk, value="5",
                                  version=task.marks.get(pupil=pupil).version, comment="ok")
        cells.save_mark(teacher, task, pupil.pk, value="", version=current.version)
    assert Notification.objects.filter(
        source_key__startswith=f"journal.mark:{mark.pk}:").count() == 2 * len(expected)


def test_new_homework_reaches_the_class_and_their_parents(
        django_capture_on_commit_callbacks, pupil, lesson, other_class_parent):
    teacher = lesson.teacher.person.user
    Homework.objects.filter(lesson=lesson).delete()
    with django_capture_on_commit_callbacks(execute=True):
        homework = cells.save_homework(teacher, lesson, text="§ 12, упражнения 1–3",
                                       links="", due_on=None, version=0)
    reached = notified(f"journal.homework:{homework.pk}")
    assert {"school1.pupil", "school1.parent"} <= reached
    assert "other.parent" not in reached and "school2.parent" not in reached
    assert teacher.username not in reached
    row = Notification.objects.get(user__username="school1.parent",
                                   source_key=f"journal.homework:{homework.pk}")
    assert row.title == f"Домашнее задание: {lesson.subject.name}"
    assert "§ 12" in row.body
    # Editing the text later tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        cells.save_homework(teacher, lesson, text="§ 12–13", links="", due_on=None,
                            version=Homework.objects.get(pk=homework.pk).version)
    assert Notification.objects.filter(
        source_key=f"journal.homework:{homework.pk}").count() == len(reached)


def test_the_homework_link_opens_the_childs_diary_on_its_week(
        django_capture_on_commit_callbacks, client_for, pupil, lesson):
    teacher = lesson.teacher.person.user
    Homework.objects.filter(lesson=lesson).delete()
    with django_capture_on_commit_callbacks(execute=True):
        homework = cells.save_homework(teacher, lesson, text="стр. 40", links="",
                                       due_on=None, version=0)
    row = Notification.objects.get(user__username="school1.parent",
                                   source_key=f"journal.homework:{homework.pk}")
    client = client_for("school1.parent")
    response = client.get(row.url)
    assert response.status_code == 302
    assert response["Location"] == f"/diary/{pupil.pk}/?date={lesson.date.isoformat()}"
