"""The diary of a pupil (R-DRY-1): what a pupil and their parents read of the journal.

The week shows the pupil's lessons day by day (the class's, and those of the subgroups
the pupil was in on that day) with topic, homework, the pupil's marks and attendance, and
the events of the class and the school. The period shows the pupil's marks per subject
with the weighted average, the absences and the finals, and the pupil's courses.

The pupil is found through the access matrix (``diary_pupils``); once found, the rows of
the pupil's class are read directly — the class's lessons, homework and events are the
family's to read — and marks and attendance are always filtered by that one pupil.
Every page reads a fixed number of queries: rows are fetched per week or per period and
put in dicts by lesson or subject, never fetched per lesson. The rows are read as plain
values (only the columns the page shows: a teacher's name, not the staff record) and the
page's objects are built from them.
"""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from html import escape
from operator import or_

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Value
from django.template.defaultfilters import floatformat, linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from curriculum.models import (
    ClassMembership,
    MarkType,
    Period,
    SchoolClass,
    Subgroup,
    SubgroupMembership,
    Subject,
    TeachingAssignment,
)
from portal.access import access, today
from records.models import Person, Pupil
from schedule.models import Event, Lesson, Room, week_of

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
    # Only what the pages show and use of the pupil, the school and the class.
    return (Pupil.objects.visible_to(user).filter(pk__in=ids)
            .select_related("person", "institution", "school_class")
            .only("institution", "school_class", "person__surname", "person__name",
                  "person__patronymic", "person__search_name", "institution__short_name",
                  "school_class__institution", "school_class__academic_year",
                  "school_class__grade", "school_class__letter")
            .order_by("person__search_name", "pk"))


def parse_day(value):
    """The date of ``?date=YYYY-MM-DD``, or None for anything else."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


# The marks as the pages show them: a period holds a few hundred of a pupil's marks, and
# a template included for each one was most of the page. Put together here, once; the
# same few mark types are worded once per page.


def _mark_type_parts(kind, cache):
    """The title (type and weight) and the label (short name × weight) of a mark type,
    escaped."""
    if kind.pk not in cache:
        weight = str(floatformat(kind.weight, "-2"))
        cache[kind.pk] = (
            escape(_("%(type)s, weight %(weight)s") % {"type": kind.name, "weight": weight}),
            escape(f"{kind.short_name or kind.name} ×{weight}"))
    return cache[kind.pk]


def render_mark(mark, cache, with_date=False):
    """One mark: its value (or "debt") titled with its work's type and weight, the
    lesson's date if ``with_date``, the type and weight, the comment. Every value
    escaped."""
    title, label = _mark_type_parts(mark.task.mark_type, cache)
    value = escape(mark.value) if mark.value else escape(_("debt"))
    debt = "" if mark.value else " debt"
    html = (f'<span class="diary-mark{debt}" title="{title}" data-mark="{mark.pk}">{value}'
            f"</span>")
    if with_date:
        html += f' <small class="muted">{mark.lesson.date:%d.%m}</small>'
    html += f' <small class="muted">{label}</small>'
    if mark.comment:
        html += f' <small class="diary-comment">{escape(mark.comment)}</small>'
    return html


def render_marks(marks, cache, before, after, with_date=False):
    """The marks, each between ``before`` and ``after``: safe HTML."""
    return mark_safe("".join(  # noqa: S308 - render_mark escapes every value
        f"{before}{render_mark(mark, cache, with_date)}{after}" for mark in marks))


# The week --------------------------------------------------------------------------------


@dataclass
class DiaryLesson:
    lesson: object  # DiaryLessonRow
    marks: list = field(default_factory=list)
    attendance: Attendance | None = None
    homework: Homework | None = None
    files: list = field(default_factory=list)

    kinds: dict = field(default_factory=dict, repr=False)  # the page's mark types worded

    def marks_html(self):
        return render_marks(self.marks, self.kinds, "<div>", "</div>")

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

    def lessons_html(self):
        return mark_safe("".join(  # noqa: S308 - render_lesson escapes every value
            render_lesson(item) for item in self.lessons))


def render_lesson(item):
    """One lesson's row of the week: number, time, subject (subgroup, cancellation,
    teacher, replacement, room), topic, homework, the pupil's marks and attendance.
    Put together in Python as the marks are: a week is some 35 rows. Every value
    escaped."""
    lesson, homework = item.lesson, item.homework
    time = ""
    if lesson.starts_at:
        time = f"{lesson.starts_at:%H:%M}" + (f"–{lesson.ends_at:%H:%M}" if lesson.ends_at else "")
    subject = f'<span class="subject">{escape(lesson.subject.name)}</span>'
    if lesson.subgroup:
        subject += f' <span class="muted">({escape(lesson.subgroup.name)})</span>'
    if lesson.is_cancelled:
        # Translated outside the f-string: xgettext does not look inside one.
        cancelled = escape(_("The lesson is cancelled."))
        subject += f'<div class="diary-cancelled">{cancelled}</div>'
    who = escape(lesson.teacher.person.short_name) if lesson.teacher_id else ""
    if lesson.replaced_teacher:
        who += " (" + escape(_("instead of %(t)s") % {
            "t": lesson.replaced_teacher.person.short_name}) + ")"
    if lesson.room:
        who += " · " + escape(_("room")) + " " + escape(str(lesson.room))
    task = ""
    if homework:
        if homework.text:
            task += f"<div>{linebreaksbr(homework.text, autoescape=True)}</div>"
        for link in item.links():
            link = escape(link)
            task += (f'<div><a href="{link}" rel="noopener noreferrer" target="_blank">{link}'
                     f"</a></div>")
        for upload in item.files:
            task += f'<div><a href="{escape(upload.file.url)}">{escape(str(upload))}</a></div>'
        if homework.due_on:
            task += '<div class="muted">' + escape(_("due %(day)s") % {
                "day": f"{homework.due_on:%d.%m.%Y}"}) + "</div>"
    attendance = ""
    if item.attendance:
        attendance = (f'<span class="diary-absence {escape(item.attendance.kind)}">'
                      f"{escape(str(item.attendance))}</span>")
    cancelled = " cancelled" if lesson.is_cancelled else ""
    return (f'<tr class="diary-lesson{cancelled}" data-lesson="{lesson.pk}">'
            f"<td>{lesson.lesson_number}</td><td class=\"diary-time\">{time}</td>"
            f'<td>{subject}<div class="muted">{who}</div></td>'
            f"<td>{escape(lesson.topic)}</td><td class=\"diary-homework\">{task}</td>"
            f'<td class="diary-marks">{item.marks_html()}</td><td>{attendance}</td></tr>')


def _span(starts_on, ends_on, first_day, last_day):
    """The days of [starts_on, ends_on] (no end: open) within [first_day, last_day]."""
    start = max(starts_on, first_day)
    end = min(ends_on or last_day, last_day)
    return (start, end) if start <= end else None


def _person(row, prefix):
    """A person (for their name) from the values ``<prefix>surname`` etc. of a row."""
    return Person(surname=row[f"{prefix}surname"], name=row[f"{prefix}name"],
                  patronymic=row[f"{prefix}patronymic"])


class DiaryTeacher:
    """A lesson's teacher as the week shows them: their name."""

    __slots__ = ("pk", "person")

    def __init__(self, pk, person):
        self.pk, self.person = pk, person


def _staff(row, prefix, cache):
    pk = row[prefix + "id"]
    if pk is None:
        return None
    if pk not in cache:
        cache[pk] = DiaryTeacher(pk, _person(row, prefix + "person__"))
    return cache[pk]


class DiaryLessonRow:
    """A lesson of the week as the diary reads it: plain values (a week is some 35
    lessons, and model instances were a good part of the page's time)."""

    __slots__ = ("pk", "institution_id", "academic_year_id", "school_class_id", "date",
                 "lesson_number", "starts_at", "ends_at", "is_cancelled", "topic",
                 "subject", "subgroup", "room", "teacher", "replaced_teacher")

    def __init__(self, row, subject, subgroup, room, teacher, replaced_teacher):
        self.pk, self.institution_id = row["pk"], row["institution_id"]
        self.academic_year_id, self.school_class_id = (row["academic_year_id"],
                                                       row["school_class_id"])
        self.date, self.lesson_number = row["date"], row["lesson_number"]
        self.starts_at, self.ends_at = row["starts_at"], row["ends_at"]
        self.is_cancelled, self.topic = row["is_cancelled"], row["topic"]
        self.subject, self.subgroup, self.room = subject, subgroup, room
        self.teacher, self.replaced_teacher = teacher, replaced_teacher

    @property
    def teacher_id(self):
        return self.teacher.pk if self.teacher is not None else None


def _cached(cache, pk, build):
    if pk is None:
        return None
    if pk not in cache:
        cache[pk] = build()
    return cache[pk]


MARK_FIELDS = ["pk", "lesson_id", "value", "is_debt", "comment", "task_id",
               "task__mark_type_id", "task__mark_type__name", "task__mark_type__short_name",
               "task__mark_type__weight"]


class DiaryWork:
    """A mark's work as the diary shows it: only its mark type."""

    __slots__ = ("pk", "mark_type")

    def __init__(self, pk, mark_type):
        self.pk, self.mark_type = pk, mark_type


class DiaryLessonDate:
    """A mark's lesson as the period page shows it: its date and subject."""

    __slots__ = ("pk", "date", "subject")

    def __init__(self, pk, date, subject):
        self.pk, self.date, self.subject = pk, date, subject


class DiaryMark:
    """A mark as the diary reads it (a period holds a few hundred of a pupil's marks:
    plain objects, not model instances); ``weighted_average`` takes these as it takes
    marks."""

    __slots__ = ("pk", "lesson_id", "value", "is_debt", "comment", "task", "lesson")

    def __init__(self, pk, lesson_id, value, is_debt, comment, task, lesson=None):
        self.pk, self.lesson_id, self.value, self.is_debt = pk, lesson_id, value, is_debt
        self.comment, self.task, self.lesson = comment, task, lesson

    @property
    def task_id(self):
        return self.task.pk


def marks_of(queryset, with_lessons=False):
    """The marks of ``queryset`` with their works' mark types, built from values; with
    their lessons' dates and subjects too if ``with_lessons``. One query."""
    lesson_fields = ["lesson__date", "lesson__subject_id", "lesson__subject__name"]
    types, tasks, lessons, subjects, marks = {}, {}, {}, {}, []
    for (pk, lesson_id, value, is_debt, comment, task_id, kind_id, kind_name, kind_short,
         kind_weight, *lesson_row) in queryset.values_list(
            *MARK_FIELDS, *(lesson_fields if with_lessons else [])):
        task = tasks.get(task_id)
        if task is None:
            kind = types.get(kind_id)
            if kind is None:
                kind = types[kind_id] = MarkType(pk=kind_id, name=kind_name,
                                                 short_name=kind_short, weight=kind_weight)
            task = tasks[task_id] = DiaryWork(task_id, kind)
        lesson = None
        if with_lessons:
            lesson = lessons.get(lesson_id)
            if lesson is None:
                day, subject_id, subject_name = lesson_row
                subject = subjects.get(subject_id)
                if subject is None:
                    subject = subjects[subject_id] = Subject(pk=subject_id, name=subject_name)
                lesson = lessons[lesson_id] = DiaryLessonDate(lesson_id, day, subject)
        marks.append(DiaryMark(pk, lesson_id, value, is_debt, comment, task, lesson))
    return marks


def _memberships(pupil, monday, saturday):
    """The pupil's class memberships (with their classes) and subgroup memberships
    overlapping the week: one query."""
    fields = ["starts_on", "ends_on", "owner", "school_class_id", "school_class__grade",
              "school_class__letter", "school_class__institution_id",
              "school_class__academic_year_id"]
    classes = (ClassMembership.objects.filter(pupil=pupil).overlapping(monday, saturday)
               .annotate(kind=Value("class"), owner=F("school_class_id"))
               .values_list("kind", *fields).order_by())
    group_fields = [name.replace("school_class", "subgroup__school_class") for name in fields]
    groups = (SubgroupMembership.objects.filter(pupil=pupil).overlapping(monday, saturday)
              .annotate(kind=Value("group"), owner=F("subgroup_id"))
              .values_list("kind", *group_fields).order_by())
    memberships, in_groups, school_classes = [], [], {}
    # The union would sort by the model's ordering: no order at all.
    for kind, starts_on, ends_on, owner, class_id, grade, letter, school, year in (
            classes.union(groups, all=True).order_by()):
        if class_id not in school_classes:
            school_classes[class_id] = SchoolClass(
                pk=class_id, grade=grade, letter=letter, institution_id=school,
                academic_year_id=year)
        school_class = school_classes[class_id]
        if kind == "class":
            if span := _span(starts_on, ends_on, monday, saturday):
                memberships.append((school_class, span))
        else:
            in_groups.append((owner, class_id, starts_on, ends_on))
    return memberships, in_groups


LESSON_FIELDS = [
    "pk", "institution_id", "academic_year_id", "school_class_id", "date", "lesson_number",
    "starts_at", "ends_at", "is_cancelled", "topic", "subject_id", "subject__name",
    "subgroup_id", "subgroup__name", "room_id", "room__name", "room__short_name",
    "teacher__id", "teacher__person__surname", "teacher__person__name",
    "teacher__person__patronymic",
    "replaced_teacher__id", "replaced_teacher__person__surname",
    "replaced_teacher__person__name", "replaced_teacher__person__patronymic",
    "homework__id", "homework__text", "homework__links", "homework__due_on",
]


def week(pupil, day):
    """The pupil's school week (Monday to Saturday) around ``day``."""
    monday, saturday = week_of(day)
    memberships, groups = _memberships(pupil, monday, saturday)
    days = [DiaryDay(monday + datetime.timedelta(days=n)) for n in range(6)]
    for school_class, (start, end) in memberships:
        for diary_day in days:
            if start <= diary_day.day <= end:
                diary_day.school_class = school_class
    if not memberships:
        return days

    # The class's lessons on the days the pupil was in it, and the lessons of the
    # pupil's subgroups of that class on the days the pupil was in the subgroup.
    conditions = []
    for school_class, (start, end) in memberships:
        conditions.append(Q(school_class_id=school_class.pk, subgroup__isnull=True,
                            date__gte=start, date__lte=end))
        for subgroup_id, class_id, starts_on, ends_on in groups:
            if class_id != school_class.pk:
                continue
            both = _span(starts_on, ends_on, start, end)
            if both:
                conditions.append(Q(subgroup_id=subgroup_id, date__gte=both[0],
                                    date__lte=both[1]))
    # The lessons with their homework and this pupil's attendance (one row per lesson
    # and pupil): one query. Only this pupil's marks and attendance: the other pupils'
    # rows of the same lessons never reach the page.
    rows = list(
        Lesson.objects.filter(reduce(or_, conditions))
        .annotate(own_attendance=FilteredRelation(
            "attendance", condition=Q(attendance__pupil=pupil)))
        .values(*LESSON_FIELDS, attendance_id=F("own_attendance__id"),
                attendance_kind=F("own_attendance__kind"),
                attendance_late=F("own_attendance__late_minutes"),
                # Files are rare: the lessons say whether their homework has any, and
                # only then are they read.
                has_files=Exists(HomeworkFile.objects.filter(
                    homework__lesson_id=OuterRef("pk"))))
        .order_by("date", "lesson_number", "starts_at", "pk"))
    subjects, subgroups, rooms, teachers = {}, {}, {}, {}
    lessons, homework, attendance = {}, {}, {}
    for row in rows:
        lesson = DiaryLessonRow(
            row,
            _cached(subjects, row["subject_id"], lambda row=row: Subject(
                pk=row["subject_id"], name=row["subject__name"])),
            _cached(subgroups, row["subgroup_id"], lambda row=row: Subgroup(
                pk=row["subgroup_id"], name=row["subgroup__name"])),
            _cached(rooms, row["room_id"], lambda row=row: Room(
                pk=row["room_id"], name=row["room__name"],
                short_name=row["room__short_name"])),
            _staff(row, "teacher__", teachers), _staff(row, "replaced_teacher__", teachers))
        lessons[lesson.pk] = lesson
        if row["homework__id"] is not None:
            homework[lesson.pk] = Homework(
                pk=row["homework__id"], lesson_id=lesson.pk, text=row["homework__text"],
                links=row["homework__links"], due_on=row["homework__due_on"])
        if row["attendance_id"] is not None:
            attendance[lesson.pk] = Attendance(
                pk=row["attendance_id"], lesson_id=lesson.pk, pupil_id=pupil.pk,
                kind=row["attendance_kind"], late_minutes=row["attendance_late"])
    marks = {}
    for mark in marks_of(Mark.objects.filter(pupil=pupil, lesson_id__in=list(lessons))
                         .order_by("task_id")):
        marks.setdefault(mark.lesson_id, []).append(mark)
    files = {}
    with_files = [row["homework__id"] for row in rows if row["has_files"]]
    if with_files:
        for row in HomeworkFile.objects.filter(homework__in=with_files).order_by("pk"):
            files.setdefault(row.homework_id, []).append(row)

    by_day = {diary_day.day: diary_day for diary_day in days}
    kinds = {}
    for lesson in lessons.values():
        task = homework.get(lesson.pk)
        by_day[lesson.date].lessons.append(DiaryLesson(
            lesson, marks.get(lesson.pk, []), attendance.get(lesson.pk), task,
            files.get(task.pk, []) if task else [], kinds))

    events = reduce(or_, [Event.objects.for_class(school_class).between(start, end)
                          for school_class, (start, end) in memberships])
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
    """The class's periods with their type, in one query (``Period.objects.for_class``)."""
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
    kinds: dict = field(default_factory=dict, repr=False)  # the page's mark types worded

    def marks_html(self):
        return render_marks(self.marks, self.kinds, '<span class="diary-period-mark">',
                            "</span>", with_date=True)

    def debts_html(self):
        return render_marks(self.debts, self.kinds, '<span class="diary-period-mark">',
                            "</span>", with_date=True)

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
    lines, kinds = {}, {}

    def line(subject):
        if subject.pk not in lines:
            lines[subject.pk] = SubjectLine(subject, kinds=kinds)
        return lines[subject.pk]

    for subject in subjects:
        line(subject)
    in_period = {"lesson__date__gte": period.starts_on, "lesson__date__lte": period.ends_on}
    marks = (Mark.objects.filter(pupil=pupil, **in_period)
             .order_by("lesson__date", "lesson__lesson_number", "task_id"))
    for mark in marks_of(marks, with_lessons=True):
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
