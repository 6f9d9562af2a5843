"""Journal completeness per teacher (R-REP-1): the deputy's monthly check. Of the
lessons a teacher held in a range of days: how many have a topic, the register taken
and homework; the marks given, and per pupil of the classes taught. A fixed number of
grouped queries over the school's lessons of the range."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from curriculum.models import ClassMembership
from journal.models import Mark
from portal.access import today
from records.models import Staff


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rows(lessons, starts_on, ends_on):
    """[{teacher, held, with_topic, …}] of the held lessons between the days (none
    after today), sorted by the teacher's name."""
    held = lessons.filter(is_cancelled=False, date__gte=starts_on,
                          date__lte=min(ends_on, today()))
    counts = {row["teacher_id"]: row for row in held.values("teacher_id").annotate(
        held=Count("pk"),
        topic=Count("pk", filter=~Q(topic="")),
        register=Count("pk", filter=Q(attendance_taken=True)),
        homework=Count("homework", filter=~Q(homework__text="")),
    ).order_by()}
    marks = dict(Mark.objects.filter(lesson__in=held.values("pk")).exclude(value="")
                 .values_list("lesson__teacher_id").annotate(n=Count("pk")).order_by())
    classes = {}
    for teacher_id, class_id in held.values_list("teacher_id", "school_class_id").distinct() \
            .order_by():
        classes.setdefault(teacher_id, set()).add(class_id)
    all_classes = set().union(*classes.values()) if classes else set()
    sizes = dict(ClassMembership.objects.filter(school_class_id__in=all_classes)
                 .on(min(ends_on, today())).values_list("school_class_id")
                 .annotate(n=Count("pk")).order_by())
    names = {staff.pk: staff.person.full_name for staff in
             Staff.objects.filter(pk__in=counts).select_related("person")}
    result = []
    for teacher_id, row in counts.items():
        pupils = sum(sizes.get(class_id, 0) for class_id in classes.get(teacher_id, ()))
        given = marks.get(teacher_id, 0)
        result.append({
            "teacher": names.get(teacher_id, ""),
            "held": row["held"],
            "with_topic": _percent(row["topic"], row["held"]),
            "with_register": _percent(row["register"], row["held"]),
            "with_homework": _percent(row["homework"], row["held"]),
            "marks": given,
            "pupils": pupils,
            "marks_per_pupil": (Decimal(given) / pupils).quantize(Decimal("0.1"))
            if pupils else None,
        })
    return sorted(result, key=lambda line: line["teacher"])
