"""The timetable of a school (R-SCH-1…4, R-KTP-1): lesson times and rooms, the weekly
timetable with its dated changes, the dated lessons the journal stands on, events, and
the thematic plans whose topics flow into the lessons.

A ``TimetableEntry`` is a weekly slot (class or subgroup, weekday, lesson number,
subject, teacher, room) valid between two dates. ``TimetableChange`` moves, cancels or
replaces one of its lessons on a date. ``Lesson`` rows are generated from both over the
periods of the year, skipping holidays (``schedule.lessons``).

What a timetable program such as aSc Timetables can say about a lesson, and how it is
kept here:

- *Several teachers*: ``teacher`` is the first (the one a replacement stands in for),
  ``co_teachers`` the others; the lessons copy them. Every teacher of a lesson reads it
  in their calendar, opens and fills its journal (the ``teacher`` access path follows
  both), and is checked for clashes.
- *A joint lesson* of several classes or groups at once (technology for the girls of
  7А and 7Б): one entry per class, so that each class's journal stands on its own
  lessons, each marked ``joint``. Joint entries of one subject in one room at the same
  time are one lesson: they share their teachers and room without a clash
  (``schedule.conflicts``); the grid editor changes them together.
- *Fortnightly weeks*: ``weeks`` is every week, week A or week B. Week A is the school
  week of the academic year's first day (the week after, when the year starts on a
  Sunday), then B, A, … counted on through holidays (``fortnight_week``).
- *Double lessons* are two entries, one per lesson number.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from curriculum.closing import PeriodGuarded, PeriodGuardedQuerySet, PeriodPlace
from curriculum.models import same_school
from portal.access import ScopedQuerySet


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")


class RoomQuerySet(ScopedQuerySet):
    pass


class Room(models.Model):
    """A room of a school. Two rooms may share a name («Спортзал») when their short
    names (numbers) differ: the short name is what aSc Timetables tells rooms apart by,
    and what an import matches first."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="rooms",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("room"), max_length=50, help_text=_("For example: 214."))
    short_name = models.CharField(
        _("short name"), max_length=50, blank=True,
        help_text=_("The room's number or short name when it differs from the name, as "
                    "the timetable program writes it; unique in the school."))
    capacity = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)

    objects = RoomQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["institution__short_name", "name", "short_name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name", "short_name"],
                                    name="room_unique_name"),
            models.UniqueConstraint(fields=["institution", "short_name"],
                                    condition=~Q(short_name=""),
                                    name="room_unique_short_name"),
        ]

    def __str__(self):
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name

    @property
    def label(self):
        """The room as the timetable prints it: a number gets the word before it
        («каб. 101»), a name that already says what the room is stays as it is
        («Кабинет музыки», «Спортзал»): never «кабинет Кабинет музыки»."""
        if self.name[:1].isdigit():
            return pgettext("a numbered room", "room %(number)s") % {"number": str(self)}
        return str(self)


class BellScheduleQuerySet(ScopedQuerySet):
    def default_for(self, institution_id):
        return self.filter(institution_id=institution_id).order_by("pk").first()


class BellSchedule(ClusterableModel):
    """The lesson times of a school, one per shift or day plan (R-SCH-1)."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="bell_schedules",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("title"), max_length=100, help_text=_("For example: 1st shift."))

    objects = BellScheduleQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("lesson times")
        verbose_name_plural = _("lesson times")
        ordering = ["institution__short_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"],
                                               name="bell_schedule_unique_name")]

    def __str__(self):
        return self.name

    def times(self):
        """{lesson number: (start, end)}"""
        return {t.number: (t.starts_at, t.ends_at) for t in self.lesson_times.all()}


class LessonTime(Orderable):
    schedule = ParentalKey(BellSchedule, on_delete=models.CASCADE, related_name="lesson_times",
                           verbose_name=_("lesson times"))
    number = models.PositiveSmallIntegerField(
        _("lesson"), validators=[MinValueValidator(0), MaxValueValidator(12)])
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta(Orderable.Meta):
        verbose_name = _("lesson time")
        verbose_name_plural = _("lesson times")
        constraints = [models.UniqueConstraint(fields=["schedule", "number"],
                                               name="lesson_time_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A lesson must end after it starts.")})


class Weeks(models.TextChoices):
    """The weeks a weekly lesson runs in: a fortnightly timetable has weeks A and B."""

    EVERY = "", _("every week")
    A = "A", _("week A")
    B = "B", _("week B")


def fortnight_week(starts_on, day):
    """Weeks.A or Weeks.B for ``day`` in an academic year starting on ``starts_on``: the
    school week of the first day is week A (the next one when the year starts on a
    Sunday), the weeks after it alternate, holidays included."""
    first_monday = week_of(starts_on + datetime.timedelta(
        days=1 if starts_on.isoweekday() == 7 else 0))[0]
    return Weeks.A if (week_of(day)[0] - first_monday).days // 7 % 2 == 0 else Weeks.B


class Teachers:
    """The teachers of a lesson (a weekly one or a dated one): ``teacher`` and the
    ``co_teachers``. A row not saved yet (a form's, an import's) carries the co-teachers
    it will have in ``new_co_teachers``; a saved one reads its own, prefetched where
    many are read."""

    def co_teacher_list(self):
        pending = getattr(self, "new_co_teachers", None)
        if pending is not None:
            return [t for t in pending if t.pk != self.teacher_id]
        if self.pk is None:
            return []
        return [t for t in self.co_teachers.all() if t.pk != self.teacher_id]

    def teacher_list(self):
        """Staff rows, the teacher first."""
        return [self.teacher, *self.co_teacher_list()] if self.teacher_id else []

    def teacher_ids(self):
        return {t.pk for t in self.co_teacher_list()} | {self.teacher_id} - {None}


def with_co_teachers(queryset):
    """Co-teachers read with their names in one more query."""
    from records.models import Staff

    return queryset.prefetch_related(models.Prefetch(
        "co_teachers", queryset=Staff.objects.select_related("person")))


class TimetableEntryQuerySet(ScopedQuerySet):
    def valid_on(self, day):
        return self.filter(valid_from__lte=day, valid_to__gte=day)

    def overlapping(self, starts_on, ends_on):
        return self.filter(valid_from__lte=ends_on, valid_to__gte=starts_on)


class TimetableEntry(Teachers, models.Model):
    """A weekly lesson of a class or one of its subgroups (R-SCH-1), valid between two
    dates of the academic year, every week or in week A or B only; with its teacher and
    any co-teachers; ``joint`` when it is one class's part of a joint lesson of several
    classes or groups (see the module's docstring)."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="timetable_entries",
        verbose_name=_("institution"),
    )
    academic_year = models.ForeignKey("curriculum.AcademicYear", on_delete=models.CASCADE,
                                      related_name="timetable_entries",
                                      verbose_name=_("academic year"))
    school_class = models.ForeignKey("curriculum.SchoolClass", on_delete=models.CASCADE,
                                     related_name="timetable_entries", verbose_name=_("class"))
    subgroup = models.ForeignKey("curriculum.Subgroup", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="timetable_entries",
                                 verbose_name=_("subgroup"))
    subject = models.ForeignKey("curriculum.Subject", on_delete=models.PROTECT,
                                related_name="timetable_entries", verbose_name=_("subject"))
    teacher = models.ForeignKey("records.Staff", on_delete=models.PROTECT,
                                related_name="timetable_entries", verbose_name=_("teacher"))
    co_teachers = models.ManyToManyField(
        "records.Staff", blank=True, related_name="co_taught_entries",
        verbose_name=_("further teachers"),
        help_text=_("Teachers who give the lesson together with the teacher."))
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="timetable_entries", verbose_name=_("room"))
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    lesson_number = models.PositiveSmallIntegerField(
        _("lesson"), validators=[MinValueValidator(0), MaxValueValidator(12)])
    weeks = models.CharField(_("weeks"), max_length=1, choices=Weeks.choices, blank=True,
                             default=Weeks.EVERY)
    joint = models.BooleanField(
        _("joint lesson"), default=False,
        help_text=_("A part of one lesson of several classes or groups at once: the joint "
                    "lessons of other classes at the same time, of the same subject and in "
                    "the same room, are the same lesson and share its teachers."))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))

    objects = TimetableEntryQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id",
                    "person": ("teacher__person_id", "co_teachers__person_id"),
                    "teacher": ("teacher__person_id", "co_teachers__person_id")}

    class Meta:
        verbose_name = _("timetable lesson")
        verbose_name_plural = _("timetable")
        ordering = ["school_class__grade", "school_class__letter", "weekday", "lesson_number"]
        indexes = [models.Index(fields=["institution", "weekday", "lesson_number"])]
        constraints = [models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")),
                                              name="timetable_entry_dates_in_order")]

    def __str__(self):
        return (f"{self.school_class} {self.get_weekday_display()} {self.lesson_number}: "
                f"{self.subject}")

    def runs_on(self, day):
        """Whether the weekly lesson's weeks include the week of ``day``."""
        return not self.weeks or fortnight_week(self.academic_year.starts_on, day) == self.weeks

    def clean(self):
        from .conflicts import clashes

        errors = same_school(self, "academic_year", "school_class", "subject", "teacher", "room")
        if any(t.institution_id != self.institution_id for t in self.co_teacher_list()):
            errors["co_teachers"] = _("This belongs to another school.")
        if self.subgroup_id and self.school_class_id and (
                self.subgroup.school_class_id != self.school_class_id):
            errors["subgroup"] = _("The subgroup belongs to another class.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date is before the start date.")
        if self.academic_year_id and self.valid_from and self.valid_to and (
                self.valid_from < self.academic_year.starts_on
                or self.valid_to > self.academic_year.ends_on):
            errors["valid_to"] = _("The dates must lie within the academic year.")
        if errors:
            raise ValidationError(errors)
        found = clashes(self)
        if found:
            raise ValidationError(found)


class ChangeKind(models.TextChoices):
    REPLACEMENT = "replacement", _("replacement teacher")
    MOVED = "moved", _("moved lesson")
    CANCELLED = "cancelled", _("cancelled lesson")
    ROOM = "room", _("another room")


class TimetableChangeQuerySet(PeriodGuardedQuerySet, ScopedQuerySet):
    pass


class TimetableChange(PeriodGuarded, models.Model):
    """One lesson of a timetable entry changed on one date (R-SCH-1)."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="timetable_changes",
        verbose_name=_("institution"),
    )
    entry = models.ForeignKey(TimetableEntry, on_delete=models.CASCADE, related_name="changes",
                              verbose_name=_("timetable lesson"))
    date = models.DateField(_("date of the lesson"))
    kind = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    replacement_teacher = models.ForeignKey(
        "records.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("replacement teacher"))
    new_date = models.DateField(_("moved to the date"), null=True, blank=True)
    new_lesson_number = models.PositiveSmallIntegerField(
        _("moved to the lesson"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(12)])
    new_room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("room"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = TimetableChangeQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "entry__school_class_id"}
    # A change stands on the date it changes and, for a move, on the date it moves to.
    period_place = PeriodPlace("entry__academic_year_id", "entry__school_class_id",
                               ("date", "new_date"))
    # Splitting a timetable entry hands its later changes to the new entry.
    period_free_fields = ("entry",)

    class Meta:
        verbose_name = _("timetable change")
        verbose_name_plural = _("timetable changes")
        ordering = ["-date", "entry__lesson_number"]
        constraints = [models.UniqueConstraint(fields=["entry", "date"],
                                               name="timetable_change_one_per_lesson")]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.entry}: {self.get_kind_display()}"

    def clean(self):
        from .conflicts import change_clashes

        errors = same_school(self, "entry", "replacement_teacher", "new_room")
        if self.entry_id and self.date:
            entry = self.entry
            if self.date.isoweekday() != entry.weekday or not (
                    entry.valid_from <= self.date <= entry.valid_to) or not entry.runs_on(
                    self.date):
                errors["date"] = _("The lesson does not take place on this date.")
        required = {ChangeKind.REPLACEMENT: "replacement_teacher", ChangeKind.MOVED: "new_date",
                    ChangeKind.ROOM: "new_room"}.get(self.kind)
        if required and not getattr(self, f"{required}_id" if required != "new_date"
                                    else required):
            errors[required] = _("Fill this in for this kind of change.")
        if self.kind == ChangeKind.MOVED and self.new_lesson_number is None:
            errors["new_lesson_number"] = _("Fill this in for this kind of change.")
        if self.kind == ChangeKind.MOVED and self.new_date and self.entry_id and not (
                self.entry.academic_year.starts_on <= self.new_date
                <= self.entry.academic_year.ends_on):
            errors["new_date"] = _("The dates must lie within the academic year.")
        if errors:
            raise ValidationError(errors)
        if not self.entry_id or not self.date:
            return  # the form reports the missing lesson or date
        found = change_clashes(self)
        if found:
            raise ValidationError(found)


class LessonQuerySet(PeriodGuardedQuerySet, ScopedQuerySet):
    def of_class(self, school_class):
        return self.filter(school_class=school_class)

    def between(self, first_day, last_day):
        return self.filter(date__gte=first_day, date__lte=last_day)

    def held(self, on=None):
        from portal.access import today

        return self.filter(is_cancelled=False, date__lte=on or today())

    def with_journal_data(self):
        """Lessons that hold what a teacher entered, or stand in a closed period:
        regenerating the timetable keeps them (and reports them) instead of deleting
        or changing them."""
        condition = Q(topic_edited=True) | Q(attendance_taken=True)
        for model, lesson_field in JOURNAL_DATA:
            condition |= Q(pk__in=model.objects.values(lesson_field))
        condition |= Q(pk__in=self.in_closed_periods().values("pk"))
        return self.filter(condition)


# (model, field) pairs of rows that hang on a lesson and are the journal's data
# (marks, attendance, homework): the journal app adds its models here.
JOURNAL_DATA = []


# Whose lesson it is: its teacher, the teacher it replaces, its co-teachers.
LESSON_TEACHER_PATHS = ("teacher__person_id", "replaced_teacher__person_id",
                        "co_teachers__person_id")


class Lesson(PeriodGuarded, Teachers, models.Model):
    """A dated lesson (R-SCH-1): what the journal, the diary and the calendars show. Its
    ``teacher`` (the timetable's, or the replacement) and ``co_teachers`` (copied from
    the timetable entry) are its teachers: each reads it and fills its journal.
    Nothing of it changes while its period is closed (curriculum/closing.py)."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="lessons",
        verbose_name=_("institution"),
    )
    academic_year = models.ForeignKey("curriculum.AcademicYear", on_delete=models.CASCADE,
                                      related_name="lessons", verbose_name=_("academic year"))
    school_class = models.ForeignKey("curriculum.SchoolClass", on_delete=models.CASCADE,
                                     related_name="lessons", verbose_name=_("class"))
    subgroup = models.ForeignKey("curriculum.Subgroup", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="lessons", verbose_name=_("subgroup"))
    subject = models.ForeignKey("curriculum.Subject", on_delete=models.PROTECT,
                                related_name="lessons", verbose_name=_("subject"))
    teacher = models.ForeignKey("records.Staff", on_delete=models.PROTECT,
                                related_name="lessons", verbose_name=_("teacher"))
    # The timetable's teacher when a replacement teacher gives the lesson.
    replaced_teacher = models.ForeignKey("records.Staff", on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="replaced_lessons",
                                         verbose_name=_("replaced teacher"))
    co_teachers = models.ManyToManyField("records.Staff", blank=True,
                                         related_name="co_taught_lessons",
                                         verbose_name=_("further teachers"))
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="lessons", verbose_name=_("room"))
    date = models.DateField(_("date"))
    lesson_number = models.PositiveSmallIntegerField(_("lesson"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    entry = models.ForeignKey(TimetableEntry, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="lessons", verbose_name=_("timetable lesson"))
    # The date the timetable gave it: the key a regeneration finds it by after a move.
    scheduled_on = models.DateField(_("date in the timetable"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    topic = models.CharField(_("topic"), max_length=500, blank=True)
    planned_topic = models.ForeignKey("schedule.PlannedTopic", on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="lessons",
                                      verbose_name=_("topic of the plan"))
    topic_edited = models.BooleanField(_("topic entered by the teacher"), default=False)
    # Set when the teacher has taken the register (R-JRN-3): without it, a lesson with no
    # absences cannot be told from one whose attendance nobody entered.
    attendance_taken = models.BooleanField(_("attendance taken"), default=False)

    objects = LessonQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id",
                    "person": LESSON_TEACHER_PATHS, "teacher": LESSON_TEACHER_PATHS}
    period_place = PeriodPlace("academic_year_id", "school_class_id", ("date",))
    # Splitting a timetable entry hands its later lessons to the new entry.
    period_free_fields = ("entry",)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["date", "lesson_number", "school_class__grade", "school_class__letter"]
        indexes = [
            models.Index(fields=["school_class", "date"]),
            models.Index(fields=["teacher", "date"]),
            models.Index(fields=["room", "date"]),
            models.Index(fields=["institution", "date"]),
        ]
        constraints = [models.UniqueConstraint(fields=["entry", "scheduled_on"],
                                               name="lesson_one_per_entry_and_date")]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.lesson_number}. {self.school_class} {self.subject}"


class EventQuerySet(ScopedQuerySet):
    def for_class(self, school_class):
        """The class's own events and its school's events."""
        return self.filter(Q(school_class=school_class)
                           | Q(school_class__isnull=True,
                               institution_id=school_class.institution_id))

    def between(self, first_day, last_day):
        return self.filter(starts_on__lte=last_day, ends_on__gte=first_day)


class Event(models.Model):
    """A school event (by the deputy for educational work) or a class event (by the class
    teacher), shown in the calendars and diaries of those concerned (R-SCH-4)."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="events",
        verbose_name=_("institution"),
    )
    school_class = models.ForeignKey(
        "curriculum.SchoolClass", on_delete=models.CASCADE, null=True, blank=True,
        related_name="events", verbose_name=_("class"),
        help_text=_("Empty for an event of the whole school."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)

    objects = EventQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id"}

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_on", "starts_at", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = same_school(self, "school_class")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The event ends before it starts.")
        if errors:
            raise ValidationError(errors)


class ThematicPlanQuerySet(ScopedQuerySet):
    pass


class ThematicPlan(ClusterableModel):
    """A calendar-thematic plan (R-KTP-1): the ordered topics of a subject for a class,
    or for every class of a grade (parallel), in one year."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="thematic_plans",
        verbose_name=_("institution"),
    )
    academic_year = models.ForeignKey("curriculum.AcademicYear", on_delete=models.CASCADE,
                                      related_name="thematic_plans",
                                      verbose_name=_("academic year"))
    subject = models.ForeignKey("curriculum.Subject", on_delete=models.PROTECT,
                                related_name="thematic_plans", verbose_name=_("subject"))
    school_class = models.ForeignKey(
        "curriculum.SchoolClass", on_delete=models.CASCADE, null=True, blank=True,
        related_name="thematic_plans", verbose_name=_("class"),
        help_text=_("Empty for a plan of every class of the grade."))
    grade = models.PositiveSmallIntegerField(
        _("grade"), null=True, blank=True, validators=[MinValueValidator(1),
                                                       MaxValueValidator(11)])
    author = models.ForeignKey("records.Staff", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="thematic_plans",
                               verbose_name=_("teacher"))

    objects = ThematicPlanQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id",
                    "person": "author__person_id"}

    class Meta:
        verbose_name = _("thematic plan")
        verbose_name_plural = _("thematic plans")
        ordering = ["institution__short_name", "subject__name", "grade"]

    def __str__(self):
        target = self.school_class or _("grade %(grade)s") % {"grade": self.grade}
        return f"{self.subject}, {target}, {self.academic_year}"

    def clean(self):
        errors = same_school(self, "academic_year", "subject", "school_class", "author")
        if self.school_class_id:
            self.grade = self.school_class.grade
        elif not self.grade:
            errors["grade"] = _("Choose a class or a grade.")
        if errors:
            raise ValidationError(errors)

    def lesson_slots(self):
        """The plan's topics, each repeated for its hours, in order: the n-th lesson of
        the subject takes the n-th slot."""
        return [topic for topic in self.topics.all() for _hour in range(topic.hours)]


class PlannedTopic(Orderable):
    plan = ParentalKey(ThematicPlan, on_delete=models.CASCADE, related_name="topics",
                       verbose_name=_("thematic plan"))
    title = models.CharField(_("topic"), max_length=500)
    hours = models.PositiveSmallIntegerField(_("hours"), default=1,
                                             validators=[MinValueValidator(1)])

    class Meta(Orderable.Meta):
        verbose_name = _("topic of the plan")
        verbose_name_plural = _("topics of the plan")

    def __str__(self):
        return self.title


def week_of(day):
    """Monday and Saturday of the school week of ``day``."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=5)
