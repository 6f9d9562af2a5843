"""The one notification service every module calls (R-SET-1, issue 13).

    from notifications.service import Kind, notify
    notify(Kind.ANNOUNCEMENT, users, title=..., body=..., url=..., source=page)

``users`` is an iterable or queryset of ``records.User``. Each recipient gets one
``Notification`` row (the portal's list and the header's count), created at once in
the caller's transaction; e-mail and web push go as background tasks
(notifications/tasks.py) once that transaction commits, so a rolled-back save sends
nothing. Which channels reach each user (the portal, e-mail, web push) is the user's
choice per kind (``Preference``; without one, ``models.DEFAULTS``).

What a notification says is what every one of ``users`` may see: the caller gives
text that is safe for each recipient (a mark's subject and value go to the pupil and
their parents only; an announcement's title to its audience only). The service adds
nothing of its own and never widens the list of recipients.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("New announcement for me")
    MARK = "mark", _("New mark")
    HOMEWORK = "homework", _("Homework")
    FORUM = "forum", _("Forum replies")
    MAIL = "mail", _("Mail")
    DATA_REQUEST = "data_request", _("Personal data requests")


# Delivery tasks take the ids of this many notifications each: a school-wide
# announcement (~1,500 users) is a handful of tasks, not one per user.
TASK_CHUNK = 250


def source_key(source):
    """The key of the event: ``app_label.model:pk`` for a row, a string as given."""
    if source is None:
        return ""
    if isinstance(source, models.Model):
        return f"{source._meta.label_lower}:{source.pk}"
    return str(source)[:120]


def _user_ids(users):
    if isinstance(users, models.QuerySet) and not users.query.is_sliced:
        return list(users.filter(is_active=True).values_list("pk", flat=True).distinct())
    return list(dict.fromkeys(getattr(user, "pk", user) for user in users
                              if getattr(user, "is_active", True)))


def notify(kind, users, *, title, body="", url="", source=None):
    """Sends notification ``kind`` to ``users`` through the channels each one chose.

    ``title``, ``body`` and ``url`` (a path of the portal) must be what every one of
    ``users`` may see: the service sends them as they are. ``source`` is the row the
    notification is about (an announcement page, a mark) or a string naming the event
    (``"journal.mark:12:v3"``), so that the same event never reaches one user twice.

    A bounded number of queries, whatever the number of users (four to five, plus one
    insert per 500 rows). Returns the new notifications (users already notified of
    the same event are left out)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from .models import DEFAULTS, Channel, Notification, Preference

    kind = Kind(kind)
    user_ids = _user_ids(users)
    if not user_ids:
        return []
    key = source_key(source)
    if key:
        done = set(Notification.objects.filter(kind=kind, source_key=key,
                                               user_id__in=user_ids)
                   .values_list("user_id", flat=True))
        user_ids = [pk for pk in user_ids if pk not in done]
        if not user_ids:
            return []
    chosen = {row.user_id: row.channels()
              for row in Preference.objects.filter(kind=kind, user_id__in=user_ids)}
    default = DEFAULTS[kind]
    source_type = source_id = None
    if isinstance(source, models.Model):
        source_type = ContentType.objects.get_for_model(source)  # cached after the first
        source_id = source.pk
    now = timezone.now()
    rows = [Notification(user_id=pk, kind=kind, title=str(title)[:200], body=str(body),
                         url=str(url)[:500], source_key=key, source_type=source_type,
                         source_id=source_id, created=now,
                         in_portal=chosen.get(pk, default)[Channel.PORTAL])
            for pk in user_ids]
    try:
        with transaction.atomic():
            rows = Notification.objects.bulk_create(rows, batch_size=500)
    except IntegrityError:
        # The same event notified at the same moment elsewhere: keep the other's rows.
        Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        rows = list(Notification.objects.filter(kind=kind, source_key=key, created=now,
                                                user_id__in=user_ids))
    by_email = [row.pk for row in rows if chosen.get(row.user_id, default)[Channel.EMAIL]]
    by_push = [row.pk for row in rows if chosen.get(row.user_id, default)[Channel.PUSH]]
    if by_email or by_push:
        transaction.on_commit(lambda: _enqueue(by_email, by_push))
    return rows


def _enqueue(by_email, by_push):
    from .tasks import send_emails, send_pushes

    for ids, task in ((by_email, send_emails), (by_push, send_pushes)):
        for start in range(0, len(ids), TASK_CHUNK):
            task.enqueue(ids[start:start + TASK_CHUNK])
