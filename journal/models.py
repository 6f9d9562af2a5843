"""The journal (R-JRN-1…6): works, marks, attendance, homework and finals.

Classes, subjects, periods and mark types are the curriculum's (curriculum/models.py);
lessons are the timetable's (schedule/models.py).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curriculum.closing import PeriodGuarded, PeriodGuardedQuerySet, PeriodPlace
from curriculum.models import AcademicYear, MarkType, Period, SchoolClass, Subject
from portal.access import ScopedQuerySet
from portal.uploads import DOCUMENTS, OFFICE_DOCUMENTS, PrivateFileField

from .versions import next_version

# The journal (R-JRN-1…6) ---------------------------------------------------------------
#
# What a teacher enters hangs on a dated lesson (schedule.Lesson): the works marked in
# it (Task, one column of the grid each), the marks, the attendance and the homework.
# Finals hang on the pupil, the subject and the period. Every row a teacher saves from
# the grid carries a ``version``: a save names the version it was based on, and a save
# based on an old version is refused (journal/cells.py), so two people saving the same
# cell never overwrite each other silently.


class JournalQuerySet(PeriodGuardedQuerySet, ScopedQuerySet):
    pass


def _journal_institution():
    # Marks are the largest table of the city: no index of their own on the school
    # (rows are always found by lesson or pupil first).
    return models.ForeignKey("records.Institution", on_delete=models.PROTECT,
                             related_name="+", db_index=False, verbose_name=_("institution"))


def _updated_by():
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, db_index=False, related_name="+",
                             verbose_name=_("entered by"))


class Versioned(models.Model):
    """A row saved from the journal grid: a save names the version it was based on
    (journal/cells.py); who saved it last, and when. Every save takes a new version
    from the journal's one counter (journal/versions.py), so a cell never has the same
    version twice, even after a clear deleted its row."""

    # Rows written in bulk (the demo) keep the default, below every counted version.
    version = models.PositiveBigIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("entered at"), default=timezone.now)
    updated_by = _updated_by()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        self.version = next_version(using)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "version" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "version"]
        super().save(*args, **kwargs)


# Whose lesson a journal row hangs on: the lesson's teachers (schedule.models).
LESSON_TEACHERS = ("lesson__teacher__person_id", "lesson__replaced_teacher__person_id",
                   "lesson__co_teachers__person_id")
# Rows of a lesson stand on its date (curriculum/closing.py).
ON_LESSON = PeriodPlace("lesson__academic_year_id", "lesson__school_class_id", ("lesson__date",))
# Where a pupil's row of a lesson (a mark, an attendance entry) stands in the matrix.
PUPIL_IN_LESSON_PATHS = {"institution": "institution_id", "class": "lesson__school_class_id",
                         "pupil": "pupil_id", "person": "pupil__person_id",
                         "teacher": LESSON_TEACHERS}


class Task(PeriodGuarded, models.Model):
    """A piece of work marked in a lesson (an oral answer, a test): one column of the
    journal grid. Its mark type gives the marks their weight (R-JRN-2)."""

    institution = _journal_institution()
    lesson = models.ForeignKey("schedule.Lesson", on_delete=models.CASCADE,
                               related_name="tasks", verbose_name=_("lesson"))
    mark_type = models.ForeignKey(MarkType, on_delete=models.PROTECT, related_name="tasks",
                                  verbose_name=_("mark type"))
    title = models.CharField(_("title"), max_length=200, blank=True)

    objects = JournalQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "lesson__school_class_id",
                    "teacher": LESSON_TEACHERS}
    period_place = ON_LESSON

    class Meta:
        verbose_name = _("work")
        verbose_name_plural = _("works")
        ordering = ["lesson", "pk"]

    def __str__(self):
        return self.title or str(self.mark_type)


class Mark(PeriodGuarded, Versioned):
    """One pupil's mark for one work (R-JRN-2). A debt is a work due and not handed in:
    it has no value until the mark replaces it."""

    institution = _journal_institution()
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="marks",
                             verbose_name=_("work"))
    # The task's lesson, kept on the row: the grid and the diary read marks by lesson.
    lesson = models.ForeignKey("schedule.Lesson", on_delete=models.CASCADE,
                               related_name="marks", verbose_name=_("lesson"))
    pupil = models.ForeignKey("records.Pupil", on_delete=models.CASCADE, related_name="marks",
                              verbose_name=_("pupil"))
    value = models.CharField(_("mark"), max_length=10, blank=True)
    is_debt = models.BooleanField(_("debt"), default=False)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    objects = JournalQuerySet.as_manager()
    access_paths = PUPIL_IN_LESSON_PATHS
    period_place = ON_LESSON

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        ordering = ["lesson", "task", "pupil"]
        indexes = [models.Index(fields=["pupil", "lesson"])]
        constraints = [
            models.UniqueConstraint(fields=["task", "pupil"], name="mark_one_per_task"),
            models.CheckConstraint(condition=~models.Q(value="") | models.Q(is_debt=True),
                                   name="mark_value_or_debt"),
        ]

    def __str__(self):
        return self.value or str(_("debt"))


def mark_number(value):
    """A mark's numeric value, or None for «зачёт» and the like."""
    try:
        number = Decimal(value.replace(",", "."))
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


def weighted_average(marks):
    """Σ(mark × weight) / Σweight over the numeric marks, the weight being the work's
    mark type (R-JRN-2); debts and marks that are not numbers do not count. None when
    there is none."""
    total = weights = Decimal(0)
    for mark in marks:
        number = None if mark.is_debt else mark_number(mark.value)
        if number is None:
            continue
        weight = mark.task.mark_type.weight
        total += number * weight
        weights += weight
    if not weights:
        return None
    return (total / weights).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class AttendanceKind(models.TextChoices):
    # The letters are those of the paper journal and of the grid's keyboard entry.
    ABSENT = "absent", _("absent")
    VALID = "valid", _("absent with a valid reason")
    ILL = "ill", _("ill")
    LATE = "late", _("late")


ATTENDANCE_LETTERS = {
    AttendanceKind.ABSENT: _("A"),
    AttendanceKind.VALID: _("V"),
    AttendanceKind.ILL: _("I"),
    AttendanceKind.LATE: _("L"),
}


class Attendance(PeriodGuarded, Versioned):
    """A pupil missing or late to one lesson (R-JRN-3); no row means present."""

    institution = _journal_institution()
    lesson = models.ForeignKey("schedule.Lesson", on_delete=models.CASCADE,
                               related_name="attendance", verbose_name=_("lesson"))
    pupil = models.ForeignKey("records.Pupil", on_delete=models.CASCADE,
                              related_name="attendance", verbose_name=_("pupil"))
    kind = models.CharField(_("attendance"), max_length=10, choices=AttendanceKind.choices)
    late_minutes = models.PositiveSmallIntegerField(
        _("minutes late"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)])

    objects = JournalQuerySet.as_manager()
    access_paths = PUPIL_IN_LESSON_PATHS
    period_place = ON_LESSON

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["lesson", "pupil"]
        indexes = [models.Index(fields=["pupil", "lesson"])]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "pupil"], name="attendance_one_per_lesson"),
            models.CheckConstraint(
                condition=models.Q(kind="late", late_minutes__isnull=False)
                | (~models.Q(kind="late") & models.Q(late_minutes__isnull=True)),
                name="attendance_minutes_only_when_late"),
        ]

    def __str__(self):
        if self.kind == AttendanceKind.LATE:
            return _("late, %(minutes)s min") % {"minutes": self.late_minutes}
        return self.get_kind_display()


class Homework(PeriodGuarded, Versioned):
    """What a lesson sets to do at home (R-JRN-1): text, links, files and a due date."""

    institution = _journal_institution()
    lesson = models.OneToOneField("schedule.Lesson", on_delete=models.CASCADE,
                                  related_name="homework", verbose_name=_("lesson"))
    text = models.TextField(_("homework"), blank=True)
    links = models.TextField(_("links"), blank=True, help_text=_("One address per line."))
    due_on = models.DateField(_("due on"), null=True, blank=True)

    objects = JournalQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "lesson__school_class_id",
                    "teacher": LESSON_TEACHERS}
    period_place = ON_LESSON

    class Meta:
        verbose_name = _("homework")
        verbose_name_plural = _("homework")
        ordering = ["lesson"]

    def __str__(self):
        return self.text[:100]

    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class HomeworkFile(PeriodGuarded, models.Model):
    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="files",
                                 verbose_name=_("homework"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    # Homework is often a worksheet or a presentation: office documents too, each
    # recognised by its zip manifest (portal/uploads.py).
    file = PrivateFileField(_("file"), upload_to="homework/%Y/%m",
                            kinds=DOCUMENTS + OFFICE_DOCUMENTS)

    objects = JournalQuerySet.as_manager()
    access_paths = {"institution": "homework__institution_id",
                    "class": "homework__lesson__school_class_id",
                    "teacher": tuple(f"homework__{path}" for path in LESSON_TEACHERS)}
    period_place = PeriodPlace("homework__lesson__academic_year_id",
                               "homework__lesson__school_class_id", ("homework__lesson__date",))

    class Meta:
        verbose_name = _("homework file")
        verbose_name_plural = _("homework files")
        ordering = ["homework", "pk"]

    def __str__(self):
        return self.title or self.file.name.rsplit("/", 1)[-1]


class FinalKind(models.TextChoices):
    PERIOD = "period", _("period")
    YEAR = "year", _("year")
    EXAM = "exam", _("exam")


class FinalMark(PeriodGuarded, Versioned):
    """A pupil's final mark in a subject for a period, the year or the exam (R-JRN-4).
    A cleared final keeps its row (an empty value), so its history stays with it."""

    institution = models.ForeignKey("records.Institution", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("institution"))
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE,
                                      related_name="final_marks",
                                      verbose_name=_("academic year"))
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE,
                                     related_name="final_marks", verbose_name=_("class"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="final_marks",
                                verbose_name=_("subject"))
    pupil = models.ForeignKey("records.Pupil", on_delete=models.CASCADE,
                              related_name="final_marks", verbose_name=_("pupil"))
    kind = models.CharField(_("final"), max_length=10, choices=FinalKind.choices)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="final_marks", verbose_name=_("period"))
    value = models.CharField(_("mark"), max_length=10, blank=True)

    objects = JournalQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id",
                    "pupil": "pupil_id", "person": "pupil__person_id"}
    # A period's final stands on the period's last day, the year's and the exam's on
    # the year's: they close with the period, or with the last period of the year.
    period_place = PeriodPlace("academic_year_id", "school_class_id",
                               (("period__ends_on", "academic_year__ends_on"),))

    class Meta:
        verbose_name = _("final mark")
        verbose_name_plural = _("final marks")
        ordering = ["school_class", "subject", "pupil", "kind", "period"]
        indexes = [models.Index(fields=["pupil", "academic_year"])]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "subject", "period"],
                                    condition=models.Q(kind="period"),
                                    name="final_mark_one_per_period"),
            models.UniqueConstraint(fields=["pupil", "subject", "academic_year", "kind"],
                                    condition=~models.Q(kind="period"),
                                    name="final_mark_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(kind="period", period__isnull=False)
                | (~models.Q(kind="period") & models.Q(period__isnull=True)),
                name="final_mark_period_only_for_period_kind"),
        ]

    def __str__(self):
        return self.value



class Tally(models.Model):
    """What one pupil got in one subject, class and period, summed: the numeric marks
    (their count, Σ weight, Σ mark × weight), the debts and the lessons missed by kind.
    Kept by every save of the journal in the save's own transaction, and rebuilt by
    ``manage.py rebuild_tallies`` (journal/tallies.py). The reports read these rows, not
    the marks: a city's quarter is a few hundred thousand tallies against millions of
    marks (R-REP-1, R-NF-2)."""

    institution = _journal_institution()
    pupil = models.ForeignKey("records.Pupil", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("pupil"))
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("class"))
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("subject"))
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("period"))
    marks = models.PositiveIntegerField(_("marks"), default=0)
    weights = models.DecimalField(_("sum of weights"), max_digits=10, decimal_places=2,
                                  default=0)
    weighted = models.DecimalField(_("weighted sum"), max_digits=12, decimal_places=2,
                                   default=0)
    debts = models.PositiveIntegerField(_("debts"), default=0)
    absent = models.PositiveIntegerField(_("absent"), default=0)
    valid = models.PositiveIntegerField(_("absent with a valid reason"), default=0)
    ill = models.PositiveIntegerField(_("ill"), default=0)
    late = models.PositiveIntegerField(_("late"), default=0)

    objects = ScopedQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id",
                    "pupil": "pupil_id", "person": "pupil__person_id"}
    # Read limited (the department's reports), a tally gives counts of a class, never
    # a pupil: the reports group them before showing anything.
    limited_fields = ["institution", "school_class", "subject", "period", "marks",
                      "weights", "weighted", "debts", "absent", "valid", "ill", "late"]

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "school_class", "subject", "period"],
                                    name="tally_one_per_key"),
        ]
        indexes = [models.Index(fields=["period", "school_class"])]

    def __str__(self):
        return f"{self.pupil_id}/{self.subject_id}/{self.period_id}"

    @property
    def average(self):
        if not self.weights:
            return None
        return (self.weighted / self.weights).quantize(Decimal("0.01"),
                                                       rounding=ROUND_HALF_UP)

    @property
    def missed(self):
        return self.absent + self.valid + self.ill
