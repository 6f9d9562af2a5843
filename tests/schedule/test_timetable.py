"""R-SCH-1, R-SCH-2, R-KTP-1: clashes are refused with a message naming them; dated
lessons follow the timetable, its changes and the holidays; regenerating keeps what the
journal holds; topics of the thematic plan flow into the lessons in order."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from journal.factories import HolidayFactory, SchoolClassFactory, SubgroupFactory
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
from schedule.lessons import generate_lessons
from schedule.models import Lesson, TimetableChange, TimetableEntry

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
    mondays = 39 - 2  # two Mondays of the autumn holidays
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
