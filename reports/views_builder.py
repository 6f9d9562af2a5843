"""The report builder's pages (R-REP-3, R-REP-4): the list of one's own and shared
reports, the form with its preview, a saved report's page with its downloads. Thin: the
columns, the checks and the queries are reports/builder.py's, the changes
reports/actions.py's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tables2 import RequestConfig

from . import actions, builder
from .forms import BuilderForm, FilterFormSet
from .models import SavedReport
from .rules import BUILD_REPORT
from .tables import BuilderTable
from .views import FORMATS, PER_PAGE, _allowed, export

PREVIEW_ROWS = 50
# Rows a download holds at most: beyond, the reader narrows the filters or groups.
EXPORT_LIMITS = {"csv": 100_000, "xlsx": 50_000, "pdf": 2_000}


def _source(user, key):
    source = builder.SOURCES.get(key)
    if source is None or not user.has_perm(source.permission):
        raise Http404
    return source


def _readable_report(user, pk):
    return get_object_or_404(SavedReport.objects.visible_to(user), pk=pk)


@login_required
def index(request):
    user = request.user
    _allowed(user, BUILD_REPORT)
    reports = SavedReport.objects.visible_to(user).select_related("institution", "owner")
    for report in reports:
        source = builder.SOURCES.get(report.source)
        report.source_label = source.label if source else ""
    own = [report for report in reports if report.owner_id == user.pk]
    shared = [report for report in reports if report.owner_id != user.pk]
    return render(request, "reports/builder/index.html", {
        "title": _("Report builder"), "own": own, "shared": shared,
        "sources": builder.sources_for(user),
    })


def _form_page(request, source, report=None):
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = BuilderForm(data, user=user, source=source,
                       initial=BuilderForm.initial_for(report, source))
    readable = form.readable
    initial_filters = (builder.Definition.from_json(report.definition).filters
                       if report else [])
    filters = FilterFormSet(data, columns=readable, prefix="f", initial=initial_filters)
    result = table = the_plan = None
    if data is not None and form.is_valid() and filters.is_valid():
        definition = form.definition(filters.filters())
        if "save" in request.POST:
            target = report or SavedReport(source=source.key)
            target.title = form.cleaned_data["title"]
            target.definition = definition.as_json()
            target.audience = form.cleaned_data["audience"]
            target.role = form.cleaned_data["role"]
            target.institution_id = form.cleaned_data["institution"]
            try:
                actions.save(user, target)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The report «%(title)s» is saved.")
                                 % {"title": target.title})
                return redirect("reports:builder_report", pk=target.pk)
        else:
            try:
                the_plan = builder.plan(user, source, definition)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                result = builder.run(user, the_plan)
                table = BuilderTable.of(result, list(result.rows[:PREVIEW_ROWS]),
                                        orderable=False)
    return render(request, "reports/builder/form.html", {
        "title": _("Change the report") if report else _("New report: %(source)s")
        % {"source": source.label},
        "form": form, "filters": filters, "source": source, "report": report,
        "result": result, "table": table, "preview_rows": PREVIEW_ROWS,
        "plan": the_plan,
    })


@login_required
def new(request, source):
    user = request.user
    _allowed(user, BUILD_REPORT)
    return _form_page(request, _source(user, source))


@login_required
def edit(request, pk):
    user = request.user
    report = _readable_report(user, pk)
    if not user.has_perm("reports.change_savedreport", report):
        raise PermissionDenied
    return _form_page(request, _source(user, report.source), report)


@login_required
def report(request, pk):
    user = request.user
    saved = _readable_report(user, pk)
    source = builder.SOURCES.get(saved.source)
    if source is None or not user.has_perm(source.permission):
        # Shared with a reader who reads none of its source's rows.
        raise PermissionDenied
    try:
        the_plan = builder.plan(user, source, builder.Definition.from_json(saved.definition))
    except ValidationError:
        raise Http404 from None  # a definition broken by hand in the database
    result = table = None
    if the_plan.columns or the_plan.group_by:
        result = builder.run(user, the_plan)
        # Groups are read at once (a page's count would run the grouping again); rows
        # are paged by the database.
        rows = list(result.rows) if result.grouped else result.rows
        table = BuilderTable.of(result, rows, order_by=_order(the_plan))
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    fmt = request.GET.get("export")
    if fmt in FORMATS and result is not None:
        count = len(rows) if result.grouped else result.rows.count()
        if count > EXPORT_LIMITS[fmt]:
            messages.error(request, ngettext(
                "A %(format)s download holds at most %(limit)s row; the report has "
                "%(count)s. Narrow it with a filter or group it.",
                "A %(format)s download holds at most %(limit)s rows; the report has "
                "%(count)s. Narrow it with a filter or group it.",
                EXPORT_LIMITS[fmt]) % {"format": fmt.upper(), "limit": EXPORT_LIMITS[fmt],
                                       "count": count})
            return redirect("reports:builder_report", pk=saved.pk)
        actions.read(user, saved, the_plan, fmt)
        return _download(request, fmt, saved, source, table)
    if result is not None:
        actions.read(user, saved, the_plan)
    return render(request, "reports/builder/report.html", {
        "title": saved.title, "report": saved, "source": source, "plan": the_plan,
        "result": result, "table": table, "exports": FORMATS,
        "may_change": user.has_perm("reports.change_savedreport", saved),
        "audience": _audience_label(saved),
    })


def _order(the_plan):
    if not the_plan.order:
        return None
    key = the_plan.order.lstrip("-")
    sign = "-" if the_plan.order.startswith("-") else ""
    column = the_plan.source.column(key)
    if the_plan.group_by and column not in the_plan.group_by:
        return f"{sign}a_{key}"
    return f"{sign}c_{key}"


def _download(request, fmt, saved, source, table):
    columns = [(column.name, column.header) for column in table.columns]
    cells = {column.name: column.column.source_column for column in table.columns}
    lines = [{name: builder.cell(cells[name], row.record.get(name)) for name, _h in columns}
             for row in table.rows]
    total = None
    if table.total:
        total = {name: builder.cell(cells[name], value) for name, value in table.total.items()}
    return export(request, fmt, title=saved.title, subtitle=str(source.label),
                  columns=columns, lines=lines, total=total)


def _audience_label(saved):
    label = str(saved.get_audience_display())
    if saved.role:
        label += f" · {saved.get_role_display()}"
    if saved.institution_id:
        label += f" · {saved.institution.short_name}"
    return label


@login_required
def delete(request, pk):
    user = request.user
    saved = _readable_report(user, pk)
    if not user.has_perm("reports.delete_savedreport", saved):
        raise PermissionDenied
    if request.method == "POST":
        actions.delete(user, saved)
        messages.success(request, _("The report «%(title)s» is deleted.")
                         % {"title": saved.title})
        return redirect("reports:builder")
    return render(request, "reports/builder/delete.html", {
        "title": _("Delete the report"), "report": saved})
