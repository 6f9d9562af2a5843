"""Dated lessons from the weekly timetable and its changes (R-SCH-1).

``generate_lessons`` is safe to run again after any change of the timetable: a lesson
keeps its row (and whatever the journal hangs on it) while its slot still exists; a slot
that no longer exists loses its lesson, unless the lesson holds journal data, in which
case it is kept and reported for the deputy to sort out. A closed period's lessons are
neither created, changed nor deleted (curriculum.closing), nor given other topics.

A fortnightly entry gives lessons in its weeks only (``TimetableEntry.runs_on``); the
co-teachers of an entry are copied to its lessons.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from curriculum.closing import open_only
from curriculum.days_off import public_days_off
from curriculum.models import Holiday, SchoolClass

from .conflicts import SlotTimes
from .models import (
    ChangeKind,
    Lesson,
    ThematicPlan,
    TimetableChange,
    TimetableEntry,
    fortnight_week,
)

BATCH = 2000
UPDATED_FIELDS = ["date", "lesson_number", "starts_at", "ends_at", "teacher",
                  "replaced_teacher", "room", "is_cancelled", "school_class", "subgroup",
                  "subject"]
ATTNAMES = [Lesson._meta.get_field(name).attname for name in UPDATED_FIELDS]


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept: list = field(default_factory=list)  # lessons with journal data and no slot


def holidays_of(institution_id, first_day, last_day):
    """The days without lessons from ``first_day`` to ``last_day``: the public holidays
    and moved days off of the production calendar (curriculum.days_off), and the
    holidays of the department and of the school."""
    days = set(public_days_off(first_day, last_day))
    rows = Holiday.objects.filter(Q(institution__isnull=True) | Q(institution_id=institution_id))
    for holiday in rows.between(first_day, last_day):
        day = holiday.first_day
        while day <= holiday.last_day:
            days.add(day)
            day += datetime.timedelta(days=1)
    return days


def dates_of(entry, holidays, year_starts_on):
    day = entry.valid_from + datetime.timedelta(days=(entry.weekday - 1
                                                      - entry.valid_from.weekday()) % 7)
    while day <= entry.valid_to:
        if day not in holidays and (
                not entry.weeks or fortnight_week(year_starts_on, day) == entry.weeks):
            yield day
        day += datetime.timedelta(days=7)


def planned_lessons(academic_year, entries=None):
    """{(entry pk, date in the timetable): Lesson} as the timetable and its changes give
    them, not yet saved."""
    institution_id = academic_year.institution_id
    times = SlotTimes(institution_id)
    holidays = holidays_of(institution_id, academic_year.starts_on, academic_year.ends_on)
    if entries is None:
        entries = TimetableEntry.objects.filter(academic_year=academic_year)
    entries = entries.select_related("school_class")
    changes = {(c.entry_id, c.date): c for c in
               TimetableChange.objects.filter(entry__academic_year=academic_year)}
    planned = {}
    for entry in entries:
        for day in dates_of(entry, holidays, academic_year.starts_on):
            change = changes.get((entry.pk, day))
            number, date = entry.lesson_number, day
            teacher, replaced, room = entry.teacher_id, None, entry.room_id
            cancelled = False
            if change is not None:
                if change.kind == ChangeKind.CANCELLED:
                    cancelled = True
                elif change.kind == ChangeKind.REPLACEMENT:
                    teacher, replaced = change.replacement_teacher_id, entry.teacher_id
                elif change.kind == ChangeKind.MOVED:
                    date, number = change.new_date, change.new_lesson_number
                if change.new_room_id:
                    room = change.new_room_id
            slot = times.of(entry.school_class, number) or (None, None)
            planned[(entry.pk, day)] = Lesson(
                institution_id=institution_id, academic_year_id=academic_year.pk,
                school_class_id=entry.school_class_id, subgroup_id=entry.subgroup_id,
                subject_id=entry.subject_id, teacher_id=teacher, replaced_teacher_id=replaced,
                room_id=room, date=date, lesson_number=number, starts_at=slot[0],
                ends_at=slot[1], entry_id=entry.pk, scheduled_on=day, is_cancelled=cancelled,
            )
    return planned


@transaction.atomic
def generate_lessons(academic_year, entries=None):
    """Brings the year's lessons in line with its timetable; returns a Report.
    ``entries`` limits the work to some timetable rows (e.g. one class's)."""
    report = Report()
    fresh = not Lesson.objects.filter(academic_year=academic_year).exists()
    planned = planned_lessons(academic_year, entries)
    existing = Lesson.objects.filter(academic_year=academic_year, entry__isnull=False)
    if entries is not None:
        existing = existing.filter(entry__in=entries)
    with_data = set(existing.with_journal_data().values_list("pk", flat=True))
    entry_co = co_teacher_sets(TimetableEntry.co_teachers.through.objects.filter(
        timetableentry__academic_year=academic_year), "timetableentry_id")
    lesson_co = co_teacher_sets(Lesson.co_teachers.through.objects.filter(
        lesson__in=existing), "lesson_id")
    to_update, to_delete = [], []
    for lesson in existing.iterator(chunk_size=BATCH):
        target = planned.pop((lesson.entry_id, lesson.scheduled_on), None)
        if target is None:
            if lesson.pk in with_data:
                report.kept.append(lesson)
            else:
                to_delete.append(lesson.pk)
            continue
        # Compared by attname (teacher_id, not teacher): reading a related row would
        # cost a query per lesson.
        moved = any(getattr(lesson, attname) != getattr(target, attname)
                    for attname in ATTNAMES)
        if moved or lesson_co.get(lesson.pk, NONE) != entry_co.get(lesson.entry_id, NONE):
            if lesson.pk in with_data:
                # A lesson that holds marks or a topic is not rewritten: its teachers,
                # subject and date are what the journal's data refer to.
                report.kept.append(lesson)
                continue
        if moved:
            for attname in ATTNAMES:
                setattr(lesson, attname, getattr(target, attname))
            to_update.append(lesson)
    for start in range(0, len(to_delete), BATCH):
        Lesson.objects.filter(pk__in=to_delete[start:start + BATCH]).delete()
    Lesson.objects.bulk_update(to_update, UPDATED_FIELDS, batch_size=BATCH)
    planned = open_only(planned)  # a closed period gets no new lessons
    report.created, report.updated, report.deleted = len(planned), len(to_update), len(to_delete)
    kept = {lesson.pk for lesson in report.kept}
    if not fresh:
        Lesson.objects.bulk_create(planned.values(), batch_size=BATCH)
        if entries is None:
            assign_topics(academic_year)
        else:
            # Only the classes of these entries have new lessons to number.
            for school_class in SchoolClass.objects.filter(
                    pk__in=entries.values("school_class")):
                assign_topics(academic_year, school_class)
    else:
        # The first generation: topics go in with the rows, not in a second pass.
        grades = dict(SchoolClass.objects.filter(academic_year=academic_year)
                      .values_list("pk", "grade"))
        set_topics(sorted(planned.values(), key=lesson_order), plan_slots(academic_year),
                   grades)
        Lesson.objects.bulk_create(planned.values(), batch_size=BATCH)
    copy_co_teachers(academic_year, entries, kept)
    return report


NONE = frozenset()


def co_teacher_sets(links, owner):
    """{entry or lesson pk: frozenset of co-teacher pks} of some through-table rows."""
    sets = {}
    for pk, staff_id in links.values_list(owner, "staff_id"):
        sets.setdefault(pk, set()).add(staff_id)
    return {pk: frozenset(staff) for pk, staff in sets.items()}


def copy_co_teachers(academic_year, entries, kept):
    """Gives the lessons of ``entries`` (all of the year's when None) their entry's
    co-teachers, in a fixed number of queries. Lessons kept for their journal data keep
    the teachers they had."""
    entry_links = TimetableEntry.co_teachers.through.objects.filter(
        timetableentry__academic_year=academic_year)
    lesson_links = Lesson.co_teachers.through.objects.filter(lesson__academic_year=academic_year)
    lessons = Lesson.objects.filter(academic_year=academic_year)
    if entries is not None:
        entry_links = entry_links.filter(timetableentry__in=entries)
        lesson_links = lesson_links.filter(lesson__entry__in=entries)
        lessons = lessons.filter(entry__in=entries)
    wanted_by_entry = co_teacher_sets(entry_links, "timetableentry_id")
    wanted = {(lesson_id, staff_id)
              for lesson_id, entry_id in lessons.filter(
                  entry__in=entry_links.values("timetableentry_id"))
              .exclude(pk__in=kept).values_list("pk", "entry_id")
              for staff_id in wanted_by_entry[entry_id]}
    have = {(lesson_id, staff_id): pk for pk, lesson_id, staff_id in
            lesson_links.exclude(lesson__in=kept).values_list("pk", "lesson_id", "staff_id")}
    stale = [pk for pair, pk in have.items() if pair not in wanted]
    for start in range(0, len(stale), BATCH):
        Lesson.co_teachers.through.objects.filter(pk__in=stale[start:start + BATCH]).delete()
    Lesson.co_teachers.through.objects.bulk_create(
        [Lesson.co_teachers.through(lesson_id=lesson_id, staff_id=staff_id)
         for lesson_id, staff_id in wanted - set(have)], batch_size=BATCH)


def plan_slots(academic_year):
    """{(class pk or None, grade, subject pk): [PlannedTopic per hour]} of the year."""
    slots = {}
    for plan in ThematicPlan.objects.filter(academic_year=academic_year).prefetch_related(
            "topics"):
        slots[(plan.school_class_id, plan.grade, plan.subject_id)] = plan.lesson_slots()
    return slots


def set_topics(lessons, slots, grades):
    """Gives lessons (sorted by class, subgroup, subject, date, number) the topics of
    their plan in order; returns the lessons whose topic changed. ``grades`` maps class
    pks to grades."""
    changed, position, group = [], 0, None
    for lesson in lessons:
        if lesson.is_cancelled:
            continue
        key = (lesson.school_class_id, lesson.subgroup_id, lesson.subject_id)
        if key != group:
            group, position = key, 0
        grade = grades[lesson.school_class_id]
        topics = slots.get((lesson.school_class_id, grade, lesson.subject_id))
        if topics is None:
            topics = slots.get((None, grade, lesson.subject_id), [])
        topic = topics[position] if position < len(topics) else None
        position += 1
        if lesson.topic_edited:
            continue
        title, topic_id = (topic.title, topic.pk) if topic else ("", None)
        if lesson.planned_topic_id != topic_id or lesson.topic != title:
            lesson.planned_topic_id, lesson.topic = topic_id, title
            changed.append(lesson)
    return changed


def lesson_order(lesson):
    return (lesson.school_class_id, lesson.subgroup_id or 0, lesson.subject_id, lesson.date,
            lesson.lesson_number)


def assign_topics(academic_year, school_class=None):
    """R-KTP-1: the n-th lesson of a subject in a class (or subgroup) takes the n-th hour
    of its thematic plan. Topics a teacher entered by hand stay."""
    lessons = Lesson.objects.filter(academic_year=academic_year).select_related(
        "school_class").only(
        "school_class__grade", "school_class_id", "subgroup_id", "subject_id", "date",
        "lesson_number", "is_cancelled", "topic_edited", "topic", "planned_topic_id")
    if school_class is not None:
        lessons = lessons.filter(school_class=school_class)
    lessons = sorted(lessons, key=lesson_order)
    grades = {lesson.school_class_id: lesson.school_class.grade for lesson in lessons}
    changed = open_only(set_topics(lessons, plan_slots(academic_year), grades))
    Lesson.objects.bulk_update(changed, ["planned_topic", "topic"], batch_size=BATCH)
    return len(changed)
