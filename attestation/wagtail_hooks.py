from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .actions import COMPUTED, EXAM_DELETED, EXAM_SAVED, MARK_CHANGED


@hooks.register("register_log_actions")
def register_attestation_log_actions(actions):
    actions.register_action(EXAM_SAVED, _("State exam saved"), _("State exam saved"))
    actions.register_action(EXAM_DELETED, _("State exam deleted"), _("State exam deleted"))
    actions.register_action(COMPUTED, _("Certificate marks computed"),
                            _("Certificate marks computed"))
    actions.register_action(MARK_CHANGED, _("Certificate mark changed"),
                            _("Certificate mark changed"))
