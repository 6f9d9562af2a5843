"""The named changes of a statistical form (R-INST-2). Each checks the permission and
the state it starts from, runs in one transaction on the locked row and writes a
Wagtail log entry on the form, which is the form's history:

    create(user, school, year)            → created
    calculate(user, report)               → calculated (the computed values replaced,
                                            the corrections kept)
    correct(user, figure, value, reason)  the figure's correction (calculated, returned)
    send(user, report)                    calculated, returned → sent
    return_(user, report, comment)        sent → returned, with the department's comment
    accept(user, report)                  sent → accepted
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import compute
from .models import EDITABLE_STATES, FormKind, ReportState, StatFigure, StatReport, as_of_day
from .rules import FILL, REVIEW

CREATED = "wagtail.create"
CALCULATED = "stateforms.calculate"
CORRECTED = "stateforms.correct"
SENT = "stateforms.send"
RETURNED = "stateforms.return"
ACCEPTED = "stateforms.accept"
REASON_LIMIT = 500
COMMENT_LIMIT = 5000


def _may(user, perm, report):
    if not user.has_perm(perm.name, report):
        raise PermissionDenied


def _locked(report):
    """The form's row, locked for this transaction (the director and the deputy sending
    at once: the second sees the first's state)."""
    return StatReport.objects.select_for_update().get(pk=report.pk)


def _in(report, states, message):
    if report.state not in states:
        raise ValidationError(message)


def _move(report, user, state, action, **data):
    report.state = state
    report.save(update_fields=["state", *data.pop("fields", [])])
    log(report, action, user=user, data={"state": state, **data})
    return report


@transaction.atomic
def create(user, school, year, kind=FormKind.OO1):
    report = StatReport(institution=school, academic_year=year, kind=kind,
                        as_of=as_of_day(year))
    _may(user, FILL, report)
    if year.institution_id != school.pk:
        raise ValidationError(_("The academic year belongs to another school."))
    if StatReport.objects.filter(institution=school, academic_year=year, kind=kind).exists():
        raise ValidationError(_("The school already has this form for %(year)s.")
                              % {"year": year.name})
    report.save()
    log(report, CREATED, user=user)
    return report


@transaction.atomic
def calculate(user, report):
    """The figures computed anew from the records; a figure corrected by hand keeps its
    correction beside the new computed value (one upsert whatever the size)."""
    _may(user, FILL, report)
    report = _locked(report)
    _in(report, (ReportState.CREATED, *EDITABLE_STATES),
        _("A form sent to the department cannot be recalculated."))
    values = compute.compute(report)
    StatFigure.objects.bulk_create(
        [StatFigure(institution_id=report.institution_id, report=report, section=section,
                    line=line, column=column, computed=n)
         for (section, line, column), n in values.items()],
        update_conflicts=True, unique_fields=["report", "section", "line", "column"],
        update_fields=["computed"])
    report.calculated_at = timezone.now()
    return _move(report, user, ReportState.CALCULATED, CALCULATED,
                 fields=["calculated_at"], **{"as_of": report.as_of.isoformat()})


@transaction.atomic
def correct(user, figure, value, reason):
    """The figure's correction: ``value`` with its ``reason``, or None to go back to the
    computed value. The computed value stays as it is."""
    report = figure.report
    _may(user, FILL, report)
    report = _locked(report)
    _in(report, EDITABLE_STATES, _("The figures of a form sent to the department or not yet "
                                   "calculated cannot be corrected."))
    figure = StatFigure.objects.select_for_update().get(pk=figure.pk, report=report)
    reason = (reason or "").strip()
    if value is not None:
        if value < 0:
            raise ValidationError(_("A figure cannot be negative."))
        if not reason:
            raise ValidationError(_("Say why the figure is corrected."))
        if len(reason) > REASON_LIMIT:
            raise ValidationError(_("The reason is too long."))
    figure.corrected = value
    figure.reason = reason if value is not None else ""
    figure.corrected_by = user if value is not None else None
    figure.save(update_fields=["corrected", "reason", "corrected_by"])
    # Counts, no person: the entry may say what changed.
    log(report, CORRECTED, user=user, data={
        "section": figure.section, "line": figure.line, "column": figure.column,
        "computed": figure.computed, "corrected": value, "reason": figure.reason})
    return figure


@transaction.atomic
def send(user, report):
    _may(user, FILL, report)
    report = _locked(report)
    _in(report, EDITABLE_STATES, _("Only a calculated or returned form can be sent."))
    return _move(report, user, ReportState.SENT, SENT)


@transaction.atomic
def return_(user, report, comment):
    _may(user, REVIEW, report)
    report = _locked(report)
    _in(report, (ReportState.SENT,), _("Only a form sent to the department can be returned."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what the school should correct."))
    if len(comment) > COMMENT_LIMIT:
        raise ValidationError(_("The comment is too long."))
    report.comment = comment
    return _move(report, user, ReportState.RETURNED, RETURNED, fields=["comment"],
                 comment=comment)


@transaction.atomic
def accept(user, report):
    _may(user, REVIEW, report)
    report = _locked(report)
    _in(report, (ReportState.SENT,), _("Only a form sent to the department can be accepted."))
    return _move(report, user, ReportState.ACCEPTED, ACCEPTED)
