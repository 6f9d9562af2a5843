"""The announcements addressed to the token's user (R-ANN-1): the audience rule of
``AnnouncementPage.objects.visible_to`` (announcements/audience.py), the one every page,
feed and search of the announcements reads through."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from announcements.models import AnnouncementPage

from ..declare import operation
from ..schemas import AnnouncementsOut
from ..scopes import ANNOUNCEMENTS_READ

router = Router(tags=["announcements"])

MAX_LIMIT = 100


class Page(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)


@operation(router.get, "/announcements", scope=ANNOUNCEMENTS_READ, response=AnnouncementsOut,
           permission=_("`AnnouncementPage.objects.visible_to(user)`: current announcements "
                        "whose audience holds the user"),
           summary=_("Announcements addressed to the user"), description=_("Newest first."))
def announcements(request, page: Query[Page]):
    user = request.auth.user
    rows = AnnouncementPage.objects.visible_to(user)
    count = rows.count()
    items = (rows.newest_first().select_related("institution", "school_class")
             [page.offset:page.offset + page.limit])
    return {"count": count, "items": [{
        "id": item.pk, "title": item.title, "published_at": item.first_published_at,
        "audience": str(item.audience_label()),
        "school": item.institution.short_name if item.institution_id else None,
        "excerpt": item.excerpt(),
        "url": request.build_absolute_uri(item.local_url),
        "event_starts_at": (timezone.localtime(item.event_starts_at)
                            if item.event_starts_at else None),
        "event_place": item.event_place,
    } for item in items]}
