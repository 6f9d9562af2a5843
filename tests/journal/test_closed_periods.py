"""R-JRN-4 (issue 10, item 9): nothing that stands in a closed period changes, through
any write path — the admin (a lesson's topic at /admin/schedule/lesson/edit/<id>/),
the journal grid's cell saves, the lesson page, the class teacher's attendance page,
the timetable's grid editor, a regeneration of the lessons, a thematic plan's fill.

The rule lives in the models (curriculum/closing.py): every model of the journal and the
timetable whose rows stand on a date is guarded, or named below with the reason it is
not; a new dated model fails the first test until it is one or the other."""

import datetime
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from curriculum.models import (
    ClassMembership,
    GradePeriodType,
    MarkType,
    Period,
    PeriodType,
    SchoolClass,
)
from journal import cells
from journal.models import (
    Attendance,
    AttendanceKind,
    FinalKind,
    FinalMark,
    Homework,
    HomeworkFile,
    Mark,
    Task,
)
from records.factories import PDF
from records.models import Staff, User
from schedule import actions
from schedule.lessons import generate_lessons
from schedule.models import (
    ChangeKind,
    Lesson,
    PlannedTopic,
    ThematicPlan,
    TimetableChange,
    TimetableEntry,
)
from schedule.thematic import refill_lessons

pytestmark = pytest.mark.django_db

CLOSED = "is closed: ask the deputy director to reopen it"

# Dated models of the journal and the timetable that the rule does not guard, and why.
EXEMPT = {
    "curriculum.AcademicYear": "the year itself: its dates bound the periods, no record of "
                            "the journal stands on it",
    "curriculum.Period": "the lock itself: closed and reopened by journal.finals, and its "
                      "clean() refuses new dates while it is closed",
    "curriculum.ClassMembership": "a pupil's move is recorded with the date of the order, "
                               "often after the period closed; it changes no mark, "
                               "attendance or final of it",
    "curriculum.SubgroupMembership": "as a class membership",
    "curriculum.Holiday": "the regional calendar; the lessons it takes away are regenerated "
                       "by schedule.lessons, which leaves a closed period's lessons alone",
    "schedule.TimetableEntry": "weekly, valid across periods: what stands in a period are "
                               "its dated lessons, which schedule.lessons leaves alone",
    "schedule.Event": "school and class events are the calendar, not the journal's record",
    "journal.Tally": "counted from the marks and attendance, which the guard keeps: a "
                     "recount or a rebuild writes what a closed period already holds",
}
APPS = ("curriculum", "journal", "schedule")


def dated(model):
    return any(isinstance(field, models.DateField)
               and not isinstance(field, models.DateTimeField)
               for field in model._meta.concrete_fields)


def guarded(model):
    from curriculum.closing import PeriodGuarded, PeriodGuardedQuerySet

    return (issubclass(model, PeriodGuarded) and model.period_place is not None
            and issubclass(model._default_manager._queryset_class, PeriodGuardedQuerySet))


def test_every_dated_model_of_the_journal_and_the_timetable_is_guarded_or_exempt():
    """A model stands in a period when it has a date, or hangs (by a foreign key) on a
    period or on a guarded model, or on one that hangs on such."""
    journal_models = [m for m in apps.get_models() if m._meta.app_label in APPS]
    standing = {m for m in journal_models if dated(m) or guarded(m)}
    while True:
        carriers = {m for m in standing if m._meta.label not in EXEMPT} | {Period}
        more = {m for m in journal_models if m not in standing and any(
            field.is_relation and field.many_to_one and field.related_model in carriers
            for field in m._meta.concrete_fields)}
        if not more:
            break
        standing |= more
    missing = sorted(m._meta.label for m in standing
                     if not guarded(m) and m._meta.label not in EXEMPT)
    assert not missing, (f"guard these (curriculum/closing.py) or exempt them with a reason: "
                         f"{missing}")
    assert not [label for label in EXEMPT if guarded(apps.get_model(label))]
    for model in standing:
        if guarded(model):  # the paths lead where they say
            model.objects.values(*model.period_place.paths()).first()


def test_the_guard_gives_each_class_the_periods_the_journal_gives_it():
    """ClosedPeriods chooses a class's periods as Period.objects.for_class does."""
    from curriculum.closing import ClosedPeriods

    periods = list(Period.objects.all())
    for period in periods:
        period.closed_at = timezone.now()  # in memory: every period as if closed
    everything = ClosedPeriods(periods)
    for school_class in SchoolClass.objects.all():
        expected = set(Period.objects.for_class(school_class).values_list("pk", flat=True))
        found = {p.pk for p in periods if p.academic_year_id == school_class.academic_year_id
                 and school_class.pk in everything.classes_of(p)}
        assert found == expected, school_class


# A closed quarter holding a row of every guarded model -------------------------------


@dataclass
class Quarter:
    school_class: SchoolClass
    period: Period
    rows: dict  # model: a row of it in the period

    def lessons(self):
        return Lesson.objects.filter(school_class=self.school_class,
                                     date__gte=self.period.starts_on,
                                     date__lte=self.period.ends_on)

    def close(self):
        Period.objects.filter(pk=self.period.pk).update(
            closed_at=timezone.now(), closed_by=User.objects.get(username="school1.deputy"))
        self.period.refresh_from_db()

    def reopen(self):
        Period.objects.filter(pk=self.period.pk).update(closed_at=None, closed_by=None)
        self.period.refresh_from_db()


def class_5a():
    return SchoolClass.objects.get(academic_year__is_current=True,
                                   institution__short_name="СОШ № 1", grade=5, letter="А")


def open_quarter():
    school_class = class_5a()
    period = Period.objects.for_class(school_class).get(number=1)
    assert period.ends_on < timezone.localdate()
    quarter = Quarter(school_class, period, {})
    quarter.reopen()
    return quarter


@pytest.fixture
def quarter():
    """5А's first quarter, closed, with a row of every guarded model in it."""
    quarter = open_quarter()
    lesson = quarter.lessons().filter(is_cancelled=False, marks__isnull=False).first()
    task = Task.objects.filter(lesson=lesson).first()
    homework, _created = Homework.objects.get_or_create(
        lesson=lesson, defaults={"institution_id": lesson.institution_id, "text": "№ 1"})
    entry = lesson.entry
    rows = {
        Lesson: lesson, Task: task, Mark: Mark.objects.filter(task=task).first(),
        Attendance: Attendance.objects.filter(lesson=lesson).first() or Attendance.objects.create(
            institution_id=lesson.institution_id, lesson=lesson,
            pupil_id=Mark.objects.filter(task=task).first().pupil_id,
            kind=AttendanceKind.ABSENT),
        Homework: homework,
        HomeworkFile: HomeworkFile.objects.create(
            homework=homework, title="a.pdf", file=ContentFile(PDF, name="a.pdf")),
        FinalMark: FinalMark.objects.filter(period=quarter.period,
                                            school_class=quarter.school_class).first(),
        TimetableChange: TimetableChange.objects.get_or_create(
            entry=entry, date=lesson.scheduled_on, defaults={
                "institution_id": lesson.institution_id, "kind": ChangeKind.ROOM})[0],
    }
    assert all(rows.values()), rows
    quarter.rows = rows
    quarter.close()
    return quarter


GUARDED = [Lesson, Task, Mark, Attendance, Homework, HomeworkFile, FinalMark, TimetableChange]
# A column of each model that an update would change.
CHANGES = {Lesson: ("topic", "Другая тема"), Task: ("title", "Другая работа"),
           Mark: ("comment", "исправлено"), Attendance: ("updated_at", timezone.now()),
           Homework: ("text", "Другое задание"), HomeworkFile: ("title", "b.pdf"),
           FinalMark: ("value", "2"), TimetableChange: ("note", "другое")}


def test_the_list_of_guarded_models_is_complete():
    assert {m for m in apps.get_models() if guarded(m)} == set(GUARDED)


def stored(row):
    return type(row)._base_manager.filter(pk=row.pk).values().get()


@pytest.mark.parametrize("model", GUARDED, ids=lambda m: m.__name__)
def test_a_closed_periods_row_refuses_every_write_and_keeps_what_it_holds(english, quarter,
                                                                           model):
    row = quarter.rows[model]
    before = stored(row)
    name, value = CHANGES[model]
    row = model._base_manager.get(pk=row.pk)
    setattr(row, name, value)
    with pytest.raises(ValidationError, match=CLOSED) as refused:
        row.full_clean()
    assert CLOSED in refused.value.message_dict["__all__"][0]
    with pytest.raises(ValidationError, match=CLOSED):
        row.save()
    with pytest.raises(ValidationError, match=CLOSED):
        row.delete()
    rows = model.objects.filter(pk=row.pk)
    with pytest.raises(ValidationError, match=CLOSED):
        rows.update(**{name: value})
    with pytest.raises(ValidationError, match=CLOSED):
        rows.delete()
    with pytest.raises(ValidationError, match=CLOSED):
        model.objects.bulk_update([row], [name])
    copy = model._base_manager.get(pk=row.pk)
    copy.pk = None
    copy._state.adding = True
    with pytest.raises(ValidationError, match=CLOSED):
        model.objects.bulk_create([copy])
    with pytest.raises(ValidationError, match=CLOSED):
        copy.save()
    assert stored(row) == before
    # Reopened, the same save goes through: the guard refused the period, not the row.
    quarter.reopen()
    row.save()
    assert stored(row)[model._meta.get_field(name).attname] == value


def test_a_row_cannot_be_moved_into_a_closed_period_nor_out_of_it(english, quarter):
    later = quarter.period.ends_on + datetime.timedelta(days=7)
    lesson = Lesson.objects.get(pk=quarter.rows[Lesson].pk)
    lesson.date = later  # out of the closed quarter
    with pytest.raises(ValidationError, match=CLOSED):
        lesson.save()
    outside = Lesson.objects.filter(school_class=quarter.school_class, date=later).first()
    outside.date = quarter.period.ends_on  # into it
    with pytest.raises(ValidationError, match=CLOSED):
        outside.save()
    with pytest.raises(ValidationError, match=CLOSED):
        Lesson.objects.filter(pk=outside.pk).update(date=quarter.period.ends_on)
    assert Lesson.objects.get(pk=outside.pk).date == later


def test_a_closed_periods_dates_do_not_change(english, quarter):
    period = Period.objects.get(pk=quarter.period.pk)
    period.ends_on -= datetime.timedelta(days=7)
    with pytest.raises(ValidationError, match="closed: its dates cannot change"):
        period.full_clean()
    quarter.reopen()
    period.refresh_from_db()
    period.full_clean()  # open, it may be edited (the rest of the set is checked as before)


def test_a_quarter_closes_for_the_classes_of_quarters_only(english, quarter):
    """A grade that uses half-years keeps its lessons of the closed quarter's dates
    open."""
    lesson = quarter.rows[Lesson]
    senior = Lesson.objects.filter(
        institution_id=lesson.institution_id, academic_year_id=lesson.academic_year_id,
        date__gte=quarter.period.starts_on, date__lte=quarter.period.ends_on).exclude(
        school_class__grade=quarter.school_class.grade).select_related("school_class").first()
    GradePeriodType.objects.filter(academic_year_id=lesson.academic_year_id,
                                   grade=senior.school_class.grade).update(
        period_type=PeriodType.objects.department_wide().get(name="полугодия"))
    half_year = Period.objects.for_class(senior.school_class).containing(senior.date)
    assert half_year.get().period_type_id != quarter.period.period_type_id
    half_year.update(closed_at=None)
    with pytest.raises(ValidationError, match=CLOSED):
        Lesson.objects.filter(pk=lesson.pk).update(topic="Тема задним числом")
    senior.topic = "Тема старшего класса"
    senior.save()
    assert Lesson.objects.get(pk=senior.pk).topic == "Тема старшего класса"


# Each write path --------------------------------------------------------------------


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_the_admin_refuses_a_closed_lessons_topic_and_changes_nothing(client_for, english,
                                                                      quarter):
    lesson = quarter.rows[Lesson]
    before = stored(lesson)
    client = client_for("school1.deputy")
    url = f"/admin/schedule/lesson/edit/{lesson.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"topic": "Тема, вписанная задним числом"})
    assert response.status_code == 200
    assert CLOSED in response.content.decode()
    assert stored(lesson) == before
    # A dated change of the quarter: neither edited nor deleted in the admin.
    change = quarter.rows[TimetableChange]
    before = stored(change)
    response = client.post(f"/admin/schedule/timetablechange/edit/{change.pk}/", {
        "institution": change.institution_id, "entry": change.entry_id,
        "date": change.date.isoformat(), "kind": "cancelled", "note": "задним числом"})
    assert response.status_code == 200 and CLOSED in response.content.decode()
    response = client.post(f"/admin/schedule/timetablechange/delete/{change.pk}/",
                           follow=True)
    assert CLOSED in response.content.decode()
    assert stored(change) == before


def post(client, name, data, *args):
    return client.post(reverse(f"journal:{name}", args=args), data,
                       HTTP_ACCEPT="application/json")


def test_the_journal_grid_refuses_every_cell_of_a_closed_period(client_for, english, quarter):
    lesson, mark = quarter.rows[Lesson], quarter.rows[Mark]
    final, attendance = quarter.rows[FinalMark], quarter.rows[Attendance]
    client = client_for("school1.deputy")
    marks, works = Mark.objects.filter(lesson=lesson).count(), Task.objects.filter(
        lesson=lesson).count()
    answers = [
        post(client, "save_mark", {"task": mark.task_id, "pupil": mark.pupil_id,
                                   "value": "2", "version": mark.version}),
        post(client, "save_mark", {"task": mark.task_id, "pupil": mark.pupil_id,
                                   "value": "", "version": mark.version}),
        post(client, "save_attendance", {"lesson": lesson.pk, "pupil": attendance.pupil_id,
                                         "kind": "ill", "version": attendance.version}),
        post(client, "take_attendance", {}, lesson.pk),
        post(client, "new_task", {"mark_type": MarkType.objects.department_wide().first().pk},
             lesson.pk),
        post(client, "save_final", {"class": final.school_class_id,
                                    "subject": final.subject_id, "pupil": final.pupil_id,
                                    "kind": "period", "period": quarter.period.pk,
                                    "value": "2", "version": final.version}),
    ]
    assert [a.status_code for a in answers] == [400] * len(answers)
    assert all("closed" in a.json()["message"] for a in answers)
    assert stored(mark) == stored(quarter.rows[Mark]) and Mark.objects.filter(
        lesson=lesson).count() == marks
    assert Task.objects.filter(lesson=lesson).count() == works
    assert FinalMark.objects.get(pk=final.pk).value == final.value
    assert Attendance.objects.get(pk=attendance.pk).kind == attendance.kind


def test_the_lesson_page_refuses_the_topic_and_the_homework(client_for, english, quarter):
    lesson, homework = quarter.rows[Lesson], quarter.rows[Homework]
    before, files = stored(lesson), homework.files.count()
    response = client_for("school1.deputy").post(
        reverse("journal:lesson", args=[lesson.pk]),
        {"topic": "Новая тема", "expected_topic": lesson.topic, "text": "Другое",
         "links": "", "version": homework.version,
         "delete_files": [quarter.rows[HomeworkFile].pk]})
    assert response.status_code == 200 and CLOSED in response.content.decode()
    assert stored(lesson) == before
    assert stored(homework)["text"] == homework.text and homework.files.count() == files


def test_the_class_attendance_page_refuses_a_day_of_a_closed_period(client_for, english,
                                                                    quarter):
    lesson = quarter.rows[Lesson]
    pupil = ClassMembership.objects.filter(school_class=quarter.school_class).on(
        lesson.date).first().pupil_id
    day = Attendance.objects.filter(lesson__school_class=quarter.school_class,
                                    lesson__date=lesson.date)
    before = sorted(day.values_list("pk", "kind", "version"))
    url = reverse("journal:class_attendance", args=[quarter.school_class.pk])
    client = client_for("school1.classteacher")
    for data in ({"day_absence": "1", "pupil": pupil, "day": lesson.date.isoformat(),
                  "kind": "absent"},
                 {"excuse": "1", "pupils": [pupil], "first_day": lesson.date.isoformat(),
                  "last_day": lesson.date.isoformat(), "kind": "ill"}):
        response = client.post(url, data)
        assert response.status_code == 200 and "closed" in response.content.decode()
    assert sorted(day.values_list("pk", "kind", "version")) == before


# The timetable: a closed quarter whose lessons hold nothing, so that only the closed
# period keeps them as they are.


@pytest.fixture
def bare_quarter():
    quarter = open_quarter()
    for model in (Task, Attendance, Homework):
        model.objects.filter(lesson__school_class=quarter.school_class).delete()
    Lesson.objects.filter(school_class=quarter.school_class).update(
        topic="", topic_edited=False, attendance_taken=False, planned_topic=None)
    quarter.close()
    return quarter


def lessons_of(entry, quarter, inside):
    rows = Lesson.objects.filter(entry=entry)
    if inside:
        return rows.filter(date__lte=quarter.period.ends_on)
    return rows.filter(date__gt=quarter.period.ends_on)


def test_regenerating_the_lessons_leaves_a_closed_periods_lessons_alone(bare_quarter):
    quarter = bare_quarter
    entry = TimetableEntry.objects.filter(school_class=quarter.school_class,
                                          valid_from__lte=quarter.period.starts_on,
                                          valid_to__gt=quarter.period.ends_on).first()
    inside = list(lessons_of(entry, quarter, True).values_list("pk", "teacher_id"))
    assert inside and set(Lesson.objects.filter(school_class=quarter.school_class)
                          .with_journal_data().values_list("pk", flat=True)) >= {
        pk for pk, _teacher in inside}
    other = Staff.objects.filter(institution=entry.institution).exclude(
        pk=entry.teacher_id).first()
    TimetableEntry.objects.filter(pk=entry.pk).update(teacher=other)
    report = generate_lessons(entry.academic_year)
    assert sorted(lessons_of(entry, quarter, True).values_list("pk", "teacher_id")) == \
        sorted(inside)
    assert {lesson.pk for lesson in report.kept} >= {pk for pk, _teacher in inside}
    assert set(lessons_of(entry, quarter, False).values_list("teacher_id", flat=True)) == {
        other.pk}
    # A new weekly lesson over the whole year gets no lesson in the closed quarter.
    new = TimetableEntry.objects.create(
        institution=entry.institution, academic_year=entry.academic_year,
        school_class=quarter.school_class, subject=entry.subject, teacher=other,
        weekday=6, lesson_number=7, valid_from=entry.academic_year.starts_on,
        valid_to=entry.academic_year.ends_on)
    generate_lessons(entry.academic_year)
    assert not lessons_of(new, quarter, True).exists()
    assert lessons_of(new, quarter, False).exists()
    # Deleting it from a week of the quarter keeps the quarter's lessons.
    actions.delete_entry(entry)
    assert sorted(Lesson.objects.filter(pk__in=[pk for pk, _t in inside])
                  .values_list("pk", "teacher_id")) == sorted(inside)


def test_the_grid_editor_leaves_a_closed_periods_lessons_and_changes_alone(client_for,
                                                                           english,
                                                                           bare_quarter):
    quarter = bare_quarter
    lesson = quarter.lessons().filter(entry__isnull=False, is_cancelled=False).first()
    entry = lesson.entry
    monday = lesson.date - datetime.timedelta(days=lesson.date.weekday())
    client = client_for("school1.deputy")
    grid = reverse("schedule:grid", args=[quarter.school_class.pk])
    # A dated change in the quarter is refused with the reason.
    response = client.post(reverse("schedule:add_change", args=[quarter.school_class.pk])
                           + f"?date={monday.isoformat()}",
                           {"date": lesson.scheduled_on.isoformat(), "entry": entry.pk,
                            "kind": "cancelled"})
    assert response.status_code == 400 and CLOSED in response.content.decode()
    assert not Lesson.objects.get(pk=lesson.pk).is_cancelled
    # Removing the weekly lesson from a week of the quarter keeps the quarter's lessons.
    inside = set(lessons_of(entry, quarter, True).filter(date__gte=monday)
                 .values_list("pk", flat=True))
    response = client.post(reverse("schedule:delete_cell", args=[quarter.school_class.pk])
                           + f"?date={monday.isoformat()}",
                           {"date": monday.isoformat(), "entry": entry.pk, "confirmed": "1"})
    assert response.status_code == 200, response.content
    assert set(Lesson.objects.filter(pk__in=inside).values_list("pk", flat=True)) == inside
    assert client.get(grid).status_code == 200


def test_a_change_in_a_closed_period_cannot_be_removed(client_for, english):
    quarter = open_quarter()
    lesson = quarter.lessons().filter(entry__isnull=False).first()
    change, _created = TimetableChange.objects.get_or_create(
        entry=lesson.entry, date=lesson.scheduled_on,
        defaults={"institution_id": lesson.institution_id, "kind": ChangeKind.ROOM})
    quarter.close()
    response = client_for("school1.deputy").post(
        reverse("schedule:delete_change", args=[quarter.school_class.pk, change.pk]),
        follow=True)
    assert CLOSED in response.content.decode()
    assert TimetableChange.objects.filter(pk=change.pk).exists()


def test_a_thematic_plan_fills_no_lesson_of_a_closed_period(bare_quarter):
    quarter = bare_quarter
    lesson = quarter.lessons().filter(is_cancelled=False, subgroup__isnull=True).first()
    plan = ThematicPlan.objects.create(
        institution_id=lesson.institution_id, academic_year_id=lesson.academic_year_id,
        subject_id=lesson.subject_id, school_class=quarter.school_class,
        grade=quarter.school_class.grade)
    PlannedTopic.objects.create(plan=plan, title="Тема плана", hours=300)
    same = Lesson.objects.filter(school_class=quarter.school_class,
                                 subject_id=lesson.subject_id, subgroup__isnull=True,
                                 is_cancelled=False)
    refill_lessons(plan)
    assert set(same.filter(date__lte=quarter.period.ends_on)
               .values_list("topic", flat=True)) == {""}
    assert set(same.filter(date__gt=quarter.period.ends_on)
               .values_list("topic", flat=True)) == {"Тема плана"}


def test_closing_takes_effect_on_the_save_paths_of_the_cells_module(english, quarter):
    """cells' own checks and the model's meet the same rule (R-JRN-4)."""
    mark = quarter.rows[Mark]
    teacher = User.objects.get(username="school1.deputy")
    with pytest.raises(ValidationError, match=CLOSED):
        cells.save_mark(teacher, mark.task, mark.pupil_id, value="3", version=mark.version)
    with pytest.raises(ValidationError, match="read-only"):
        final = quarter.rows[FinalMark]
        cells.save_final(teacher, final.school_class, final.subject, final.pupil_id,
                         kind=FinalKind.PERIOD, period=quarter.period, value="3",
                         version=final.version)
