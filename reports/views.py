"""The reports' pages (R-REP-1, R-REP-2, R-DEP-2). A report is a page: its filters, a
sortable table, a chart where a picture says more, and the same rows as PDF, CSV and
XLSX. Thin: the rows come from progress.py, current.py and completeness.py over
querysets scoped by ``visible_to``; a user without the report's permission gets 403."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from curriculum.models import SchoolClass
from journal.models import FinalMark, Tally
from portal.access import access, permission, today
from portal.branding import portal_name
from portal.exports import csv_response, xlsx_response
from portal.pdf import render_pdf
from records.models import Institution
from schedule.models import Lesson

from . import charts, completeness, current, progress
from .filters import CompletenessForm, CurrentFilterSet, ProgressFilterSet
from .rules import VIEW_COMPLETENESS, VIEW_CURRENT, VIEW_PROGRESS
from .tables import NONE, CompletenessTable, CurrentTable, ProgressTable

FORMATS = ("csv", "xlsx", "pdf")


def schools_for(user, model, perm):
    """The schools of which the user may read some rows of ``model`` under ``perm``:
    by the school, or through a class they lead."""
    schools = [school for school in Institution.objects.order_by("short_name")
               if user.has_perm(perm, model(institution_id=school.pk))]
    led = access(user).led_class_ids
    if led:
        known = {school.pk for school in schools}
        for school_class in SchoolClass.objects.filter(pk__in=led).select_related(
                "institution"):
            probe = model(institution_id=school_class.institution_id,
                          school_class_id=school_class.pk)
            if school_class.institution_id not in known and user.has_perm(perm, probe):
                schools.append(school_class.institution)
                known.add(school_class.institution_id)
    return schools


def _allowed(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def export(request, fmt, *, title, subtitle, columns, lines, total=None, chart=None):
    """The report's rows as ``fmt``: ``columns`` are (key, heading), ``lines`` dicts."""
    header = [str(heading) for _key, heading in columns]
    body = [[_cell(line.get(key)) for key, _heading in columns] for line in lines]
    if total:
        body.append([_cell(total.get(key)) for key, _heading in columns])
    filename = f"report-{today():%Y-%m-%d}"
    if fmt == "csv":
        return csv_response([header, *body], filename)
    if fmt == "xlsx":
        return xlsx_response([header, *body], filename, title=str(title)[:31])
    # xhtml2pdf slows sharply as one table grows: tables of 40 rows.
    chunks = [body[start:start + 40] for start in range(0, len(body), 40)] or [[]]
    pdf = render_pdf("reports/pdf/report.html", {
        "title": title, "subtitle": subtitle, "header": header, "body_chunks": chunks,
        "has_total": total is not None, "portal_name": portal_name(),
        "chart": charts.data_uri(chart) if chart else None, "day": today()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def _cell(value):
    return "" if value in (None, NONE) else value


def _sortable(lines, keys):
    """The rows with None as NONE in ``keys``, so that every column sorts."""
    return [{**line, **{key: NONE for key in keys if line.get(key) is None}}
            for line in lines]


@login_required
def index(request):
    user = request.user
    reports = [(url, title, text) for perm, url, title, text in [
        (VIEW_PROGRESS, "reports:progress", _("Final progress"),
         _("Excellent, good, satisfactory and failing pupils of a period; quality and "
           "success by school, grade, class and subject.")),
        (VIEW_CURRENT, "reports:current", _("Current progress and attendance"),
         _("Marks, averages, debts and lessons missed by kind, from the journal.")),
        (VIEW_COMPLETENESS, "reports:completeness", _("Journal completeness"),
         _("Per teacher: topics, registers, homework and marks of the lessons held.")),
    ] if user.has_perm(perm)]
    if not reports:
        raise PermissionDenied
    return render(request, "reports/index.html", {"reports": reports})


@login_required
def final_progress(request):
    user = request.user
    _allowed(user, VIEW_PROGRESS)
    schools = schools_for(user, FinalMark, VIEW_PROGRESS)
    base = FinalMark.objects.visible_to(user, VIEW_PROGRESS).filter(kind="period").exclude(
        value="")
    filterset = ProgressFilterSet(request.GET, queryset=base, schools=schools)
    lines, total, group = [], None, "class"
    if filterset.is_valid():
        group = filterset.grouping
        lines, total = progress.lines(filterset.qs, group)
    title = _("Final progress")
    subtitle = " · ".join(filter(None, [filterset.period_label if filterset.is_valid() else "",
                                        str(capfirst(progress.GROUPS[group]))]))
    rows = [{"label": line.label, "school": line.school, "pupils": line.pupils,
             **{name: getattr(line, name) for name in progress.CATEGORIES},
             "quality": line.quality, "success": line.success, "average": line.average}
            for line in lines]
    table = ProgressTable(_sortable(rows, ("quality", "success", "average")), group=group)
    RequestConfig(request, paginate=False).configure(table)
    ordered = [row.record for row in table.rows]
    chart = None
    if ordered:
        chart = charts.shares_chart(
            [(row["label"], [(name, row[name] / row["pupils"] if row["pupils"] else 0)
                             for name in progress.CATEGORIES]) for row in ordered],
            progress.CATEGORIES, title)
    fmt = request.GET.get("export")
    if fmt in FORMATS and total is not None:
        columns = [(column.name, column.header) for column in table.columns]
        return export(request, fmt, title=title, subtitle=subtitle, columns=columns,
                      lines=ordered, chart=chart, total={
                          "label": total.label, "pupils": total.pupils,
                          **{name: getattr(total, name) for name in progress.CATEGORIES},
                          "quality": total.quality, "success": total.success,
                          "average": total.average})
    return render(request, "reports/progress.html", {
        "filter": filterset, "table": table, "total": total, "chart": chart,
        "title": title, "subtitle": subtitle, "group": group,
        "categories": progress.CATEGORIES, "exports": FORMATS,
    })


@login_required
def current_progress(request):
    user = request.user
    _allowed(user, VIEW_CURRENT)
    schools = schools_for(user, Tally, VIEW_CURRENT)
    tallies = Tally.objects.visible_to(user, VIEW_CURRENT)
    classes = (SchoolClass.objects.filter(academic_year__is_current=True,
                                          institution__in=[s.pk for s in schools])
               .select_related("institution").order_by("institution__short_name", "grade",
                                                        "letter"))
    led = access(user).led_class_ids
    if not any(user.has_perm(VIEW_CURRENT, Tally(institution_id=s.pk)) for s in schools):
        classes = classes.filter(pk__in=led)
    filterset = CurrentFilterSet(request.GET, queryset=tallies, schools=schools,
                                 classes=classes)
    # Pupil by pupil only for who reads the pupils' marks: never the department's
    # limited reading, which sees classes at most.
    groups = dict(current.GROUPS)
    if permission(VIEW_CURRENT).is_limited_for(user):
        groups.pop("pupil")
    group = request.GET.get("group") or ("school" if len(schools) > 1 else "class")
    if group not in groups:
        group = "class"
    lines, total = [], None
    if filterset.is_valid():
        lines, total = current.rows(filterset.qs, group)
    table = CurrentTable(_sortable(lines, ("marks_per_pupil", "average", "missed_per_pupil")),
                         label=capfirst(groups[group]))
    RequestConfig(request, paginate=False).configure(table)
    title = _("Current progress and attendance")
    subtitle = " · ".join(filter(None, [filterset.period_label if filterset.is_valid() else "",
                                        str(capfirst(groups[group]))]))
    fmt = request.GET.get("export")
    if fmt in FORMATS and total is not None:
        columns = [(column.name, column.header) for column in table.columns]
        return export(request, fmt, title=title, subtitle=subtitle, columns=columns,
                      lines=[row.record for row in table.rows], total=total)
    return render(request, "reports/current.html", {
        "filter": filterset, "table": table, "total": total, "title": title,
        "subtitle": subtitle, "groups": groups, "group": group, "exports": FORMATS,
    })


@login_required
def journal_completeness(request):
    user = request.user
    _allowed(user, VIEW_COMPLETENESS)
    schools = schools_for(user, Lesson, VIEW_COMPLETENESS)
    form = CompletenessForm(request.GET, schools=schools)
    lines = []
    school = None
    if form.is_valid():
        school = form.cleaned_data["school"]
        lessons = Lesson.objects.visible_to(user, VIEW_COMPLETENESS).filter(institution=school)
        lines = completeness.rows(lessons, form.cleaned_data["starts_on"],
                                  form.cleaned_data["ends_on"])
    table = CompletenessTable(_sortable(lines, ("with_topic", "with_register",
                                                "with_homework", "marks_per_pupil")))
    RequestConfig(request, paginate=False).configure(table)
    title = _("Journal completeness")
    subtitle = ""
    if school:
        subtitle = (f"{school.short_name} · {form.cleaned_data['starts_on']:%d.%m.%Y}"
                    f" — {form.cleaned_data['ends_on']:%d.%m.%Y}")
    fmt = request.GET.get("export")
    if fmt in FORMATS and school:
        columns = [(column.name, column.header) for column in table.columns]
        return export(request, fmt, title=title, subtitle=subtitle, columns=columns,
                      lines=[row.record for row in table.rows])
    return render(request, "reports/completeness.html", {
        "form": form, "table": table, "title": title, "subtitle": subtitle,
        "exports": FORMATS, "school": school,
    })
