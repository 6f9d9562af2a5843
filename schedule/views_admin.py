"""Admin views of the thematic planning (R-KTP-1) beyond Wagtail's generic ones."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from journal.models import AcademicYear, TeachingAssignment
from journal.planning import default_year
from journal.views_admin import answers_403
from records.imports import ImportFileError

from . import thematic
from .forms import TopicImportForm
from .models import ThematicPlan


@answers_403
def import_topics(request, pk):
    """Topics of a plan from CSV or XLSX (order, topic, hours): a file with any bad line
    changes nothing and says what is wrong, line by line."""
    plan = get_object_or_404(
        ThematicPlan.objects.visible_to(request.user).select_related(
            "academic_year", "subject", "school_class"),
        pk=pk,
    )
    if not request.user.has_perm("schedule.change_thematicplan", plan):
        raise PermissionDenied
    errors = []
    form = TopicImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, errors = thematic.read_topics(upload.read(), upload.name)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            if not errors:
                thematic.import_topics(plan, rows, request.user)
                messages.success(request, _("Imported %(n)s topics; the lessons are filled "
                                            "in again.") % {"n": len(rows)})
                return redirect("schedule_thematicplan:edit", plan.pk)
    return TemplateResponse(request, "schedule/admin/import_topics.html", {
        "plan": plan, "form": form, "errors": errors,
    }, status=400 if errors or form.errors else 200)


@answers_403
def gap_report(request):
    """R-KTP-1: plan against lessons per class and subject — a teacher sees their own
    teaching, the deputy their school's, through the teaching assignments they may read."""
    user = request.user
    if not user.has_perm("journal.view_teachingassignment"):
        raise PermissionDenied
    visible = TeachingAssignment.objects.visible_to(user)
    years = (AcademicYear.objects.filter(pk__in=visible.values("school_class__academic_year_id"))
             .select_related("institution").order_by("institution__short_name", "-starts_on"))
    raw = request.GET.get("year")
    if raw:
        if not raw.isdigit():
            raise Http404
        year = get_object_or_404(years, pk=raw)
    else:
        year = default_year(years)
    rows = []
    if year is not None:
        assignments = (visible.filter(school_class__academic_year=year)
                       .select_related("school_class", "subject", "subgroup", "teacher__person")
                       .order_by("school_class__grade", "school_class__letter", "subject__name",
                                 "subgroup__name"))
        rows = thematic.gap_rows(year, assignments)
    return TemplateResponse(request, "schedule/admin/gap_report.html", {
        "year": year, "years": years, "rows": rows,
    })
