"""What the reports keep of their own: the regulation's items (R-DEP-5), the visit
counts (R-DEP-4) and the builder's saved reports (R-REP-3, R-REP-4). Everything else a
report shows is counted from the other apps' rows."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.access import DEPARTMENT_ROLES, SCHOOL_STAFF_ROLES, Role, ScopedQuerySet, access


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


def readers_condition(user):
    """The saved reports ``user`` may open: their own, and those shared with them — with
    the holders of a role in a school, with a school's staff, with the department, or
    published by the department to every school (R-REP-4). The scope of
    ``reports.view_savedreport`` (reports/rules.py)."""
    context = access(user)
    if context is None:
        return None
    condition = Q(owner=user)
    staff_schools, staff_roles = set(), set()
    for institution_id, roles in context.school_roles.items():
        for role in roles & SCHOOL_STAFF_ROLES:
            condition |= Q(audience=SavedReport.Audience.ROLE, institution_id=institution_id,
                           role=role)
            staff_schools.add(institution_id)
            staff_roles.add(role)
    if staff_schools:
        condition |= Q(audience=SavedReport.Audience.SCHOOL, institution_id__in=staff_schools)
        condition |= Q(audience=SavedReport.Audience.CITY, role__in=["", *staff_roles])
    if context.department_roles & DEPARTMENT_ROLES:
        condition |= Q(audience__in=[SavedReport.Audience.DEPARTMENT,
                                     SavedReport.Audience.CITY])
    return condition


class SavedReportQuerySet(ScopedQuerySet):
    pass


class SavedReport(models.Model):
    """A report made in the builder (R-REP-3): its source and what to show of it
    (``definition``, read by reports/builder.py), and who else may open it (R-REP-4).
    Whoever opens it reads only the columns they may read themselves: the definition
    is checked against the reader each time it runs, never against its author."""

    class Audience(models.TextChoices):
        # Said after «shared with» («доступен: …»), hence the context.
        OWNER = "owner", pgettext_lazy("shared with", "only me")
        ROLE = "role", pgettext_lazy("shared with", "my colleagues in the role")
        SCHOOL = "school", pgettext_lazy("shared with", "the school's staff")
        DEPARTMENT = "department", pgettext_lazy("shared with", "the department's staff")
        CITY = "city", pgettext_lazy("shared with", "every school of the city")

    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=20)
    definition = models.JSONField(_("definition"), default=dict)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("author"))
    # The school it was made in (its audience "role" and "school" are of this school);
    # none for the department's reports.
    institution = models.ForeignKey("records.Institution", on_delete=models.CASCADE,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("institution"))
    audience = models.CharField(_("shared with"), max_length=20, choices=Audience.choices,
                                default=Audience.OWNER)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = SavedReportQuerySet.as_manager()
    access_paths = {"person": "owner__person"}

    class Meta:
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title
