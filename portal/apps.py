from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from . import exports, ids, signals  # noqa: F401

        # Before any URLconf is loaded: every app's urls.py and the admin viewsets use it.
        ids.register()
        exports.install_in_wagtail()
