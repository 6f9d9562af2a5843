"""A teacher's key writes the journal through ``journal.cells``, as the grid does: the
mark is saved with a new version, a save from a stale version gets 409 with what the
cell holds now, and the grid's refusals (scale, closed period, future lesson, a reader
who may not write) answer the same."""

import datetime

import pytest
from wagtail.models import ModelLogEntry

from api.models import TokenScopes
from journal.models import Attendance, Mark
from portal.access import today
from records.models import Pupil
from schedule.models import Lesson

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def teacher(key_for, api_client):
    return api_client(key_for("school1.teacher"))


def todays_5a_lesson(client):
    lessons = client.get("/api/v1/journal/lessons").json()
    lesson = next(lesson for lesson in lessons if lesson["school_class"] == "5А"
                  and not lesson["cancelled"])
    return client.get(f"/api/v1/journal/lessons/{lesson['id']}").json()


def new_work(client, lesson):
    response = post(client, f"/api/v1/journal/lessons/{lesson['id']}/works",
                    {"work_type": lesson["work_types"][0]["id"], "title": "API"})
    assert response.status_code == 201, response.content
    return response.json()["work"]["id"]


def test_a_teacher_saves_a_mark_and_gets_a_conflict_on_a_stale_version(teacher):
    lesson = todays_5a_lesson(teacher)
    pupil = lesson["pupils"][0]["id"]
    work = new_work(teacher, lesson)
    saved = post(teacher, "/api/v1/journal/marks",
                 {"work": work, "pupil": pupil, "value": "5", "version": 0})
    assert saved.status_code == 200, saved.content
    cell = saved.json()["cell"]
    assert cell["value"] == "5" and cell["version"] > 0
    mark = Mark.objects.get(task_id=work, pupil_id=pupil)
    assert (mark.value, mark.version) == ("5", cell["version"])
    # The journal's log entry of the cell, as the grid's save writes it.
    assert ModelLogEntry.objects.filter(action="journal.mark", object_id=str(work),
                                        data__pupil=pupil, data__new="5").exists()
    # The lesson's cells now carry that version.
    detail = teacher.get(f"/api/v1/journal/lessons/{lesson['id']}").json()
    assert {"work": work, "pupil": pupil, "value": "5", "debt": False, "comment": "",
            "version": cell["version"]} in detail["marks"]

    # Another client still holding version 0: refused with the stored cell.
    stale = post(teacher, "/api/v1/journal/marks",
                 {"work": work, "pupil": pupil, "value": "3", "version": 0})
    assert stale.status_code == 409
    assert stale.json()["current"]["value"] == "5"
    assert stale.json()["current"]["version"] == cell["version"]
    assert "5" in stale.json()["detail"]
    assert Mark.objects.get(task_id=work, pupil_id=pupil).value == "5"

    # With the version it read, the change goes through; clearing too.
    again = post(teacher, "/api/v1/journal/marks",
                 {"work": work, "pupil": pupil, "value": "4", "version": cell["version"]})
    assert again.status_code == 200 and again.json()["cell"]["value"] == "4"
    version = again.json()["cell"]["version"]
    assert version > cell["version"]
    debt = post(teacher, "/api/v1/journal/marks",
                {"work": work, "pupil": pupil, "value": "д", "version": version})
    assert debt.status_code == 200 and Mark.objects.get(task_id=work, pupil_id=pupil).is_debt
    cleared = post(teacher, "/api/v1/journal/marks", {
        "work": work, "pupil": pupil, "value": "", "version": debt.json()["cell"]["version"]})
    assert cleared.status_code == 200 and cleared.json()["cell"]["version"] == 0
    assert not Mark.objects.filter(task_id=work, pupil_id=pupil).exists()


def test_a_teacher_saves_attendance_with_versions(teacher):
    lesson = todays_5a_lesson(teacher)
    pupil = lesson["pupils"][1]["id"]
    stored = Attendance.objects.filter(lesson_id=lesson["id"], pupil_id=pupil).first()
    version = stored.version if stored else 0
    saved = post(teacher, "/api/v1/journal/attendance",
                 {"lesson": lesson["id"], "pupil": pupil, "text": "о10", "version": version})
    assert saved.status_code == 200, saved.content
    row = Attendance.objects.get(lesson_id=lesson["id"], pupil_id=pupil)
    assert (row.kind, row.late_minutes) == ("late", 10)
    stale = post(teacher, "/api/v1/journal/attendance",
                 {"lesson": lesson["id"], "pupil": pupil, "kind": "absent", "version": version})
    assert stale.status_code == 409
    assert stale.json()["current"]["value"] == "ОП10"
    absent = post(teacher, "/api/v1/journal/attendance", {
        "lesson": lesson["id"], "pupil": pupil, "kind": "absent",
        "version": saved.json()["cell"]["version"]})
    assert absent.status_code == 200
    assert Attendance.objects.get(lesson_id=lesson["id"], pupil_id=pupil).kind == "absent"


def test_the_grids_refusals_answer_400_with_the_reason(teacher):
    lesson = todays_5a_lesson(teacher)
    pupil = lesson["pupils"][0]["id"]
    work = new_work(teacher, lesson)
    response = post(teacher, "/api/v1/journal/marks",
                    {"work": work, "pupil": pupil, "value": "7", "version": 0})
    assert response.status_code == 400 and "7" in response.json()["detail"]
    # A pupil not in the class that day.
    other = Pupil.objects.filter(institution__short_name="СОШ № 2").first()
    response = post(teacher, "/api/v1/journal/marks",
                    {"work": work, "pupil": other.pk, "value": "5", "version": 0})
    assert response.status_code == 400
    # A lesson of a closed quarter, and one of next week.
    school_class = Lesson.objects.get(pk=lesson["id"]).school_class
    own = Lesson.objects.filter(school_class=school_class,
                                subject__name=lesson["subject"], is_cancelled=False)
    closed = own.filter(date__lt=today() - datetime.timedelta(days=20)).order_by("date").first()
    future = own.filter(date__gt=today()).order_by("date").first()
    for row, words in ((closed, "закрыт"), (future, "не состоялся")):
        response = post(teacher, "/api/v1/journal/attendance",
                        {"lesson": row.pk, "pupil": pupil, "kind": "absent", "version": 0})
        assert response.status_code == 400, response.content
        assert words in response.json()["detail"]


def test_a_reader_who_may_not_write_gets_403_and_a_stranger_404(key_for, api_client):
    teacher = api_client(key_for("school1.teacher"))
    lesson = todays_5a_lesson(teacher)
    work = new_work(teacher, lesson)
    body = {"work": work, "pupil": lesson["pupils"][0]["id"], "value": "5", "version": 0}
    # The class teacher of 5А reads its journal, and writes no mathematics marks.
    class_teacher = api_client(key_for("school1.classteacher", ["journal:read"]))
    TokenScopes.objects.filter(token__user__username="school1.classteacher").update(
        scopes=["journal:read", "journal:write"])
    assert class_teacher.get(f"/api/v1/journal/lessons/{lesson['id']}").json()[
        "may_fill"] is False
    response = post(class_teacher, "/api/v1/journal/marks", body)
    assert response.status_code == 403
    # A parent, even with the scope forced onto their key, finds no lesson at all.
    parent = api_client(key_for("school1.parent"))
    TokenScopes.objects.filter(token__user__username="school1.parent").update(
        scopes=["journal:read", "journal:write"])
    assert post(parent, "/api/v1/journal/marks", body).status_code == 404
    assert parent.get(f"/api/v1/journal/lessons/{lesson['id']}").status_code == 404
    # Another school's teacher: 404 as well.
    other = api_client(key_for("school2.teacher"))
    assert post(other, "/api/v1/journal/marks", body).status_code == 404
    assert not Mark.objects.filter(task_id=work).exists()
