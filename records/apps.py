from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Records")

    def ready(self):
        # The person, roles, own pupil rows and children of a user (portal/access.py).
        from . import user_facts  # noqa: F401
