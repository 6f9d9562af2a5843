"""The issue's own flow, end to end through the pages: school1.teacher fills a lesson of
5А's mathematics (a column of marks, two absences, topic and homework); school1.parent
reads them in the right child's diary and nothing of the other pupils; the class
teacher reads the whole journal; school2.teacher gets 404."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from curriculum.models import ClassMembership, MarkType, SchoolClass
from journal import cells
from journal.models import Homework
from portal.access import today
from records.models import Guardianship, Pupil, User
from schedule.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_teacher_fills_a_lesson_and_the_parent_reads_it_in_the_diary(client_for):
    class_5a = SchoolClass.objects.get(academic_year__is_current=True,
                                       institution__short_name="СОШ № 1", grade=5, letter="А")
    teacher = User.objects.get(username="school1.teacher")
    lesson = (Lesson.objects.filter(school_class=class_5a, teacher__person__user=teacher,
                                    subgroup__isnull=True, is_cancelled=False,
                                    date__lte=today()).order_by("-date").first())
    child = Guardianship.objects.get(parent__person__user__username="school1.parent",
                                     pupil__school_class=class_5a).pupil
    pupils = list(ClassMembership.objects.filter(school_class=class_5a).on(lesson.date)
                  .order_by("pupil__person__search_name").values_list("pupil", flat=True))
    others = [p for p in pupils if p != child.pk]
    client = client_for("school1.teacher")
    grid = reverse("journal:grid", args=[class_5a.pk, lesson.subject_id])
    assert client.get(grid).status_code == 200
    task = cells.new_task(teacher, lesson, MarkType.objects.department_wide().get(
        name="контрольная работа"))
    # A column of marks: the child gets a 4, the others 5, 3, 2, …
    for pupil, value in [(child.pk, "4"), *zip(others, "5325352", strict=False)]:
        response = client.post(reverse("journal:save_mark"), {
            "task": task.pk, "pupil": pupil, "value": value, "version": 0})
        assert response.status_code == 200, response.content
    # Two absences; the child is not one of them.
    versions = dict(lesson.attendance.values_list("pupil", "version"))
    for pupil in others[:2]:
        response = client.post(reverse("journal:save_attendance"), {
            "lesson": lesson.pk, "pupil": pupil, "kind": "absent",
            "version": versions.get(pupil, 0)})
        assert response.status_code == 200, response.content
    homework = Homework.objects.filter(lesson=lesson).first()
    response = client.post(reverse("journal:lesson", args=[lesson.pk]), {
        "topic": "Сложение дробей", "expected_topic": lesson.topic,
        "text": "№ 245, 247", "links": "", "due_on": "",
        "version": homework.version if homework else 0})
    assert response.status_code == 302

    diary = client_for("school1.parent").get(
        reverse("journal:diary", args=[child.pk]) + f"?date={lesson.date.isoformat()}")
    page = diary.content.decode()
    assert diary.status_code == 200
    assert "Сложение дробей" in page and "№ 245, 247" in page
    marks = [m for day in diary.context["days"] for row in day.lessons
             if row.lesson.pk == lesson.pk for m in row.marks]
    assert [m.value for m in marks if m.task_id == task.pk] == ["4"]
    # No other pupil's name reaches the child's page.
    for other in Pupil.objects.filter(pk__in=others[:5]).select_related("person"):
        assert other.person.full_name not in page
    # The other children's diaries stay closed to this parent.
    assert client_for("school1.parent").get(
        reverse("journal:diary", args=[others[0]])).status_code == 404

    assert client_for("school1.classteacher").get(grid).status_code == 200
    assert client_for("school2.teacher").get(grid).status_code == 404
