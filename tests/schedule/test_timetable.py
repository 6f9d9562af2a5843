"""R-SCH-1, R-SCH-2, R-KTP-1: clashes are refused with a message naming them; dated
lessons follow the timetable, its changes and the holidays; regenerating keeps what the
journal holds; topics of the thematic plan flow into the lessons in order."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from curriculum.days_off import public_days_off
from curriculum.factories import (
    HolidayFactory,
    SchoolClassFactory,
    SubgroupFactory,
    SubjectFactory,
)
from records.factories import StaffFactory
from records.models import Institution
from schedule.demo import check_no_clashes
from schedule.factories import (
    BellScheduleFactory,
    LessonTimeFactory,
    PlannedTopicFactory,
    RoomFactory,
    ThematicPlanFactory,
    TimetableEntryFactory,
)
from schedule.hours import compare_hours
from schedule.lessons import generate_lessons
from schedule.models import Lesson, TimetableChange, TimetableEntry, Weeks, fortnight_week

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def entry_like(entry, **changes):
    values = {f.name: getattr(entry, f.name) for f in TimetableEntry._meta.concrete_fields
              if f.name != "id"}
    values.update(changes)
    return TimetableEntry(**values)


def test_a_teacher_in_two_classes_at_once_is_refused_naming_the_clash():
    entry = TimetableEntryFactory()
    other_class = SchoolClassFactory(institution=entry.institution,
                                     academic_year=entry.academic_year)
    second = entry_like(entry, school_class=other_class)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    message = " ".join(error.value.messages)
    assert entry.teacher.person.short_name in message
    assert str(entry.school_class) in message and "Monday, lesson 1" in message


def test_a_room_and_a_class_cannot_be_booked_twice():
    room = RoomFactory()
    entry = TimetableEntryFactory(school_class__institution=room.institution, room=room)
    other_class = SchoolClassFactory(institution=entry.institution,
                                     academic_year=entry.academic_year)
    other_teacher = StaffFactory(institution=entry.institution)
    with pytest.raises(ValidationError, match="Room"):
        entry_like(entry, school_class=other_class, teacher=other_teacher).full_clean()
    with pytest.raises(ValidationError, match="already has a lesson"):
        entry_like(entry, teacher=other_teacher, room=None).full_clean()


def test_two_subgroups_of_a_class_may_meet_at_once_but_not_with_the_whole_class():
    entry = TimetableEntryFactory()
    group_1 = SubgroupFactory(school_class=entry.school_class, subject=entry.subject)
    group_2 = SubgroupFactory(school_class=entry.school_class, subject=entry.subject)
    entry.subgroup = group_1
    entry.save()
    teacher = StaffFactory(institution=entry.institution)
    entry_like(entry, subgroup=group_2, teacher=teacher).full_clean()
    with pytest.raises(ValidationError, match="already has a lesson"):
        entry_like(entry, subgroup=None, teacher=teacher).full_clean()


def test_lessons_clash_by_the_clock_across_shifts():
    entry = TimetableEntryFactory()
    first = BellScheduleFactory(institution=entry.institution)
    LessonTimeFactory(schedule=first, number=1, starts_at=datetime.time(8, 0),
                      ends_at=datetime.time(8, 45))
    second = BellScheduleFactory(institution=entry.institution)
    LessonTimeFactory(schedule=second, number=1, starts_at=datetime.time(13, 0),
                      ends_at=datetime.time(13, 45))
    LessonTimeFactory(schedule=second, number=0, starts_at=datetime.time(8, 30),
                      ends_at=datetime.time(9, 15))
    entry.school_class.bell_schedule = first
    entry.school_class.save()
    afternoon = SchoolClassFactory(institution=entry.institution,
                                   academic_year=entry.academic_year, bell_schedule=second)
    entry_like(entry, school_class=afternoon).full_clean()  # 13:00 does not meet 8:00
    with pytest.raises(ValidationError):
        entry_like(entry, school_class=afternoon, lesson_number=0).full_clean()  # 8:30


def test_lessons_follow_the_weeks_skip_holidays_and_apply_changes():
    entry = TimetableEntryFactory()  # Mondays, 1 September 2026 – 31 May 2027
    HolidayFactory(institution=entry.institution, first_day=datetime.date(2026, 10, 26),
                   last_day=datetime.date(2026, 11, 4))
    substitute = StaffFactory(institution=entry.institution)
    TimetableChange.objects.create(institution=entry.institution, entry=entry,
                                   date=datetime.date(2026, 9, 14), kind="cancelled")
    TimetableChange.objects.create(institution=entry.institution, entry=entry,
                                   date=datetime.date(2026, 9, 21), kind="replacement",
                                   replacement_teacher=substitute)
    TimetableChange.objects.create(institution=entry.institution, entry=entry,
                                   date=datetime.date(2026, 9, 28), kind="moved",
                                   new_date=datetime.date(2026, 9, 29), new_lesson_number=3)
    report = generate_lessons(entry.academic_year)
    lessons = Lesson.objects.filter(entry=entry)
    # Two Mondays of the autumn holidays, and four public holidays or moved days off:
    # 4 January, 8 March, 3 and 10 May 2027 (curriculum.days_off).
    mondays = 39 - 2 - 4
    assert report.created == lessons.count() == mondays
    assert not lessons.filter(date=datetime.date(2026, 10, 26)).exists()
    assert lessons.get(scheduled_on=datetime.date(2026, 9, 14)).is_cancelled
    replaced = lessons.get(scheduled_on=datetime.date(2026, 9, 21))
    assert (replaced.teacher, replaced.replaced_teacher) == (substitute, entry.teacher)
    moved = lessons.get(scheduled_on=datetime.date(2026, 9, 28))
    assert (moved.date, moved.lesson_number) == (datetime.date(2026, 9, 29), 3)


def test_regenerating_keeps_lessons_with_journal_data_and_reports_them():
    entry = TimetableEntryFactory()
    generate_lessons(entry.academic_year)
    again = generate_lessons(entry.academic_year)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    mondays = Lesson.objects.filter(entry=entry).count()
    kept = Lesson.objects.filter(entry=entry).order_by("date").first()
    kept.topic, kept.topic_edited = "Контрольная работа", True
    kept.save()
    entry.weekday = 2
    entry.save()
    report = generate_lessons(entry.academic_year)
    assert kept in report.kept
    assert Lesson.objects.filter(pk=kept.pk).exists()
    assert report.deleted == mondays - 1  # every Monday lesson but the one with data
    assert not Lesson.objects.filter(entry=entry, date__week_day=2).exclude(
        pk=kept.pk).exists()  # Django: 2 is Monday


def test_topics_of_the_plan_flow_into_the_lessons_in_order():
    entry = TimetableEntryFactory()
    plan = ThematicPlanFactory(academic_year=entry.academic_year, subject=entry.subject,
                               grade=entry.school_class.grade)
    PlannedTopicFactory(plan=plan, title="Натуральные числа", hours=2, sort_order=0)
    PlannedTopicFactory(plan=plan, title="Дроби", hours=1, sort_order=1)
    generate_lessons(entry.academic_year)
    topics = list(Lesson.objects.filter(entry=entry).order_by("date").values_list(
        "topic", flat=True)[:4])
    assert topics == ["Натуральные числа", "Натуральные числа", "Дроби", ""]


def test_the_demo_timetables_have_no_clashes_and_lessons_for_the_year():
    for institution in Institution.objects.all():
        assert check_no_clashes(institution)
        assert Lesson.objects.filter(institution=institution).count() > 5000


# Weeks A and B, several teachers, joint lessons (R-SCH-3: what aSc exports) -----------


def test_a_fortnightly_entry_gives_lessons_in_its_weeks_and_half_an_hour_a_week():
    """The year starts on Tuesday 1 September 2026: that week is A, 7 September B."""
    week_a = TimetableEntryFactory(weeks=Weeks.A)
    week_b = entry_like(week_a, weeks=Weeks.B, subject=SubjectFactory(
        institution=week_a.institution))
    week_b.full_clean()  # one slot, one teacher, weeks A and B: no clash
    week_b.save()
    with pytest.raises(ValidationError, match="already teaches"):
        entry_like(week_a, weeks=Weeks.EVERY).full_clean()
    generate_lessons(week_a.academic_year)
    starts = week_a.academic_year.starts_on
    # Every Monday of the entry's weeks but the public holidays and moved days off.
    days_off = public_days_off(starts, week_a.academic_year.ends_on)
    mondays = [starts + datetime.timedelta(days=n) for n in range(6, 273, 7)]
    for entry, weeks in ((week_a, Weeks.A), (week_b, Weeks.B)):
        dates = Lesson.objects.filter(entry=entry).values_list("date", flat=True)
        assert len(dates) == len([day for day in mondays if day not in days_off
                                  and fortnight_week(starts, day) == weeks]) in (17, 18)
        assert {fortnight_week(starts, day) for day in dates} == {weeks}
    assert Lesson.objects.filter(entry=week_a, date=datetime.date(2026, 9, 14)).exists()
    # A change on a date the entry does not run is refused.
    change = TimetableChange(institution=week_a.institution, entry=week_a,
                             date=datetime.date(2026, 9, 7), kind="cancelled")
    with pytest.raises(ValidationError, match="does not take place"):
        change.full_clean()
    # Each is half an hour a week of its subject; one slot of both weeks, one hour.
    monday = datetime.date(2026, 9, 7)
    hours = {row.subject: (row.class_hours, row.teacher_hours) for row in compare_hours(
        week_a.school_class, monday, monday + datetime.timedelta(days=5))}
    assert hours == {week_a.subject: (Decimal("0.5"), Decimal("0.5")),
                     week_b.subject: (Decimal("0.5"), Decimal("0.5"))}
    week_b.subject = week_a.subject
    week_b.save()
    hours = compare_hours(week_a.school_class, monday, monday + datetime.timedelta(days=5))
    assert [(row.class_hours, row.teacher_hours) for row in hours] == [(1, 1)]


def test_the_lessons_of_an_entry_have_its_co_teachers_and_keep_them_with_journal_data():
    entry = TimetableEntryFactory()
    first, second = (StaffFactory(institution=entry.institution) for _n in range(2))
    entry.co_teachers.set([first])
    generate_lessons(entry.academic_year)
    lessons = Lesson.objects.filter(entry=entry)
    assert set(lessons.values_list("co_teachers", flat=True)) == {first.pk}
    with_data = lessons.order_by("date").first()
    with_data.topic, with_data.topic_edited = "Контрольная", True
    with_data.save()
    entry.co_teachers.set([second])
    generate_lessons(entry.academic_year, TimetableEntry.objects.filter(pk=entry.pk))
    assert set(lessons.exclude(pk=with_data.pk).values_list("co_teachers", flat=True)) == {
        second.pk}
    assert list(with_data.co_teachers.all()) == [first]
    # A co-teacher is checked for clashes like the teacher.
    other_class = SchoolClassFactory(institution=entry.institution,
                                     academic_year=entry.academic_year)
    with pytest.raises(ValidationError, match=f"{second.person.short_name} already teaches"):
        entry_like(entry, school_class=other_class, teacher=second).full_clean()


def test_the_parts_of_a_joint_lesson_share_the_teacher_and_room_only_with_each_other():
    room = RoomFactory()
    entry = TimetableEntryFactory(school_class__institution=room.institution, room=room,
                                  joint=True)
    other_class = SchoolClassFactory(institution=entry.institution,
                                     academic_year=entry.academic_year)
    entry_like(entry, school_class=other_class).full_clean()
    for changes in ({"joint": False}, {"room": None},
                    {"subject": SubjectFactory(institution=entry.institution)}):
        with pytest.raises(ValidationError, match="already teaches"):
            entry_like(entry, school_class=other_class, **changes).full_clean()
    # A joint lesson does not let a class have two lessons at once.
    with pytest.raises(ValidationError, match="already has a lesson"):
        entry_like(entry, teacher=StaffFactory(institution=entry.institution)).full_clean()
