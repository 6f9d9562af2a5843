from wagtail import hooks

from . import actions


@hooks.register("register_log_actions")
def register_mail_log_actions(log_actions):
    for action, label in actions.LOG_ACTIONS.items():
        log_actions.register_action(action, label, label)
