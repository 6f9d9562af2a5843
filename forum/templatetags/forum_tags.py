from django import template
from django.urls import reverse

from announcements.feeds import feed_token

from .. import actions
from ..models import author_name

register = template.Library()


@register.filter
def forum_name(user):
    """How the forum names a user (surname and initials)."""
    return author_name(user)


@register.filter
def ban_text(ban):
    return actions.ban_message(ban)


@register.simple_tag(takes_context=True)
def forum_feed_url(context, section):
    """The section's feed at the user's personal address (for feed readers)."""
    user = context["request"].user
    return reverse("forum:personal_feed", args=[feed_token(user), section.pk])


@register.filter
def log_label(entry):
    """The label of a moderation log entry's action."""
    return actions.MODERATION.get(entry.action, entry.action)
