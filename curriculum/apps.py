from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = _("Curriculum")

    def ready(self):
        # The classes a user leads and teaches (portal/access.py).
        from . import user_facts  # noqa: F401
