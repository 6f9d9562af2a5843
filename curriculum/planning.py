"""What the planning pages show: the curriculum plan of a year with its totals and load
limits (R-CUR-2), and the teacher load compared with the plan (R-CUR-3).

Each function reads a year's rows in a fixed number of queries and returns plain data
for a template; nothing here writes.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .models import (
    Component,
    CurriculumLine,
    CurriculumProfile,
    InstitutionSettings,
    LoadLimit,
    SchoolClass,
    Subgroup,
    TeachingAssignment,
    WeekDays,
)

ZERO = Decimal("0")


def week_days_of(institution_id):
    chosen = InstitutionSettings.objects.filter(institution_id=institution_id).values_list(
        "week_days", flat=True).first()
    return chosen or WeekDays.FIVE


@dataclass
class PlanColumn:
    grade: int
    profile: CurriculumProfile | None
    total: Decimal = ZERO
    limit: int | None = None

    @property
    def key(self):
        return (self.grade, self.profile.pk if self.profile else None)

    @property
    def over_limit(self):
        return self.limit is not None and self.total > self.limit


@dataclass
class PlanRow:
    component: str
    component_label: str
    subject: object
    cells: list = field(default_factory=list)  # hours or None, in the order of the columns


def curriculum_plan(academic_year):
    """The plan of a year as a table: a column per grade (its common part) and per grade
    and profile (the common part with the profile's own lines), a row per component and
    subject, the weekly total of each column and the grade's load limit."""
    lines = list(CurriculumLine.objects.of_year(academic_year).select_related(
        "subject", "profile"))
    profiles_by_grade = {}
    for line in lines:
        profiles_by_grade.setdefault(line.grade, {})
        if line.profile_id:
            profiles_by_grade[line.grade][line.profile_id] = line.profile
    columns = []
    for grade in sorted(profiles_by_grade):
        columns.append(PlanColumn(grade, None))
        for profile in sorted(profiles_by_grade[grade].values(), key=lambda p: p.name):
            columns.append(PlanColumn(grade, profile))
    index = {column.key: n for n, column in enumerate(columns)}
    components = dict(Component.choices)
    order = {value: n for n, value in enumerate(components)}
    rows = {}
    for line in lines:
        row = rows.setdefault((line.component, line.subject_id), PlanRow(
            line.component, components.get(line.component, line.component), line.subject,
            [None] * len(columns)))
        targets = [index[(line.grade, line.profile_id)]]
        if line.profile_id is None:
            # The common part counts in every profile of the grade.
            targets += [index[(line.grade, pk)] for pk in profiles_by_grade[line.grade]]
        for n in targets:
            row.cells[n] = (row.cells[n] or ZERO) + line.hours_per_week
    totals = CurriculumLine.objects.of_year(academic_year).weekly_totals()
    limits = LoadLimit.objects.effective(academic_year.institution,
                                         week_days_of(academic_year.institution_id))
    for column in columns:
        column.total = totals.get(column.key, ZERO)
        column.limit = limits.get(column.grade)
    ordered = sorted(rows.values(), key=lambda r: (order.get(r.component, 99), r.subject.name))
    return columns, ordered


@dataclass
class PlanComparison:
    school_class: SchoolClass
    subject: object
    subgroup: Subgroup | None
    planned: Decimal
    assigned: Decimal

    @property
    def difference(self):
        return self.assigned - self.planned

    @property
    def status(self):
        if self.assigned > self.planned:
            return "over"
        return "under" if self.assigned < self.planned else "ok"


def plan_hours_by_class(academic_year, classes):
    """{(class pk, subject pk): (subject, hours a week)} from the plan: the grade's
    common lines and those of the class's profile."""
    lines = CurriculumLine.objects.of_year(academic_year).select_related("subject")
    result = {}
    for line in lines:
        for school_class in classes:
            if school_class.grade != line.grade or line.profile_id not in (
                    None, school_class.profile_id):
                continue
            key = (school_class.pk, line.subject_id)
            _subject, hours = result.get(key, (line.subject, ZERO))
            result[key] = (line.subject, hours + line.hours_per_week)
    return result


def compare_with_plan(academic_year, assignments):
    """Rows of plan against assigned hours, per class and subject. A subject taught in
    subgroups is compared once per group: each group must get the plan's hours (the
    whole-class hours count for every group)."""
    classes = list(SchoolClass.objects.filter(academic_year=academic_year)
                   .order_by("grade", "letter"))
    plan = plan_hours_by_class(academic_year, classes)
    groups = {}
    for subgroup in Subgroup.objects.filter(school_class__academic_year=academic_year) \
            .select_related("subject").order_by("name"):
        groups.setdefault((subgroup.school_class_id, subgroup.subject_id), []).append(subgroup)
    whole, by_group, subjects = {}, {}, {}
    for a in assignments:
        key = (a.school_class_id, a.subject_id)
        subjects[key] = a.subject
        if a.subgroup_id:
            by_group[a.subgroup_id] = by_group.get(a.subgroup_id, ZERO) + a.hours_per_week
        else:
            whole[key] = whole.get(key, ZERO) + a.hours_per_week
    rows = []
    for school_class in classes:
        keys = {key for key in (*plan, *subjects) if key[0] == school_class.pk}
        for key in keys:
            subject, planned = plan.get(key, (subjects.get(key), ZERO))
            common = whole.get(key, ZERO)
            split = groups.get(key, [])
            if split and any(g.pk in by_group for g in split):
                rows += [PlanComparison(school_class, subject, group, planned,
                                        common + by_group.get(group.pk, ZERO))
                         for group in split]
            else:
                rows.append(PlanComparison(school_class, subject, None, planned, common))
    rows.sort(key=lambda r: (r.school_class.grade, r.school_class.letter, r.subject.name,
                             r.subgroup.name if r.subgroup else ""))
    return rows


def year_assignments(academic_year):
    """The teaching load of a year, teacher by teacher; callers scope it."""
    return (TeachingAssignment.objects.filter(school_class__academic_year=academic_year)
            .select_related("teacher__person", "school_class", "subject", "subgroup")
            .order_by("teacher__person__search_name", "school_class__grade",
                      "school_class__letter", "subject__name"))


def teacher_totals(assignments):
    """[(teacher name, hours a week)] by name; each subgroup's hours count for its teacher."""
    totals = {}
    for a in assignments:
        name = a.teacher.person.full_name
        key = (a.teacher.person.search_name, a.teacher_id)
        _name, hours = totals.get(key, (name, ZERO))
        totals[key] = (name, hours + a.hours_per_week)
    return [totals[key] for key in sorted(totals)]


def snapshot_of(assignments):
    """The load as stored with an approval: names as they were, hours as text."""
    return [{
        "teacher_id": a.teacher_id, "teacher": a.teacher.person.full_name,
        "class_id": a.school_class_id, "class": str(a.school_class),
        "subject_id": a.subject_id, "subject": a.subject.name,
        "subgroup_id": a.subgroup_id, "subgroup": a.subgroup.name if a.subgroup_id else "",
        "hours": str(a.hours_per_week),
    } for a in assignments]


def snapshot_totals(snapshot):
    totals = {}
    for row in snapshot:
        totals[row["teacher"]] = totals.get(row["teacher"], ZERO) + Decimal(row["hours"])
    return sorted(totals.items())


def planning_years(user, perm):
    """The years whose planning page ``user`` may open under ``perm``: the matrix's
    filter applied to the years, since every cell of these permissions is a school
    or the city."""
    from portal.access import permission

    from .models import AcademicYear

    years = AcademicYear.objects.select_related("institution").order_by(
        "institution__short_name", "-starts_on")
    return permission(perm).filter(years, user)


def default_year(years):
    return years.filter(is_current=True).first() or years.first()

