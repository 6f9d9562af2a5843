"""Administrative reports (R-REP-1): the contingent by grade, sex and age as of a date,
the class sizes, and the staff list with positions and load. Counts come from one
grouped query each, whatever the number of schools; a report shows counts of groups
(never a pupil's birth date or sex: the department reads them only as counts)."""

from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractYear

from curriculum.models import SchoolClass, TeachingAssignment
from records.models import Sex

# Ages as ОО-1 counts them: under 7, 7 … 17, 18 and over.
AGES = list(range(6, 19))


def age_on(day):
    """The age on ``day`` of the person of a membership's pupil, in SQL."""
    birth = "pupil__person__birth_date"
    before_birthday = Case(
        When(Q(**{f"{birth}__month__gt": day.month})
             | Q(**{f"{birth}__month": day.month, f"{birth}__day__gt": day.day}),
             then=Value(1)),
        default=Value(0), output_field=IntegerField())
    return Value(day.year) - ExtractYear(birth) - before_birthday


def contingent(memberships, day, group):
    """[{label, school, classes, pupils, boys, girls, no_sex, ages: {age: n}}] of the
    pupils in classes on ``day`` (their memberships), by grade, class or school; and the
    total line."""
    members = memberships.on(day).filter(school_class__academic_year__starts_on__lte=day,
                                         school_class__academic_year__ends_on__gte=day)
    fields = {
        "grade": ("school_class__grade",),
        "class": ("school_class_id", "school_class__institution__short_name",
                  "school_class__grade", "school_class__letter"),
        "school": ("school_class__institution_id", "school_class__institution__short_name"),
    }[group]
    rows = (members.annotate(age=age_on(day))
            .values(*fields, "pupil__person__sex", "age")
            .annotate(n=Count("pupil_id", distinct=True)).order_by())
    lines, total = {}, _line("", "")
    for row in rows:
        key = row[fields[0]]
        if key not in lines:
            lines[key] = _line(_label(group, row),
                               row.get("school_class__institution__short_name", ""))
        for line in (lines[key], total):
            _add(line, row)
    classes = dict(members.values_list(fields[0]).annotate(
        n=Count("school_class_id", distinct=True)).order_by())
    for key, line in lines.items():
        line["classes"] = classes.get(key, 0)
    total["classes"] = sum(classes.values())
    return sorted(lines.values(), key=_order(group)), total


def _line(label, school):
    return {"label": label, "school": school, "classes": 0, "pupils": 0, "boys": 0,
            "girls": 0, "ages": dict.fromkeys(AGES, 0)}


def _add(line, row):
    line["pupils"] += row["n"]
    if row["pupil__person__sex"] == Sex.MALE:
        line["boys"] += row["n"]
    elif row["pupil__person__sex"] == Sex.FEMALE:
        line["girls"] += row["n"]
    if row["age"] is not None:
        age = min(max(row["age"], AGES[0]), AGES[-1])
        line["ages"][age] += row["n"]


def _label(group, row):
    if group == "grade":
        return str(row["school_class__grade"])
    if group == "class":
        return f"{row['school_class__grade']}{row['school_class__letter']}"
    return row["school_class__institution__short_name"]


def _order(group):
    if group == "grade":
        return lambda line: int(line["label"])
    if group == "class":
        return lambda line: (line["school"], len(line["label"]), line["label"])
    return lambda line: line["label"]


def staff_lines(staff):
    """[{name, school, position, teaches, load, classes, leads}] of the staff rows, with
    the hours a week of their current teaching assignments and the classes they lead
    this year: three queries."""
    rows = list(staff.filter(left_on__isnull=True).values(
        "pk", "person__surname", "person__name", "person__patronymic", "institution__short_name",
        "position__name", "teaches").order_by("institution__short_name",
                                              "person__search_name"))
    ids = [row["pk"] for row in rows]
    load = {row["teacher_id"]: row for row in TeachingAssignment.objects.filter(
        teacher_id__in=ids, school_class__academic_year__is_current=True)
        .values("teacher_id").annotate(hours=Sum("hours_per_week"),
                                       classes=Count("school_class_id", distinct=True))
        .order_by()}
    leads = {}
    for teacher_id, grade, letter in SchoolClass.objects.filter(
            class_teacher_id__in=ids, academic_year__is_current=True).values_list(
            "class_teacher_id", "grade", "letter").order_by("grade", "letter"):
        leads.setdefault(teacher_id, []).append(f"{grade}{letter}")
    return [{
        "name": " ".join(filter(None, (row["person__surname"], row["person__name"],
                                       row["person__patronymic"]))),
        "school": row["institution__short_name"],
        "position": row["position__name"] or "",
        "load": load.get(row["pk"], {}).get("hours") or Decimal(0),
        "classes": load.get(row["pk"], {}).get("classes", 0),
        "leads": ", ".join(leads.get(row["pk"], [])),
    } for row in rows]
