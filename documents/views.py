"""The documents register on the portal: a school's register by year, one document, its
file. Every row is read through ``Document.objects.visible_to``: a document the user may
not read is 404, and so is its file. Below it, the generated documents (R-DOC-1): issuing
one about a pupil or a class, the register of issued documents and their PDFs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from curriculum.models import SchoolClass
from portal import search
from portal.uploads import file_response
from records.models import Institution, Pupil

from . import actions
from .filters import IssuedDocumentFilter
from .forms import IssueForm
from .models import Document, DocumentKind, IssuedDocument, IssuedKind
from .rules import ISSUE_CLASS_LIST, ISSUE_DOCUMENT
from .tables import IssuedDocumentTable

PER_PAGE = 50


def visible_document(request, pk):
    return get_object_or_404(Document.objects.visible_to(request.user)
                             .select_related("institution"), pk=pk)


def register(request, institution_id):
    """A school's register: the years with documents the user may read, one year's
    documents (the latest by default), filtered by kind, or searched."""
    institution = get_object_or_404(Institution, pk=institution_id)
    documents = Document.objects.visible_to(request.user).filter(institution=institution)
    years = [day.year for day in documents.dates("date", "year", order="DESC")]
    # The filter by kind keeps the years of the whole register.
    kind = request.GET.get("kind", "")
    if kind not in DocumentKind.values:
        kind = ""
    if kind:
        documents = documents.filter(kind=kind)
    query, error = request.GET.get("q", ""), ""
    year = None
    if query:
        try:
            rows = search.search_rows(request.user, query, documents)
        except search.QueryError as problem:
            error, rows = str(problem), documents.none()
    else:
        try:
            year = int(request.GET.get("year") or (years[0] if years else 0))
        except ValueError:
            year = years[0] if years else None
        if year not in years:
            year = years[0] if years else None
        rows = documents.of_year(year) if year else documents.none()
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "documents/register.html", {
        "institution": institution, "years": years, "year": year, "kind": kind,
        "kinds": DocumentKind.choices, "query": query, "error": error, "page": page,
    })


def document(request, pk):
    return render(request, "documents/document.html",
                  {"document": visible_document(request, pk)})


def document_file(request, pk):
    document = visible_document(request, pk)
    if not document.file:
        raise Http404
    try:
        return file_response(document.file)
    except FileNotFoundError:
        raise Http404 from None


# Generated documents (R-DOC-1) ----------------------------------------------------------

ISSUED_PER_PAGE = 50


@login_required
def issue_for_pupil(request, pupil_id):
    """The pupil's card's «Issue a document»: the kind (and a certificate's
    destination), then the register's row with its PDF. A pupil the user may not issue
    about is 404 when they cannot see the pupil, 403 when they can."""
    pupil = get_object_or_404(
        Pupil.objects.visible_to(request.user).select_related(
            "person", "institution", "school_class__academic_year"), pk=pupil_id)
    if not request.user.has_perm(ISSUE_DOCUMENT.name, pupil):
        raise PermissionDenied
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = actions.issue(request.user, form.cleaned_data["kind"], pupil=pupil,
                                   destination=form.cleaned_data["destination"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return issued_done(request, issued)
    return render(request, "documents/issue.html", {"pupil": pupil, "form": form})


@login_required
@require_POST
def issue_class_list(request, class_id):
    school_class = get_object_or_404(
        SchoolClass.objects.visible_to(request.user).select_related(
            "institution", "academic_year", "class_teacher__person"), pk=class_id)
    if not request.user.has_perm(ISSUE_CLASS_LIST.name, school_class):
        raise PermissionDenied
    try:
        issued = actions.issue(request.user, IssuedKind.CLASS_LIST, school_class=school_class)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("journal:class", pk=school_class.pk)
    return issued_done(request, issued)


def issued_done(request, issued):
    messages.success(request, _("%(document)s is issued: download it from the register.")
                     % {"document": issued})
    return redirect(f"{reverse('documents:issued')}?year={issued.year}#issued-{issued.pk}")


@login_required
def issued_register(request):
    """The register of issued documents of the schools the user issues in: filtered by
    school, kind, year and whom it is about, newest first; a fixed number of queries
    whatever its size."""
    user = request.user
    if not user.has_perm("documents.view_issueddocument"):
        raise PermissionDenied
    rows = (IssuedDocument.objects.visible_to(user)
            .select_related("institution", "issued_by__person"))
    institutions = Institution.objects.filter(
        pk__in=rows.order_by().values("institution_id")).order_by("short_name")
    filters = IssuedDocumentFilter(request.GET or None, queryset=rows,
                                   institutions=institutions)
    table = IssuedDocumentTable(filters.qs, user=user,
                                row=IssuedDocument(institution_id=0))
    table.row_attrs = {"id": lambda record: f"issued-{record.pk}"}
    RequestConfig(request, paginate={"per_page": ISSUED_PER_PAGE}).configure(table)
    return render(request, "documents/issued.html", {"filter": filters, "table": table})


@login_required
def issued_file(request, pk):
    """The PDF of an issued document, as a download (``portal.uploads.file_response``:
    nosniff, sandbox, no-store)."""
    issued = get_object_or_404(IssuedDocument.objects.visible_to(request.user), pk=pk)
    if not issued.file:
        raise Http404
    try:
        return file_response(issued.file, attachment=True)
    except FileNotFoundError:
        raise Http404 from None
