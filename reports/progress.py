"""Final progress (R-REP-1): the period's finals counted as Russian schools count them.

Each pupil with finals in the period falls in one category by their lowest final: an
excellent pupil has only the scale's best mark, a good one the two best (with at least
one second-best), a satisfactory one some other passing mark; a failing pupil has a mark
below the lowest passing one or a «незачёт», a pupil not attested an «н/а». Finals that
are no marks («зачёт») count as passed. Of a group:

    quality % = (excellent + good) / pupils × 100
    success % = (pupils − failing − not attested) / pupils × 100

Grouped by subject, the finals themselves are counted (the share of fives, fours, …).

The finals are read through ``visible_to(user, VIEW_PROGRESS)`` and counted by the
database per pupil (one grouped query per grading scale in use, usually one), so the
rows that reach Python are a pupil each, never a final each.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Cast, Replace
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from curriculum.models import InstitutionSettings
from journal.models import FinalKind, FinalMark, mark_number

from .rules import VIEW_PROGRESS

CATEGORIES = {
    "excellent": _("excellent"),
    "good": _("good"),
    "satisfactory": _("satisfactory"),
    "failing": _("failing"),
    "not_attested": _("not attested"),
}
NOT_ATTESTED = ("н/а", "на", "не аттестован")
FAILING_WORDS = ("незачёт", "незачет", "незач")
DEFAULT_SCALE = (("5", "4", "3", "2", "1"), "3")

GROUPS = {
    "school": pgettext_lazy("report group", "school"),
    "grade": pgettext_lazy("report group", "grade"),
    "class": pgettext_lazy("report group", "class"),
    "subject": pgettext_lazy("report group", "subject"),
}


@dataclass(frozen=True)
class Scale:
    marks: tuple
    lowest_passing: str

    @property
    def passing(self):
        if self.lowest_passing not in self.marks:
            return self.marks
        return self.marks[: self.marks.index(self.lowest_passing) + 1]

    def values(self):
        """{category: the values of a final that put a pupil in it}."""
        best, second = self.marks[0], self.marks[1:2]
        return {
            "excellent": [best],
            "good": list(second),
            "satisfactory": [m for m in self.passing if m != best and m not in second],
            "failing": [m for m in self.marks if m not in self.passing] + list(FAILING_WORDS),
            "not_attested": list(NOT_ATTESTED),
        }

    def numeric(self):
        return [m for m in self.marks if mark_number(m) is not None]


def scales_of(institution_ids):
    """{Scale: [institution ids]} of the schools' grading scales (their settings'),
    the five-point scale for a school without settings."""
    found = {}
    rows = (InstitutionSettings.objects.filter(institution_id__in=institution_ids)
            .values_list("institution_id", "grading_scale__marks",
                         "grading_scale__lowest_passing_mark"))
    seen = set()
    for institution_id, marks, lowest in rows:
        seen.add(institution_id)
        if marks:
            scale = Scale(tuple(m.strip() for m in marks.split(",") if m.strip()), lowest)
        else:
            scale = Scale(*DEFAULT_SCALE)
        found.setdefault(scale, []).append(institution_id)
    rest = [pk for pk in institution_ids if pk not in seen]
    if rest:
        found.setdefault(Scale(*DEFAULT_SCALE), []).extend(rest)
    return found


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Line:
    """One row of the report: a school, a grade, a class or a subject."""

    key: object
    label: str
    school: str = ""
    pupils: int = 0  # grouped by subject: finals
    excellent: int = 0
    good: int = 0
    satisfactory: int = 0
    failing: int = 0
    not_attested: int = 0
    score: Decimal = field(default=Decimal(0))  # Σ numeric finals
    scored: int = 0

    def add(self, other):
        for name in ("pupils", *CATEGORIES, "score", "scored"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def quality(self):
        return _percent(self.excellent + self.good, self.pupils)

    @property
    def success(self):
        return _percent(self.pupils - self.failing - self.not_attested, self.pupils)

    @property
    def average(self):
        if not self.scored:
            return None
        return (self.score / self.scored).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def shares(self):
        """[(category, share 0…1)] for the chart."""
        return [(name, getattr(self, name) / self.pupils if self.pupils else 0)
                for name in CATEGORIES]


def period_finals(user, period_type_id, number, *, institution_id=None, grade=None):
    """The period finals the user may count: of the current years' period ``number`` of
    the period type, not empty."""
    rows = (FinalMark.objects.visible_to(user, VIEW_PROGRESS)
            .filter(kind=FinalKind.PERIOD, period__period_type_id=period_type_id,
                    period__number=number, period__academic_year__is_current=True)
            .exclude(value=""))
    if institution_id:
        rows = rows.filter(institution_id=institution_id)
    if grade:
        rows = rows.filter(school_class__grade=grade)
    return rows


def _counts(scale):
    values = scale.values()
    numeric = Q(value__in=scale.numeric())
    number = Cast(Replace(F("value"), models.Value(","), models.Value(".")),
                  models.DecimalField(max_digits=6, decimal_places=2))
    return {
        **{name: Count("pk", filter=Q(value__in=values[name])) for name in CATEGORIES},
        "total": Count("pk"),
        "score": Sum(number, filter=numeric, output_field=models.DecimalField()),
        "scored": Count("pk", filter=numeric),
    }


def _category(row):
    """A pupil's category from the counts of their finals by category."""
    if row["not_attested"]:
        return "not_attested"
    if row["failing"]:
        return "failing"
    if row["satisfactory"]:
        return "satisfactory"
    if row["good"]:
        return "good"
    if row["excellent"]:
        return "excellent"
    return None  # only «зачёт»: passed, neither quality nor failing


GROUP_FIELDS = {
    "school": ("institution_id", "institution__short_name"),
    "grade": ("school_class__grade",),
    "class": ("school_class_id", "institution__short_name", "school_class__grade",
              "school_class__letter"),
}


def _label(group, row):
    if group == "school":
        return row["institution__short_name"]
    if group == "grade":
        return str(row["school_class__grade"])
    return f"{row['school_class__grade']}{row['school_class__letter']}"


def lines(finals, group):
    """[Line] of the finals grouped by ``group``, and the total Line."""
    institution_ids = list(finals.values_list("institution_id", flat=True).distinct()
                           .order_by())
    by_key, total = {}, Line(None, str(_("Total")))
    for scale, schools in scales_of(institution_ids).items():
        rows = finals.filter(institution_id__in=schools)
        if group == "subject":
            counted = (rows.values("subject__name").annotate(**_counts(scale))
                       .order_by())
            for row in counted:
                line = by_key.setdefault(row["subject__name"],
                                         Line(row["subject__name"], row["subject__name"]))
                piece = Line(None, "", pupils=row["total"],
                             **{name: row[name] for name in CATEGORIES},
                             score=Decimal(row["score"] or 0), scored=row["scored"])
                line.add(piece)
                total.add(piece)
            continue
        fields = GROUP_FIELDS[group]
        counted = (rows.values("pupil_id", *fields).annotate(**_counts(scale)).order_by())
        for row in counted:
            key = row[fields[0]]
            line = by_key.get(key)
            if line is None:
                line = by_key[key] = Line(key, _label(group, row),
                                          school=row.get("institution__short_name", ""))
            piece = Line(None, "", pupils=1, score=Decimal(row["score"] or 0),
                         scored=row["scored"])
            category = _category(row)
            if category:
                setattr(piece, category, 1)
            line.add(piece)
            total.add(piece)
    return sorted(by_key.values(), key=_order(group)), total


def _order(group):
    if group == "grade":
        return lambda line: line.key
    if group == "class":
        return lambda line: (line.school, len(line.label), line.label)
    return lambda line: line.label
