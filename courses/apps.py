from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and materials")

    def ready(self):
        from portal import search

        from .models import Course

        # The portal's search box finds the courses a user may see (portal/search.py).
        # «Courses» alone is the diary's word for a pupil's subjects: this one is
        # the learning courses'.
        search.register(Course, label=pgettext_lazy("learning", "Courses"), key="courses")
