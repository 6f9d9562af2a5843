"""R-NF-2 for the API: the diary week (and the period and the homework of a week) read
a fixed number of queries, whatever the number of lessons, marks, absences, homework
and events; the key's lookup, its scopes and its rate limit included."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum.models import MarkType
from journal import cells
from journal.models import Attendance, AttendanceKind, Homework
from portal.access import today
from records.factories import PDF
from records.models import Pupil, User
from schedule.factories import EventFactory
from schedule.models import Lesson, week_of

pytestmark = pytest.mark.django_db

# The key with its user and scopes (1), what the user is (the access context: 1), the
# family's pupils (1), and the diary's own (as the diary's page: memberships, lessons,
# marks, homework and their files, courses, events; the period's marks, absences,
# finals and teachers). Besides these, the rate limit's count: in Redis (REDIS_URL,
# production) no query; in the database cache (the default) its reads and writes of
# one row, the same on every request (counted in ``count`` but not in the budget).
BUDGET = 12


def is_cache(sql):
    return "sgo_cache" in sql or sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT",
                                                 "ROLLBACK TO SAVEPOINT"))


def count(client, url):
    """(every query, the API's own queries) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len([q for q in queries if not is_cache(q["sql"])])


def fill_the_week(pupil, first=None):
    """A work with a mark, an absence, homework with a file and an event at every held
    lesson of the pupil's week so far (at the first ``first`` of them)."""
    writer = User.objects.get(username="school1.deputy")
    kind = MarkType.objects.for_institution(pupil.institution_id).first()
    monday, _saturday = week_of(today())
    lessons = Lesson.objects.filter(school_class=pupil.school_class, subgroup__isnull=True,
                                    is_cancelled=False, date__gte=monday, date__lte=today())
    assert lessons.count() >= 5
    for lesson in lessons.order_by("date", "lesson_number")[:first]:
        task = cells.new_task(writer, lesson, kind)
        cells.save_mark(writer, task, pupil.pk, value="4", version=0, comment="ещё")
        current = Attendance.objects.filter(lesson=lesson, pupil=pupil).first()
        cells.save_attendance(writer, lesson, pupil.pk, kind=AttendanceKind.ABSENT,
                              version=current.version if current else 0)
        stored = Homework.objects.filter(lesson=lesson).first()
        cells.save_homework(writer, lesson, text="ещё задание", links="https://example.ru",
                            due_on=None, version=stored.version if stored else 0,
                            files=[SimpleUploadedFile("a.pdf", PDF)])
        EventFactory(institution=pupil.institution, school_class=pupil.school_class,
                     starts_on=lesson.date, ends_on=lesson.date)


def test_the_diary_weeks_queries_do_not_grow_with_data(key_for, api_client):
    client = api_client(key_for("school1.parent"))
    pupil = Pupil.objects.select_related("school_class").get(
        person__user__username="school1.pupil")
    urls = [f"/api/v1/pupils/{pupil.pk}/diary/week",
            f"/api/v1/pupils/{pupil.pk}/diary/period",
            f"/api/v1/pupils/{pupil.pk}/homework"]
    # One lesson with all of it (a homework with a file reads its files: one query
    # more, never one per file), then all of them.
    fill_the_week(pupil, first=1)
    for url in urls:  # the key's "last used" is written once a minute: not counted below
        client.get(url)
    before = [count(client, url) for url in urls]
    fill_the_week(pupil)
    after = [count(client, url) for url in urls]
    assert after == before
    for url, (_every, own) in zip(urls, after, strict=True):
        assert own <= BUDGET, url
    week = client.get(urls[0]).json()
    marks = [mark for day in week["days"] for lesson in day["lessons"]
             for mark in lesson["marks"] if mark["comment"] == "ещё"]
    assert len(marks) >= 5
