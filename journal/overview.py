"""What is missing in the journals (R-JRN-5): the teacher's own journals and the deputy
director's overview of a school.

A journal is a class (or one of its subgroups) and a subject. For each one, and for the
deputy also per teacher, the counts come from a fixed number of grouped queries, never
one query per journal: lessons held without a topic or without the register taken, the
pupils with fewer than ``FEW_MARKS`` marks in the current period, and the pupils
without a period final for the periods that have ended.

The pages are built from plain values (names come with the grouped counts, a class's
period type with the class), and every query is found by index on the teacher's staff
rows, the classes or the lessons: their cost follows the teacher's or the school's
journals, not the size of the city.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery, Value
from django.utils.safestring import mark_safe

from curriculum.models import (
    ClassMembership,
    GradePeriodType,
    InstitutionSettings,
    Period,
    SchoolClass,
    Subgroup,
    SubgroupMembership,
    Subject,
)
from records.models import Person, Staff
from schedule.models import Lesson

from .grid import grid_url
from .models import FinalKind, FinalMark, Mark

FEW_MARKS = 3


@dataclass
class Row:
    """One journal (the teacher's page) or one journal and teacher (the deputy's)."""

    school_class: object
    subject: object
    subgroup: object = None
    teacher: object = None
    held: int = 0
    no_topic: int = 0
    no_attendance: int = 0
    # None where the count does not apply: grade 1 without marks, or a row of a teacher
    # who only replaced the journal's own teacher.
    few_marks: int | None = None
    missing_finals: int | None = None
    first_lesson: object = field(default=None, repr=False)

    @cached_property
    def url(self):
        # Read up to three times per row by the templates: reversed once.
        return grid_url(self.school_class.pk, self.subject.pk,
                        self.subgroup.pk if self.subgroup else None)

    @property
    def journal(self):
        return (self.school_class.pk, self.subgroup.pk if self.subgroup else None,
                self.subject.pk)

    @property
    def missing(self):
        return self.no_topic + self.no_attendance + (self.few_marks or 0) + (
            self.missing_finals or 0)


def staff_ids(user):
    """The pks of the user's staff records (one a school they work in), and which of
    them co-teach some lesson: one query."""
    co_taught = Lesson.co_teachers.through.objects.filter(staff_id=OuterRef("pk"))
    return [(pk, co) for pk, co in Staff.objects.filter(person__user=user)
            .annotate(co=Exists(co_taught)).values_list("pk", "co").order_by()]


def teacher_lessons(user, lessons, staff=None):
    """The lessons the user gives, alone or with others (or gave, before a replacement
    teacher took them). Found through the user's staff rows by the lessons' indexes on
    the teacher and the replaced teacher, and through the co-teachers' table only for
    one who co-teaches: an OR across the joins to the person, or with a subquery, reads
    every lesson of the city."""
    staff = staff_ids(user) if staff is None else staff
    if not staff:
        return lessons.none()
    pks = [pk for pk, _co in staff]
    own = Q(teacher_id__in=pks) | Q(replaced_teacher_id__in=pks)
    co_teachers = [pk for pk, co in staff if co]
    if co_teachers:
        own |= Q(pk__in=Lesson.co_teachers.through.objects.filter(
            staff_id__in=co_teachers).values("lesson_id"))
    return lessons.filter(own)


def lesson_counts(lessons, day, by_teacher=False):
    """Held lessons, and those without a topic or without the register taken, grouped by
    journal (and teacher), with the names of the subject, subgroup (and teacher): one
    query.

    The names are joined to the grouped rows, not to each lesson before grouping: a
    school's year is some 30,000 lessons, and their rows widened by the names no longer
    fit the database's sort memory. The ORM does not join onto a grouped subquery, so
    the outer join is written here around the ORM's own query."""
    held = Q(is_cancelled=False, date__lte=day)
    fields = ["school_class", "subgroup", "subject", *(["teacher"] if by_teacher else [])]
    counts = lessons.values(*fields).annotate(
        held=Count("pk", filter=held),
        no_topic=Count("pk", filter=held & Q(topic="")),
        no_attendance=Count("pk", filter=held & Q(attendance_taken=False)),
        first_lesson=Min("date", filter=held),
    ).order_by()
    try:
        sql, params = counts.query.sql_with_params()
    except EmptyResultSet:  # lessons.none(): nothing to read
        return []
    quote = connection.ops.quote_name
    names = [f"s.{quote('name')}", f"g.{quote('name')}"]
    joins = [f"INNER JOIN {quote(Subject._meta.db_table)} s ON s.id = c.subject",
             f"LEFT JOIN {quote(Subgroup._meta.db_table)} g ON g.id = c.subgroup"]
    if by_teacher:
        names += [f"p.{quote(name)}" for name in ("surname", "name", "patronymic",
                                                   "search_name")]
        joins += [f"LEFT JOIN {quote(Staff._meta.db_table)} t ON t.id = c.teacher",
                  f"LEFT JOIN {quote(Person._meta.db_table)} p ON p.id = t.person_id"]
    keys = ["subject__name", "subgroup__name", *(TEACHER_NAMES if by_teacher else [])]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.*, {', '.join(names)} FROM ({sql}) c {' '.join(joins)} "
            f"ORDER BY {', '.join(f'c.{quote(name)}' for name in fields)}", params)
        columns = [column[0] for column in cursor.description][:-len(names)] + keys
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        # Read past the ORM: SQLite gives the date as text.
        if isinstance(row["first_lesson"], str):
            row["first_lesson"] = datetime.date.fromisoformat(row["first_lesson"])
    return rows


TEACHER_NAMES = ["teacher__person__surname", "teacher__person__name",
                 "teacher__person__patronymic", "teacher__person__search_name"]


def with_period_types(classes):
    """The classes of a queryset, each with what ``class_periods`` chooses their periods
    by (``chosen_type``: the year's choice for the grade, ``default_type``: the school's
    default) and whether its school gives no marks in grade 1
    (``no_marks_in_first_grade``: None without settings): one query."""
    settings = InstitutionSettings.objects.filter(institution_id=OuterRef("institution_id"))
    return classes.annotate(
        chosen_type=Subquery(GradePeriodType.objects.filter(
            academic_year_id=OuterRef("academic_year_id"), grade=OuterRef("grade"))
            .order_by().values("period_type")[:1]),
        default_type=Subquery(settings.order_by().values("default_period_type")[:1]),
        no_marks_in_first_grade=Subquery(settings.order_by().values(
            "no_marks_in_first_grade")[:1]),
    )


def class_periods(classes):
    """{class pk: [Period]} of classes from ``with_period_types``, by number: one
    query. The rule of ``curriculum.models.period_types_by_grade``: the grade's own
    type when the year has periods of it, else the school's default."""
    result = {c.pk: [] for c in classes}
    if not classes:
        return result
    types = {c.chosen_type for c in classes} | {c.default_type for c in classes}
    by_type = {}
    for period in (Period.objects.filter(academic_year__in={c.academic_year_id for c in classes},
                                         period_type__in=types - {None})
                   .order_by("number")):
        by_type.setdefault((period.academic_year_id, period.period_type_id), []).append(period)
    for c in classes:
        result[c.pk] = (by_type.get((c.academic_year_id, c.chosen_type))
                        or by_type.get((c.academic_year_id, c.default_type), []))
    return result


class Rosters:
    """The dated members of some classes and subgroups, read in one query."""

    def __init__(self, class_ids, subgroup_ids):
        self.rows = {}
        members = (ClassMembership.objects.filter(school_class__in=class_ids)
                   .annotate(kind=Value("class"))
                   .values_list("kind", "school_class", "pupil", "starts_on", "ends_on")
                   .order_by())
        if subgroup_ids:
            members = members.union(
                SubgroupMembership.objects.filter(subgroup__in=subgroup_ids)
                .annotate(kind=Value("group"))
                .values_list("kind", "subgroup", "pupil", "starts_on", "ends_on").order_by(),
                all=True).order_by()  # the union would sort by the model's ordering
        for kind, owner, pupil, start, end in members:
            self.rows.setdefault((kind, owner), []).append((pupil, start, end))

    def members(self, class_id, subgroup_id, first_day, last_day):
        """Pupils of the journal at some time between the two days."""
        key = ("group", subgroup_id) if subgroup_id else ("class", class_id)
        return {pupil for pupil, start, end in self.rows.get(key, [])
                if start <= last_day and (end is None or end >= first_day)}


def marks_allowed(school_class):
    # Without the school's settings grade 1 has no marks, as before.
    return school_class.grade > 1 or school_class.no_marks_in_first_grade is False


def _teacher(row):
    if row.get("teacher") is None:
        return None
    person = Person(surname=row["teacher__person__surname"], name=row["teacher__person__name"],
                    patronymic=row["teacher__person__patronymic"],
                    search_name=row["teacher__person__search_name"])
    staff = Staff(pk=row["teacher"])
    staff.person = person
    return staff


def build_rows(counts, day, *, finals=False, classes=None):
    """Rows with their classes, subjects, subgroups and teachers, and the pupils with
    few marks (and missing finals) filled in on each journal's main row: the row of the
    teacher who gave most of its lessons. ``classes``: {pk: class from
    ``with_period_types``}, read here when not given."""
    if not counts:
        return []
    if classes is None:
        classes = {c.pk: c for c in with_period_types(SchoolClass.objects.filter(
            pk__in={row["school_class"] for row in counts})).order_by()}
    subjects, subgroups, teachers = {}, {}, {}
    rows = []
    for c in counts:
        subject = subjects.get(c["subject"])
        if subject is None:
            subject = subjects[c["subject"]] = Subject(pk=c["subject"], name=c["subject__name"])
        subgroup = None
        if c["subgroup"] is not None:
            subgroup = subgroups.get(c["subgroup"])
            if subgroup is None:
                subgroup = subgroups[c["subgroup"]] = Subgroup(
                    pk=c["subgroup"], name=c["subgroup__name"],
                    school_class_id=c["school_class"], subject_id=c["subject"])
        teacher = None
        if c.get("teacher") is not None:
            teacher = teachers.get(c["teacher"])
            if teacher is None:
                teacher = teachers[c["teacher"]] = _teacher(c)
        rows.append(Row(school_class=classes[c["school_class"]], subject=subject,
                        subgroup=subgroup, teacher=teacher, held=c["held"],
                        no_topic=c["no_topic"], no_attendance=c["no_attendance"],
                        first_lesson=c["first_lesson"]))
    periods = class_periods(list(classes.values()))
    main = {}
    for row in rows:
        best = main.get(row.journal)
        if best is None or (row.held, -(row.teacher.pk if row.teacher else 0)) > (
                best.held, -(best.teacher.pk if best.teacher else 0)):
            main[row.journal] = row
    rosters = Rosters(list(classes), set(subgroups))
    current = {pk: next((p for p in rows_ if p.starts_on <= day <= p.ends_on), None)
               for pk, rows_ in periods.items()}
    enough = enough_marks(current, day, {(r.school_class.pk, r.subject.pk) for r in rows})
    ended = {pk: [p for p in rows_ if p.ends_on < day] for pk, rows_ in periods.items()}
    given = final_marks([p for rows_ in ended.values() for p in rows_]) if finals else set()
    for (class_id, subgroup_id, subject_id), row in main.items():
        if not marks_allowed(row.school_class):
            continue
        period = current.get(class_id)
        if period is not None:
            pupils = rosters.members(class_id, subgroup_id, day, day)
            row.few_marks = sum(1 for pupil in pupils
                                if (pupil, class_id, subject_id) not in enough)
        if finals:
            row.missing_finals = 0
            for period in ended.get(class_id, []):
                if row.first_lesson is None or row.first_lesson > period.ends_on:
                    continue  # the journal had no lessons in that period
                pupils = rosters.members(class_id, subgroup_id, period.starts_on,
                                         period.ends_on)
                row.missing_finals += sum(1 for pupil in pupils
                                          if (pupil, subject_id, period.pk) not in given)
    return rows


def enough_marks(current, day, journals):
    """{(pupil, class pk, subject pk)} of the pupils with at least ``FEW_MARKS`` marks in
    the ``journals`` ({(class pk, subject pk)}) in each class's current period up to
    ``day``: one query (debts are not marks). Only the journals' subjects are counted,
    not every subject of the class. The database counts and keeps only those pupils:
    a school's period is some 8,000 counts, and reading each count back (with its
    conversion) was a good part of the page."""
    spans = {}
    subjects = {}
    for class_id, subject_id in journals:
        subjects.setdefault(class_id, set()).add(subject_id)
    for class_id, period in current.items():
        if period is not None and class_id in subjects:
            spans.setdefault((period.starts_on, min(period.ends_on, day)), []).append(class_id)
    if not spans:
        return set()
    condition = Q()
    for (first_day, last_day), class_ids in spans.items():
        condition |= Q(lesson__school_class__in=class_ids,
                       lesson__subject__in=set().union(*(subjects[c] for c in class_ids)),
                       lesson__date__gte=first_day, lesson__date__lte=last_day)
    fields = ["pupil", "lesson__school_class", "lesson__subject"]
    return set(Mark.objects.filter(condition).exclude(value="").values(*fields)
               .annotate(n=Count("pk")).filter(n__gte=FEW_MARKS).order_by()
               .values_list(*fields))


def final_marks(periods):
    """{(pupil, subject pk, period pk)} of the period finals given: one query."""
    if not periods:
        return set()
    return set(FinalMark.objects.filter(kind=FinalKind.PERIOD, period__in=periods)
               .exclude(value="").values_list("pupil", "subject", "period").order_by())


def teacher_journals(user, day, staff=None):
    """The user's journals of the current year with what is missing up to ``day``.
    ``staff``: the user's ``staff_ids``, if already read."""
    from .rules import FILL_JOURNAL

    lessons = teacher_lessons(user, Lesson.objects.visible_to(user, FILL_JOURNAL)
                              .filter(academic_year__is_current=True), staff)
    rows = build_rows(lesson_counts(lessons, day), day)
    return sorted(rows, key=lambda r: (r.school_class.grade, r.school_class.letter,
                                       r.subject.name, r.subgroup.name if r.subgroup else ""))


def school_overview(classes, day):
    """Rows per class, journal and teacher of the given classes up to ``day`` (classes
    from ``with_period_types`` save a query)."""
    if not classes:
        return []
    if not all(hasattr(c, "chosen_type") for c in classes):
        classes = list(with_period_types(SchoolClass.objects.filter(
            pk__in=[c.pk for c in classes])).order_by())
    lessons = Lesson.objects.filter(school_class__in=[c.pk for c in classes],
                                    academic_year_id__in={c.academic_year_id for c in classes})
    return build_rows(lesson_counts(lessons, day, by_teacher=True), day, finals=True,
                      classes={c.pk: c for c in classes})


def totals(rows, key):
    """[(key value, summed Row)] of rows grouped by ``key`` (a function of a row)."""
    sums = {}
    for row in rows:
        group = key(row)
        total = sums.setdefault(group, {"held": 0, "no_topic": 0, "no_attendance": 0,
                                        "few_marks": 0, "missing_finals": 0})
        for name in total:
            total[name] += getattr(row, name) or 0
    return list(sums.items())


# The deputy's overview holds some 350 rows of a school: put together once in Python, as
# the grid's rows are (journal/grid.py), the template's per-row lookups and filters were
# about a third of the page.


def _count(value):
    """A count as the overview shows it: strong when something is missing, a dash where
    the count does not apply."""
    if value is None:
        return '<span class="muted">—</span>'
    return f"<strong>{value}</strong>" if value else "0"


def render_school_rows(rows, with_class=True):
    """The body rows of the deputy's overview table (every value escaped); without the
    class column for the journals of one class."""
    parts = []
    for row in rows:
        subgroup, teacher = row.subgroup, row.teacher
        key = (f"{row.school_class.pk}-{row.subject.pk}-{subgroup.pk if subgroup else ''}-"
               f"{teacher.pk if teacher else ''}")
        name = escape(row.subject.name) + (f" ({escape(subgroup.name)})" if subgroup else "")
        class_cell = f"<td>{escape(str(row.school_class))}</td>" if with_class else ""
        parts.append(
            f'<tr data-row="{key}">{class_cell}'
            f'<td><a href="{escape(row.url)}">{name}</a></td>'
            f'<td>{escape(teacher.person.short_name) if teacher else ""}</td>'
            f"<td>{row.held}</td><td>{_count(row.no_topic)}</td>"
            f"<td>{_count(row.no_attendance)}</td><td>{_count(row.few_marks)}</td>"
            f"<td>{_count(row.missing_finals)}</td></tr>")
    return mark_safe("".join(parts))  # noqa: S308 - built from escaped values


def render_totals(totals, name):
    """The body rows of a totals table: ``name`` (a function of the key) and the sums."""
    return mark_safe("".join(  # noqa: S308 - built from escaped values
        f"<tr><td>{escape(name(key))}</td><td>{t['held']}</td><td>{t['no_topic']}</td>"
        f"<td>{t['no_attendance']}</td><td>{t['few_marks']}</td>"
        f"<td>{t['missing_finals']}</td></tr>" for key, t in totals))
