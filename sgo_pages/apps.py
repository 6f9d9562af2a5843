from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SgoPagesConfig(AppConfig):
    name = "sgo_pages"
    verbose_name = _("Portal pages")
