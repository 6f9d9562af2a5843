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

        from django.db.models.signals import post_save, pre_save

        from curriculum.models import MarkType

        from . import tallies

        # A mark type's new weight changes every weighted sum of its marks: the tallies
        # of the current years are counted again by the task worker.
        pre_save.connect(tallies.remember_weight, sender=MarkType,
                         dispatch_uid="tallies_weight_before")
        post_save.connect(tallies.weight_changed, sender=MarkType,
                          dispatch_uid="tallies_weight_after")
