from wagtail import hooks

from . import actions


@hooks.register("register_log_actions")
def register_forum_log_actions(registry):
    for action, label in actions.MODERATION.items():
        registry.register_action(action, label, label)
