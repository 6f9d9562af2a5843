"""Weekly hours of a class per subject (R-SCH-2, R-CUR-3): the timetable against the
curriculum plan and the tariffication.

Two measures, because subgroups split a lesson: the class's hours count each slot once
(two English groups at once are one hour of the class), which is what the plan gives;
the teachers' hours count each weekly lesson (two groups are two teacher-hours), which is
what the tariffication gives. A lesson of week A or B only is half an hour a week.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from curriculum.models import CurriculumLine, Subject, TeachingAssignment

from .models import TimetableEntry


@dataclass
class HoursRow:
    subject: Subject
    plan: Decimal
    class_hours: int
    tariff: Decimal
    teacher_hours: int

    @property
    def plan_differs(self):
        return self.plan != self.class_hours

    @property
    def tariff_differs(self):
        return self.tariff != self.teacher_hours


def compare_hours(school_class, first_day, last_day):
    """[HoursRow] per subject of the plan, the tariffication or the timetable of the
    week [first_day, last_day], in subject order."""
    entries = (TimetableEntry.objects.filter(school_class=school_class)
               .overlapping(first_day, last_day)
               .values_list("subject_id", "weekday", "lesson_number", "weeks"))
    slots, teacher_hours = {}, Counter()
    for subject_id, weekday, number, weeks in entries:
        slots.setdefault(subject_id, {}).setdefault((weekday, number), set()).add(
            weeks or "AB")
        teacher_hours[subject_id] += HALF if weeks else 1
    plan = dict(
        CurriculumLine.objects.filter(academic_year_id=school_class.academic_year_id,
                                      grade=school_class.grade)
        .filter(Q(profile__isnull=True) | Q(profile_id=school_class.profile_id))
        .values_list("subject_id").annotate(hours=Sum("hours_per_week")).order_by())
    tariff = dict(
        TeachingAssignment.objects.filter(school_class=school_class)
        .values_list("subject_id").annotate(hours=Sum("hours_per_week")).order_by())
    subjects = Subject.objects.filter(pk__in=set(slots) | set(plan) | set(tariff)).order_by(
        "name")
    zero = Decimal(0)
    return [HoursRow(subject, plan.get(subject.pk, zero),
                     class_hours(slots.get(subject.pk, {})), tariff.get(subject.pk, zero),
                     teacher_hours[subject.pk])
            for subject in subjects]


HALF = Decimal("0.5")


def class_hours(slots):
    """{slot: weeks taught in it} as the class's hours a week: a slot of both weeks is an
    hour, of one week half an hour."""
    return sum((1 if len(set("".join(weeks))) == 2 else HALF for weeks in slots.values()),
               Decimal(0))
