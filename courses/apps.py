from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and materials")

    def ready(self):
        from portal import search

        from .models import Course

        # The portal's search box finds the courses a user may see (portal/search.py).
        search.register(Course, label=_("Courses"), key="courses")
