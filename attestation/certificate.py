"""The final marks of the certificate, by the rule of the order on certificates
(приказ Минпросвещения России от 05.10.2020 № 546, п. 5.3 and 5.5):

- grade 9: a subject the pupil took a state exam in (ОГЭ or ГВЭ) gets the arithmetic
  mean of the year mark and the exam mark; every other subject its year mark;
- grade 11: the arithmetic mean of the period (half-year) and year marks of every year
  of secondary education, grades 10 and 11; the ЕГЭ's score does not enter it.

Both are rounded as mathematics rounds: 3.5 → 4, 4.5 → 5. A final that is not a mark
(«зачёт», «н/а») does not count.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from journal.models import FinalKind, FinalMark

from .models import MARKS, ExamForm, ExamResult

SECONDARY_GRADES = (10, 11)


def as_mark(value):
    """A final's stored value as a mark 2–5, or None for anything else."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and int(value) in MARKS else None


def rounded_mean(marks):
    mean = Decimal(sum(marks)) / Decimal(len(marks))
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Computed:
    value: int | None
    sources: dict = field(default_factory=dict)  # {"year": [5], "exam": [4], ...}

    @property
    def failing(self):
        """A year or exam mark of 2: the pupil is not admitted or did not pass."""
        return any(2 in marks for marks in self.sources.values()) or self.value == 2


def compute(pupil_ids, academic_year, grade):
    """{(pupil_id, subject_id): Computed} for the graduates of ``grade`` in
    ``academic_year``, in two queries whatever the class."""
    if grade == 11:
        return _secondary(pupil_ids, academic_year)
    return _basic(pupil_ids, academic_year)


def _basic(pupil_ids, academic_year):
    years = defaultdict(list)
    for pupil_id, subject_id, value in (
            FinalMark.objects.filter(pupil_id__in=pupil_ids, academic_year=academic_year,
                                     kind=FinalKind.YEAR)
            .values_list("pupil_id", "subject_id", "value")):
        if (mark := as_mark(value)) is not None:
            years[pupil_id, subject_id].append(mark)
    exams = {}
    for pupil_id, subject_id, mark in (
            ExamResult.objects.filter(pupil_id__in=pupil_ids, academic_year=academic_year,
                                      mark__isnull=False)
            .exclude(form=ExamForm.EGE).values_list("pupil_id", "subject_id", "mark")):
        exams[pupil_id, subject_id] = mark
    result = {}
    for key, year in years.items():
        sources = {"year": year}
        if key in exams:
            sources["exam"] = [exams[key]]
        result[key] = Computed(rounded_mean(year + sources.get("exam", [])), sources)
    return result


def _secondary(pupil_ids, academic_year):
    """Grades 10 and 11 may lie in two academic years of the school: the finals are
    taken from the classes of those grades, whichever year they were."""
    marks = defaultdict(lambda: defaultdict(list))
    for pupil_id, subject_id, kind, value in (
            FinalMark.objects.filter(pupil_id__in=pupil_ids,
                                     school_class__grade__in=SECONDARY_GRADES,
                                     academic_year__starts_on__lte=academic_year.starts_on,
                                     kind__in=[FinalKind.PERIOD, FinalKind.YEAR])
            .order_by("academic_year__starts_on", "period__number")
            .values_list("pupil_id", "subject_id", "kind", "value")):
        if (mark := as_mark(value)) is not None:
            marks[pupil_id, subject_id][kind].append(mark)
    return {key: Computed(rounded_mean([m for kind in by_kind.values() for m in kind]),
                          dict(by_kind))
            for key, by_kind in marks.items()}
