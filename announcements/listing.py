"""The announcements of one user, for the start pages: the newest few and how many
there are, in one query whatever their number (the total is a window count over the
whole filtered set, computed before the limit)."""

from django.db.models import Count, Window

from .models import AnnouncementPage


def latest_for(user, limit=5):
    items = list(AnnouncementPage.objects.visible_to(user).newest_first()
                 .select_related("institution", "school_class")
                 .annotate(total=Window(Count("pk")))[:limit])
    return items, (items[0].total if items else 0)
