"""The diary of a pupil (R-DRY-1): what a pupil and their parents read of the journal.

The week shows the pupil's lessons day by day (the class's, and those of the subgroups
the pupil was in on that day) with topic, the pupil's marks and attendance, and the
events of the class and the school. Homework stands on the day it is due, as Russian
e-diaries show it, with the lesson it was set in as a note: on its due date (at that
day's lesson of its subject, else at the top of the day), or, undated, at the next held
lesson of its subject and subgroup. The family's start page (``family_glance``) shows
each child's lessons of today, the homework due at the next school day and the latest
marks. The period shows the pupil's marks per subject
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

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat, linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from courses import in_diary
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
    ATTENDANCE_LETTERS,
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


def mark_class(value):
    """The colour class of a mark, as Russian e-diaries colour them: ``mark-5`` green …
    ``mark-2`` red (a 1 is as bad as a 2); "" for a value that is not a number (зачёт)
    or above the five-point scale."""
    digits = ""
    for char in value.strip():
        if not char.isdigit():
            break
        digits += char
    if not digits:
        return ""
    number = int(digits)
    if number > 5:
        return ""
    return f"mark-{max(number, 2)}"


def _mark_type_parts(kind, cache):
    """The title (type and weight), the label (short name × weight) and the weight of
    a mark type, escaped."""
    if kind.pk not in cache:
        weight = str(floatformat(kind.weight, "-2"))
        cache[kind.pk] = (
            escape(_("%(type)s, weight %(weight)s") % {"type": kind.name, "weight": weight}),
            escape(f"{kind.short_name or kind.name} ×{weight}"),
            "" if weight == "1" else escape(weight))
    return cache[kind.pk]


def _chip(mark, title, sub=""):
    if mark.value:
        value, colour = escape(mark.value), mark_class(mark.value)
    else:
        value, colour = escape(_("debt")), "mark-debt"
    sub = f"<sub>×{sub}</sub>" if sub else ""
    return (f'<span class="mark {colour}" title="{title}" data-mark="{mark.pk}">{value}{sub}'
            f"</span>")


def render_mark(mark, cache):
    """One mark of a lesson: its value (or "debt") coloured and titled with its work's
    type and weight, the type's short name and weight under it. Every value escaped."""
    title, label, _weight = _mark_type_parts(mark.task.mark_type, cache)
    return (f'<span class="diary-mark-item">{_chip(mark, title)}'
            f'<span class="diary-mark-kind">{label}</span></span>')


def render_period_mark(mark, cache):
    """One mark of the period: the coloured value with its weight (when not 1), the
    lesson's date under it; the title says the type, weight, date and comment."""
    title, _label, weight = _mark_type_parts(mark.task.mark_type, cache)
    day = f"{mark.lesson.date:%d.%m}"
    title = f"{title} · {day}"
    if mark.comment:
        title += " · " + escape(mark.comment)
    comment = (f'<small class="diary-comment">{escape(mark.comment)}</small>'
               if mark.comment else "")
    return (f'<span class="diary-period-mark">{_chip(mark, title, weight)}{day}'
            f"{comment}</span>")


def render_attendance(attendance):
    """An absence badge with the journal's letter («Н», «УП», «Б», «ОП»), titled in
    words."""
    letter = escape(str(ATTENDANCE_LETTERS[AttendanceKind(attendance.kind)]))
    if attendance.kind == AttendanceKind.LATE and attendance.late_minutes:
        letter += f" {attendance.late_minutes}′"
    words = escape(str(attendance))
    return (f'<span class="absence {escape(attendance.kind)}" role="img" title="{words}"'
            f' aria-label="{words}">{letter}</span>')


# The week --------------------------------------------------------------------------------


@dataclass
class DueHomework:
    """A homework as the day it is due shows it: set in ``set_in`` (a lesson of this
    week or earlier: its date and subject), due on ``due_on``."""

    homework: Homework
    set_on: datetime.date
    subject: object
    due_on: datetime.date
    files: list = field(default_factory=list)

    def links(self):
        # Links were checked when saved; a row written some other way still never
        # becomes a javascript: link on a child's page.
        return [link for link in self.homework.link_list()
                if link.startswith(("http://", "https://"))]

    def html_with_subject(self):
        return self.html(with_subject=True)

    def html(self, with_subject=False):
        homework = self.homework
        task = ""
        if with_subject:
            task += f'<span class="subject">{escape(self.subject.name)}:</span> '
        if homework.text:
            task += f"{linebreaksbr(homework.text, autoescape=True)}"
        for link in self.links():
            link = escape(link)
            task += (f'<div><a href="{link}" rel="noopener noreferrer" target="_blank">{link}'
                     f"</a></div>")
        for upload in self.files:
            task += f'<div><a href="{escape(upload.file.url)}">{escape(str(upload))}</a></div>'
        # The day it is due is the day it stands on: the note says where it was set.
        note = escape(_("set in the lesson of %(day)s") % {"day": f"{self.set_on:%d.%m}"})
        label = escape(_("Homework"))
        return mark_safe(  # noqa: S308 - every value escaped above
            f'<div class="diary-homework" data-homework="{homework.pk}">'
            f'<span class="diary-label">{label}</span>{task}'
            f'<small class="diary-set">{note}</small></div>')


@dataclass
class DiaryLesson:
    lesson: object  # DiaryLessonRow
    marks: list = field(default_factory=list)
    attendance: Attendance | None = None
    homework: Homework | None = None  # set in this lesson
    files: list = field(default_factory=list)  # of the homework set in this lesson
    due: list = field(default_factory=list)  # DueHomework due at this lesson
    homework_due_on: datetime.date | None = None  # when the homework set here is due
    courses: list = field(default_factory=list)  # CourseLink of the lesson's subject
    sections: list = field(default_factory=list)  # SectionLink attached to its topic

    kinds: dict = field(default_factory=dict, repr=False)  # the page's mark types worded

    def marks_html(self):
        return mark_safe("".join(  # noqa: S308 - render_mark escapes every value
            render_mark(mark, self.kinds) for mark in self.marks))

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
    # Homework due this day in a subject without a lesson that day.
    extra_homework: list = field(default_factory=list)

    def lessons_html(self):
        return mark_safe("".join(  # noqa: S308 - render_lesson escapes every value
            render_lesson(item) for item in self.lessons))

    def homework_due(self):
        """Every homework due this day, in the order of the day's lessons."""
        return [task for item in self.lessons for task in item.due] + self.extra_homework


def render_lesson(item):
    """One lesson of the week: number and time, subject (subgroup, cancellation or
    change, teacher, replacement, room), the pupil's marks and attendance, topic, the
    homework due at this lesson and a note of what was set in it. Put together in Python
    as the marks are: a week is some 35 lessons. Every value escaped."""
    lesson = item.lesson
    time = ""
    if lesson.starts_at:
        # The end under the start: a narrow column on a phone.
        time = f"{lesson.starts_at:%H:%M}" + (
            f"<br>{lesson.ends_at:%H:%M}" if lesson.ends_at else "")
    subject = f'<span class="subject">{escape(lesson.subject.name)}</span>'
    if lesson.subgroup:
        subject += f' <span class="muted">({escape(lesson.subgroup.name)})</span>'
    state = ""
    if lesson.is_cancelled:
        # Translated outside the f-string: xgettext does not look inside one.
        cancelled = escape(_("The lesson is cancelled."))
        subject += f'<div class="diary-cancelled">{cancelled}</div>'
        state = " cancelled"
    elif lesson.scheduled_on and lesson.scheduled_on != lesson.date:
        moved = escape(_("Moved from %(day)s.") % {"day": f"{lesson.scheduled_on:%d.%m}"})
        subject += f'<div class="diary-changed">{moved}</div>'
        state = " changed"
    who = escape(lesson.teacher.person.short_name) if lesson.teacher_id else ""
    if lesson.replaced_teacher:
        who += " (" + escape(_("instead of %(t)s") % {
            "t": lesson.replaced_teacher.person.short_name}) + ")"
        state = state or " changed"
    if lesson.room:
        who += " · " + escape(lesson.room.label)
    marks = item.marks_html()
    if item.attendance:
        marks += render_attendance(item.attendance)
    comments = "".join(f'<small class="diary-comment">{escape(mark.comment)}</small>'
                       for mark in item.marks if mark.comment)
    subject += in_diary.render_course_link(item.courses)
    topic = ""
    if lesson.topic:
        topic = (f'<div class="diary-topic"><span class="diary-label">{escape(_("Topic"))}'
                 f"</span>{escape(lesson.topic)}</div>")
    due = "".join(task.html() for task in item.due)
    assigned = ""
    if item.homework is not None and (item.homework.text or item.homework.links
                                      or item.files):
        if item.homework_due_on:
            assigned = escape(_("Homework set for %(day)s") % {
                "day": f"{item.homework_due_on:%d.%m}"})
        else:
            assigned = escape(_("Homework set"))
        # What was set, in short, for one who missed the lesson; in full on its due day.
        text = " ".join(item.homework.text.split())
        if text:
            text = ": " + escape(text if len(text) <= 120 else text[:119] + "…")
        assigned = (f'<div class="diary-assigned" data-assigned="{item.homework.pk}">'
                    f"{assigned}{text}</div>")
    time = f'<span class="diary-time">{time}</span>' if time else ""
    return (f'<article class="diary-lesson{state}" data-lesson="{lesson.pk}">'
            f'<div class="diary-when"><span class="diary-num">{lesson.lesson_number}</span>'
            f"{time}</div>"
            f'<div class="diary-main"><div class="diary-top"><div class="diary-title">'
            f'{subject}<div class="diary-who">{who}</div></div>'
            f'<div class="diary-marks">{marks}</div></div>{comments}{topic}'
            f"{in_diary.render_sections(item.sections)}{due}{assigned}"
            f"</div></article>")


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
                 "lesson_number", "starts_at", "ends_at", "scheduled_on", "is_cancelled", "topic",
                 "planned_topic_id", "subject", "subgroup", "room", "teacher", "replaced_teacher")

    def __init__(self, row, subject, subgroup, room, teacher, replaced_teacher):
        self.pk, self.institution_id = row["pk"], row["institution_id"]
        self.academic_year_id, self.school_class_id = (row["academic_year_id"],
                                                       row["school_class_id"])
        self.date, self.lesson_number = row["date"], row["lesson_number"]
        self.starts_at, self.ends_at = row["starts_at"], row["ends_at"]
        self.scheduled_on = row["scheduled_on"]
        self.is_cancelled, self.topic = row["is_cancelled"], row["topic"]
        self.planned_topic_id = row["planned_topic_id"]
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

    __slots__ = ("pk", "lesson_id", "value", "is_debt", "comment", "task", "lesson",
                 "pupil_id")

    def __init__(self, pk, lesson_id, value, is_debt, comment, task, lesson=None,
                 pupil_id=None):
        self.pk, self.lesson_id, self.value, self.is_debt = pk, lesson_id, value, is_debt
        self.comment, self.task, self.lesson = comment, task, lesson
        self.pupil_id = pupil_id

    @property
    def task_id(self):
        return self.task.pk


def marks_of(queryset, with_lessons=False):
    """The marks of ``queryset`` (with their pupils) and their works' mark types, built
    from values; with their lessons' dates and subjects too if ``with_lessons``. One
    query."""
    lesson_fields = ["lesson__date", "lesson__subject_id", "lesson__subject__name"]
    types, tasks, lessons, subjects, marks = {}, {}, {}, {}, []
    for (pk, lesson_id, value, is_debt, comment, task_id, kind_id, kind_name, kind_short,
         kind_weight, pupil_id, *lesson_row) in queryset.values_list(
            *MARK_FIELDS, "pupil_id", *(lesson_fields if with_lessons else [])):
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
        marks.append(DiaryMark(pk, lesson_id, value, is_debt, comment, task, lesson,
                               pupil_id))
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
    "starts_at", "ends_at", "scheduled_on", "is_cancelled", "topic", "planned_topic_id",
    "subject_id",
    "subject__name", "subgroup_id", "subgroup__name", "room_id", "room__name",
    "room__short_name", "teacher__id", "teacher__person__surname", "teacher__person__name",
    "teacher__person__patronymic",
    "replaced_teacher__id", "replaced_teacher__person__surname",
    "replaced_teacher__person__name", "replaced_teacher__person__patronymic",
]

# Homework without a due date is due at the next held lesson of its subject (and
# subgroup) after the one it was set in, as the journal's teachers mean it. Such homework
# is looked for this many days before the week: a subject meets at least that often,
# holidays included.
UNDATED_HOMEWORK_DAYS = 35


def _next_lesson():
    """The next held lesson of a homework's class, subject and subgroup after its own
    (a subquery on the homework rows)."""
    no_group = Value(0, output_field=IntegerField())
    return (Lesson.objects.filter(school_class_id=OuterRef("lesson__school_class_id"),
                                  subject_id=OuterRef("lesson__subject_id"),
                                  is_cancelled=False)
            .alias(group=Coalesce("subgroup_id", no_group))
            .filter(group=Coalesce(OuterRef("lesson__subgroup_id"), no_group))
            .filter(Q(date__gt=OuterRef("lesson__date"))
                    | Q(date=OuterRef("lesson__date"),
                        lesson_number__gt=OuterRef("lesson__lesson_number")))
            .order_by("date", "lesson_number", "pk"))


def _homework_rows(class_ids, group_ids, first, last, lessons, set_in=()):
    """The homework of the classes ``class_ids`` (whole-class lessons) and the subgroups
    ``group_ids`` set in the lessons ``set_in`` or due in [first, last]: by its due date,
    or undated and due at one of ``lessons``. With its lesson's date and subject and its
    next lesson: one query."""
    own = (Q(lesson__school_class_id__in=class_ids, lesson__subgroup__isnull=True)
           | Q(lesson__subgroup_id__in=group_ids))
    next_lesson = _next_lesson()
    set_in, lessons = set(set_in), set(lessons)
    rows = (
        Homework.objects.filter(own)
        # Undated homework is asked for by the days it may have been set in; whether its
        # next lesson is one of ``lessons`` is told below. Asked in SQL, the next lesson's
        # subquery priced every homework row of the city, and PostgreSQL read them all
        # (65 ms on the large city) instead of the class's lessons' (5 ms).
        .filter(Q(lesson_id__in=set_in)
                | Q(due_on__gte=first, due_on__lte=last)
                | Q(due_on__isnull=True,
                    lesson__date__gte=first - datetime.timedelta(days=UNDATED_HOMEWORK_DAYS),
                    lesson__date__lte=last))
        .annotate(next_lesson_id=Subquery(next_lesson.values("pk")[:1]),
                  next_lesson_date=Subquery(next_lesson.values("date")[:1]))
        .values("pk", "lesson_id", "text", "links", "due_on", "next_lesson_id",
                "next_lesson_date", set_on=F("lesson__date"),
                subject_id=F("lesson__subject_id"), subject_name=F("lesson__subject__name"),
                class_id=F("lesson__school_class_id"), subgroup_id=F("lesson__subgroup_id"),
                # Files are rare: the rows say whether they have any, and only then
                # are they read.
                has_files=Exists(HomeworkFile.objects.filter(homework_id=OuterRef("pk"))))
        .order_by("lesson__date", "lesson__lesson_number", "pk"))
    return [row for row in rows
            if row["lesson_id"] in set_in or row["due_on"] is not None
            or row["next_lesson_id"] in lessons]


def _homework(row):
    return Homework(pk=row["pk"], lesson_id=row["lesson_id"], text=row["text"],
                    links=row["links"], due_on=row["due_on"])


def _in_group_on(groups, subgroup_id, day):
    return any(owner == subgroup_id and starts_on <= day and (ends_on is None or day <= ends_on)
               for owner, _class_id, starts_on, ends_on in groups)


def _school_day(day):
    """The day homework due on ``day`` is shown: a Sunday's on Monday."""
    if day is not None and day.weekday() == 6:
        return day + datetime.timedelta(days=1)
    return day


def _due_lesson(diary_day, row, groups):
    """Where a homework due on ``diary_day`` by its date stands: the day's first lesson
    of its subject (and subgroup) other than the one it was set in, held if there is
    one; None when the day has no such lesson. Nowhere (False) if the pupil is not in
    its class or subgroup that day."""
    school_class = diary_day.school_class
    if school_class is None or school_class.pk != row["class_id"]:
        return False
    if row["subgroup_id"] and not _in_group_on(groups, row["subgroup_id"], diary_day.day):
        return False
    candidates = [item for item in diary_day.lessons
                  if item.lesson.subject.pk == row["subject_id"]
                  and item.lesson.pk != row["lesson_id"]
                  and (item.lesson.subgroup is None
                       or item.lesson.subgroup.pk == row["subgroup_id"])]
    held = [item for item in candidates if not item.lesson.is_cancelled]
    return (held or candidates or [None])[0]


def week(pupil, day):
    """The pupil's school week (Monday to Saturday) around ``day``: each day's lessons
    with the pupil's marks and attendance and the homework due at each (as Russian
    e-diaries show it), and the day's events."""
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
    # The lessons with this pupil's attendance (one row per lesson and pupil): one
    # query. Only this pupil's marks and attendance: the other pupils' rows of the same
    # lessons never reach the page.
    rows = list(
        Lesson.objects.filter(reduce(or_, conditions))
        .annotate(own_attendance=FilteredRelation(
            "attendance", condition=Q(attendance__pupil=pupil)))
        .values(*LESSON_FIELDS, attendance_id=F("own_attendance__id"),
                attendance_kind=F("own_attendance__kind"),
                attendance_late=F("own_attendance__late_minutes"))
        .order_by("date", "lesson_number", "starts_at", "pk"))
    subjects, subgroups, rooms, teachers = {}, {}, {}, {}
    lessons, attendance = {}, {}
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
        if row["attendance_id"] is not None:
            attendance[lesson.pk] = Attendance(
                pk=row["attendance_id"], lesson_id=lesson.pk, pupil_id=pupil.pk,
                kind=row["attendance_kind"], late_minutes=row["attendance_late"])
    marks = {}
    for mark in marks_of(Mark.objects.filter(pupil=pupil, lesson_id__in=list(lessons))
                         .order_by("task_id")):
        marks.setdefault(mark.lesson_id, []).append(mark)
    class_ids = {school_class.pk for school_class, _span in memberships}
    group_ids = [subgroup_id for subgroup_id, class_id, _start, _end in groups
                 if class_id in class_ids]
    # From the Sunday before: homework due on a Sunday is due on Monday.
    homework_rows = _homework_rows(class_ids, group_ids, monday - datetime.timedelta(days=1),
                                   saturday, lessons, set_in=lessons)
    files = {}
    with_files = [row["pk"] for row in homework_rows if row["has_files"]]
    if with_files:
        for row in HomeworkFile.objects.filter(homework__in=with_files).order_by("pk"):
            files.setdefault(row.homework_id, []).append(row)

    by_day = {diary_day.day: diary_day for diary_day in days}
    # The courses of the pupil's classes beside each subject, and the sections attached
    # to the lessons' topics (R-MAT-1): one query (courses/in_diary.py).
    grades = {school_class.pk: (school_class.institution_id, school_class.grade)
              for school_class, _span in memberships}
    course_links, sections = in_diary.read_courses(
        grades.values(), {lesson.planned_topic_id for lesson in lessons.values()} - {None})
    items, kinds = {}, {}
    for lesson in lessons.values():
        item = items[lesson.pk] = DiaryLesson(
            lesson, marks.get(lesson.pk, []), attendance.get(lesson.pk), kinds=kinds)
        place = grades.get(lesson.school_class_id)
        if place is not None:
            item.courses = course_links.get((*place, lesson.subject.pk), [])
            item.sections = [section for section in sections.get(lesson.planned_topic_id, ())
                             if section.subject_id == lesson.subject.pk]
        by_day[lesson.date].lessons.append(item)
    for row in homework_rows:
        task = _homework(row)
        task_files = files.get(task.pk, [])
        if not (task.text.strip() or task.link_list() or task_files):
            continue  # an emptied homework says nothing
        due_on = _school_day(task.due_on or row["next_lesson_date"])
        if row["lesson_id"] in items:
            item = items[row["lesson_id"]]
            item.homework, item.files, item.homework_due_on = task, task_files, due_on
        if due_on is None or not monday <= due_on <= saturday:
            continue
        subject = _cached(subjects, row["subject_id"], lambda row=row: Subject(
            pk=row["subject_id"], name=row["subject_name"]))
        due = DueHomework(task, row["set_on"], subject, due_on, task_files)
        if task.due_on is None:
            target = items.get(row["next_lesson_id"])
        else:
            target = _due_lesson(by_day[due_on], row, groups)
        if target:
            target.due.append(due)
        elif target is None:
            by_day[due_on].extra_homework.append(due)

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


# The family's start page ---------------------------------------------------------------

# How far ahead the start page looks for the next school day (holidays included), and
# how far back for the latest marks.
GLANCE_AHEAD_DAYS = 16
LATEST_MARKS_DAYS = 21
LATEST_MARKS = 6


@dataclass
class ChildLesson:
    pk: int
    lesson_number: int
    starts_at: datetime.time | None
    subject: object
    subgroup_name: str
    is_cancelled: bool
    marks: list = field(default_factory=list)
    attendance: Attendance | None = None

    kinds: dict = field(default_factory=dict, repr=False)

    def marks_html(self):
        html = "".join(_chip(mark, _mark_type_parts(mark.task.mark_type, self.kinds)[0])
                       for mark in self.marks)
        if self.attendance:
            html += render_attendance(self.attendance)
        return mark_safe(html)  # noqa: S308 - _chip and render_attendance escape every value


@dataclass
class ChildGlance:
    """A child's day as the family's start page shows it: the lessons of today (or of
    the next school day), the homework due at the next school day after today, and the
    latest marks."""

    pupil: object
    day: datetime.date | None = None
    lessons: list = field(default_factory=list)
    homework_day: datetime.date | None = None
    homework: list = field(default_factory=list)  # DueHomework
    marks: list = field(default_factory=list)  # DiaryMark, latest first

    kinds: dict = field(default_factory=dict, repr=False)

    def marks_html(self):
        """The latest marks as chips, each with its subject and date under it."""
        parts = []
        for mark in self.marks:
            title = _mark_type_parts(mark.task.mark_type, self.kinds)[0]
            subject = escape(mark.lesson.subject.name)
            parts.append(f'<li>{_chip(mark, title)}<span class="mark-subject" title="{subject}">'
                         f'{subject}</span><span class="mark-date">{mark.lesson.date:%d.%m}'
                         f"</span></li>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped


def family_glance(pupils, on=None):
    """{pupil pk: ChildGlance} for ``pupils`` (already checked against the access
    matrix) on the day ``on``: a fixed number of queries for the whole family, whatever
    the number of children, lessons and marks. A child is read in their current class
    and the subgroups they are in on ``on``."""
    on = on or today()
    glances = {pupil.pk: ChildGlance(pupil) for pupil in pupils}
    pupils = [pupil for pupil in pupils if pupil.school_class_id]
    if not pupils:
        return glances
    class_ids = {pupil.school_class_id for pupil in pupils}
    groups = {}
    for pupil_id, subgroup_id in (SubgroupMembership.objects.filter(pupil__in=pupils).on(on)
                                  .values_list("pupil_id", "subgroup_id")):
        groups.setdefault(pupil_id, set()).add(subgroup_id)
    group_ids = set().union(*groups.values())
    last = on + datetime.timedelta(days=GLANCE_AHEAD_DAYS)
    lessons = list(
        Lesson.objects.filter(Q(school_class_id__in=class_ids, subgroup__isnull=True)
                              | Q(subgroup_id__in=group_ids), date__gte=on, date__lte=last)
        .values("pk", "school_class_id", "subgroup_id", "subgroup__name", "date",
                "lesson_number", "starts_at", "is_cancelled", "subject_id", "subject__name")
        .order_by("date", "lesson_number", "starts_at", "pk"))
    subjects = {}

    def subject(pk, name):
        return _cached(subjects, pk, lambda: Subject(pk=pk, name=name))

    def of(pupil, row_class, row_group):
        return row_class == pupil.school_class_id and (
            row_group is None or row_group in groups.get(pupil.pk, ()))

    # Each child's lessons from today on, and the two days the page shows.
    own_lessons = {}
    for pupil in pupils:
        rows = [row for row in lessons if of(pupil, row["school_class_id"], row["subgroup_id"])]
        own_lessons[pupil.pk] = rows
        glance = glances[pupil.pk]
        glance.day = rows[0]["date"] if rows else None
        glance.homework_day = next((row["date"] for row in rows if row["date"] > on), None)

    marks = marks_of(Mark.objects.filter(
        pupil__in=pupils, lesson__date__gte=on - datetime.timedelta(days=LATEST_MARKS_DAYS),
        lesson__date__lte=on).order_by("-lesson__date", "-lesson__lesson_number", "-pk"),
        with_lessons=True)
    attendance = {}
    for row in Attendance.objects.filter(pupil__in=pupils, lesson__date=on).values(
            "pk", "pupil_id", "lesson_id", "kind", "late_minutes"):
        attendance[row["pupil_id"], row["lesson_id"]] = Attendance(**row)
    by_lesson = {}
    for mark in marks:
        glance = glances[mark.pupil_id]
        if mark.value and len(glance.marks) < LATEST_MARKS:
            glance.marks.append(mark)
        by_lesson.setdefault((mark.pupil_id, mark.lesson_id), []).append(mark)
    for pupil in pupils:
        glance = glances[pupil.pk]
        glance.lessons = [
            ChildLesson(row["pk"], row["lesson_number"], row["starts_at"],
                        subject(row["subject_id"], row["subject__name"]),
                        row["subgroup__name"] or "", row["is_cancelled"],
                        sorted(by_lesson.get((pupil.pk, row["pk"]), []),
                               key=lambda mark: mark.pk),
                        attendance.get((pupil.pk, row["pk"])), kinds=glance.kinds)
            for row in own_lessons[pupil.pk] if row["date"] == glance.day]

    # The homework due at the next school day after today.
    ahead = [row["pk"] for row in lessons if row["date"] > on]
    if not ahead:
        return glances
    for row in _homework_rows(class_ids, group_ids, on + datetime.timedelta(days=1), last,
                              ahead):
        task = _homework(row)
        if not (task.text.strip() or task.link_list() or row["has_files"]):
            continue
        due_on = _school_day(task.due_on or row["next_lesson_date"])
        for pupil in pupils:
            glance = glances[pupil.pk]
            if due_on != glance.homework_day or not of(pupil, row["class_id"],
                                                        row["subgroup_id"]):
                continue
            if task.due_on is None and row["next_lesson_id"] not in {
                    lesson["pk"] for lesson in own_lessons[pupil.pk]}:
                continue
            glance.homework.append(DueHomework(
                task, row["set_on"], subject(row["subject_id"], row["subject_name"]),
                due_on, files=[True] if row["has_files"] else []))
    return glances


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
        return mark_safe("".join(  # noqa: S308 - render_period_mark escapes every value
            render_period_mark(mark, self.kinds) for mark in self.marks))

    def debts_html(self):
        return mark_safe("".join(  # noqa: S308 - render_period_mark escapes every value
            render_period_mark(mark, self.kinds) for mark in self.debts))

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

    def finals_shown(self):
        """[(label, value, colour class)] of the finals the line has, in the order
        period, year, exam."""
        labels = ((FinalKind.PERIOD, _("for the period")), (FinalKind.YEAR, _("for the year")),
                  (FinalKind.EXAM, _("exam")))
        return [(label, self.finals[kind].value, mark_class(self.finals[kind].value))
                for kind, label in labels if kind in self.finals]


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


def course_links(pupil):
    """{subject pk: [CourseLink]} of the courses of the pupil's current class (R-MAT-1):
    one query, none without a class."""
    school_class = pupil.school_class
    if school_class is None:
        return {}
    place = (school_class.institution_id, school_class.grade)
    return {subject_id: links for (*_place, subject_id), links
            in in_diary.read_courses([place])[0].items()}
