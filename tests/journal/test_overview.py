"""R-JRN-5: what is missing in the journals — the teacher's own journals (/journal/) and
the deputy director's overview of a school (/journal/school/<pk>/): the counts follow the
data, the pages are only for those who keep or review the journals, and their queries do
not grow with the school.

The demo city holds a seeded journal (the first quarter closed with finals): the tests
work in the open current period and compare counts before and after a change."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from curriculum.models import ClassMembership, MarkType, Period, SchoolClass
from journal import cells, overview
from journal.models import FinalKind, FinalMark, Mark
from portal.access import today
from records.models import Institution, Staff, User
from schedule.models import Lesson
from tests.dates import OPEN_FROM, clock_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _school_week(school_week):
    """Held lessons on several days of the open quarter (tests/journal/conftest.py)."""

PERIOD_START = OPEN_FROM


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def user(name):
    return User.objects.get(username=name)


def school1():
    return Institution.objects.order_by("pk").first()


def recent_lesson(username="school1.teacher"):
    """A held whole-class lesson of the teacher's in the open current period."""
    return (Lesson.objects.filter(teacher__person__user=user(username), is_cancelled=False,
                                  subgroup__isnull=True, school_class__grade__gt=1,
                                  date__gte=PERIOD_START, date__lte=today())
            .select_related("school_class", "subject").order_by("-date", "pk").first())


def row_of(rows, lesson, teacher=None):
    return next(r for r in rows if r.journal == (lesson.school_class_id, None, lesson.subject_id)
                and (teacher is None or r.teacher.pk == teacher))


def english_client(client_for, username):
    client = client_for(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# The teacher's journals --------------------------------------------------------------


def test_the_teacher_sees_each_journal_of_their_lessons_linked_to_its_grid(client_for):
    teacher = user("school1.teacher")
    response = english_client(client_for, "school1.teacher").get("/journal/")
    assert response.status_code == 200
    journals = set(Lesson.objects.filter(teacher__person__user=teacher,
                                         academic_year__is_current=True)
                   .values_list("school_class", "subject", "subgroup").order_by().distinct())
    assert journals
    html = response.content.decode()
    assert html.count("data-journal=") == len(journals)
    for class_pk, subject_pk, group in journals:
        assert f'data-journal="{class_pk}-{subject_pk}-{group or ""}"' in html
        assert f'href="{overview.grid_url(class_pk, subject_pk, group)}"' in html


def test_grid_url_mirrors_the_grid_route():
    assert overview.grid_url(5, 7) == "/journal/5/7/"
    assert overview.grid_url(5, 7, 12) == "/journal/5/7/?group=12"


def test_a_lesson_without_topic_or_register_shows_in_the_teachers_counts(client_for):
    teacher, lesson = user("school1.teacher"), recent_lesson()
    Lesson.objects.filter(pk=lesson.pk).update(topic="Дроби", attendance_taken=True)
    before = row_of(overview.teacher_journals(teacher, today()), lesson)
    Lesson.objects.filter(pk=lesson.pk).update(topic="", attendance_taken=False)
    after = row_of(overview.teacher_journals(teacher, today()), lesson)
    assert (after.no_topic, after.no_attendance) == (before.no_topic + 1,
                                                    before.no_attendance + 1)
    html = english_client(client_for, "school1.teacher").get("/journal/").content.decode()
    row = html[html.index(f'data-journal="{lesson.school_class_id}-{lesson.subject_id}-"'):]
    assert f'data-no-topic="{after.no_topic}"' in row[:800]
    # Taking the register through the journal's own save counts it as taken.
    lesson.refresh_from_db()
    cells.take_attendance(teacher, lesson)
    assert row_of(overview.teacher_journals(teacher, today()), lesson).no_attendance == \
        before.no_attendance


def test_pupils_with_few_marks_in_the_current_period_go_down_as_marks_are_given():
    teacher, lesson = user("school1.teacher"), recent_lesson()
    period = cells.period_of(lesson)
    assert not period.is_closed and period.starts_on <= today() <= period.ends_on
    before = row_of(overview.teacher_journals(teacher, today()), lesson)
    pupils = ClassMembership.objects.filter(school_class=lesson.school_class).on(
        lesson.date).on(today()).values_list("pupil", flat=True)
    counts = {p: Mark.objects.filter(pupil=p, lesson__school_class=lesson.school_class,
                                     lesson__subject=lesson.subject,
                                     lesson__date__gte=period.starts_on)
              .exclude(value="").count() for p in pupils}
    assert before.few_marks == sum(1 for n in counts.values() if n < overview.FEW_MARKS)
    pupil, count = min(counts.items(), key=lambda item: (item[1], item[0]))
    mark_type = MarkType.objects.department_wide().get(name="ответ на уроке")
    for _ in range(overview.FEW_MARKS - count):
        task = cells.new_task(teacher, lesson, mark_type)
        cells.save_mark(teacher, task, pupil, value="4", version=0)
    after = row_of(overview.teacher_journals(teacher, today()), lesson)
    assert after.few_marks == before.few_marks - (1 if count < overview.FEW_MARKS else 0)
    # A debt is not a mark.
    task = cells.new_task(teacher, lesson, mark_type)
    other = next(p for p, n in sorted(counts.items()) if p != pupil)
    cells.save_mark(teacher, task, other, value="", is_debt=True, version=0)
    assert row_of(overview.teacher_journals(teacher, today()), lesson).few_marks == \
        after.few_marks


def test_the_class_teacher_and_the_deputy_see_their_own_journals_and_links(client_for):
    for name in ("school1.classteacher", "school1.deputy"):
        person_user = user(name)
        response = english_client(client_for, name).get("/journal/")
        assert response.status_code == 200
        journals = Lesson.objects.filter(teacher__person__user=person_user,
                                         academic_year__is_current=True).values_list(
            "school_class", "subject", "subgroup").order_by().distinct().count()
        assert response.content.decode().count("data-journal=") == journals
    html = english_client(client_for, "school1.deputy").get("/journal/").content.decode()
    assert f'href="/journal/school/{school1().pk}/"' in html
    html = english_client(client_for, "school1.teacher").get("/journal/").content.decode()
    assert "/journal/school/" not in html


@pytest.mark.parametrize("username", ["school1.parent", "school1.pupil", "school2.parent",
                                      "dept"])
def test_the_journals_page_is_not_for_families_and_the_department(client_for, username):
    assert client_for(username).get("/journal/").status_code == 404


def test_the_journals_page_asks_anonymous_users_to_log_in(client):
    response = client.get("/journal/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_dashboard_links_the_journals_for_teachers(client_for):
    assert 'href="/journal/"' in client_for("school1.teacher").get("/dashboard/").content.decode()


def test_the_teachers_page_has_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    """A teacher with many journals costs as many queries as one with a few."""
    def queries(username):
        client = client_for(username)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/journal/").status_code == 200
        return len(captured), client.get("/journal/").content.decode().count("data-journal=")

    # A subject teacher like school1.teacher: no class of their own to lead.
    busiest = (Staff.objects.filter(institution=school1(), person__user__isnull=True,
                                    led_classes__isnull=True)
               .exclude(lessons__subgroup__isnull=False)
               .annotate(n=Count("lessons__school_class", distinct=True))
               .order_by("-n", "pk").first())
    journals = (Lesson.objects.filter(teacher=busiest).values(
        "school_class", "subject", "subgroup").order_by().distinct().count())
    login = User.objects.create(username="busy.teacher")
    busiest.person.user = login
    busiest.person.save(update_fields=["user"])
    few, few_rows = queries("school1.teacher")
    many, many_rows = queries("busy.teacher")
    assert many_rows == journals > few_rows
    assert many == few
    client = client_for("busy.teacher")
    with django_assert_max_num_queries(12):
        client.get("/journal/")


def test_a_teacher_of_subgroups_costs_no_more_queries(client_for, django_assert_max_num_queries):
    """Subgroups' names come with the counts and their pupils with the classes'."""
    teacher = (Staff.objects.filter(institution=school1(), person__user__isnull=True,
                                    lessons__subgroup__isnull=False).order_by("pk").first())
    login = User.objects.create(username="subgroup.teacher")
    teacher.person.user = login
    teacher.person.save(update_fields=["user"])
    client = client_for("subgroup.teacher")
    html = client.get("/journal/").content.decode()
    assert "?group=" in html
    with django_assert_max_num_queries(12):
        assert client.get("/journal/").status_code == 200


# The deputy's overview ---------------------------------------------------------------


def overview_url(pk=None):
    return f"/journal/school/{pk or school1().pk}/"


@pytest.mark.parametrize("username", ["school1.deputy", "school1.director", "school1.admin"])
def test_the_schools_leadership_sees_the_overview(client_for, username):
    response = english_client(client_for, username).get(overview_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Totals per class" in html and "Totals per teacher" in html
    assert html.count("data-row=") > 50


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher",
                                      "school1.parent", "school1.pupil", "school1.medic",
                                      "school2.admin", "school2.teacher", "dept"])
def test_others_do_not_learn_the_overview_exists(client_for, username):
    assert client_for(username).get(overview_url()).status_code == 404


@pytest.mark.parametrize("path", ["/journal/school/abc/", "/journal/school/999999/",
                                  "/journal/school/99999999999999999999/",
                                  "/journal/school/-1/"])
def test_unknown_and_malformed_schools_are_404(client_for, path):
    assert client_for("school1.deputy").get(path).status_code == 404


def test_the_overview_counts_follow_the_journal():
    classes = list(SchoolClass.objects.filter(institution=school1()).current())
    lesson = recent_lesson()
    Lesson.objects.filter(pk=lesson.pk).update(topic="Дроби", attendance_taken=True)
    row = row_of(overview.school_overview(classes, today()), lesson, lesson.teacher_id)
    Lesson.objects.filter(pk=lesson.pk).update(topic="")
    after = row_of(overview.school_overview(classes, today()), lesson, lesson.teacher_id)
    assert after.no_topic == row.no_topic + 1
    assert after.no_attendance == row.no_attendance
    assert after.held == row.held


def test_a_missing_period_final_is_counted_on_the_journals_main_row(request):
    classes = list(SchoolClass.objects.filter(institution=school1()).current())
    lesson = recent_lesson()
    first = Period.objects.for_class(lesson.school_class).first()
    if first.ends_on >= today():
        # The year has just begun: the count is taken the day after the first period.
        after = clock_at(first.ends_on + datetime.timedelta(days=1))
        after.start()
        request.addfinalizer(after.stop)
    assert first.ends_on < today()
    # The deputy counts what is missing before closing: the period is open.
    Period.objects.filter(pk=first.pk).update(closed_at=None)
    rows = overview.school_overview(classes, today())
    main = max((r for r in rows if r.journal == (lesson.school_class_id, None,
                                                  lesson.subject_id)),
               key=lambda r: r.held)
    assert main.missing_finals is not None
    pupil = ClassMembership.objects.filter(school_class=lesson.school_class).overlapping(
        first.starts_on, first.ends_on).order_by("pupil").first().pupil_id
    final = FinalMark.objects.filter(pupil_id=pupil, subject=lesson.subject, period=first,
                                     kind=FinalKind.PERIOD).first()
    if final is not None and final.value:
        final.delete()
        change = 1
    else:
        FinalMark.objects.update_or_create(
            pupil_id=pupil, subject=lesson.subject, period=first, kind=FinalKind.PERIOD,
            defaults={"value": "4", "institution_id": lesson.institution_id,
                      "academic_year_id": lesson.academic_year_id,
                      "school_class_id": lesson.school_class_id})
        change = -1
    again = next(r for r in overview.school_overview(classes, today())
                 if r.journal == main.journal and r.teacher == main.teacher)
    assert again.missing_finals == main.missing_finals + change


def test_grade_1_has_no_mark_counts():
    classes = list(SchoolClass.objects.filter(academic_year__is_current=True,
                                              institution=school1(), grade=1).current())
    rows = overview.school_overview(classes, today())
    assert rows and all(r.few_marks is None and r.missing_finals is None for r in rows)


def test_totals_per_class_and_teacher_add_up(client_for):
    classes = list(SchoolClass.objects.filter(institution=school1()).current())
    rows = overview.school_overview(classes, today())
    per_class = dict(overview.totals(rows, lambda r: r.school_class))
    for school_class, total in per_class.items():
        mine = [r for r in rows if r.school_class == school_class]
        assert total["held"] == sum(r.held for r in mine)
        assert total["no_topic"] == sum(r.no_topic for r in mine)
    per_teacher = dict(overview.totals(rows, lambda r: r.teacher))
    assert sum(t["held"] for t in per_teacher.values()) == sum(r.held for r in rows)
    assert sum(t["few_marks"] for t in per_teacher.values()) == sum(
        r.few_marks or 0 for r in rows)


def test_the_overview_filters_by_class_and_teacher(client_for):
    client = english_client(client_for, "school1.deputy")
    lesson = recent_lesson()
    html = client.get(overview_url(), {"school_class": lesson.school_class_id}).content.decode()
    rows = [part.split('"')[0] for part in html.split('data-row="')[1:]]
    assert rows and all(r.startswith(f"{lesson.school_class_id}-") for r in rows)
    html = client.get(overview_url(), {"teacher": lesson.teacher_id,
                                       "sort": "missing"}).content.decode()
    rows = [part.split('"')[0] for part in html.split('data-row="')[1:]]
    assert rows and all(r.endswith(f"-{lesson.teacher_id}") for r in rows)


@pytest.mark.parametrize("query", [{"school_class": "abc"}, {"teacher": "99999999999999999999"},
                                   {"sort": "nonsense"}, {"school_class": "-5"}])
def test_bad_filters_give_a_message_and_change_nothing(client_for, query):
    client = english_client(client_for, "school1.deputy")
    full = client.get(overview_url()).content.decode().count("data-row=")
    response = client.get(overview_url(), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The filter was not applied." in html
    assert html.count("data-row=") == full


def test_another_schools_class_is_not_a_filter_choice(client_for):
    other = SchoolClass.objects.exclude(institution=school1()).first()
    html = english_client(client_for, "school1.deputy").get(
        overview_url(), {"school_class": other.pk}).content.decode()
    assert "The filter was not applied." in html


def test_the_overview_has_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    """The same number of queries for the whole school as for one class, and for each
    school of the city."""
    admin = user("admin")
    client = client_for("admin")

    def queries(url, data=None):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, data).status_code == 200
        return len(captured)

    school2 = Institution.objects.order_by("pk")[1]
    assert admin.is_superuser
    whole = queries(overview_url())
    assert queries(overview_url(school2.pk)) == whole
    one_class = SchoolClass.objects.filter(institution=school1()).order_by("grade").last()
    # Choosing a class or a teacher costs nothing more: the choices are what the page read.
    assert queries(overview_url(), {"school_class": one_class.pk}) == whole
    deputy = client_for("school1.deputy")
    url = overview_url()
    with django_assert_max_num_queries(12):
        assert deputy.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert deputy.get(url, {"school_class": one_class.pk,
                                "sort": "missing"}).status_code == 200
