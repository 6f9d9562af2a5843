"""The documents register on the portal: a school's register by year, one document, its
file. Every row is read through ``Document.objects.visible_to``: a document the user may
not read is 404, and so is its file."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from portal import search
from portal.uploads import file_response
from records.models import Institution

from .models import Document, DocumentKind

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
