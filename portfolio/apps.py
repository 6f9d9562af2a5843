from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self):
        from portal import search

        from .models import Achievement, Project

        # Search runs inside visible_to: the public items for a visitor, and for a
        # signed-in user also the private items of the portfolios they read.
        search.register(Achievement, label=_("Achievements"), key="achievements")
        search.register(Project, label=_("Projects"), key="projects")
