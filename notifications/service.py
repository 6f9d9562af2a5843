"""The one notification service every module calls (R-SET-1, issue 13).

    from notifications.service import Kind, notify
    notify(Kind.ANNOUNCEMENT, users, title=..., body=..., url=...)

``users`` is an iterable or queryset of ``records.User``. Called inside a transaction,
delivery waits for the commit. Which channels reach each user (the portal, e-mail, web
push) is the user's choice per kind.

(The delivery is being built in issue 13's notifications branch; this module fixes
the interface the other apps call.)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("New announcement for me")
    MARK = "mark", _("New mark")
    HOMEWORK = "homework", _("Homework")
    FORUM = "forum", _("Forum replies")
    MAIL = "mail", _("Mail")


def notify(kind, users, *, title, body="", url="", source=None):
    """Sends notification ``kind`` to ``users`` through the channels each one chose.

    ``source`` is the row the notification is about (an announcement page, a mark), so
    that the same event never reaches one user twice."""
    return None
