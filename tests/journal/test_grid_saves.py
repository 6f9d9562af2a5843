"""R-JRN-2…5 through the grid's endpoints: a mark, attendance, the register, a final, a
new work, the topic and homework; conflicts answer 409 with the stored value and change
nothing; readers get 403, outsiders 404; bad input a 400 with a message, never a 500;
a correction shows in the cell's history with its author."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from curriculum.models import ClassMembership, MarkType, Period
from journal import cells
from journal.models import Attendance, FinalMark, Homework, HomeworkFile, Mark, Task
from records.factories import PNG
from records.models import User
from schedule.models import Lesson
from tests.dates import OPEN_FROM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _school_week(school_week):
    """Held lessons on several days of the open quarter (tests/journal/conftest.py)."""

FROM = OPEN_FROM


def user(name):
    return User.objects.get(username=name)


def teachers_lessons():
    return (Lesson.objects.filter(
        teacher__person__user__username="school1.teacher", is_cancelled=False,
        subgroup__isnull=True, school_class__grade=5, school_class__letter="А",
        school_class__institution__short_name="СОШ № 1",
        date__gte=FROM, date__lte=timezone.localdate())
        .select_related("school_class", "subject").order_by("-date", "lesson_number"))


@pytest.fixture
def lesson():
    return teachers_lessons().first()


@pytest.fixture
def pupil(lesson):
    return ClassMembership.objects.filter(school_class=lesson.school_class).on(
        lesson.date).order_by("pupil__person__search_name").first().pupil_id


@pytest.fixture
def task(lesson):
    return cells.new_task(user("school1.teacher"), lesson,
                          MarkType.objects.department_wide().get(name="контрольная работа"))


def post(client, name, data, *args):
    return client.post(reverse(f"journal:{name}", args=args), data,
                       HTTP_ACCEPT="application/json")


def test_the_teacher_saves_a_mark_and_a_stale_version_is_a_conflict(client_for, english,
                                                                      task, pupil):
    client = client_for("school1.teacher")
    response = post(client, "save_mark", {"task": task.pk, "pupil": pupil, "value": "4",
                                          "version": 0})
    assert response.status_code == 200
    cell = response.json()["cell"]
    assert cell["text"] == "4" and cell["version"] > 0 and cell["updated_by"]
    # Someone with the old screen (version 0) is refused and told what is stored.
    response = post(client_for("school1.deputy"), "save_mark",
                    {"task": task.pk, "pupil": pupil, "value": "2", "version": 0})
    assert response.status_code == 409
    answer = response.json()
    assert answer["conflict"] and (answer["current"]["value"], answer["current"]["version"]) \
        == ("4", cell["version"])
    assert "«4»" in answer["message"]
    assert Mark.objects.get(task=task, pupil_id=pupil).value == "4"


def test_a_debt_typed_as_a_word_and_a_comment(client_for, english, task, pupil):
    client = client_for("school1.teacher")
    answer = post(client, "save_mark", {"task": task.pk, "pupil": pupil, "value": "долг",
                                        "version": 0}).json()
    assert answer["ok"] and answer["cell"]["text"] == "debt"
    mark = Mark.objects.get(task=task, pupil_id=pupil)
    assert mark.is_debt and mark.value == ""
    answer = post(client, "save_mark", {"task": task.pk, "pupil": pupil, "value": "3",
                                        "comment": "сдал позже",
                                        "version": answer["cell"]["version"]}).json()
    mark.refresh_from_db()
    assert (mark.value, mark.is_debt, mark.comment) == ("3", False, "сдал позже")
    # An empty value clears the cell.
    answer = post(client, "save_mark", {"task": task.pk, "pupil": pupil, "value": "",
                                        "version": answer["cell"]["version"]}).json()
    assert answer["ok"] and answer["cell"]["version"] == 0
    assert not Mark.objects.filter(task=task, pupil_id=pupil).exists()


def test_attendance_the_register_and_a_conflict(client_for, english, lesson, pupil):
    client = client_for("school1.teacher")
    stored = Attendance.objects.filter(lesson=lesson, pupil_id=pupil).first()
    others = Attendance.objects.filter(lesson=lesson).exclude(pupil_id=pupil).count()
    answer = post(client, "save_attendance", {"lesson": lesson.pk, "pupil": pupil,
                                              "kind": "absent",
                                              "version": stored.version if stored else 0}
                  ).json()
    assert answer["ok"] and answer["cell"]["text"] == "A"
    version = answer["cell"]["version"]
    answer = post(client, "save_attendance", {"lesson": lesson.pk, "pupil": pupil,
                                              "kind": "late", "late_minutes": "10",
                                              "version": version}).json()
    assert answer["cell"]["text"] == "L10"
    stale = post(client_for("school1.deputy"), "save_attendance",
                 {"lesson": lesson.pk, "pupil": pupil, "kind": "ill", "version": version})
    assert stale.status_code == 409 and stale.json()["current"]["text"] == "L10"
    assert Attendance.objects.get(lesson=lesson, pupil_id=pupil).kind == "late"
    assert Attendance.objects.filter(lesson=lesson).exclude(pupil_id=pupil).count() == others
    bad = post(client, "save_attendance", {"lesson": lesson.pk, "pupil": pupil,
                                           "kind": "late", "late_minutes": "abc",
                                           "version": answer["cell"]["version"]})
    assert bad.status_code == 400 and "minutes late" in bad.json()["message"]
    # Everyone else present: the register is taken.
    other = teachers_lessons()[1]
    assert post(client, "take_attendance", {}, other.pk).json() == {"ok": True}
    other.refresh_from_db()
    assert other.attendance_taken


def test_attendance_and_marks_typed_on_the_english_layout(client_for, task, pupil):
    """The grid sends what was typed; the server reads it as journal/cells.py says: the
    «н» key types «y», «о» «j», «д» «l»."""
    client = client_for("school1.teacher")
    lesson = task.lesson
    stored = Attendance.objects.filter(lesson=lesson, pupil_id=pupil).first()
    answer = post(client, "save_attendance", {"lesson": lesson.pk, "pupil": pupil,
                                              "text": "y",
                                              "version": stored.version if stored else 0}
                  ).json()
    assert answer["ok"] and answer["cell"]["text"] == "Н"
    assert Attendance.objects.get(lesson=lesson, pupil_id=pupil).kind == "absent"
    answer = post(client, "save_attendance", {"lesson": lesson.pk, "pupil": pupil,
                                              "text": "j10",
                                              "version": answer["cell"]["version"]}).json()
    assert answer["ok"] and answer["cell"]["text"] == "ОП10"
    refused = post(client, "save_attendance", {"lesson": lesson.pk, "pupil": pupil,
                                               "text": "a",
                                               "version": answer["cell"]["version"]})
    assert refused.status_code == 400 and "«y»" in refused.json()["message"]
    late = Attendance.objects.get(lesson=lesson, pupil_id=pupil)
    assert (late.kind, late.late_minutes) == ("late", 10)
    answer = post(client, "save_mark", {"task": task.pk, "pupil": pupil, "value": "l",
                                        "version": 0}).json()
    assert answer["ok"] and answer["cell"]["text"] == "долг"
    assert Mark.objects.get(task=task, pupil_id=pupil).is_debt


def test_the_register_without_javascript_goes_back_to_the_grid(client_for, lesson):
    response = client_for("school1.teacher").post(
        reverse("journal:take_attendance", args=[lesson.pk]))
    assert response.status_code == 302
    assert reverse("journal:grid", args=[lesson.school_class_id, lesson.subject_id]) \
        in response.url


def test_finals_of_the_current_period(client_for, english, lesson, pupil):
    client = client_for("school1.teacher")
    period = cells.period_of(lesson)
    data = {"class": lesson.school_class_id, "subject": lesson.subject_id, "pupil": pupil,
            "kind": "period", "period": period.pk, "value": "4"}
    stored = FinalMark.objects.filter(pupil_id=pupil, subject=lesson.subject,
                                      period=period).first()
    version = stored.version if stored else 0
    answer = post(client, "save_final", {**data, "version": version}).json()
    assert answer["ok"] and answer["cell"]["value"] == "4"
    stale = post(client, "save_final", {**data, "value": "5", "version": version})
    assert stale.status_code == 409
    final = FinalMark.objects.get(pupil_id=pupil, subject=lesson.subject, period=period)
    assert final.value == "4"
    # A period of another school is not found; a kind that does not exist is refused.
    foreign = Period.objects.exclude(institution_id=lesson.institution_id).first()
    assert post(client, "save_final", {**data, "period": foreign.pk,
                                       "version": final.version}).status_code == 404
    assert post(client, "save_final", {**data, "kind": "weekly",
                                       "version": final.version}).status_code == 400
    # A debt is no final, however typed.
    debt = post(client, "save_final", {**data, "value": "l", "version": final.version})
    assert debt.status_code == 400 and "not a debt" in debt.json()["message"]
    # The history of the final lists the change.
    page = client.get(reverse("journal:cell_history"), {"final": final.pk})
    assert page.status_code == 200 and "data-entry" in page.content.decode()


def test_a_new_work_from_the_grid(client_for, english, lesson):
    client = client_for("school1.teacher")
    mark_type = MarkType.objects.department_wide().get(name="диктант")
    before = Task.objects.filter(lesson=lesson).count()
    response = client.post(reverse("journal:new_task", args=[lesson.pk]),
                           {"mark_type": mark_type.pk, "title": "Диктант №3"})
    assert response.status_code == 302 and "/journal/" in response.url
    answer = post(client, "new_task", {"mark_type": mark_type.pk}, lesson.pk).json()
    assert answer["ok"] and Task.objects.get(pk=answer["task"]).lesson == lesson
    assert Task.objects.filter(lesson=lesson).count() == before + 2
    bad = post(client, "new_task", {"mark_type": "x"}, lesson.pk)
    assert bad.status_code == 400 and "mark type" in bad.json()["message"]
    assert post(client_for("school1.classteacher"), "new_task", {"mark_type": mark_type.pk},
                lesson.pk).status_code == 403


def test_topic_and_homework_with_a_file(client_for, english, lesson):
    client = client_for("school1.teacher")
    url = reverse("journal:lesson", args=[lesson.pk])
    page = client.get(url)
    assert page.status_code == 200 and "data-lesson-form" in page.content.decode()
    homework = Homework.objects.filter(lesson=lesson).first()
    response = client.post(url, {
        "topic": "Дроби: сложение", "expected_topic": lesson.topic,
        "text": "№ 12, 14", "links": "https://example.org/fractions",
        "due_on": (lesson.date + datetime.timedelta(days=2)).isoformat(),
        "version": homework.version if homework else 0,
        "files": SimpleUploadedFile("task.png", PNG, content_type="image/png")})
    assert response.status_code == 302
    lesson.refresh_from_db()
    homework = Homework.objects.get(lesson=lesson)
    assert lesson.topic == "Дроби: сложение" and homework.text == "№ 12, 14"
    assert homework.files.count() == 1
    # The grid lists the topic, the homework and the file.
    grid = client.get(response.url).content.decode()
    assert "Дроби: сложение" in grid and "№ 12, 14" in grid and "task.png" in grid
    # Removing the file.
    file = homework.files.get()
    response = client.post(url, {"topic": lesson.topic, "expected_topic": lesson.topic,
                                 "text": homework.text, "links": homework.links,
                                 "due_on": homework.due_on.isoformat(),
                                 "version": homework.version, "delete_files": [file.pk]})
    assert response.status_code == 302 and not HomeworkFile.objects.filter(pk=file.pk).exists()


def test_lesson_conflicts_and_bad_files_change_nothing(client_for, english, lesson):
    client = client_for("school1.teacher")
    url = reverse("journal:lesson", args=[lesson.pk])
    old = lesson.topic
    response = client.post(url, {"topic": "Новая тема", "expected_topic": old + " (old)",
                                 "text": "", "links": "", "version": 0})
    assert response.status_code == 200 and "Someone else has changed" in \
        response.content.decode()
    lesson.refresh_from_db()
    assert lesson.topic == old
    response = client.post(url, {
        "topic": "Тема с файлом", "expected_topic": old, "text": "x", "links": "",
        "version": 0, "files": SimpleUploadedFile("evil.html", b"<html>", "text/html")})
    assert response.status_code == 200 and "evil.html: Only PDF, JPEG, PNG" in \
        response.content.decode()
    response = client.post(url, {"topic": "Тема", "expected_topic": old, "text": "x",
                                 "links": "ftp://nope", "version": 0})
    assert response.status_code == 200 and "http://" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.topic == old


def test_the_class_teacher_reads_but_may_not_save(client_for, lesson, task, pupil):
    client = client_for("school1.classteacher")
    assert client.get(reverse("journal:lesson", args=[lesson.pk])).status_code == 200
    response = post(client, "save_mark", {"task": task.pk, "pupil": pupil, "value": "5",
                                          "version": 0})
    assert response.status_code == 403 and response.json()["ok"] is False
    assert client.post(reverse("journal:lesson", args=[lesson.pk]),
                       {"topic": "x", "expected_topic": lesson.topic,
                        "version": 0}).status_code == 403
    assert post(client, "save_final", {
        "class": lesson.school_class_id, "subject": lesson.subject_id, "pupil": pupil,
        "kind": "period", "period": cells.period_of(lesson).pk, "value": "5",
        "version": 0}).status_code == 403
    assert not Mark.objects.filter(task=task).exists()


def test_the_deputy_corrects_and_the_history_shows_both_values_and_authors(
        client_for, english, task, pupil):
    first = post(client_for("school1.teacher"), "save_mark",
                 {"task": task.pk, "pupil": pupil, "value": "3", "version": 0}).json()
    answer = post(client_for("school1.deputy"), "save_mark",
                  {"task": task.pk, "pupil": pupil, "value": "4",
                   "version": first["cell"]["version"]}).json()
    assert answer["ok"] and answer["cell"]["version"] > first["cell"]["version"]
    deputy = user("school1.deputy").person.short_name
    page = client_for("school1.teacher").get(reverse("journal:cell_history"),
                                             {"task": task.pk, "pupil": pupil})
    assert page.status_code == 200
    rows = page.content.decode().split("data-entry")[1:]
    assert len(rows) == 2
    assert deputy in rows[0] and "<td>3</td><td>4</td>" in rows[0]
    assert "<td>—</td><td>3</td>" in rows[1]


@pytest.mark.parametrize("username", ["school2.teacher", "school1.parent", "school1.pupil",
                                      "dept"])
def test_outsiders_get_404_on_every_endpoint(client_for, username, lesson, task, pupil):
    client = client_for(username)
    assert post(client, "save_mark", {"task": task.pk, "pupil": pupil, "value": "5",
                                      "version": 0}).status_code == 404
    assert post(client, "save_attendance", {"lesson": lesson.pk, "pupil": pupil,
                                            "kind": "absent", "version": 0}).status_code == 404
    assert post(client, "take_attendance", {}, lesson.pk).status_code == 404
    assert post(client, "new_task", {"mark_type": task.mark_type_id},
                lesson.pk).status_code == 404
    assert post(client, "save_final", {
        "class": lesson.school_class_id, "subject": lesson.subject_id, "pupil": pupil,
        "kind": "year", "value": "5", "version": 0}).status_code == 404
    assert client.get(reverse("journal:lesson", args=[lesson.pk])).status_code == 404
    assert client.get(reverse("journal:cell_history"),
                      {"task": task.pk, "pupil": pupil}).status_code == 404
    assert not Mark.objects.filter(task=task).exists()


@pytest.mark.parametrize("data", [
    {"value": "7"},
    {"task": "abc"},
    {"pupil": ""},
    {"version": "v1"},
    {"pupil": "999999"},
])
def test_bad_mark_input_is_400_with_a_message(client_for, english, task, pupil, data):
    fields = {"task": task.pk, "pupil": pupil, "value": "5", "version": 0, **data}
    response = post(client_for("school1.teacher"), "save_mark", fields)
    assert response.status_code == 400
    assert response.json()["message"]
    assert not Mark.objects.filter(task=task).exists()


def test_a_wrong_mark_names_the_scale(client_for, english, task, pupil):
    response = post(client_for("school1.teacher"), "save_mark",
                    {"task": task.pk, "pupil": pupil, "value": "7", "version": 0})
    assert "is not a mark of the school's scale" in response.json()["message"]


def test_other_bad_requests_are_not_500(client_for, lesson):
    client = client_for("school1.teacher")
    assert client.get(reverse("journal:save_mark")).status_code == 405
    assert post(client, "save_mark", {"task": "999999999", "pupil": "1",
                                      "version": "0"}).status_code == 404
    assert post(client, "save_attendance", {}).status_code == 400
    assert post(client, "save_final", {"class": "x"}).status_code == 400
    history = reverse("journal:cell_history")
    assert client.get(history, {"task": "abc", "pupil": "1"}).status_code == 404
    assert client.get(history).status_code == 404
    assert client.get(history, {"final": "999999"}).status_code == 404
    response = client.post(reverse("journal:lesson", args=[lesson.pk]),
                           {"topic": "x", "due_on": "31.31.2026", "version": "abc"})
    assert response.status_code == 200


def test_upload_is_checked_by_its_first_bytes(client_for, english, lesson):
    fake = SimpleUploadedFile("fake.pdf", io.BytesIO(b"MZ\x90\x00").read(), "application/pdf")
    response = client_for("school1.teacher").post(
        reverse("journal:lesson", args=[lesson.pk]),
        {"topic": lesson.topic, "expected_topic": lesson.topic, "text": "t", "links": "",
         "version": 0, "files": fake})
    assert response.status_code == 200
    assert not HomeworkFile.objects.filter(homework__lesson=lesson).exists()


def test_a_mark_save_is_a_handful_of_statements(client_for, task, pupil,
                                                django_assert_max_num_queries):
    """The save reads its work with the right to fill it, checks the lesson's period
    once (the mark stands on the same lesson), locks the one row, writes it and its log
    entry; the pupil's membership and the school's settings come with the work: eight
    statements (SQLite's version counter and the test's savepoint two of them), beside
    the session's one and the user with the access context's two (portal.access). The
    mark's tally (journal/tallies.py) is locked with its period, counted again from the
    marks and the attendance and written: four more."""
    client = client_for("school1.teacher")
    post(client, "save_mark", {"task": task.pk, "pupil": pupil, "value": "5",
                               "version": 0})  # the session and the like warm up
    version = Mark.objects.get(task=task, pupil_id=pupil).version
    with django_assert_max_num_queries(15):
        answer = post(client, "save_mark", {"task": task.pk, "pupil": pupil, "value": "4",
                                            "version": version})
    assert answer.status_code == 200 and answer.json()["cell"]["text"] == "4"


def test_a_mark_for_a_pupil_not_in_the_class_on_the_lesson_date_is_refused(
    client_for, english, lesson, task
):
    """The membership is read with the work (cells.with_save_context): still checked."""
    members = ClassMembership.objects.filter(school_class=lesson.school_class).values("pupil")
    outsider = (ClassMembership.objects
                .filter(school_class__institution_id=lesson.institution_id)
                .on(lesson.date).exclude(pupil__in=members).first().pupil_id)
    answer = post(client_for("school1.teacher"), "save_mark",
                  {"task": task.pk, "pupil": outsider, "value": "5", "version": 0})
    assert answer.status_code == 400
    assert "not in this class on the date" in answer.json()["message"]
    assert not Mark.objects.filter(task=task, pupil_id=outsider).exists()
