from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = _("Journal")

    def ready(self):
        from schedule.models import JOURNAL_DATA

        from .models import Attendance, Homework, Mark, Task

        # Lessons holding marks, attendance or homework are never rewritten or deleted
        # by a regeneration of the timetable (schedule/lessons.py).
        JOURNAL_DATA.extend([(Task, "lesson"), (Mark, "lesson"), (Attendance, "lesson"),
                             (Homework, "lesson")])
