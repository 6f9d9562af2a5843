"""R-DRY-1: the diary — a pupil reads their own week and period, a parent each child's;
nobody reads another family's child, another school's pupil or another pupil's marks;
bad input never answers 500; each page runs a fixed number of queries.

The demo city may hold a seeded journal (marks up to today, the first quarter closed):
the tests work in the current, open period with their own new works, and compare with
what the database holds rather than with an empty journal."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curriculum.models import ClassMembership, MarkType, Period, SchoolClass, SubgroupMembership
from journal import cells, diary
from journal.models import Attendance, AttendanceKind, FinalKind, FinalMark, Homework, Mark
from portal.access import today
from portal.context_processors import navigation
from records.factories import PDF
from records.models import Pupil, Staff, User
from schedule.factories import EventFactory
from schedule.models import Lesson, week_of
from tests.dates import FIRST_MONDAY, OPEN_FROM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _school_week(school_week):
    """Held lessons on several days of the open quarter (tests/journal/conftest.py)."""


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared by their English source text."""


def user(name):
    return User.objects.get(username=name)


def deputy():
    return user("school1.deputy")


def children(parent="school1.parent"):
    return list(Pupil.objects.filter(guardianships__parent__person__user__username=parent)
                .select_related("person", "school_class").order_by("person__search_name",
                                                                   "pk"))


def own_pupil(name="school1.pupil"):
    return Pupil.objects.select_related("person", "school_class").get(
        person__user__username=name)


def open_period(school_class, day):
    period = Period.objects.for_class(school_class).containing(day).first()
    return period is not None and not period.is_closed


def held_lessons(pupil):
    """Past, held whole-class lessons of the pupil's class in the open period, latest
    first, on days the pupil was in the class."""
    lessons = (Lesson.objects.filter(school_class=pupil.school_class, subgroup__isnull=True,
                                     is_cancelled=False, date__gte=OPEN_FROM,
                                     date__lte=today())
               .select_related("school_class", "subject").order_by("-date", "lesson_number"))
    return [lesson for lesson in lessons
            if open_period(lesson.school_class, lesson.date)
            and ClassMembership.objects.filter(pupil=pupil, school_class=lesson.school_class)
            .on(lesson.date).exists()]


def classmate(pupil, day, exclude=()):
    """Another pupil of the class on ``day``, of another family."""
    return (Pupil.objects.filter(class_memberships__in=ClassMembership.objects.filter(
        school_class=pupil.school_class).on(day)).exclude(pk__in=[pupil.pk, *exclude])
        .select_related("person").first())


def mark_type(name="контрольная работа"):
    return MarkType.objects.department_wide().get(name=name)


def week_url(pupil, day=None):
    url = reverse("journal:diary", args=[pupil.pk])
    return f"{url}?date={day.isoformat()}" if day else url


def period_url(pupil, period=None):
    url = reverse("journal:diary_period", args=[pupil.pk])
    return f"{url}?period={period.pk}" if period else url


@pytest.fixture
def journal():
    """The first child of school1.parent (school1.pupil, 5А) with a work and a mark, a
    debt, a late arrival, a homework with a link and a file, a topic and a class event
    in one week; and a classmate's mark in the same work."""
    pupil = own_pupil()
    family = children()
    lessons = held_lessons(pupil)
    lesson = lessons[0]
    day_lessons = [x for x in lessons if x.date == lesson.date]
    assert len(day_lessons) >= 2
    other_lesson = day_lessons[1]
    writer = deputy()
    task = cells.new_task(writer, lesson, mark_type(), title="Дроби")
    mark = cells.save_mark(writer, task, pupil.pk, value="4", version=0,
                           comment="Аккуратно решено")
    debt_task = cells.new_task(writer, other_lesson, mark_type("диктант"))
    debt = cells.save_mark(writer, debt_task, pupil.pk, value="", is_debt=True, version=0)
    current = Attendance.objects.filter(lesson=other_lesson, pupil=pupil).first()
    cells.save_attendance(writer, other_lesson, pupil.pk, kind=AttendanceKind.LATE,
                          late_minutes="10", version=current.version if current else 0)
    cells.save_topic(writer, lesson, topic="Сложение дробей с разными знаменателями",
                     expected=lesson.topic)
    stored = Homework.objects.filter(lesson=lesson).first()
    homework = cells.save_homework(
        writer, lesson, text="Решить № 245 и 246", links="https://example.ru/drobi",
        due_on=lesson.date + datetime.timedelta(days=2),
        version=stored.version if stored else 0,
        files=[SimpleUploadedFile("zadanie.pdf", PDF)])
    other = classmate(pupil, lesson.date, exclude=[c.pk for c in family])
    secret = cells.save_mark(writer, task, other.pk, value="2", version=0,
                             comment="Чужой комментарий к работе")
    event = EventFactory(institution=pupil.institution, school_class=pupil.school_class,
                         title="Родительское собрание 5А", starts_on=lesson.date,
                         ends_on=lesson.date)
    return {"pupil": pupil, "lesson": lesson, "other_lesson": other_lesson, "task": task,
            "mark": mark, "debt": debt, "homework": homework, "other": other,
            "secret": secret, "event": event, "family": family}


def test_the_parent_reads_the_childs_week(client_for, journal):
    client = client_for("school1.parent")
    pupil, lesson = journal["pupil"], journal["lesson"]
    response = client.get(week_url(pupil, lesson.date))
    assert response.status_code == 200
    page = response.content.decode()
    # The mark with its type, weight and comment; the debt; the late arrival.
    assert f'data-mark="{journal["mark"].pk}"' in page
    assert "контрольная работа, weight 5" in page
    assert "К ×5" in page
    assert "Аккуратно решено" in page
    assert f'data-mark="{journal["debt"].pk}"' in page and "debt" in page
    assert "late, 10 min" in page
    # The topic, the class event, and a note that homework was set for its due day.
    assert "Сложение дробей с разными знаменателями" in page
    assert "Родительское собрание 5А" in page
    due = journal["homework"].due_on
    if due.weekday() == 6:
        due += datetime.timedelta(days=1)  # homework due on a Sunday is due on Monday
    assert f"Homework set for {due:%d.%m}" in page
    # The homework with its link and file stands in the week it is due, with the lesson
    # it was set in.
    due_page = page if week_of(due) == week_of(lesson.date) else client.get(
        week_url(pupil, due)).content.decode()
    assert "Решить № 245 и 246" in due_page
    assert 'href="https://example.ru/drobi"' in due_page
    file = journal["homework"].files.get()
    assert f'href="{file.file.url}"' in due_page
    assert f"set in the lesson of {lesson.date:%d.%m}" in due_page
    # Each day of the week, Monday to Saturday, with the pupil's lessons in order.
    days = response.context["days"]
    monday, saturday = week_of(lesson.date)
    assert [d.day for d in days] == [monday + datetime.timedelta(days=n) for n in range(6)]
    day = next(d for d in days if d.day == lesson.date)
    numbers = [item.lesson.lesson_number for item in day.lessons]
    assert numbers == sorted(numbers) and lesson.lesson_number in numbers
    assert lesson.subject.name in page
    # The parent may open the homework file through its private address.
    assert client.get(file.file.url).status_code == 200


def test_another_pupils_marks_never_appear(client_for, journal):
    for username in ("school1.parent", "school1.pupil"):
        client = client_for(username)
        page = client.get(week_url(journal["pupil"], journal["lesson"].date)).content.decode()
        assert f'data-mark="{journal["secret"].pk}"' not in page
        assert "Чужой комментарий к работе" not in page
        assert journal["other"].person.full_name not in page
        page = client.get(period_url(journal["pupil"])).content.decode()
        assert f'data-mark="{journal["secret"].pk}"' not in page
        assert "Чужой комментарий к работе" not in page
        assert journal["other"].person.full_name not in page


def test_the_period_shows_marks_average_absences_and_finals(client_for, journal):
    pupil, lesson = journal["pupil"], journal["lesson"]
    period = Period.objects.for_class(pupil.school_class).containing(lesson.date).get()
    writer = deputy()
    for kind, value, in_period in ((FinalKind.PERIOD, "4", period), (FinalKind.YEAR, "5", None)):
        lookup = {"period": in_period} if in_period else {
            "academic_year_id": pupil.school_class.academic_year_id}
        current = FinalMark.objects.filter(pupil=pupil, subject=lesson.subject, kind=kind,
                                           **lookup).first()
        cells.save_final(writer, pupil.school_class, lesson.subject, pupil.pk, kind=kind,
                         value=value, version=current.version if current else 0,
                         period=in_period)
    response = client_for("school1.parent").get(period_url(pupil, period))
    assert response.status_code == 200
    assert response.context["period"] == period
    line = next(x for x in response.context["lines"] if x.subject == lesson.subject)
    assert journal["mark"].pk in [mark.pk for mark in line.marks]
    assert (line.period_final.value, line.year_final.value) == ("4", "5")
    # The weighted average, from what the database holds for this pupil and subject.
    marks = Mark.objects.filter(pupil=pupil, lesson__subject=lesson.subject,
                                lesson__date__gte=period.starts_on,
                                lesson__date__lte=period.ends_on).exclude(value="")
    total = sum(Decimal(m.value) * m.task.mark_type.weight for m in marks)
    weights = sum(m.task.mark_type.weight for m in marks)
    expected = (total / weights).quantize(Decimal("0.01"))
    assert line.average == expected
    page = response.content.decode()
    assert f'data-mark="{journal["mark"].pk}"' in page
    assert f"{lesson.date:%d.%m}" in page
    assert str(expected) in page
    # The absences of the period, counted from the rows of this pupil.
    missed = Attendance.objects.filter(pupil=pupil, lesson__date__gte=period.starts_on,
                                       lesson__date__lte=period.ends_on).exclude(
        kind=AttendanceKind.LATE).count()
    assert response.context["absences"] == missed
    assert response.context["lates"] >= 1
    # The courses: the class's subjects with their teachers.
    assert "Courses" in page
    assert any(c.subject == lesson.subject for c in response.context["courses"])


def test_the_parent_switches_between_children(client_for, journal):
    first, second = journal["family"][:2]
    client = client_for("school1.parent")
    page = client.get(week_url(journal["pupil"], journal["lesson"].date)).content.decode()
    other = second if journal["pupil"] == first else first
    assert f'data-pupil="{other.pk}"' in page
    response = client.get(week_url(other, journal["lesson"].date))
    assert response.status_code == 200
    assert response.context["pupil"] == other
    page = response.content.decode()
    assert f'data-mark="{journal["mark"].pk}"' not in page
    assert client.get(period_url(other)).status_code == 200
    # /diary/ opens the first child by name.
    response = client.get(reverse("journal:diary_index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:diary", args=[first.pk])


def test_url_tampering_is_404(client_for, journal):
    client = client_for("school1.parent")
    school2_pupil = Pupil.objects.filter(institution__short_name="СОШ № 2").first()
    missing = (Pupil.objects.order_by("-pk").first().pk or 0) + 1000
    for pk in (journal["other"].pk, school2_pupil.pk, missing):
        for name in ("journal:diary", "journal:diary_period"):
            assert client.get(reverse(name, args=[pk])).status_code == 404, (name, pk)
    # Beyond the ids there are: no address can even be reversed for them.
    assert client.get(f"/diary/{10**20}/").status_code == 404
    assert client.get(f"/diary/{10**20}/period/").status_code == 404
    assert client.get("/diary/abc/").status_code == 404
    assert client.get("/diary/abc/period/").status_code == 404


def test_a_pupil_reads_only_their_own_diary(client_for, journal):
    client = client_for("school1.pupil")
    response = client.get(reverse("journal:diary_index"))
    assert response["Location"] == reverse("journal:diary", args=[journal["pupil"].pk])
    response = client.get(week_url(journal["pupil"], journal["lesson"].date))
    assert response.status_code == 200
    assert f'data-mark="{journal["mark"].pk}"' in response.content.decode()
    assert response.context["pupils"] == [journal["pupil"]]
    sibling = next(c for c in journal["family"] if c != journal["pupil"])
    for pk in (sibling.pk, journal["other"].pk):
        assert client.get(reverse("journal:diary", args=[pk])).status_code == 404
        assert client.get(reverse("journal:diary_period", args=[pk])).status_code == 404


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher",
                                      "school1.deputy", "dept"])
def test_staff_have_no_diary(client_for, username):
    client = client_for(username)
    pupil = own_pupil()
    assert client.get(reverse("journal:diary_index")).status_code == 404
    assert client.get(reverse("journal:diary", args=[pupil.pk])).status_code == 404
    assert client.get(reverse("journal:diary_period", args=[pupil.pk])).status_code == 404
    request = RequestFactory().get("/")
    request.user = user(username)
    nav = [item["url"] for item in navigation(request)["nav_items"]]
    assert reverse("journal:diary_index") not in nav


def test_a_visitor_is_sent_to_the_login(client):
    pupil = own_pupil()
    for url in (reverse("journal:diary_index"), reverse("journal:diary", args=[pupil.pk]),
                reverse("journal:diary_period", args=[pupil.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_bad_parameters_show_the_current_page(client_for):
    client = client_for("school1.parent")
    pupil = own_pupil()
    monday = week_of(today())[0]
    for value in ("2026-13-45", "abc", "", "0001-01-01", "9999-12-31", "2026-11-27x"):
        response = client.get(week_url(pupil), {"date": value})
        assert response.status_code == 200, value
        assert response.context["monday"] == monday, value
    other_school = Period.objects.filter(institution__short_name="СОШ № 2").first()
    current = diary.chosen_period(diary.class_periods(pupil.school_class), "")
    for value in ("abc", "-1", "99999999999999999999999", str(other_school.pk), ""):
        response = client.get(period_url(pupil), {"period": value})
        assert response.status_code == 200, value
        assert response.context["period"] == current, value


def test_links_to_the_diary_for_the_family_only(client_for):
    child = own_pupil()
    client = client_for("school1.parent")
    nav = [item["url"] for item in client.get(reverse("records:family")).context["nav_items"]]
    assert reverse("journal:diary_index") in nav
    assert f'data-diary="{child.pk}"' in client.get(reverse("records:family")).content.decode()
    page = client.get(reverse("records:pupil", args=[child.pk])).content.decode()
    assert f'data-diary="{child.pk}"' in page
    # The class teacher reads the pupil's card, but not a diary: no link there.
    client = client_for("school1.classteacher")
    response = client.get(reverse("records:pupil", args=[child.pk]))
    assert response.status_code == 200
    assert "data-diary" not in response.content.decode()


def test_cancelled_and_replaced_lessons(client_for, journal):
    lesson, other = journal["lesson"], journal["other_lesson"]
    day_lessons = Lesson.objects.filter(school_class=lesson.school_class, date=lesson.date,
                                        subgroup__isnull=True).exclude(
        pk__in=[lesson.pk, other.pk])
    cancelled = day_lessons.first()
    Lesson.objects.filter(pk=cancelled.pk).update(is_cancelled=True)
    replacement = Staff.objects.filter(institution=lesson.institution).exclude(
        pk=lesson.teacher_id).select_related("person").first()
    Lesson.objects.filter(pk=other.pk).update(replaced_teacher_id=other.teacher_id,
                                              teacher=replacement)
    response = client_for("school1.parent").get(week_url(journal["pupil"], lesson.date))
    page = response.content.decode()
    row = page.split(f'data-lesson="{cancelled.pk}"')[0].rsplit("<article", 1)[1]
    assert "cancelled" in row
    assert "The lesson is cancelled." in page
    teacher = Staff.objects.select_related("person").get(pk=other.teacher_id)
    assert f"instead of {teacher.person.short_name}" in page
    assert replacement.person.short_name in page


def test_subgroups_and_a_transfer_follow_the_dates(client_for):
    """The lessons of the pupil's own subgroups only; after a transfer each day shows
    the class the pupil was in."""
    pupil = own_pupil()
    # Last week, or the year's first whole week when the year has just begun.
    monday = max(week_of(today())[0] - datetime.timedelta(weeks=1), FIRST_MONDAY)
    saturday = monday + datetime.timedelta(days=5)
    client = client_for("school1.parent")
    days = client.get(week_url(pupil, monday)).context["days"]
    shown = {item.lesson.pk for d in days for item in d.lessons}
    groups = SubgroupMembership.objects.filter(pupil=pupil).on(monday).values("subgroup")
    week_lessons = Lesson.objects.filter(school_class=pupil.school_class).between(
        monday, saturday)
    assert set(week_lessons.filter(subgroup__isnull=True).values_list("pk", flat=True)) \
        <= shown
    assert set(week_lessons.filter(subgroup__in=groups).values_list("pk", flat=True)) <= shown
    assert not week_lessons.filter(subgroup__isnull=False).exclude(
        subgroup__in=groups).filter(pk__in=shown).exists()

    # Transferred to another class of the grade on Thursday.
    others = SchoolClass.objects.filter(
        institution=pupil.institution, academic_year=pupil.school_class.academic_year,
    ).exclude(pk=pupil.school_class_id)
    other_class = (others.filter(grade=pupil.school_class.grade).first()
                   or others.filter(grade__gt=1).first())
    thursday = monday + datetime.timedelta(days=3)
    membership = ClassMembership.objects.filter(pupil=pupil).on(monday).get()
    ClassMembership.objects.filter(pk=membership.pk).update(
        ends_on=thursday - datetime.timedelta(days=1))
    ClassMembership.objects.create(institution=pupil.institution, pupil=pupil,
                                   school_class=other_class, starts_on=thursday)
    SubgroupMembership.objects.filter(pupil=pupil).update(
        ends_on=thursday - datetime.timedelta(days=1))
    Pupil.objects.filter(pk=pupil.pk).update(school_class=other_class)
    days = client.get(week_url(pupil, monday)).context["days"]
    for d in days:
        expected = pupil.school_class if d.day < thursday else other_class
        assert d.school_class == expected
        assert {item.lesson.school_class_id for item in d.lessons} <= {expected.pk}
        assert {item.lesson.pk for item in d.lessons} >= set(
            Lesson.objects.filter(school_class=expected, date=d.day, subgroup__isnull=True)
            .values_list("pk", flat=True))


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_query_budgets_do_not_grow_with_data(client_for, journal, django_assert_max_num_queries):
    pupil, lesson = journal["pupil"], journal["lesson"]
    client = client_for("school1.parent")
    urls = [week_url(pupil, lesson.date), period_url(pupil)]
    before = [count(client, url) for url in urls]
    # More of everything in the same week: works, marks, absences, homework files.
    writer = deputy()
    for item in held_lessons(pupil):
        if week_of(item.date) != week_of(lesson.date) or item.pk == lesson.pk:
            continue
        task = cells.new_task(writer, item, mark_type("ответ на уроке"))
        cells.save_mark(writer, task, pupil.pk, value="5", version=0, comment="ещё")
        current = Attendance.objects.filter(lesson=item, pupil=pupil).first()
        cells.save_attendance(writer, item, pupil.pk, kind=AttendanceKind.ABSENT,
                              version=current.version if current else 0)
        stored = Homework.objects.filter(lesson=item).first()
        cells.save_homework(writer, item, text="ещё задание", links="", due_on=None,
                            version=stored.version if stored else 0,
                            files=[SimpleUploadedFile("a.pdf", PDF)])
        EventFactory(institution=pupil.institution, school_class=pupil.school_class,
                     starts_on=item.date, ends_on=item.date)
    after = [count(client, url) for url in urls]
    assert after == before
    # R-NF-2: the session and the user, what the user is (the access context: one
    # query), the family's pupils, and the page's own (five or six), and one for the
    # courses beside the subjects and the materials of the lessons' topics (R-MAT-1).
    for url in urls:
        with django_assert_max_num_queries(11):
            assert client.get(url).status_code == 200


def test_only_web_links_of_a_homework_become_links():
    homework = Homework(links="https://example.ru/a\njavascript:alert(1)\n  http://b.ru  \n")
    item = diary.DiaryLesson(Lesson(), homework=homework)
    assert item.links() == ["https://example.ru/a", "http://b.ru"]
    assert diary.DiaryLesson(Lesson()).links() == []


@pytest.mark.parametrize("username", ["school2.parent", "school2.pupil", "school2.teacher"])
def test_a_homework_file_is_404_outside_its_class_and_school(client_for, journal, username):
    file = journal["homework"].files.get()
    assert client_for(username).get(file.file.url).status_code == 404
