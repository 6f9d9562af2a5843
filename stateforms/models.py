"""State statistical forms (R-INST-2): a school's form ОО-1 for one academic year, its
figures computed from the records as of 20 September and corrected by hand, and its way
from the school to the department (created → calculated → sent → returned with a
comment or accepted). The state changes are Wagtail log entries (``actions.py``)."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from curriculum.models import AcademicYear
from portal.access import ScopedQuerySet
from records.models import Institution


class FormKind(models.TextChoices):
    OO1 = "oo1", _("Form OO-1")


class ReportState(models.TextChoices):
    CREATED = "created", _("created")
    CALCULATED = "calculated", _("calculated")
    SENT = "sent", _("sent to the department")
    RETURNED = "returned", _("returned for correction")
    ACCEPTED = "accepted", _("accepted")


# The states in which the school works on its figures; a sent or accepted form is the
# department's to read and is read-only for the school.
EDITABLE_STATES = (ReportState.CALCULATED, ReportState.RETURNED)
# ОО-1 counts the pupils and the staff as of 20 September of the academic year.
AS_OF_MONTH, AS_OF_DAY = 9, 20


def as_of_day(academic_year):
    return datetime.date(academic_year.starts_on.year, AS_OF_MONTH, AS_OF_DAY)


class StatReportQuerySet(ScopedQuerySet):
    def of_year(self, name):
        """The forms of the academic year ``name`` («2026/2027») of every school."""
        return self.filter(academic_year__name=name)

    def accepted(self):
        return self.filter(state=ReportState.ACCEPTED)


class StatReport(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT,
                                    related_name="stat_reports",
                                    verbose_name=_("institution"))
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT,
                                      related_name="stat_reports",
                                      verbose_name=_("academic year"))
    kind = models.CharField(_("form"), max_length=10, choices=FormKind.choices,
                            default=FormKind.OO1)
    state = models.CharField(_("state"), max_length=20, choices=ReportState.choices,
                             default=ReportState.CREATED)
    as_of = models.DateField(_("figures as of"))
    # The department's comment of the last return, kept after the school sends again.
    comment = models.TextField(_("department's comment"), blank=True)
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)

    objects = StatReportQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("statistical form")
        verbose_name_plural = _("statistical forms")
        ordering = ["institution__short_name", "-as_of"]
        constraints = [models.UniqueConstraint(fields=["institution", "academic_year", "kind"],
                                               name="stat_report_unique_per_year")]

    def __str__(self):
        return _("%(form)s of %(school)s, %(year)s") % {
            "form": self.get_kind_display(), "school": self.institution.short_name,
            "year": self.academic_year.name}

    def get_absolute_url(self):
        return reverse("stateforms:report", args=[self.pk])

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES


class StatFigureQuerySet(ScopedQuerySet):
    def corrected(self):
        return self.filter(corrected__isnull=False)


class StatFigure(models.Model):
    """One cell of a form: a line and a column of a section, the value computed from the
    records and, beside it, the school's correction with who made it and why."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("institution"))
    report = models.ForeignKey(StatReport, on_delete=models.CASCADE, related_name="figures",
                               verbose_name=_("statistical form"))
    section = models.CharField(_("section"), max_length=20)
    line = models.CharField(_("line"), max_length=10)
    column = models.CharField(_("column"), max_length=10)
    computed = models.PositiveIntegerField(_("computed"), default=0)
    corrected = models.PositiveIntegerField(_("corrected"), null=True, blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("corrected by"))
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)

    objects = StatFigureQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("figure of a statistical form")
        verbose_name_plural = _("figures of statistical forms")
        ordering = ["report", "section", "line", "column"]
        constraints = [models.UniqueConstraint(fields=["report", "section", "line", "column"],
                                               name="stat_figure_unique_cell")]

    def __str__(self):
        return f"{self.section} {self.line}/{self.column}"

    @property
    def value(self):
        """What the form reports: the correction where there is one."""
        return self.computed if self.corrected is None else self.corrected
