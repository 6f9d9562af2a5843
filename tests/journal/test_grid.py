"""R-JRN-1…6, the journal grid page: who opens which journal, what it shows (pupils for
their dates, lessons with their works, averages and finals), closed periods and grade 1
read-only, bad query strings answered 404, and a query count that does not grow with
the pupils, lessons and marks.

The demo city may hold a seeded journal (marks, a closed first quarter): the tests work
in the current, open period, on their own new works, and compare relative counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from curriculum.models import ClassMembership, MarkType, Period, SchoolClass
from journal import cells
from journal.grid import open_journal
from journal.models import Mark, weighted_average
from records.models import User
from schedule.models import Lesson
from tests.dates import OPEN_FROM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _school_week(school_week):
    """Held lessons on several days of the open quarter (tests/journal/conftest.py)."""

# The current quarter's held lessons: after the first quarter, before today.
FROM = OPEN_FROM


def user(name):
    return User.objects.get(username=name)


def held(**filters):
    return (Lesson.objects.filter(is_cancelled=False, date__gte=FROM,
                                  date__lte=timezone.localdate(), **filters)
            .select_related("school_class", "subject").order_by("date", "lesson_number"))


def teachers_lesson():
    """A held lesson of school1.teacher's in 5А, a whole class, in the open quarter."""
    return held(teacher__person__user=user("school1.teacher"), subgroup__isnull=True,
                school_class__grade=5, school_class__letter="А",
                school_class__institution__short_name="СОШ № 1").first()


def grid_url(lesson, **query):
    url = reverse("journal:grid", args=[lesson.school_class_id, lesson.subject_id])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def members_on(lesson):
    return list(ClassMembership.objects.filter(school_class=lesson.school_class)
                .on(lesson.date).order_by("pupil__person__search_name")
                .values_list("pupil_id", flat=True))


def mark_type(name="контрольная работа"):
    return MarkType.objects.department_wide().get(name=name)


def test_the_teacher_opens_the_journal_with_pupils_lessons_and_inputs(client_for, english):
    lesson = teachers_lesson()
    task = cells.new_task(user("school1.teacher"), lesson, mark_type())
    response = client_for("school1.teacher").get(grid_url(lesson))
    assert response.status_code == 200
    journal = response.context["journal"]
    assert journal.period.starts_on <= lesson.date <= journal.period.ends_on
    assert not journal.read_only
    assert len(journal.rows) == len(members_on(lesson)) >= 20
    page = response.content.decode()
    for row in journal.rows:
        assert row.pupil.person.short_name in page
    dates = [column.lesson.date for column in journal.columns]
    assert dates == sorted(dates) and lesson.date.strftime("%d.%m") in page
    assert all(not column.lesson.is_cancelled for column in journal.columns)
    assert f'data-task="{task.pk}"' in page
    assert f'data-kind="attendance" data-lesson="{lesson.pk}"' in page
    assert "Keyboard" in page and "journal_grid.js" in page
    # The "+" of a held lesson offers the school's mark types with their weights.
    assert reverse("journal:new_task", args=[lesson.pk]) in page
    assert "контрольная работа (weight 5)" in page
    # Future lessons of the period are shown but cannot be filled yet.
    future = [c for c in journal.columns if c.lesson.date > timezone.localdate()]
    assert all(not c.may_fill for c in future)


def test_marks_show_their_type_and_weight_debts_as_debt_and_the_average(client_for, english):
    teacher, lesson = user("school1.teacher"), teachers_lesson()
    pupil = members_on(lesson)[0]
    test = cells.new_task(teacher, lesson, mark_type())  # weight 5
    oral = cells.new_task(teacher, lesson, mark_type("ответ на уроке"))  # weight 1
    homework = cells.new_task(teacher, lesson, mark_type("домашняя работа"))
    before = open_journal(teacher, lesson.school_class_id, lesson.subject_id)
    row = next(r for r in before.rows if r.pupil.pk == pupil)
    old = [m for c in row.cells for _t, m in c.marks if m is not None]
    cells.save_mark(teacher, test, pupil, value="5", version=0)
    cells.save_mark(teacher, oral, pupil, value="2", version=0, comment="не готов")
    cells.save_mark(teacher, homework, pupil, value="", is_debt=True, version=0)
    response = client_for("school1.teacher").get(grid_url(lesson))
    row = next(r for r in response.context["journal"].rows if r.pupil.pk == pupil)
    marks = [m for c in row.cells for _t, m in c.marks if m is not None]
    assert len(marks) == len(old) + 3
    assert row.average == weighted_average(marks)
    if not old:
        assert str(row.average) == "4.50" and row.hint == 5  # (5·5 + 2·1) / 6
    page = response.content.decode()
    assert "О, weight 1: не готов" in page
    assert 'value="debt"' in page


def test_the_weighted_average_skips_debts_and_words():
    class Type:
        def __init__(self, weight):
            self.weight = weight

    class Fake:
        def __init__(self, value, weight, debt=False):
            self.value, self.is_debt = value, debt
            self.task = type("T", (), {"mark_type": Type(weight)})()

    from decimal import Decimal

    assert weighted_average([]) is None
    assert weighted_average([Fake("зачёт", Decimal(1)), Fake("", Decimal(5), True)]) is None
    assert weighted_average([Fake("5", Decimal(2)), Fake("3", Decimal(1)),
                             Fake("зачёт", Decimal(9))]) == Decimal("4.33")


def test_the_class_teacher_reads_any_subject_of_the_class_without_inputs(client_for):
    lesson = held(school_class__grade=5, school_class__letter="А", subgroup__isnull=True,
                  school_class__institution__short_name="СОШ № 1").exclude(
        teacher__person__user__username="school1.classteacher").first()
    response = client_for("school1.classteacher").get(grid_url(lesson))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="jg-input"' not in page
    assert reverse("journal:new_task", args=[lesson.pk]) not in page
    # Another class's journal is not theirs to read.
    # (A subject the class teacher teaches there, to a subgroup too, is theirs to read.)
    theirs = Lesson.objects.filter(teacher__person__user__username="school1.classteacher",
                                   school_class__grade=5, school_class__letter="Б")
    other = held(school_class__grade=5, school_class__letter="Б",
                 school_class__institution=lesson.institution).exclude(
        subject__in=theirs.values("subject")).first()
    assert client_for("school1.classteacher").get(grid_url(other)).status_code == 404


def test_the_director_and_deputy_read_the_deputy_may_fill(client_for):
    lesson = teachers_lesson()
    director = client_for("school1.director").get(grid_url(lesson))
    assert director.status_code == 200 and 'class="jg-input"' not in director.content.decode()
    deputy = client_for("school1.deputy").get(grid_url(lesson))
    assert deputy.status_code == 200 and 'class="jg-input"' in deputy.content.decode()


@pytest.mark.parametrize("username", ["school2.teacher", "school1.parent", "school1.pupil",
                                      "dept"])
def test_outsiders_get_404(client_for, username):
    lesson = teachers_lesson()
    assert client_for(username).get(grid_url(lesson)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(grid_url(teachers_lesson()))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("query", [{"group": "abc"}, {"period": "x1"}, {"period": "999999"},
                                   {"group": "999999"}])
def test_bad_query_strings_are_404(client_for, query):
    lesson = teachers_lesson()
    assert client_for("school1.teacher").get(grid_url(lesson, **query)).status_code == 404


def test_a_subject_the_teacher_does_not_teach_is_404(client_for):
    lesson = teachers_lesson()
    other = held(school_class=lesson.school_class).exclude(subject=lesson.subject).first()
    assert client_for("school1.teacher").get(grid_url(other)).status_code == 404


def test_subgroup_journals_show_the_groups_pupils(client_for):
    lesson = held(school_class__grade=5, school_class__letter="А", subgroup__isnull=False,
                  school_class__institution__short_name="СОШ № 1",
                  ).select_related("subgroup").first()
    response = client_for("school1.deputy").get(grid_url(lesson, group=lesson.subgroup_id))
    assert response.status_code == 200
    journal = response.context["journal"]
    assert journal.subgroup == lesson.subgroup
    members = set(lesson.subgroup.memberships.on(lesson.date).values_list("pupil_id",
                                                                          flat=True))
    assert members and members <= {row.pupil.pk for row in journal.rows}
    assert len(journal.rows) < 25
    # Without a group, a subject taught only in groups opens its first group.
    first = client_for("school1.deputy").get(grid_url(lesson))
    assert first.status_code == 200 and first.context["journal"].subgroup is not None


def test_periods_switch_and_a_closed_period_is_read_only(client_for, english):
    lesson = teachers_lesson()
    # The first period that is not the lesson's (the first quarter, unless the lesson
    # is in it, as in September).
    first = next(p for p in Period.objects.for_class(lesson.school_class)
                 if not p.starts_on <= lesson.date <= p.ends_on)
    Period.objects.filter(pk=first.pk).update(closed_at=timezone.now())
    client = client_for("school1.teacher")
    current = client.get(grid_url(lesson)).content.decode()
    assert f"period={first.pk}" in current
    response = client.get(grid_url(lesson, period=first.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["journal"].read_only
    assert "data-closed-note" in page and 'class="jg-input"' not in page
    assert reverse("journal:new_task", args=[lesson.pk]) not in page


def test_the_last_period_shows_year_and_exam_finals(client_for, english):
    lesson = teachers_lesson()
    last = list(Period.objects.for_class(lesson.school_class))[-1]
    journal = client_for("school1.teacher").get(
        grid_url(lesson, period=last.pk)).context["journal"]
    assert [kind for kind, _p, _l in journal.final_heads] == ["period", "year", "exam"]
    current = client_for("school1.teacher").get(grid_url(lesson)).context["journal"]
    assert [kind for kind, _p, _l in current.final_heads] == ["period"]


def test_grade_one_keeps_attendance_only(client_for, english):
    lesson = held(school_class__grade=1,
                  school_class__institution__short_name="СОШ № 1").first()
    response = client_for("school1.deputy").get(grid_url(lesson))
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-no-marks-note" in page
    assert 'data-kind="mark"' not in page and 'data-kind="final"' not in page
    assert 'data-kind="attendance"' in page


def test_a_pupil_who_left_mid_period_shows_only_for_their_dates(client_for, english):
    lesson = teachers_lesson()
    lessons = list(held(school_class=lesson.school_class, subject=lesson.subject,
                        subgroup__isnull=True))
    early, late = lessons[0], lessons[-1]
    assert early.date < late.date
    pupil = members_on(early)[-1]
    ClassMembership.objects.filter(school_class=lesson.school_class, pupil_id=pupil).on(
        early.date).update(ends_on=early.date)
    teacher = user("school1.teacher")
    journal = open_journal(teacher, lesson.school_class_id, lesson.subject_id)
    row = next(r for r in journal.rows if r.pupil.pk == pupil)
    assert row.partial
    by_lesson = {c.column.lesson.pk: c for c in row.cells}
    assert by_lesson[early.pk].inside and by_lesson[early.pk].editable
    assert not by_lesson[late.pk].inside and not by_lesson[late.pk].editable
    page = client_for("school1.teacher").get(grid_url(lesson)).content.decode()
    assert f'data-lesson="{late.pk}" data-pupil="{pupil}"' not in page
    assert f'data-lesson="{early.pk}" data-pupil="{pupil}"' in page
    # A save outside their dates is refused with the reason.
    task = cells.new_task(teacher, late, mark_type())
    response = client_for("school1.teacher").post(reverse("journal:save_mark"), {
        "task": task.pk, "pupil": pupil, "value": "5", "version": 0})
    assert response.status_code == 400
    assert "not in this class" in response.json()["message"]
    assert not Mark.objects.filter(task=task).exists()


def count_queries(teacher, lesson):
    with CaptureQueriesContext(connection) as queries:
        journal = open_journal(teacher, lesson.school_class_id, lesson.subject_id)
        for row in journal.rows:  # everything the template reads
            for cell in row.cells:
                cell.attendance_text  # noqa: B018
                for task, mark in cell.marks:
                    str(task.mark_type), mark and mark.updated_by_id  # noqa: B018
            for column in journal.columns:
                list(column.files)
    return len(queries), journal


def test_the_grid_loads_with_a_fixed_number_of_queries(client_for,
                                                       django_assert_max_num_queries):
    teacher, lesson = user("school1.teacher"), teachers_lesson()
    count_queries(teacher, lesson)  # the user's roles are read once, then cached
    before, journal = count_queries(teacher, lesson)
    assert len(journal.rows) >= 25 and len(journal.columns) >= 20
    # A full quarter of marks: two works in every held lesson, a mark for every pupil.
    held_columns = [c for c in journal.columns if c.may_fill][:12]
    for column in held_columns:
        pupils = members_on(column.lesson)
        for name in ("ответ на уроке", "самостоятельная работа"):
            task = cells.new_task(teacher, column.lesson, mark_type(name))
            Mark.objects.bulk_create(
                Mark(institution_id=column.lesson.institution_id, task=task,
                     lesson=column.lesson, pupil_id=pupil, value=str(3 + pupil % 3),
                     updated_by=teacher) for pupil in pupils)
    after, journal = count_queries(teacher, lesson)
    assert after == before
    assert sum(1 for row in journal.rows if row.average is not None) >= 25
    # The readable journals with the subject, the class with its settings, the periods,
    # the lessons, their works, the pupils, marks, attendance and finals (one UNION)
    # and the mark types: co-teachers and homework files only when there are some.
    with django_assert_max_num_queries(8):
        open_journal(teacher, lesson.school_class_id, lesson.subject_id)
    client = client_for("school1.teacher")
    client.get(grid_url(lesson))  # sessions and the like warm up
    # The journal's 8, the session's 1 and the user with the access context's 2
    # (portal.access; the header's person comes with the user).
    with django_assert_max_num_queries(11):
        assert client.get(grid_url(lesson)).status_code == 200


def test_the_class_page_links_each_subject_to_its_journal(client_for):
    school_class = SchoolClass.objects.get(academic_year__is_current=True,
                                           institution__short_name="СОШ № 1", grade=5,
                                           letter="А")
    lesson = teachers_lesson()
    page = client_for("school1.classteacher").get(
        reverse("journal:class", args=[school_class.pk])).content.decode()
    assert reverse("journal:grid", args=[school_class.pk, lesson.subject_id]) in page
    parent = client_for("school1.parent").get(reverse("journal:class",
                                                      args=[school_class.pk]))
    if parent.status_code == 200:
        assert "/journal/" not in parent.content.decode()


def test_the_header_names_the_co_teachers_read_only_for_the_lessons_that_have_them(
    django_assert_max_num_queries
):
    from records.models import Staff

    teacher, lesson = user("school1.teacher"), teachers_lesson()
    before = open_journal(teacher, lesson.school_class_id, lesson.subject_id).teachers
    assert before[0] == lesson.teacher.person.short_name
    other = (Staff.objects.filter(institution_id=lesson.institution_id)
             .exclude(person__surname__in=[name.split()[0] for name in before])
             .select_related("person").first())
    lesson.co_teachers.add(other)
    # One query more: the co-teachers of the lessons that have some.
    with django_assert_max_num_queries(10):
        journal = open_journal(teacher, lesson.school_class_id, lesson.subject_id)
    assert sorted(journal.teachers) == sorted([*before, other.person.short_name])


def test_the_grid_opens_at_today_s_lesson_and_says_what_the_cells_take(client_for, english):
    """Today's lesson (else the last one held) is where the grid opens: shown alone on a
    phone, scrolled to on a wide screen (journal_grid.js). The hint and the script's
    tables say what the server reads (journal/cells.py)."""
    lesson = teachers_lesson()
    response = client_for("school1.teacher").get(grid_url(lesson))
    journal = response.context["journal"]
    day = timezone.localdate()
    opened = journal.today_column.lesson
    held_days = [column.lesson.date for column in journal.columns
                 if column.lesson.date <= day]
    assert opened.date == max(held_days)
    if opened.date == day:
        assert journal.today_column.may_fill
    page = response.content.decode()
    assert f'data-today="{opened.pk}"' in page
    assert "«y», «e», «,», «j10»" in page
    assert "&quot;y&quot;: &quot;absent&quot;" in page
    assert "&quot;l&quot;" in page  # «д» on the English layout: a debt


def test_a_new_work_opens_the_grid_at_its_column(client_for, english):
    lesson = teachers_lesson()
    response = client_for("school1.teacher").post(
        reverse("journal:new_task", args=[lesson.pk]), {"mark_type": mark_type().pk})
    task = lesson.tasks.order_by("-pk").first()
    assert response.status_code == 302 and response.url.endswith(f"#task-{task.pk}")
