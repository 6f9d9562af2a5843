"""R-JRN-5: two people saving the same cell at once never overwrite each other
silently. Two real database connections (two threads) on PostgreSQL, where the
second save waits on the first one's row lock and then sees its new version."""

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from curriculum.models import ClassMembership, MarkType
from journal import cells
from journal.models import Task
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
        from django.db import transaction

        from journal import tallies

        task = Task.objects.select_related("lesson__school_class").filter(pk=task_pk).first()
        if task is not None:
            # The journal deletes no work; its marks' tallies are counted again here.
            pupils = list(task.marks.values_list("pupil_id", flat=True))
            with transaction.atomic():
                task.delete()
                tallies.recount(task.lesson, pupils)
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
            return task.pk, cells.save_mark(teacher, task, pupil, value="3", version=0).version
        return task.pk, 0

    in_thread(make_task, results, "task").join()
    assert isinstance(results["task"], tuple), results["task"]
    task_pk, version = results["task"]
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
            return mark.value, mark.version

        def second():
            task = Task.objects.select_related("lesson__school_class").get(pk=task_pk)
            a_written.wait(10)
            b_started.set()
            return cells.save_mark(deputy, task, pupil, value="5", version=version)

        threads = [in_thread(first, results, "first"), in_thread(second, results, "second")]
        for thread in threads:
            thread.join(30)
        created.set()
        value, written = results["first"]
        assert value == "4" and written > version
        conflict = results["second"]
        assert isinstance(conflict, cells.Conflict), conflict
        assert conflict.current.value == "4"
        assert conflict.current.version == written

        def stored():
            from journal.models import Mark

            return list(Mark.objects.filter(task_id=task_pk).values_list("value", "version"))

        in_thread(stored, results, "stored").join()
        assert results["stored"] == [("4", written)]
    finally:
        cleanup(task_pk)


# R-JRN-4 (issue 10, item 14): a period does not close under a save in flight. A save
# reads its period with a shared lock until it commits; closing locks it for update.


def committed_period(lesson_pk):
    from curriculum.models import Period

    lesson = Lesson.objects.select_related("school_class").get(pk=lesson_pk)
    return Period.objects.for_class(lesson.school_class).containing(lesson.date).get()


def reopen_and_clean(period_pk, task_pk):
    def run():
        from wagtail.models import ModelLogEntry

        from curriculum.models import Period

        Period.objects.filter(pk=period_pk).update(closed_at=None, closed_by=None)
        ModelLogEntry.objects.filter(object_id=str(period_pk),
                                     content_type__model="period").delete()
    results = {}
    in_thread(run, results, "reopen").join()
    cleanup(task_pk)


def new_task_of(teacher, lesson_pk, mark_type):
    results = {}

    def make():
        lesson = Lesson.objects.select_related("school_class").get(pk=lesson_pk)
        return cells.new_task(teacher, lesson, mark_type).pk

    in_thread(make, results, "task").join()
    assert isinstance(results["task"], int), results["task"]
    return results["task"]


def test_a_save_in_flight_holds_the_close_until_it_commits():
    from django.db import transaction

    from journal import finals
    from journal.models import Mark

    teacher, deputy, lesson_pk, pupil, mark_type = committed_task()
    period = committed_period(lesson_pk)
    assert not period.is_closed
    task_pk = new_task_of(teacher, lesson_pk, mark_type)
    results = {}
    saved, closing = threading.Event(), threading.Event()
    try:
        def save():
            task = Task.objects.select_related("lesson__school_class").get(pk=task_pk)
            with transaction.atomic():
                cells.save_mark(teacher, task, pupil, value="4", version=0)
                saved.set()
                closing.wait(10)
                time.sleep(0.5)  # the close is now waiting on our lock
            return time.monotonic()

        def close():
            saved.wait(10)
            closing.set()
            finals.close_period(deputy, period, confirm_missing=True)
            return time.monotonic()

        threads = [in_thread(save, results, "save"), in_thread(close, results, "close")]
        for thread in threads:
            thread.join(30)
        assert isinstance(results["save"], float), results["save"]
        assert isinstance(results["close"], float), results["close"]
        assert results["close"] > results["save"]  # the close waited for the save

        def stored():
            return (list(Mark.objects.filter(task_id=task_pk).values_list("value", flat=True)),
                    committed_period(lesson_pk).is_closed)

        in_thread(stored, results, "stored").join()
        assert results["stored"] == (["4"], True)
    finally:
        reopen_and_clean(period.pk, task_pk)


def test_a_save_during_a_close_waits_for_it_and_is_refused():
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from journal import finals
    from journal.models import Mark

    teacher, deputy, lesson_pk, pupil, mark_type = committed_task()
    period = committed_period(lesson_pk)
    assert not period.is_closed
    task_pk = new_task_of(teacher, lesson_pk, mark_type)
    results = {}
    closed, saving = threading.Event(), threading.Event()
    try:
        def close():
            with transaction.atomic():
                finals.close_period(deputy, period, confirm_missing=True)
                closed.set()
                saving.wait(10)
                time.sleep(0.5)  # the save is now waiting on our lock
            return time.monotonic()

        def save():
            task = Task.objects.select_related("lesson__school_class").get(pk=task_pk)
            closed.wait(10)
            saving.set()
            try:
                cells.save_mark(teacher, task, pupil, value="4", version=0)
            except ValidationError as error:
                return time.monotonic(), error.messages
            return "saved"

        threads = [in_thread(close, results, "close"), in_thread(save, results, "save")]
        for thread in threads:
            thread.join(30)
        assert isinstance(results["close"], float), results["close"]
        assert isinstance(results["save"], tuple), results["save"]
        refused_at, messages = results["save"]
        assert refused_at > results["close"]  # it waited for the close to commit
        assert "закрыт" in messages[0] or "closed" in messages[0]

        def stored():
            return list(Mark.objects.filter(task_id=task_pk).values_list("value", flat=True))

        in_thread(stored, results, "stored").join()
        assert results["stored"] == []
    finally:
        reopen_and_clean(period.pk, task_pk)


def test_two_simultaneous_saves_of_one_pupils_marks_leave_the_right_tally():
    """Two teachers save two works' marks of the same pupil, subject and period at once:
    the second save waits on the tally's lock and counts both marks."""
    from journal import tallies
    from journal.models import Tally

    teacher, deputy, lesson_pk, pupil, mark_type = committed_task()
    first_task, second_task = (new_task_of(teacher, lesson_pk, mark_type) for _ in "ab")
    results = {}
    a_written, b_started = threading.Event(), threading.Event()
    try:
        def first():
            from django.db import transaction

            task = Task.objects.select_related("lesson__school_class").get(pk=first_task)
            with transaction.atomic():
                cells.save_mark(teacher, task, pupil, value="2", version=0)
                a_written.set()
                b_started.wait(10)
                time.sleep(0.5)  # the second save now waits on the tally's lock
            return True

        def second():
            task = Task.objects.select_related("lesson__school_class").get(pk=second_task)
            a_written.wait(10)
            b_started.set()
            cells.save_mark(deputy, task, pupil, value="5", version=0)
            return True

        threads = [in_thread(first, results, "first"), in_thread(second, results, "second")]
        for thread in threads:
            thread.join(30)
        assert results == {"first": True, "second": True}, results

        def compare():
            lesson = Lesson.objects.select_related("school_class").get(pk=lesson_pk)
            expected = tallies.recomputed(lesson.academic_year)
            found = tallies.stored(lesson.academic_year)
            keys = [key for key in found if key[0] == pupil and key[2] == lesson.subject_id]
            row = Tally.objects.get(pupil_id=pupil, subject_id=lesson.subject_id,
                                    school_class_id=lesson.school_class_id,
                                    period__starts_on__lte=lesson.date,
                                    period__ends_on__gte=lesson.date)
            return [(expected.get(key), found[key]) for key in keys], row.marks

        in_thread(compare, results, "compare").join()
        pairs, marks = results["compare"]
        assert pairs and all(expected == found for expected, found in pairs), pairs
        assert marks >= 2
    finally:
        cleanup(first_task)
        cleanup(second_task)
