"""The access matrix of announcements (R-ANN-1): whoever the user is, they read the
announcements addressed to them — the audience rule of announcements/audience.py, the
same for every role. Writing and publishing are Wagtail's page permissions, given per
school to its editorial groups (sgo_pages/actions.py)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.access import Role, Scope, cells, grant

from . import audience
from .models import AnnouncementPage


@dataclass(frozen=True)
class AudienceScope(Scope):
    """The rows whose audience includes the user (not a path of the row: its audience
    field says which of the user's relationships count)."""

    def q(self, model, context, role):
        return audience.condition(context.user)

    def test(self, obj, context, role):
        return type(obj).objects.visible_to(context.user).filter(pk=obj.pk).exists()


AUDIENCE = AudienceScope("audience", _("addressed to the user"), None, lambda c, role: None)

VIEW_ANNOUNCEMENT = "announcements.view_announcementpage"

grant(VIEW_ANNOUNCEMENT, AnnouncementPage, cells(list(Role), AUDIENCE))
