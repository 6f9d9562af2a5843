from django.shortcuts import render
from django.utils.translation import ngettext

from . import search


def results(request):
    """/search/?q=…[&kind=…][&page=…]: what the user may see that matches, counted per
    kind; one kind paginated, or the first hits of every kind."""
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    keys = {source.key for source in search.sources()}
    context = {"query": query[:search.MAX_QUERY_LENGTH], "kind": kind if kind in keys else ""}
    if query or "q" in request.GET:
        try:
            found = search.search(request.user, query,
                                  kinds=[kind] if kind in keys else None,
                                  page=request.GET.get("page") or 1, request=request)
        except search.QueryError as error:
            context["error"] = str(error)
        else:
            context["results"] = found
            context["kinds"] = [
                {"kind": k, "count_label": ngettext("%(count)d result", "%(count)d results",
                                                    k.count) % {"count": k.count}}
                for k in found.kinds]
            context["total_label"] = ngettext(
                "%(count)d result found", "%(count)d results found", found.total) % {
                "count": found.total}
    return render(request, "search/results.html", context)
