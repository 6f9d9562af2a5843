"""Current progress and attendance (R-REP-1) from the journal's tallies: per school,
grade, class, subject or pupil of a period, the marks, the weighted average, the debts
and the lessons missed by kind. One grouped query over the tallies, whatever the size
of the city."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from journal.models import AttendanceKind

GROUPS = {
    "school": pgettext_lazy("report group", "school"),
    "grade": pgettext_lazy("report group", "grade"),
    "class": pgettext_lazy("report group", "class"),
    "subject": pgettext_lazy("report group", "subject"),
    "pupil": pgettext_lazy("report group", "pupil"),
}
FIELDS = {
    "school": ("institution_id", "institution__short_name"),
    "grade": ("school_class__grade",),
    "class": ("school_class_id", "institution__short_name", "school_class__grade",
              "school_class__letter"),
    "subject": ("subject__name",),
    "pupil": ("pupil_id", "pupil__person__surname", "pupil__person__name",
              "pupil__person__patronymic"),
}
KINDS = AttendanceKind.values


def _label(group, row):
    if group == "school":
        return row["institution__short_name"]
    if group == "grade":
        return str(row["school_class__grade"])
    if group == "class":
        return f"{row['school_class__grade']}{row['school_class__letter']}"
    if group == "subject":
        return row["subject__name"]
    return " ".join(filter(None, (row["pupil__person__surname"], row["pupil__person__name"],
                                  row["pupil__person__patronymic"])))


def _ratio(part, whole, places="0.1"):
    if not whole:
        return None
    return (Decimal(part) / whole).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def rows(tallies, group):
    """[{label, pupils, marks, …}] of the tallies grouped, sorted by label, and the
    total row."""
    fields = FIELDS[group]
    sums = {name: Sum(name) for name in ("marks", "weights", "weighted", "debts", *KINDS)}
    counted = (tallies.values(*fields).annotate(pupils=Count("pupil_id", distinct=True),
                                                **sums).order_by())
    result = []
    for row in counted:
        result.append(_line(_label(group, row), row, row["pupils"],
                            school=row.get("institution__short_name", "")))
    total = tallies.aggregate(pupils=Count("pupil_id", distinct=True), **sums)
    order = (lambda line: (line["school"], len(line["label"]), line["label"])) \
        if group == "class" else (lambda line: line["label"])
    if group == "grade":
        order = lambda line: int(line["label"])  # noqa: E731
    return sorted(result, key=order), _line(str(_("Total")), total, total["pupils"])


def _line(label, row, pupils, school=""):
    marks = row["marks"] or 0
    missed = sum(row[kind] or 0 for kind in KINDS if kind != AttendanceKind.LATE)
    return {
        "label": label, "school": school, "pupils": pupils, "marks": marks,
        "marks_per_pupil": _ratio(marks, pupils),
        "average": _ratio(row["weighted"] or 0, row["weights"] or 0, "0.01"),
        "debts": row["debts"] or 0,
        **{kind: row[kind] or 0 for kind in KINDS},
        "missed_per_pupil": _ratio(missed, pupils),
    }
