from django import template

from ..richtext import render

register = template.Library()


@register.filter
def safe_richtext(value):
    """Rich text of a page, links expanded and cleaned of anything unsafe."""
    return render(value)


@register.inclusion_tag("announcements/_latest.html", takes_context=True)
def latest_announcements(context, limit=5):
    """The newest announcements addressed to the signed-in user: the dashboard's, the
    family page's and a pupil's own page's block."""
    from ..listing import latest_for

    request = context["request"]
    items, count = latest_for(request.user, limit)
    return {"announcements": items, "count": count, "request": request}
