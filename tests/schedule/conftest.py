import pytest


@pytest.fixture(autouse=True)
def lessons_without_journal(db):
    """The timetable's tests edit lessons the demo journal has already filled, and a
    lesson holding journal data is never rewritten (tests/schedule/test_timetable.py
    checks that). Here the journal starts empty, inside each test's transaction, with
    its periods open (a closed period's rows change through no path)."""
    from curriculum.models import Period
    from journal.models import Attendance, Homework, Task
    from schedule.models import Lesson

    Period.objects.update(closed_at=None, closed_by=None)
    Task.objects.all().delete()
    Attendance.objects.all().delete()
    Homework.objects.all().delete()
    Lesson.objects.filter(attendance_taken=True).update(attendance_taken=False)
    Lesson.objects.filter(topic_edited=True).update(topic_edited=False)
