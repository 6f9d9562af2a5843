from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from curriculum.wagtail_hooks import CurriculumViewSetGroup, TarifficationPage
from portal.viewsets import AdminPageViewSet

from . import views_admin
from .rules import CLOSE_PERIOD


class PeriodsPage(AdminPageViewSet):
    """R-JRN-4: closing and reopening the periods of a year, with the finals missing."""

    name = "journal_periods"
    url_prefix = "journal/periods"
    icon = "lock"
    menu_label = _("Closing periods")
    permission_required = CLOSE_PERIOD

    def get_view(self):
        return views_admin.periods


# The page stands in the curriculum's menu, after the teacher load, as it always did.
CurriculumViewSetGroup.items.insert(CurriculumViewSetGroup.items.index(TarifficationPage) + 1,
                                    PeriodsPage)


@hooks.register("register_log_actions")
def register_journal_log_actions(actions):
    # The messages name no pupil and no value: a lesson's history is read by more people
    # than its journal. The cell's own history shows old and new values to its readers.
    actions.register_action("journal.mark", _("Mark changed"), _("Mark changed"))
    actions.register_action("journal.attendance", _("Attendance changed"),
                            _("Attendance changed"))
    actions.register_action("journal.final", _("Final mark changed"), _("Final mark changed"))
    actions.register_action("journal.topic", _("Topic changed"), _("Topic changed"))
    actions.register_action("journal.homework", _("Homework changed"), _("Homework changed"))
    actions.register_action("journal.period_closed", _("Period closed"), _("Period closed"))
    actions.register_action("journal.period_reopened", _("Period reopened"),
                            _("Period reopened"))
