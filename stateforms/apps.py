from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StateFormsConfig(AppConfig):
    name = "stateforms"
    verbose_name = _("State statistical forms")
