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

from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Cast, Replace
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from curriculum.models import InstitutionSettings, SchoolClass
from journal.models import FinalKind, FinalMark, mark_number
from records.models import Institution

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


KEY_FIELDS = {"school": "institution_id", "grade": "school_class__grade",
              "class": "school_class_id"}


def _labels(group, keys):
    """{key: (label, school)} of the groups' keys: one small query for schools and
    classes."""
    if group == "grade":
        return {grade: (str(grade), "") for grade in keys}
    if group == "school":
        return {pk: (name, name) for pk, name in Institution.objects.filter(
            pk__in=list(keys)).values_list("pk", "short_name")}
    return {pk: (f"{grade}{letter}", school) for pk, grade, letter, school in
            SchoolClass.objects.filter(pk__in=list(keys)).values_list(
                "pk", "grade", "letter", "institution__short_name")}


def lines(finals, group, school_ids):
    """[Line] of the finals (of the schools ``school_ids`` at most) grouped by
    ``group``, and the total Line."""
    by_key, total = {}, Line(None, str(_("Total")))
    scales = scales_of(school_ids)
    for scale, schools in scales.items():
        # One scale for all (the usual case): no filter by school to add.
        rows = finals if len(scales) == 1 else finals.filter(institution_id__in=schools)
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
        tallies = by_pupil_then_group(rows, KEY_FIELDS[group], scale)
        labels = _labels(group, tallies)
        for key, tally in tallies.items():
            label, school = labels.get(key, (str(key), ""))
            line = by_key.setdefault(key, Line(key, label, school=school))
            piece = Line(None, "", **tally)
            line.add(piece)
            total.add(piece)
    return sorted(by_key.values(), key=_order(group)), total


def by_pupil_then_group(finals, key_field, scale):
    """{group key: {pupils, excellent, …, score, scored}}: the finals counted per pupil,
    each pupil put in a category, and the pupils counted per group, all in the database
    (a city's quarter is some 40,000 pupils and 430,000 finals; only the groups come
    back). The ORM does not select from a grouped subquery, so the outer query is
    written here around the ORM's own, as ``journal.overview.lesson_counts`` does."""
    per_pupil = (finals.annotate(group_key=F(key_field)).values_list("pupil_id", "group_key")
                 .annotate(**_counts(scale)).order_by())
    try:
        sql, params = per_pupil.query.sql_with_params()
    except EmptyResultSet:
        return {}
    quote = connection.ops.quote_name
    c = {name: f"p.{quote(name)}" for name in (*CATEGORIES, "score", "scored")}
    # A pupil's category is their worst final's, in this order.
    order = ["not_attested", "failing", "satisfactory", "good", "excellent"]
    counted = []
    for index, name in enumerate(order):
        before = " AND ".join(f"{c[other]} = 0" for other in order[:index]) or "1 = 1"
        counted.append(f"SUM(CASE WHEN {before} AND {c[name]} > 0 THEN 1 ELSE 0 END)")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The per-pupil grouping of a city's quarter needs some 25 MB to hash; with
            # the default 4 MB it spills to disk (a third slower). For this query only.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            f"SELECT p.{quote('group_key')}, COUNT(*), {', '.join(counted)}, "
            f"SUM({c['score']}), SUM({c['scored']}) FROM ({sql}) p "
            f"GROUP BY p.{quote('group_key')}", params)
        rows = cursor.fetchall()
    result = {}
    for key, pupils, *found, score, scored in rows:
        result[key] = {"pupils": pupils, **dict(zip(order, found, strict=True)),
                       "score": Decimal(str(score or 0)), "scored": scored or 0}
    return result


def _order(group):
    if group == "grade":
        return lambda line: line.key
    if group == "class":
        return lambda line: (line.school, len(line.label), line.label)
    return lambda line: line.label
