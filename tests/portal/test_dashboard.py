"""The staff dashboard: each role finds what its day needs (a teacher today's lessons
and what is missing, a class teacher their class, the leadership the school, the
department its schools, the medic, psychologist and secretary their work lists), in a
number of queries that does not grow with the data, and nobody sees another school."""

import pytest
from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from curriculum.models import SchoolClass
from records.models import Institution, Pupil, Role, Staff, User
from schedule.models import Lesson
from tests.dates import OPEN_FROM, TODAY

pytestmark = pytest.mark.django_db

# Every page of the dashboard, whoever looks: a fixed budget, well under the daily pages'.
BUDGET = 16  # 15, and one for the announcements block (announcements.listing)


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def get(client_for, username):
    client = client_for(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response


def test_the_department_sees_every_school_with_its_counts(client_for):
    response = get(client_for, "dept")
    rows = {s.institution.short_name: (s.class_count, s.pupil_count, s.filled_percent)
            for s in response.context["schools"]}
    assert set(rows) == {"СОШ № 1", "СОШ № 2"}
    # 250 pupils, less the demo's leavers of school 1 (movement/demo.py).
    assert rows["СОШ № 1"][:2] == (10, Pupil.objects.current().filter(
        institution__short_name="СОШ № 1").count())
    assert rows["СОШ № 1"][1] == 248
    assert all(0 <= filled <= 100 for _c, _p, filled in rows.values())
    html = response.content.decode()
    assert f'href="{reverse("records_institution:inspect", args=[school(1).pk])}"' in html
    # The department reads no journals: no link to the overview, no lessons of its own.
    assert "/journal/school/" not in html and "data-today-lessons" not in html


def test_the_fill_rate_follows_the_journal(client_for):
    before = {s.institution.pk: s.filled_percent
              for s in get(client_for, "dept").context["schools"]}
    # The open quarter's lessons (the earlier ones are in a closed period).
    Lesson.objects.filter(institution=school(1), date__gte=OPEN_FROM, date__lte=TODAY).update(
        topic="")
    after = {s.institution.pk: s.filled_percent
             for s in get(client_for, "dept").context["schools"]}
    assert after[school(1).pk] < before[school(1).pk]
    assert after[school(2).pk] == before[school(2).pk]


def test_a_teacher_sees_todays_lessons_with_their_journal_and_lesson(client_for):
    teacher = User.objects.get(username="school1.teacher")
    lessons = list(Lesson.objects.filter(teacher__person__user=teacher, date=TODAY))
    assert lessons
    response = get(client_for, "school1.teacher")
    html = response.content.decode()
    for lesson in lessons:
        assert f'data-lesson="{lesson.pk}"' in html
        assert f'href="{reverse("journal:lesson", args=[lesson.pk])}"' in html
        assert f'href="/journal/{lesson.school_class_id}/{lesson.subject_id}/' in html
    assert html.count("data-lesson=") == len(lessons)
    # The labels are lazy: compared in whatever language is active now, on both sides.
    assert response.context["my_schools"][0][1] == [Role.SUBJECT_TEACHER.label]
    assert "data-behind" in html and 'href="/journal/"' in html


def test_a_lesson_without_the_register_shows_in_what_is_missing(client_for):
    teacher = User.objects.get(username="school1.teacher")
    lesson = (Lesson.objects.filter(teacher__person__user=teacher, date__lt=TODAY,
                                    is_cancelled=False, subgroup__isnull=True)
              .order_by("-date").first())
    # Before the open quarter the periods are closed: the teacher's journals start clean
    # from there, and the closed quarter's gaps are counted as they are.
    Lesson.objects.filter(teacher=lesson.teacher, date__gte=OPEN_FROM, date__lte=TODAY).update(
        topic="Тема", attendance_taken=True)
    base = get(client_for, "school1.teacher").context["behind"]["no_attendance"]
    Lesson.objects.filter(pk=lesson.pk).update(attendance_taken=False)
    behind = get(client_for, "school1.teacher").context["behind"]
    assert behind["no_attendance"] == base + 1
    assert any(r.journal == (lesson.school_class_id, None, lesson.subject_id)
               for r in behind["rows"])


def test_the_class_teacher_is_named_with_their_class_and_sees_it_today(client_for):
    response = get(client_for, "school1.classteacher")
    class_5a = SchoolClass.objects.current().get(institution=school(1), grade=5, letter="А")
    # The demo's class teacher of 5А is also one of the school's subject teachers.
    led_label, teaches_label = response.context["my_schools"][0][1]
    assert str(led_label).endswith(" 5А")
    assert teaches_label == Role.SUBJECT_TEACHER.label
    [led] = response.context["led_classes"]
    assert led.pk == class_5a.pk
    assert led.pupil_count == Pupil.objects.filter(school_class=class_5a,
                                                   left_on__isnull=True).count()
    html = response.content.decode()
    assert f'href="{reverse("journal:class_attendance", args=[class_5a.pk])}"' in html


def test_absences_of_today_are_counted_for_the_class_teacher(client_for):
    from journal.models import Attendance, AttendanceKind

    class_5a = SchoolClass.objects.current().get(institution=school(1), grade=5, letter="А")
    Attendance.objects.filter(lesson__school_class=class_5a, lesson__date=TODAY).delete()
    lessons = list(Lesson.objects.filter(school_class=class_5a, date=TODAY)[:2])
    assert lessons
    pupils = list(Pupil.objects.filter(school_class=class_5a)[:2])
    for lesson in lessons:  # one pupil absent from two lessons counts once
        Attendance.objects.create(lesson=lesson, pupil=pupils[0], kind=AttendanceKind.ABSENT,
                                  institution=lesson.institution)
    Attendance.objects.create(lesson=lessons[0], pupil=pupils[1], kind=AttendanceKind.LATE,
                              late_minutes=5, institution=lessons[0].institution)
    [led] = get(client_for, "school1.classteacher").context["led_classes"]
    assert led.absent_today == 1


@pytest.mark.parametrize("username", ["school1.deputy", "school1.director"])
def test_the_leadership_sees_the_school_at_a_glance(client_for, username):
    response = get(client_for, username)
    [glance] = response.context["schools"]
    assert glance.institution == school(1)
    assert glance.lessons_today == Lesson.objects.filter(
        institution=school(1), date=TODAY, is_cancelled=False).count() > 0
    assert glance.class_count == 10
    html = response.content.decode()
    assert f'href="/journal/school/{school(1).pk}/"' in html


@pytest.mark.parametrize("username, title", [
    ("school1.medic", "Medical details"),
    ("school1.psychologist", "Psychological and pedagogical characteristics"),
    ("school1.secretary", "Logins"),
])
def test_the_specialists_find_their_work_lists(client_for, username, title):
    lists = get(client_for, username).context["work_lists"]
    # The secretary also keeps the personal data requests (issue 14).
    assert [w["title"] for w in lists if w["title"] != "Personal data requests"] == [title]
    assert lists[0]["count"] > 0


def test_the_secretarys_list_leads_to_issuing_logins_for_a_class(client_for):
    html = get(client_for, "school1.secretary").content.decode()
    some = SchoolClass.objects.current().filter(institution=school(1)).first()
    assert f'href="{reverse("records_issue_credentials", args=[some.pk])}"' in html


@pytest.mark.parametrize("username", ["school2.teacher", "school2.admin"])
def test_a_user_of_school_2_sees_nothing_of_school_1(client_for, username):
    html = get(client_for, username).content.decode()
    assert "СОШ № 1" not in html
    ids = {str(pk) for pk in SchoolClass.objects.filter(institution=school(1))
           .values_list("pk", flat=True)}
    for marker in ("data-led-class", "data-credentials-class"):
        assert not any(f'{marker}="{pk}"' in html for pk in ids), marker
    assert f'data-school="{school(1).pk}"' not in html
    for pk in Lesson.objects.filter(institution=school(1), date=TODAY).values_list(
            "pk", flat=True):
        assert f'data-lesson="{pk}"' not in html
    assert f'/journal/school/{school(1).pk}/' not in html


@pytest.mark.parametrize("username", [
    "school1.teacher", "school1.classteacher", "school1.deputy", "school1.director",
    "school1.secretary", "school1.medic", "school1.psychologist", "school1.admin", "dept",
    "admin",
])
def test_every_roles_dashboard_has_a_fixed_budget_of_queries(
        client_for, django_assert_max_num_queries, username):
    client = client_for(username)
    with django_assert_max_num_queries(BUDGET):
        assert client.get("/dashboard/").status_code == 200


def test_a_busier_teacher_costs_no_more_queries(client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(username):
        client = client_for(username)
        client.get("/dashboard/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/dashboard/")
        return len(captured)

    # A subject teacher as school1.teacher is (a class teacher also reads their class).
    busiest = (Staff.objects.filter(institution=school(1), person__user__isnull=True,
                                    lessons__date=TODAY)
               .exclude(lessons__subgroup__isnull=False)
               .exclude(Exists(SchoolClass.objects.filter(class_teacher=OuterRef("pk"))))
               .annotate(n=Count("lessons")).order_by("-n", "pk").first())
    login = User.objects.create(username="busy.teacher")
    busiest.person.user = login
    busiest.person.save(update_fields=["user"])
    assert queries("busy.teacher") == queries("school1.teacher")


def test_parents_and_pupils_have_no_dashboard(client_for):
    assert client_for("school1.parent").get("/dashboard/").status_code == 403
    assert client_for("school1.pupil").get("/dashboard/").status_code == 403


@pytest.mark.parametrize("username", [
    "school1.teacher", "school1.classteacher", "school1.deputy", "school1.secretary",
    "school1.medic", "school1.psychologist", "dept",
])
def test_every_link_of_the_dashboard_opens_for_its_user(client_for, username):
    import re

    client = client_for(username)
    html = client.get("/dashboard/").content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    links = set(re.findall(r'href="([^"#]+)"', main)) - {reverse("wagtailadmin_home")}
    assert links
    # The timetable's start redirects to the user's own timetable: followed.
    refused = [(url, status) for url in sorted(links)
               if (status := client.get(url.replace("&amp;", "&"), follow=True)
                   .status_code) != 200]
    assert not refused
