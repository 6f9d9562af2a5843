"""R-SCH-1, R-SCH-4: the timetable's calendars by year, month, week and day for a class, a
teacher, a room and a school — scoped to what the user may read, with the changes and
the events, in a fixed number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from curriculum.factories import SchoolClassFactory
from curriculum.models import SchoolClass
from records.models import Institution, Pupil, Staff
from schedule.factories import EventFactory, RoomFactory, TimetableEntryFactory
from schedule.lessons import generate_lessons
from schedule.models import ChangeKind, Lesson, Room, TimetableChange, TimetableEntry
from tests.dates import FIRST_MONDAY, TODAY

pytestmark = pytest.mark.django_db

MONDAY = FIRST_MONDAY
WEEK = {"mode": "week", "date": MONDAY.isoformat()}


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages are read in English, as a user who chose it with the switcher."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def class_of(n, grade, letter):
    return SchoolClass.objects.get(academic_year__is_current=True,
                                   institution=school(n), grade=grade, letter=letter)


def url(kind, pk, **query):
    return reverse("schedule:calendar", args=[kind, pk]), query


def get(client, kind, pk, **query):
    path, query = url(kind, pk, **query)
    return client.get(path, query)


def teacher_of(username):
    return Staff.objects.get(person__user__username=username)


def targets(n):
    """One of each kind of calendar in school ``n``."""
    institution = school(n)
    return [("class", SchoolClass.objects.filter(institution=institution).first().pk),
            ("teacher", TimetableEntry.objects.filter(institution=institution).first()
             .teacher_id),
            ("room", Room.objects.filter(institution=institution).first().pk),
            ("school", institution.pk)]


def test_the_class_week_shows_each_lesson_with_its_time_teacher_and_room(client_for):
    client = client_for("school1.deputy")
    school_class = class_of(1, 5, "А")
    response = get(client, "class", school_class.pk, **WEEK)
    assert response.status_code == 200
    lessons = Lesson.objects.filter(school_class=school_class).between(
        MONDAY, MONDAY + datetime.timedelta(days=5)).select_related(
        "subject", "teacher__person", "room")
    assert lessons.count() > 20
    page = response.content.decode()
    for lesson in lessons:
        assert lesson.subject.name in page
        assert lesson.teacher.person.short_name in page
    assert "08:00–08:45" in page
    week = response.context["week"]
    assert week.days[0] == MONDAY and len(week.days) == 6
    shown = {lesson.pk for _n, _t, cells in week.rows for day in cells for lesson in day}
    assert shown == set(lessons.values_list("pk", flat=True))


@pytest.mark.parametrize("mode", ["year", "month", "week", "day"])
@pytest.mark.parametrize("kind", ["class", "teacher", "room", "school"])
def test_every_calendar_opens_for_staff_and_the_department(client_for, kind, mode):
    pk = dict(targets(1))[kind]
    for username in ("school1.deputy", "school1.medic", "dept"):
        assert get(client_for(username), kind, pk, mode=mode,
                   date=MONDAY.isoformat()).status_code == 200, username


def test_the_day_and_the_month_count_lessons_from_the_rows(client_for):
    client = client_for("school1.teacher")
    teacher = teacher_of("school1.teacher")
    day = get(client, "teacher", teacher.pk, mode="day", date=MONDAY.isoformat())
    expected = Lesson.objects.filter(teacher=teacher, date=MONDAY).count()
    assert expected and len(day.context["day_lessons"]) == expected
    month = get(client, "teacher", teacher.pk, mode="month", date=MONDAY.isoformat())
    cells = {cell[0]: cell[1] for m in month.context["months"] for row in m.weeks
             for cell in row if cell[0]}
    assert cells[MONDAY] == expected
    assert sum(cells.values()) == Lesson.objects.filter(
        teacher=teacher, date__month=9, date__year=MONDAY.year, is_cancelled=False).count()


def test_changed_lessons_are_marked_in_the_week(client_for):
    school_class = class_of(1, 5, "А")
    entries = list(TimetableEntry.objects.filter(school_class=school_class, weekday=1,
                                                 subgroup__isnull=True)[:2])
    free = Staff.objects.filter(institution=school_class.institution).exclude(
        timetable_entries__weekday=1).first()
    TimetableChange.objects.create(institution=school_class.institution, entry=entries[0],
                                   date=MONDAY, kind=ChangeKind.CANCELLED)
    TimetableChange.objects.create(institution=school_class.institution, entry=entries[1],
                                   date=MONDAY, kind=ChangeKind.REPLACEMENT,
                                   replacement_teacher=free)
    generate_lessons(school_class.academic_year, TimetableEntry.objects.filter(
        school_class=school_class))
    page = get(client_for("school1.deputy"), "class", school_class.pk, **WEEK).content.decode()
    assert "cancelled" in page and "replacement" in page
    assert f"instead of {entries[1].teacher.person.short_name}" in page
    # The replacement teacher's calendar has the lesson, and so has the replaced one's.
    for staff in (free, entries[1].teacher):
        response = get(client_for("school1.deputy"), "teacher", staff.pk, **WEEK)
        assert "replacement" in response.content.decode()


def test_class_and_school_events_appear_where_they_concern(client_for):
    school_class = class_of(1, 5, "А")
    other = class_of(1, 5, "Б")
    EventFactory(institution=school_class.institution, school_class=school_class,
                 title="Поход в театр", starts_on=MONDAY, ends_on=MONDAY)
    EventFactory(institution=school_class.institution, school_class=other,
                 title="Экскурсия 5Б", starts_on=MONDAY, ends_on=MONDAY)
    EventFactory(institution=school_class.institution, title="Школьная ярмарка",
                 starts_on=MONDAY, ends_on=MONDAY + datetime.timedelta(days=1))
    client = client_for("school1.parent")
    page = get(client, "class", school_class.pk, **WEEK).content.decode()
    assert "Поход в театр" in page and "Школьная ярмарка" in page
    assert "Экскурсия 5Б" not in page
    teacher = get(client_for("school1.teacher"), "teacher",
                  teacher_of("school1.teacher").pk, mode="month",
                  date=MONDAY.isoformat()).content.decode()
    assert "Школьная ярмарка" in teacher and "Поход в театр" not in teacher


def test_another_schools_staff_get_404_on_every_calendar(client_for):
    for username in ("school2.teacher", "school2.admin"):
        client = client_for(username)
        for kind, pk in targets(1):
            assert get(client, kind, pk, **WEEK).status_code == 404, (username, kind)


def test_pupils_and_parents_see_their_class_and_nothing_else(client_for):
    pupil = Pupil.objects.get(person__user__username="school1.pupil")
    children = Pupil.objects.filter(guardianships__parent__person__user__username=(
        "school1.parent"))
    allowed = {
        "school1.pupil": {pupil.school_class_id},
        "school1.parent": {c.school_class_id for c in children},
    }
    for username, classes in allowed.items():
        client = client_for(username)
        for pk in classes:
            assert get(client, "class", pk, **WEEK).status_code == 200
        others = SchoolClass.objects.exclude(pk__in=classes)
        for other in [others.filter(institution=school(1)).first(),
                      others.filter(institution=school(2)).first()]:
            assert get(client, "class", other.pk, **WEEK).status_code == 404
        for kind, pk in targets(1)[1:]:
            assert get(client, kind, pk, **WEEK).status_code == 404, (username, kind)
        page = get(client, "class", next(iter(classes)), **WEEK)
        # The selector offers the family's own classes only.
        assert {c.pk for c in page.context["choices"]["classes"]} == classes
        assert "teachers" not in page.context["choices"]


def test_a_pupil_who_left_school_sees_no_calendar(client_for):
    pupil = Pupil.objects.get(person__user__username="school1.pupil")
    Pupil.objects.filter(pk=pupil.pk).update(left_on=MONDAY)
    client = client_for("school1.pupil")
    assert get(client, "class", pupil.school_class_id, **WEEK).status_code == 404
    assert client.get(reverse("schedule:index")).status_code == 403


def test_the_selector_offers_only_the_schools_rows(client_for):
    page = get(client_for("school1.deputy"), "school", school(1).pk, **WEEK)
    choices = page.context["choices"]
    assert [s.pk for s in choices["schools"]] == [school(1).pk]
    for name in ("classes", "teachers", "rooms"):
        assert {row.institution_id for row in choices[name]} == {school(1).pk}
    page = get(client_for("dept"), "school", school(2).pk, **WEEK)
    assert len(page.context["choices"]["schools"]) == Institution.objects.count()
    assert {c.institution_id for c in page.context["choices"]["classes"]} == {school(2).pk}


def test_the_start_of_the_timetable_is_each_users_own(client_for):
    index = reverse("schedule:index")
    teacher = teacher_of("school1.teacher")
    response = client_for("school1.teacher").get(index)
    assert response.url == reverse("schedule:calendar", args=["teacher", teacher.pk])
    pupil = Pupil.objects.get(person__user__username="school1.pupil")
    response = client_for("school1.pupil").get(index)
    assert response.url == reverse("schedule:calendar", args=["class", pupil.school_class_id])
    response = client_for("school1.medic").get(index)
    assert response.url == reverse("schedule:calendar", args=["school", school(1).pk])
    target = client_for("school1.deputy").get(index, {"target": "room:7", "mode": "day",
                                                      "date": MONDAY.isoformat()})
    assert target.url == reverse("schedule:calendar", args=["room", 7]) + (
        f"?mode=day&date={MONDAY.isoformat()}")


@pytest.mark.parametrize("query", [
    {"mode": "century", "date": "yesterday"}, {"date": "9999-12-31", "mode": "year"},
    {"date": "0001-01-01", "mode": "day"}, {"date": "2027-02-29"}, {"mode": ["week", "x"]},
])
def test_whatever_is_typed_into_the_address_never_fails(client_for, query):
    client = client_for("school1.deputy")
    assert get(client, "class", class_of(1, 5, "А").pk, **query).status_code == 200
    assert client.get(reverse("schedule:index"), {**query, "target": "class:²"}).status_code \
        == 302


def test_unknown_rows_answer_404(client_for):
    client = client_for("school1.deputy")
    for kind in ("class", "teacher", "room", "school"):
        assert client.get(f"/timetable/{kind}/999999999/").status_code == 404
    assert client.get("/timetable/pupil/1/").status_code == 404


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("schedule:calendar", args=["class", class_of(1, 5, "А").pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_timetable_is_linked_from_the_navigation_and_the_class_page(client_for):
    school_class = class_of(1, 5, "А")
    calendar = reverse("schedule:calendar", args=["class", school_class.pk])
    page = client_for("school1.classteacher").get(reverse("dashboard")).content.decode()
    assert reverse("schedule:index") in page and calendar in page
    page = client_for("school1.deputy").get(
        reverse("journal:class", args=[school_class.pk])).content.decode()
    assert calendar in page and reverse("schedule:grid", args=[school_class.pk]) in page
    page = client_for("school1.parent").get(reverse("records:family")).content.decode()
    assert calendar in page and reverse("schedule:index") in page


# R-NF-2: the daily pages in a fixed number of queries ----------------------------------

def count_queries(client, path, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query)
    assert response.status_code == 200
    return len(queries)


def add_classes_and_lessons(teacher):
    """Two more classes in the teacher's school and one in another, each with a week of
    lessons; two of them the teacher's, and events for all."""
    year = SchoolClass.objects.filter(institution=teacher.institution).first().academic_year
    entries = []
    for letter in ("Ж", "З"):
        school_class = SchoolClassFactory(institution=teacher.institution, academic_year=year,
                                          grade=11, letter=letter)
        room = RoomFactory(institution=teacher.institution, name=f"Кабинет {letter}")
        for n in range(1, 5):
            own = {"teacher": teacher} if (letter, n) == ("Ж", 1) else {}
            entries.append(TimetableEntryFactory(school_class=school_class, room=room,
                                                 weekday=6, lesson_number=n, **own))
        EventFactory(institution=teacher.institution, school_class=school_class,
                     starts_on=MONDAY, ends_on=MONDAY)
    EventFactory(institution=teacher.institution, starts_on=MONDAY, ends_on=MONDAY)
    other = SchoolClass.objects.filter(institution=school(2)).first()
    entries.append(TimetableEntryFactory(school_class=other, weekday=6, lesson_number=1))
    generate_lessons(year, TimetableEntry.objects.filter(pk__in=[e.pk for e in entries[:-1]]))
    generate_lessons(other.academic_year, TimetableEntry.objects.filter(pk=entries[-1].pk))
    return entries


@pytest.mark.parametrize("username, kind", [("school1.teacher", "teacher"),
                                            ("school1.deputy", "teacher"),
                                            ("school1.deputy", "class"),
                                            ("school1.parent", "class"),
                                            ("dept", "school")])
def test_the_week_views_run_a_fixed_number_of_queries(client_for, username, kind,
                                                      django_assert_max_num_queries):
    teacher = teacher_of("school1.teacher")
    pk = {"teacher": teacher.pk, "class": class_of(1, 5, "А").pk,
          "school": school(1).pk}[kind]
    client = client_for(username)
    path, query = url(kind, pk, **WEEK)
    before = count_queries(client, path, query)
    added = add_classes_and_lessons(teacher)
    after = count_queries(client, path, query)
    assert after == before
    if kind == "teacher":
        page = client.get(path, query).content.decode()
        assert added[0].school_class.__str__() in page  # the new lesson is there
    with django_assert_max_num_queries(20):
        client.get(path, query)


# The issue «the timetable as a new user finds it» ---------------------------------------

def test_each_role_starts_where_its_timetable_is_useful(client_for):
    """A class teacher opens their class (the school one click away), a subject teacher
    their own week, the leadership the school, a pupil their class, a parent a child's
    class (every child's class one click away)."""
    index = reverse("schedule:index")
    led = class_of(1, 5, "А")
    calendar = reverse("schedule:calendar", args=["class", led.pk])
    assert client_for("school1.classteacher").get(index).url == calendar
    page = get(client_for("school1.classteacher"), "class", led.pk, **WEEK)
    own = {(kind, row.pk) for kind, row, _url in page.context["own"]}
    assert ("school", school(1).pk) in own
    assert reverse("schedule:calendar", args=["school", school(1).pk]) in (
        page.content.decode())
    teacher = teacher_of("school1.teacher")
    assert client_for("school1.teacher").get(index).url == reverse(
        "schedule:calendar", args=["teacher", teacher.pk])
    for username in ("school1.deputy", "school1.director"):
        assert client_for(username).get(index).url == reverse(
            "schedule:calendar", args=["school", school(1).pk]), username
    pupil = Pupil.objects.get(person__user__username="school1.pupil")
    assert client_for("school1.pupil").get(index).url == reverse(
        "schedule:calendar", args=["class", pupil.school_class_id])
    classes = set(Pupil.objects.filter(
        guardianships__parent__person__user__username="school1.parent")
        .values_list("school_class_id", flat=True))
    client = client_for("school1.parent")
    first = client.get(index).url
    assert first in {reverse("schedule:calendar", args=["class", pk]) for pk in classes}
    page = client.get(first, WEEK)
    shown = {page.context["target"].row.pk} | {
        row.pk for kind, row, _url in page.context["own"] if kind == "class"}
    assert shown == classes
    assert all(kind == "class" for kind, _row, _url in page.context["own"])


def lesson_links(page):
    return (set(re.findall(r'href="/journal/lesson/(\d+)/"', page)),
            set(re.findall(r'href="(/journal/\d+/\d+/[^"]*)"', page)))


def test_lessons_link_to_the_journal_for_who_may_open_it(client_for):
    teacher = teacher_of("school1.teacher")
    client = client_for("school1.teacher")
    # The teacher's own week: every lesson opens its page and its journal.
    page = get(client, "teacher", teacher.pk, **WEEK).content.decode()
    own = Lesson.objects.filter(teacher=teacher).between(
        MONDAY, MONDAY + datetime.timedelta(days=5))
    lessons, grids = lesson_links(page)
    assert lessons == {str(pk) for pk in own.values_list("pk", flat=True)} != set()
    assert grids
    for path in [f"/journal/lesson/{next(iter(lessons))}/", next(iter(grids))]:
        assert client.get(path.replace("&amp;", "&")).status_code == 200, path
    # The school's week: the teacher's lessons are linked, the colleagues' are not.
    page = get(client, "school", school(1).pk, **WEEK).content.decode()
    linked, _grids = lesson_links(page)
    others = Lesson.objects.filter(institution=school(1)).between(
        MONDAY, MONDAY + datetime.timedelta(days=5)).exclude(teacher=teacher).exclude(
        co_teachers=teacher).exclude(replaced_teacher=teacher)
    assert linked and not linked & {str(pk) for pk in others.values_list("pk", flat=True)}
    other = others.first()
    assert client.get(reverse("journal:lesson", args=[other.pk])).status_code == 404
    # The deputy reads every journal of the school; the medic none.
    page = get(client_for("school1.deputy"), "class", class_of(1, 5, "А").pk, **WEEK)
    assert lesson_links(page.content.decode())[0]
    page = get(client_for("school1.medic"), "class", class_of(1, 5, "А").pk, **WEEK)
    assert lesson_links(page.content.decode()) == (set(), set())


def test_families_get_their_diary_day_and_no_journal_links(client_for):
    pupil = Pupil.objects.get(person__user__username="school1.pupil")
    for username in ("school1.pupil", "school1.parent"):
        client = client_for(username)
        pupils = Pupil.objects.filter(pk=pupil.pk) if username == "school1.pupil" else (
            Pupil.objects.filter(guardianships__parent__person__user__username=username))
        for child in pupils:
            for mode in ("week", "day"):
                page = get(client, "class", child.school_class_id, mode=mode,
                           date=MONDAY.isoformat()).content.decode()
                assert lesson_links(page) == (set(), set())
                diary = reverse("journal:diary", args=[child.pk])
                assert f'href="{diary}?date={MONDAY.isoformat()}"' in page, username
    # A staff member gets no diary links.
    page = get(client_for("school1.deputy"), "class", pupil.school_class_id, **WEEK)
    assert "/diary/" not in page.content.decode()


def test_today_is_marked_in_every_view(client_for):
    client = client_for("school1.deputy")
    pk = class_of(1, 5, "А").pk
    week = get(client, "class", pk, mode="week", date=TODAY.isoformat()).content.decode()
    assert week.count('<th scope="col" class="today" aria-current="date">') == 1
    assert f'data-day-card="{TODAY.isoformat()}"' in week
    assert week.count('class="card day-card today" aria-current="date"') == 1
    day = get(client, "class", pk, mode="day", date=TODAY.isoformat()).content.decode()
    assert 'class="card today" aria-current="date" data-day-view' in day
    for mode in ("month", "year"):
        page = get(client, "class", pk, mode=mode, date=TODAY.isoformat()).content.decode()
        assert page.count('<td class="today" aria-current="date">') == 1, mode
    # A week and a day that are not today have no mark.
    other = TODAY + datetime.timedelta(weeks=1)
    for mode in ("week", "day"):
        page = get(client, "class", pk, mode=mode, date=other.isoformat()).content.decode()
        assert 'aria-current="date"' not in page, mode


def test_rooms_are_named_once(client_for, settings):
    """«каб. 205» for a numbered room, a name that says what the room is as it is: never
    «кабинет Кабинет музыки»."""
    client = client_for("school1.deputy")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    school_class = class_of(1, 5, "А")
    lessons = Lesson.objects.filter(school_class=school_class, room__isnull=False).between(
        MONDAY, MONDAY + datetime.timedelta(days=5))
    named = lessons.first().room
    Room.objects.filter(pk=named.pk).update(name="Кабинет технологии", short_name="")
    numbered = lessons.exclude(room=named).first().room
    Room.objects.filter(pk=numbered.pk).update(name="214", short_name="")
    with translation.override("ru"):
        page = get(client, "class", school_class.pk, **WEEK).content.decode()
        assert "· Кабинет технологии" in page and "· каб. 214" in page
        assert "кабинет Кабинет" not in page and "кабинет 214" not in page
        title = get(client, "room", named.pk, **WEEK).content.decode()
        assert "Расписание: Кабинет технологии" in title
        assert "Расписание: каб. 214" in get(client, "room", numbered.pk, **WEEK).content.decode()
        day = get(client, "class", school_class.pk, mode="day", date=MONDAY.isoformat())
        assert "кабинет Кабинет" not in day.content.decode()


def test_the_day_view_heads_say_what_the_columns_hold(client_for):
    page = get(client_for("school1.deputy"), "class", class_of(1, 5, "А").pk, mode="day",
               date=MONDAY.isoformat()).content.decode()
    heads = re.search(r"<table[^>]*data-day>\s*<thead>(.*?)</thead>", page, re.S).group(1)
    assert re.findall(r"<th[^>]*>([^<]*)</th>", heads) == ["No.", "Time",
                                                            "Subject, teacher, room"]


def test_months_are_headed_пн_to_вс_and_start_on_monday(client_for, settings):
    client = client_for("school1.deputy")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    with translation.override("ru"):
        for mode in ("month", "year"):
            response = get(client, "class", class_of(1, 5, "А").pk, mode=mode,
                           date="2026-11-18")
            page = response.content.decode()
            heads = re.search(r'<table class="table month">\s*<thead>(.*?)</thead>', page,
                              re.S).group(1)
            assert re.findall(r"<th[^>]*>([^<]*)</th>", heads) == [
                "пн", "вт", "ср", "чт", "пт", "сб", "вс"]
            november = next(m for m in response.context["months"]
                            if m.first_day == datetime.date(2026, 11, 1))
            # 1 November 2026 is a Sunday: the last cell of the first row.
            assert [cell[0] for cell in november.weeks[0]] == [None] * 6 + [
                datetime.date(2026, 11, 1)]
