"""Academic years, classes, subjects and who teaches what.

The curriculum issue deepens these (periods, plan, subgroups, timetable); here they are
what the access matrix needs: a class has an institution and a class teacher, and a
teaching assignment says which teacher teaches which subject in which class.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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

    objects = SchoolClassQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "pk"}

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["institution__short_name", "grade", "letter"]
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
        if errors:
            raise ValidationError(errors)


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

    objects = TeachingAssignmentQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id",
                    "person": "teacher__person_id"}

    class Meta:
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        ordering = ["school_class__grade", "school_class__letter", "subject__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject", "teacher"], name="assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.school_class} — {self.subject} — {self.teacher.person.short_name}"

    def clean(self):
        schools = {
            self.teacher.institution_id if self.teacher_id else None,
            self.school_class.institution_id if self.school_class_id else None,
            self.subject.institution_id if self.subject_id else None,
        } - {None}
        if schools - {self.institution_id}:
            raise ValidationError(_("Teacher, class and subject must belong to this school."))
