"""R-JRN-3: the class teacher's attendance page — a whole day entered once, absences
excused in bulk, the period's totals — and who may open it."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from curriculum.models import ClassMembership, SchoolClass
from journal.models import Attendance, AttendanceKind
from portal.access import today
from schedule.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _school_week(school_week):
    """Held lessons on several days of the open quarter (tests/journal/conftest.py)."""


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def class_5a(n=1):
    return SchoolClass.objects.get(academic_year__is_current=True,
                                   institution__short_name=f"СОШ № {n}", grade=5, letter="А")


def last_school_day(school_class):
    return (Lesson.objects.filter(school_class=school_class, is_cancelled=False,
                                  date__lte=timezone.localdate())
            .order_by("-date").values_list("date", flat=True).first())


def test_the_class_teacher_enters_a_day_and_excuses_it(client_for):
    school_class = class_5a()
    day = last_school_day(school_class)
    pupil = ClassMembership.objects.filter(school_class=school_class).on(day).first().pupil
    url = reverse("journal:class_attendance", args=[school_class.pk])
    client = client_for("school1.classteacher")
    assert client.get(url).status_code == 200
    Attendance.objects.filter(pupil=pupil, lesson__date=day).delete()
    response = client.post(url, {"day_absence": "1", "pupil": pupil.pk,
                                 "day": day.isoformat(), "kind": "absent"})
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = Attendance.objects.filter(pupil=pupil, lesson__date=day)
    assert rows.count() > 1 and {r.kind for r in rows} == {AttendanceKind.ABSENT}
    response = client.post(url, {"excuse": "1", "pupils": [pupil.pk],
                                 "first_day": day.isoformat(),
                                 "last_day": day.isoformat(), "kind": "ill"})
    assert response.status_code == 302
    assert {r.kind for r in rows.all()} == {AttendanceKind.ILL}
    page = client.get(url).content.decode()
    assert f'data-pupil="{pupil.pk}"' in page


def test_bad_input_is_a_message_and_changes_nothing(client_for):
    school_class = class_5a()
    url = reverse("journal:class_attendance", args=[school_class.pk])
    before = Attendance.objects.count()
    response = client_for("school1.classteacher").post(url, {
        "excuse": "1", "pupils": ["x"], "first_day": "31.02.2026", "last_day": "nonsense",
        "kind": "absent"})
    assert response.status_code == 200
    assert Attendance.objects.count() == before
    future = Lesson.objects.filter(school_class=school_class, date__gt=today()).order_by(
        "date").values_list("date", flat=True).first().isoformat()
    pupil = ClassMembership.objects.filter(school_class=school_class).first().pupil_id
    response = client_for("school1.classteacher").post(url, {
        "day_absence": "1", "pupil": pupil, "day": future, "kind": "absent"})
    assert response.status_code == 200 and b"not taken place" in response.content
    assert Attendance.objects.count() == before


@pytest.mark.parametrize("username,status", [
    ("school1.teacher", 403), ("school1.medic", 403), ("school2.teacher", 404),
    ("school1.parent", 404), ("school1.pupil", 404), ("dept", 403),
])
def test_others_get_403_or_404(client_for, username, status):
    url = reverse("journal:class_attendance", args=[class_5a().pk])
    assert client_for(username).get(url).status_code == status


def test_the_deputy_opens_it_too(client_for):
    url = reverse("journal:class_attendance", args=[class_5a().pk])
    assert client_for("school1.deputy").get(url).status_code == 200
