from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .actions import TOKEN_CREATED, TOKEN_REVOKED


@hooks.register("register_log_actions")
def register_api_log_actions(actions):
    actions.register_action(TOKEN_CREATED, _("API key created"), _("API key created"))
    actions.register_action(TOKEN_REVOKED, _("API key revoked"), _("API key revoked"))
