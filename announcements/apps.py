"""Announcements with audiences (R-ANN-1); see docs/architecture.md."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "announcements"
    verbose_name = _("Announcements")

    def ready(self):
        from portal import search

        from . import signals  # noqa: F401
        from .models import AnnouncementPage

        search.register(AnnouncementPage, label=_("Announcements"), key="announcements")
