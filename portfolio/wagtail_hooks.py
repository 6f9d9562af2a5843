from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import actions


@hooks.register("register_log_actions")
def register_portfolio_log_actions(registry):
    # The messages name nobody: a project's history is read by more people than a
    # pupil's portfolio.
    for action, label in [
        (actions.MADE_PUBLIC, _("Made public")),
        (actions.PROPOSED_PUBLIC, _("Proposed to make public")),
        (actions.APPROVED_PUBLIC, _("Parent approved making it public")),
        (actions.MADE_PRIVATE, _("Made private")),
        (actions.NAME_APPROVED, _("Parent allowed naming the participant")),
        (actions.NAME_WITHDRAWN, _("Parent withdrew naming the participant")),
    ]:
        registry.register_action(action, label, label)
