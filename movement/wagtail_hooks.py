from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .actions import ACTION, ARRIVAL_ACCEPTED, ARRIVAL_DECLINED
from .models import MovementKind

LOGGED = {
    MovementKind.ENROLMENT: _("Enrolled by order"),
    MovementKind.TRANSFER: _("Transferred to another class by order"),
    MovementKind.PROMOTION: _("Promoted to the next grade by order"),
    MovementKind.REPEAT: _("Left to repeat the year by order"),
    MovementKind.GRADUATION: _("Graduated by order"),
    MovementKind.LEAVING: _("Left the school by order"),
    MovementKind.CANCELLATION: _("Movement cancelled by order"),
}


@hooks.register("register_log_actions")
def register_movement_log_actions(actions):
    for kind, label in LOGGED.items():
        actions.register_action(ACTION.format(kind=kind), label, label)
    actions.register_action(ARRIVAL_ACCEPTED, _("Arriving pupil accepted"),
                            _("Arriving pupil accepted"))
    actions.register_action("movement.rollover", _("Year rolled over"),
                            _("Year rolled over"))
    actions.register_action(ARRIVAL_DECLINED, _("Arriving pupil declined"),
                            _("Arriving pupil declined"))
