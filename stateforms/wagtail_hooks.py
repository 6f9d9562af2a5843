from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import actions


@hooks.register("register_log_actions")
def register_stateform_log_actions(log_actions):
    for action, label in [
        (actions.CALCULATED, _("Statistical form calculated")),
        (actions.CORRECTED, _("Figure of a statistical form corrected")),
        (actions.SENT, _("Statistical form sent to the department")),
        (actions.RETURNED, _("Statistical form returned to the school")),
        (actions.ACCEPTED, _("Statistical form accepted")),
    ]:
        log_actions.register_action(action, label, label)
