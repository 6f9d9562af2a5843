from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinksConfig(AppConfig):
    name = "links"
    verbose_name = _("Link catalog")

    def ready(self):
        from portal import search

        from .models import Link

        search.register(Link, label=_("Links"), key="links")
