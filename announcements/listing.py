"""The announcements of one user, for the start pages: the newest few and how many
there are, in two queries whatever their number."""

from .models import AnnouncementPage


def latest_for(user, limit=5):
    announcements = AnnouncementPage.objects.visible_to(user)
    items = list(announcements.newest_first().select_related("institution", "school_class")
                 [:limit])
    count = len(items) if len(items) < limit else announcements.count()
    return items, count
