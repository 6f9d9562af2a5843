"""The reports' pages (R-REP-1, R-REP-2, R-DEP-2). A report is a page: its filters, a
sortable table, a chart where a picture says more, and the same rows as PDF, CSV and
XLSX. Thin: the rows come from progress.py, current.py and completeness.py over
querysets scoped by ``visible_to``; a user without the report's permission gets 403."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from curriculum.models import ClassMembership, SchoolClass
from journal.models import FinalMark, Tally
from portal.access import access, permission, today
from portal.branding import portal_name
from portal.exports import csv_response, xlsx_response
from portal.pdf import render_pdf
from records.models import Institution, Staff
from schedule.models import Lesson

from . import administrative, charts, completeness, current, progress
from . import schools as school_pages
from .filters import (
    CompletenessForm,
    ContingentForm,
    CurrentFilterSet,
    ProgressFilterSet,
    StaffFilterSet,
)
from .rules import (
    BUILD_REPORT,
    VIEW_COMPLETENESS,
    VIEW_CONTINGENT,
    VIEW_CURRENT,
    VIEW_MONITOR,
    VIEW_PROGRESS,
    VIEW_SCHOOL,
    VIEW_STAFF,
    VIEW_VISITS,
)
from .tables import (
    NONE,
    CompletenessTable,
    ContingentTable,
    CurrentTable,
    ProgressTable,
    StaffTable,
)

FORMATS = ("csv", "xlsx", "pdf")
PER_PAGE = 100


def schools_for(user, model, perm):
    """The schools of which the user may read some rows of ``model`` under ``perm``:
    by the school, or through a class they lead."""
    def probe(school):
        return school if model is Institution else model(institution_id=school.pk)

    schools = [school for school in Institution.objects.order_by("short_name")
               if user.has_perm(perm, probe(school))]
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


def export_table(request, fmt, table, *, title, subtitle, total=None, chart=None):
    """The table's rows (all of them, in its order) as ``fmt``."""
    return export(request, fmt, title=title, subtitle=subtitle,
                  columns=[(column.name, column.header) for column in table.columns],
                  lines=[row.record for row in table.rows], total=total, chart=chart)


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
        (VIEW_SCHOOL, "reports:schools", _("Schools"),
         _("Each school's card, year, curriculum and load, classes and movement.")),
        (VIEW_PROGRESS, "reports:progress", _("Final progress"),
         _("Excellent, good, satisfactory and failing pupils of a period; quality and "
           "success by school, grade, class and subject.")),
        (VIEW_CURRENT, "reports:current", _("Current progress and attendance"),
         _("Marks, averages, debts and lessons missed by kind, from the journal.")),
        (VIEW_COMPLETENESS, "reports:completeness", _("Journal completeness"),
         _("Per teacher: topics, registers, homework and marks of the lessons held.")),
        (VIEW_CONTINGENT, "reports:contingent", _("Contingent"),
         _("Pupils by grade, class and school as of a day: boys, girls, ages; class "
           "sizes.")),
        (VIEW_STAFF, "reports:staff", _("Staff list"),
         _("Staff with their positions, hours a week and the classes they lead.")),
        (VIEW_MONITOR, "reports:monitor", _("Regulation monitor"),
         _("Per school: which tasks of the order's regulation are done and which are late, "
           "from the school's records.")),
        ("stateforms.view_statreport", "stateforms:index", _("State statistical form ОО-1"),
         _("The school's figures as of 20 September, corrected by hand and sent to the "
           "department; the city total.")),
        (VIEW_VISITS, "reports:visits", _("Visit statistics"),
         _("Logins and page views by school, role and week; which schools' teachers and "
           "parents use the portal.")),
        (BUILD_REPORT, "reports:builder", _("Report builder"),
         _("Your own reports of pupils, staff, marks, attendance and movement: columns, "
           "filters, groups and totals, saved and shared with colleagues.")),
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
        lines, total = progress.lines(filterset.qs, group, [school.pk for school in schools])
    title = _("Final progress")
    subtitle = " · ".join(filter(None, [filterset.period_label if filterset.is_valid() else "",
                                        str(capfirst(progress.GROUPS[group]))]))
    rows = [{"label": line.label, "school": line.school, "pupils": line.pupils,
             **{name: getattr(line, name) for name in progress.CATEGORIES},
             "quality": line.quality, "success": line.success, "average": line.average}
            for line in lines]
    table = ProgressTable(_sortable(rows, ("quality", "success", "average")), group=group)
    # A city by class is some 2,000 rows: pages of 100 (the downloads hold them all).
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    ordered = [row.record for row in table.rows]
    chart = None
    if ordered:
        several = group == "class" and len({row["school"] for row in ordered}) > 1
        chart = charts.shares_chart(
            [(f"{row['school']} {row['label']}" if several else row["label"],
              [(name, row[name] / row["pupils"] if row["pupils"] else 0)
                             for name in progress.CATEGORIES]) for row in ordered],
            progress.CATEGORIES, title)
    fmt = request.GET.get("export")
    if fmt in FORMATS and total is not None:
        return export_table(request, fmt, table, title=title, subtitle=subtitle,
                            chart=chart, total={
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
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    title = _("Current progress and attendance")
    subtitle = " · ".join(filter(None, [filterset.period_label if filterset.is_valid() else "",
                                        str(capfirst(groups[group]))]))
    fmt = request.GET.get("export")
    if fmt in FORMATS and total is not None:
        return export_table(request, fmt, table, title=title, subtitle=subtitle, total=total)
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
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    title = _("Journal completeness")
    subtitle = ""
    if school:
        subtitle = (f"{school.short_name} · {form.cleaned_data['starts_on']:%d.%m.%Y}"
                    f" — {form.cleaned_data['ends_on']:%d.%m.%Y}")
    fmt = request.GET.get("export")
    if fmt in FORMATS and school:
        return export_table(request, fmt, table, title=title, subtitle=subtitle)
    return render(request, "reports/completeness.html", {
        "form": form, "table": table, "title": title, "subtitle": subtitle,
        "exports": FORMATS, "school": school,
    })


@login_required
def contingent(request):
    user = request.user
    _allowed(user, VIEW_CONTINGENT)
    schools = schools_for(user, ClassMembership, VIEW_CONTINGENT)
    form = ContingentForm(request.GET, schools=schools)
    lines, total, group = [], None, "grade"
    if form.is_valid():
        group = form.cleaned_data["group"]
        memberships = ClassMembership.objects.visible_to(user, VIEW_CONTINGENT)
        if form.cleaned_data.get("school"):
            memberships = memberships.filter(institution=form.cleaned_data["school"])
        lines, total = administrative.contingent(memberships, form.cleaned_data["day"], group)
    ages = [(age, _("under %(age)s") % {"age": age + 1} if age == administrative.AGES[0]
             else _("%(age)s and over") % {"age": age} if age == administrative.AGES[-1]
             else str(age)) for age in administrative.AGES]
    rows = [{**{k: v for k, v in line.items() if k != "ages"},
             **{f"age_{age}": n for age, n in line["ages"].items()}} for line in lines]
    table = ContingentTable(rows, group=group, ages=ages)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    title = _("Contingent")
    subtitle = ""
    if form.is_valid():
        subtitle = _("as of %(day)s") % {"day": f"{form.cleaned_data['day']:%d.%m.%Y}"}
    fmt = request.GET.get("export")
    if fmt in FORMATS and total is not None:
        total_row = {**{k: v for k, v in total.items() if k != "ages"},
                     **{f"age_{age}": n for age, n in total["ages"].items()},
                     "label": _("Total")}
        return export_table(request, fmt, table, title=title, subtitle=subtitle,
                            total=total_row)
    return render(request, "reports/contingent.html", {
        "form": form, "table": table, "total": total, "title": title,
        "subtitle": subtitle, "exports": FORMATS,
    })


@login_required
def staff_list(request):
    user = request.user
    _allowed(user, VIEW_STAFF)
    schools = schools_for(user, Staff, VIEW_STAFF)
    filterset = StaffFilterSet(request.GET, queryset=Staff.objects.visible_to(user, VIEW_STAFF),
                               schools=schools)
    lines = administrative.staff_lines(filterset.qs) if filterset.is_valid() else []
    table = StaffTable(lines, several_schools=len(schools) > 1)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    title = _("Staff list")
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return export_table(request, fmt, table, title=title, subtitle="")
    return render(request, "reports/staff.html", {
        "filter": filterset, "table": table, "title": title, "subtitle": "",
        "count": len(lines), "hours": sum(line["load"] for line in lines),
        "exports": FORMATS,
    })


@login_required
def schools(request):
    """The table of schools (R-DEP-1): the department's, or a leader's own schools."""
    user = request.user
    _allowed(user, VIEW_SCHOOL)
    readable = schools_for(user, Institution, VIEW_SCHOOL)
    lines = school_pages.school_table(readable)
    fmt = request.GET.get("export")
    columns = [("name", _("School")), ("classes", _("Classes")), ("pupils", _("Pupils")),
               ("staff", _("Staff")), ("teachers", _("Teachers")),
               ("plan_hours", _("Curriculum, hours a week")), ("arrived", _("Arrived")),
               ("left", _("Left"))]
    if fmt in FORMATS:
        return export(request, fmt, title=_("Schools"), subtitle="", columns=columns,
                      lines=[{**line, "name": line["school"].short_name} for line in lines])
    return render(request, "reports/schools.html", {
        "lines": lines, "title": _("Schools"), "subtitle": "", "exports": FORMATS,
        "columns": columns[1:],
    })


@login_required
def school(request, pk):
    """One school for the department (R-DEP-1): limited data only."""
    user = request.user
    institution = get_object_or_404(Institution, pk=pk)
    if not user.has_perm(VIEW_SCHOOL, institution):
        raise PermissionDenied
    view = school_pages.school_view(institution)
    reports = [(url, title) for perm, probe, url, title in [
        (VIEW_PROGRESS, FinalMark(institution_id=pk), "reports:progress", _("Final progress")),
        (VIEW_CURRENT, Tally(institution_id=pk), "reports:current",
         _("Current progress and attendance")),
        (VIEW_COMPLETENESS, Lesson(institution_id=pk), "reports:completeness",
         _("Journal completeness")),
        (VIEW_CONTINGENT, ClassMembership(institution_id=pk), "reports:contingent",
         _("Contingent")),
        (VIEW_STAFF, Staff(institution_id=pk), "reports:staff", _("Staff list")),
    ] if user.has_perm(perm, probe)]
    return render(request, "reports/school.html", {
        **view, "school": institution, "title": institution.short_name,
        "subtitle": str(view["year"] or ""), "reports": reports,
    })
