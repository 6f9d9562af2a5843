"""What the reports keep of their own: the regulation's items (R-DEP-5) and the visit
counts (R-DEP-4). Everything else a report shows is counted from the other apps' rows."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.access import Role, ScopedQuerySet


class RegulationItem(models.Model):
    """An item of the order's Appendix 3 (the yearly tasks) or a stage of its Appendix 4
    (the introduction): what a school enters, who answers for it at the school and at the
    department, and by when in the school year. Data, kept in the admin; whether a
    school has done it is computed from the records (``computed_by``, reports/monitor.py),
    never ticked by hand."""

    class Appendix(models.IntegerChoices):
        YEARLY = 3, _("Appendix 3: the yearly tasks")
        INTRODUCTION = 4, _("Appendix 4: the stages of the introduction")

    appendix = models.PositiveSmallIntegerField(_("appendix"), choices=Appendix.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    school_role = models.CharField(_("responsible at the school"), max_length=30,
                                   choices=Role.choices, blank=True)
    department_role = models.CharField(_("responsible at the department"), max_length=30,
                                       choices=Role.choices, blank=True)
    due_month = models.PositiveSmallIntegerField(
        _("due month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    due_day = models.PositiveSmallIntegerField(
        _("due day"), validators=[MinValueValidator(1), MaxValueValidator(31)])
    # The name of the computation that says whether a school has done it
    # (reports/monitor.py CHECKS); empty: not followed by the monitor.
    computed_by = models.CharField(_("computed by"), max_length=40, blank=True)

    objects = ScopedQuerySet.as_manager()
    access_paths = {}

    class Meta:
        verbose_name = _("regulation item")
        verbose_name_plural = _("regulation items")
        ordering = ["appendix", "number"]
        constraints = [models.UniqueConstraint(fields=["appendix", "number"],
                                               name="regulation_item_unique_number")]

    def __str__(self):
        return f"{self.appendix}.{self.number}. {self.title}"


class VisitCount(models.Model):
    """The logins and page views of one day by the users of one role in one school
    (R-DEP-4): counts only, nobody's name and no page (what was read by whom is the
    read log's, R-PD-3). Department users count without a school."""

    day = models.DateField(_("day"))
    institution = models.ForeignKey("records.Institution", on_delete=models.CASCADE,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("institution"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    logins = models.PositiveIntegerField(_("logins"), default=0)
    views = models.PositiveIntegerField(_("page views"), default=0)

    objects = ScopedQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("visit count")
        verbose_name_plural = _("visit counts")
        ordering = ["-day", "institution", "role"]
        constraints = [
            models.UniqueConstraint(fields=["day", "institution", "role"],
                                    condition=models.Q(institution__isnull=False),
                                    name="visit_count_one_per_school_day_role"),
            models.UniqueConstraint(fields=["day", "role"],
                                    condition=models.Q(institution__isnull=True),
                                    name="visit_count_one_per_department_day_role"),
        ]

    def __str__(self):
        return f"{self.day} {self.institution_id} {self.role}"
