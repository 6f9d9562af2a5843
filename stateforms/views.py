"""The statistical forms on the portal (R-INST-2). The school's leadership lists its
forms, the director and the deputy create, calculate, correct and send them; the
department lists every school's form of a year, returns or accepts it and reads the
city's total. Thin: the rows come through ``visible_to`` (an id outside it is 404), the
changes through ``actions.py``; a user without the permission gets 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.models import ModelLogEntry

from curriculum.models import AcademicYear
from portal.access import access
from portal.branding import portal_name
from portal.exports import csv_response, xlsx_response
from portal.pdf import render_pdf
from records.models import Institution

from . import actions, compute
from .forms import CorrectionForm, CreateForm, ReturnForm
from .models import FormKind, ReportState, StatFigure, StatReport
from .rules import FILL, REVIEW, VIEW

STEPS = {
    "calculate": (FILL, lambda user, report, data: actions.calculate(user, report),
                  gettext_lazy("The figures are calculated.")),
    "send": (FILL, lambda user, report, data: actions.send(user, report),
             gettext_lazy("The form is sent to the department.")),
    "accept": (REVIEW, lambda user, report, data: actions.accept(user, report),
               gettext_lazy("The form is accepted.")),
}


def _allowed(user, perm, obj=None):
    if not user.has_perm(perm.name, obj):
        raise PermissionDenied


def _visible_report(request, pk):
    _allowed(request.user, VIEW)
    return get_object_or_404(StatReport.objects.visible_to(request.user)
                             .select_related("institution", "academic_year"), pk=pk)


def _current_year_name():
    return (AcademicYear.objects.current().order_by("-starts_on")
            .values_list("name", flat=True).first())


def creatable_schools(user):
    """The schools where ``user`` may fill in a form and whose current year has no ОО-1
    yet: {school pk: (school, year)}. Two queries."""
    context = access(user)
    schools = Institution.objects.all() if user.is_superuser else Institution.objects.filter(
        pk__in=list(context.school_roles))
    years = (AcademicYear.objects.current().filter(institution__in=schools)
             .exclude(stat_reports__kind=FormKind.OO1).select_related("institution"))
    return {year.institution_id: (year.institution, year) for year in years
            if user.has_perm(FILL.name, StatReport(institution_id=year.institution_id))}


@login_required
def index(request):
    """The school's forms; the department goes to its list of every school."""
    user = request.user
    if user.has_perm(REVIEW.name):
        return redirect("stateforms:schools")
    _allowed(user, VIEW)
    reports = (StatReport.objects.visible_to(user)
               .select_related("institution", "academic_year")
               .order_by("institution__short_name", "-as_of"))
    return render(request, "stateforms/index.html", {
        "reports": reports, "creatable": creatable_schools(user).values()})


@login_required
@require_POST
def create(request):
    _allowed(request.user, FILL)
    form = CreateForm(request.POST)
    found = creatable_schools(request.user).get(form.cleaned_data["school"]) \
        if form.is_valid() else None
    if found is None:
        messages.error(request, _("The school has its form for the current year already, "
                                  "or you may not create it."))
        return redirect("stateforms:index")
    school, year = found
    try:
        report = actions.create(request.user, school, year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("stateforms:index")
    messages.success(request, _("The form is created. Calculate its figures."))
    return redirect(report)


def section_tables(figures):
    """[{section, lines: [{line, cells: [figure or None per column]}]}] in the form's
    order."""
    by_cell = {(f.section, f.line, f.column): f for f in figures}
    return [{"section": section, "lines": [
        {"line": line, "cells": [by_cell.get((section.code, line.code, column.code))
                                 for column in section.columns]}
        for line in section.lines]} for section in compute.layout()]


@login_required
def report(request, pk):
    user = request.user
    row = _visible_report(request, pk)
    figures = list(row.figures.select_related("corrected_by__person"))
    may_fill = user.has_perm(FILL.name, row)
    may_review = user.has_perm(REVIEW.name, row)
    history = (ModelLogEntry.objects.for_instance(row).select_related("user__person")
               .order_by("timestamp", "pk"))
    labels = compute.labels()
    corrections = [f for f in figures if f.corrected is not None]
    for cell in corrections:
        cell.where = labels.get((cell.section, cell.line, cell.column), ("", "", ""))
    return render(request, "stateforms/report.html", {
        "row": row, "tables": section_tables(figures), "corrections": corrections,
        "may_correct": may_fill and row.is_editable,
        "may_send": may_fill and row.is_editable,
        "may_calculate": may_fill and (row.is_editable or row.state == ReportState.CREATED),
        "may_review": may_review and row.state == ReportState.SENT,
        "return_form": ReturnForm() if may_review and row.state == ReportState.SENT else None,
        "history": history,
    })


@login_required
@require_POST
def step(request, pk, name):
    row = _visible_report(request, pk)
    perm, action, done = STEPS[name]
    _allowed(request.user, perm, row)
    try:
        action(request.user, row, request.POST)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(row)


@login_required
@require_POST
def return_(request, pk):
    row = _visible_report(request, pk)
    _allowed(request.user, REVIEW, row)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        actions.return_(request.user, row, form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The form is returned to the school with the comment."))
    return redirect(row)


@login_required
def figure(request, pk):
    """One figure: its computed value, its correction and why, and the form to correct
    it while the school works on the form."""
    user = request.user
    _allowed(user, VIEW)
    cell = get_object_or_404(StatFigure.objects.visible_to(user).select_related(
        "report__institution", "report__academic_year", "corrected_by__person"), pk=pk)
    row = cell.report
    may_correct = user.has_perm(FILL.name, row) and row.is_editable
    initial = {"value": cell.corrected, "reason": cell.reason}
    form = CorrectionForm(request.POST or None, initial=initial) if may_correct else None
    if request.method == "POST":
        _allowed(user, FILL, row)
        if form is None:
            messages.error(request, _("The figures of a form sent to the department or not "
                                      "yet calculated cannot be corrected."))
            return redirect(row)
        if form.is_valid():
            try:
                actions.correct(user, cell, form.cleaned_data["value"],
                                form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The correction is saved."))
                return redirect(row)
    return render(request, "stateforms/figure.html", {
        "row": row, "cell": cell, "form": form,
        "where": compute.labels().get((cell.section, cell.line, cell.column))})


# The department ---------------------------------------------------------------------


def _year_choice(request):
    """(the year asked for, every year name a school has): the current one by default."""
    names = list(AcademicYear.objects.order_by("-name").values_list("name", flat=True)
                 .distinct())
    asked = request.GET.get("year")
    return (asked if asked in names else _current_year_name()), names


@login_required
def schools(request):
    """Every school with its ОО-1 of the year and its state."""
    user = request.user
    _allowed(user, REVIEW)
    year, years = _year_choice(request)
    reports = {r.institution_id: r for r in StatReport.objects.visible_to(user, REVIEW.name)
               .of_year(year).filter(kind=FormKind.OO1)}
    lines = [(school, reports.get(school.pk))
             for school in Institution.objects.order_by("short_name")]
    states = {}
    for _school, found in lines:
        states[found.state if found else ""] = states.get(found.state if found else "", 0) + 1
    return render(request, "stateforms/schools.html", {
        "lines": lines, "year": year, "years": years,
        "counts": [(label, states.get(value, 0)) for value, label in
                   [("", _("not created")), *ReportState.choices]]})


def city_values(user, year, accepted_only):
    """{cell: the sum of the value of the forms of ``year``} and how many forms: one
    grouped query and a count."""
    reports = StatReport.objects.visible_to(user, REVIEW.name).of_year(year).filter(
        kind=FormKind.OO1)
    if accepted_only:
        reports = reports.accepted()
    rows = (StatFigure.objects.filter(report__in=reports).values("section", "line", "column")
            .annotate(n=Sum(Coalesce("corrected", F("computed")))).order_by())
    values = {(r["section"], r["line"], r["column"]): r["n"] for r in rows}
    return values, reports.aggregate(n=Count("pk"))["n"]


@login_required
def total(request):
    user = request.user
    _allowed(user, REVIEW)
    year, years = _year_choice(request)
    accepted_only = request.GET.get("all") != "1"
    values, count = city_values(user, year, accepted_only)
    scope = _("accepted forms") if accepted_only else _("all forms")
    title = _("Form OO-1: the city's total")
    subtitle = _("%(year)s, %(scope)s: %(count)s") % {"year": year, "scope": scope,
                                                         "count": count}
    fmt = request.GET.get("export")
    if fmt in ("pdf", "xlsx", "csv"):
        return export(fmt, title, subtitle, values, f"oo-1-city-{year or ''}".replace("/", "-"))
    return render(request, "stateforms/total.html", {
        "title": title, "subtitle": subtitle, "year": year, "years": years,
        "accepted_only": accepted_only, "count": count,
        "tables": value_tables(values)})


# Files ------------------------------------------------------------------------------


def value_tables(values):
    """The form's sections with the value of each cell from ``values``."""
    return [{"section": section, "lines": [
        {"line": line, "cells": [values.get((section.code, line.code, column.code), 0)
                                 for column in section.columns]}
        for line in section.lines]} for section in compute.layout()]


def sheet_rows(title, subtitle, values):
    """The form as rows of a sheet: each section with its heading, the numbers of its
    columns and its lines, as the printed form has them."""
    rows = [[str(title)], [str(subtitle)]]
    for table in value_tables(values):
        section = table["section"]
        rows += [[], [section.title],
                 [_("Line"), _("Line No."), *[c.label for c in section.columns]],
                 ["1", "2", *[c.code for c in section.columns]]]
        rows += [[t["line"].label, t["line"].code, *t["cells"]] for t in table["lines"]]
    return rows


def export(fmt, title, subtitle, values, filename, school=None):
    if fmt == "csv":
        return csv_response(sheet_rows(title, subtitle, values), filename)
    if fmt == "xlsx":
        return xlsx_response(sheet_rows(title, subtitle, values), filename, title="OO-1")
    pdf = render_pdf("stateforms/pdf/form.html", {
        "title": title, "subtitle": subtitle, "school": school,
        "tables": value_tables(values), "portal_name": portal_name()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.pdf")
    return response


@login_required
def report_file(request, pk, fmt):
    row = _visible_report(request, pk)
    if row.state == ReportState.CREATED:
        raise Http404  # nothing calculated to print yet
    values = {(f.section, f.line, f.column): f.value for f in row.figures.all()}
    subtitle = _("%(year)s · figures as of %(day)s · %(state)s") % {
        "year": row.academic_year.name, "day": row.as_of.strftime("%d.%m.%Y"),
        "state": row.get_state_display()}
    filename = f"oo-1-{row.institution_id}-{row.academic_year.name}".replace("/", "-")
    return export(fmt, row.get_kind_display(), subtitle, values, filename,
                  school=row.institution)
