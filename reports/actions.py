"""The named changes of the builder's saved reports (R-REP-3, R-REP-4). Each checks the
permission, runs in one transaction and writes a Wagtail log entry on the report, its
history (who, when, what it then asked for):

    save(user, report)      a new report (wagtail.create) or a changed one (wagtail.edit)
    delete(user, report)    wagtail.delete
    read(user, report, …)   a run or a download of personal data (R-PD-3): who read
                            which columns of which source, never the rows themselves
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal.access import SCHOOL_STAFF_ROLES, access

from . import builder
from .models import SavedReport
from .rules import BUILD_REPORT, PUBLISH_REPORT

READ = "reports.read_report"


def _check_audience(user, report):
    """The author shares only with their own: their colleagues in a role they hold, the
    staff of a school where they work; the department with itself and every school."""
    Audience = SavedReport.Audience
    if report.audience in (Audience.DEPARTMENT, Audience.CITY):
        if not user.has_perm(PUBLISH_REPORT):
            raise PermissionDenied
        report.institution = None
        if report.audience == Audience.DEPARTMENT:
            report.role = ""
        return
    roles = access(user).school_roles.get(report.institution_id, set()) & SCHOOL_STAFF_ROLES
    if report.audience == Audience.ROLE and report.role not in roles:
        raise PermissionDenied
    if report.audience == Audience.SCHOOL and not roles:
        raise PermissionDenied
    if report.audience != Audience.ROLE:
        report.role = ""


@transaction.atomic
def save(user, report):
    """Save ``report`` (its title, source, definition and audience already set)."""
    new = report.pk is None
    if new:
        report.owner = user
        if not user.has_perm(BUILD_REPORT, report):
            raise PermissionDenied
    elif not user.has_perm("reports.change_savedreport", report):
        raise PermissionDenied
    source = builder.SOURCES.get(report.source)
    if source is None or not user.has_perm(source.permission):
        raise PermissionDenied
    _check_audience(user, report)
    # What the author may not read is never kept, even if a form was bypassed.
    definition = builder.Definition.from_json(report.definition)
    plan = builder.plan(user, source, definition)
    if plan.hidden:
        raise ValidationError(_("The report names columns you may not read."))
    report.title = report.title.strip() or str(source.label)
    report.definition = definition.as_json()
    report.full_clean()
    report.save()
    log(report, "wagtail.create" if new else "wagtail.edit", user=user,
        data={"source": report.source, "definition": report.definition,
              "audience": report.audience, "role": report.role})
    return report


@transaction.atomic
def delete(user, report):
    if not user.has_perm("reports.delete_savedreport", report):
        raise PermissionDenied
    log(report, "wagtail.delete", user=user)
    report.delete()


def read(user, report, plan, fmt=""):
    """A run of a report that reads personal data (pupils', staff's or their medical and
    psychological details) is written to the report's log: the read log of R-PD-3."""
    source = plan.source
    if not getattr(source.model, "log_reads", False) and not any(
            builder.guards(source, column) for column in (*plan.columns, *plan.group_by)):
        return
    log(report, READ, user=user, data={
        "columns": [column.key for column in (*plan.columns, *plan.group_by)],
        "format": fmt})
