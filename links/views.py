from django.shortcuts import render

from .models import Link


def catalog(request):
    """The catalog grouped by category: public links for visitors, all for signed-in
    users (Link.objects.visible_to)."""
    links = (Link.objects.visible_to(request.user).select_related("category", "institution")
             .order_by("category__order", "category__name", "category_id", "order", "title"))
    return render(request, "links/catalog.html", {"links": links})
