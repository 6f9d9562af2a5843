"""An announcement's first publication notifies its audience (R-SET-1). Wagtail's
``page_published`` fires when a scheduled publication goes live (publish_scheduled),
and also when it is scheduled (the page not live yet: ignored); an edit published
again notifies nobody."""

from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from notifications.service import Kind, notify

from . import audience
from .models import AnnouncementPage


@receiver(page_published, sender=AnnouncementPage)
def announce(sender, instance, revision=None, **kwargs):
    # Wagtail sends the signal for a publication scheduled for later too, with the page
    # not live yet: its audience hears of it when it goes live.
    if not instance.live:
        return
    first = AnnouncementPage.objects.filter(pk=instance.pk, notified_at__isnull=True).update(
        notified_at=timezone.now())
    if not first:
        return
    notify(Kind.ANNOUNCEMENT, audience.recipients(instance), title=instance.title,
           body=instance.excerpt(), url=instance.get_full_url(), source=instance)


