"""The figures of the form ОО-1 that come from the records, as of the form's day
(20 September): the layout of its sections, lines and columns, and one grouped query per
kind of record, whatever the size of the school.

- pupils by grade and sex, and by age and sex: the class memberships of the year's
  classes on the day, with the person's sex and their full years on 1 January of the
  next year (as ОО-1 counts ages): one query;
- classes by grade, of them with a profile: one query;
- staff at work on the day (hired on or before it, not dismissed before it), of them
  the teaching staff, by ОО-1's categories of staff, and by years of service: one
  query.

Lines and columns are numbered as the form numbers them: column 1 is the line's name,
2 its number, the counts from 3 on. Every cell of the layout gets a value (0 when there
is nothing to count), so the form always has all its lines.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from curriculum.models import ClassMembership, SchoolClass
from records.models import Sex, Staff
from reports.administrative import age_on

GRADES = range(1, 12)
# ОО-1's ages: 6 years and younger, 7 … 17, 18 and older.
YOUNGEST, OLDEST = 6, 18
# Years of service: [from, to) in years; the last band is open.
SERVICE_BANDS = [(0, 3), (3, 5), (5, 10), (10, 15), (15, 20), (20, None)]

# ОО-1's categories of staff (its section on staff: administrative and managerial,
# teaching, teaching support, service staff) are the values of the department's staff
# categories directory (records/migrations/0003_directory_values.py), by their names.
STAFF_CATEGORIES = [
    ("03", "Административно-управленческий персонал"),
    ("04", "Педагогический персонал"),
    ("05", "Учебно-вспомогательный персонал"),
    ("06", "Обслуживающий персонал"),
]

PUPILS, AGES, CLASSES, STAFF, SERVICE = "pupils", "ages", "classes", "staff", "service"
TOTAL_LINE = {PUPILS: "12", AGES: "14", CLASSES: "12"}


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    total: bool = False


@dataclass(frozen=True)
class Column:
    code: str
    label: str


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    lines: list
    columns: list
    note: str = ""


def _grade_lines():
    lines = [Line(f"{grade:02d}", _("Grade %(grade)s") % {"grade": grade}) for grade in GRADES]
    return [*lines, Line("12", _("Total, grades 1–11"), total=True)]


def _age_line(age):
    if age == YOUNGEST:
        return _("%(age)s years and younger") % {"age": age}
    if age == OLDEST:
        return _("%(age)s years and older") % {"age": age}
    return _("%(age)s years") % {"age": age}


def _band_label(start, end):
    if start == 0:
        return _("under %(end)s years") % {"end": end}
    if end is None:
        return _("%(start)s years and more") % {"start": start}
    return _("%(start)s to %(end)s years") % {"start": start, "end": end}


def layout():
    """The sections of the form, in its order, with their lines and columns (in the
    language of the request)."""
    by_sex = [Column("3", _("Total")), Column("4", _("boys")), Column("5", _("girls"))]
    ages = [Line(f"{number:02d}", _age_line(age))
            for number, age in enumerate(range(YOUNGEST, OLDEST + 1), start=1)]
    return [
        Section(PUPILS, _("Pupils by grade and sex"), _grade_lines(), by_sex,
                _("Pupils in the classes of the year on the form's day.")),
        Section(AGES, _("Pupils by age and sex"),
                [*ages, Line("14", _("Total"), total=True)], by_sex,
                _("Full years on 1 January of the next year; pupils without a birth date "
                  "are not counted.")),
        Section(CLASSES, _("Classes by grade"), _grade_lines(),
                [Column("3", _("Classes")), Column("4", _("of them with a profile"))]),
        Section(STAFF, _("Staff"),
                [Line("01", _("Staff at work, total")),
                 Line("02", _("of them teaching staff")),
                 *[Line(code, label) for code, label in zip(
                     (code for code, _name in STAFF_CATEGORIES),
                     (_("by category: administrative and managerial staff"),
                      _("by category: teaching staff"),
                      _("by category: teaching support staff"),
                      _("by category: service staff")), strict=True)]],
                [Column("3", _("Total")), Column("4", _("of them women"))],
                _("Staff hired on or before the form's day and not dismissed before it.")),
        Section(SERVICE, _("Staff by years of service"),
                [Line(f"{number:02d}", _band_label(start, end))
                 for number, (start, end) in enumerate(SERVICE_BANDS, start=1)],
                [Column("3", _("Length of service (all staff)")),
                 Column("4", _("Teaching service (teaching staff)"))],
                _("Staff whose years of service are not recorded are not counted.")),
    ]


def labels():
    """{(section, line, column): (section title, line label, column label)}."""
    return {(section.code, line.code, column.code): (section.title, line.label, column.label)
            for section in layout() for line in section.lines for column in section.columns}


def cells():
    """Every (section, line, column) of the layout."""
    return [(section.code, line.code, column.code) for section in layout()
            for line in section.lines for column in section.columns]


def compute(report):
    """{(section, line, column): count} of every cell of ``report``'s form."""
    values = dict.fromkeys(cells(), 0)
    _pupils(report, values)
    _classes(report, values)
    _staff(report, values)
    for section, total in TOTAL_LINE.items():
        for (code, line, column), n in list(values.items()):
            if code == section and line != total:
                values[section, total, column] += n
    return values


def _pupils(report, values):
    day = report.as_of
    next_january = datetime.date(day.year + 1, 1, 1)
    rows = (ClassMembership.objects.on(day)
            .filter(school_class__academic_year_id=report.academic_year_id)
            .annotate(age=age_on(next_january))
            .values("school_class__grade", "pupil__person__sex", "age")
            .annotate(n=Count("pupil_id", distinct=True)).order_by())
    sex_columns = {Sex.MALE: "4", Sex.FEMALE: "5"}
    for row in rows:
        n, sex = row["n"], row["pupil__person__sex"]
        columns = ["3", *([sex_columns[sex]] if sex in sex_columns else [])]
        grade_line = f"{row['school_class__grade']:02d}"
        for column in columns:
            values[PUPILS, grade_line, column] += n
        if row["age"] is not None:
            age = min(max(row["age"], YOUNGEST), OLDEST)
            for column in columns:
                values[AGES, f"{age - YOUNGEST + 1:02d}", column] += n


def _classes(report, values):
    rows = (SchoolClass.objects.filter(academic_year_id=report.academic_year_id)
            .values("grade").annotate(classes=Count("pk"),
                                      profile=Count("pk", filter=Q(profile__isnull=False)))
            .order_by())
    for row in rows:
        values[CLASSES, f"{row['grade']:02d}", "3"] += row["classes"]
        values[CLASSES, f"{row['grade']:02d}", "4"] += row["profile"]


def at_work(institution_id, day):
    """The school's staff at work on ``day``. The day of dismissal is still a working
    day (Labour Code art. 84.1), so a dismissal on the day counts them."""
    return Staff.objects.filter(institution_id=institution_id, hired_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=day))


def _band(field, start, end):
    condition = Q(**{f"{field}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field}__lt": end})
    return condition


def _staff(report, values):
    women, teaching = Q(person__sex=Sex.FEMALE), Q(teaches=True)
    counts = {
        "all": Count("pk"), "women": Count("pk", filter=women),
        "teaching": Count("pk", filter=teaching),
        "teaching_women": Count("pk", filter=teaching & women),
    }
    for code, name in STAFF_CATEGORIES:
        category = Q(category__name=name, category__institution__isnull=True)
        counts[f"category_{code}"] = Count("pk", filter=category)
        counts[f"category_women_{code}"] = Count("pk", filter=category & women)
    for number, (start, end) in enumerate(SERVICE_BANDS, start=1):
        counts[f"total_{number}"] = Count(
            "pk", filter=_band("total_experience_years", start, end))
        counts[f"teaching_{number}"] = Count(
            "pk", filter=teaching & _band("teaching_experience_years", start, end))
    found = at_work(report.institution_id, report.as_of).aggregate(**counts)
    values[STAFF, "01", "3"] = found["all"]
    values[STAFF, "01", "4"] = found["women"]
    values[STAFF, "02", "3"] = found["teaching"]
    values[STAFF, "02", "4"] = found["teaching_women"]
    for code, _name in STAFF_CATEGORIES:
        values[STAFF, code, "3"] = found[f"category_{code}"]
        values[STAFF, code, "4"] = found[f"category_women_{code}"]
    for number in range(1, len(SERVICE_BANDS) + 1):
        values[SERVICE, f"{number:02d}", "3"] = found[f"total_{number}"]
        values[SERVICE, f"{number:02d}", "4"] = found[f"teaching_{number}"]
