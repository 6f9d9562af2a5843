from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SgoPagesConfig(AppConfig):
    name = "sgo_pages"
    verbose_name = _("Portal pages")

    def ready(self):
        from portal import search

        from . import signals  # noqa: F401
        from .models import DepartmentPage, SchoolPage

        search.register(SchoolPage, label=_("School pages"), key="schools")
        search.register(DepartmentPage, label=_("Department"), key="department")
