"""The journal's maintained aggregates (``Tally``: per pupil × class × subject × period).

Every save of a mark or an attendance entry (journal/cells.py) recounts the tallies it
touches in its own transaction: the rows are locked (made first if missing), then counted again
from the marks and attendance, so two teachers saving the same pupil's cells at once
wait for each other and the second count sees the first's commit. ``rebuild`` counts a
school's year again in one pass per period (``manage.py rebuild_tallies``; the demo city
after its bulk inserts; a task after a mark type's weight changes). Both count with
``counts`` below, so a recount and a rebuild cannot disagree on what counts: a mark
counts when its value is a number (``NUMBER``: what ``weighted_average`` reads of the
grading scales' marks), with its work's mark type's weight; a debt is counted apart.
"""

from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Cast, Replace
from django.tasks import task

from curriculum.models import Period, SchoolClass, period_types_by_grade

from .models import Attendance, AttendanceKind, Mark, Tally, mark_number

COUNTED = ("marks", "weights", "weighted", "debts", "absent", "valid", "ill", "late")
KEY = ("pupil_id", "school_class_id", "subject_id")


# A mark that is a number, as ``mark_number`` reads the marks of the grading scales.
NUMBER = r"^[0-9]+([.,][0-9]+)?$"


# The same in the database: which marks count, and their value as a number.
NUMERIC = Q(is_debt=False, value__regex=NUMBER)


def number_of_mark():
    """A mark's value as a decimal (a comma read as the point); only for NUMERIC rows."""
    return Cast(Replace(F("value"), Value(","), Value(".")),
                models.DecimalField(max_digits=6, decimal_places=2))


def counts(marks, attendance):
    """{(pupil, class, subject): {field: count}} of the given marks and attendance rows."""
    numeric, number = NUMERIC, number_of_mark()
    weight = F("task__mark_type__weight")
    found = {}
    for row in (marks.values("pupil_id", school_class_id=F("lesson__school_class_id"),
                             subject_id=F("lesson__subject_id"))
                .annotate(marks=Count("pk", filter=numeric),
                          weights=Sum(weight, filter=numeric),
                          weighted=Sum(number * weight, filter=numeric,
                                       output_field=models.DecimalField()),
                          debts=Count("pk", filter=Q(is_debt=True)))
                .order_by()):
        found[tuple(row[k] for k in KEY)] = {
            "marks": row["marks"], "debts": row["debts"],
            "weights": Decimal(row["weights"] or 0), "weighted": Decimal(row["weighted"] or 0)}
    kinds = {kind: Count("pk", filter=Q(kind=kind)) for kind in AttendanceKind.values}
    for row in (attendance.values("pupil_id", school_class_id=F("lesson__school_class_id"),
                                  subject_id=F("lesson__subject_id"))
                .annotate(**kinds).order_by()):
        found.setdefault(tuple(row[k] for k in KEY), {}).update(
            {kind: row[kind] for kind in AttendanceKind.values})
    return found


def _in_period(period, **filters):
    within = {"lesson__date__gte": period.starts_on, "lesson__date__lte": period.ends_on,
              **filters}
    return (Mark.objects.filter(**within), Attendance.objects.filter(**within))


def _tally(period, key, values):
    row = Tally(institution_id=period.institution_id, period=period,
                **dict(zip(KEY, key, strict=True)))
    for name, value in values.items():
        setattr(row, name, value)
    return row


def _round(value):
    return Decimal(value).quantize(Decimal("0.01"))


def recount(lesson, pupil_ids):
    """Count again the tallies of ``pupil_ids`` in the lesson's class, subject and
    period; inside the caller's transaction. A lesson outside every period counts in
    none."""
    if not pupil_ids:
        return
    where = {"school_class_id": lesson.school_class_id, "subject_id": lesson.subject_id,
             "pupil_id__in": list(pupil_ids), "period__starts_on__lte": lesson.date,
             "period__ends_on__gte": lesson.date}

    def locked():
        # A concurrent save of the same tally waits here for this transaction, and
        # counts after it with what it committed.
        return {row.pupil_id: row for row in Tally.objects.select_for_update(of=("self",))
                .select_related("period").filter(**where).order_by("pupil_id")}

    rows = locked()
    if len(rows) < len(where["pupil_id__in"]):
        period = Period.objects.for_class(lesson.school_class).containing(lesson.date).first()
        if period is None:
            return
        Tally.objects.bulk_create(
            [_tally(period, (pupil_id, lesson.school_class_id, lesson.subject_id), {})
             for pupil_id in where["pupil_id__in"] if pupil_id not in rows],
            ignore_conflicts=True)
        rows = locked()
    if not rows:
        return
    period = next(iter(rows.values())).period
    marks, attendance = _in_period(period, lesson__school_class_id=lesson.school_class_id,
                                   lesson__subject_id=lesson.subject_id,
                                   pupil_id__in=list(rows))
    found = counts(marks, attendance)
    empty, changed = [], []
    for pupil_id, row in rows.items():
        values = found.get((pupil_id, lesson.school_class_id, lesson.subject_id))
        if not values:
            empty.append(row.pk)
            continue
        for name in COUNTED:
            setattr(row, name, values.get(name, 0))
        changed.append(row)
    if empty:
        Tally.objects.filter(pk__in=empty).delete()
    if len(changed) == 1:
        changed[0].save(update_fields=COUNTED)
    elif changed:
        Tally.objects.bulk_update(changed, COUNTED)


def periods_by_grades(academic_year_id, institution_id):
    """[(period, grades)]: each period of the year with the grades whose classes use it."""
    by_grade, default = period_types_by_grade(academic_year_id, institution_id)
    grades = set(SchoolClass.objects.filter(academic_year_id=academic_year_id)
                 .values_list("grade", flat=True))
    result = []
    for period in Period.objects.filter(academic_year_id=academic_year_id).order_by(
            "period_type", "number"):
        own = sorted(g for g in grades if by_grade.get(g, default) == period.period_type_id)
        if own:
            result.append((period, own))
    return result


@transaction.atomic
def rebuild(academic_year):
    """Count a school's year again from its marks and attendance, period by period.
    Returns the number of tallies written."""
    Tally.objects.filter(period__academic_year=academic_year).delete()
    written = 0
    for period, grades in periods_by_grades(academic_year.pk, academic_year.institution_id):
        marks, attendance = _in_period(period, lesson__academic_year_id=academic_year.pk,
                                       lesson__school_class__grade__in=grades)
        rows = [_tally(period, key, values)
                for key, values in counts(marks, attendance).items()]
        Tally.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written


@task
def rebuild_task(academic_year_ids):
    """A background rebuild, e.g. after a mark type's weight changed."""
    from curriculum.models import AcademicYear

    for year in AcademicYear.objects.filter(pk__in=academic_year_ids):
        rebuild(year)


def recomputed(academic_year):
    """{(pupil, class, subject, period): {field: value}} counted in Python from the raw
    rows, one by one, by the journal's own reading of a mark (``mark_number``): what the
    tallies must equal (the tests, ``rebuild_tallies --check``)."""
    result = {}
    for period, grades in periods_by_grades(academic_year.pk, academic_year.institution_id):
        marks, attendance = _in_period(period, lesson__academic_year_id=academic_year.pk,
                                       lesson__school_class__grade__in=grades)
        for pupil, school_class, subject, value, is_debt, weight in marks.values_list(
                "pupil_id", "lesson__school_class_id", "lesson__subject_id", "value",
                "is_debt", "task__mark_type__weight").order_by():
            row = result.setdefault((pupil, school_class, subject, period.pk), {})
            number = None if is_debt else mark_number(value)
            if is_debt:
                row["debts"] = row.get("debts", 0) + 1
            elif number is not None:
                row["marks"] = row.get("marks", 0) + 1
                row["weights"] = row.get("weights", 0) + weight
                row["weighted"] = row.get("weighted", 0) + number * weight
        for pupil, school_class, subject, kind in attendance.values_list(
                "pupil_id", "lesson__school_class_id", "lesson__subject_id", "kind").order_by():
            row = result.setdefault((pupil, school_class, subject, period.pk), {})
            row[kind] = row.get(kind, 0) + 1
    return {key: {name: _round(row.get(name, 0)) if name in ("weights", "weighted")
                  else row.get(name, 0) for name in COUNTED}
            for key, row in result.items()}


def stored(academic_year):
    """The tallies of a year in the shape of ``recomputed``."""
    return {(row["pupil_id"], row["school_class_id"], row["subject_id"], row["period_id"]):
            {name: _round(row[name]) if name in ("weights", "weighted") else row[name]
             for name in COUNTED}
            for row in Tally.objects.filter(period__academic_year=academic_year).values(
                "pupil_id", "school_class_id", "subject_id", "period_id", *COUNTED)}


def remember_weight(sender, instance, **kwargs):
    instance._weight_before = (sender.objects.filter(pk=instance.pk)
                               .values_list("weight", flat=True).first()
                               if instance.pk else None)


def weight_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_weight_before", None)
    if created or before is None or Decimal(before) == Decimal(instance.weight):
        return
    from curriculum.models import AcademicYear

    years = AcademicYear.objects.filter(is_current=True)
    if instance.institution_id:
        years = years.filter(institution_id=instance.institution_id)
    year_ids = list(years.values_list("pk", flat=True))
    transaction.on_commit(lambda: rebuild_task.enqueue(year_ids))
