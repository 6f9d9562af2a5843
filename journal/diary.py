"""The diary of a pupil (R-DRY-1): what a pupil and their parents read of the journal.

The week shows the pupil's lessons day by day (the class's, and those of the subgroups
the pupil was in on that day) with topic, homework, the pupil's marks and attendance, and
the events of the class and the school. The period shows the pupil's marks per subject
with the weighted average, the absences and the finals, and the pupil's courses.

The pupil is found through the access matrix (``diary_pupils``); once found, the rows of
the pupil's class are read directly — the class's lessons, homework and events are the
family's to read — and marks and attendance are always filtered by that one pupil.
Every page reads a fixed number of queries: rows are fetched per week or per period and
put in dicts by lesson or subject, never fetched per lesson.
"""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q

from curriculum.models import (
    ClassMembership,
    Period,
    SubgroupMembership,
    Subject,
    TeachingAssignment,
)
from portal.access import access, today
from records.models import Pupil
from schedule.models import Event, Lesson, week_of

from .models import (
    Attendance,
    AttendanceKind,
    FinalKind,
    FinalMark,
    Homework,
    HomeworkFile,
    Mark,
    weighted_average,
)

# The dates a diary page accepts: far enough for any school year, near enough that the
# week before and after are still dates.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


def diary_pupils(user):
    """The pupils whose diary the user reads: their own pupil record and their children,
    as far as the access matrix shows them; sorted by name."""
    context = access(user)
    if context is None:
        return Pupil.objects.none()
    ids = context.own_pupil_ids | context.child_pupil_ids
    if not ids:
        return Pupil.objects.none()
    return (Pupil.objects.visible_to(user).filter(pk__in=ids)
            .select_related("person", "institution", "school_class__academic_year")
            .order_by("person__search_name", "pk"))


def parse_day(value):
    """The date of ``?date=YYYY-MM-DD``, or None for anything else."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


# The week --------------------------------------------------------------------------------


@dataclass
class DiaryLesson:
    lesson: Lesson
    marks: list = field(default_factory=list)
    attendance: Attendance | None = None
    homework: Homework | None = None
    files: list = field(default_factory=list)

    def links(self):
        # Links were checked when saved; a row written some other way still never
        # becomes a javascript: link on a child's page.
        if self.homework is None:
            return []
        return [link for link in self.homework.link_list()
                if link.startswith(("http://", "https://"))]


@dataclass
class DiaryDay:
    day: datetime.date
    school_class: object = None
    lessons: list = field(default_factory=list)
    events: list = field(default_factory=list)


def _span(starts_on, ends_on, first_day, last_day):
    """The days of [starts_on, ends_on] (no end: open) within [first_day, last_day]."""
    start = max(starts_on, first_day)
    end = min(ends_on or last_day, last_day)
    return (start, end) if start <= end else None


def week(pupil, day):
    """The pupil's school week (Monday to Saturday) around ``day``."""
    monday, saturday = week_of(day)
    memberships = [
        (row, span) for row in ClassMembership.objects.filter(pupil=pupil)
        .overlapping(monday, saturday).select_related("school_class")
        if (span := _span(row.starts_on, row.ends_on, monday, saturday))
    ]
    groups = list(SubgroupMembership.objects.filter(pupil=pupil).overlapping(monday, saturday)
                  .select_related("subgroup"))
    days = [DiaryDay(monday + datetime.timedelta(days=n)) for n in range(6)]
    for row, (start, end) in memberships:
        for diary_day in days:
            if start <= diary_day.day <= end:
                diary_day.school_class = row.school_class
    if not memberships:
        return days

    # The class's lessons on the days the pupil was in it, and the lessons of the
    # pupil's subgroups of that class on the days the pupil was in the subgroup.
    conditions = []
    for row, (start, end) in memberships:
        conditions.append(Q(school_class_id=row.school_class_id, subgroup__isnull=True,
                            date__gte=start, date__lte=end))
        for group in groups:
            if group.subgroup.school_class_id != row.school_class_id:
                continue
            both = _span(group.starts_on, group.ends_on, start, end)
            if both:
                conditions.append(Q(subgroup_id=group.subgroup_id, date__gte=both[0],
                                    date__lte=both[1]))
    lessons = list(
        Lesson.objects.filter(reduce(or_, conditions))
        .select_related("subject", "subgroup", "room", "teacher__person",
                        "replaced_teacher__person")
        .order_by("date", "lesson_number", "starts_at", "pk"))
    ids = [lesson.pk for lesson in lessons]
    # Only this pupil's marks and attendance: the other pupils' rows of the same
    # lessons never reach the page.
    marks = {}
    for mark in (Mark.objects.filter(pupil=pupil, lesson_id__in=ids)
                 .select_related("task__mark_type").order_by("task_id")):
        marks.setdefault(mark.lesson_id, []).append(mark)
    attendance = {row.lesson_id: row
                  for row in Attendance.objects.filter(pupil=pupil, lesson_id__in=ids).order_by()}
    homework = {row.lesson_id: row for row in Homework.objects.filter(lesson_id__in=ids)}
    files = {}
    for row in HomeworkFile.objects.filter(homework__lesson_id__in=ids):
        files.setdefault(row.homework_id, []).append(row)

    by_day = {diary_day.day: diary_day for diary_day in days}
    for lesson in lessons:
        task = homework.get(lesson.pk)
        by_day[lesson.date].lessons.append(DiaryLesson(
            lesson, marks.get(lesson.pk, []), attendance.get(lesson.pk), task,
            files.get(task.pk, []) if task else []))

    events = reduce(or_, [Event.objects.for_class(row.school_class).between(start, end)
                          for row, (start, end) in memberships])
    for event in events.order_by("starts_on", "starts_at", "title"):
        for diary_day in days:
            if (event.starts_on <= diary_day.day <= event.ends_on
                    and diary_day.school_class is not None
                    and event.school_class_id in (None, diary_day.school_class.pk)
                    and event.institution_id == diary_day.school_class.institution_id):
                diary_day.events.append(event)
    return days


# The period ------------------------------------------------------------------------------


def class_periods(school_class):
    if school_class is None:
        return []
    return list(Period.objects.for_class(school_class).select_related("period_type"))


def chosen_period(periods, value, on=None):
    """The period asked for by ``?period=<pk>`` if it is one of ``periods``; else the one
    holding today, else the last one begun, else the first."""
    on = on or today()
    by_pk = {str(period.pk): period for period in periods}
    if value in by_pk:
        return by_pk[value]
    for period in periods:
        if period.starts_on <= on <= period.ends_on:
            return period
    begun = [period for period in periods if period.starts_on <= on]
    if begun:
        return begun[-1]
    return periods[0] if periods else None


@dataclass
class SubjectLine:
    subject: object
    marks: list = field(default_factory=list)
    debts: list = field(default_factory=list)
    absences: int = 0
    lates: int = 0
    finals: dict = field(default_factory=dict)  # kind -> FinalMark

    @property
    def average(self):
        return weighted_average(self.marks)

    @property
    def period_final(self):
        return self.finals.get(FinalKind.PERIOD)

    @property
    def year_final(self):
        return self.finals.get(FinalKind.YEAR)

    @property
    def exam_final(self):
        return self.finals.get(FinalKind.EXAM)


def period_lines(pupil, period, subjects=()):
    """The pupil's subjects in ``period`` (``subjects`` first, then any other subject the
    pupil has a mark, an absence or a final in): marks, debts, absences and finals."""
    lines = {}

    def line(subject):
        if subject.pk not in lines:
            lines[subject.pk] = SubjectLine(subject)
        return lines[subject.pk]

    for subject in subjects:
        line(subject)
    in_period = {"lesson__date__gte": period.starts_on, "lesson__date__lte": period.ends_on}
    for mark in (Mark.objects.filter(pupil=pupil, **in_period)
                 .select_related("task__mark_type", "lesson__subject")
                 .order_by("lesson__date", "lesson__lesson_number", "task_id")):
        target = line(mark.lesson.subject)
        (target.marks if mark.value else target.debts).append(mark)
    counts = (Attendance.objects.filter(pupil=pupil, **in_period)
              .values("lesson__subject_id", "lesson__subject__name", "kind")
              .annotate(n=Count("pk")).order_by())
    for row in counts:
        target = line(Subject(pk=row["lesson__subject_id"], name=row["lesson__subject__name"]))
        if row["kind"] == AttendanceKind.LATE:
            target.lates += row["n"]
        else:
            target.absences += row["n"]
    finals = (FinalMark.objects.filter(pupil=pupil, academic_year_id=period.academic_year_id)
              .filter(Q(kind=FinalKind.PERIOD, period=period) | ~Q(kind=FinalKind.PERIOD))
              .exclude(value="").select_related("subject").order_by())
    for final in finals:
        line(final.subject).finals[final.kind] = final
    return sorted(lines.values(), key=lambda row: (row.subject.name, row.subject.pk))


def courses(pupil, on=None):
    """The pupil's subjects and teachers: the class's teaching assignments for the whole
    class, and those of the subgroups the pupil is in."""
    if pupil.school_class_id is None:
        return []
    groups = SubgroupMembership.objects.filter(pupil=pupil).on(on or today()).values(
        "subgroup_id")
    return list(
        TeachingAssignment.objects.filter(school_class_id=pupil.school_class_id)
        .filter(Q(subgroup__isnull=True) | Q(subgroup_id__in=groups))
        .select_related("subject", "teacher__person", "subgroup")
        .order_by("subject__name", "subgroup__name", "teacher__person__search_name"))
