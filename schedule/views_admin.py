"""Admin views of the thematic planning (R-KTP-1) beyond Wagtail's generic ones.

The timetable import in the admin (R-SCH-3): upload, mapping of the names that do not
match, preview, apply. The file waits in the session between the steps; the mapping is
kept per school and file (by its hash), so a user who maps two teachers and uploads the
same file again finds them mapped."""

import base64
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from curriculum.models import AcademicYear, TeachingAssignment
from curriculum.planning import default_year
from curriculum.views_admin import answers_403
from portal.exports import csv_response
from portal.ids import id_or_404
from records.imports import ImportFileError
from records.models import Institution

from . import imports, thematic
from .forms import ImportForm, TopicImportForm, importing_institutions
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
    if not user.has_perm("curriculum.view_teachingassignment"):
        raise PermissionDenied
    visible = TeachingAssignment.objects.visible_to(user)
    years = (AcademicYear.objects.filter(pk__in=visible.values("school_class__academic_year_id"))
             .select_related("institution").order_by("institution__short_name", "-starts_on"))
    raw = request.GET.get("year")
    if raw:
        year = get_object_or_404(years, pk=id_or_404(raw))
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


SESSION_KEY = "schedule_import"
MAPPINGS_KEY = "schedule_import_mappings"
KEEP_MAPPINGS = 10  # files whose mappings the session remembers
MAX_MAPPED = 2000


def allowed_or_403(request):
    allowed = importing_institutions(request.user)
    if not allowed:
        raise PermissionDenied
    return allowed


@answers_403
def import_timetable(request):
    """Step 1: the file, the school, the year and the dates."""
    allowed_or_403(request)
    context = {"columns": imports.CSV_COLUMNS}
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            content = upload.read()
            try:
                parsed = imports.read_file(content, upload.name)
            except imports.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                if parsed.errors:
                    context["errors"] = parsed.errors
                else:
                    request.session[SESSION_KEY] = {
                        "hash": imports.file_hash(content), "filename": upload.name,
                        "content": base64.b64encode(content).decode("ascii"),
                        "institution": data["institution"].pk,
                        "year": data["academic_year"].pk,
                        "valid_from": data["valid_from"].isoformat(),
                        "valid_to": data["valid_to"].isoformat(),
                    }
                    return redirect("schedule_import_review")
    else:
        form = ImportForm(user=request.user)
    context["form"] = form
    return TemplateResponse(request, "schedule/import.html", context)


@answers_403
def import_sample(request):
    allowed_or_403(request)
    rows = [line.split(";") for line in imports.SAMPLE_CSV.splitlines()]
    return csv_response(rows, "timetable-sample")


class StoredImport:
    """The uploaded file of this session, read again for each step."""

    def __init__(self, request, allowed):
        stored = request.session[SESSION_KEY]
        self.hash = stored["hash"]
        self.filename = stored["filename"]
        self.institution = get_object_or_404(
            Institution.objects.filter(pk__in=[i.pk for i in allowed]),
            pk=stored["institution"])
        self.year = get_object_or_404(AcademicYear, pk=stored["year"],
                                      institution=self.institution)
        self.valid_from = datetime.date.fromisoformat(stored["valid_from"])
        self.valid_to = datetime.date.fromisoformat(stored["valid_to"])
        self.parsed = imports.read_file(base64.b64decode(stored["content"]), self.filename)
        self.mapping_key = f"{self.institution.pk}:{self.hash}"
        self.mapping = request.session.get(MAPPINGS_KEY, {}).get(self.mapping_key, {})

    def plan(self):
        return imports.build_plan(self.parsed, self.institution, self.year, self.valid_from,
                                  self.valid_to, self.mapping)

    def save_mapping(self, request, post):
        mapping = {kind: dict(values) for kind, values in self.mapping.items()}
        try:
            count = min(int(post.get("count", 0)), MAX_MAPPED)
        except ValueError:
            count = 0
        for n in range(count):
            kind, key = post.get(f"kind-{n}", ""), post.get(f"key-{n}", "")
            value = post.get(f"value-{n}", "")
            if kind not in imports.KIND_LABELS or not key:
                continue
            mapping.setdefault(kind, {})[key] = value[:20]
        mappings = request.session.get(MAPPINGS_KEY, {})
        mappings.pop(self.mapping_key, None)
        mappings[self.mapping_key] = mapping
        while len(mappings) > KEEP_MAPPINGS:
            mappings.pop(next(iter(mappings)))
        request.session[MAPPINGS_KEY] = mappings
        self.mapping = mapping


@answers_403
def import_review(request):
    """Step 2: the mapping screen and the preview; step 3: apply."""
    allowed = allowed_or_403(request)
    if SESSION_KEY not in request.session:
        messages.error(request, _("Upload the file again: the preview has expired."))
        return redirect("schedule_import")
    stored = StoredImport(request, allowed)
    if request.method == "POST" and request.POST.get("hash") != stored.hash:
        messages.error(request, _("Another file has been uploaded since: check its preview."))
        return redirect("schedule_import_review")
    if request.method == "POST" and "map" in request.POST:
        stored.save_mapping(request, request.POST)
        return redirect("schedule_import_review")
    if request.method == "POST" and "apply" in request.POST:
        try:
            report = imports.apply_import(stored.parsed, stored.institution, stored.year,
                                          stored.valid_from, stored.valid_to, stored.mapping)
        except imports.PlanChanged:
            messages.error(request, _("The import has not been applied: the file no longer "
                                      "matches the school's data. Check the preview again."))
            return redirect("schedule_import_review")
        del request.session[SESSION_KEY]
        return TemplateResponse(request, "schedule/import_done.html", {
            "report": report, "stored": stored})
    plan = stored.plan()
    return TemplateResponse(request, "schedule/import_review.html", {
        "plan": plan, "stored": stored})
