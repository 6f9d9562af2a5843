"""The regulation monitor (R-DEP-5): for each school, which items of the regulation
(reports/regulation.py, kept in the admin) it has done, as its records show, and which
are late.

A check answers for a set of schools at once, in one grouped query whatever their
number (never a query per school): the pks of the schools that have done it. What a
check counts are a school's rows as a whole (how many of its pupils have a login),
never a person's: the monitor shows one state per school and item.

An item is due on its day and month in the school's year: its current academic year,
when that is this school year or a later one (a school still in last year's has not
begun this one: it is measured against today's school year). A month from August on
falls in the year's first calendar year, the others in the second. The state of a
cell is done, late (not done and its date has passed), not due yet, or not followed
(the item has no check: the records cannot show it).
"""

import calendar
import datetime
from dataclasses import dataclass
from functools import cached_property, reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attestation.models import GRADUATING_GRADES, ExamResult
from curriculum.models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    GradePeriodType,
    InstitutionSettings,
    Period,
    SchoolClass,
    Tariffication,
    TeachingAssignment,
)
from journal.models import FinalKind, FinalMark, Tally
from movement.models import Movement, MovementKind
from portal.access import Role
from portfolio.models import Achievement, Material, Portfolio, Project
from records.models import (
    Guardianship,
    Institution,
    InstitutionDocument,
    InstitutionDocumentKind,
    Pupil,
    RoleAssignment,
    Staff,
)
from schedule.models import Event, Lesson, ThematicPlan, TimetableEntry

DONE, LATE, PENDING, NOT_FOLLOWED = "done", "late", "pending", "not_followed"
STATES = {
    DONE: pgettext_lazy("monitor", "done"),
    LATE: pgettext_lazy("monitor", "late"),
    PENDING: pgettext_lazy("monitor", "not due yet"),
    NOT_FOLLOWED: pgettext_lazy("monitor", "not followed"),
}

# A journal counts as kept when this share of the lessons held in the period has both
# its topic and its register: a lesson or two left open does not make a school late.
JOURNAL_SHARE = 0.9

# The fields of the institution card (R-INST-1) that every school has; the fax, the
# deputy for administration, the specialisation and the files are not asked of all.
CARD_FIELDS = ("name", "short_name", "institution_type", "kind", "legal_form", "address",
               "director_name", "deputy_academic_name", "phone", "email", "inn", "okpo",
               "okato", "okogu")

CHECKS = {}  # name -> function(records) -> pks of the schools that have done it
LABELS = {}  # name -> what the check asks, for the page's list of items


def check(name, label):
    def register(function):
        CHECKS[name] = function
        LABELS[name] = label
        return function
    return register


def school_year_of(day):
    """The first calendar year of the school year holding ``day``: from August on, the
    year of ``day``, else the year before."""
    return day.year if day.month >= 8 else day.year - 1


def due_on(item, first_year):
    """The item's date in the school year whose first calendar year is ``first_year``;
    a day past the month's end (31 November) is the month's last day."""
    year = first_year if item.due_month >= 8 else first_year + 1
    last_day = calendar.monthrange(year, item.due_month)[1]
    return datetime.date(year, item.due_month, min(item.due_day, last_day))


def periods_in_use():
    """The periods of a type some class of their year uses: a grade's own type, or the
    school's default (the rule of curriculum.models.period_types_by_grade). A type no
    class uses is never closed, and would keep a school late for ever."""
    own = GradePeriodType.objects.filter(academic_year=OuterRef("academic_year"),
                                         period_type=OuterRef("period_type"))
    default = InstitutionSettings.objects.filter(institution=OuterRef("institution"),
                                                 default_period_type=OuterRef("period_type"))
    return Period.objects.filter(Exists(own) | Exists(default))


def schools_of(rows, field="institution_id"):
    return set(rows.order_by().values_list(field, flat=True).distinct())


def without_missing(counts, missing="missing"):
    """The schools of grouped ``counts`` (rows of institution_id, n and ``missing``)
    with rows and none of them missing."""
    return {row["institution_id"] for row in counts if row["n"] and not row[missing]}


class Records:
    """What the checks read of a set of schools on ``day``: each school's year, its
    periods that have ended, and each check's answer, each read once."""

    def __init__(self, school_ids, day):
        self.school_ids = list(school_ids)
        self.day = day
        self._done = {}

    def done(self, name):
        """The pks of the schools that have done check ``name``."""
        if name not in self._done:
            self._done[name] = set(CHECKS[name](self)) & set(self.school_ids)
        return self._done[name]

    @cached_property
    def years(self):
        """{school pk: its academic year}: the current one, when it is this school
        year or a later one."""
        since = datetime.date(school_year_of(self.day), 1, 1)
        years = AcademicYear.objects.filter(institution_id__in=self.school_ids,
                                            is_current=True, starts_on__gte=since)
        return {year.institution_id: year for year in years.order_by("starts_on")}

    @property
    def year_ids(self):
        return [year.pk for year in self.years.values()]

    def first_year(self, school_id):
        """The first calendar year of the school year the school is measured in."""
        year = self.years.get(school_id)
        return year.starts_on.year if year else school_year_of(self.day)

    @cached_property
    def ended_periods(self):
        """{school pk: [Period]}: the periods in use of the school's year that ended
        before ``day``, in the order they end."""
        periods = {}
        for period in (periods_in_use().filter(academic_year_id__in=self.year_ids,
                                               ends_on__lt=self.day)
                       .order_by("ends_on", "starts_on")):
            periods.setdefault(period.institution_id, []).append(period)
        return periods

    def every_class_has(self, condition):
        """The schools whose every class of the year meets ``condition`` (an Exists on
        the class), with a class at least."""
        counts = (SchoolClass.objects.filter(academic_year_id__in=self.year_ids)
                  .values("institution_id")
                  .annotate(n=Count("pk"), missing=Count("pk", filter=~condition))
                  .order_by())
        return without_missing(counts)


# Appendix 3 ----------------------------------------------------------------------


@check("roles", _("Roles other than the school administrator's are assigned"))
def roles(records):
    return schools_of(RoleAssignment.objects.active(records.day)
                      .filter(institution_id__in=records.school_ids).exclude(role=Role.ADMIN))


@check("year_closed", _("Every period of the years before this one is closed"))
def year_closed(records):
    open_years = (periods_in_use().filter(institution_id__in=records.school_ids,
                                          closed_at__isnull=True)
                  .values_list("institution_id", "academic_year__ends_on")
                  .distinct().order_by())
    # A year that ended before the August of the school's school year is a past one.
    late = {school for school, ends_on in open_years
            if ends_on < datetime.date(records.first_year(school), 8, 1)}
    return set(records.school_ids) - late


@check("new_year", _("The current academic year is this school year"))
def new_year(records):
    return set(records.years)


@check("school_settings", _("The school's settings are chosen"))
def school_settings(records):
    return schools_of(InstitutionSettings.objects.filter(
        institution_id__in=records.school_ids))


@check("school_card", _("The school's card is filled in, with its licence"))
def school_card(records):
    filled = [~Q(**{name: ""}) for name in CARD_FIELDS]
    licence = InstitutionDocument.objects.filter(institution=OuterRef("pk"),
                                                 kind=InstitutionDocumentKind.LICENCE)
    return schools_of(Institution.objects.filter(*filled, Exists(licence),
                                                 pk__in=records.school_ids), "pk")


@check("curriculum", _("The year's curriculum and periods are entered"))
def curriculum(records):
    lines = CurriculumLine.objects.filter(academic_year=OuterRef("pk"))
    periods = Period.objects.filter(academic_year=OuterRef("pk"))
    return schools_of(AcademicYear.objects.filter(Exists(lines), Exists(periods),
                                                  pk__in=records.year_ids))


@check("staff", _("The staff are listed, teachers among them, each with a position"))
def staff(records):
    counts = (Staff.objects.current().filter(institution_id__in=records.school_ids)
              .values("institution_id")
              .annotate(n=Count("pk"), teachers=Count("pk", filter=Q(teaches=True)),
                        missing=Count("pk", filter=Q(position__isnull=True)))
              .order_by())
    return {row["institution_id"] for row in counts
            if row["teachers"] and not row["missing"]}


@check("tariffication", _("The year's tariffication is approved"))
def tariffication(records):
    return schools_of(Tariffication.objects.filter(academic_year_id__in=records.year_ids,
                                                   approved_at__isnull=False))


@check("pupils", _("Every class of the year has its pupils"))
def pupils(records):
    return records.every_class_has(Exists(Pupil.objects.current().filter(
        school_class=OuterRef("pk"))))


@check("classes", _("The year's classes are created"))
def classes(records):
    return schools_of(SchoolClass.objects.filter(academic_year_id__in=records.year_ids))


@check("timetable", _("Every class of the year has its timetable"))
def timetable(records):
    return records.every_class_has(Exists(TimetableEntry.objects.filter(
        school_class=OuterRef("pk"))))


@check("thematic_plans", _("Every subject of every class has a thematic plan"))
def thematic_plans(records):
    # A plan of the class, or of every class of its grade.
    plans = ThematicPlan.objects.filter(
        Q(school_class=OuterRef("school_class"))
        | Q(school_class__isnull=True, grade=OuterRef("school_class__grade")),
        academic_year=OuterRef("school_class__academic_year"), subject=OuterRef("subject"))
    counts = (TeachingAssignment.objects
              .filter(school_class__academic_year_id__in=records.year_ids)
              .values("institution_id")
              .annotate(n=Count("pk"), missing=Count("pk", filter=~Exists(plans)))
              .order_by())
    return without_missing(counts)


@check("school_events", _("School events of the year are entered"))
def school_events(records):
    in_year = AcademicYear.objects.filter(pk__in=records.year_ids,
                                          institution=OuterRef("institution"),
                                          starts_on__lte=OuterRef("starts_on"),
                                          ends_on__gte=OuterRef("starts_on"))
    return schools_of(Event.objects.filter(Exists(in_year), school_class__isnull=True,
                                           institution_id__in=records.school_ids))


@check("class_events", _("Every class of the year has its events"))
def class_events(records):
    return records.every_class_has(Exists(Event.objects.filter(
        school_class=OuterRef("pk"))))


@check("journal", _("The journal of the last period that ended: topics and registers "
                    "of nine in ten lessons held"))
def journal(records):
    last = {school: periods[-1] for school, periods in records.ended_periods.items()}
    if not last:
        return set()
    held = reduce(or_, [Q(institution_id=school, date__gte=period.starts_on,
                          date__lte=period.ends_on) for school, period in last.items()])
    counts = (Lesson.objects.filter(held, is_cancelled=False)
              .values("institution_id")
              .annotate(n=Count("pk"),
                        kept=Count("pk", filter=Q(attendance_taken=True) & ~Q(topic="")))
              .order_by())
    return {row["institution_id"] for row in counts
            if row["kept"] >= JOURNAL_SHARE * row["n"]}


@check("pupils_in_book", _("Every pupil is enrolled in the movement book"))
def pupils_in_book(records):
    enrolled = Movement.objects.effective().filter(pupil=OuterRef("pk"),
                                                   kind=MovementKind.ENROLMENT)
    counts = (Pupil.objects.current().filter(institution_id__in=records.school_ids)
              .values("institution_id")
              .annotate(n=Count("pk"), missing=Count("pk", filter=~Exists(enrolled)))
              .order_by())
    return without_missing(counts)


@check("exams", _("Every graduate has state exams, each with its result"))
def exams(records):
    chosen = ExamResult.objects.filter(pupil=OuterRef("pk"),
                                       academic_year=OuterRef("school_class__academic_year"))
    without_result = chosen.filter(mark__isnull=True, test_score__isnull=True,
                                   primary_score__isnull=True)
    short = (Pupil.objects.current()
             .filter(school_class__academic_year_id__in=records.year_ids,
                     school_class__grade__in=GRADUATING_GRADES)
             .filter(~Exists(chosen) | Exists(without_result)))
    # A school without graduates this year has nothing to attest.
    return set(records.years) - schools_of(short)


@check("portfolios", _("Portfolios hold achievements or materials"))
def portfolios(records):
    filled = (Exists(Achievement.objects.filter(portfolio=OuterRef("pk")))
              | Exists(Material.objects.filter(portfolio=OuterRef("pk"))))
    return schools_of(Portfolio.objects.filter(filled, institution_id__in=records.school_ids))


@check("projects", _("Project portfolios are created"))
def projects(records):
    return schools_of(Project.objects.filter(institution_id__in=records.school_ids))


# Appendix 4 ----------------------------------------------------------------------


@check("basic_data", _("The wizard's data: the year, staff, curriculum, periods and "
                       "classes"))
def basic_data(records):
    return reduce(set.__and__, [records.done(name) for name in (
        "new_year", "staff", "curriculum", "classes")])


@check("pupils_minimum", _("Every pupil has a login, birth date, sex, place of residence "
                           "and phone; every parent a login and sex"))
def pupils_minimum(records):
    parent_short = Guardianship.objects.filter(pupil=OuterRef("pk")).filter(
        Q(parent__person__user__isnull=True) | Q(parent__person__sex=""))
    short = (Q(person__user__isnull=True) | Q(person__birth_date__isnull=True)
             | Q(person__sex="") | Q(residence_address="") | Q(home_phone="")
             | Exists(parent_short))
    counts = (Pupil.objects.current()
              .filter(school_class__academic_year_id__in=records.year_ids)
              .values("institution_id")
              .annotate(n=Count("pk"), missing=Count("pk", filter=short))
              .order_by())
    return without_missing(counts)


@check("quarter_finals", _("The finals of the periods that ended are entered and the "
                           "periods closed"))
def quarter_finals(records):
    ended = records.ended_periods
    closed = {school for school, periods in ended.items()
              if all(period.closed_at for period in periods)}
    # Who got marks in a subject of a period and was in the class on its last day
    # (journal/finals.py: who left before has no final) gets that subject's final.
    stayed = ClassMembership.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("period__ends_on")),
        pupil=OuterRef("pupil"), school_class=OuterRef("school_class"),
        starts_on__lte=OuterRef("period__ends_on"))
    final = FinalMark.objects.filter(kind=FinalKind.PERIOD, period=OuterRef("period"),
                                     pupil=OuterRef("pupil"), subject=OuterRef("subject"),
                                     ).exclude(value="")
    without_final = Tally.objects.filter(
        Exists(stayed), ~Exists(final), marks__gt=0,
        period_id__in=[period.pk for periods in ended.values() for period in periods])
    return closed - schools_of(without_final)


# The monitor ---------------------------------------------------------------------


@dataclass
class Cell:
    item: object
    state: str
    due: datetime.date

    @property
    def label(self):
        return STATES[self.state]


@dataclass
class Row:
    school: object
    cells: list

    def count(self, state):
        return sum(cell.state == state for cell in self.cells)

    @property
    def done(self):
        return self.count(DONE)

    @property
    def late(self):
        return self.count(LATE)

    @property
    def pending(self):
        return self.count(PENDING)


def is_followed(item):
    return item.computed_by in CHECKS


def state_of(item, done, due, day):
    if not is_followed(item):
        return NOT_FOLLOWED
    if done:
        return DONE
    return LATE if due < day else PENDING


def matrix(schools, items, day):
    """[Row] of each of ``schools``: the state of each of ``items`` on ``day``, in their
    order."""
    records = Records([school.pk for school in schools], day)
    rows = []
    for school in schools:
        first_year = records.first_year(school.pk)
        cells = []
        for item in items:
            due = due_on(item, first_year)
            done = is_followed(item) and school.pk in records.done(item.computed_by)
            cells.append(Cell(item, state_of(item, done, due, day), due))
        rows.append(Row(school, cells))
    return rows
