"""The product's own name, configurable per installation (e.g. the city's): the portal
pages, the admin, e-mails and PDFs all say it. Never another product's trademark."""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext


def portal_name():
    return settings.PORTAL_NAME or gettext("School portal")


portal_name_lazy = lazy(portal_name, str)


def branding(request):
    """Template context: ``portal_name``."""
    return {"portal_name": portal_name()}
