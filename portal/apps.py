from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class PortalConfig(AppConfig):
    # The module holds Wagtail's users app config too: say which one "portal" means.
    default = True
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models import fields

        from . import exports, ids, signals  # noqa: F401

        # The empty choice of every select in Django 6.1 says "- Select an option -",
        # which Django's Russian catalogue does not translate yet; Django's documented
        # way to change it (django.db.models.fields.BLANK_CHOICE_LABEL) is here.
        fields.BLANK_CHOICE_LABEL = _("- choose -")

        # Before any URLconf is loaded: every app's urls.py and the admin viewsets use it.
        ids.register()
        exports.install_in_wagtail()


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users admin, with the views of portal.accounts: superusers only, the
    password asked again before a change, no one's own email changed there."""

    user_viewset = "portal.accounts.UserViewSet"
