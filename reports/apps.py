import atexit

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from allauth.account.signals import user_logged_in

        from . import (
            rules,  # noqa: F401  (the matrix rows of the reports)
            visits,
        )

        # Visit statistics (R-DEP-4): logins through allauth, counted in the process.
        user_logged_in.connect(visits.record_login, dispatch_uid="reports.visits.login")
        if settings.VISITS_FLUSH_SECONDS is not None:
            atexit.register(visits.flush_at_exit)
