"""R-JRN-5: two people saving the same cell at once never overwrite each other
silently. Two real database connections (two threads) on PostgreSQL, where the
second save waits on the first one's row lock and then sees its new version."""

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from journal import cells
from journal.models import ClassMembership, MarkType, Task
from records.models import User
from schedule.models import Lesson

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def in_thread(function, results, key, *args):
    """Run ``function`` on its own database connection and keep what it returned."""

    def run():
        try:
            results[key] = function(*args)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[key] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def committed_task():
    """A new work on a past lesson of school1.teacher, committed so both connections
    see it; returned with the teacher, the deputy and a pupil of the class."""
    teacher, deputy = (User.objects.get(username=n) for n in ("school1.teacher",
                                                              "school1.deputy"))
    lesson = (Lesson.objects.filter(teacher__person__user=teacher, is_cancelled=False,
                                    subgroup__isnull=True, school_class__grade__gt=1,
                                    date__lt=timezone.localdate())
              .select_related("school_class").order_by("-date").first())
    pupil = ClassMembership.objects.filter(school_class=lesson.school_class).on(
        lesson.date).first().pupil_id
    mark_type = MarkType.objects.department_wide().get(name="контрольная работа")
    return teacher, deputy, lesson.pk, pupil, mark_type


def cleanup(task_pk):
    def run():
        Task.objects.filter(pk=task_pk).delete()
        from wagtail.models import ModelLogEntry

        ModelLogEntry.objects.filter(object_id=str(task_pk),
                                     content_type__model="task").delete()
    results = {}
    in_thread(run, results, "cleanup").join()


@pytest.mark.parametrize("existing", [True, False], ids=["change", "first-entry"])
def test_the_second_of_two_simultaneous_saves_gets_a_conflict(existing):
    teacher, deputy, lesson_pk, pupil, mark_type = committed_task()
    results = {}
    created = threading.Event()

    def make_task():
        lesson = Lesson.objects.select_related("school_class").get(pk=lesson_pk)
        task = cells.new_task(teacher, lesson, mark_type)
        if existing:
            cells.save_mark(teacher, task, pupil, value="3", version=0)
        return task.pk

    in_thread(make_task, results, "task").join()
    task_pk = results["task"]
    assert isinstance(task_pk, int), task_pk
    version = 1 if existing else 0
    try:
        a_written, b_started = threading.Event(), threading.Event()

        def first():
            from django.db import transaction

            task = Task.objects.select_related("lesson__school_class").get(pk=task_pk)
            with transaction.atomic():
                mark = cells.save_mark(teacher, task, pupil, value="4", version=version)
                a_written.set()
                b_started.wait(10)
                time.sleep(0.5)  # the second save is now waiting on our lock
            return mark.value

        def second():
            task = Task.objects.select_related("lesson__school_class").get(pk=task_pk)
            a_written.wait(10)
            b_started.set()
            return cells.save_mark(deputy, task, pupil, value="5", version=version)

        threads = [in_thread(first, results, "first"), in_thread(second, results, "second")]
        for thread in threads:
            thread.join(30)
        created.set()
        assert results["first"] == "4"
        conflict = results["second"]
        assert isinstance(conflict, cells.Conflict), conflict
        assert conflict.current.value == "4"
        assert conflict.current.version == version + 1

        def stored():
            from journal.models import Mark

            return list(Mark.objects.filter(task_id=task_pk).values_list("value", "version"))

        in_thread(stored, results, "stored").join()
        assert results["stored"] == [("4", version + 1)]
    finally:
        cleanup(task_pk)
