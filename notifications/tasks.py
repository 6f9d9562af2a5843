"""Delivery of notifications by e-mail and web push: background tasks of Django's
tasks framework (settings ``TASKS``; ``manage.py db_worker`` runs them). Each task
takes the ids of up to ``service.TASK_CHUNK`` notifications."""

import logging
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.branding import portal_name

from . import push
from .models import Notification, PushSubscription

logger = logging.getLogger(__name__)


def absolute(path):
    return urljoin(settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/", path.lstrip("/"))


def link_of(notification):
    """The notification's own address: opening it marks it read and goes on to what
    it is about (for its owner only)."""
    return absolute(reverse("notifications:open", args=[notification.pk]))


@task()
def send_emails(notification_ids):
    """One e-mail per notification, in Russian (the portal's language), plain text
    and HTML, to the user's address; users without one are skipped."""
    rows = (Notification.objects.filter(pk__in=notification_ids)
            .select_related("user__person").exclude(user__email=""))
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        name = portal_name()
        for row in rows:
            context = {"notification": row, "portal_name": name, "link": link_of(row),
                       "settings_link": absolute(reverse("notifications:settings")),
                       "person": row.user.person_or_none,
                       "kind": row.get_kind_display()}
            message = EmailMultiAlternatives(
                subject=f"{row.title} · {name}",
                body=render_to_string("notifications/email.txt", context),
                to=[row.user.email])
            message.attach_alternative(
                render_to_string("notifications/email.html", context), "text/html")
            messages.append(message)
    if messages:
        mailers.default.send_messages(messages)
    return len(messages)


@task()
def send_pushes(notification_ids):
    """One push per notification to each device of its user. A device whose push
    service answers 404 or 410 has gone: its subscription is deleted."""
    rows = list(Notification.objects.filter(pk__in=notification_ids))
    devices = {}
    for device in PushSubscription.objects.filter(
            user_id__in={row.user_id for row in rows}):
        devices.setdefault(device.user_id, []).append(device)
    sent, gone, reached = 0, [], set()
    for row in rows:
        payload = {"title": row.title, "body": row.body[:300], "url": link_of(row),
                   "tag": f"{row.kind}-{row.pk}"}
        for device in devices.get(row.user_id, []):
            status = push.send(device, payload)
            if status in (404, 410):
                gone.append(device.pk)
            elif 200 <= status < 300:
                sent += 1
                reached.add(device.pk)
            else:
                logger.warning("Web push to subscription %s failed: %s", device.pk, status)
    if gone:
        PushSubscription.objects.filter(pk__in=gone).delete()
    if reached:
        PushSubscription.objects.filter(pk__in=reached).update(last_success=timezone.now())
    return sent
