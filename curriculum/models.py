"""Academic years, classes, subjects and who teaches what; the regional and school
settings; the curriculum base and the setup wizard.

A class has an institution and a class teacher, and a teaching assignment says which
teacher teaches which subject in which class: that is what the access matrix needs.

The regional settings (R-INST-3: period types, grading scales, mark types, holidays,
load limits) are department-wide rows with school additions; the curriculum base
(R-CUR-1, R-CUR-2: periods, profiles, the plan) and the setup wizard's progress
(R-WIZ-1) belong to one school each.

Layering (docs/architecture.md): this app's models import only ``records`` and the
portal core; the timetable and the journal stand on them, never the other way round.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import LockableMixin

from portal.access import ScopedQuerySet


class AcademicYearQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(is_current=True)


class AcademicYear(models.Model):
    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="academic_years",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("title"), max_length=20, help_text=_("For example 2026/2027."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_current = models.BooleanField(_("current"), default=False)

    objects = AcademicYearQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["institution__short_name", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="year_unique_name"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="year_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("The year must end after it starts.")})


class SchoolClassQuerySet(ScopedQuerySet):
    def of_institution(self, institution):
        return self.filter(institution=institution)

    def current(self):
        return self.filter(academic_year__is_current=True)


class SchoolClass(models.Model):
    """A class such as 5А: a grade and a letter in one academic year."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="classes",
        verbose_name=_("institution"),
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="classes",
        verbose_name=_("academic year"),
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    letter = models.CharField(_("letter"), max_length=3)
    class_teacher = models.ForeignKey(
        "records.Staff", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="led_classes", verbose_name=_("class teacher"),
    )
    profile = models.ForeignKey(
        "curriculum.CurriculumProfile", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="classes", verbose_name=_("profile"),
    )
    home_room = models.ForeignKey(
        "schedule.Room", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="home_classes", verbose_name=_("home room"),
    )
    bell_schedule = models.ForeignKey(
        "schedule.BellSchedule", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="classes", verbose_name=_("lesson times"),
        help_text=_("Empty: the school's first lesson times (the first shift)."),
    )

    objects = SchoolClassQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "pk"}

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        # A school's years, the latest first: after a rollover the old year's 5А comes
        # after this year's classes, not beside its 5А.
        ordering = ["institution__short_name", "-academic_year__starts_on", "grade", "letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "grade", "letter"], name="class_unique_in_year"
            )
        ]

    def __str__(self):
        return f"{self.grade}{self.letter}"

    def clean(self):
        errors = {}
        if self.academic_year_id and self.academic_year.institution_id != self.institution_id:
            errors["academic_year"] = _("The academic year belongs to another school.")
        if self.class_teacher_id and self.class_teacher.institution_id != self.institution_id:
            errors["class_teacher"] = _("The class teacher works in another school.")
        errors.update(same_school(self, "profile", "home_room", "bell_schedule"))
        if errors:
            raise ValidationError(errors)

    def subjects(self):
        """The subjects of the class from the plan: its grade's lines without a profile
        and those of its profile (R-CLS-1)."""
        lines = CurriculumLine.objects.filter(academic_year_id=self.academic_year_id,
                                              grade=self.grade)
        lines = lines.filter(models.Q(profile__isnull=True) | models.Q(profile_id=self.profile_id))
        return Subject.objects.filter(pk__in=lines.values("subject_id"))


class DatedQuerySet(ScopedQuerySet):
    def on(self, day):
        return self.filter(models.Q(starts_on__lte=day),
                           models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day))

    def overlapping(self, starts_on, ends_on):
        """Rows whose dates meet the span [starts_on, ends_on]."""
        rows = self.filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=starts_on))
        return rows.filter(starts_on__lte=ends_on) if ends_on else rows


class ClassMembershipQuerySet(DatedQuerySet):
    pass


class ClassMembership(models.Model):
    """A pupil in a class from one date to another (R-CLS-1): a transfer closes one
    membership and opens the next, so the journal can show each pupil for their dates.
    ``Pupil.school_class`` is the current one, kept for the access matrix."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="class_memberships",
        verbose_name=_("institution"),
    )
    pupil = models.ForeignKey("records.Pupil", on_delete=models.CASCADE,
                              related_name="class_memberships", verbose_name=_("pupil"))
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE,
                                     related_name="memberships", verbose_name=_("class"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    objects = ClassMembershipQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id",
                    "pupil": "pupil_id", "person": "pupil__person_id"}

    class Meta:
        verbose_name = _("pupil in a class")
        verbose_name_plural = _("pupils in classes")
        ordering = ["school_class__grade", "school_class__letter", "pupil__person__search_name",
                    "starts_on"]
        indexes = [models.Index(fields=["school_class", "starts_on"])]

    def __str__(self):
        return f"{self.pupil} — {self.school_class}"

    def clean(self):
        errors = same_school(self, "school_class")
        if self.pupil_id and self.pupil.institution_id != self.institution_id:
            errors["pupil"] = _("This belongs to another school.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)
        if self.pupil_id and self.starts_on:
            others = ClassMembership.objects.filter(pupil_id=self.pupil_id).exclude(pk=self.pk)
            if others.overlapping(self.starts_on, self.ends_on).exists():
                raise ValidationError(_("The pupil is already in a class on these dates."))


class SubjectQuerySet(ScopedQuerySet):
    pass


class Subject(models.Model):
    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="subjects",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("title"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)

    objects = SubjectQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["institution__short_name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="subject_unique_name")
        ]

    def __str__(self):
        return self.name


class TeachingAssignmentQuerySet(ScopedQuerySet):
    pass


class TeachingAssignment(models.Model):
    """Who teaches which subject in which class (tariffication grows on this model)."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="teaching_assignments",
        verbose_name=_("institution"),
    )
    teacher = models.ForeignKey(
        "records.Staff", on_delete=models.CASCADE, related_name="teaching_assignments",
        verbose_name=_("teacher"),
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="teaching_assignments",
        verbose_name=_("class"),
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="teaching_assignments",
        verbose_name=_("subject"),
    )
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, default=1,
        validators=[MinValueValidator(0)],
    )
    subgroup = models.ForeignKey(
        "curriculum.Subgroup", on_delete=models.PROTECT, null=True, blank=True,
        related_name="teaching_assignments", verbose_name=_("subgroup"),
        help_text=_("Empty when the teacher teaches the whole class."),
    )

    objects = TeachingAssignmentQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id",
                    "person": "teacher__person_id"}

    class Meta:
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        ordering = ["school_class__grade", "school_class__letter", "subject__name"]
        constraints = [
            # Two constraints, because a unique index treats every NULL as distinct.
            models.UniqueConstraint(
                fields=["school_class", "subject", "teacher"],
                condition=models.Q(subgroup__isnull=True), name="assignment_unique",
            ),
            models.UniqueConstraint(
                fields=["subgroup", "teacher"], condition=models.Q(subgroup__isnull=False),
                name="assignment_unique_in_subgroup",
            ),
        ]

    def __str__(self):
        where = self.subgroup.name if self.subgroup_id else self.school_class
        return f"{where} — {self.subject} — {self.teacher.person.short_name}"

    def clean(self):
        schools = {
            self.teacher.institution_id if self.teacher_id else None,
            self.school_class.institution_id if self.school_class_id else None,
            self.subject.institution_id if self.subject_id else None,
        } - {None}
        if schools - {self.institution_id}:
            raise ValidationError(_("Teacher, class and subject must belong to this school."))
        if self.subgroup_id and (self.subgroup.school_class_id != self.school_class_id
                                 or self.subgroup.subject_id != self.subject_id):
            raise ValidationError({"subgroup": _(
                "The subgroup belongs to another class or subject.")})
        if self.school_class_id and Tariffication.is_locked(self.school_class.academic_year_id):
            raise ValidationError(_(
                "The tariffication of this year is approved: start a new version to change "
                "the teaching load."))


# Regional settings (R-INST-3) ---------------------------------------------------------
#
# The department keeps the values every school uses (a row without an institution);
# a school may add its own. A school chooses only among the department's rows and its
# own, never another school's.


class SubgroupQuerySet(ScopedQuerySet):
    pass


class Subgroup(models.Model):
    """A group of a class for one subject, e.g. English, group 1 (R-CLS-1), with its
    own teacher and pupils."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="subgroups",
        verbose_name=_("institution"),
    )
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE,
                                     related_name="subgroups", verbose_name=_("class"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="subgroups",
                                verbose_name=_("subject"))
    name = models.CharField(_("title"), max_length=100, help_text=_("For example: group 1."))
    teacher = models.ForeignKey(
        "records.Staff", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="subgroups", verbose_name=_("teacher"),
    )

    objects = SubgroupQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id"}

    class Meta:
        verbose_name = _("subgroup")
        verbose_name_plural = _("subgroups")
        ordering = ["school_class__grade", "school_class__letter", "subject__name", "name"]
        constraints = [models.UniqueConstraint(fields=["school_class", "subject", "name"],
                                               name="subgroup_unique_name")]

    def __str__(self):
        return f"{self.school_class} {self.subject}: {self.name}"

    def clean(self):
        errors = same_school(self, "school_class", "subject", "teacher")
        if errors:
            raise ValidationError(errors)


class SubgroupMembershipQuerySet(DatedQuerySet):
    pass


class SubgroupMembership(models.Model):
    """A pupil in a subgroup from one date to another."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="subgroup_memberships",
        verbose_name=_("institution"),
    )
    subgroup = models.ForeignKey(Subgroup, on_delete=models.CASCADE, related_name="memberships",
                                 verbose_name=_("subgroup"))
    pupil = models.ForeignKey("records.Pupil", on_delete=models.CASCADE,
                              related_name="subgroup_memberships", verbose_name=_("pupil"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    objects = SubgroupMembershipQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "subgroup__school_class_id",
                    "pupil": "pupil_id", "person": "pupil__person_id"}

    class Meta:
        verbose_name = _("pupil in a subgroup")
        verbose_name_plural = _("pupils in subgroups")
        ordering = ["subgroup", "pupil__person__search_name", "starts_on"]

    def __str__(self):
        return f"{self.pupil} — {self.subgroup}"

    def clean(self):
        errors = {}
        if self.subgroup_id and self.subgroup.institution_id != self.institution_id:
            errors["subgroup"] = _("This belongs to another school.")
        if self.pupil_id and self.pupil.institution_id != self.institution_id:
            errors["pupil"] = _("This belongs to another school.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)
        if self.pupil_id and self.subgroup_id and self.starts_on:
            same_subject = SubgroupMembership.objects.filter(
                pupil_id=self.pupil_id, subgroup__school_class_id=self.subgroup.school_class_id,
                subgroup__subject_id=self.subgroup.subject_id).exclude(pk=self.pk)
            if same_subject.overlapping(self.starts_on, self.ends_on).exists():
                raise ValidationError(
                    _("The pupil is already in a subgroup of this subject on these dates."))


class TarifficationQuerySet(ScopedQuerySet):
    def approved(self):
        return self.filter(approved_at__isnull=False)


class Tariffication(models.Model):
    """One version of a school year's teacher load (R-CUR-3). While the latest version
    is approved, the teaching assignments of that year cannot change: the deputy starts
    a new version, and the approved one keeps its snapshot."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="tariffications",
        verbose_name=_("institution"),
    )
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE,
                                      related_name="tariffications",
                                      verbose_name=_("academic year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "records.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )
    snapshot = models.JSONField(_("approved load"), default=list, blank=True, editable=False)

    objects = TarifficationQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("tariffication")
        verbose_name_plural = _("tariffications")
        ordering = ["institution__short_name", "-academic_year__starts_on", "-version"]
        constraints = [models.UniqueConstraint(fields=["academic_year", "version"],
                                               name="tariffication_unique_version")]

    def __str__(self):
        return _("Tariffication %(year)s, version %(version)s") % {
            "year": self.academic_year, "version": self.version}

    @classmethod
    def latest_for(cls, academic_year_id):
        return cls.objects.filter(academic_year_id=academic_year_id).order_by("-version").first()

    @classmethod
    def is_locked(cls, academic_year_id):
        latest = cls.latest_for(academic_year_id)
        return latest is not None and latest.approved_at is not None


class SharedQuerySet(ScopedQuerySet):
    def department_wide(self):
        return self.filter(institution__isnull=True)

    def for_institution(self, institution):
        """The department's rows and the school's own: what the school may choose."""
        return self.filter(models.Q(institution__isnull=True) | models.Q(institution=institution))


def _shared_institution(related_name):
    return models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, null=True, blank=True,
        related_name=related_name, verbose_name=_("institution"),
        help_text=_("Empty for department-wide values."),
    )


def _unique_per_owner(prefix, *fields):
    """Unique among the department's rows and among each school's rows: two
    constraints, because a unique index treats every NULL as distinct."""
    return [
        models.UniqueConstraint(fields=list(fields), condition=models.Q(institution__isnull=True),
                                name=f"{prefix}_unique_department"),
        models.UniqueConstraint(fields=["institution", *fields],
                                condition=models.Q(institution__isnull=False),
                                name=f"{prefix}_unique_school"),
    ]


class PeriodTypeQuerySet(SharedQuerySet):
    pass


# One period of the usual divisions of a Russian school year, by how many there are.
PERIOD_NAMES = {
    4: pgettext_lazy("one period of four", "quarter"),
    3: pgettext_lazy("one period of three", "trimester"),
    2: pgettext_lazy("one period of two", "half-year"),
}


class PeriodType(models.Model):
    """How a year is divided: quarters, trimesters, half-years. ``name`` names the
    division («четверти»); one period of it is ``period_name`` («четверть»), or, left
    empty, the usual name for that many periods."""

    institution = _shared_institution("period_types")
    name = models.CharField(_("title"), max_length=100)
    periods_count = models.PositiveSmallIntegerField(
        _("number of periods"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    period_name = models.CharField(
        _("name of one period"), max_length=50, blank=True,
        help_text=_("In the singular, as a period is called: «четверть», «триместр», "
                    "«полугодие». Left empty: by the number of periods."),
    )

    objects = PeriodTypeQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("period type")
        verbose_name_plural = _("period types")
        ordering = ["-periods_count", "name"]
        constraints = _unique_per_owner("period_type", "name")

    def __str__(self):
        return self.name

    def period_label(self, number):
        """One period by its number: «2 четверть», «1 полугодие», «3 триместр»."""
        name = self.period_name or PERIOD_NAMES.get(self.periods_count)
        if not name:
            return _("period %(number)s") % {"number": number}
        return _("%(number)s %(period)s") % {"number": number, "period": name}


class GradingScaleQuerySet(SharedQuerySet):
    pass


class GradingScale(models.Model):
    institution = _shared_institution("grading_scales")
    name = models.CharField(_("title"), max_length=100)
    marks = models.CharField(
        _("marks"), max_length=200,
        help_text=_("From the best to the worst, separated by commas: 5,4,3,2,1."),
    )
    lowest_passing_mark = models.CharField(_("lowest passing mark"), max_length=20)

    objects = GradingScaleQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("grading scale")
        verbose_name_plural = _("grading scales")
        ordering = ["name"]
        constraints = _unique_per_owner("grading_scale", "name")

    def __str__(self):
        return self.name

    def mark_list(self):
        return [mark.strip() for mark in self.marks.split(",") if mark.strip()]

    def passing_marks(self):
        marks = self.mark_list()
        if self.lowest_passing_mark not in marks:
            return []
        return marks[: marks.index(self.lowest_passing_mark) + 1]

    def clean(self):
        marks = self.mark_list()
        if not marks:
            raise ValidationError({"marks": _("List at least one mark.")})
        if len(set(marks)) != len(marks):
            raise ValidationError({"marks": _("Each mark may appear only once.")})
        self.marks = ",".join(marks)
        self.lowest_passing_mark = self.lowest_passing_mark.strip()
        if self.lowest_passing_mark not in marks:
            raise ValidationError({"lowest_passing_mark": _(
                "The lowest passing mark must be one of the marks of the scale.")})


class MarkTypeQuerySet(SharedQuerySet):
    pass


class MarkType(models.Model):
    """What a mark was given for; the weight counts in the weighted average."""

    institution = _shared_institution("mark_types")
    name = models.CharField(_("title"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=10, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=4, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    objects = MarkTypeQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("mark type")
        verbose_name_plural = _("mark types")
        ordering = ["name"]
        constraints = [
            *_unique_per_owner("mark_type", "name"),
            models.CheckConstraint(condition=models.Q(weight__gt=0),
                                   name="mark_type_positive_weight"),
        ]

    def __str__(self):
        return self.name


class HolidayQuerySet(SharedQuerySet):
    def between(self, first_day, last_day):
        """Holidays that share at least one day with the given dates."""
        return self.filter(first_day__lte=last_day, last_day__gte=first_day)


class Holiday(models.Model):
    institution = _shared_institution("holidays")
    name = models.CharField(_("title"), max_length=100)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    objects = HolidayQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("holidays")
        verbose_name_plural = _("holidays")
        ordering = ["first_day", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(last_day__gte=models.F("first_day")),
                                   name="holiday_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.name} ({self.first_day:%d.%m.%Y}–{self.last_day:%d.%m.%Y})"

    def clean(self):
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _(
                "The last day of the holidays cannot be before the first day.")})


class WeekDays(models.IntegerChoices):
    FIVE = 5, _("five-day week")
    SIX = 6, _("six-day week")


class LoadLimitQuerySet(SharedQuerySet):
    def effective(self, institution, week_days):
        """{grade: maximum hours a week} for the school: its own limit where it set
        one (never above the department's), the department's otherwise."""
        department, own = {}, {}
        rows = self.for_institution(institution).filter(week_days=week_days)
        for grade, hours, school in rows.values_list("grade", "max_hours", "institution_id"):
            (own if school else department)[grade] = hours
        limits = dict(department)
        for grade, hours in own.items():
            limits[grade] = min(hours, department.get(grade, hours))
        return limits


class LoadLimit(models.Model):
    """The most hours a week a grade may have (the sanitary rules); a school may set a
    lower limit of its own."""

    institution = _shared_institution("load_limits")
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    week_days = models.PositiveSmallIntegerField(_("school week"), choices=WeekDays.choices)
    max_hours = models.PositiveSmallIntegerField(
        _("maximum hours a week"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    objects = LoadLimitQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("load limit")
        verbose_name_plural = _("load limits")
        ordering = ["week_days", "grade", "institution_id"]
        constraints = _unique_per_owner("load_limit", "grade", "week_days")

    def __str__(self):
        return _("Grade %(grade)s, %(week)s: %(hours)s h") % {
            "grade": self.grade, "week": self.get_week_days_display(), "hours": self.max_hours}

    def clean(self):
        if self.institution_id is None or not (self.grade and self.week_days and self.max_hours):
            return
        department = LoadLimit.objects.department_wide().filter(
            grade=self.grade, week_days=self.week_days).first()
        if department and self.max_hours > department.max_hours:
            raise ValidationError({"max_hours": _(
                "A school may only lower the department's limit of %(hours)s hours.")
                % {"hours": department.max_hours}})


class InstitutionSettingsQuerySet(ScopedQuerySet):
    pass


def _rounding_default():
    return Decimal("0.5")


class InstitutionSettings(models.Model):
    """A school's choices among the regional settings."""

    institution = models.OneToOneField(
        "records.Institution", on_delete=models.PROTECT, related_name="journal_settings",
        verbose_name=_("institution"),
    )
    grading_scale = models.ForeignKey(
        GradingScale, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("grading scale"),
    )
    default_period_type = models.ForeignKey(
        PeriodType, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("default period type"),
    )
    week_days = models.PositiveSmallIntegerField(
        _("school week"), choices=WeekDays.choices, default=WeekDays.FIVE
    )
    no_marks_in_first_grade = models.BooleanField(_("no marks in grade 1"), default=True)
    rounding_threshold = models.DecimalField(
        _("rounding threshold for period marks"), max_digits=3, decimal_places=2,
        default=_rounding_default,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.99"))],
        help_text=_("An average whose fraction reaches this value is rounded up: with 0.5, "
                    "4.5 becomes 5 and 4.49 becomes 4."),
    )

    objects = InstitutionSettingsQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("school settings")
        verbose_name_plural = _("school settings")
        ordering = ["institution__short_name"]

    def __str__(self):
        return str(self.institution)

    def round_final(self, average):
        whole = int(average)
        return whole + 1 if Decimal(str(average)) - whole >= self.rounding_threshold else whole

    def clean(self):
        # Choices are the department's rows and the school's own, never another school's.
        errors = {}
        for name in ("grading_scale", "default_period_type"):
            chosen = getattr(self, name) if getattr(self, f"{name}_id") else None
            if chosen and chosen.institution_id not in (None, self.institution_id):
                errors[name] = _("Choose a department-wide value or one of this school's own.")
        if errors:
            raise ValidationError(errors)


# Curriculum (R-CUR-1, R-CUR-2) ----------------------------------------------------------


def same_school(row, *related):
    """Field names of related rows that belong to another school."""
    wrong = {}
    for name in related:
        other = getattr(row, name) if getattr(row, f"{name}_id") else None
        owner = getattr(other, "institution_id", None) if other else None
        if other is not None and owner is not None and owner != row.institution_id:
            wrong[name] = _("This belongs to another school.")
    return wrong


class CurriculumProfileQuerySet(ScopedQuerySet):
    pass


class CurriculumProfile(models.Model):
    """A curriculum profile of the senior grades: универсальный, технологический …"""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="curriculum_profiles",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("title"), max_length=100)

    objects = CurriculumProfileQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("curriculum profile")
        verbose_name_plural = _("curriculum profiles")
        ordering = ["institution__short_name", "name"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"],
                                               name="profile_unique_name")]

    def __str__(self):
        return self.name


class PeriodQuerySet(ScopedQuerySet):
    def of_year(self, academic_year, period_type=None):
        rows = self.filter(academic_year=academic_year)
        return rows if period_type is None else rows.filter(period_type=period_type)

    def containing(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def for_class(self, school_class):
        """The periods of the type the class's grade uses this year (R-CUR-1)."""
        chosen = GradePeriodType.objects.filter(
            academic_year_id=school_class.academic_year_id, grade=school_class.grade
        ).values("period_type")
        rows = self.filter(academic_year_id=school_class.academic_year_id)
        own = rows.filter(period_type__in=chosen)
        default = InstitutionSettings.objects.filter(
            institution_id=school_class.institution_id).values("default_period_type")
        # The grade's own periods, or when it has none the school's default type: one
        # query (an exists() and then the select were two on every journal page).
        return rows.filter(
            models.Q(period_type__in=chosen)
            | models.Q(models.Q(period_type__in=default), ~models.Exists(own))
        ).order_by("number")


def period_types_by_grade(academic_year_id, institution_id):
    """The period type the classes of each grade use in one school year (R-CUR-1), by
    the rule ``Period.objects.for_class`` applies: the grade's own type when the year has
    periods of it, else the school's default type. Returns ({grade: type pk}, the
    default's pk for every other grade); three small queries. Every reader of many
    classes' periods (the closing of a period, its missing finals, the overviews) asks
    this rather than a rule of its own."""
    chosen = dict(GradePeriodType.objects.filter(academic_year_id=academic_year_id)
                  .values_list("grade", "period_type_id"))
    with_periods = set(Period.objects.filter(academic_year_id=academic_year_id)
                       .values_list("period_type_id", flat=True).distinct().order_by())
    default = (InstitutionSettings.objects.filter(institution_id=institution_id)
               .values_list("default_period_type_id", flat=True).first())
    return {grade: kind for grade, kind in chosen.items() if kind in with_periods}, default


def period_set_errors(academic_year, period_type, bounds):
    """What is wrong with a whole set of periods of one type in one year.

    ``bounds`` is [(starts_on, ends_on)] in the order of the periods. The periods must
    cover the year from its first to its last day, each starting the day after the one
    before ends: the holidays between two periods belong to the one before.
    """
    errors = []
    values = {"type": period_type}
    if len(bounds) != period_type.periods_count:
        errors.append(_("%(type)s: there must be %(count)s periods, not %(given)s.") % {
            **values, "count": period_type.periods_count, "given": len(bounds)})
        return errors
    for number, (starts_on, ends_on) in enumerate(bounds, start=1):
        values["number"] = number
        if ends_on < starts_on:
            errors.append(_("%(type)s, period %(number)s: it ends before it starts.") % values)
        if starts_on < academic_year.starts_on or ends_on > academic_year.ends_on:
            errors.append(_("%(type)s, period %(number)s: it lies outside the academic year "
                            "%(start)s–%(end)s.") % {
                **values, "start": f"{academic_year.starts_on:%d.%m.%Y}",
                "end": f"{academic_year.ends_on:%d.%m.%Y}"})
    if errors:
        return errors
    if bounds[0][0] != academic_year.starts_on:
        errors.append(_("%(type)s: the first period must start on the first day of the year, "
                        "%(day)s.") % {**values, "day": f"{academic_year.starts_on:%d.%m.%Y}"})
    if bounds[-1][1] != academic_year.ends_on:
        errors.append(_("%(type)s: the last period must end on the last day of the year, "
                        "%(day)s.") % {**values, "day": f"{academic_year.ends_on:%d.%m.%Y}"})
    for number, ((_start, previous_end), (next_start, _end)) in enumerate(
        zip(bounds, bounds[1:], strict=False), start=1
    ):
        values.update(number=number, next=number + 1)
        if next_start <= previous_end:
            errors.append(_("%(type)s: periods %(number)s and %(next)s overlap.") % values)
        elif next_start > previous_end + datetime.timedelta(days=1):
            errors.append(_("%(type)s: there is a gap between periods %(number)s and "
                            "%(next)s; period %(next)s must start on %(day)s.") % {
                **values, "day": f"{previous_end + datetime.timedelta(days=1):%d.%m.%Y}"})
    return errors


def default_period_bounds(academic_year, period_type):
    """Equal periods over the year, as a first proposal the school edits."""
    days = (academic_year.ends_on - academic_year.starts_on).days + 1
    count = period_type.periods_count
    bounds, start = [], academic_year.starts_on
    for number in range(1, count + 1):
        end = academic_year.starts_on + datetime.timedelta(days=days * number // count - 1)
        bounds.append((start, end))
        start = end + datetime.timedelta(days=1)
    return bounds


class Period(models.Model):
    """One quarter (trimester, half-year) of an academic year."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="periods",
        verbose_name=_("institution"),
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.CASCADE, related_name="periods",
        verbose_name=_("academic year"),
    )
    period_type = models.ForeignKey(
        PeriodType, on_delete=models.PROTECT, related_name="periods",
        verbose_name=_("period type"),
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # R-JRN-4: the deputy director closes a period, and its finals become read-only.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, editable=False, related_name="+",
                                  verbose_name=_("closed by"))

    objects = PeriodQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["institution__short_name", "academic_year", "period_type", "number"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "period_type", "number"],
                                    name="period_unique_number"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="period_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.label} ({self.starts_on:%d.%m}–{self.ends_on:%d.%m})"

    @property
    def label(self):
        """«2 четверть», «1 полугодие»."""
        return self.period_type.period_label(self.number)

    @property
    def is_closed(self):
        return self.closed_at is not None

    def clean(self):
        errors = same_school(self, "academic_year", "period_type")
        if errors:
            raise ValidationError(errors)
        if self.is_closed and self.pk:
            # What a closed period holds is fixed by its dates (curriculum/closing.py).
            stored = Period.objects.filter(pk=self.pk).values_list(
                "period_type_id", "number", "starts_on", "ends_on").first()
            if stored and stored != (self.period_type_id, self.number, self.starts_on,
                                     self.ends_on):
                raise ValidationError(_("The period is closed: its dates cannot change "
                                        "until the deputy director reopens it."))
        if not (self.academic_year_id and self.period_type_id and self.number
                and self.starts_on and self.ends_on):
            return
        year, kind = self.academic_year, self.period_type
        if self.number > kind.periods_count:
            raise ValidationError({"number": _("%(type)s have only %(count)s periods.") % {
                "type": kind, "count": kind.periods_count}})
        # The rest of the set as stored, with this row in its place: a single row is
        # checked against its neighbours, a complete set against the whole year.
        others = {p.number: (p.starts_on, p.ends_on) for p in Period.objects.of_year(
            year, kind).exclude(pk=self.pk)}
        others[self.number] = (self.starts_on, self.ends_on)
        if len(others) == kind.periods_count:
            problems = period_set_errors(year, kind, [others[n] for n in sorted(others)])
        else:
            problems = self._neighbour_errors(year, kind, others)
        if problems:
            raise ValidationError(problems)

    def _neighbour_errors(self, year, kind, others):
        values = {"type": kind, "number": self.number}
        problems = []
        if self.ends_on < self.starts_on:
            problems.append(_("%(type)s, period %(number)s: it ends before it starts.") % values)
        if self.starts_on < year.starts_on or self.ends_on > year.ends_on:
            problems.append(_("%(type)s, period %(number)s: it lies outside the academic year "
                              "%(start)s–%(end)s.") % {
                **values, "start": f"{year.starts_on:%d.%m.%Y}",
                "end": f"{year.ends_on:%d.%m.%Y}"})
        for number, (starts_on, ends_on) in others.items():
            if number != self.number and starts_on <= self.ends_on and ends_on >= self.starts_on:
                problems.append(_("%(type)s: periods %(number)s and %(other)s overlap.") % {
                    **values, "other": number})
        return problems


class GradePeriodTypeQuerySet(ScopedQuerySet):
    def of_year(self, academic_year):
        return self.filter(academic_year=academic_year)


class GradePeriodType(models.Model):
    """Which period type a grade uses in a year: quarters for 1–9, half-years for 10–11."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="grade_period_types",
        verbose_name=_("institution"),
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.CASCADE, related_name="grade_period_types",
        verbose_name=_("academic year"),
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    period_type = models.ForeignKey(
        PeriodType, on_delete=models.PROTECT, related_name="+", verbose_name=_("period type"),
    )

    objects = GradePeriodTypeQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("period type of a grade")
        verbose_name_plural = _("period types of grades")
        ordering = ["institution__short_name", "academic_year", "grade"]
        constraints = [models.UniqueConstraint(fields=["academic_year", "grade"],
                                               name="grade_period_type_unique")]

    def __str__(self):
        return _("Grade %(grade)s: %(type)s") % {"grade": self.grade, "type": self.period_type}

    def clean(self):
        errors = same_school(self, "academic_year", "period_type")
        if errors:
            raise ValidationError(errors)


class Component(models.TextChoices):
    FEDERAL = "federal", _("federal")
    REGIONAL = "regional", _("regional")
    SCHOOL = "school", _("school")


class CurriculumLineQuerySet(ScopedQuerySet):
    def of_year(self, academic_year):
        return self.filter(academic_year=academic_year)

    def weekly_totals(self):
        """{(grade, profile_id): hours a week}; lines without a profile are the grade's
        common part and count in every profile of that grade."""
        rows = self.values_list("grade", "profile_id").annotate(hours=models.Sum("hours_per_week"))
        common, totals = {}, {}
        for grade, profile_id, hours in rows:
            if profile_id is None:
                common[grade] = hours
            else:
                totals[(grade, profile_id)] = hours
        result = {(grade, None): hours for grade, hours in common.items()}
        for (grade, profile_id), hours in totals.items():
            result[(grade, profile_id)] = hours + common.get(grade, 0)
        return result

    def over_limit(self, institution, week_days):
        """[(grade, profile_id, hours, limit)] where a grade's weekly hours exceed its
        load limit."""
        limits = LoadLimit.objects.effective(institution, week_days)
        return [
            (grade, profile_id, hours, limits[grade])
            for (grade, profile_id), hours in sorted(
                self.filter(institution=institution).weekly_totals().items(),
                key=lambda item: (item[0][0], item[0][1] or 0))
            if grade in limits and hours > limits[grade]
        ]


class CurriculumLine(models.Model):
    """Hours a week of one subject in one grade (and profile) in a year."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="curriculum_lines",
        verbose_name=_("institution"),
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.CASCADE, related_name="curriculum_lines",
        verbose_name=_("academic year"),
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    profile = models.ForeignKey(
        CurriculumProfile, on_delete=models.PROTECT, null=True, blank=True, related_name="lines",
        verbose_name=_("profile"), help_text=_("Empty for what every class of the grade has."),
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="curriculum_lines",
        verbose_name=_("subject"),
    )
    component = models.CharField(_("component"), max_length=10, choices=Component.choices,
                                 default=Component.FEDERAL)
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("20"))],
    )

    objects = CurriculumLineQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("curriculum line")
        verbose_name_plural = _("curriculum")
        ordering = ["institution__short_name", "academic_year", "grade", "subject__name"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "grade", "subject"],
                                    condition=models.Q(profile__isnull=True),
                                    name="curriculum_line_unique_common"),
            models.UniqueConstraint(fields=["academic_year", "grade", "profile", "subject"],
                                    condition=models.Q(profile__isnull=False),
                                    name="curriculum_line_unique_profile"),
        ]

    def __str__(self):
        return f"{self.grade}: {self.subject} — {self.hours_per_week}"

    def clean(self):
        errors = same_school(self, "academic_year", "profile", "subject")
        if errors:
            raise ValidationError(errors)


# The data-entry wizard (R-WIZ-1) --------------------------------------------------------


class WizardStep(models.TextChoices):
    YEAR = "year", _("Academic year")
    STAFF = "staff", _("Staff")
    SUBJECTS = "subjects", _("Subjects")
    PROFILES = "profiles", _("Curriculum profiles")
    LIMITS = "limits", _("Load limits")
    CURRICULUM = "curriculum", _("Subjects per grade")
    PERIODS = "periods", _("Periods")
    CLASSES = "classes", _("Classes")


STEPS = list(WizardStep)


class SetupWizardQuerySet(ScopedQuerySet):
    def completed(self):
        return self.filter(completed_at__isnull=False)


class SetupWizard(LockableMixin, models.Model):
    """Where a school is in the data-entry wizard, and who is editing it now.

    One editor at a time: the wizard is locked to whoever opens it (Wagtail's
    LockableMixin fields); others read. A lock without activity for STALE_AFTER may be
    taken over, so an abandoned browser tab does not block the school.
    """

    STALE_AFTER = datetime.timedelta(minutes=30)

    institution = models.OneToOneField(
        "records.Institution", on_delete=models.PROTECT, related_name="setup_wizard",
        verbose_name=_("institution"),
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("academic year"),
    )
    current_step = models.CharField(_("current step"), max_length=20,
                                    choices=WizardStep.choices, default=WizardStep.YEAR)
    completed_steps = models.JSONField(_("completed steps"), default=list, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    objects = SetupWizardQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("setup wizard")
        verbose_name_plural = _("setup wizards")

    def __str__(self):
        return str(self.institution)

    # Steps

    def is_done(self, step):
        return step in self.completed_steps

    def may_open(self, step):
        """A step opens once every step before it is done."""
        return all(self.is_done(s) for s in STEPS[: STEPS.index(step)])

    def complete(self, step):
        if step not in self.completed_steps:
            self.completed_steps = [s for s in STEPS if s in {*self.completed_steps, step}]
        later = [s for s in STEPS if s not in self.completed_steps]
        self.current_step = later[0] if later else step
        if not later and self.completed_at is None:
            self.completed_at = timezone.now()
        self.save(update_fields=["completed_steps", "current_step", "completed_at"])

    # The lock

    def is_stale(self, now=None):
        since = self.last_activity_at or self.locked_at
        return bool(since) and (now or timezone.now()) - since > self.STALE_AFTER

    def held_by(self, user):
        return self.locked and self.locked_by_id == user.pk

    def acquire(self, user, take_over=False):
        """Locks the wizard for ``user`` if it is free, stale (with ``take_over``) or
        theirs already; returns whether ``user`` holds it now."""
        now = timezone.now()
        with transaction.atomic():
            wizard = SetupWizard.objects.select_for_update().get(pk=self.pk)
            free = not wizard.locked or wizard.locked_by_id is None
            if free or wizard.held_by(user) or (take_over and wizard.is_stale(now)):
                if not wizard.held_by(user):
                    wizard.locked_at = now
                wizard.locked, wizard.locked_by = True, user
                wizard.last_activity_at = now
                wizard.save(update_fields=["locked", "locked_by", "locked_at",
                                           "last_activity_at"])
        self.refresh_from_db()
        return self.held_by(user)

    def release(self):
        self.locked, self.locked_by, self.locked_at = False, None, None
        self.save(update_fields=["locked", "locked_by", "locked_at"])
