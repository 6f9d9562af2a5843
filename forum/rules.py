"""The access matrix of the forum (R-FRM-1): whatever role the user holds, a section's
audience and its moderators decide (forum/audience.py), so every role's cell is the
same scope, and the rule is the one every ``visible_to`` of the forum applies."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.access import Role, Scope, cells, grant

from . import audience
from .audience import (
    MODERATE_SECTION,
    VIEW_ATTACHMENT,
    VIEW_POST,
    VIEW_SECTION,
    VIEW_TOPIC,
    WRITE_IN_SECTION,
)
from .models import Attachment, Post, Section, Topic


@dataclass(frozen=True)
class SectionScope(Scope):
    """The rows of the sections the rule lets the user reach: not a path of the row,
    but the section's audience, its moderators and the user's bans."""

    perm: str = ""

    def q(self, model, context, role):
        return audience.condition_q(model, context.user, self.perm)

    def test(self, obj, context, role):
        return audience.allows(context.user, self.perm, obj)


def section_scope(key, label, perm):
    return SectionScope(key, label, None, lambda c, role: None, perm=perm)


READERS = section_scope("forum_readers", _("the section's audience and moderators"),
                        VIEW_SECTION)
TOPIC_READERS = section_scope("forum_topic_readers",
                              _("the section's audience and moderators"), VIEW_TOPIC)
POST_READERS = section_scope("forum_post_readers",
                             _("the section's audience; hidden posts: its moderators"),
                             VIEW_POST)
ATTACHMENT_READERS = section_scope(
    "forum_attachment_readers", _("the section's audience; of hidden posts: its moderators"),
    VIEW_ATTACHMENT)
WRITERS = section_scope("forum_writers",
                        _("the section's audience and moderators, unless banned"),
                        WRITE_IN_SECTION)
MODERATORS = section_scope("forum_moderators", _("the section's moderators"),
                           MODERATE_SECTION)
# Every scope of the forum (tests/portal/test_access_matrix.py knows them by this name).
SCOPES = {READERS, TOPIC_READERS, POST_READERS, ATTACHMENT_READERS, WRITERS, MODERATORS}

EVERY_ROLE = list(Role)

grant(VIEW_SECTION, Section, cells(EVERY_ROLE, READERS))
grant(VIEW_TOPIC, Topic, cells(EVERY_ROLE, TOPIC_READERS))
grant(VIEW_POST, Post, cells(EVERY_ROLE, POST_READERS))
grant(VIEW_ATTACHMENT, Attachment, cells(EVERY_ROLE, ATTACHMENT_READERS))
grant(WRITE_IN_SECTION, Section, cells(EVERY_ROLE, WRITERS))
grant(MODERATE_SECTION, Section, cells(EVERY_ROLE, MODERATORS))
