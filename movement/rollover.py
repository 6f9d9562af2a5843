"""The year rollover of a school (R-MOV-4, Appendix 3, items 2–3).

``preview(year)`` says what will happen, class by class and pupil by pupil: 5А becomes
6А with its pupils, the school's last grade graduates, pupils with a failing year final
are flagged and wait for a decision (promoted on condition, or repeat the year), the
next year's periods, plan, subgroups, teaching load, lesson times and class teachers
are copied. The school edits the preview (the form in ``forms.RolloverForm``) and
``apply(plan, …)`` does exactly what the edited preview says, in one transaction:

- the next academic year with its periods (the old bounds a year later, as edited), the
  period type of each grade and the plan's lines;
- the next year's classes (one grade up, the letter and class teacher as edited, the
  profile, home room and lesson times kept), new first grades with the letters of
  this year's, the subgroups with their teachers, the teaching assignments of subjects
  that stay in the plan;
- the promotion order's movements (promotion and repeating the year) and the graduation
  order's, written into the movement book, the pupils' memberships and cards moved
  (each card gets a version);
- the old year's periods closed, so its journals and finals are read-only, and the next
  year made the current one.

Anything that fails rolls everything back. The book's rows are written in bulk, so the
R-MOV-2 rule is checked here for the whole school first: every pupil who moves has a
standing enrolment and has not left.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.log_actions import log

from curriculum.models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    GradePeriodType,
    Period,
    SchoolClass,
    Subgroup,
    SubgroupMembership,
    TeachingAssignment,
    period_set_errors,
)
from journal.cells import school_settings
from journal.finals import mark_closed
from journal.models import FinalKind, FinalMark
from portal.history import ensure_baseline, record_change
from records.models import InstitutionKind, Pupil

from . import actions
from .models import GONE, Movement, MovementKind, OrderKind

PROMOTE, CONDITIONAL, REPEAT, GRADUATE, NOT_GRADUATED = (
    "promote", "conditional", "repeat", "graduate", "not_graduated")
DECISIONS = {
    PROMOTE: gettext_lazy("promoted"),
    CONDITIONAL: gettext_lazy("promoted on condition (academic debt)"),
    REPEAT: gettext_lazy("repeats the year"),
    GRADUATE: gettext_lazy("graduates"),
    NOT_GRADUATED: gettext_lazy("stays in the grade (not admitted or failed)"),
}
# A final that means the pupil has not mastered the subject, beside the scale's marks
# below its lowest passing mark.
FAILING_WORDS = {"н/а", "на", "незачёт", "незачет", "незач", "не аттестован"}
ROLLED_OVER = "movement.rollover"


def last_grade(institution):
    """The grade that graduates: 4 in a primary school, 9 in a basic one, else 11."""
    return {InstitutionKind.PRIMARY: 4, InstitutionKind.BASIC: 9}.get(institution.kind, 11)


def next_year_name(year):
    first = year.starts_on.year + 1
    return f"{first}/{first + 1}"


def a_year_later(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@dataclass
class PupilPlan:
    pupil: Pupil
    decision: str
    failing: list = field(default_factory=list)  # subject names
    missing_finals: int = 0
    decided: bool = False  # by the school, in the edited preview

    @property
    def flagged(self):
        return bool(self.failing)

    @property
    def choices(self):
        if self.decision in (GRADUATE, NOT_GRADUATED):
            return [GRADUATE, NOT_GRADUATED]
        return [PROMOTE, CONDITIONAL, REPEAT]


@dataclass
class ClassPlan:
    school_class: SchoolClass
    graduates: bool
    new_letter: str
    class_teacher_id: int | None
    pupils: list = field(default_factory=list)

    @property
    def new_grade(self):
        return None if self.graduates else self.school_class.grade + 1

    @property
    def new_name(self):
        return "" if self.graduates else f"{self.new_grade}{self.new_letter}"


@dataclass
class PeriodPlan:
    period: Period
    starts_on: datetime.date
    ends_on: datetime.date


@dataclass
class Plan:
    year: AcademicYear
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    classes: list
    periods: list
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def institution(self):
        return self.year.institution

    def pupils(self):
        return [row for plan in self.classes for row in plan.pupils]

    def counts(self):
        counts = defaultdict(int)
        for row in self.pupils():
            counts[row.decision] += 1
        return counts

    def undecided(self):
        """Flagged pupils still on the default decision: the school decides."""
        return [row for row in self.pupils() if row.flagged and not row.decided]


def failing_values(institution_id):
    settings = school_settings(institution_id)
    if settings is None:
        return {"2", "1"} | FAILING_WORDS
    scale = settings.grading_scale
    passing = set(scale.passing_marks())
    return {mark for mark in scale.mark_list() if mark not in passing} | FAILING_WORDS


def preview(year):
    """The rollover of ``year``'s school as it would happen now, before any edit. A
    fixed number of queries, whatever the school's size."""
    institution = year.institution
    top = last_grade(institution)
    classes = list(SchoolClass.objects.filter(academic_year=year)
                   .select_related("class_teacher__person").order_by("grade", "letter"))
    plans = {c.pk: ClassPlan(c, graduates=c.grade >= top, new_letter=c.letter,
                             class_teacher_id=c.class_teacher_id) for c in classes}
    enrolled = Movement.objects.filter(pupil=OuterRef("pk"), kind=MovementKind.ENROLMENT,
                                       cancelled_by__isnull=True)
    pupils = list(Pupil.objects.filter(school_class__academic_year=year, left_on__isnull=True)
                  .select_related("person").annotate(has_enrolment=Exists(enrolled))
                  .order_by("person__surname", "person__name", "pk"))
    failing = defaultdict(list)
    bad = failing_values(institution.pk)
    finals_count = defaultdict(int)
    for pupil_id, value, subject in (
            FinalMark.objects.filter(academic_year=year, kind=FinalKind.YEAR,
                                     pupil__in=[p.pk for p in pupils])
            .values_list("pupil_id", "value", "subject__name").order_by("subject__name")):
        if value:
            finals_count[pupil_id] += 1
        if value.strip().lower() in bad:
            failing[pupil_id].append(subject)
    subjects_of_grade = defaultdict(set)
    for grade, profile_id, subject_id in CurriculumLine.objects.filter(
            academic_year=year).values_list("grade", "profile_id", "subject_id"):
        subjects_of_grade[(grade, profile_id)].add(subject_id)
    plan = Plan(year=year, name=next_year_name(year), starts_on=a_year_later(year.starts_on),
        ends_on=a_year_later(year.ends_on),
        classes=list(plans.values()), periods=[
            PeriodPlan(p, a_year_later(p.starts_on), a_year_later(p.ends_on))
            for p in Period.objects.filter(academic_year=year)
            .select_related("period_type").order_by("period_type__name", "number")])
    without_enrolment = []
    for pupil in pupils:
        class_plan = plans[pupil.school_class_id]
        grade, profile = class_plan.school_class.grade, class_plan.school_class.profile_id
        expected = len(subjects_of_grade[(grade, None)] | subjects_of_grade[(grade, profile)])
        class_plan.pupils.append(PupilPlan(
            pupil, GRADUATE if class_plan.graduates else PROMOTE,
            failing=failing[pupil.pk],
            missing_finals=max(0, expected - finals_count[pupil.pk])))
        if not pupil.has_enrolment:
            without_enrolment.append(pupil.person.full_name)
    if without_enrolment:
        plan.errors.append(_(
            "These pupils have no enrolment order in the movement book: %(names)s. Enter "
            "their enrolment first.") % {"names": ", ".join(without_enrolment)})
    if AcademicYear.objects.filter(institution=institution, name=plan.name).exists():
        plan.errors.append(_("The school already has the academic year %(name)s.")
                           % {"name": plan.name})
    if not year.is_current:
        plan.errors.append(_("Only the current academic year can be rolled over."))
    if not plan.periods:
        plan.errors.append(_("The year has no periods to copy."))
    missing = sum(1 for row in plan.pupils() if row.missing_finals)
    if missing:
        plan.warnings.append(ngettext(
            "%(count)s pupil has no year final in some subjects of the plan.",
            "%(count)s pupils have no year final in some subjects of the plan.",
            missing) % {"count": missing})
    return plan


def check(plan):
    """What stops the edited plan from being applied: the list of messages."""
    errors = list(plan.errors)
    if not (plan.starts_on < plan.ends_on) or plan.starts_on <= plan.year.ends_on:
        errors.append(_("The next year must start after this one ends (%(day)s) and end "
                        "after it starts.") % {"day": f"{plan.year.ends_on:%d.%m.%Y}"})
    names = defaultdict(list)
    for class_plan in plan.classes:
        if not class_plan.graduates:
            names[(class_plan.new_grade, class_plan.new_letter)].append(class_plan)
    for (grade, letter), rows in names.items():
        if len(rows) > 1:
            errors.append(_("Two classes would both become %(name)s.")
                          % {"name": f"{grade}{letter}"})
    if plan.undecided():
        errors.append(_("Decide for every flagged pupil: %(names)s.") % {"names": ", ".join(
            row.pupil.person.full_name for row in plan.undecided())})
    by_type = defaultdict(list)
    for row in plan.periods:
        by_type[row.period.period_type].append((row.starts_on, row.ends_on))
    probe = AcademicYear(starts_on=plan.starts_on, ends_on=plan.ends_on)
    for period_type, bounds in by_type.items():
        errors.extend(period_set_errors(probe, period_type, bounds))
    return errors


def decide_flagged(plan, decision):
    """Every flagged pupil gets ``decision`` (a graduate with a failing final: not
    graduated): the preview as a command or a benchmark applies it, with no edits."""
    for row in plan.pupils():
        if row.flagged:
            row.decided = True
            row.decision = NOT_GRADUATED if row.decision == GRADUATE else decision


def copy_plan(source, target):
    """The grades' period types and the plan's lines of the year ``source`` into the
    year ``target`` of the same school; returns the lines copied (of ``source``)."""
    GradePeriodType.objects.bulk_create([
        GradePeriodType(institution_id=target.institution_id, academic_year=target,
                        grade=row.grade, period_type_id=row.period_type_id)
        for row in GradePeriodType.objects.filter(academic_year=source)])
    lines = list(CurriculumLine.objects.filter(academic_year=source))
    CurriculumLine.objects.bulk_create([
        CurriculumLine(institution_id=target.institution_id, academic_year=target,
                       grade=line.grade, profile_id=line.profile_id,
                       subject_id=line.subject_id, component=line.component,
                       hours_per_week=line.hours_per_week)
        for line in lines])
    return lines


MOVEMENT_KINDS = {PROMOTE: MovementKind.PROMOTION, CONDITIONAL: MovementKind.PROMOTION,
                  REPEAT: MovementKind.REPEAT, NOT_GRADUATED: MovementKind.REPEAT,
                  GRADUATE: MovementKind.GRADUATION}


def rollover_movement(pupil, decision, from_class_id, to_class, failing, new, promotion,
                      graduation, user):
    """The book's row of one pupil's ``decision`` (unsaved): a graduation under the
    graduation order on its date, else a move into ``to_class`` under the promotion
    order on the first day of the ``new`` year; a conditional promotion names the
    subjects of the academic debt. Here and in the demo city's previous year."""
    kind = MOVEMENT_KINDS[decision]
    graduated = kind == MovementKind.GRADUATION
    return Movement(
        institution_id=pupil.institution_id, pupil=pupil, kind=kind,
        date=graduation.date if graduated else new.starts_on,
        order=graduation if graduated else promotion, from_class_id=from_class_id,
        to_class=None if graduated else to_class,
        reason=_("Academic debt: %(subjects)s") % {"subjects": ", ".join(failing)}
        if decision == CONDITIONAL else "", created_by=user)


@transaction.atomic
def apply(plan, user, promotion_order, graduation_order=None, progress=None):
    """Do what the edited ``plan`` says, all or nothing. ``promotion_order`` and
    ``graduation_order`` are (number, date); ``progress(message)`` hears how far it has
    come (the management command prints it). Returns the next academic year."""
    progress = progress or (lambda message: None)
    problems = check(plan)
    if problems:
        raise ValidationError(problems)
    old = AcademicYear.objects.select_for_update().get(pk=plan.year.pk)
    if not old.is_current:
        raise ValidationError(_("Only the current academic year can be rolled over."))
    institution = plan.institution

    new = AcademicYear.objects.create(institution=institution, name=plan.name,
                                      starts_on=plan.starts_on, ends_on=plan.ends_on)
    Period.objects.bulk_create([
        Period(institution=institution, academic_year=new,
               period_type_id=row.period.period_type_id, number=row.period.number,
               starts_on=row.starts_on, ends_on=row.ends_on) for row in plan.periods])
    lines = copy_plan(old, new)
    progress(_("The year %(name)s: periods and the plan copied.") % {"name": new.name})

    # The next year's classes: one grade up, the repeaters' grades, new first grades.
    new_classes = {}

    def class_of(grade, letter, like=None, teacher_id=None):
        key = (grade, letter)
        if key not in new_classes:
            new_classes[key] = SchoolClass(
                institution=institution, academic_year=new, grade=grade, letter=letter,
                class_teacher_id=teacher_id,
                profile_id=like.profile_id if like else None,
                home_room_id=like.home_room_id if like else None,
                bell_schedule_id=like.bell_schedule_id if like else None)
        return new_classes[key]

    for row in plan.classes:
        if not row.graduates:
            class_of(row.new_grade, row.new_letter, row.school_class, row.class_teacher_id)
    leaving_teachers = {row.new_letter: row.class_teacher_id for row in plan.classes
                        if row.school_class.grade == 4 and not row.graduates}
    for row in plan.classes:
        if row.school_class.grade == 1:
            # A primary teacher whose 4th grade moves on takes the new first grade.
            class_of(1, row.school_class.letter, row.school_class,
                     leaving_teachers.get(row.school_class.letter))
    for row in plan.classes:
        if any(p.decision in (REPEAT, NOT_GRADUATED) for p in row.pupils):
            own = row.school_class
            class_of(own.grade, own.letter, own)
    SchoolClass.objects.bulk_create(list(new_classes.values()))
    destination = {}
    for row in plan.classes:
        for pupil_row in row.pupils:
            if pupil_row.decision in (PROMOTE, CONDITIONAL):
                destination[pupil_row.pupil.pk] = new_classes[(row.new_grade, row.new_letter)]
            elif pupil_row.decision in (REPEAT, NOT_GRADUATED):
                destination[pupil_row.pupil.pk] = new_classes[(row.school_class.grade,
                                                               row.school_class.letter)]
    class_map = {row.school_class.pk: new_classes[(row.new_grade, row.new_letter)]
                 for row in plan.classes if not row.graduates}
    progress(_("Classes of the next year made: %(count)s.") % {"count": len(new_classes)})

    # Subgroups and the teaching load of the classes that move up.
    subgroups = list(Subgroup.objects.filter(school_class__in=list(class_map)))
    new_subgroups = {g.pk: Subgroup(institution=institution,
                                    school_class=class_map[g.school_class_id],
                                    subject_id=g.subject_id, name=g.name,
                                    teacher_id=g.teacher_id) for g in subgroups}
    Subgroup.objects.bulk_create(list(new_subgroups.values()))
    in_plan = {(line.grade, line.profile_id, line.subject_id) for line in lines}
    TeachingAssignment.objects.bulk_create([
        TeachingAssignment(institution=institution, teacher_id=a.teacher_id,
                           school_class=class_map[a.school_class_id], subject_id=a.subject_id,
                           hours_per_week=a.hours_per_week,
                           subgroup=new_subgroups.get(a.subgroup_id))
        for a in TeachingAssignment.objects.filter(school_class__in=list(class_map))
        if (class_map[a.school_class_id].grade, None, a.subject_id) in in_plan
        or (class_map[a.school_class_id].grade, class_map[a.school_class_id].profile_id,
            a.subject_id) in in_plan])
    progress(_("Subgroups and the teaching load copied."))

    # The book: R-MOV-2 for the whole school at once, then the orders' movements.
    moving = plan.pupils()
    pupil_ids = [row.pupil.pk for row in moving]
    last = {}
    for movement in (Movement.objects.filter(pupil_id__in=pupil_ids).effective()
                     .order_by("pupil_id", "date", "pk")):
        last[movement.pupil_id] = movement
    for row in moving:
        latest = last.get(row.pupil.pk)
        if latest is None or latest.kind in GONE:
            raise ValidationError(_("%(name)s is not enrolled in the school by an order.")
                                  % {"name": row.pupil.person.full_name})
    promotion = actions.order_for(institution, promotion_order[0], promotion_order[1],
                                  OrderKind.PROMOTION, user, text=_(
                                      "On promotion to the next grade, %(name)s")
                                  % {"name": new.name})
    graduates = [row for row in moving if row.decision == GRADUATE]
    graduation = None
    if graduates:
        if not graduation_order or not graduation_order[0] or not graduation_order[1]:
            raise ValidationError(_("Enter the graduation order's number and date."))
        graduation = actions.order_for(institution, graduation_order[0], graduation_order[1],
                                       OrderKind.GRADUATION, user)
    movements = [rollover_movement(row.pupil, row.decision, row.pupil.school_class_id,
                                   destination.get(row.pupil.pk), row.failing, new,
                                   promotion, graduation, user) for row in moving]
    Movement.objects.bulk_create(movements, batch_size=500)
    progress(_("Movements written into the book: %(count)s.") % {"count": len(movements)})

    # Memberships: the old year's end, the next year's start.
    left = {row.pupil.pk: graduation.date for row in graduates}
    old_memberships = ClassMembership.objects.filter(school_class__academic_year=old,
                                                     ends_on__isnull=True)
    old_groups = SubgroupMembership.objects.filter(subgroup__school_class__academic_year=old,
                                                   ends_on__isnull=True)
    if left:
        old_memberships.filter(pupil_id__in=list(left)).update(ends_on=graduation.date)
        old_groups.filter(pupil_id__in=list(left)).update(ends_on=graduation.date)
    group_members = list(old_groups.filter(subgroup__in=list(new_subgroups))
                         .values_list("pupil_id", "subgroup_id"))
    old_memberships.update(ends_on=old.ends_on)
    old_groups.update(ends_on=old.ends_on)
    ClassMembership.objects.bulk_create([
        ClassMembership(institution=institution, pupil_id=pupil_id, school_class=to_class,
                        starts_on=new.starts_on) for pupil_id, to_class in destination.items()],
        batch_size=1000)
    promoted_together = {row.pupil.pk: class_map.get(row.pupil.school_class_id)
                         for row in moving if row.decision in (PROMOTE, CONDITIONAL)}
    SubgroupMembership.objects.bulk_create([
        SubgroupMembership(institution=institution, pupil_id=pupil_id,
                           subgroup=new_subgroups[subgroup_id], starts_on=new.starts_on)
        for pupil_id, subgroup_id in group_members
        if promoted_together.get(pupil_id) is not None
        and new_subgroups[subgroup_id].school_class_id == promoted_together[pupil_id].pk],
        batch_size=1000)
    progress(_("Class and group memberships moved."))

    # The pupils' cards, each with a version of its own (R-PD-2).
    for number, row in enumerate(moving, start=1):
        pupil = row.pupil
        ensure_baseline(pupil)
        if pupil.pk in left:
            pupil.left_on = left[pupil.pk]
            pupil.save(update_fields=["left_on"])
            record_change(pupil, user, actions.ACTION.format(kind=MovementKind.GRADUATION))
        else:
            pupil.school_class = destination[pupil.pk]
            pupil.save(update_fields=["school_class"])
            record_change(pupil, user, actions.ACTION.format(kind=MOVEMENT_KINDS[row.decision]))
        if number % 200 == 0:
            progress(_("Pupils' cards: %(done)s of %(total)s.") % {
                "done": number, "total": len(moving)})

    # The old year is read-only from now on: its periods are closed.
    for period in Period.objects.select_for_update().filter(academic_year=old,
                                                           closed_at__isnull=True):
        mark_closed(period, user, rollover=new.name)
    old.is_current = False
    old.save(update_fields=["is_current"])
    new.is_current = True
    new.save(update_fields=["is_current"])
    counts = plan.counts()
    log(new, ROLLED_OVER, user=user, data={"from": old.name, **counts})
    progress(_("Done: %(name)s is the current year.") % {"name": new.name})
    return new
