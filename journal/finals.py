"""Closing and reopening periods (R-JRN-4): which finals are still missing, and the
deputy director's two actions.

A final is expected for every pupil who was in a class on the last day of the period
and every subject the pupil had lessons in during it (a subgroup's subject only for
the subgroup's members).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from curriculum.models import (
    ClassMembership,
    Period,
    SchoolClass,
    SubgroupMembership,
    period_types_by_grade,
)

from .models import FinalKind, FinalMark
from .rules import CLOSE_PERIOD


@dataclass
class MissingFinals:
    school_class: SchoolClass
    expected: int = 0
    pairs: list = field(default_factory=list)  # (pupil_id, subject_id) without a final

    @property
    def count(self):
        return len(self.pairs)


def classes_of_period(period):
    """The school's classes of the year whose grade uses the period's type."""
    classes = SchoolClass.objects.filter(academic_year_id=period.academic_year_id)
    own, default = period_types_by_grade(period.academic_year_id, period.institution_id)
    return [c for c in classes.order_by("grade", "letter")
            if own.get(c.grade, default) == period.period_type_id]


def missing_finals(period):
    """[MissingFinals] per class of the period, in a fixed number of queries."""
    from schedule.models import Lesson

    classes = classes_of_period(period)
    by_class = {c.pk: MissingFinals(c) for c in classes}
    day = period.ends_on
    members = {}
    for pupil_id, class_id in ClassMembership.objects.on(day).filter(
            school_class_id__in=by_class).values_list("pupil_id", "school_class_id"):
        members.setdefault(class_id, set()).add(pupil_id)
    in_group = {}
    for pupil_id, group_id in SubgroupMembership.objects.on(day).filter(
            subgroup__school_class_id__in=by_class).values_list("pupil_id", "subgroup_id"):
        in_group.setdefault(group_id, set()).add(pupil_id)
    taught = (Lesson.objects.filter(school_class_id__in=by_class, is_cancelled=False,
                                    date__gte=period.starts_on, date__lte=period.ends_on)
              .values_list("school_class_id", "subject_id", "subgroup_id").distinct())
    expected = {}
    for class_id, subject_id, group_id in taught:
        pupils = members.get(class_id, set())
        if group_id is not None:
            pupils = pupils & in_group.get(group_id, set())
        expected.setdefault(class_id, set()).update((p, subject_id) for p in pupils)
    given = set(FinalMark.objects.filter(period=period, kind=FinalKind.PERIOD)
                .exclude(value="").values_list("pupil_id", "subject_id"))
    for class_id, pairs in expected.items():
        row = by_class[class_id]
        row.expected = len(pairs)
        row.pairs = sorted(pairs - given)
    return list(by_class.values())


@transaction.atomic
def close_period(user, period, confirm_missing=False):
    """Close a period: its marks, attendance and finals become read-only. With finals
    missing, only when the deputy confirms. Returns the number of finals missing."""
    if not user.has_perm(CLOSE_PERIOD, period):
        raise PermissionDenied
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(_("The period is already closed."))
    missing = sum(row.count for row in missing_finals(period))
    if missing and not confirm_missing:
        raise ValidationError(_("%(count)s finals are missing: confirm to close the period "
                                "all the same.") % {"count": missing})
    mark_closed(period, user, missing_finals=missing)
    return missing


def mark_closed(period, user, **data):
    """The closing itself, on a period locked by the caller: here and the year
    rollover's (movement/rollover.py), which closes the old year's periods."""
    period.closed_at, period.closed_by = timezone.now(), user
    period.save(update_fields=["closed_at", "closed_by"])
    log(period, "journal.period_closed", user=user, data=data)


@transaction.atomic
def reopen_period(user, period):
    if not user.has_perm(CLOSE_PERIOD, period):
        raise PermissionDenied
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise ValidationError(_("The period is open."))
    period.closed_at, period.closed_by = None, None
    period.save(update_fields=["closed_at", "closed_by"])
    log(period, "journal.period_reopened", user=user)
