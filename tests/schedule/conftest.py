import pytest


@pytest.fixture(autouse=True)
def lessons_without_journal(db):
    """The timetable's tests edit lessons the demo journal has already filled, and a
    lesson holding journal data is never rewritten (tests/schedule/test_timetable.py
    checks that). Here the journal starts empty, inside each test's transaction, with
    its periods open (a closed period's rows change through no path).

    The rows go in one DELETE per table (``_raw_delete``): collecting the marks through
    the ORM took 1–2 s a test. Nothing else points at them but the marks (at their
    works) and the homework's files, deleted first; the periods are open, so the
    journal's own guard would refuse nothing either."""
    from curriculum.models import Period
    from journal.models import Attendance, Homework, HomeworkFile, Mark, Task
    from schedule.models import Lesson

    Period.objects.update(closed_at=None, closed_by=None)
    for model in (Mark, Task, Attendance, HomeworkFile, Homework):
        queryset = model._base_manager.all()
        queryset._raw_delete(queryset.db)
    Lesson.objects.filter(attendance_taken=True).update(attendance_taken=False)
    Lesson.objects.filter(topic_edited=True).update(topic_edited=False)
