"""What is missing in the journals (R-JRN-5): the teacher's own journals and the deputy
director's overview of a school.

A journal is a class (or one of its subgroups) and a subject. For each one, and for the
deputy also per teacher, the counts come from a fixed number of grouped queries, never
one query per journal: lessons held without a topic or without the register taken, the
pupils with fewer than ``FEW_MARKS`` marks in the current period, and the pupils
without a period final for the periods that have ended.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Min, Q

from curriculum.models import (
    ClassMembership,
    GradePeriodType,
    InstitutionSettings,
    Period,
    Subgroup,
    SubgroupMembership,
    Subject,
)
from records.models import Staff
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

    @property
    def url(self):
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


def teacher_lessons(user, lessons):
    """The lessons the user gives, alone or with others (or gave, before a replacement
    teacher took them)."""
    co_taught = Lesson.co_teachers.through.objects.filter(staff__person__user=user)
    return lessons.filter(Q(teacher__person__user=user) | Q(replaced_teacher__person__user=user)
                          | Q(pk__in=co_taught.values("lesson_id")))


def lesson_counts(lessons, day, by_teacher=False):
    """Held lessons, and those without a topic or without the register taken, grouped by
    journal (and teacher): one query."""
    held = Q(is_cancelled=False, date__lte=day)
    fields = ["school_class", "subgroup", "subject", *(["teacher"] if by_teacher else [])]
    return list(lessons.values(*fields).annotate(
        held=Count("pk", filter=held),
        no_topic=Count("pk", filter=held & Q(topic="")),
        no_attendance=Count("pk", filter=held & Q(attendance_taken=False)),
        first_lesson=Min("date", filter=held),
    ).order_by(*fields))


def class_periods(classes):
    """{class pk: [Period]} as ``Period.objects.for_class`` gives them, for many classes
    in three queries; and {institution pk: InstitutionSettings}."""
    years = {c.academic_year_id for c in classes}
    schools = {c.institution_id for c in classes}
    chosen = {}
    for year, grade, kind in GradePeriodType.objects.filter(academic_year__in=years).values_list(
            "academic_year", "grade", "period_type"):
        chosen.setdefault((year, grade), set()).add(kind)
    settings = {s.institution_id: s for s in InstitutionSettings.objects.filter(
        institution__in=schools)}
    periods = {}
    for period in Period.objects.filter(academic_year__in=years).order_by("number"):
        periods.setdefault((period.academic_year_id, period.period_type_id), []).append(period)
    result = {}
    for c in classes:
        kinds = chosen.get((c.academic_year_id, c.grade))
        if not kinds and c.institution_id in settings:
            kinds = {settings[c.institution_id].default_period_type_id}
        result[c.pk] = sorted((p for kind in sorted(kinds or ())
                               for p in periods.get((c.academic_year_id, kind), [])),
                              key=lambda p: p.number)
    return result, settings


class Rosters:
    """The dated members of some classes and subgroups, read in two queries."""

    def __init__(self, class_ids, subgroup_ids):
        self.rows = {}
        for class_id, pupil, start, end in ClassMembership.objects.filter(
                school_class__in=class_ids).values_list("school_class", "pupil", "starts_on",
                                                        "ends_on"):
            self.rows.setdefault(("class", class_id), []).append((pupil, start, end))
        for group, pupil, start, end in SubgroupMembership.objects.filter(
                subgroup__in=subgroup_ids).values_list("subgroup", "pupil", "starts_on",
                                                       "ends_on"):
            self.rows.setdefault(("group", group), []).append((pupil, start, end))

    def members(self, class_id, subgroup_id, first_day, last_day):
        """Pupils of the journal at some time between the two days."""
        key = ("group", subgroup_id) if subgroup_id else ("class", class_id)
        return {pupil for pupil, start, end in self.rows.get(key, [])
                if start <= last_day and (end is None or end >= first_day)}


def marks_allowed(school_class, settings):
    row = settings.get(school_class.institution_id)
    return school_class.grade > 1 or not (row is None or row.no_marks_in_first_grade)


def build_rows(counts, day, *, finals=False):
    """Rows with their classes, subjects, subgroups and teachers, and the pupils with
    few marks (and missing finals) filled in on each journal's main row: the row of the
    teacher who gave most of its lessons."""
    from curriculum.models import SchoolClass

    def ids(name):
        return {row[name] for row in counts if row.get(name)}

    classes = {c.pk: c for c in SchoolClass.objects.filter(pk__in=ids("school_class"))
               .select_related("academic_year")}
    subjects = Subject.objects.in_bulk(ids("subject"))
    subgroups = Subgroup.objects.in_bulk(ids("subgroup"))
    teachers = Staff.objects.select_related("person").in_bulk(ids("teacher"))
    rows = [Row(school_class=classes[c["school_class"]], subject=subjects[c["subject"]],
                subgroup=subgroups.get(c["subgroup"]), teacher=teachers.get(c.get("teacher")),
                held=c["held"], no_topic=c["no_topic"], no_attendance=c["no_attendance"],
                first_lesson=c["first_lesson"]) for c in counts]
    if not rows:
        return rows
    periods, settings = class_periods(list(classes.values()))
    main = {}
    for row in rows:
        best = main.get(row.journal)
        if best is None or (row.held, -(row.teacher.pk if row.teacher else 0)) > (
                best.held, -(best.teacher.pk if best.teacher else 0)):
            main[row.journal] = row
    rosters = Rosters(list(classes), ids("subgroup"))
    current = {pk: next((p for p in rows_ if p.starts_on <= day <= p.ends_on), None)
               for pk, rows_ in periods.items()}
    counted = mark_counts(current, day)
    ended = {pk: [p for p in rows_ if p.ends_on < day] for pk, rows_ in periods.items()}
    given = final_marks([p for rows_ in ended.values() for p in rows_]) if finals else set()
    for (class_id, subgroup_id, subject_id), row in main.items():
        school_class = row.school_class
        if not marks_allowed(school_class, settings):
            continue
        period = current.get(class_id)
        if period is not None:
            pupils = rosters.members(class_id, subgroup_id, day, day)
            row.few_marks = sum(1 for pupil in pupils
                                if counted.get((pupil, class_id, subject_id), 0) < FEW_MARKS)
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


def mark_counts(current, day):
    """{(pupil, class pk, subject pk): marks} in each class's current period up to
    ``day``: one query (debts are not marks)."""
    spans = {}
    for class_id, period in current.items():
        if period is not None:
            spans.setdefault((period.starts_on, min(period.ends_on, day)), []).append(class_id)
    if not spans:
        return {}
    condition = Q()
    for (first_day, last_day), class_ids in spans.items():
        condition |= Q(lesson__school_class__in=class_ids, lesson__date__gte=first_day,
                       lesson__date__lte=last_day)
    return {(pupil, class_id, subject): n for pupil, class_id, subject, n in
            Mark.objects.filter(condition).exclude(value="")
            .values_list("pupil", "lesson__school_class", "lesson__subject")
            .annotate(n=Count("pk")).order_by()}


def final_marks(periods):
    """{(pupil, subject pk, period pk)} of the period finals given: one query."""
    if not periods:
        return set()
    return set(FinalMark.objects.filter(kind=FinalKind.PERIOD, period__in=periods)
               .exclude(value="").values_list("pupil", "subject", "period"))


def teacher_journals(user, day):
    """The user's journals of the current year with what is missing up to ``day``."""
    from .rules import FILL_JOURNAL

    lessons = teacher_lessons(user, Lesson.objects.visible_to(user, FILL_JOURNAL)
                              .filter(academic_year__is_current=True))
    rows = build_rows(lesson_counts(lessons, day), day)
    return sorted(rows, key=lambda r: (r.school_class.grade, r.school_class.letter,
                                       r.subject.name, r.subgroup.name if r.subgroup else ""))


def school_overview(classes, day):
    """Rows per class, journal and teacher of the given classes up to ``day``."""
    lessons = Lesson.objects.filter(school_class__in=classes,
                                    academic_year_id__in={c.academic_year_id for c in classes})
    return build_rows(lesson_counts(lessons, day, by_teacher=True), day, finals=True)


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
