from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.viewsets import PermissionMenuItem

from . import actions, views
from .rules import VIEW_REGISTER


@hooks.register("register_log_actions")
def register_request_log_actions(log_actions):
    for action, label in [
        (actions.FILED, _("Request filed")),
        (actions.TAKEN, _("Request taken into work")),
        (actions.ANSWERED, _("Request answered")),
        (actions.REFUSED, _("Request refused")),
        (actions.CORRECTED, _("Data corrected at the request")),
        (actions.ERASED, _("Data erased at the request")),
        (views.COPY_ISSUED, _("Copy of personal data issued")),
    ]:
        log_actions.register_action(action, label, label)


@hooks.register("register_admin_menu_item")
def register_requests_menu_item():
    # The register is a portal page (django-tables2); its keepers and the department
    # reach it from the admin's menu too.
    return PermissionMenuItem(_("Personal data requests"), reverse("subject_requests:register"),
                              VIEW_REGISTER.name, icon_name="mail", order=265)
