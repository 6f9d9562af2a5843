from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubjectRequestsConfig(AppConfig):
    name = "subject_requests"
    verbose_name = _("Personal data requests")
