"""The demo city's previous year, finished and rolled over into this one (issue 14,
item 9), as the deputy's rollover would have left it in August:

- the year 2025/2026 (for a city of 2026/2027) with its quarters and half-years closed,
  the same plan of grades and period types;
- its classes, one grade below this year's (4А → 5А), with the class teachers the
  rollover passes on (a primary teacher keeps the class up to grade 4, then takes the
  new first grade; a teacher who graduated a class takes a new fifth), and the last
  grade's classes, which graduated;
- every pupil who was in the school then, in their class of that year, with their year
  finals; one pupil who failed mathematics promoted on condition, one who failed
  algebra and geometry repeating the year; the graduates, who left with the year;
- the promotion and graduation orders in the book and their movements, made by the
  rollover's own ``rollover_movement``, and the rollover's log entry.

This year's classes and pupils are the city's as ``portal.demo.city`` built them: the
previous year is written to lead into them. Deterministic: the draws come from a
stream of their own, so the rest of the city is the same with or without it.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from curriculum.models import (
    AcademicYear,
    ClassMembership,
    Period,
    SchoolClass,
)
from journal.demo import DemoCalendar
from journal.demo_journal import FINAL_COLUMNS, insert_rows
from journal.models import FinalKind, FinalMark
from records.models import Guardianship, Person, Pupil, User

from . import actions
from .models import OrderKind
from .rollover import (
    CONDITIONAL,
    GRADUATE,
    PROMOTE,
    REPEAT,
    ROLLED_OVER,
    copy_plan,
    rollover_movement,
)

BATCH = 2000
# Year finals of those who passed: mostly fours, then fives and threes.
PASSING = ["5"] * 3 + ["4"] * 5 + ["3"] * 2
FAILED_CONDITIONALLY = ("Математика",)  # a fifth-grader, promoted on condition
FAILED_REPEATING = ("Алгебра", "Геометрия")  # a seventh-grader, who repeats the year


@dataclass
class PreviousYear:
    graduates: list = field(default_factory=list)  # saved Pupil rows
    enrolled_into: dict = field(default_factory=dict)  # {pupil pk: class pk then}
    movements: list = field(default_factory=list)  # unsaved Movement rows


def weekday_on_or_before(day):
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def signer(number):
    """Who applied the school's rollover: its deputy's demo login, else the director's
    or the administrator's, else nobody (the row keeps no user)."""
    for role in ("deputy", "director", "admin"):
        user = User.objects.filter(username=f"school{number}.{role}").first()
        if user:
            return user
    return None


def previous_year(builder):
    rnd = random.Random(f"previous-year-{builder.random_seed}")
    calendar = DemoCalendar(datetime.date(builder.year_start.year - 1, 9, 1))
    top = max(grade for grade, _letter in builder.size.classes)
    result = PreviousYear()
    pupils_by_school = {}
    for pupil in builder.pupils:
        pupils_by_school.setdefault(pupil.institution_id, []).append(pupil)
    for number, school in enumerate(builder.schools, start=1):
        previous_of_school(builder, school, calendar, top, rnd, signer(number),
                           pupils_by_school.get(school["institution"].pk, []), result)
    builder.say(f"Previous year: {len(result.movements)} promotions and graduations, "
                f"{len(result.graduates)} graduates")
    return result


def previous_of_school(builder, school, calendar, top, rnd, user, pupils, result):
    institution, year = school["institution"], school["year"]
    old = AcademicYear.objects.create(
        institution=institution, name=calendar.name, starts_on=calendar.starts_on,
        ends_on=calendar.ends_on, is_current=False)
    closed_at = timezone.make_aware(datetime.datetime.combine(
        calendar.ends_on, datetime.time(15, 0)))
    bounds = {"четверти": calendar.quarters, "полугодия": calendar.half_years}
    Period.objects.bulk_create([
        Period(institution=institution, academic_year=old, period_type_id=p.period_type_id,
               number=p.number, starts_on=bounds[p.period_type.name][p.number - 1][0],
               ends_on=bounds[p.period_type.name][p.number - 1][1],
               closed_at=closed_at, closed_by=user)
        for p in Period.objects.filter(academic_year=year).select_related("period_type")])
    lines = copy_plan(year, old)
    subjects = {}  # grade: [(subject pk, name)]
    names = {s.pk: s.name for s in school["subjects"].values()}
    for line in lines:
        if line.profile_id is None:
            subjects.setdefault(line.grade, []).append((line.subject_id,
                                                        names[line.subject_id]))

    # The classes of that year, each leading into one of this year's.
    now = {(c.grade, c.letter): c for c in school["classes"]}

    def like(source, grade, teacher_id):
        return SchoolClass(institution=institution, academic_year=old, grade=grade,
                           letter=source.letter, class_teacher_id=teacher_id,
                           profile_id=source.profile_id, home_room_id=source.home_room_id,
                           bell_schedule_id=source.bell_schedule_id)

    then = {}
    for (grade, letter), current in now.items():
        if grade >= 2:
            if grade - 1 == 4:  # the primary teacher of 4А took this year's 1А
                first = now.get((1, letter))
                teacher = first.class_teacher_id if first else None
            else:
                teacher = current.class_teacher_id
            then[(grade - 1, letter)] = like(current, grade - 1, teacher)
        if grade == top:  # graduated; its class teacher took a new fifth grade
            fifth = now.get((5, letter))
            then[(top, letter)] = like(current, top, fifth.class_teacher_id if fifth else None)
    SchoolClass.objects.bulk_create(list(then.values()))

    # Who was where: this year's pupils who came before it began, one grade below. The
    # two decided pupils come from families without a demo login.
    families = Guardianship.objects.filter(parent__person__user__isnull=False).values("pupil_id")
    demo = set(Pupil.objects.filter(institution=institution).filter(
        Q(person__user__isnull=False) | Q(pk__in=families)).values_list("pk", flat=True))

    def plain(pupil):
        return pupil.pk not in demo

    placed = {}
    for pupil in pupils:
        if pupil.enrolled_on < year.starts_on and pupil.school_class.grade >= 2:
            placed[pupil.pk] = (pupil, then[(pupil.school_class.grade - 1,
                                             pupil.school_class.letter)])
    decisions = dict.fromkeys(placed, PROMOTE)
    failing = {}
    for grade, kind, failed in ((6, CONDITIONAL, FAILED_CONDITIONALLY),
                                (7, REPEAT, FAILED_REPEATING)):
        # A pupil of the school's first class of that grade with no demo login.
        candidates = sorted((p for p, _c in placed.values()
                             if p.school_class.grade == grade and p.school_class.letter == "А"
                             and plain(p)), key=lambda p: p.pk)
        same_class = then.get((grade, "А")) if kind == REPEAT else True
        if candidates and same_class:
            chosen = candidates[len(candidates) // 2]
            decisions[chosen.pk] = kind
            failing[chosen.pk] = [name for _pk, name in subjects.get(
                grade - 1 if kind == CONDITIONAL else grade, []) if name in failed]
            if kind == REPEAT:
                placed[chosen.pk] = (chosen, then[(grade, "А")])

    # The graduates: the last grade's classes of that year, who left with it.
    graduated_on = weekday_on_or_before(datetime.date(calendar.ends_on.year, 6, 26))
    entered = datetime.date(calendar.starts_on.year - (top - 1), 9, 1)
    graduates = []
    for (grade, letter), school_class in then.items():
        if grade != top:
            continue
        for n in range(builder.size.pupils_per_class):
            person = builder.new_person(age=top + 7, rnd=rnd)
            graduates.append(Pupil(
                institution=institution, person=person, school_class=school_class,
                enrolled_on=entered, left_on=graduated_on,
                personal_file_number=f"{top}{letter}-{calendar.starts_on.year}-{n + 1}"))
    Person.objects.bulk_create([p.person for p in graduates], batch_size=BATCH)
    for pupil in graduates:
        pupil.person_id = pupil.person.pk
    Pupil.objects.bulk_create(graduates, batch_size=BATCH)
    result.graduates += graduates

    members = [(p, c) for p, c in placed.values()] + [(g, g.school_class) for g in graduates]
    ClassMembership.objects.bulk_create([
        ClassMembership(institution=institution, pupil_id=pupil.pk, school_class=school_class,
                        starts_on=max(pupil.enrolled_on, old.starts_on),
                        ends_on=graduated_on if pupil.left_on else old.ends_on)
        for pupil, school_class in members], batch_size=BATCH)
    for pupil, school_class in members:
        result.enrolled_into[pupil.pk] = school_class.pk

    # Year finals of everyone, the failed subjects of the two decided pupils.
    finals = []
    for pupil, school_class in members:
        for subject_pk, name in subjects.get(school_class.grade, []):
            value = "2" if name in failing.get(pupil.pk, ()) else rnd.choice(PASSING)
            finals.append((institution.pk, old.pk, school_class.pk, subject_pk, pupil.pk,
                           FinalKind.YEAR, None, value, 1, closed_at, None))
    insert_rows(FinalMark, FINAL_COLUMNS, finals)

    # The book: the two orders and their movements, as the rollover writes them.
    promotion = actions.order_for(
        institution, "45-п", weekday_on_or_before(calendar.ends_on), OrderKind.PROMOTION,
        user, text=_("On promotion to the next grade, %(name)s") % {"name": year.name})
    graduation = actions.order_for(institution, "46-в", graduated_on, OrderKind.GRADUATION,
                                   user)
    for pupil, school_class in members:
        decision = GRADUATE if pupil.left_on else decisions[pupil.pk]
        result.movements.append(rollover_movement(
            pupil, decision, school_class.pk, None if pupil.left_on else pupil.school_class,
            failing.get(pupil.pk, []), year, promotion, graduation, user))
    counts = {}
    for pupil, _class in members:
        decision = GRADUATE if pupil.left_on else decisions[pupil.pk]
        counts[decision] = counts.get(decision, 0) + 1
    log(year, ROLLED_OVER, user=user, data={"from": old.name, **counts})
